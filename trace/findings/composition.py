"""Composition check: a component inside two parents at the same time (CC-09)."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from cradletrace.findings.base import Check, Finding, _aliases
from cradletrace.models import Edge, EdgeKind

TWO_PARENTS = "two_parents"


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


CHECKS: dict[str, Check] = {TWO_PARENTS: _two_parents}
