"""Labels on the web: a unit's, lot's, SSCC's or location's label to download (PNG, SVG, PDF, ZPL),
and the staff's batch print page (a PDF sheet for pasted identifiers or a lot).

Thin views over :mod:`cradletrace.labels`. Printing labels is staff work (:data:`LABEL_ROLES`):
a label is what makes a unit pass as genuine, and a batch of them lists registered serials, so the
public never gets one (docs/labels.md). The labels carry this deployment's resolver
(``RESOLVER_URL``, from ``CRADLETRACE_RESOLVER_URL``), not whatever host the page was opened on.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask.wrappers import Response

from cradletrace.errors import TraceError, http_status
from cradletrace.identifiers import parse
from cradletrace.labels import FORMATS, fetch_labels, lot_units, media_type, render_labels
from cradletrace.labels.content import LABEL_KINDS
from cradletrace.labels.render import file_name, render_options
from cradletrace.web.auth import has_role, login_required
from cradletrace.web.db import get_session

bp = Blueprint("labels", __name__, url_prefix="/labels")

LABEL_ROLES = ("warehouse", "supply_chain")
"""Who prints labels: warehouse staff (labelling and relabelling) and supply chain (recalls, relabelling lots)."""
LAYOUTS = (("3x8", "3 x 8: Avery L7159 (A4)"), ("2x7", "2 x 7: Avery L7163 (A4), 5162 (Letter)"),
           ("3x10", "3 x 10: Avery 5160 (Letter)"))
"""The sheet presets offered on the batch form (any other COLUMNSxROWS is accepted too)."""
PAGES = (("a4", "A4"), ("letter", "US Letter"))
GS1_FORMS = ("(", "]", "^", "urn:epc:", "http://", "https://")


def resolver_url() -> str:
    """The resolver the labels point to: the configured one, else this request's host."""
    return (current_app.config.get("RESOLVER_URL") or request.host_url).rstrip("/")


def _attachment(data: bytes, fmt: str, name: str, count: int) -> Response:
    response = Response(data, mimetype=media_type(fmt, count))
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/download")
@login_required(*LABEL_ROLES)
def download() -> Any:
    """``/labels/download?id=ANY-FORM&format=png|svg|pdf|zpl`` (and ``layout``, ``page``, ``dpi`` for PDF and ZPL)."""
    identifier = request.args.get("id", "").strip()
    if not identifier:
        abort(400, description="give the unit, lot, SSCC or location as ?id=")
    fmt = request.args.get("format", "png")
    dpi = request.args.get("dpi", type=int)
    options = render_options(fmt, request.args.get("layout", "3x8"), request.args.get("page", "a4"), None, None, dpi)
    labels = fetch_labels(get_session(), [identifier], resolver_url=resolver_url())
    return _attachment(render_labels(labels, fmt, **options), fmt, file_name(labels[0], fmt), 1)


@bp.route("/print", methods=["GET", "POST"])
@login_required(*LABEL_ROLES)
def batch() -> Any:
    """The batch print form; posted, a PDF sheet of the pasted identifiers or of a lot's units."""
    form = {"identifiers": "", "lot": "", "layout": "3x8", "page": "a4"}
    if request.method == "GET":
        form["lot"] = request.args.get("lot", "")
        return _form(form)
    form.update({k: request.form.get(k, v).strip() for k, v in form.items()})
    lines = [line.strip() for line in form["identifiers"].splitlines() if line.strip()]
    if bool(lines) == bool(form["lot"]):
        return _form(form, ["Paste identifiers (one a line) or name a lot, not both."], 400)
    malformed = _malformed(lines)
    if malformed:
        return _form(form, malformed, 400)
    session = get_session()
    try:
        options = render_options("pdf", form["layout"], form["page"], None, None, None)
        chosen = lot_units(session, form["lot"]) if form["lot"] else lines
        data = render_labels(fetch_labels(session, chosen, resolver_url=resolver_url()), "pdf", **options)
    except TraceError as error:
        return _form(form, [str(error).removeprefix("--")], http_status(error))
    name = "labels-" + ("lot" if form["lot"] else str(len(chosen))) + ".pdf"
    return _attachment(data, "pdf", name, len(chosen))


def _malformed(lines: list[str]) -> list[str]:
    """Every pasted line in a GS1 form that does not parse, with its line number (no query needed)."""
    errors = []
    for number, line in enumerate(lines, 1):
        if line.startswith(GS1_FORMS):
            try:
                parse(line)
            except TraceError as error:
                errors.append(f"line {number}, {line}: {error}")
    return errors


def _form(form: dict[str, str], errors: list[str] | None = None, status: int = 200) -> Any:
    return render_template("labels/print.html", form=form, errors=errors or [], layouts=LAYOUTS, pages=PAGES), status


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    def can_print_labels(passport: dict[str, Any]) -> bool:
        """Whether the passport page offers its label: staff who print, not the public view."""
        return (passport.get("kind") in LABEL_KINDS and not passport.get("viewer", {}).get("public")
                and has_role(*LABEL_ROLES))

    return {"can_print_labels": can_print_labels, "label_formats": FORMATS,
            "prints_labels": lambda: has_role(*LABEL_ROLES)}
