"""Returns (RMA) received through :func:`cradletrace.lifecycle.return_unit`, and credit notes.

A return ends the units' allocations (they can be sold again) and follows the invoice that billed
them (or the shipment, when they were not invoiced). A credit note for the RMA credits the
returned units at their invoiced price, follows the RMA and the invoice, is applied to what is
open on the invoice (the rest stays as the customer's credit), and names the units in a
TransactionEvent, so the unit, the RMA, the invoice and the credit note are linked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from cradletrace.commerce.documents import get, identifier_of, link, new_document, record_transaction
from cradletrace.commerce.invoices import balance, next_number
from cradletrace.commerce.lines import add_lines, carried
from cradletrace.commerce.payments import apply
from cradletrace.errors import RuleViolation
from cradletrace.lifecycle import return_unit
from cradletrace.lifecycle.common import instance_ids
from cradletrace.models import Allocation, Document, DocumentKind, DocumentStatus, Edge, EdgeKind, Line, Node
from cradletrace.timestamps import aware


def receive_return(session: Session, number: str, units: Iterable[str], *, location: str, by_party: str,
                   from_party: str | None = None, reason: str | None = None, uri: str | None = None,
                   when: datetime | None = None) -> Document:
    """Receive shipped units back under an RMA; their allocations end.

    Raises
    ------
    RuleViolation
        If a unit was not shipped on an order.
    """
    when = aware(when)
    ids = instance_ids(list(units))
    rows = session.execute(select(Allocation, Node.identifier, Line.document_id).join(Node, Node.id == Allocation.object_id)
                           .join(Line, Line.id == Allocation.line_id)
                           .where(Node.identifier.in_(ids), Allocation.active, Allocation.shipment_id.is_not(None))).all()
    missing = set(ids) - {ident for _a, ident, _o in rows}
    if missing:
        raise RuleViolation(f"{sorted(missing)[0]} was not shipped on an open order, so it cannot be returned",
                            where=f"rma {number}")
    orders = {o for _a, _i, o in rows}
    first = session.get(Document, sorted(orders)[0])
    rma = new_document(session, DocumentKind.RMA, number, status=DocumentStatus.RECEIVED, when=when,
                       party=first.party_id if first else None, order_id=first.id if first else None,
                       currency=first.currency if first else None, reason=reason, uri=uri)
    before = {a.invoice_id or a.shipment_id for a, _i, _o in rows}
    link(session, list(session.execute(select(Document).where(Document.id.in_(before))).scalars()), [rma],
         when=rma.created_at)
    return_unit(session, ids, rma=identifier_of(session, rma), location=location, by_party=by_party,
                from_party=from_party, reason=reason, when=when)
    for a, _i, _o in rows:
        a.active, a.rma_id = False, rma.id
    session.flush()
    return rma


def credit_note(session: Session, rma: str | Document, *, series: str = "CN", number: str | None = None,
                uri: str | None = None, when: datetime | None = None) -> Document:
    """Credit the invoiced units of an RMA at their invoiced price; apply it to what is open on the invoice.

    Raises
    ------
    RuleViolation
        If none of the RMA's units was invoiced.
    """
    doc = get(session, DocumentKind.RMA, rma)
    when = aware(when)
    rows = session.execute(select(Allocation, Node.identifier).join(Node, Node.id == Allocation.object_id)
                           .where(Allocation.rma_id == doc.id, Allocation.invoice_id.is_not(None))
                           .order_by(Allocation.id)).all()
    if not rows:
        raise RuleViolation(f"rma {doc.number} has no invoiced units to credit", where=f"rma {doc.number}")
    by_invoice: dict[int, list[tuple[Allocation, str]]] = defaultdict(list)
    for a, ident in rows:
        by_invoice[a.invoice_id].append((a, ident))  # type: ignore[index]
    if len(by_invoice) > 1:
        raise RuleViolation(f"rma {doc.number} returns units of several invoices; credit them one RMA per invoice",
                            where=f"rma {doc.number}")
    invoice = session.get(Document, next(iter(by_invoice)))
    assert invoice is not None
    qty: dict[int, Decimal] = defaultdict(Decimal)
    for a, _i in rows:
        qty[a.line_id] += a.quantity
    order_lines = {ln.id: ln for ln in session.execute(select(Line).where(Line.id.in_(qty))).scalars()}
    note = new_document(session, DocumentKind.CREDIT_NOTE, number or next_number(session, series),
                        status=DocumentStatus.ISSUED, when=when, party=invoice.party_id, currency=invoice.currency,
                        order_id=invoice.order_id, series=None if number else series, uri=uri, follows=[doc, invoice],
                        discount=invoice.discount)
    add_lines(session, note, [carried(ln, quantity=qty[i]) for i, ln in order_lines.items()])
    open_amount = balance(session, invoice)
    if open_amount > 0:
        apply(session, note, invoice, min(open_amount, Decimal(note.amount or 0)), when=when)
    record_transaction(session, [i for a, i in rows if a.serialized], [(note, identifier_of(session, note))],
                       when=when, name="commerce.credit_note")
    return note


def credited(session: Session, units: Iterable[int] | None = None) -> dict[int, tuple[datetime, str, int]]:
    """Invoiced allocations whose unit came back under an RMA that was credited: allocation id ->
    (date, number) of the RMA's first credit note, and the unit's node id. One statement.

    ``units`` (node ids) limits the answer to those units. Revenue reverses a unit's revenue from this
    date, and a contract's warranty and plans stop covering the unit then: the sale is undone.
    """
    rma, note = aliased(Document), aliased(Document)
    query = (select(Allocation.id, note.created_at, note.number, Allocation.object_id)
             .join(rma, rma.id == Allocation.rma_id)
             .join(Edge, and_(Edge.src == rma.node_id, Edge.kind == EdgeKind.FOLLOWS, Edge.retracted.is_(False)))
             .join(note, and_(note.node_id == Edge.dst, note.kind == DocumentKind.CREDIT_NOTE))
             .where(Allocation.invoice_id.is_not(None))
             .order_by(note.created_at, note.id))
    if units is not None:
        query = query.where(Allocation.object_id.in_(list(units)))
    found: dict[int, tuple[datetime, str, int]] = {}
    for allocation_id, at, number, unit in session.execute(query):
        found.setdefault(allocation_id, (at, number, unit))
    return found
