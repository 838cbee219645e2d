"""Custody checks: shipments never received, receipts without a shipment, one object in two places (CC-06, CC-08)."""

from __future__ import annotations


from sqlalchemy import and_, exists, not_, select
from sqlalchemy.orm import Session

from cradletrace.findings.base import _CLASS_KINDS, _OBJECT_ROLES, Check, Finding, _aliases, _live, _seconds, grouped
from cradletrace.identifiers import key_pairs
from cradletrace.models import BizTransaction

SHIPPED_NOT_RECEIVED = "shipped_not_received"
RECEIVED_WITHOUT_SHIPMENT = "received_without_shipment"
TWO_LOCATIONS = "two_locations"

RECEIVING_STEPS = ("receiving", "arriving", "accepting")


def _shipped_not_received(session: Session, tol: float) -> list[Finding]:
    events, objects, nodes = _aliases()
    rec, rec_obj = events.alias("rec"), objects.alias("rec_obj")
    received = exists(
        select(1).select_from(rec_obj.join(rec, rec.c.id == rec_obj.c.event_id))
        .where(rec_obj.c.node_id == objects.c.node_id, rec.c.biz_step.in_(RECEIVING_STEPS), _live(rec),
               _seconds(session, rec.c.event_time, events.c.event_time) >= -tol))
    rows = session.execute(
        select(events.c.event_id, nodes.c.identifier)
        .select_from(objects.join(events, events.c.id == objects.c.event_id).join(nodes, nodes.c.id == objects.c.node_id))
        .where(events.c.biz_step == "shipping", _live(events), objects.c.role.in_(_OBJECT_ROLES), not_(received))
        .order_by(events.c.id, nodes.c.identifier)
    ).all()
    return [Finding(SHIPPED_NOT_RECEIVED, "CC-06", "warn", idents, [event_id],
                    f"{_count(idents)} shipped but never received: {', '.join(idents[:3])}"
                    + (" ..." if len(idents) > 3 else ""))
            for event_id, idents in grouped(rows).items()]


def _count(idents: list[str]) -> str:
    return "1 object" if len(idents) == 1 else f"{len(idents)} objects"


def _received_without_shipment(session: Session, tol: float) -> list[Finding]:
    events, objects, nodes = _aliases()
    ship, ship_obj = events.alias("ship"), objects.alias("ship_obj")
    docs = BizTransaction.__table__
    shipped = exists(
        select(1).select_from(ship_obj.join(ship, ship.c.id == ship_obj.c.event_id))
        .where(ship_obj.c.node_id == objects.c.node_id, ship.c.biz_step == "shipping", _live(ship),
               _seconds(session, ship.c.event_time, events.c.event_time) <= tol))
    # a despatch advice or an RMA on the receipt stands for a shipment outside this log
    documented = exists(select(1).select_from(docs).where(docs.c.event_id == events.c.id,
                                                           docs.c.type.in_(["desadv", "rma"])))
    rows = session.execute(
        select(events.c.event_id, nodes.c.identifier)
        .select_from(objects.join(events, events.c.id == objects.c.event_id).join(nodes, nodes.c.id == objects.c.node_id))
        .where(events.c.biz_step == "receiving", _live(events), objects.c.role.in_(_OBJECT_ROLES),
               not_(shipped), not_(documented))
        .order_by(events.c.id, nodes.c.identifier)
    ).all()
    return [Finding(RECEIVED_WITHOUT_SHIPMENT, "CC-06", "warn", idents, [event_id],
                    f"{_count(idents)} received with no shipment before it (and no despatch advice): "
                    + ", ".join(idents[:3]) + (" ..." if len(idents) > 3 else ""))
            for event_id, idents in grouped(rows).items()]


def _site(identifier: str) -> tuple[str, str]:
    """A location's site: its GS1 key without the extension, so the sub-locations of one site share it."""
    path = key_pairs(identifier)
    return path[0] if path else ("", identifier)


def _two_locations(session: Session, tol: float) -> list[Finding]:
    events, objects, nodes = _aliases()
    e2, o2 = events.alias("e2"), objects.alias("o2")
    l1, l2 = nodes.alias("l1"), nodes.alias("l2")
    rows = session.execute(
        select(nodes.c.identifier, events.c.event_id, e2.c.event_id, l1.c.identifier, l2.c.identifier)
        .select_from(objects.join(events, events.c.id == objects.c.event_id)
                     .join(o2, and_(o2.c.node_id == objects.c.node_id, o2.c.event_id > objects.c.event_id))
                     .join(e2, e2.c.id == o2.c.event_id)
                     .join(nodes, nodes.c.id == objects.c.node_id)
                     .join(l1, l1.c.id == events.c.biz_location_id).join(l2, l2.c.id == e2.c.biz_location_id))
        .where(_live(events), _live(e2), nodes.c.kind.not_in(_CLASS_KINDS),
               events.c.biz_location_id != e2.c.biz_location_id,
               _seconds(session, e2.c.event_time, events.c.event_time).between(-tol, tol))
        .order_by(nodes.c.identifier, events.c.id, e2.c.id)
    ).all()
    seen: set[tuple[str, str, str]] = set()
    found = []
    for ident, first, second, here, there in rows:
        if _site(here) == _site(there) or (ident, first, second) in seen:
            continue  # one site: no travel needed between its sub-locations
        seen.add((ident, first, second))
        found.append(Finding(TWO_LOCATIONS, "CC-08", "error", [ident, here, there], [first, second],
                             f"{ident} is at {here} and at {there} at (nearly) the same time"))
    return found


CHECKS: dict[str, Check] = {
    SHIPPED_NOT_RECEIVED: _shipped_not_received,
    RECEIVED_WITHOUT_SHIPMENT: _received_without_shipment,
    TWO_LOCATIONS: _two_locations,
}
