"""Invoices: the list (status, due date, open balance; by status, customer, or overdue) and an invoice's page,
with its lines, the payments, credit notes and write-offs applied to it, the credit notes that follow
it, and the serials it covered (:func:`cradletrace.commerce.covered_serials`), each linked to its
passport. Every page is a fixed number of statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from cradletrace.commerce import covered_serials
from cradletrace.commerce.chain import CoveredSerial
from cradletrace.commerce.documents import get
from cradletrace.contracts.links import LinkedDocument
from cradletrace.commerce.pricing import Pricing, explain
from cradletrace.models import Application, Document, DocumentKind, DocumentStatus, Node, Party, Product
from cradletrace.timestamps import naive_utc, utc_now
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import FINANCE_ROLES, register
from cradletrace.web.db import get_session
from cradletrace.web.documents import customers, party_name, related_documents

bp = Blueprint("invoices", __name__, url_prefix="/finance/invoices")
bp.record_once(register)

STATUSES = ("issued", "partially_paid", "paid", "written_off")
OVERDUE = "overdue"
"""The filter for invoices past their due date with a balance still open."""
LIST_LIMIT = 500


@dataclass(frozen=True)
class InvoiceRow:
    """An invoice in the list: amount, what is applied to it, and the balance still open."""

    number: str
    customer: str | None
    created_at: datetime
    due_at: datetime | None
    status: str
    amount: Decimal
    applied: Decimal
    currency: str | None

    @property
    def balance(self) -> Decimal:
        return self.amount - self.applied

    def overdue(self, now: datetime) -> bool:
        """Past its due date with a balance open."""
        return self.balance > 0 and self.due_at is not None and self.due_at < now


@dataclass(frozen=True)
class Applied:
    """A payment, credit note or write-off applied to the invoice."""

    kind: str
    number: str
    amount: Decimal
    applied_at: datetime


@dataclass(frozen=True)
class InvoicePage:
    """Everything an invoice's page shows."""

    doc: Document
    customer: str | None
    order: str | None
    pricing: Pricing
    applied: tuple[Applied, ...]
    related: tuple[LinkedDocument, ...]
    serials: tuple[CoveredSerial, ...]
    names: dict[str, str]
    """Product names by GTIN, for the serials."""

    @property
    def balance(self) -> Decimal:
        return Decimal(self.doc.amount or 0) - sum((a.amount for a in self.applied), Decimal(0))


def applied_totals() -> Any:
    """A subquery of what is applied to each invoice: ``invoice_id``, ``applied``."""
    return (select(Application.invoice_id, func.sum(Application.amount).label("applied"))
            .group_by(Application.invoice_id).subquery("applied"))


def invoice_rows(session: Session, *, status: str | None = None, customer: str | None = None,
                 now: datetime | None = None, limit: int = LIST_LIMIT) -> list[InvoiceRow]:
    """Invoices, newest first, with what is applied to each: one statement. ``status`` may be :data:`OVERDUE`."""
    applied = applied_totals()
    query = (select(Document, Party.name, func.coalesce(applied.c.applied, 0))
             .outerjoin(applied, applied.c.invoice_id == Document.id)
             .outerjoin(Party, Party.id == Document.party_id)
             .where(Document.kind == DocumentKind.INVOICE)
             .order_by(Document.created_at.desc(), Document.number).limit(limit))
    if status == OVERDUE:
        query = query.where(Document.due_at < naive_utc(now or utc_now()),
                            Document.amount > func.coalesce(applied.c.applied, 0))
    elif status:
        query = query.where(Document.status == DocumentStatus(status))
    if customer:
        query = query.where(Document.party_id.in_(select(Party.id).join(Node, Node.id == Party.node_id)
                                                  .where(Node.identifier == customer)))
    return [InvoiceRow(d.number, name, d.created_at, d.due_at, d.status.value, Decimal(d.amount or 0),
                       Decimal(paid or 0), d.currency) for d, name, paid in session.execute(query)]


def invoice_page(session: Session, number: str) -> InvoicePage:
    """An invoice: lines priced, what is applied to it, the documents next to it, the serials it covered."""
    doc = get(session, DocumentKind.INVOICE, number)
    source = aliased(Document)
    applied = tuple(Applied(kind.value, n, amount, at) for kind, n, amount, at in session.execute(
        select(source.kind, source.number, Application.amount, Application.applied_at)
        .join(source, source.id == Application.source_id).where(Application.invoice_id == doc.id)
        .order_by(Application.applied_at, Application.id)))
    order = session.execute(select(Document.number).where(Document.id == doc.order_id)).scalar() \
        if doc.order_id else None
    serials = tuple(covered_serials(session, doc))
    gtins = {s.gtin for s in serials if s.gtin}
    names = dict(session.execute(select(Product.gtin, Product.name).where(Product.gtin.in_(gtins))).all()) \
        if gtins else {}
    return InvoicePage(doc, party_name(session, doc.party_id), order, explain(session, doc), applied,
                       tuple(related_documents(session, doc)), serials, names)


@bp.get("")
@login_required(*FINANCE_ROLES)
def invoices() -> Any:
    """The invoices: ``?status=`` (or ``overdue``) and ``?customer=`` filter."""
    status = request.args.get("status", "")
    customer = request.args.get("customer", "")
    session = get_session()
    now = naive_utc(utc_now())
    rows = invoice_rows(session, status=status if status in (*STATUSES, OVERDUE) else None,
                        customer=customer or None, now=now)
    return render_template("finance/invoices.html", rows=rows, statuses=(*STATUSES, OVERDUE), status=status,
                           customer=customer, customers=customers(session, DocumentKind.INVOICE), now=now,
                           limit=LIST_LIMIT)


@bp.get("/<number>")
@login_required(*FINANCE_ROLES)
def invoice(number: str) -> Any:
    """An invoice's page."""
    page = invoice_page(get_session(), number)
    return render_template("finance/invoice.html", page=page, doc=page.doc, pricing=page.pricing,
                           now=naive_utc(utc_now()))


__all__ = ["Applied", "InvoicePage", "InvoiceRow", "OVERDUE", "applied_totals", "bp", "invoice_page", "invoice_rows"]
