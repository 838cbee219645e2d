"""Quotes: the list (latest version of each, by status and customer) and a quote's page, with its versions,
its lines priced and explained, the configuration of each configured line, the discount approvals, the
order it became, and its actions as forms (send, accept, reject; approve or refuse the discount), and
the PDF for the customer; the form that drafts a new quote, and the one that changes a draft in place or
revises a sent version into a new one (:mod:`cradletrace.commerce.quote_drafts`, as the JSON API does).

Routing only: the list is :func:`cradletrace.commerce.quote_summary.list_quotes` and the page
:func:`cradletrace.commerce.quote_summary.summarise_quote`, what the JSON API answers; the PDF
(:func:`cradletrace.reports.quote_pdf.quote_sheet`) reads the quote through the same function, so what the
customer gets and what sales see are one reading. Every page is a fixed number of statements.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.wrappers import Response

from cradletrace.commerce import accept_quote, approve_discount, reject_discount, reject_quote, send_quote
from cradletrace.commerce.document_lists import customers
from cradletrace.commerce.quote_drafts import change_quote, draft_quote, quote_choices
from cradletrace.commerce.quote_summary import STATUSES, list_quotes, summarise_quote
from cradletrace.commerce.quotes import quote_version
from cradletrace.models import Document, DocumentKind
from cradletrace.reports.quote_pdf import file_name, quote_sheet, render
from cradletrace.web.auth import has_role, login_required
from cradletrace.web.commercial import (
    APPROVER_ROLES,
    SALES_ROLES,
    act,
    attachment,
    register,
    submit,
    user_name,
    user_roles,
)
from cradletrace.web.db import get_session
from cradletrace.web.sales.quote_form import QuoteForm, draft_input, from_form, from_quote

bp = Blueprint("quotes", __name__, url_prefix="/sales/quotes")
bp.record_once(register)

LIST_LIMIT = 500
"""Rows a list shows at most (newest first); filter to see others."""


@bp.get("")
@login_required(*SALES_ROLES)
def quotes() -> Any:
    """The quotes, latest version each: ``?status=`` and ``?customer=`` (the customer's identifier) filter."""
    status = request.args.get("status", "")
    customer = request.args.get("customer", "")
    session = get_session()
    rows, total = list_quotes(session, status=status if status in STATUSES else None, customer=customer or None,
                              limit=LIST_LIMIT)
    return render_template("sales/quotes.html", rows=rows, total=total, statuses=STATUSES, status=status,
                           customer=customer, customers=customers(session, DocumentKind.QUOTE), limit=LIST_LIMIT)


@bp.route("/new", methods=["GET", "POST"])
@login_required(*SALES_ROLES)
def new() -> Any:
    """The form for a new quote; posted, the quote is drafted (303 to its page) or refused (422, the form again
    with what was typed and the core's reason)."""
    if request.method == "GET":
        return _form(QuoteForm(), title="New quote", action=url_for("quotes.new"))
    typed = from_form(request.form)
    return submit(lambda: draft_quote(get_session(), **draft_input(typed), by=user_name()),
                  again=lambda error: _form(typed, title="New quote", action=url_for("quotes.new"), error=error),
                  done=lambda made: (f"Quote {made.number} v{made.version} drafted.",
                                     url_for("quotes.quote", number=made.number, version=made.version)))


@bp.route("/<path:number>/v<int:version>/revise", methods=["GET", "POST"])
@login_required(*SALES_ROLES)
def revise(number: str, version: int) -> Any:
    """The form that changes a version, prefilled: a draft is changed in place, a sent version becomes a new
    version (it is frozen); posted, 303 to the version changed or made, or 422 with the reason."""
    session = get_session()
    summary = summarise_quote(session, number, version)
    title = (f"Change quote {summary.number} v{summary.version}" if summary.status == "draft"
             else f"Revise quote {summary.number} v{summary.version} into v{summary.latest + 1}")
    action = url_for("quotes.revise", number=summary.number, version=summary.version)
    if request.method == "GET":
        return _form(from_quote(summary), title=title, action=action, quote=summary)
    typed = from_form(request.form)
    typed.number, typed.customer, typed.currency = summary.number, summary.customer_id or "", summary.currency or ""

    def save() -> Document:
        given = draft_input(typed)
        return change_quote(session, summary.number, summary.version, lines=given["lines"],
                            discount=given["discount"], valid_until=given["valid_until"],
                            price_list=given["price_list"], by=user_name())

    def done(changed: Document) -> tuple[str, str]:
        made = "changed" if changed.version == summary.version else f"revised: v{changed.version} drafted"
        return (f"Quote {changed.number} {made}.",
                url_for("quotes.quote", number=changed.number, version=changed.version))

    return submit(save, again=lambda error: _form(typed, title=title, action=action, quote=summary, error=error),
                  done=done)


def _form(form: QuoteForm, *, title: str, action: str, quote: Any = None, error: str | None = None) -> str:
    return render_template("sales/quote_form.html", form=form, title=title, action=action, quote=quote,
                           error=error, choices=quote_choices(get_session()))


@bp.get("/<path:number>")
@bp.get("/<path:number>/v<int:version>")
@login_required(*SALES_ROLES)
def quote(number: str, version: int | None = None) -> Any:
    """A quote version's page (the latest without a version)."""
    summary = summarise_quote(get_session(), number, version)
    return render_template("sales/quote.html", q=summary, pricing=summary.pricing,
                           may_decide=has_role(*APPROVER_ROLES))


@bp.get("/<path:number>/v<int:version>/pdf")
@login_required(*SALES_ROLES)
def pdf(number: str, version: int) -> Response:
    """The quote version as the PDF the customer gets (:mod:`cradletrace.reports.quote_pdf`)."""
    sheet = quote_sheet(get_session(), number, version=version)
    return attachment(render(sheet), "application/pdf", file_name(sheet.number, sheet.version))


def _version(number: str, version: int) -> tuple[Document, str]:
    """The version an action is for (a missing one is 404), and its page to come back to."""
    doc = quote_version(get_session(), number, version)
    return doc, url_for("quotes.quote", number=doc.number, version=doc.version)


@bp.post("/<path:number>/v<int:version>/send")
@login_required(*SALES_ROLES)
def send(number: str, version: int) -> Response:
    """Send a draft version to the customer, which freezes it."""
    doc, back = _version(number, version)
    return act(lambda: send_quote(get_session(), doc), back=back, done=f"Quote {doc.number} v{doc.version} sent.")


@bp.post("/<path:number>/v<int:version>/accept")
@login_required(*SALES_ROLES)
def accept(number: str, version: int) -> Response:
    """Record the customer's acceptance: the version becomes a sales order."""
    doc, back = _version(number, version)
    return act(lambda: accept_quote(get_session(), doc), back=back,
               done=lambda made: f"Quote {doc.number} v{doc.version} accepted: order {made.order.number}.")


@bp.post("/<path:number>/v<int:version>/reject")
@login_required(*SALES_ROLES)
def reject(number: str, version: int) -> Response:
    """Record the customer's rejection of a sent version, with the reason given."""
    doc, back = _version(number, version)
    reason = request.form.get("reason", "").strip() or None
    return act(lambda: reject_quote(get_session(), doc, reason=reason), back=back,
               done=f"Quote {doc.number} v{doc.version} rejected by the customer.")


@bp.post("/<path:number>/v<int:version>/<any(approve, refuse):decision>-discount")
@login_required(*APPROVER_ROLES)
def decide(number: str, version: int, decision: str) -> Response:
    """A sales manager approves or refuses the draft's discount (a refusal needs a reason); the core checks the
    role again."""
    doc, back = _version(number, version)
    decide_discount = approve_discount if decision == "approve" else reject_discount
    note = request.form.get("note", "")
    return act(lambda: decide_discount(get_session(), doc, by=user_name(), roles=user_roles(), note=note),
               back=back, done=f"Discount of quote {doc.number} v{doc.version} {decision}d.")


__all__ = ["LIST_LIMIT", "bp"]
