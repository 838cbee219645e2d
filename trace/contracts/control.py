"""When control of a unit passed to its customer: the one definition that warranty and revenue both use.

Control of a unit passes to the customer (IFRS 15 / ASC 606: the customer can direct its use and obtain its
benefits) with the first live event, in event order, that puts it in the customer's hands:

1. a ``receiving`` (or ``accepting``) event *at the customer*; failing that,
2. an ``arriving``, ``installing`` or ``retail_selling`` event at the customer.

An event is *at the customer* when its business location is a location of the customer party
(``locations.party_id``), or its destination names the customer as owning party, or names a location of
the customer. Live: neither retracted nor an error declaration. Event order is event time, ties broken by
event hash and eventID (the order projections apply events in).

The customer of a unit is the customer of its sale: the latest (by creation) order that the unit's events
name (allocation, shipping), not cancelled; a unit no order names takes the latest invoice that names it.
Only events at or after that order's creation count, so a unit returned and sold again passes to its
new customer with the new sale, while a unit that goes back to the same customer after a repair keeps
the moment control first passed. An invoice or shipment date is never the moment: a shipment that the
customer has not received has not passed control (and ``commerce.deliver`` records a date, not an event).

A unit with no sale, or no such event yet, is absent from the answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from cradletrace.bulk import chunks
from cradletrace.lineage.resolve import resolve_many
from cradletrace.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    Edge,
    EdgeKind,
    Event,
    EventObject,
    Location,
    Node,
    ObjectRole,
    Party,
)

RECEIVING_STEPS = ("receiving", "accepting")
"""Steps that pass control when they happen at the customer."""
FALLBACK_STEPS = ("arriving", "installing", "retail_selling")
"""Steps that pass control at the customer when no receiving does."""
_ROLES = (ObjectRole.EPC, ObjectRole.PARENT, ObjectRole.CHILD)


@dataclass(frozen=True)
class ControlTransfer:
    """When control of a unit passed to its customer (naive UTC), by which event, where.

    ``location`` is the event's business location (``None`` for an event without one, such as a sale
    that names the customer as the new owner); ``customer`` the party's identifier.
    """

    at: datetime
    event_id: str
    location: str | None
    biz_step: str
    customer: str

    def to_dict(self) -> dict[str, Any]:
        """The transfer as plain data (for JSON)."""
        return asdict(self)


@dataclass(frozen=True)
class _Sale:
    customer_id: int
    customer: str
    since: datetime | None


@dataclass(frozen=True)
class _Candidate:
    row_id: int
    event_id: str
    at: datetime
    biz_step: str
    location: str | None
    location_party: int | None


def control_passed(session: Session, units: Iterable[str]) -> dict[str, ControlTransfer]:
    """When control of each unit passed to its customer, by its canonical identifier (see the module's rules).

    Set-based: resolving the identifiers, then per chunk of 5,000 units one query for the sales and one
    for the events, and at most two more for the payloads and places those events name.

    Parameters
    ----------
    units : iterable of str
        Units in any identifier form.

    Raises
    ------
    NotFound
        If an identifier is not recorded.
    """
    values = list(dict.fromkeys(units))
    if not values:
        return {}
    nodes = {n.id: n.identifier for n in resolve_many(session, values, where="unit")}
    found: dict[str, ControlTransfer] = {}
    for chunk in chunks(sorted(nodes)):
        sales = _sales(session, chunk)
        events = _events(session, sorted(sales))
        at_customer = _at_customer(session, events, sales)
        for node_id, sale in sales.items():
            transfer = _first(events.get(node_id, []), sale, at_customer)
            if transfer is not None:
                found[nodes[node_id]] = transfer
    return found


def _sales(session: Session, node_ids: Sequence[int]) -> dict[int, _Sale]:
    """Each unit's sale: its latest order (else its latest invoice) that an event names, with the customer."""
    party_node = aliased(Node)
    rows = session.execute(
        select(Edge.src, Document.kind, Document.created_at, Document.id, Document.party_id, party_node.identifier)
        .join(Document, Document.node_id == Edge.dst)
        .join(Party, Party.id == Document.party_id)
        .join(party_node, party_node.id == Party.node_id)
        .where(Edge.src.in_(list(node_ids)), Edge.kind == EdgeKind.DOCUMENTED_BY, Edge.retracted.is_(False),
               Document.kind.in_([DocumentKind.ORDER, DocumentKind.INVOICE]),
               Document.status != DocumentStatus.CANCELLED)).all()
    best: dict[int, tuple[tuple[int, datetime, int], _Sale]] = {}
    for node_id, kind, created_at, doc_id, party_id, party in rows:
        is_order = kind is DocumentKind.ORDER
        rank = (1 if is_order else 0, created_at, doc_id)
        if node_id not in best or rank > best[node_id][0]:
            best[node_id] = (rank, _Sale(party_id, party, created_at if is_order else None))
    return {node_id: sale for node_id, (_rank, sale) in best.items()}


def _events(session: Session, node_ids: Sequence[int]) -> dict[int, list[_Candidate]]:
    """The units' live events of the steps that can pass control, in event order."""
    ev, eo = Event.__table__, EventObject.__table__
    place = aliased(Node)
    rows = session.execute(
        select(eo.c.node_id, ev.c.id, ev.c.event_id, ev.c.event_time, ev.c.biz_step, place.identifier,
               Location.party_id, ev.c.event_hash).distinct()
        .select_from(eo.join(ev, ev.c.id == eo.c.event_id)
                     .outerjoin(place, place.id == ev.c.biz_location_id)
                     .outerjoin(Location, Location.node_id == ev.c.biz_location_id))
        .where(eo.c.node_id.in_(list(node_ids) or [-1]), eo.c.role.in_(_ROLES),
               ev.c.retracted_by.is_(None), ev.c.declares_error.is_(False),
               ev.c.biz_step.in_(RECEIVING_STEPS + FALLBACK_STEPS))
        .order_by(ev.c.event_time, ev.c.event_hash, ev.c.event_id)).all()
    found: dict[int, list[_Candidate]] = {}
    for node_id, row_id, event_id, at, step, location, party_id, _hash in rows:
        found.setdefault(node_id, []).append(_Candidate(row_id, event_id, at, step, location, party_id))
    return found


def _at_customer(session: Session, events: dict[int, list[_Candidate]], sales: dict[int, _Sale]) -> set[tuple[int, int]]:
    """The (event row, customer party) pairs where the event happened at that customer."""
    pairs = {(c.row_id, sales[node_id].customer_id, c.location_party) for node_id, cs in events.items() for c in cs}
    at = {(row, customer) for row, customer, party in pairs if party == customer}
    # The others may still name the customer in their destination: read those payloads, once per event.
    open_rows = sorted({row for row, customer, _party in pairs if (row, customer) not in at})
    if not open_rows:
        return at
    ev = Event.__table__
    destinations: dict[int, list[tuple[str, str]]] = {}
    for chunk in chunks(open_rows):
        for row_id, payload in session.execute(select(ev.c.id, ev.c.payload).where(ev.c.id.in_(list(chunk)))):
            entries = orjson.loads(payload).get("destinationList") or ()
            destinations[row_id] = [(e.get("type"), e.get("destination")) for e in entries if e.get("destination")]
    named = {ident for entries in destinations.values() for _type, ident in entries}
    owners = _owners(session, named)
    wanted = {"owning_party": "party", "location": "location"}
    for row, customer, _party in pairs:
        if any(kind in wanted and owners.get(ident) == (wanted[kind], customer)
               for kind, ident in destinations.get(row, ())):
            at.add((row, customer))
    return at


def _owners(session: Session, identifiers: set[str]) -> dict[str, tuple[str, int | None]]:
    """For identifiers of parties and locations: ('party', its id) or ('location', its party's id)."""
    found: dict[str, tuple[str, int | None]] = {}
    wanted = sorted(identifiers)
    for chunk in chunks(wanted):
        for ident, party_id, location_party in session.execute(
                select(Node.identifier, Party.id, Location.party_id)
                .outerjoin(Party, Party.node_id == Node.id).outerjoin(Location, Location.node_id == Node.id)
                .where(Node.identifier.in_(list(chunk)), or_(Party.id.is_not(None), Location.id.is_not(None)))):
            found[ident] = ("party", party_id) if party_id is not None else ("location", location_party)
    return found


def _first(candidates: list[_Candidate], sale: _Sale, at_customer: set[tuple[int, int]]) -> ControlTransfer | None:
    eligible = [c for c in candidates if (c.row_id, sale.customer_id) in at_customer
                and (sale.since is None or c.at >= sale.since)]
    for steps in (RECEIVING_STEPS, FALLBACK_STEPS):
        chosen = next((c for c in eligible if c.biz_step in steps), None)
        if chosen is not None:
            return ControlTransfer(chosen.at, chosen.event_id, chosen.location, chosen.biz_step, sale.customer)
    return None


__all__ = ["FALLBACK_STEPS", "RECEIVING_STEPS", "ControlTransfer", "control_passed"]
