"""Payments: the list (amount, applied, unapplied; by customer), a payment's page with the invoices it was
applied to, the form that records a payment (the customer chosen first, then its open invoices each with an
amount to apply) and, on a payment's page with cash unapplied, the form that applies it to open invoices.

Routing only: the list is :func:`cradletrace.commerce.document_lists.list_payments`, the page
:func:`cradletrace.commerce.document_summary.summarise_payment`, the forms read and record through
:mod:`cradletrace.commerce.payment_drafts` (as the JSON API does); a fixed number of statements each.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from cradletrace.commerce.document_lists import customers, list_payments, open_invoices
from cradletrace.commerce.document_summary import summarise_payment
from cradletrace.commerce.payment_drafts import PaymentChoices, apply_cash, payment_choices, record_payment
from cradletrace.errors import NotFound, TraceError
from cradletrace.models import DocumentKind
from cradletrace.timestamps import naive_utc, utc_now
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import FINANCE_ROLES, OK, money, refusal, register
from cradletrace.web.db import get_session
from cradletrace.web.finance.payment_form import PaymentForm, from_form, payment_input, rows_of, typed_applications

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


@bp.route("/new", methods=["GET", "POST"])
@login_required(*FINANCE_ROLES)
def new() -> Any:
    """The form for a payment: ``?customer=`` chosen, the customer's open invoices to apply it to; posted, the
    payment is recorded with its applications (303 to its page) or refused (422, the form again as typed with the
    core's reason)."""
    if request.method == "GET":
        customer = request.args.get("customer", "").strip()
        choices, unknown = _choices(customer)
        form = PaymentForm(customer=customer, currency=choices.currency)
        if unknown:
            return _form(form, choices, error=unknown, label="Choose the customer again:"), 404
        return _form(form, choices)
    typed = from_form(request.form)
    session = get_session()
    try:
        made = record_payment(session, **payment_input(typed))
        session.flush()
    except TraceError as refused:
        session.rollback()
        choices, _unknown = _choices(typed.customer)
        return _form(typed, choices, error=refusal(refused)), 422
    flash(f"Payment {made.number} of {money(made.amount)} {made.currency} recorded.", OK)
    return redirect(url_for("payments.payment", number=made.number), code=303)


def _choices(customer: str) -> tuple[PaymentChoices, str | None]:
    """The form's choices for ``customer``; for one that is no party, those of no customer and the reason."""
    try:
        return payment_choices(get_session(), customer or None), None
    except NotFound as unknown:
        return payment_choices(get_session()), str(unknown)


def _form(form: PaymentForm, choices: PaymentChoices, *, error: str | None = None, label: str = "Not saved:") -> str:
    return render_template("finance/payment_form.html", form=form, choices=choices, error=error, label=label,
                           now=naive_utc(utc_now()))


@bp.get("/<path:number>")
@login_required(*FINANCE_ROLES)
def payment(number: str) -> Any:
    """A payment's page; with cash unapplied, the form that applies it."""
    return _page(number)


@bp.post("/<path:number>/apply")
@login_required(*FINANCE_ROLES)
def apply(number: str) -> Any:
    """Apply the payment's unapplied cash to the amounts typed per invoice: 303 back to the payment, or 422 with its
    page, the amounts as typed and the core's reason."""
    typed = typed_applications(request.form)
    session = get_session()
    try:
        made = apply_cash(session, number, rows_of(typed))
        session.flush()
    except TraceError as refused:
        session.rollback()
        return _page(number, typed=typed, error=refusal(refused)), 422
    total = sum((a.amount for a in made), Decimal(0))
    flash(f"{money(total)} of payment {number} applied to {len(made)} invoice{'s' if len(made) > 1 else ''}.",
          OK)
    return redirect(url_for("payments.payment", number=number), code=303)


def _page(number: str, *, typed: dict[str, str] | None = None, error: str | None = None) -> str:
    """A payment's page: its summary and, with cash unapplied, the customer's open invoices in its currency."""
    session = get_session()
    page = summarise_payment(session, number)
    head = page.head
    invoices, open_count = (open_invoices(session, head.customer_id, currency=head.currency)
                            if page.unapplied > 0 and head.customer_id else ([], 0))
    return render_template("finance/payment.html", page=page, doc=head, invoices=invoices, open_count=open_count,
                           typed=typed or {}, error=error, now=naive_utc(utc_now()))


__all__ = ["LIST_LIMIT", "bp"]
