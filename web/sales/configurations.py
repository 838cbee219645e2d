"""Configurable products and their configurations: the models (option groups and options with the bill of
materials each puts in, rules, variants), a form that configures a model and saves the configuration
(:func:`cradletrace.configure.configure`: a choice that breaks a rule is refused, naming the rule), and a
configuration's page: its options, variant and bill of materials, and the units sold with it, each
checked as built and as maintained against it (the ``configuration_mismatch`` finding).

Routing only, over the readers the JSON API uses too: :func:`cradletrace.configure.describe_models` (and
``describe_model``), :func:`cradletrace.configure.latest_configurations`, :func:`cradletrace.configure.describe`
and :func:`cradletrace.configure.units_sold`; every page is a fixed number of statements.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from cradletrace.configure import (
    configure,
    describe,
    describe_model,
    describe_models,
    latest_configurations,
    units_sold,
)
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import SALES_ROLES, register, user_name
from cradletrace.web.db import get_session

bp = Blueprint("configurations", __name__, url_prefix="/sales/configurations")
bp.record_once(register)

RECENT = 50
"""Configurations the overview lists (newest first)."""


@bp.get("")
@login_required(*SALES_ROLES)
def models_page() -> Any:
    """The configurable models and the latest configurations."""
    session = get_session()
    return render_template("sales/models.html", models=describe_models(session),
                           recent=latest_configurations(session, RECENT), limit=RECENT)


@bp.route("/models/<code>", methods=["GET", "POST"])
@login_required(*SALES_ROLES)
def model(code: str) -> Any:
    """A model's page with the configure form; posted, the configuration is saved (303 to its page) or refused
    (422, the form again with the rule it breaks)."""
    session = get_session()
    view = describe_model(session, code)
    chosen: list[str] = []
    error: RuleViolation | InvalidInput | None = None
    if request.method == "POST":
        chosen = [c for g in view.groups for c in request.form.getlist(f"group-{g.code}") if c]
        try:
            made = configure(session, view.code, chosen, by=user_name())
        except (RuleViolation, InvalidInput) as refused:
            session.rollback()
            error = refused
        else:
            return redirect(url_for("configurations.configuration", configuration_id=made.id), code=303)
    broken = error.where.removeprefix("rule ") if error is not None and (error.where or "").startswith("rule ") \
        else None
    return render_template("sales/model.html", model=view, chosen=chosen, error=error, broken=broken), (
        422 if error is not None else 200)


@bp.get("/<int:configuration_id>")
@login_required(*SALES_ROLES)
def configuration(configuration_id: int) -> Any:
    """A configuration's page: options, variant, bill of materials, and the units sold with it."""
    session = get_session()
    summary = describe(session, configuration_id)
    return render_template("sales/configuration.html", c=summary, page=units_sold(session, summary.id))


__all__ = ["RECENT", "bp"]
