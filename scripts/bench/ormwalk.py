"""The baseline: lineage answered the way ERP traceability reports unfold a lot, one node at a time.

A fresh :class:`~sqlalchemy.orm.Session` per question, then one ORM query per node visited
(the edges into the node for upstream, out of it for where-used), breadth first, until the
walk ends. It uses cradletrace's own models and applies the same edge and time rules as
cradletrace's recursive walk (``cradletrace.lineage.sql.walk_cte``), in Python:

* each visit carries a time interval ``[t_from, t_to]`` (None = open); ``part_of`` edges must
  overlap it and narrow it; walking up an ``input_of`` edge moves to the point of the
  transformation, walking down one opens ``[made, open)``;
* a visit of the same node with the same interval is not repeated (the CTE's ``UNION``),
  and the depth is bounded (the CTE's ``max_depth``).

Recall adds each reached unit's state and owner, one query per unit.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cradletrace.models import Edge, EdgeKind, Node, NodeKind, UnitState

KINDS = (EdgeKind.PART_OF, EdgeKind.INPUT_OF)
MAX_DEPTH = 50  # cradletrace.lineage.DEFAULT_MAX_DEPTH
Visit = tuple[int, "datetime | None", "datetime | None"]


def _step(edge: Edge, t_from: datetime | None, t_to: datetime | None, up: bool) -> tuple[Any, Any] | None:
    """The interval after crossing ``edge`` from an interval, or None when the edge does not apply."""
    vf, vt = edge.valid_from, edge.valid_to
    if not (vf is None or t_to is None or vf < t_to or (vf == t_to and t_from == t_to)):
        return None
    if not (vt is None or t_from is None or vt > t_from):
        return None
    if not (vt is None or vf is None or vt > vf):
        return None
    if edge.kind is EdgeKind.INPUT_OF:
        if not up and not (t_from is None or vf is None or vf >= t_from):
            return None
        return (vf, vf) if up else (vf, None)
    new_from = vf if (t_from is None or (vf is not None and vf > t_from)) else t_from
    if t_to is None:
        new_to = vt
    else:
        new_to = t_to if (vt is None or vt > t_to) else vt
    return new_from, new_to


def _walk(session: Session, start: int, *, up: bool, at: datetime | None) -> set[int]:
    first: Visit = (start, at, at)
    seen = {first}
    reached: set[int] = set()
    queue = deque([(first, 0)])
    while queue:
        (node, t_from, t_to), depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        column = Edge.dst if up else Edge.src
        edges = session.scalars(select(Edge).where(column == node, Edge.kind.in_(KINDS),
                                                   Edge.retracted.is_(False))).all()
        for edge in edges:
            interval = _step(edge, t_from, t_to, up)
            if interval is None:
                continue
            visit = (edge.src if up else edge.dst, *interval)
            if visit not in seen:
                seen.add(visit)
                reached.add(visit[0])
                queue.append((visit, depth + 1))
    reached.discard(start)
    return reached


def _node(session: Session, identifier: str) -> Node:
    return session.scalars(select(Node).where(Node.identifier == identifier)).one()


def upstream(factory: sessionmaker[Session], identifier: str, at: datetime | None = None) -> list[str]:
    """Identifiers of everything upstream of ``identifier`` at ``at`` (default now)."""
    with factory() as session:
        start = _node(session, identifier)
        found = _walk(session, start.id, up=True, at=at)
        return [session.get(Node, n).identifier for n in sorted(found)]  # type: ignore[union-attr]


def where_used(factory: sessionmaker[Session], identifier: str) -> list[str]:
    """Identifiers of the units that use ``identifier`` (directly or through other lots and parts)."""
    with factory() as session:
        start = _node(session, identifier)
        found = _walk(session, start.id, up=False, at=None)
        units = []
        for n in sorted(found):
            node = session.get(Node, n)
            if node is not None and node.kind is NodeKind.UNIT:
                units.append(node.identifier)
        return units


def recall(factory: sessionmaker[Session], identifier: str) -> list[tuple[str, str | None, str | None]]:
    """(unit, owner, status) of every unit reached from ``identifier``."""
    with factory() as session:
        start = _node(session, identifier)
        found = _walk(session, start.id, up=False, at=None)
        rows = []
        for n in sorted(found):
            node = session.get(Node, n)
            if node is None or node.kind is not NodeKind.UNIT:
                continue
            state = session.get(UnitState, n)
            owner = session.get(Node, state.owner_id).identifier if state and state.owner_id else None
            rows.append((node.identifier, owner, state.status.value if state else None))
        return rows
