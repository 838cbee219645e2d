"""The lineage questions: upstream, downstream, recall, composition and history, one recursive query each.

Each function takes the session first, reads only, and costs a constant number of
statements: one to resolve the identifier, one recursive query (see
:mod:`cradletrace.lineage.sql`). What is left to Python works on the bounded rows
that query returned (grouping, the composition at a time, CSV).
"""

from __future__ import annotations

import csv
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import IO, Any

from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.lineage.resolve import DEFAULT_MAX_DEPTH, NodeRef, dialect, resolve, run
from cradletrace.lineage.sql import Direction, edges_sql, history_sql, recall_sql, rooted_sql
from cradletrace.log.masterdata import place_names
from cradletrace.timestamps import naive_utc, utc_now

# bizSteps of the events that build a unit; the as-built composition is the one right after the last of them.
BUILD_STEPS = frozenset({"commissioning", "assembling", "installing"})
_RECYCLED = frozenset({"disassembled", "consumed"})
_DESTROYED = frozenset({"destroyed", "disposed"})


@dataclass(frozen=True)
class LineageRow:
    """One edge of a lineage answer: ``identifier`` reached from ``via`` (the end nearer the start).

    Attributes
    ----------
    identifier, kind : str
        The component, material lot, product or container reached, and its node kind.
    via : str
        The other end of the edge: for upstream, what ``identifier`` is part of or went
        into; for downstream, what went into ``identifier``.
    depth : int
        Edges from the start to ``identifier`` along the shortest walk (1 = direct).
    edge_kind : str
        ``part_of`` or ``input_of``.
    quantity, uom, mass_kg
        The quantity allocated along an ``input_of`` edge (``None`` for parts).
    valid_from, valid_to : datetime or None
        When the edge was opened and closed (naive UTC; ``valid_to`` ``None`` = still fitted).
    event_id : str or None
        eventID of the event that created the edge.
    closed_by : str or None
        eventID of the event that closed it.
    edge_id : int
        Row id of the edge.
    """

    identifier: str
    kind: str
    via: str
    depth: int
    edge_kind: str
    quantity: float | None
    uom: str | None
    mass_kg: float | None
    valid_from: datetime | None
    valid_to: datetime | None
    event_id: str | None
    closed_by: str | None
    edge_id: int


@dataclass(frozen=True)
class RecallRow:
    """One unit affected by a recall, with its current state from the unit-state projection."""

    identifier: str
    depth: int
    gtin: str | None
    serial: str | None
    status: str | None
    disposition: str | None
    biz_step: str | None
    biz_location: str | None
    biz_location_name: str | None
    owner: str | None
    owner_name: str | None
    possessor: str | None
    last_event_time: datetime | None
    possessor_name: str | None = None
    product: str | None = None

    @property
    def in_service(self) -> bool:
        """Commissioned and not ended (``active``)."""
        return self.status == "active"

    @property
    def on_hold(self) -> bool:
        """On recall hold (disposition ``recalled``): it may not be shipped, sold or allocated."""
        return self.disposition == "recalled"

    @property
    def recycled(self) -> bool:
        """Disassembled into recovered material, or consumed by a transformation."""
        return self.status in _RECYCLED

    @property
    def destroyed(self) -> bool:
        """Destroyed or disposed of."""
        return self.status in _DESTROYED


@dataclass(frozen=True)
class Change:
    """A part fitted or removed between the as-built and the as-maintained composition."""

    identifier: str
    parent: str
    event_id: str | None
    time: datetime | None


@dataclass(frozen=True)
class Composition:
    """What a unit consisted of at ``at``, against what it was built with.

    ``parts`` and ``as_built`` are trees of :class:`LineageRow` (``via`` is the parent).
    ``added`` and ``removed`` name the changes where they happened: a replaced
    sub-assembly is one removal and one addition, not one per part inside it.
    """

    unit: str
    at: datetime
    built_at: datetime | None
    parts: tuple[LineageRow, ...]
    as_built: tuple[LineageRow, ...]
    added: tuple[Change, ...]
    removed: tuple[Change, ...]


@dataclass(frozen=True)
class HistoryEntry:
    """One event in the history of a unit: its own, or a part's while the part was fitted."""

    event_id: str
    event_time: datetime
    record_time: datetime
    event_type: str
    action: str | None
    biz_step: str | None
    disposition: str | None
    biz_location: str | None
    objects: tuple[tuple[str, str], ...]
    """(identifier, role) of the unit and the fitted parts the event names."""
    depth: int
    """0 for an event of the unit itself, else the depth of the shallowest part it names."""
    declares_error: bool
    retracted_by: str | None
    biz_location_name: str | None = None
    """The place's master-data name as it was when the event was captured (a later name if it had none then)."""

    @property
    def retracted(self) -> bool:
        """An error declaration withdrew this event."""
        return self.retracted_by is not None


# -- rows ---------------------------------------------------------------------------------------

def _lineage_row(r: Row[Any], direction: Direction) -> LineageRow:
    # Unpacked by position (edges_sql's column order): a recall-sized answer has tens of
    # thousands of rows, and access by name cost as much as the query.
    (edge_id, edge_kind, _src, _dst, valid_from, valid_to, quantity, uom, mass_kg, depth, _direction,
     src_identifier, src_kind, dst_identifier, dst_kind, event_id, _event_time, _biz_step, closed_event_id,
     _closed_time) = r[:20]
    if direction == "up":
        identifier, kind, via = src_identifier, src_kind, dst_identifier
    else:
        identifier, kind, via = dst_identifier, dst_kind, src_identifier
    return LineageRow(identifier, kind, via, depth, edge_kind, quantity, uom, mass_kg, valid_from, valid_to,
                      event_id, closed_event_id, edge_id)


def edge_rows(session: Session, start: NodeRef, walks: Sequence[tuple[str, Direction]], *,
              times: dict[str, tuple[datetime | None, datetime | None]] | None = None,
              max_depth: int = DEFAULT_MAX_DEPTH, kinds: tuple[str, ...] = ("part_of", "input_of"),
              details: bool = False, starts: Iterable[int] | None = None) -> list[Row[Any]]:
    """The raw edge rows of one lineage statement (``edges_sql``) from ``start`` (or ``starts``)."""
    times = times or {}
    params: dict[str, Any] = {"max_depth": _depth(max_depth)}
    for name, (t_from, t_to) in times.items():
        params[f"{name}_from"], params[f"{name}_to"] = t_from, t_to
    sql = edges_sql(dialect(session), list(walks), kinds=kinds, timed={name: True for name in times},
                    details=details)
    return run(session, sql, params, starts=list(starts) if starts is not None else [start.id])


def _depth(max_depth: int) -> int:
    if not isinstance(max_depth, int) or max_depth < 0:
        from cradletrace.errors import InvalidInput

        raise InvalidInput(f"{max_depth!r} is not a whole number >= 0", where="max_depth")
    return max_depth


def compositions(session: Session, roots: Sequence[int], at: datetime, *, through_lots: bool = True,
                 max_depth: int = DEFAULT_MAX_DEPTH) -> list[Row[Any]]:
    """The composition at ``at`` (naive UTC) of every node in ``roots``: one rooted walk per 5,000 roots.

    Each row is an edge of one root's tree at ``at`` with that root (:func:`~cradletrace.lineage.sql.rooted_sql`):
    ``part_of`` edges valid then, ``input_of`` edges made by then, behind them the time of the
    transformation. Reports over many units read every tree with a few statements, never one per unit.
    """
    sql = rooted_sql(dialect(session), through_lots)
    params = {"max_depth": _depth(max_depth), "walk_from": at, "walk_to": at}
    return [r for chunk in chunks(list(roots)) for r in run(session, sql, params, starts=chunk)]


# -- upstream / downstream ----------------------------------------------------------------------

def upstream(session: Session, identifier: str, as_of: datetime | None = None, *,
             max_depth: int = DEFAULT_MAX_DEPTH) -> list[LineageRow]:
    """Every component and material lot of ``identifier`` at a time: the walk backwards, one query.

    Follows ``part_of`` edges valid at ``as_of`` (``valid_from <= T < valid_to``) and
    ``input_of`` edges made by then (``valid_from <= T``), by destination. Behind an
    ``input_of`` edge the walk continues at the transformation's time: a recycled unit
    contributes what was inside it when it was disassembled. Retracted edges are ignored.

    Parameters
    ----------
    session : Session
    identifier : str
        Unit or lot in any identifier form (Digital Link on any host, EPC URN, element string,
        a unique serial).
    as_of : datetime, optional
        The moment (naive = UTC); now when not given.
    max_depth : int
        Edges followed from the start at most.

    Returns
    -------
    list of LineageRow
        Ordered by depth; ``via`` is what the row's identifier is part of or went into.

    Raises
    ------
    NotFound
        For an identifier that was never recorded.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> with Session(create_db_engine("sqlite:///doctest.db")) as s:
    ...     upstream(s, "urn:epc:id:sgtin:9506000.013435.4711")
    Traceback (most recent call last):
    ...
    cradletrace.errors.NotFound: identifier: 'urn:epc:id:sgtin:9506000.013435.4711' is not a recorded unit, lot or other identifier
    """
    moment = naive_utc(as_of) or utc_now()
    start = resolve(session, identifier)
    rows = edge_rows(session, start, [("walk", "up")], times={"walk": (moment, moment)}, max_depth=max_depth)
    return [_lineage_row(r, "up") for r in rows]


def downstream(session: Session, identifier: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> list[LineageRow]:
    """Every lot, unit or container that contains ``identifier`` or was made from it, at any time (where-used).

    Follows ``input_of`` edges forwards and ``part_of`` edges upwards, whenever they were
    valid, but only along chains that overlapped in time: a part removed from a
    sub-assembly before that went into a unit was never in the unit. One query.

    Returns
    -------
    list of LineageRow
        Ordered by depth; ``via`` is what went into the row's identifier.

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    """
    start = resolve(session, identifier)
    return [_lineage_row(r, "down") for r in edge_rows(session, start, [("walk", "down")], max_depth=max_depth)]


# -- recall -------------------------------------------------------------------------------------

def recall(session: Session, identifier: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> list[RecallRow]:
    """Every unit downstream of ``identifier`` (itself included when it is a unit), with its current state.

    State, location and owner come from the unit-state projection and master data
    (``parties``, ``locations``) in the same statement: one recursive query and its
    joins, never a query per unit.

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    """
    start = resolve(session, identifier)
    rows = run(session, recall_sql(dialect(session)), {"max_depth": _depth(max_depth)}, starts=[start.id])
    # By position (recall_sql's column order), as in _lineage_row.
    return [RecallRow(identifier, depth, gtin, serial, _enum_value(status), disposition, biz_step, biz_location,
                      biz_location_name, owner, owner_name, possessor, last_event_time, possessor_name, product)
            for (identifier, depth, gtin, serial, status, disposition, biz_step, last_event_time, biz_location,
                 biz_location_name, owner, owner_name, possessor, possessor_name, product) in rows]


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


RECALL_CSV_COLUMNS = ("identifier", "gtin", "serial", "depth", "status", "in_service", "recycled", "destroyed",
                      "disposition", "biz_step", "biz_location", "biz_location_name", "owner", "owner_name",
                      "possessor", "last_event_time", "product", "on_hold", "possessor_name")
"""The recall list's columns, for every writer of it (``recall_csv``, the recall report's files); the ones
added later come last, so a reader of the older files finds its columns where they were."""


def recall_counts(rows: Iterable[RecallRow], ours: str | None = None) -> dict[str, int | None]:
    """The figures of a recall list: units affected; in service, of them at our sites and at customers; on
    recall hold; recycled; destroyed.

    Where an affected unit in service is goes by its owner: ``ours`` (our party's identifier) owns what is at
    our plants, stores and our logistics providers' hubs; a unit another party owns is at a customer. A unit
    with no owner recorded is in neither count. Without ``ours`` nobody knows who "we" are: both are ``None``.

    Examples
    --------
    >>> def unit(status, owner, disposition=None):
    ...     return RecallRow("u", 1, None, None, status, disposition, None, None, None, owner, None, None, None)
    >>> rows = [unit("active", "us", "recalled"), unit("active", "them"), unit("active", None),
    ...         unit("disassembled", "us")]
    >>> recall_counts(rows, "us")
    {'units_affected': 4, 'in_service': 3, 'at_our_sites': 1, 'at_customers': 1, 'on_hold': 1, 'recycled': 1, 'destroyed': 0}
    >>> recall_counts(rows)["at_our_sites"] is None
    True
    """
    rows = list(rows)
    serving = [r for r in rows if r.in_service]
    return {"units_affected": len(rows), "in_service": len(serving),
            "at_our_sites": None if ours is None else sum(r.owner == ours for r in serving),
            "at_customers": None if ours is None else sum(r.owner not in (None, ours) for r in serving),
            "on_hold": sum(r.on_hold for r in rows), "recycled": sum(r.recycled for r in rows),
            "destroyed": sum(r.destroyed for r in rows)}


def recall_csv(rows: Iterable[RecallRow], fp: IO[str]) -> int:
    """Write recall rows as CSV (a header, then one line per unit); return the number of units written.

    Examples
    --------
    >>> import io
    >>> row = RecallRow("https://id.gs1.org/01/09506000134352/21/1", 2, "09506000134352", "1", "active",
    ...                 "in_transit", "shipping", None, None, "https://id.gs1.org/417/4012345000009", "ACME",
    ...                 None, datetime(2025, 3, 1, 9, 0))
    >>> out = io.StringIO()
    >>> recall_csv([row], out)
    1
    >>> print(out.getvalue().splitlines()[1])
    https://id.gs1.org/01/09506000134352/21/1,09506000134352,1,2,active,true,false,false,in_transit,shipping,,,https://id.gs1.org/417/4012345000009,ACME,,2025-03-01T09:00:00Z,,false,
    """
    writer = csv.writer(fp, lineterminator="\n")
    writer.writerow(RECALL_CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([_csv_value(getattr(row, name)) for name in RECALL_CSV_COLUMNS])
        count += 1
    return count


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return "" if value is None else value


# -- composition --------------------------------------------------------------------------------

def tree_at(rows: Iterable[LineageRow], root: str, at: datetime) -> list[LineageRow]:
    """The part of an upstream edge set that was in ``root`` at ``at`` (pure; breadth-first, depth recomputed).

    ``part_of`` edges count while ``valid_from <= T < valid_to``; an ``input_of`` edge made
    by then counts, and behind it the time moves to the transformation.

    Examples
    --------
    >>> t = datetime
    >>> e = [LineageRow("c1", "unit", "u", 1, "part_of", None, None, None, t(2020, 1, 1), t(2022, 1, 1), "A", "D", 1),
    ...      LineageRow("c2", "unit", "u", 1, "part_of", None, None, None, t(2022, 1, 1), None, "D", None, 2),
    ...      LineageRow("L", "lot", "c1", 2, "input_of", 3.0, "KGM", 3.0, t(2019, 1, 1), None, "M", None, 3)]
    >>> [r.identifier for r in tree_at(e, "u", t(2021, 1, 1))], [r.identifier for r in tree_at(e, "u", t(2023, 1, 1))]
    (['c1', 'L'], ['c2'])
    """
    by_parent: dict[str, list[LineageRow]] = defaultdict(list)
    for row in rows:
        by_parent[row.via].append(row)
    for siblings in by_parent.values():
        # In event order, never in the order the edges were written: the tree must not depend on arrival.
        siblings.sort(key=lambda r: (r.valid_from or datetime.min, r.event_id or "", r.identifier))
    out: list[LineageRow] = []
    seen: set[int] = set()
    queue: deque[tuple[str, datetime, int]] = deque([(root, at, 0)])
    while queue:
        node, moment, depth = queue.popleft()
        for row in by_parent.get(node, ()):
            if row.edge_id in seen or (row.valid_from is not None and row.valid_from > moment):
                continue
            if row.edge_kind == "part_of":
                if row.valid_to is not None and row.valid_to <= moment:
                    continue
                later = moment
            else:
                later = row.valid_from or moment
            seen.add(row.edge_id)
            out.append(replace(row, depth=depth + 1))
            queue.append((row.identifier, later, depth + 1))
    return out


def composition(session: Session, unit: str, at: datetime | None = None, *, built_at: datetime | None = None,
                max_depth: int = DEFAULT_MAX_DEPTH) -> Composition:
    """The composition of ``unit`` at ``at`` (default now), and how it differs from the as-built one.

    One recursive query fetches every edge ever in the unit's tree; the trees at the two
    moments are cut from those rows in Python (:func:`tree_at`).

    Parameters
    ----------
    unit : str
        The unit in any identifier form.
    at : datetime, optional
        The as-maintained moment (naive = UTC); now when not given.
    built_at : datetime, optional
        The as-built moment. By default, the last edge into the unit opened by a build
        step (:data:`BUILD_STEPS`); failing that, its first edge.

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    """
    moment = naive_utc(at) or utc_now()
    start = resolve(session, unit, where="unit")
    raw = edge_rows(session, start, [("walk", "up")], max_depth=max_depth)
    rows = [_lineage_row(r, "up") for r in raw]
    built = naive_utc(built_at) or _built_at(raw, start.identifier)
    maintained = tree_at(rows, start.identifier, moment)
    as_built = tree_at(rows, start.identifier, built) if built is not None else []
    added, removed = _changes(as_built, maintained, start.identifier)
    return Composition(start.identifier, moment, built, tuple(maintained), tuple(as_built), added, removed)


def _built_at(raw: Sequence[Row[Any]], root: str) -> datetime | None:
    into_root = [r for r in raw if r.dst_identifier == root and r.valid_from is not None]
    build = [r.valid_from for r in into_root if r.biz_step in BUILD_STEPS]
    if build:
        return max(build)
    return min((r.valid_from for r in into_root), default=None)


def _changes(before: list[LineageRow], after: list[LineageRow], root: str
             ) -> tuple[tuple[Change, ...], tuple[Change, ...]]:
    # Report a change only where its parent is in both trees: the frontier of the change.
    nodes_before = {root} | {r.identifier for r in before}
    nodes_after = {root} | {r.identifier for r in after}
    # A pair fitted by several open ADDs is reported by the first of them (the trees are in event order).
    pairs_before: dict[tuple[str, str], LineageRow] = {}
    pairs_after: dict[tuple[str, str], LineageRow] = {}
    for pairs, tree in ((pairs_before, before), (pairs_after, after)):
        for r in tree:
            pairs.setdefault((r.identifier, r.via), r)
    added = tuple(Change(r.identifier, r.via, r.event_id, r.valid_from) for key, r in pairs_after.items()
                  if key not in pairs_before and r.via in nodes_before)
    removed = tuple(Change(r.identifier, r.via, r.closed_by, r.valid_to) for key, r in pairs_before.items()
                    if key not in pairs_after and r.via in nodes_after)
    return added, removed


# -- history ------------------------------------------------------------------------------------

def history(session: Session, identifier: str, include_parts: bool = True, *,
            max_depth: int = DEFAULT_MAX_DEPTH) -> list[HistoryEntry]:
    """The events of a unit, and of each of its parts while it was fitted, in time order.

    A part's events count from the event that fitted it to the one that removed it
    (both included), through every level of sub-assembly. Retracted events are
    included and flagged (``retracted_by``); error declarations have ``declares_error``.
    One recursive query, and two more for the names of the places (master data valid when
    each event was captured, :func:`cradletrace.log.masterdata.place_names`).

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    """
    start = resolve(session, identifier)
    depth = _depth(max_depth) if include_parts else 0
    rows = run(session, history_sql(dialect(session)), {"max_depth": depth}, starts=[start.id])
    entries: dict[int, dict[str, Any]] = {}
    for r in rows:
        entry = entries.get(r.seq)
        if entry is None:
            entry = entries[r.seq] = {
                "event_id": r.event_id, "event_time": r.event_time, "record_time": r.record_time,
                "event_type": _enum_value(r.event_type), "action": _enum_value(r.action), "biz_step": r.biz_step,
                "disposition": r.disposition, "biz_location": r.biz_location, "objects": {},
                "depth": r.depth, "declares_error": bool(r.declares_error), "retracted_by": r.retracted_by}
        entry["objects"].setdefault((r.identifier, _enum_value(r.role)), None)
        entry["depth"] = min(entry["depth"], r.depth)
    names = place_names(session, [(e["biz_location"], e["record_time"]) for e in entries.values() if e["biz_location"]])
    return [HistoryEntry(**{**e, "objects": tuple(e["objects"]),
                            "biz_location_name": names.get((e["biz_location"], e["record_time"]))})
            for e in entries.values()]


def as_dict(row: Any) -> dict[str, Any]:
    """A lineage dataclass as a plain dict (for JSON), with its derived flags.

    Examples
    --------
    >>> as_dict(Change("c", "u", "E1", None))
    {'identifier': 'c', 'parent': 'u', 'event_id': 'E1', 'time': None}
    """
    out = {f.name: getattr(row, f.name) for f in fields(row)}
    for flag in ("in_service", "on_hold", "recycled", "destroyed", "retracted"):
        if hasattr(type(row), flag):
            out[flag] = getattr(row, flag)
    return out
