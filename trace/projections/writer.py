"""Capture's projection writer: applies a batch of logged events to the projections, set-based and incrementally.

A projection is a function of the set of events that are not retracted, never of the order
they arrived in (docs/projections.md). Most events arrive in event-time order and only add
rows; a late event (one that belongs before events already projected), a DELETE, or an
error declaration makes the writer refold what it touches:

* ``part_of`` intervals: for every parent a batch touches, the edges that can have changed
  (open ones, and ones closed at or after the earliest time the batch concerns) get their
  end recomputed from the parent's removing DELETEs at or after that time;
* unit states: objects whose state already holds a later event refold from their events;
* ILMD: objects that already have ILMD, or lose an event that gave some, remerge it.

Each costs a bounded number of statements per batch (IN lists chunked), never one per row.
``rebuild`` does not use this path: it replays the log in event-time order
(:mod:`cradletrace.projections.replay`), so ``rebuild --check`` compares two independent
computations. The caller holds the append lock.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Table, and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from cradletrace.bulk import bulk_insert, chunks
from cradletrace.models import (
    Action,
    BizTransaction,
    Edge,
    EdgeKind,
    Event,
    EventObject,
    EventType,
    Lot,
    ObjectRole,
    Unit,
    UnitState,
)
from cradletrace.projections.effects import Effects, EventKey, State, effects_of, event_key, fold
from cradletrace.projections.nodemap import NodeMap

_STATE_COLUMNS = ("status", "disposition", "biz_step", "biz_location_id", "read_point_id", "owner_id",
                  "possessor_id", "commissioned_at", "last_event_id", "last_event_time")
_PART_OF_TYPES = (EventType.AGGREGATION, EventType.ASSOCIATION)


@dataclass
class LoggedEvent:
    """An event that has its place in the log."""

    seq: int
    event: dict[str, Any]
    event_time: datetime
    event_hash: str

    @property
    def key(self) -> EventKey:
        """Where the event stands in the projections' order."""
        return event_key(self.event_time, self.event_hash, self.event["eventID"])

    @property
    def declares_error(self) -> bool:
        return "errorDeclaration" in self.event


# -- shared by capture's writer and rebuild's replay -------------------------------------------------
def write_objects(session: Session, batch: Sequence[LoggedEvent], effects: Sequence[Effects],
                  ids: dict[str, int]) -> None:
    """The ``event_objects`` and ``biz_transactions`` rows of a batch: one per event, order plays no part."""
    objects, documents = [], []
    for item, fx in zip(batch, effects):
        for (ident, role), (quantity, uom) in fx.objects.items():
            objects.append({"event_id": item.seq, "node_id": ids[ident], "role": role,
                            "quantity": quantity, "uom": uom})
        for doc, doc_type in fx.documents:
            documents.append({"event_id": item.seq, "node_id": ids[doc], "type": doc_type})
    if objects:
        bulk_insert(session, EventObject.__table__, objects)
    if documents:
        bulk_insert(session, BizTransaction.__table__, documents)


def resolve_nodes(nodes: NodeMap, effects: Sequence[Effects]) -> dict[str, int]:
    """The node ids of every identifier a batch's effects name (business documents as such), in one go."""
    identifiers: set[str] = set()
    document_kinds: dict[str, str] = {}
    for fx in effects:
        identifiers |= fx.identifiers()
        document_kinds.update((doc, "document") for doc, _type in fx.documents)
    return nodes.resolve(identifiers, document_kinds)


def edge_rows(item: LoggedEvent, fx: Effects, ids: dict[str, int], retracted: bool) -> list[dict[str, Any]]:
    """The edges one event opens, not yet closed.

    One ``documented_by`` edge per event and (object, document), so an edge carries the
    event that asserted it and is retracted with it, whatever the batching.
    """
    rows, documented = [], set()
    for op in fx.opens:
        src, dst = ids[op.src], ids[op.dst]
        if op.kind == "documented_by":
            if (src, dst) in documented:
                continue
            documented.add((src, dst))
        rows.append({"kind": EdgeKind(op.kind), "src": src, "dst": dst, "valid_from": item.event_time,
                     "valid_to": None, "event_id": item.seq, "closed_by": None, "quantity": op.quantity,
                     "uom": op.uom, "mass_kg": op.mass_kg, "retracted": retracted})
    return rows


def part_of_parents(fx: Effects) -> set[str]:
    """The parents whose ``part_of`` intervals an event opens or closes."""
    return {op.dst for op in fx.opens if op.kind == "part_of"} | {parent for _child, parent in fx.closes}


def load_states(session: Session, node_ids: Iterable[int]) -> dict[int, State]:
    """The stored states of ``node_ids``, each with the order key of its last event."""
    table, events = UnitState.__table__, Event.__table__
    states: dict[int, State] = {}
    for chunk in chunks(sorted(node_ids)):
        rows = session.execute(
            select(table, events.c.event_hash, events.c.event_id)
            .join(events, events.c.id == table.c.last_event_id).where(table.c.node_id.in_(chunk))).mappings()
        for row in rows:
            states[row["node_id"]] = State(**{c: row[c] for c in _STATE_COLUMNS},
                                           last_order=(row["event_hash"], row["event_id"]))
    return states


def upsert_states(session: Session, states: dict[int, State]) -> None:
    rows = [{"node_id": node_id, **{c: getattr(s, c) for c in _STATE_COLUMNS}} for node_id, s in states.items()]
    bulk_insert(session, UnitState.__table__, rows, on_conflict=("node_id",), update=_STATE_COLUMNS)


def merge_ilmd(session: Session, merged: dict[int, tuple[Table, dict[str, Any] | None]]) -> None:
    """Store the ILMD of units and lots: ``{node id: (its table, ILMD or None when none is left)}``."""
    by_table: dict[Table, list[dict[str, Any]]] = {}
    for node_id, (table, ilmd) in sorted(merged.items()):
        by_table.setdefault(table, []).append({"n": node_id, "ilmd": ilmd})
    for table, rows in by_table.items():
        session.execute(update(table).where(table.c.node_id == bindparam("n")).values(ilmd=bindparam("ilmd"))
                        .execution_options(synchronize_session=False), rows)


def stored_ilmd(session: Session, node_ids: Iterable[int]) -> dict[int, tuple[Table, dict[str, Any] | None]]:
    """The units and lots among ``node_ids``, each with its table and its stored ILMD."""
    found: dict[int, tuple[Table, dict[str, Any] | None]] = {}
    ordered = sorted(node_ids)
    for model in (Unit, Lot):
        table = model.__table__
        for chunk in chunks(ordered):
            found.update((node_id, (table, ilmd)) for node_id, ilmd in session.execute(
                select(table.c.node_id, table.c.ilmd).where(table.c.node_id.in_(chunk))))
    return found


def retraction_targets(session: Session, pairs: Sequence[tuple[str, str]]) -> dict[int, int]:
    """The logged events that declarations retract, for the events ``pairs`` ((eventID, hash) each) concern.

    An error declaration retracts the event with its eventID. One that came without an
    eventID of its own (its eventID is its hash) names the event by its content, and
    retracts the events with its event hash. Two distinct events that happen to share
    their content but not their eventID are never retracted together.

    ``pairs`` may be declarations (their originals are found) or any events (their
    declarations, logged before or with them, are found), so a declaration that arrives
    before its event still retracts it. Returns ``{event position: position of the first
    declaration}``: the lowest declaration position wins, whichever of several arrived first.
    """
    events = Event.__table__

    def match(ids: Iterable[str], hashes: Iterable[str], declared: bool) -> list[tuple[int, str, str]]:
        rows: set[tuple[int, str, str]] = set()
        for column, values in ((events.c.event_id, sorted(set(ids))), (events.c.event_hash, sorted(set(hashes)))):
            for chunk in chunks(values):
                rows.update(session.execute(select(events.c.id, events.c.event_id, events.c.event_hash)
                                            .where(column.in_(chunk), events.c.declares_error.is_(declared))).all())
        return sorted(rows)

    if not pairs:
        return {}
    declarations = match((p[0] for p in pairs), (p[1] for p in pairs), True)
    first_by_id: dict[str, int] = {}
    first_by_hash: dict[str, int] = {}
    for seq, event_id, event_hash in declarations:
        first_by_id[event_id] = min(seq, first_by_id.get(event_id, seq))
        if event_id == event_hash:
            first_by_hash[event_hash] = min(seq, first_by_hash.get(event_hash, seq))
    found: dict[int, int] = {}
    if not declarations:
        return found
    for seq, event_id, event_hash in match(first_by_id, first_by_hash, False):
        candidates = [d for d in (first_by_id.get(event_id), first_by_hash.get(event_hash)) if d is not None]
        if candidates:
            found[seq] = min(candidates)
    return found


class Projector:
    """Projects batches of logged events into nodes, objects, documents, edges, states and ILMD.

    Parameters
    ----------
    session : Session
        The session of the capture transaction.
    nodes : NodeMap, optional
        A node cache to share with the caller.
    """

    def __init__(self, session: Session, nodes: NodeMap | None = None) -> None:
        self.session = session
        self.nodes = nodes or NodeMap(session)

    def project(self, batch: Sequence[LoggedEvent]) -> None:
        """Write the projections of ``batch`` (events already appended to the log, in log order)."""
        if not batch:
            return
        effects = [effects_of(item.event) for item in batch]
        ids = resolve_nodes(self.nodes, effects)
        write_objects(self.session, batch, effects, ids)

        retracted = self._retract(batch)
        first = batch[0].seq
        earlier = {seq: by for seq, by in retracted.items() if seq < first}
        touched: dict[int, datetime] = {}
        new_edges: list[dict[str, Any]] = []
        keys: dict[int, EventKey] = {}
        for item, fx in zip(batch, effects):
            rows = edge_rows(item, fx, ids, retracted=item.seq in retracted)
            new_edges += rows
            for parent in part_of_parents(fx):
                pid = ids[parent]
                touched[pid] = min(item.event_time, touched.get(pid, item.event_time))
                keys[item.seq] = item.key
        if earlier:
            edges = Edge.__table__
            for chunk in chunks(sorted(earlier)):
                self.session.execute(update(edges).where(edges.c.event_id.in_(chunk)).values(retracted=True)
                                     .execution_options(synchronize_session=False))
            withdrawn = self._parents_of(earlier)
            for pid, when in withdrawn.items():
                touched[pid] = min(when, touched.get(pid, when))
        else:
            withdrawn = {}
        self._refold_intervals(touched, [e for e in new_edges if e["kind"] is EdgeKind.PART_OF], keys,
                               withdrawn=set(withdrawn))
        if new_edges:
            bulk_insert(self.session, Edge.__table__, new_edges)

        live = [(item, fx) for item, fx in zip(batch, effects)
                if item.seq not in retracted and not item.declares_error]
        objects_of_earlier = self._objects_of(earlier) if earlier else set()
        self._write_states(live, ids, objects_of_earlier)
        self._write_ilmd(live, ids, objects_of_earlier)

    # -- error declarations ----------------------------------------------------------------------
    def _retract(self, batch: Sequence[LoggedEvent]) -> dict[int, int]:
        """Match the batch's declarations with logged events and its events with logged declarations.

        Returns the events newly retracted (``{position: declaration position}``) after marking them.
        """
        found = retraction_targets(self.session, [(i.event["eventID"], i.event_hash) for i in batch])
        if not found:
            return {}
        events = Event.__table__
        already: dict[int, int] = {}
        for chunk in chunks(sorted(found)):
            already.update(self.session.execute(select(events.c.id, events.c.retracted_by).where(
                events.c.id.in_(chunk), events.c.retracted_by.is_not(None))).all())
        fresh = {seq: by for seq, by in found.items() if seq not in already}
        if fresh:
            self.session.execute(
                update(events).where(events.c.id == bindparam("o")).values(retracted_by=bindparam("d"))
                .execution_options(synchronize_session=False),
                [{"o": seq, "d": by} for seq, by in sorted(fresh.items())])
        return fresh

    def _parents_of(self, seqs: dict[int, int]) -> dict[int, datetime]:
        """The parents named by part_of events among ``seqs``, with the events' times."""
        events, objects = Event.__table__, EventObject.__table__
        found: dict[int, datetime] = {}
        for chunk in chunks(sorted(seqs)):
            for node_id, when in self.session.execute(
                    select(objects.c.node_id, events.c.event_time).join(events, events.c.id == objects.c.event_id)
                    .where(objects.c.event_id.in_(chunk), objects.c.role == ObjectRole.PARENT,
                           events.c.event_type.in_(_PART_OF_TYPES))):
                found[node_id] = min(when, found.get(node_id, when))
        return found

    def _objects_of(self, seqs: dict[int, int]) -> set[int]:
        objects = EventObject.__table__
        found: set[int] = set()
        for chunk in chunks(sorted(seqs)):
            found.update(self.session.execute(select(objects.c.node_id).where(objects.c.event_id.in_(chunk))).scalars())
        return found

    # -- part_of intervals -----------------------------------------------------------------------
    def _refold_intervals(self, touched: dict[int, datetime], new_edges: list[dict[str, Any]],
                          keys: dict[int, EventKey], withdrawn: set[int]) -> None:
        """Recompute the end of every part_of edge of the touched parents that the batch can have changed.

        An edge ends at the first removing DELETE after its ADD in event order: a DELETE of its
        parent that names its child, or names no child (everything inside). Nothing before a
        parent's earliest touched time changed, so only edges still open or closed at or after
        it are read, with the parent's live DELETEs from then on; a parent with no such DELETE
        keeps its stored edges as they are, unless it lost an event to a retraction (``withdrawn``),
        which can reopen them. ``new_edges`` (not yet written) are set in place; stored edges that
        change are updated with one executemany.
        """
        if not touched:
            return
        events, objects, edges = Event.__table__, EventObject.__table__, Edge.__table__
        children = objects.alias("children")
        parents = sorted(touched)
        removing: dict[int, dict[int | None, list[tuple[EventKey, int]]]] = {}
        stored: list[tuple[int, int, int, datetime | None, int | None, EventKey]] = []
        for chunk in chunks(parents):
            since = min(touched[p] for p in chunk)
            for seq, when, ehash, eid, parent, child in self.session.execute(
                select(events.c.id, events.c.event_time, events.c.event_hash, events.c.event_id, objects.c.node_id,
                       children.c.node_id)
                .join(events, events.c.id == objects.c.event_id)
                .outerjoin(children, and_(children.c.event_id == events.c.id, children.c.role == ObjectRole.CHILD))
                .where(objects.c.node_id.in_(chunk), objects.c.role == ObjectRole.PARENT,
                       events.c.action == Action.DELETE, events.c.event_type.in_(_PART_OF_TYPES),
                       events.c.retracted_by.is_(None), events.c.declares_error.is_(False),
                       events.c.event_time >= since)
            ):
                if when >= touched[parent]:
                    removing.setdefault(parent, {}).setdefault(child, []).append(((when, ehash, eid), seq))
            changing = [p for p in chunk if p in removing or p in withdrawn]
            if not changing:
                continue  # packing without unpacking, the usual batch: no stored edge can have changed
            for edge_id, src, dst, valid_to, closed_by, valid_from, ehash, eid in self.session.execute(
                select(edges.c.id, edges.c.src, edges.c.dst, edges.c.valid_to, edges.c.closed_by, edges.c.valid_from,
                       events.c.event_hash, events.c.event_id)
                .join(events, events.c.id == edges.c.event_id)
                .where(edges.c.kind == EdgeKind.PART_OF, edges.c.dst.in_(changing),
                       or_(edges.c.valid_to.is_(None), edges.c.valid_to >= since))
            ):
                if valid_to is None or valid_to >= touched[dst]:
                    stored.append((edge_id, src, dst, valid_to, closed_by, (valid_from, ehash, eid)))
        for by_child in removing.values():
            for entries in by_child.values():
                entries.sort()

        def end(src: int, dst: int, key: EventKey) -> tuple[datetime | None, int | None]:
            best: tuple[EventKey, int] | None = None
            by_child = removing.get(dst, {})
            for entries in (by_child.get(None), by_child.get(src)):
                if entries:
                    at = bisect.bisect_right(entries, (key, float("inf")))
                    if at < len(entries) and (best is None or entries[at] < best):
                        best = entries[at]
            return (best[0][0], best[1]) if best else (None, None)

        for edge in new_edges:
            edge["valid_to"], edge["closed_by"] = end(edge["src"], edge["dst"], keys[edge["event_id"]])
        changes = []
        for edge_id, src, dst, valid_to, closed_by, key in stored:
            now = end(src, dst, key)
            if now != (valid_to, closed_by):
                changes.append({"i": edge_id, "t": now[0], "e": now[1]})
        if changes:
            self.session.execute(
                update(edges).where(edges.c.id == bindparam("i")).values(valid_to=bindparam("t"), closed_by=bindparam("e"))
                .execution_options(synchronize_session=False), changes)

    # -- unit states -----------------------------------------------------------------------------
    def _write_states(self, live: Sequence[tuple[LoggedEvent, Effects]], ids: dict[str, int],
                      refold: set[int]) -> None:
        """Fold each live event into its objects' state; an event before a state's last one refolds that object.

        Events usually arrive in order and fold incrementally; a late one (a partner's history,
        a scanner that was offline) makes its objects refold from their events, with one query
        for the whole batch. ``refold`` names objects that lost an event to a retraction.
        """
        touched = {ids[ident] for _item, fx in live for ident in fx.states}
        if not touched and not refold:
            return
        states = load_states(self.session, touched - refold)
        late: set[int] = set(refold)
        for item, fx in live:
            key = item.key
            for ident, delta in fx.states.items():
                node_id = ids[ident]
                if node_id in late:
                    continue
                current = states.get(node_id)
                if current is not None and key < current.key:
                    late.add(node_id)
                    continue
                states[node_id] = fold(current, delta, ids, item.seq, key)
        for node_id in late:
            states.pop(node_id, None)
        upsert_states(self.session, states)
        self.recompute_states(late)

    def recompute_states(self, node_ids: set[int]) -> None:
        """Refold the state of ``node_ids`` from their events that are not retracted, in event order."""
        if not node_ids:
            return
        rows = self._live_events_of(node_ids)
        effects = [(seq, key, effects_of(orjson.loads(payload))) for seq, key, payload in rows]
        identifiers: set[str] = set()
        for _seq, _key, fx in effects:
            identifiers |= fx.identifiers()
        ids = self.nodes.resolve(identifiers)
        states: dict[int, State] = {}
        for seq, key, fx in effects:
            for ident, delta in fx.states.items():
                node_id = ids[ident]
                if node_id in node_ids:
                    states[node_id] = fold(states.get(node_id), delta, ids, seq, key)
        table = UnitState.__table__
        gone = sorted(node_ids - set(states))
        for chunk in chunks(gone):
            self.session.execute(table.delete().where(table.c.node_id.in_(chunk)))
        upsert_states(self.session, states)

    def _live_events_of(self, node_ids: set[int], roles: tuple[ObjectRole, ...] | None = None,
                        only_ilmd: bool = False) -> list[tuple[int, EventKey, str]]:
        """``(position, order key, payload)`` of the live events naming ``node_ids``, in event order."""
        events, objects = Event.__table__, EventObject.__table__
        found: dict[int, tuple[EventKey, str]] = {}
        for chunk in chunks(sorted(node_ids)):
            query = (select(events.c.id, events.c.event_time, events.c.event_hash, events.c.event_id, events.c.payload)
                     .join(objects, objects.c.event_id == events.c.id)
                     .where(objects.c.node_id.in_(chunk), events.c.retracted_by.is_(None),
                            events.c.declares_error.is_(False)))
            if roles:
                query = query.where(objects.c.role.in_(roles))
            if only_ilmd:
                # Canonical payloads have sorted keys, and extension keys are in Clark notation, so only
                # an event's own ILMD is written '"ilmd":'.
                query = query.where(events.c.payload.like('%"ilmd":%'))
            for seq, when, ehash, eid, payload in self.session.execute(query):
                found[seq] = ((when, ehash, eid), payload)
        return sorted(((seq, key, payload) for seq, (key, payload) in found.items()), key=lambda r: r[1])

    # -- ILMD on units and lots ------------------------------------------------------------------
    def _write_ilmd(self, live: Sequence[tuple[LoggedEvent, Effects]], ids: dict[str, int],
                    refold: set[int]) -> None:
        """Merge ILMD in event order: later events' entries win.

        An object without ILMD so far takes the batch's ILMD directly; one that has some, or
        that lost an event to a retraction, remerges from its ILMD events.
        """
        updates: dict[int, list[tuple[EventKey, dict[str, Any]]]] = {}
        for item, fx in live:
            if fx.ilmd:
                for ident in fx.ilmd_targets:
                    updates.setdefault(ids[ident], []).append((item.key, fx.ilmd))
        if not updates and not refold:
            return
        existing = stored_ilmd(self.session, set(updates) | refold)
        merged: dict[int, dict[str, Any] | None] = {}
        again = {node_id for node_id in refold if node_id in existing}
        for node_id, entries in updates.items():
            if node_id not in existing:
                continue
            if existing[node_id][1] is not None:
                again.add(node_id)
                continue
            result: dict[str, Any] = {}
            for _key, ilmd in sorted(entries, key=lambda entry: entry[0]):
                result.update(ilmd)
            merged[node_id] = result
        if again:
            merged.update(self._remerge_ilmd(again))
        merge_ilmd(self.session, {node_id: (existing[node_id][0], ilmd) for node_id, ilmd in merged.items()})

    def _remerge_ilmd(self, node_ids: set[int]) -> dict[int, dict[str, Any] | None]:
        rows = self._live_events_of(node_ids, (ObjectRole.EPC, ObjectRole.OUTPUT), only_ilmd=True)
        merged: dict[int, dict[str, Any] | None] = {node_id: None for node_id in node_ids}
        for _seq, _key, payload in rows:
            fx = effects_of(orjson.loads(payload))
            if not fx.ilmd:
                continue
            ids = self.nodes.resolve(fx.ilmd_targets)
            for ident in fx.ilmd_targets:
                node_id = ids[ident]
                if node_id in merged:
                    merged[node_id] = {**(merged[node_id] or {}), **fx.ilmd}
        return merged
