"""Payments: the list (amount, applied, unapplied; by customer) and a payment's page with the invoices it
was applied to. A fixed number of statements each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from cradletrace.commerce.documents import get
from cradletrace.models import Application, Document, DocumentKind, Node, Party
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import FINANCE_ROLES, register
from cradletrace.web.db import get_session
from cradletrace.web.documents import customers, party_name

bp = Blueprint("payments", __name__, url_prefix="/finance/payments")
bp.record_once(register)

LIST_LIMIT = 500


@dataclass(frozen=True)
class PaymentRow:
    """A payment in the list: what it paid, and what of it is applied to invoices."""

    number: str
    customer: str | None
    received_at: datetime
    amount: Decimal
    applied: Decimal
    currency: str | None

    @property
    def unapplied(self) -> Decimal:
        return self.amount - self.applied


@dataclass(frozen=True)
class AppliedTo:
    """A part of the payment applied to an invoice."""

    invoice: str
    amount: Decimal
    applied_at: datetime
    invoice_amount: Decimal | None
    invoice_status: str


@dataclass(frozen=True)
class PaymentPage:
    """A payment and its applications."""

    doc: Document
    customer: str | None
    applications: tuple[AppliedTo, ...]

    @property
    def applied(self) -> Decimal:
        return sum((a.amount for a in self.applications), Decimal(0))

    @property
    def unapplied(self) -> Decimal:
        return Decimal(self.doc.amount or 0) - self.applied


def payment_rows(session: Session, *, customer: str | None = None, limit: int = LIST_LIMIT) -> list[PaymentRow]:
    """Payments, newest first, with what of each is applied: one statement."""
    applied = (select(Application.source_id, func.sum(Application.amount).label("applied"))
               .group_by(Application.source_id).subquery("applied"))
    query = (select(Document, Party.name, func.coalesce(applied.c.applied, 0))
             .outerjoin(applied, applied.c.source_id == Document.id)
             .outerjoin(Party, Party.id == Document.party_id)
             .where(Document.kind == DocumentKind.PAYMENT)
             .order_by(Document.created_at.desc(), Document.number).limit(limit))
    if customer:
        query = query.where(Document.party_id.in_(select(Party.id).join(Node, Node.id == Party.node_id)
                                                  .where(Node.identifier == customer)))
    return [PaymentRow(d.number, name, d.created_at, Decimal(d.amount or 0), Decimal(paid or 0), d.currency)
            for d, name, paid in session.execute(query)]


def payment_page(session: Session, number: str) -> PaymentPage:
    """A payment and the invoices it was applied to."""
    doc = get(session, DocumentKind.PAYMENT, number)
    invoice = aliased(Document)
    applications = tuple(AppliedTo(n, amount, at, total, status.value) for n, amount, at, total, status in
                         session.execute(select(invoice.number, Application.amount, Application.applied_at,
                                                invoice.amount, invoice.status)
                                         .join(invoice, invoice.id == Application.invoice_id)
                                         .where(Application.source_id == doc.id)
                                         .order_by(Application.applied_at, Application.id)))
    return PaymentPage(doc, party_name(session, doc.party_id), applications)


@bp.get("")
@login_required(*FINANCE_ROLES)
def payments() -> Any:
    """The payments: ``?customer=`` filters."""
    customer = request.args.get("customer", "")
    session = get_session()
    return render_template("finance/payments.html", rows=payment_rows(session, customer=customer or None),
                           customer=customer, customers=customers(session, DocumentKind.PAYMENT), limit=LIST_LIMIT)


@bp.get("/<number>")
@login_required(*FINANCE_ROLES)
def payment(number: str) -> Any:
    """A payment's page."""
    page = payment_page(get_session(), number)
    return render_template("finance/payment.html", page=page, doc=page.doc)


__all__ = ["AppliedTo", "PaymentPage", "PaymentRow", "bp", "payment_page", "payment_rows"]
