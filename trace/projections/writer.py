"""Writes the projections of a batch of logged events, set-based: a fixed number of statements per batch.

Used by capture (right after the events are appended) and by ``rebuild`` (over the
whole log), so both produce the same rows. The caller holds the append lock, so
no other writer changes the projections meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import Session

from cradletrace.bulk import bulk_insert
from cradletrace.models import BizTransaction, Edge, EdgeKind, Event, EventObject, Lot, Unit, UnitState
from cradletrace.projections.nodemap import NodeMap
from cradletrace.projections.effects import Effects, State, effects_of, fold

_CHUNK = 5000
_STATE_COLUMNS = ("status", "disposition", "biz_step", "biz_location_id", "read_point_id", "owner_id",
                  "possessor_id", "commissioned_at", "last_event_id", "last_event_time")


@dataclass
class LoggedEvent:
    """An event that has its place in the log."""

    seq: int
    event: dict[str, Any]
    event_time: datetime
    event_hash: str


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


class Projector:
    """Projects batches of logged events into nodes, objects, documents, edges and states.

    Parameters
    ----------
    session : Session
        The session of the capture or rebuild transaction.
    nodes : NodeMap, optional
        A node cache to share with the caller.
    """

    def __init__(self, session: Session, nodes: NodeMap | None = None) -> None:
        self.session = session
        self.nodes = nodes or NodeMap(session)

    def project(self, batch: Sequence[LoggedEvent]) -> None:
        """Write the projections of ``batch`` (events already in the log, in log order)."""
        if not batch:
            return
        effects = [effects_of(item.event) for item in batch]
        identifiers: set[str] = set()
        document_kinds: dict[str, str] = {}
        for fx in effects:
            identifiers |= fx.identifiers()
            for doc, _type in fx.documents:
                document_kinds[doc] = "document"
        ids = self.nodes.resolve(identifiers, document_kinds)

        self._write_objects(batch, effects, ids)
        self._write_edges(batch, effects, ids)
        self._write_states(batch, effects, ids)
        self._write_ilmd(effects, ids)
        declarations = [item for item in batch if item.event.get("errorDeclaration")]
        if declarations:
            self._retract(declarations, upto=batch[-1].seq)

    # -- event_objects and biz_transactions ------------------------------------------------------
    def _write_objects(self, batch: Sequence[LoggedEvent], effects: list[Effects], ids: dict[str, int]) -> None:
        objects, documents = [], []
        for item, fx in zip(batch, effects):
            for (ident, role), (quantity, uom) in fx.objects.items():
                objects.append({"event_id": item.seq, "node_id": ids[ident], "role": role,
                                "quantity": quantity, "uom": uom})
            for doc, doc_type in fx.documents:
                documents.append({"event_id": item.seq, "node_id": ids[doc], "type": doc_type})
        if objects:
            bulk_insert(self.session, EventObject.__table__, objects)
        if documents:
            bulk_insert(self.session, BizTransaction.__table__, documents)

    # -- lineage edges ---------------------------------------------------------------------------
    def _write_edges(self, batch: Sequence[LoggedEvent], effects: list[Effects], ids: dict[str, int]) -> None:
        new_edges: list[dict[str, Any]] = []
        open_here: dict[tuple[int, int], list[dict[str, Any]]] = {}
        by_parent: dict[int, list[dict[str, Any]]] = {}
        close_pairs: list[dict[str, Any]] = []
        close_parents: list[dict[str, Any]] = []
        # One documented_by edge per event and (object, document): an edge then carries the
        # event that asserted it, is retracted with it, and the same rows come out whatever
        # the batching (capture per document, rebuild per page).
        documented: set[tuple[int, int, int]] = set()
        for item, fx in zip(batch, effects):
            for child, parent in fx.closes:
                # An edge opened earlier in this batch is closed before it is written;
                # older edges are closed in the database.
                pid = ids[parent]
                if child is None:
                    for edge in by_parent.pop(pid, []):
                        if edge["valid_to"] is None:
                            edge["valid_to"], edge["closed_by"] = item.event_time, item.seq
                    close_parents.append({"p": pid, "t": item.event_time, "e": item.seq})
                    continue
                key = (ids[child], pid)
                pending = [e for e in open_here.get(key, ()) if e["valid_to"] is None]
                if pending:
                    for edge in pending:
                        edge["valid_to"], edge["closed_by"] = item.event_time, item.seq
                else:
                    close_pairs.append({"c": key[0], "p": pid, "t": item.event_time, "e": item.seq})
            for op in fx.opens:
                src, dst = ids[op.src], ids[op.dst]
                if op.kind == "documented_by":
                    if (item.seq, src, dst) in documented:
                        continue
                    documented.add((item.seq, src, dst))
                edge = {"kind": EdgeKind(op.kind), "src": src, "dst": dst, "valid_from": item.event_time,
                        "valid_to": None, "event_id": item.seq, "closed_by": None, "quantity": op.quantity,
                        "uom": op.uom, "mass_kg": op.mass_kg, "retracted": False}
                new_edges.append(edge)
                if op.kind == "part_of":
                    open_here.setdefault((src, dst), []).append(edge)
                    by_parent.setdefault(dst, []).append(edge)
        table = Edge.__table__
        open_part_of = and_(table.c.kind == EdgeKind.PART_OF, table.c.valid_to.is_(None), table.c.retracted.is_(False))
        if close_pairs:
            self.session.execute(
                update(table).where(open_part_of, table.c.src == bindparam("c"), table.c.dst == bindparam("p"))
                .values(valid_to=bindparam("t"), closed_by=bindparam("e")).execution_options(synchronize_session=False),
                close_pairs,
            )
        if close_parents:
            self.session.execute(
                update(table).where(open_part_of, table.c.dst == bindparam("p"))
                .values(valid_to=bindparam("t"), closed_by=bindparam("e")).execution_options(synchronize_session=False),
                close_parents,
            )
        if new_edges:
            bulk_insert(self.session, table, new_edges)

    # -- unit states -----------------------------------------------------------------------------
    def _write_states(self, batch: Sequence[LoggedEvent], effects: list[Effects], ids: dict[str, int]) -> None:
        """Fold each event into its objects' state; an event older than a state refolds that object.

        The state is the fold of an object's events in event-time order (log order on ties).
        Events usually arrive in that order and fold incrementally; a late one (a partner's
        history, a scanner that was offline) makes its objects refold from their events,
        with one query for the whole batch.
        """
        touched = {ids[ident] for fx in effects for ident in fx.states}
        if not touched:
            return
        states = self._load_states(touched)
        late: set[int] = set()
        for item, fx in zip(batch, effects):
            for ident, delta in fx.states.items():
                node_id = ids[ident]
                if node_id in late:
                    continue
                current = states.get(node_id)
                if current is not None and item.event_time < current.last_event_time:
                    late.add(node_id)
                    continue
                states[node_id] = fold(current, delta, ids, item.seq, item.event_time)
        for node_id in late:
            states.pop(node_id, None)
        self._upsert_states(states)
        self.recompute_states(late, upto=batch[-1].seq)

    def _load_states(self, node_ids: set[int]) -> dict[int, State]:
        table = UnitState.__table__
        states: dict[int, State] = {}
        for chunk in _chunks(sorted(node_ids)):
            rows = self.session.execute(select(table).where(table.c.node_id.in_(chunk))).mappings()
            for row in rows:
                states[row["node_id"]] = State(**{c: row[c] for c in _STATE_COLUMNS})
        return states

    def _upsert_states(self, states: dict[int, State]) -> None:
        rows = [{"node_id": node_id, **{c: getattr(s, c) for c in _STATE_COLUMNS}} for node_id, s in states.items()]
        bulk_insert(self.session, UnitState.__table__, rows, on_conflict=("node_id",), update=_STATE_COLUMNS)

    # -- ILMD on units and lots ------------------------------------------------------------------
    def _write_ilmd(self, effects: list[Effects], ids: dict[str, int]) -> None:
        updates: dict[int, dict[str, Any]] = {}
        for fx in effects:
            if fx.ilmd:
                for ident in fx.ilmd_targets:
                    updates.setdefault(ids[ident], {}).update(fx.ilmd)
        if not updates:
            return
        for model in (Unit, Lot):
            table = model.__table__
            existing = {}
            for chunk in _chunks(sorted(updates)):
                existing.update(self.session.execute(
                    select(table.c.node_id, table.c.ilmd).where(table.c.node_id.in_(chunk))).all())
            rows = [{"n": node_id, "ilmd": {**(existing[node_id] or {}), **updates[node_id]}} for node_id in existing]
            if rows:
                self.session.execute(
                    update(table).where(table.c.node_id == bindparam("n")).values(ilmd=bindparam("ilmd"))
                    .execution_options(synchronize_session=False), rows)

    # -- error declarations ----------------------------------------------------------------------
    def _retract(self, declarations: Sequence[LoggedEvent], upto: int) -> None:
        """Mark the declared events retracted, withdraw their edges and recompute their objects' state."""
        events = Event.__table__
        retracted: list[int] = []
        for item in declarations:
            event_id = item.event.get("eventID")
            match = (events.c.event_hash == item.event_hash)
            if event_id:
                match = match | (events.c.event_id == event_id)
            originals = self.session.execute(
                select(events.c.id).where(match, events.c.declares_error.is_(False), events.c.id < item.seq,
                                          events.c.retracted_by.is_(None))
            ).scalars().all()
            for original in originals:
                retracted.append(original)
                self.session.execute(update(events).where(events.c.id == original).values(retracted_by=item.seq))
        if not retracted:
            return
        edges = Edge.__table__
        self.session.execute(update(edges).where(edges.c.event_id.in_(retracted)).values(retracted=True))
        self.session.execute(update(edges).where(edges.c.closed_by.in_(retracted)).values(valid_to=None, closed_by=None))
        objects = EventObject.__table__
        node_ids = set(self.session.execute(
            select(objects.c.node_id).where(objects.c.event_id.in_(retracted))).scalars())
        self.recompute_states(node_ids, upto=upto)

    def recompute_states(self, node_ids: set[int], upto: int | None = None) -> None:
        """Refold the state of ``node_ids`` from their events that are not retracted.

        ``upto`` bounds the log position: a rebuild replaying the log must not see the
        events after the batch it is at, so that it writes what capture wrote then.
        """
        if not node_ids:
            return
        events, objects = Event.__table__, EventObject.__table__
        query = (select(events.c.id, events.c.event_time, events.c.payload).distinct()
                 .join(objects, objects.c.event_id == events.c.id)
                 .where(objects.c.node_id.in_(sorted(node_ids)), events.c.retracted_by.is_(None),
                        events.c.declares_error.is_(False))
                 .order_by(events.c.event_time, events.c.id))
        if upto is not None:
            query = query.where(events.c.id <= upto)
        rows = self.session.execute(query).all()
        effects = [(seq, event_time, effects_of(orjson.loads(payload))) for seq, event_time, payload in rows]
        identifiers: set[str] = set()
        for _seq, _time, fx in effects:
            identifiers |= fx.identifiers()
        ids = self.nodes.resolve(identifiers)
        states: dict[int, State] = {}
        for seq, event_time, fx in effects:
            for ident, delta in fx.states.items():
                node_id = ids[ident]
                if node_id in node_ids:
                    states[node_id] = fold(states.get(node_id), delta, ids, seq, event_time)
        table = UnitState.__table__
        gone = node_ids - set(states)
        if gone:
            self.session.execute(table.delete().where(table.c.node_id.in_(sorted(gone))))
        self._upsert_states(states)
