"""Payments: the list (amount, applied, unapplied; by customer) and a payment's page with the invoices it
was applied to.

Routing only: the list is :func:`cradletrace.commerce.document_lists.list_payments`, the page
:func:`cradletrace.commerce.document_summary.summarise_payment` (a fixed number of statements each).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from cradletrace.commerce.document_lists import customers, list_payments
from cradletrace.commerce.document_summary import summarise_payment
from cradletrace.models import DocumentKind
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import FINANCE_ROLES, register
from cradletrace.web.db import get_session

bp = Blueprint("payments", __name__, url_prefix="/finance/payments")
bp.record_once(register)

LIST_LIMIT = 500
"""Rows a list shows at most (newest first); filter to see others."""


@bp.get("")
@login_required(*FINANCE_ROLES)
def payments() -> Any:
    """The payments: ``?customer=`` filters."""
    customer = request.args.get("customer", "")
    session = get_session()
    rows, total = list_payments(session, customer=customer or None, limit=LIST_LIMIT)
    return render_template("finance/payments.html", rows=rows, total=total, customer=customer,
                           customers=customers(session, DocumentKind.PAYMENT), limit=LIST_LIMIT)


@bp.get("/<path:number>")
@login_required(*FINANCE_ROLES)
def payment(number: str) -> Any:
    """A payment's page."""
    page = summarise_payment(get_session(), number)
    return render_template("finance/payment.html", page=page, doc=page.head)


__all__ = ["LIST_LIMIT", "bp"]
