"""The home page: a search box that takes any identifier form and goes to its canonical page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request

from cradletrace.web.auth import public

bp = Blueprint("site", __name__)


@bp.get("/")
@public
def home() -> Any:
    query = request.args.get("q", "").strip()
    if query:
        from cradletrace.web.resolver import canonical_path

        return redirect(canonical_path(query), code=303)
    return render_template("home.html")
