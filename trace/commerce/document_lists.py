"""Lists of commercial documents, as pages and the API show them: invoices with what is applied to each and the
balance left, payments with what of each is applied, a customer's open invoices (what a payment can be applied
to), and the customers that have documents of a kind (for a filter). Beside
:func:`cradletrace.commerce.quote_summary.list_quotes` and :func:`cradletrace.contracts.summary.list_contracts`.

Each list is newest first (open invoices: the oldest due first), filtered in the database and paged (``limit``,
``offset``), and reads in two statements whatever its length: the rows (what is applied summed by a subquery) and
how many match in all. Rows are plain data with ``to_dict()`` for JSON (money as decimal strings).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, func, select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import party_id
from cradletrace.commerce.pricing import amount_text
from cradletrace.errors import InvalidInput
from cradletrace.models import Application, Document, DocumentKind, DocumentStatus, Node, Party
from cradletrace.timestamps import aware, naive_utc

MAX_LIMIT = 1000
"""The most rows one page of a list holds."""
INVOICE_STATUSES = ("issued", "partially_paid", "paid", "written_off")
"""The states an invoice can be listed by."""
OVERDUE = "overdue"
"""The invoice filter for those past their due date with a balance still open (at the moment asked)."""


def applied_totals(by: Any) -> Subquery:
    """A subquery of what is applied, summed per ``by`` (``Application.invoice_id``: to each invoice;
    ``Application.source_id``: of each payment or credit note): its columns ``id`` and ``applied``."""
    return select(by.label("id"), func.sum(Application.amount).label("applied")).group_by(by).subquery("applied")


@dataclass(frozen=True)
class InvoiceRow:
    """An invoice in a list: its amount, what is applied to it (payments, credit notes, write-offs) and the
    balance left."""

    number: str
    customer: str | None
    customer_id: str | None
    status: str
    currency: str | None
    amount: Decimal
    applied: Decimal
    created_at: datetime
    due_at: datetime | None

    @property
    def balance(self) -> Decimal:
        """What is still open: the amount less what is applied."""
        return self.amount - self.applied

    def overdue(self, at: datetime) -> bool:
        """Past its due date at ``at`` with a balance open."""
        return self.balance > 0 and self.due_at is not None and self.due_at < at

    def to_dict(self) -> dict[str, Any]:
        """The row as plain data (money as decimal strings), with the balance."""
        return {**asdict(self), "amount": amount_text(self.amount), "applied": amount_text(self.applied),
                "balance": amount_text(self.balance)}


@dataclass(frozen=True)
class PaymentRow:
    """A payment in a list: what it paid, and what of it is applied to invoices."""

    number: str
    customer: str | None
    customer_id: str | None
    currency: str | None
    amount: Decimal
    applied: Decimal
    received_at: datetime

    @property
    def unapplied(self) -> Decimal:
        """The cash not applied to any invoice yet."""
        return self.amount - self.applied

    def to_dict(self) -> dict[str, Any]:
        """The row as plain data (money as decimal strings), with what is unapplied."""
        return {**asdict(self), "amount": amount_text(self.amount), "applied": amount_text(self.applied),
                "unapplied": amount_text(self.unapplied)}


def list_invoices(session: Session, *, status: str | None = None, customer: str | None = None,
                  at: datetime | None = None, limit: int = 100, offset: int = 0) -> tuple[list[InvoiceRow], int]:
    """Invoices, newest first, with what is applied to each, and how many match in all: two statements.

    ``status`` is one of :data:`INVOICE_STATUSES`, or :data:`OVERDUE`: past the due date at ``at`` (default
    now) with a balance open; ``customer`` a party identifier.

    Raises
    ------
    InvalidInput
        For an unknown status or a page out of bounds.
    NotFound
        For a customer that is no party.
    """
    if status is not None and status not in (*INVOICE_STATUSES, OVERDUE):
        raise InvalidInput(f"{status!r} is not one of {', '.join((*INVOICE_STATUSES, OVERDUE))}", where="status")
    query, paid = _invoices(session, customer)
    if status == OVERDUE:
        query = query.where(Document.due_at < naive_utc(aware(at)), Document.amount > paid)
    elif status is not None:
        query = query.where(Document.status == DocumentStatus(status))
    rows, total = _page(session, query, limit, offset)
    return [_invoice_row(*row) for row in rows], total


def open_invoices(session: Session, customer: str, *, currency: str | None = None, limit: int = 200
                  ) -> tuple[list[InvoiceRow], int]:
    """A customer's invoices with a balance open (in ``currency``, if given), the oldest due first (those without a
    due date last), and how many there are in all: three statements (the customer, the count, the rows). What a
    payment can be applied to.

    Raises
    ------
    InvalidInput
        For a limit out of bounds.
    NotFound
        For a customer that is no party.
    """
    check_page(limit, 0)
    query, paid = _invoices(session, customer)
    query = query.where(Document.amount > paid)
    if currency is not None:
        query = query.where(Document.currency == currency)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(Document.due_at.is_(None), Document.due_at, Document.created_at,
                                          Document.number).limit(limit)).all()
    return [_invoice_row(*row) for row in rows], total


def list_payments(session: Session, *, customer: str | None = None, limit: int = 100, offset: int = 0
                  ) -> tuple[list[PaymentRow], int]:
    """Payments, newest first, with what of each is applied to invoices, and how many match in all: two
    statements. ``customer`` is a party identifier.

    Raises
    ------
    InvalidInput
        For a page out of bounds.
    NotFound
        For a customer that is no party.
    """
    applied = applied_totals(Application.source_id)
    query = (_documents(DocumentKind.PAYMENT, func.coalesce(applied.c.applied, 0))
             .outerjoin(applied, applied.c.id == Document.id).where(*_customer(session, customer)))
    rows, total = _page(session, query, limit, offset)
    return [PaymentRow(d.number, name, identifier, d.currency, Decimal(d.amount or 0), Decimal(done or 0),
                       d.created_at) for d, name, identifier, done in rows], total


def customers(session: Session, kind: DocumentKind) -> list[tuple[str, str]]:
    """The customers that have documents of ``kind``, as (identifier, name), by name: for a filter. One statement."""
    return [(ident, name or ident) for ident, name in session.execute(
        select(Node.identifier, Party.name).join(Party, Party.node_id == Node.id)
        .where(Party.id.in_(select(Document.party_id).where(Document.kind == kind)))
        .order_by(Party.name, Node.identifier))]


def _invoices(session: Session, customer: str | None) -> tuple[Select[Any], ColumnElement[Any]]:
    """Invoices (of ``customer``) with what is applied to each, and that sum's column (0 when nothing is)."""
    applied = applied_totals(Application.invoice_id)
    paid = func.coalesce(applied.c.applied, 0)
    query = (_documents(DocumentKind.INVOICE, paid).outerjoin(applied, applied.c.id == Document.id)
             .where(*_customer(session, customer)))
    return query, paid


def _invoice_row(d: Document, name: str | None, identifier: str | None, done: Any) -> InvoiceRow:
    return InvoiceRow(d.number, name, identifier, d.status.value, d.currency, Decimal(d.amount or 0),
                      Decimal(done or 0), d.created_at, d.due_at)


def _customer(session: Session, customer: str | None) -> list[ColumnElement[bool]]:
    return [] if customer is None else [Document.party_id == party_id(session, customer)]


def _documents(kind: DocumentKind, *columns: Any) -> Select[Any]:
    """Documents of ``kind`` with their customer's name and identifier, and ``columns``."""
    return (select(Document, Party.name, Node.identifier, *columns)
            .outerjoin(Party, Party.id == Document.party_id).outerjoin(Node, Node.id == Party.node_id)
            .where(Document.kind == kind))


def check_page(limit: int, offset: int) -> None:
    """Refuse a page of a list out of bounds (``limit`` from 1 to :data:`MAX_LIMIT`, ``offset`` not negative).

    Examples
    --------
    >>> check_page(100, 0)
    >>> check_page(0, 0)
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: limit: limit is from 1 to 1000 and offset not negative
    """
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"limit is from 1 to {MAX_LIMIT} and offset not negative", where="limit")


def _page(session: Session, query: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of a list of documents, newest first, and how many there are in all."""
    check_page(limit, offset)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(Document.created_at.desc(), Document.number)
                           .limit(limit).offset(offset)).all()
    return rows, total


__all__ = ["INVOICE_STATUSES", "InvoiceRow", "MAX_LIMIT", "OVERDUE", "PaymentRow", "applied_totals", "check_page",
           "customers", "list_invoices", "list_payments", "open_invoices"]
