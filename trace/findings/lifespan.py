"""Lifespan checks: events outside an object's life, before its commissioning or after its end, objects never
commissioned, units commissioned twice (CC-01 to CC-04)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, case, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from cradletrace.findings.base import _CLASS_KINDS, Check, Finding, _aliases, _commissioning, _live, _seconds, grouped
from cradletrace.identifiers.own_vocabulary import DISPOSING, RECYCLING
from cradletrace.models import Action, EventType, NodeKind, ObjectRole

EVENT_AFTER_END = "event_after_end"
EVENT_BEFORE_COMMISSIONING = "event_before_commissioning"
NEVER_COMMISSIONED = "never_commissioned"
DOUBLE_COMMISSIONING = "double_commissioning"

#: What may still happen to a decommissioned object: custody moves to a recycler and end-of-life steps.
# "removing": a disassembly first takes out the parts it keeps for re-use (lifecycle.disassemble's harvest).
STEPS_AFTER_DECOMMISSIONING = ("collecting", "disassembling", "destroying", DISPOSING, RECYCLING, "shipping",
                         "receiving", "arriving", "departing", "transporting", "loading", "unloading", "storing",
                         "removing")


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
                         func.coalesce(later.c.biz_step, "").in_(STEPS_AFTER_DECOMMISSIONING))))
        .order_by(nodes.c.identifier, ends.c.end_time, later.c.event_time, later.c.id)
    ).all()
    return [Finding(EVENT_AFTER_END, "CC-04", "error", [ident], [end_id, *later_ids],
                    f"{ident} has {len(later_ids)} event(s) after it was {kind}", {"end": kind})
            for (ident, kind, end_id), later_ids in grouped(((i, k, e), later) for i, k, e, later in rows).items()]


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
    return [Finding(EVENT_BEFORE_COMMISSIONING, "CC-03", "error", [ident], ids,
                    f"{ident} has {len(ids)} event(s) before its commissioning")
            for ident, ids in grouped(rows).items()]


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
    return [Finding(NEVER_COMMISSIONED, "CC-01", "error", [ident], ids,
                    f"{ident} is named by {len(ids)} event(s) but was never commissioned (possible counterfeit)")
            for ident, ids in grouped(rows).items()]


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


CHECKS: dict[str, Check] = {
    EVENT_AFTER_END: _event_after_end,
    EVENT_BEFORE_COMMISSIONING: _event_before_commissioning,
    NEVER_COMMISSIONED: _never_commissioned,
    DOUBLE_COMMISSIONING: _double_commissioning,
}
