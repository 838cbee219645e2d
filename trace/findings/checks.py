"""Chain-of-custody findings over the event log (METRICS §4): report anomalies, never reject history.

Partners' documents are captured as they are, even when they break the rules the
lifecycle services enforce; :func:`findings` then reports what does not add up.
Each check is one set-based SQL query over ``events``, ``event_objects``,
``edges`` and ``nodes`` (the same statement on SQLite and PostgreSQL, except for
time differences), never a query per unit. Retracted events and error
declarations are left out of every check except :data:`RETRACTED`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, literal_column, not_, or_, select
from sqlalchemy.orm import Session

from cradletrace.lifecycle.events import DISPOSING, RECYCLING
from cradletrace.models import (
    Action,
    BizTransaction,
    Edge,
    EdgeKind,
    Event,
    EventObject,
    EventType,
    Node,
    NodeKind,
    ObjectRole,
)
from cradletrace.projections.effects import KG_PER_UOM

SHIPPED_NOT_RECEIVED = "shipped_not_received"
RECEIVED_WITHOUT_SHIPMENT = "received_without_shipment"
EVENT_AFTER_END = "event_after_end"
TWO_LOCATIONS = "two_locations"
TWO_PARENTS = "two_parents"
EVENT_AFTER_RECORD_TIME = "event_after_record_time"
EVENT_BEFORE_COMMISSIONING = "event_before_commissioning"
NEVER_COMMISSIONED = "never_commissioned"
DOUBLE_COMMISSIONING = "double_commissioning"
LOT_OVERDRAWN = "lot_overdrawn"
RETRACTED = "retracted"

DEFAULT_TOLERANCE = timedelta(minutes=5)
MASS_BALANCE_TOLERANCE = 0.005
RECEIVING_STEPS = ("receiving", "arriving", "accepting")
#: What may still happen to a decommissioned object: custody moves to a recycler and end-of-life steps.
AFTER_DECOMMISSIONING = ("collecting", "disassembling", "destroying", DISPOSING, RECYCLING, "shipping",
                         "receiving", "arriving", "departing", "transporting", "loading", "unloading", "storing")
_OBJECT_ROLES = (ObjectRole.EPC, ObjectRole.CHILD, ObjectRole.PARENT)
_CLASS_KINDS = (NodeKind.LOT, NodeKind.PRODUCT)


@dataclass
class Finding:
    """One chain-of-custody anomaly.

    Attributes
    ----------
    kind : str
        What was found (``shipped_not_received``, ``two_parents``, ...).
    check_id : str
        The METRICS §4 check (``CC-06``, ...).
    severity : str
        ``error``, ``warn`` or ``info``.
    identifiers : list of str
        The units, lots or places involved.
    event_ids : list of str
        eventIDs of the events involved.
    message : str
        One sentence for people.
    """

    kind: str
    check_id: str
    severity: str
    identifiers: list[str]
    event_ids: list[str]
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data (for JSON)."""
        return asdict(self)


def _seconds(session: Session, later: Any, earlier: Any) -> ColumnElement[float]:
    """``later - earlier`` in seconds, in the session's dialect (naive UTC DateTime columns)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _live(events: Any) -> ColumnElement[bool]:
    return and_(events.c.retracted_by.is_(None), events.c.declares_error.is_(False))


def findings(
    session: Session,
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    checks: list[str] | None = None,
) -> list[Finding]:
    """Every chain-of-custody finding over the log.

    Parameters
    ----------
    session : Session
        Read only; nothing is written.
    tolerance : timedelta
        Clock skew forgiven when comparing event times (default 5 minutes).
    checks : list of str, optional
        Run only these kinds (default: all, in :data:`CHECKS` order).

    Returns
    -------
    list of Finding
        Grouped by check, in a stable order.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> findings(session)
    []
    """
    seconds = tolerance.total_seconds()
    found: list[Finding] = []
    for kind, check in CHECKS.items():
        if checks is None or kind in checks:
            found.extend(check(session, seconds))
    return found


# -- the checks ------------------------------------------------------------------------------------

def _aliases() -> tuple[Any, Any, Any]:
    return Event.__table__, EventObject.__table__, Node.__table__


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
    grouped: dict[str, list[str]] = defaultdict(list)
    for event_id, ident in rows:
        grouped[event_id].append(ident)
    return [Finding(SHIPPED_NOT_RECEIVED, "CC-06", "warn", idents, [event_id],
                    f"{_count(idents)} shipped but never received: {', '.join(idents[:3])}"
                    + (" ..." if len(idents) > 3 else ""))
            for event_id, idents in grouped.items()]


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
    grouped: dict[str, list[str]] = defaultdict(list)
    for event_id, ident in rows:
        grouped[event_id].append(ident)
    return [Finding(RECEIVED_WITHOUT_SHIPMENT, "CC-06", "warn", idents, [event_id],
                    f"{_count(idents)} received with no shipment before it (and no despatch advice): "
                    + ", ".join(idents[:3]) + (" ..." if len(idents) > 3 else ""))
            for event_id, idents in grouped.items()]


def _event_after_end(session: Session, tol: float) -> list[Finding]:
    events, objects, nodes = _aliases()
    end_kind = case(
        (or_(events.c.biz_step == "destroying", events.c.disposition.in_(["destroyed", "disposed"])),
         literal("destroyed or disposed")),
        (and_(events.c.event_type == EventType.TRANSFORMATION, objects.c.role == ObjectRole.INPUT),
         literal("consumed")),
        else_=literal("decommissioned"),
    )
    ends = (
        select(objects.c.node_id.label("node_id"), events.c.id.label("end_id"),
               events.c.event_time.label("end_time"), end_kind.label("end_kind"))
        .select_from(objects.join(events, events.c.id == objects.c.event_id).join(nodes, nodes.c.id == objects.c.node_id))
        .where(_live(events), nodes.c.kind.not_in(_CLASS_KINDS), or_(
            events.c.biz_step == "destroying", events.c.disposition.in_(["destroyed", "disposed"]),
            events.c.biz_step == "decommissioning",
            and_(events.c.event_type == EventType.OBJECT, events.c.action == Action.DELETE,
                 objects.c.role == ObjectRole.EPC),
            and_(events.c.event_type == EventType.TRANSFORMATION, objects.c.role == ObjectRole.INPUT)))
        .subquery("ends")
    )
    later, later_obj, end_event = events.alias("later"), objects.alias("later_obj"), events.alias("end_event")
    rows = session.execute(
        select(nodes.c.identifier, ends.c.end_kind, end_event.c.event_id, later.c.event_id)
        .select_from(ends.join(later_obj, later_obj.c.node_id == ends.c.node_id)
                     .join(later, later.c.id == later_obj.c.event_id)
                     .join(end_event, end_event.c.id == ends.c.end_id)
                     .join(nodes, nodes.c.id == ends.c.node_id))
        .where(_live(later), later.c.id != ends.c.end_id,
               _seconds(session, later.c.event_time, ends.c.end_time) > tol,
               not_(and_(later.c.event_type == EventType.TRANSFORMATION, later_obj.c.role == ObjectRole.INPUT)),
               not_(and_(ends.c.end_kind == "decommissioned",
                         func.coalesce(later.c.biz_step, "").in_(AFTER_DECOMMISSIONING))))
        .order_by(nodes.c.identifier, ends.c.end_time, later.c.event_time, later.c.id)
    ).all()
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for ident, kind, end_id, later_id in rows:
        if later_id not in grouped[(ident, kind, end_id)]:
            grouped[(ident, kind, end_id)].append(later_id)
    return [Finding(EVENT_AFTER_END, "CC-04", "error", [ident], [end_id, *later_ids],
                    f"{ident} has {len(later_ids)} event(s) after it was {kind}", {"end": kind})
            for (ident, kind, end_id), later_ids in grouped.items()]


def _site(identifier: str) -> str:
    return identifier.split("/254/")[0]


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


def _two_parents(session: Session, tol: float) -> list[Finding]:
    edges = Edge.__table__
    events, _objects, nodes = _aliases()
    a, b = edges.alias("a"), edges.alias("b")
    ea, eb = events.alias("ea"), events.alias("eb")
    child, pa, pb = nodes.alias("child"), nodes.alias("pa"), nodes.alias("pb")
    open_a = or_(a.c.valid_to.is_(None), b.c.valid_from < a.c.valid_to)
    open_b = or_(b.c.valid_to.is_(None), a.c.valid_from < b.c.valid_to)
    rows = session.execute(
        select(child.c.identifier, pa.c.identifier, pb.c.identifier, ea.c.event_id, eb.c.event_id)
        .select_from(a.join(b, and_(b.c.src == a.c.src, b.c.id > a.c.id))
                     .join(child, child.c.id == a.c.src).join(pa, pa.c.id == a.c.dst).join(pb, pb.c.id == b.c.dst)
                     .join(ea, ea.c.id == a.c.event_id).join(eb, eb.c.id == b.c.event_id))
        .where(a.c.kind == EdgeKind.PART_OF, b.c.kind == EdgeKind.PART_OF, a.c.retracted.is_(False),
               b.c.retracted.is_(False), a.c.dst != b.c.dst, a.c.valid_from <= b.c.valid_from, open_a, open_b)
        .order_by(child.c.identifier, a.c.id, b.c.id)
    ).all()
    return [Finding(TWO_PARENTS, "CC-09", "error", [kid, first, second], [ev1, ev2],
                    f"{kid} is in {first} and in {second} at the same time")
            for kid, first, second, ev1, ev2 in rows]


def _event_after_record_time(session: Session, tol: float) -> list[Finding]:
    events = Event.__table__
    rows = session.execute(
        select(events.c.event_id, events.c.event_time, events.c.record_time)
        .where(_live(events), _seconds(session, events.c.event_time, events.c.record_time) > tol)
        .order_by(events.c.id)
    ).all()
    return [Finding(EVENT_AFTER_RECORD_TIME, "CC-05", "warn", [], [event_id],
                    f"event time {event_time:%Y-%m-%dT%H:%M:%S}Z is after its record time "
                    f"{record_time:%Y-%m-%dT%H:%M:%S}Z")
            for event_id, event_time, record_time in rows]


def _commissioning(events: Any, objects: Any) -> ColumnElement[bool]:
    return or_(objects.c.role == ObjectRole.OUTPUT,
               and_(events.c.event_type == EventType.OBJECT, events.c.action == Action.ADD,
                    objects.c.role == ObjectRole.EPC))


def _event_before_commissioning(session: Session, tol: float) -> list[Finding]:
    events, objects, nodes = _aliases()
    born = (
        select(objects.c.node_id.label("node_id"), func.min(events.c.event_time).label("born"))
        .select_from(objects.join(events, events.c.id == objects.c.event_id))
        .where(_live(events), _commissioning(events, objects))
        .group_by(objects.c.node_id)
        .subquery("born")
    )
    rows = session.execute(
        select(nodes.c.identifier, events.c.event_id)
        .select_from(born.join(objects, objects.c.node_id == born.c.node_id)
                     .join(events, events.c.id == objects.c.event_id).join(nodes, nodes.c.id == born.c.node_id))
        .where(_live(events), _seconds(session, born.c.born, events.c.event_time) > tol)
        .order_by(nodes.c.identifier, events.c.event_time, events.c.id)
    ).all()
    grouped: dict[str, list[str]] = defaultdict(list)
    for ident, event_id in rows:
        if event_id not in grouped[ident]:
            grouped[ident].append(event_id)
    return [Finding(EVENT_BEFORE_COMMISSIONING, "CC-03", "error", [ident], ids,
                    f"{ident} has {len(ids)} event(s) before its commissioning")
            for ident, ids in grouped.items()]


def _never_commissioned(session: Session, tol: float) -> list[Finding]:
    events, objects, nodes = _aliases()
    ce, co = events.alias("ce"), objects.alias("co")
    commissioned = exists(
        select(1).select_from(co.join(ce, ce.c.id == co.c.event_id))
        .where(co.c.node_id == objects.c.node_id, _live(ce), _commissioning(ce, co)))
    rows = session.execute(
        select(nodes.c.identifier, events.c.event_id)
        .select_from(objects.join(events, events.c.id == objects.c.event_id).join(nodes, nodes.c.id == objects.c.node_id))
        .where(_live(events), nodes.c.kind == NodeKind.UNIT, not_(commissioned))
        .order_by(nodes.c.identifier, events.c.id)
    ).all()
    grouped: dict[str, list[str]] = defaultdict(list)
    for ident, event_id in rows:
        if event_id not in grouped[ident]:
            grouped[ident].append(event_id)
    return [Finding(NEVER_COMMISSIONED, "CC-01", "error", [ident], ids,
                    f"{ident} is named by {len(ids)} event(s) but was never commissioned (possible counterfeit)")
            for ident, ids in grouped.items()]


def _double_commissioning(session: Session, tol: float) -> list[Finding]:
    events, objects, nodes = _aliases()
    twice = (
        select(objects.c.node_id)
        .select_from(objects.join(events, events.c.id == objects.c.event_id))
        .where(_live(events), _commissioning(events, objects))
        .group_by(objects.c.node_id)
        .having(func.count(func.distinct(objects.c.event_id)) > 1)
    )
    rows = session.execute(
        select(nodes.c.identifier, events.c.event_id)
        .select_from(objects.join(events, events.c.id == objects.c.event_id).join(nodes, nodes.c.id == objects.c.node_id))
        .where(_live(events), _commissioning(events, objects), nodes.c.kind == NodeKind.UNIT,
               objects.c.node_id.in_(twice))
        .order_by(nodes.c.identifier, events.c.id)
    ).all()
    grouped: dict[str, list[str]] = defaultdict(list)
    for ident, event_id in rows:
        grouped[ident].append(event_id)
    return [Finding(DOUBLE_COMMISSIONING, "CC-02", "error", [ident], ids,
                    f"{ident} is commissioned {len(ids)} times")
            for ident, ids in grouped.items()]


def _lot_overdrawn(session: Session, tol: float) -> list[Finding]:
    def _mass_unit(uom: str | None) -> str | None:
        return "KGM" if uom in KG_PER_UOM else uom  # masses are balanced in kilograms

    events, objects, nodes = _aliases()
    produced = _commissioning(events, objects)
    sign = case((objects.c.role == ObjectRole.INPUT, literal_column("-1")), (produced, literal_column("1")),
                else_=literal_column("0"))
    signed = (
        select(nodes.c.identifier.label("identifier"), objects.c.uom.label("uom"), sign.label("sign"),
               objects.c.quantity.label("quantity"), events.c.id.label("seq"), events.c.event_id.label("event_id"))
        .select_from(objects.join(events, events.c.id == objects.c.event_id).join(nodes, nodes.c.id == objects.c.node_id))
        .where(_live(events), nodes.c.kind == NodeKind.LOT, objects.c.quantity.is_not(None))
        .subquery("signed")
    )
    rows = session.execute(
        select(signed.c.identifier, signed.c.uom, signed.c.sign, func.sum(signed.c.quantity))
        .group_by(signed.c.identifier, signed.c.uom, signed.c.sign)
        .order_by(signed.c.identifier)
    ).all()
    totals: dict[tuple[str, str | None], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for ident, uom, factor, amount in rows:
        value = amount * KG_PER_UOM[uom] if uom in KG_PER_UOM else amount
        if factor > 0:
            totals[ident, _mass_unit(uom)][0] += value
        elif factor < 0:
            totals[ident, _mass_unit(uom)][1] += value
    overdrawn = {key: made_drawn for key, made_drawn in totals.items()
                 if made_drawn[1] > made_drawn[0] * (1 + MASS_BALANCE_TOLERANCE) + 1e-9}
    # The events behind each overdrawn balance: what registered the lot and what consumed it, in log
    # order (one statement for every overdrawn lot).
    involved: dict[tuple[str, str | None], dict[str, None]] = defaultdict(dict)  # an ordered set
    if overdrawn:
        for ident, uom, event_id in session.execute(
            select(signed.c.identifier, signed.c.uom, signed.c.event_id)
            .where(signed.c.identifier.in_(sorted({ident for ident, _uom in overdrawn})), signed.c.sign != 0)
            .group_by(signed.c.identifier, signed.c.uom, signed.c.event_id)
            .order_by(func.min(signed.c.seq))
        ):
            involved[ident, _mass_unit(uom)][event_id] = None
    return [Finding(LOT_OVERDRAWN, "CC-10", "error", [ident], list(involved[ident, uom]),
                    f"lot {ident}: {drawn:g} {uom or ''} consumed of {made:g} registered".replace("  ", " "),
                    {"registered": made, "consumed": drawn, "uom": uom})
            for (ident, uom), (made, drawn) in overdrawn.items()]


def _retracted(session: Session, tol: float) -> list[Finding]:
    events, objects, nodes = _aliases()
    declaring = events.alias("declaring")
    rows = session.execute(
        select(events.c.event_id, declaring.c.event_id, nodes.c.identifier)
        .select_from(events.join(declaring, declaring.c.id == events.c.retracted_by)
                     .outerjoin(objects, objects.c.event_id == events.c.id)
                     .outerjoin(nodes, nodes.c.id == objects.c.node_id))
        .where(events.c.retracted_by.is_not(None))
        .order_by(events.c.id, nodes.c.identifier)
    ).all()
    grouped: dict[tuple[str, str], list[str]] = {}
    for event_id, declared_by, ident in rows:
        idents = grouped.setdefault((event_id, declared_by), [])
        if ident and ident not in idents:
            idents.append(ident)
    return [Finding(RETRACTED, "CC-05", "info", idents, [event_id, declared_by],
                    f"event {event_id} was retracted by an error declaration")
            for (event_id, declared_by), idents in grouped.items()]


CHECKS: dict[str, Callable[[Session, float], list[Finding]]] = {
    SHIPPED_NOT_RECEIVED: _shipped_not_received,
    RECEIVED_WITHOUT_SHIPMENT: _received_without_shipment,
    EVENT_AFTER_END: _event_after_end,
    TWO_LOCATIONS: _two_locations,
    TWO_PARENTS: _two_parents,
    EVENT_AFTER_RECORD_TIME: _event_after_record_time,
    EVENT_BEFORE_COMMISSIONING: _event_before_commissioning,
    NEVER_COMMISSIONED: _never_commissioned,
    DOUBLE_COMMISSIONING: _double_commissioning,
    LOT_OVERDRAWN: _lot_overdrawn,
    RETRACTED: _retracted,
}
"""Every check, by finding kind, in report order."""
