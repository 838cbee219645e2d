"""Business rules of the lifecycle services, each checked with one set-based query per call.

The services call these before they build any event, so a violation raises
:class:`~cradletrace.errors.RuleViolation` and nothing is written. Every query
takes the whole set of identifiers of the call (in :func:`cradletrace.bulk.chunks`
beyond 5,000 identifiers, for the bound-parameter limit of SQLite), never one
query per unit. The rules read the projections capture maintains
(``unit_states``, ``edges``, ``event_objects``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.errors import RuleViolation
from cradletrace.lifecycle.common import instance_ids
from cradletrace.models import (
    Action,
    Edge,
    EdgeKind,
    Event,
    EventObject,
    EventType,
    LifecycleStatus,
    Node,
    NodeKind,
    ObjectRole,
    UnitState,
)
from cradletrace.timestamps import aware, naive_utc
from cradletrace.units import amount_unit, in_amount_unit

MAX_DEPTH = 32
MAX_LISTED = 5
QUANTITY_TOLERANCE = 1e-9

S = LifecycleStatus
#: Statuses after which a serialized object takes part in no further event.
ENDED = frozenset({S.CONSUMED, S.DISASSEMBLED, S.DECOMMISSIONED, S.DESTROYED, S.DISPOSED})
#: Statuses that end a lot. A lot's status turns ``consumed`` on its first partial draw and a
#: recovered lot comes out of disassembly marked ``disassembled``, so neither ends a lot: its
#: remaining quantity does (:func:`require_lot_quantity`).
LOT_ENDED = frozenset({S.DECOMMISSIONED, S.DESTROYED, S.DISPOSED})
#: The ended statuses that end-of-life steps (collecting, disassembling, disposing...) and custody moves
#: to a recycler (``allow_decommissioned``) still accept. Not to be confused with the biz steps the
#: findings allow after decommissioning.
END_OF_LIFE_ALLOWED = frozenset({S.DECOMMISSIONED})


@dataclass(frozen=True)
class ObjectInfo:
    """What the projections say about one identifier (``node_id`` is ``None`` if the log never named it)."""

    identifier: str
    node_id: int | None = None
    kind: NodeKind | None = None
    status: LifecycleStatus | None = None
    disposition: str | None = None
    commissioned_at: datetime | None = None

    @property
    def is_lot(self) -> bool:
        """Whether this is a class-level identifier (lot or GTIN)."""
        return self.kind in (NodeKind.LOT, NodeKind.PRODUCT)


def _violation(rule: str, problems: list[str]) -> RuleViolation:
    more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
    return RuleViolation("; ".join(problems[:MAX_LISTED]) + more, where=f"rule {rule}")


def load_objects(session: Session, identifiers: Iterable[str]) -> dict[str, ObjectInfo]:
    """The node, kind and state of each identifier, in one query."""
    wanted = list(dict.fromkeys(identifiers))
    found = {i: ObjectInfo(i) for i in wanted}
    for chunk in chunks(wanted):
        rows = session.execute(
            select(Node.identifier, Node.id, Node.kind, UnitState.status, UnitState.disposition,
                   UnitState.commissioned_at)
            .outerjoin(UnitState, UnitState.node_id == Node.id)
            .where(Node.identifier.in_(chunk))
        ).all()
        for ident, node_id, kind, status, disposition, commissioned_at in rows:
            found[ident] = ObjectInfo(ident, node_id, kind, status, disposition, commissioned_at)
    return found


def require_active(
    objects: Mapping[str, ObjectInfo], identifiers: Iterable[str], when: datetime, *, step: str,
    allow: frozenset[LifecycleStatus] = frozenset(),
) -> None:
    """Each identifier must be commissioned at or before ``when`` (naive UTC) and not ended.

    ``allow`` lists end statuses the step may still follow (collecting after decommissioning).
    """
    problems = []
    for ident in identifiers:
        info = objects[ident]
        noun = "lot" if info.is_lot or "/10/" in ident else "unit"
        ended = (LOT_ENDED if noun == "lot" else ENDED) - allow
        if info.commissioned_at is None:
            problems.append(f"{noun} {ident} was never commissioned, so it cannot be {step}")
        elif info.commissioned_at > when:
            problems.append(f"{noun} {ident} is commissioned only at {info.commissioned_at:%Y-%m-%dT%H:%M:%S}Z, "
                            f"after this {step} event")
        elif info.status in ended:
            problems.append(f"{noun} {ident} is {info.status.value}, so it cannot be {step}")
    if problems:
        raise _violation("no event before commissioning or after the end of life", problems)


def active_units(session: Session, values: Iterable[str] | str, when: datetime | None, *, step: str,
                 allow: frozenset[LifecycleStatus] = frozenset()) -> tuple[datetime, list[str]]:
    """The opening of most services: the event time (now when not given) and the canonical identifiers
    of ``values``, once each of them is checked to be commissioned by then and not ended
    (:func:`require_active`, with one query for all of them)."""
    when = aware(when)
    ids = instance_ids(values)
    require_active(load_objects(session, ids), ids, naive_utc(when), step=step, allow=allow)
    return when, ids


def require_new(objects: Mapping[str, ObjectInfo], identifiers: Iterable[str]) -> None:
    """Each identifier must not be commissioned yet (a serial is commissioned once)."""
    problems = [f"{ident} is already commissioned (at {objects[ident].commissioned_at:%Y-%m-%dT%H:%M:%S}Z)"
                for ident in identifiers if objects[ident].commissioned_at is not None]
    if problems:
        raise _violation("a serial is commissioned only once", problems)


def open_parents(session: Session, children: Iterable[str]) -> dict[str, list[str]]:
    """The current parents (open ``part_of`` edges) of each child, in one query."""
    wanted = list(dict.fromkeys(children))
    parents: dict[str, list[str]] = defaultdict(list)
    child, parent = Node.__table__.alias("child"), Node.__table__.alias("parent")
    edges = Edge.__table__
    for chunk in chunks(wanted):
        rows = session.execute(
            select(child.c.identifier, parent.c.identifier)
            .select_from(edges.join(child, child.c.id == edges.c.src).join(parent, parent.c.id == edges.c.dst))
            .where(edges.c.kind == EdgeKind.PART_OF, edges.c.valid_to.is_(None), edges.c.retracted.is_(False),
                   child.c.identifier.in_(chunk))
            .order_by(edges.c.id)
        ).all()
        for c, p in rows:
            parents[c].append(p)
    return dict(parents)


def require_not_fitted(session: Session, children: Iterable[str], *, into: str | None = None,
                       parents: Mapping[str, list[str]] | None = None) -> None:
    """No child may be in a parent already: a component is in one parent at a time (open ``part_of``).

    ``parents`` (from :func:`open_parents`) saves the query when the caller has them.
    """
    children = list(children)
    problems = []
    if into is not None and into in children:
        problems.append(f"{into} cannot be fitted into itself")
    current = open_parents(session, children) if parents is None else parents
    for ident in children:
        if current.get(ident):
            problems.append(f"{ident} is already in {current[ident][0]}; remove or unpack it there first")
    if problems:
        raise _violation("a component is in one parent at a time", problems)


def require_fitted(parents: Mapping[str, list[str]], children: Iterable[str], parent: str) -> None:
    """Each child must be in ``parent`` now (``parents`` comes from :func:`open_parents`)."""
    problems = [f"{ident} is not fitted in {parent}" for ident in children if parent not in parents.get(ident, ())]
    if problems:
        raise _violation("only a fitted component can be removed", problems)


def lot_balances(session: Session, lots: Iterable[str]) -> dict[str, dict[str | None, float]]:
    """What remains of each lot per unit of measure (masses in KGM), from the log, in one query.

    Registered = ObjectEvent ADD quantities + TransformationEvent outputs; drawn =
    TransformationEvent inputs + ObjectEvent DELETE quantities; retracted events
    and error declarations do not count.
    """
    wanted = list(dict.fromkeys(lots))
    events, objects = Event.__table__, EventObject.__table__
    sign = case(
        (objects.c.role == ObjectRole.OUTPUT, literal(1)),
        (objects.c.role == ObjectRole.INPUT, literal(-1)),
        (and_(events.c.event_type == EventType.OBJECT, events.c.action == Action.ADD), literal(1)),
        (and_(events.c.event_type == EventType.OBJECT, events.c.action == Action.DELETE), literal(-1)),
        else_=literal(0),
    )
    balances: dict[str, dict[str | None, float]] = {i: {} for i in wanted}
    for chunk in chunks(wanted):
        # sign per row in a subquery: PostgreSQL will not match a GROUP BY expression whose bind parameters differ
        signed = (
            select(Node.identifier.label("identifier"), objects.c.uom.label("uom"), sign.label("sign"),
                   objects.c.quantity.label("quantity"))
            .select_from(objects.join(events, events.c.id == objects.c.event_id)
                         .join(Node, Node.id == objects.c.node_id))
            .where(Node.identifier.in_(chunk), objects.c.quantity.is_not(None), events.c.retracted_by.is_(None),
                   events.c.declares_error.is_(False),
                   or_(objects.c.role.in_([ObjectRole.INPUT, ObjectRole.OUTPUT]),
                       and_(objects.c.role == ObjectRole.EPC, events.c.event_type == EventType.OBJECT)))
            .subquery()
        )
        rows = session.execute(
            select(signed.c.identifier, signed.c.uom, signed.c.sign, func.sum(signed.c.quantity))
            .group_by(signed.c.identifier, signed.c.uom, signed.c.sign)
        ).all()
        for ident, uom, factor, total in rows:
            key = amount_unit(uom)
            balances[ident][key] = balances[ident].get(key, 0.0) + factor * in_amount_unit(total, uom)
    return balances


def require_lot_quantity(session: Session, draws: Mapping[str, list[tuple[float, str | None]]]) -> None:
    """Consumption cannot exceed what remains of a lot (registered minus already consumed)."""
    balances = lot_balances(session, draws)
    problems = []
    for lot, wanted in draws.items():
        remaining = balances.get(lot, {})
        needed: dict[str | None, float] = {}
        for amount, uom in wanted:
            key = amount_unit(uom)
            needed[key] = needed.get(key, 0.0) + in_amount_unit(amount, uom)
        for key, amount in needed.items():
            if key not in remaining:
                held = ", ".join(str(k) for k in remaining) or "nothing"
                problems.append(f"lot {lot} holds {held}, not {key or 'a count'}")
            elif amount > remaining[key] + QUANTITY_TOLERANCE:
                problems.append(f"lot {lot} has {remaining[key]:g} {key or ''} left, cannot consume {amount:g}".replace(
                    "  ", " "))
    if problems:
        raise _violation("consumption cannot exceed a lot's remaining quantity", problems)


@dataclass(frozen=True)
class Contained:
    """An object inside a root by open ``part_of`` edges (the root itself at depth 0, without a parent).

    ``packed`` when every container on the way is a logistic unit, so the object travels in
    it as goods rather than as a fitted component.
    """

    root: str
    identifier: str
    parent: str | None
    depth: int
    packed: bool
    disposition: str | None


def contents(session: Session, roots: Iterable[str]) -> list[Contained]:
    """Everything inside the roots now (recursive over open ``part_of`` edges), roots included, one query."""
    wanted = list(dict.fromkeys(roots))
    edges, nodes = Edge.__table__, Node.__table__
    found: list[Contained] = []
    for chunk in chunks(wanted):
        tree = (select(nodes.c.id.label("root"), nodes.c.id.label("node"), nodes.c.id.label("parent"),
                       literal(0).label("depth"), literal(1).label("packed"))
                .where(nodes.c.identifier.in_(chunk)).cte("inside", recursive=True))
        holder = nodes.alias("holder")
        step = (select(tree.c.root, edges.c.src, tree.c.node, tree.c.depth + 1,
                       case((and_(tree.c.packed == 1, holder.c.kind == NodeKind.LOGISTIC_UNIT), 1), else_=0))
                .select_from(tree.join(edges, edges.c.dst == tree.c.node).join(holder, holder.c.id == tree.c.node))
                .where(edges.c.kind == EdgeKind.PART_OF, edges.c.valid_to.is_(None), edges.c.retracted.is_(False),
                       tree.c.depth < MAX_DEPTH))
        tree = tree.union_all(step)
        root, item, parent = nodes.alias("root_node"), nodes.alias("item"), nodes.alias("parent_node")
        rows = session.execute(
            select(root.c.identifier, item.c.identifier, parent.c.identifier, tree.c.depth, tree.c.packed,
                   UnitState.disposition)
            .select_from(tree.join(root, root.c.id == tree.c.root).join(item, item.c.id == tree.c.node)
                         .join(parent, parent.c.id == tree.c.parent)
                         .outerjoin(UnitState, UnitState.node_id == tree.c.node))
            .order_by(tree.c.root, tree.c.depth, item.c.identifier)
        ).all()
        found.extend(Contained(r, i, p if d else None, d, bool(k), disp) for r, i, p, d, k, disp in rows)
    return found


def require_not_recalled(inside: Iterable[Contained], *, override_reason: str | None) -> list[str]:
    """No object on recall hold (disposition ``recalled``), nor anything inside it, may move on.

    Returns the held identifiers when ``override_reason`` is given (the caller records it).
    """
    held = list(dict.fromkeys(c.identifier for c in inside if c.disposition == "recalled"))
    if held and not (override_reason and override_reason.strip()):
        by_root = {c.identifier: c.root for c in inside}
        problems = [f"{ident} is on recall hold" + (f" (inside {by_root[ident]})" if by_root[ident] != ident else "")
                    for ident in held]
        raise _violation("a unit on recall hold cannot be shipped or sold without an override reason", problems)
    return held
