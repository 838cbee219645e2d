"""Invoices: the list (status, due date, open balance; by status, customer, or overdue) and an invoice's page,
with its lines, the payments, credit notes and write-offs applied to it, the credit notes that follow
it, and the serials it covered, each linked to its passport.

Routing only: the list is :func:`cradletrace.commerce.document_lists.list_invoices`, the page
:func:`cradletrace.commerce.document_summary.summarise_invoice` (a fixed number of statements each).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from cradletrace.commerce.document_lists import INVOICE_STATUSES, OVERDUE, customers, list_invoices
from cradletrace.commerce.document_summary import summarise_invoice
from cradletrace.models import DocumentKind
from cradletrace.timestamps import naive_utc, utc_now
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import FINANCE_ROLES, register
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
    """An invoice's page."""
    page = summarise_invoice(get_session(), number)
    return render_template("finance/invoice.html", page=page, doc=page.head, pricing=page.pricing,
                           now=naive_utc(utc_now()))


__all__ = ["LIST_LIMIT", "STATUSES", "bp"]
