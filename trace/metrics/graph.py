"""What the metrics read from the lineage graph, for many units at once, in a constant number of statements.

:func:`gather` answers for a list of units (node ids) at a time ``at``:

1. one recursive walk up from every unit at once (:func:`cradletrace.lineage.compositions`,
   at the point ``at``, stopping at lots): each row is an edge of one unit's composition at ``at``
   (``part_of`` edges valid then, ``input_of`` edges made by then);
2. the nodes reached (units, lots, their products and ILMD);
3. the events of those units and lots that the metrics read (production, shipping and
   receiving, installation, end of life), with their payloads;
4. the locations those events name (country, coordinates);
5. the recovered-material lots of end-of-life events.

Statements bind at most :data:`~cradletrace.bulk.IN_LIST_LIMIT` ids each, so a report over
100,000 units is a few statements per 5,000 units, never one per unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.identifiers.own_vocabulary import DISPOSING, ct, plain
from cradletrace.lineage import DEFAULT_MAX_DEPTH, compositions
from cradletrace.models import Event, EventObject, Location, Lot, Node, ObjectRole, Product, Unit

PRODUCTION_STEPS = ("commissioning",)
TRANSPORT_STEPS = ("shipping", "receiving")
USE_STEPS = ("installing",)
END_STEPS = ("decommissioning", "disassembling", "destroying", DISPOSING)
SERVICE_FIT_STEPS = frozenset({"replacing", "installing"})
"""bizSteps of a ``part_of`` edge opened in service: the part's footprint goes to the service stage."""
_STEPS = (*PRODUCTION_STEPS, *TRANSPORT_STEPS, *USE_STEPS, *END_STEPS)


@dataclass(frozen=True)
class EdgeRow:
    """One edge of a unit's composition at the time asked (``dst`` holds ``src``)."""

    root: int
    depth: int
    edge_id: int
    kind: str
    src: int
    dst: int
    quantity: float | None
    uom: str | None
    mass_kg: float | None
    event_id: str | None
    biz_step: str | None


@dataclass(frozen=True)
class NodeInfo:
    """A unit or lot: identifier, kind, GTIN, ILMD (plain names), and its product's master data."""

    id: int
    identifier: str
    kind: str
    gtin: str | None
    ilmd: dict[str, Any]
    product_name: str | None
    product_mass_kg: float | None
    product_attributes: dict[str, Any]


@dataclass(frozen=True)
class EventInfo:
    """An event of a unit or lot that the metrics read."""

    node_id: int
    role: str
    event_id: str
    event_type: str
    biz_step: str | None
    event_time: datetime
    quantity: float | None
    uom: str | None
    outputs: int
    location: str | None
    payload: dict[str, Any]

    def extension(self, name: str) -> Any:
        """A cradletrace extension field of the event (``distanceKm``, ``energyKWh``, ...)."""
        return self.payload.get(ct(name))


@dataclass
class World:
    """Everything :func:`gather` read: edges by unit, nodes, events by node, locations by identifier."""

    at: datetime
    roots: list[int]
    edges: dict[int, list[EdgeRow]] = field(default_factory=dict)
    nodes: dict[int, NodeInfo] = field(default_factory=dict)
    events: dict[int, list[EventInfo]] = field(default_factory=dict)
    locations: dict[str, tuple[str | None, dict[str, Any]]] = field(default_factory=dict)
    by_identifier: dict[str, NodeInfo] = field(default_factory=dict)


def _nodes(session: Session, where: Any) -> list[NodeInfo]:
    n, u, lo, p = Node.__table__, Unit.__table__, Lot.__table__, Product.__table__
    gtin = func.coalesce(u.c.gtin, lo.c.gtin)
    rows = session.execute(
        select(n.c.id, n.c.identifier, n.c.kind, gtin.label("gtin"), func.coalesce(lo.c.ilmd, u.c.ilmd).label("ilmd"),
               p.c.name, p.c.mass_kg, p.c.attributes)
        .select_from(n.outerjoin(u, u.c.node_id == n.c.id).outerjoin(lo, lo.c.node_id == n.c.id)
                     .outerjoin(p, p.c.gtin == gtin))
        .where(where)).all()
    return [NodeInfo(r.id, r.identifier, getattr(r.kind, "value", r.kind), r.gtin, plain(r.ilmd or {}), r.name,
                     r.mass_kg, r.attributes or {}) for r in rows]


def _events(session: Session, node_ids: Sequence[int], at: datetime,
            payloads: dict[int, tuple[dict[str, Any], int]]) -> list[EventInfo]:
    """The events of ``node_ids`` the metrics read; each event's payload is parsed once (``payloads``
    caches them by event row id: a shipment of 5,000 units is one payload, not 5,000)."""
    ev, eo, n = Event.__table__, EventObject.__table__, Node.__table__
    rows = session.execute(
        select(eo.c.node_id, eo.c.role, ev.c.id, ev.c.event_id, ev.c.event_type, ev.c.biz_step, ev.c.event_time,
               eo.c.quantity, eo.c.uom, n.c.identifier.label("location"))
        .select_from(eo.join(ev, ev.c.id == eo.c.event_id).outerjoin(n, n.c.id == ev.c.biz_location_id))
        .where(eo.c.node_id.in_(list(node_ids)), ev.c.retracted_by.is_(None), ev.c.declares_error.is_(False),
               ev.c.event_time <= at, ev.c.biz_step.in_(_STEPS),
               or_(eo.c.role.in_([ObjectRole.EPC, ObjectRole.OUTPUT]),
                   and_(eo.c.role == ObjectRole.INPUT, ev.c.biz_step == "disassembling")))
        .order_by(ev.c.event_time, ev.c.id)).all()
    missing = sorted({r.id for r in rows} - set(payloads))
    for chunk in chunks(missing):
        counts = (select(eo.c.event_id, func.count().label("outputs")).where(
            eo.c.event_id.in_(list(chunk)), eo.c.role.in_([ObjectRole.OUTPUT, ObjectRole.EPC]))
            .group_by(eo.c.event_id).subquery("counts"))
        for event_id, payload, outputs in session.execute(
                select(ev.c.id, ev.c.payload, counts.c.outputs)
                .select_from(ev.outerjoin(counts, counts.c.event_id == ev.c.id))
                .where(ev.c.id.in_(list(chunk)))):
            payloads[event_id] = (orjson.loads(payload), int(outputs or 0))
    return [EventInfo(r.node_id, getattr(r.role, "value", r.role), r.event_id,
                      getattr(r.event_type, "value", r.event_type), r.biz_step, r.event_time, r.quantity, r.uom,
                      payloads[r.id][1], r.location, payloads[r.id][0])
            for r in rows]


def places_of(event: EventInfo) -> list[str]:
    """The locations an event names: its business location, and its source and destination locations."""
    found = [event.location] if event.location else []
    for name, key in (("sourceList", "source"), ("destinationList", "destination")):
        found += [e[key] for e in event.payload.get(name) or () if e.get("type") == "location" and e.get(key)]
    return found


def gather(session: Session, roots: Sequence[int], at: datetime, *, max_depth: int = DEFAULT_MAX_DEPTH) -> World:
    """Read the composition of every unit in ``roots`` at ``at`` (naive UTC) and what the metrics need of it."""
    world = World(at, list(roots))
    for r in compositions(session, roots, at, through_lots=False, max_depth=max_depth):
        world.edges.setdefault(r.root, []).append(EdgeRow(r.root, r.depth, r.edge_id, r.kind, r.src, r.dst,
                                                          r.quantity, r.uom, r.mass_kg, r.event_id, r.biz_step))
    node_ids = sorted(set(roots) | {e.src for rows in world.edges.values() for e in rows})
    for chunk in chunks(node_ids):
        for info in _nodes(session, Node.__table__.c.id.in_(list(chunk))):
            world.nodes[info.id] = info
    payloads: dict[int, tuple[dict[str, Any], int]] = {}
    for chunk in chunks(node_ids):
        for event in _events(session, chunk, at, payloads):
            world.events.setdefault(event.node_id, []).append(event)
    places = sorted({p for events in world.events.values() for e in events for p in places_of(e)})
    recovered = sorted({q["epcClass"] for events in world.events.values() for e in events
                        if e.biz_step == "disassembling" for q in e.payload.get("outputQuantityList") or ()})
    n, loc = Node.__table__, Location.__table__
    for chunk in chunks(places):
        for ident, country, attributes in session.execute(
                select(n.c.identifier, loc.c.country, loc.c.attributes).select_from(n.join(loc, loc.c.node_id == n.c.id))
                .where(n.c.identifier.in_(list(chunk)))):
            world.locations[ident] = (country, attributes or {})
    for chunk in chunks(recovered):
        for info in _nodes(session, Node.__table__.c.identifier.in_(list(chunk))):
            world.nodes.setdefault(info.id, info)
    world.by_identifier = {info.identifier: info for info in world.nodes.values()}
    return world


def node_of(world: World, identifiers: Iterable[str]) -> list[NodeInfo]:
    """The nodes of ``identifiers`` that ``world`` read."""
    return [world.by_identifier[i] for i in identifiers if i in world.by_identifier]
