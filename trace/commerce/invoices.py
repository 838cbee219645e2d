"""Invoices: from the shipped quantities, gap-free numbers per series, due dates from payment terms, tax.

An invoice bills what shipped and was neither billed nor returned yet (partial shipments, partial invoices): one
line per order line, at the order line's price, discount and tax rate. Its number is the next of
its series (``INV-000001``, ...), taken under a row lock in the same transaction, so a rolled-back
invoice leaves no gap. The due date is the invoice date plus the customer's payment terms
(``commerce_accounts``, 30 days without one). Invoicing captures a TransactionEvent ADD naming
the invoice (``inv``) for the units billed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import find, get, identifier_of, link, new_document, record_transaction
from cradletrace.commerce.lines import add_lines, carried
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.lifecycle.events import quantity
from cradletrace.models import (
    Account,
    Allocation,
    Application,
    Document,
    DocumentKind,
    DocumentStatus,
    Line,
    Node,
    NumberSeries,
)
from cradletrace.timestamps import aware, naive_utc

DEFAULT_TERMS_DAYS = 30


def next_number(session: Session, series: str) -> str:
    """The next number of ``series`` (``SERIES-000001``, ...), gap-free: it is taken in the caller's transaction.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> next_number(session, "DOCTEST"), next_number(session, "DOCTEST")
    ('DOCTEST-000001', 'DOCTEST-000002')
    >>> session.rollback()
    """
    series = (series or "").strip()
    if not series or len(series) > 20:
        raise InvalidInput(f"a number series is 1 to 20 characters, got {series!r}", where="series")
    table = NumberSeries.__table__
    number = session.execute(update(table).where(table.c.series == series)
                             .values(last_number=table.c.last_number + 1).returning(table.c.last_number)).scalar()
    if number is None:
        session.execute(insert(table).values(series=series, last_number=1))
        number = 1
    return f"{series}-{number:06d}"


def free_number(session: Session, series: str, kind: DocumentKind) -> str:
    """The next number of ``series`` that no document of ``kind`` has yet: a number typed by hand or imported
    earlier is skipped, not reused (the series itself stays gap-free, :func:`next_number`)."""
    while True:
        number = next_number(session, series)
        if find(session, kind, number) is None:
            return number


def invoice_order(session: Session, order: str | Document, *, series: str = "INV", number: str | None = None,
                  shipments: Iterable[str | Document] | None = None, uri: str | None = None,
                  when: datetime | None = None) -> Document:
    """Invoice what of ``order`` shipped (in ``shipments``, or all its shipments) and is not invoiced yet.

    Raises
    ------
    RuleViolation
        If nothing shipped is left to invoice.
    """
    doc = get(session, DocumentKind.ORDER, order)
    when = aware(when)
    query = (select(Allocation, Line, Node.identifier).join(Line, Line.id == Allocation.line_id)
             .join(Node, Node.id == Allocation.object_id)
             .where(Line.document_id == doc.id, Allocation.shipment_id.is_not(None), Allocation.invoice_id.is_(None),
                    Allocation.rma_id.is_(None))
             .order_by(Line.line_no, Allocation.id))
    if shipments is not None:
        chosen = [get(session, DocumentKind.SHIPMENT, s).id for s in shipments]
        query = query.where(Allocation.shipment_id.in_(chosen))
    rows = session.execute(query).all()
    if not rows:
        raise RuleViolation(f"order {doc.number} has nothing shipped left to invoice", where=f"order {doc.number}")
    billed: dict[int, Decimal] = defaultdict(Decimal)
    by_line = {}
    for a, ln, _ident in rows:
        billed[ln.id] += a.quantity
        by_line[ln.id] = ln
    account = session.get(Account, doc.party_id) if doc.party_id is not None else None
    terms = account.payment_terms_days if account else DEFAULT_TERMS_DAYS
    invoice = new_document(session, DocumentKind.INVOICE, number or next_number(session, series),
                           status=DocumentStatus.ISSUED, when=when, party=doc.party_id, order_id=doc.id,
                           currency=doc.currency, series=None if number else series, uri=uri,
                           due_at=naive_utc(when + timedelta(days=terms)), discount=doc.discount)
    add_lines(session, invoice, [carried(ln, quantity=billed[i]) for i, ln in by_line.items()])
    for a, _ln, _ident in rows:
        a.invoice_id = invoice.id
    shipped = session.execute(select(Document).where(Document.id.in_({a.shipment_id for a, _l, _i in rows}))).scalars()
    link(session, list(shipped), [invoice], when=invoice.created_at)
    session.flush()
    record_transaction(session, [i for a, _l, i in rows if a.serialized], [(invoice, identifier_of(session, invoice))],
                       when=when, name="commerce.invoice",
                       quantities=[quantity(i, float(a.quantity)) for a, _l, i in rows if not a.serialized])
    return invoice


def balance(session: Session, invoice: str | Document) -> Decimal:
    """What is still open on an invoice: its amount less the payments, credit notes and write-offs applied."""
    doc = get(session, DocumentKind.INVOICE, invoice)
    applied = session.execute(select(func.coalesce(func.sum(Application.amount), 0))
                              .where(Application.invoice_id == doc.id)).scalar_one()
    return Decimal(doc.amount or 0) - Decimal(applied or 0)


def settle(session: Session, invoice: Document, when: datetime) -> None:
    """Move an invoice to ``partially_paid``, ``paid`` (or ``written_off``) from what is applied to it."""
    open_amount = balance(session, invoice)
    if open_amount <= 0:
        wrote_off = session.execute(select(func.count()).select_from(Application).join(
            Document, Document.id == Application.source_id).where(
            Application.invoice_id == invoice.id, Document.kind == DocumentKind.WRITE_OFF)).scalar_one()
        invoice.status = DocumentStatus.WRITTEN_OFF if wrote_off else DocumentStatus.PAID
        invoice.closed_at = naive_utc(aware(when))
    elif open_amount < Decimal(invoice.amount or 0):
        invoice.status = DocumentStatus.PARTIALLY_PAID
    session.flush()
