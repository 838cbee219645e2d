"""Fulfilment: allocate units or lot quantities to order lines, ship them, and record delivery.

A serialized unit is allocated to at most one active order line (checked here, and held by a
partial unique index); a unit on recall hold, or with a held part inside it, cannot be allocated.
Allocating captures a TransactionEvent ADD naming the order (``po``), so the unit's passport shows
its order from then on. Shipping goes through :func:`cradletrace.lifecycle.ship`, whose event
carries the ``po`` and ``desadv`` (the shipment) business transactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import decimal, get, identifier_of, new_document, record_transaction, require_status
from cradletrace.commerce.lines import lines_of
from cradletrace.errors import RuleViolation
from cradletrace.lifecycle import receive, ship
from cradletrace.lifecycle.common import class_id, instance_ids, optional_id, submit
from cradletrace.lifecycle.events import biz_transactions, object_event, quantity, source_destination
from cradletrace.lifecycle.rules import active_units, contents
from cradletrace.models import Allocation, Document, DocumentKind, DocumentStatus, Line, Lot, Node, Party, Product, Unit
from cradletrace.projections.nodemap import node_ids
from cradletrace.timestamps import aware, naive_utc

ALLOCATABLE = (DocumentStatus.CONFIRMED, DocumentStatus.PARTIALLY_SHIPPED)


def allocate(session: Session, order: str | Document, *, units: Iterable[str] = (),
             lots: Mapping[str, Any] | None = None, when: datetime | None = None) -> list[Allocation]:
    """Allocate serialized units, and quantities of lots (``{lot: quantity}``), to the order's lines by product.

    Raises
    ------
    RuleViolation
        If the order is held or closed, a unit is not active, on recall hold (or holds a part that
        is), already allocated to an open order line, or no line of the order has room for its product.
    """
    doc = get(session, DocumentKind.ORDER, order)
    require_status(doc, ALLOCATABLE, "allocated")
    when = aware(when)
    unit_ids = list(dict.fromkeys(instance_ids(list(units)))) if units else []
    lot_qty = {class_id(k): decimal(v, where=f"lots[{k}]") for k, v in (lots or {}).items()}
    if unit_ids:
        active_units(session, unit_ids, when, step="allocated")
        held = [c for c in contents(session, unit_ids) if c.disposition == "recalled"]
        if held:
            c = held[0]
            inside = f" (inside {c.root})" if c.root != c.identifier else ""
            raise RuleViolation(f"{c.identifier}{inside} is on recall hold, so it cannot be allocated",
                                where="rule a unit on recall hold cannot be allocated")
    ids = node_ids(session, [*unit_ids, *lot_qty])
    taken = session.execute(
        select(Node.identifier, Document.number).select_from(Allocation)
        .join(Node, Node.id == Allocation.object_id).join(Line, Line.id == Allocation.line_id)
        .join(Document, Document.id == Line.document_id)
        .where(Allocation.active, Allocation.serialized, Allocation.object_id.in_([ids[u] for u in unit_ids] or [-1]))
    ).first()
    if taken:
        raise RuleViolation(f"{taken[0]} is already allocated to order {taken[1]}",
                            where="rule a unit is allocated to one open order line")
    gtins = dict(session.execute(select(Unit.node_id, Unit.gtin).where(Unit.node_id.in_([ids[u] for u in unit_ids] or [-1]))).all())
    gtins.update(session.execute(select(Lot.node_id, Lot.gtin).where(Lot.node_id.in_([ids[x] for x in lot_qty] or [-1]))).all())
    lines = lines_of(session, doc)
    gtin_of_line = dict(session.execute(select(Line.id, Product.gtin).join(Product, Product.id == Line.product_id)
                                        .where(Line.document_id == doc.id)).all())
    room = {ln.id: ln.quantity - used for ln, used in zip(lines, _allocated(session, [ln.id for ln in lines]))}
    made = []
    wanted = [(u, Decimal(1), True) for u in unit_ids] + [(lot, q, False) for lot, q in lot_qty.items()]
    for ident, qty, serialized in wanted:
        gtin = gtins.get(ids[ident])
        line = next((ln for ln in lines if gtin_of_line.get(ln.id) == gtin and room[ln.id] >= qty), None)
        if line is None:
            raise RuleViolation(f"order {doc.number} has no line for GTIN {gtin} with room for {qty} more",
                                where=f"order {doc.number}")
        room[line.id] -= qty
        made.append(Allocation(line_id=line.id, object_id=ids[ident], serialized=serialized, quantity=qty, active=True,
                               allocated_at=naive_utc(when)))
    session.add_all(made)
    session.flush()
    record_transaction(session, unit_ids, [(doc, identifier_of(session, doc))], when=when,
                       name="commerce.allocate", quantities=[quantity(k, float(v)) for k, v in lot_qty.items()])
    return made


def _allocated(session: Session, line_ids: list[int]) -> list[Decimal]:
    used = dict(session.execute(select(Allocation.line_id, func.sum(Allocation.quantity))
                                .where(Allocation.line_id.in_(line_ids or [-1]),
                                       (Allocation.active) | Allocation.shipment_id.is_not(None))
                                .group_by(Allocation.line_id)).all())
    return [Decimal(used.get(i) or 0) for i in line_ids]


def ship_order(session: Session, order: str | Document, number: str, *, from_party: str, to_party: str,
               units: Iterable[str] | None = None, from_location: str | None = None, to_location: str | None = None,
               uri: str | None = None, when: datetime | None = None, **ship_options: Any) -> Document:
    """Ship allocated, unshipped units (all of them, or ``units``) and lot quantities of an order as one shipment.

    The units leave through :func:`cradletrace.lifecycle.ship` with the order (``po``) and the
    shipment (``desadv``); allocated lot quantities leave in an ObjectEvent of the same shape.
    """
    doc = get(session, DocumentKind.ORDER, order)
    require_status(doc, ALLOCATABLE, "shipped")
    when = aware(when)
    rows = session.execute(
        select(Allocation, Node.identifier).join(Node, Node.id == Allocation.object_id)
        .join(Line, Line.id == Allocation.line_id)
        .where(Line.document_id == doc.id, Allocation.active, Allocation.shipment_id.is_(None))
        .order_by(Allocation.id)).all()
    if units is not None:
        chosen = set(instance_ids(list(units)))
        missing = chosen - {ident for _a, ident in rows}
        if missing:
            raise RuleViolation(f"{sorted(missing)[0]} is not allocated to order {doc.number} (or has shipped)",
                                where=f"order {doc.number}")
        rows = [(a, ident) for a, ident in rows if a.serialized is False or ident in chosen]
    if not rows:
        raise RuleViolation(f"order {doc.number} has nothing allocated to ship", where=f"order {doc.number}")
    shipment = new_document(session, DocumentKind.SHIPMENT, number, status=DocumentStatus.SHIPPED, when=when,
                            party=doc.party_id, follows=[doc], order_id=doc.id, uri=uri)
    po, desadv = identifier_of(session, doc), identifier_of(session, shipment)
    serial = [ident for a, ident in rows if a.serialized]
    lots = [(ident, a.quantity) for a, ident in rows if not a.serialized]
    if serial:
        ship(session, serial, from_party=from_party, to_party=to_party, from_location=from_location,
             to_location=to_location, po=po, desadv=desadv, when=when, **ship_options)
    if lots:
        event = object_event("OBSERVE", quantities=[quantity(i, float(q)) for i, q in lots], when=when,
                             biz_step="shipping", disposition="in_transit", read_point=optional_id(from_location),
                             documents=biz_transactions(po=po, desadv=desadv),
                             **source_destination(from_party=optional_id(from_party),
                                                  to_party=optional_id(to_party)))
        submit(session, [event], name="commerce.ship_lots")
    for a, _ident in rows:
        a.shipment_id = shipment.id
    session.flush()
    doc.status = DocumentStatus.SHIPPED if _fully_shipped(session, doc) else DocumentStatus.PARTIALLY_SHIPPED
    session.flush()
    return shipment


def _fully_shipped(session: Session, order: Document) -> bool:
    shipped = dict(session.execute(
        select(Line.id, func.coalesce(func.sum(Allocation.quantity), 0))
        .outerjoin(Allocation, (Allocation.line_id == Line.id) & Allocation.shipment_id.is_not(None))
        .where(Line.document_id == order.id).group_by(Line.id)).all())
    return all(Decimal(shipped.get(ln.id) or 0) >= ln.quantity for ln in lines_of(session, order))


def deliver(session: Session, shipment: str | Document, *, when: datetime | None = None,
            damaged: bool = False, location: str | None = None, from_party: str | None = None,
            from_location: str | None = None) -> Document:
    """Record that the customer received a shipment (and whether anything arrived damaged).

    With ``location`` (the customer's site where it arrived), the delivery is also an event in the lineage
    graph: the shipment's serialized units are received there (:func:`cradletrace.lifecycle.receive`,
    ``receiving`` / ``in_progress`` or ``damaged``, with the order and the shipment as business
    transactions), owned by the order's customer from then on. That event is when control of each unit
    passes to the customer (:func:`cradletrace.contracts.control.control_passed`), for its warranty and
    its revenue; without it only the document knows the shipment arrived. ``from_party`` and
    ``from_location`` name where it came from on that event.
    """
    doc = get(session, DocumentKind.SHIPMENT, shipment)
    require_status(doc, [DocumentStatus.SHIPPED], "delivered")
    doc.status, doc.delivered_at, doc.damaged = DocumentStatus.DELIVERED, naive_utc(aware(when)), damaged
    session.flush()
    if location is not None:
        _receive_at_customer(session, doc, location=location, when=aware(when), damaged=damaged,
                             from_party=from_party, from_location=from_location)
    order = session.get(Document, doc.order_id)
    if order is not None and order.status is DocumentStatus.SHIPPED:
        pending = session.execute(select(func.count()).select_from(Document).where(
            Document.order_id == order.id, Document.kind == DocumentKind.SHIPMENT,
            Document.status == DocumentStatus.SHIPPED)).scalar_one()
        if not pending:
            order.status, order.delivered_at = DocumentStatus.DELIVERED, doc.delivered_at
    session.flush()
    return doc


def _receive_at_customer(session: Session, shipment: Document, *, location: str, when: datetime,
                         damaged: bool, from_party: str | None, from_location: str | None) -> None:
    units = list(session.execute(
        select(Node.identifier).select_from(Allocation).join(Node, Node.id == Allocation.object_id)
        .where(Allocation.shipment_id == shipment.id, Allocation.serialized).order_by(Allocation.id)).scalars())
    if not units:
        return
    customer = session.execute(select(Node.identifier).join(Party, Party.node_id == Node.id)
                               .where(Party.id == shipment.party_id)).scalar_one()
    order = session.get(Document, shipment.order_id)
    receive(session, units, location=location, by_party=customer, from_party=from_party,
            from_location=from_location, when=when,
            disposition="damaged" if damaged else "in_progress",
            po=identifier_of(session, order) if order is not None else None,
            desadv=identifier_of(session, shipment))


__all__ = ["allocate", "deliver", "ship_order"]
