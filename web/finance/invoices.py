"""Invoices: the list (status, due date, open balance; by status, customer, or overdue) and an invoice's page,
with its lines, the payments, credit notes and write-offs applied to it, the credit notes that follow
it, and the serials it covered, each linked to its passport; with a balance open, the form that writes it off
(the signed-in user approves it).

Routing only: the list is :func:`cradletrace.commerce.document_lists.list_invoices`, the page
:func:`cradletrace.commerce.document_summary.summarise_invoice` (a fixed number of statements each), the
write-off :func:`cradletrace.commerce.payment_drafts.write_off_balance` (as the JSON API's).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from cradletrace.commerce.document_lists import INVOICE_STATUSES, OVERDUE, customers, list_invoices
from cradletrace.commerce.document_summary import summarise_invoice
from cradletrace.commerce.payment_drafts import write_off_balance
from cradletrace.commerce.pricing import amount_text
from cradletrace.errors import TraceError
from cradletrace.models import DocumentKind
from cradletrace.timestamps import naive_utc, utc_now
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import FINANCE_ROLES, OK, money, refusal, register, user_name
from cradletrace.web.db import get_session

bp = Blueprint("invoices", __name__, url_prefix="/finance/invoices")
bp.record_once(register)

STATUSES = (*INVOICE_STATUSES, OVERDUE)
"""The list's filter: an invoice's state, or overdue (past its due date with a balance open)."""
LIST_LIMIT = 500
"""Rows a list shows at most (newest first); filter to see others."""


@bp.get("")
@login_required(*FINANCE_ROLES)
def invoices() -> Any:
    """The invoices: ``?status=`` (or ``overdue``) and ``?customer=`` filter."""
    status = request.args.get("status", "")
    customer = request.args.get("customer", "")
    session = get_session()
    now = naive_utc(utc_now())
    rows, total = list_invoices(session, status=status if status in STATUSES else None, customer=customer or None,
                                at=now, limit=LIST_LIMIT)
    return render_template("finance/invoices.html", rows=rows, total=total, statuses=STATUSES, status=status,
                           customer=customer, customers=customers(session, DocumentKind.INVOICE), now=now,
                           limit=LIST_LIMIT)


@bp.get("/<path:number>")
@login_required(*FINANCE_ROLES)
def invoice(number: str) -> Any:
    """An invoice's page; with a balance open, the write-off form (its amount the balance)."""
    return _page(number)


@bp.post("/<path:number>/write-off")
@login_required(*FINANCE_ROLES)
def write_off(number: str) -> Any:
    """Write off the amount given (blank: the balance) for the reason given, approved by the signed-in user: 303
    back to the invoice, or 422 with its page, the form as typed and the core's reason."""
    typed = {name: request.form.get(name, "").strip() for name in ("amount", "reason")}
    session = get_session()
    try:
        off = write_off_balance(session, number, approver=user_name(), reason=typed["reason"], amount=typed["amount"])
        session.flush()
    except TraceError as refused:
        session.rollback()
        return _page(number, typed=typed, error=refusal(refused)), 422
    flash(f"{money(off.amount)} {off.currency} of invoice {number} written off ({off.number}).", OK)
    return redirect(url_for("invoices.invoice", number=number), code=303)


def _page(number: str, *, typed: dict[str, str] | None = None, error: str | None = None) -> str:
    page = summarise_invoice(get_session(), number)
    return render_template("finance/invoice.html", page=page, doc=page.head, pricing=page.pricing,
                           now=naive_utc(utc_now()), error=error,
                           typed=typed or {"amount": amount_text(page.balance), "reason": ""})


__all__ = ["LIST_LIMIT", "STATUSES", "bp"]
