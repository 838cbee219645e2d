"""Rebuild's projection path: the whole log applied in event order, the obvious way.

Where capture's writer (:mod:`cradletrace.projections.writer`) applies each batch as it
arrives and refolds whatever a late event, a DELETE or a declaration touches, a replay
reads the log sorted by the order key (event time, event hash, eventID) with every
retraction known up front, so nothing is ever late: a DELETE closes what is open at that
moment, a state folds forward, ILMD merges forward. Both paths share only the per-event
rows (objects, documents, new edges) and the fold of one delta, so ``rebuild --check``
compares two independent computations of the same definition (docs/projections.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, bindparam, or_, update
from sqlalchemy.orm import Session

from cradletrace.bulk import bulk_insert
from cradletrace.models import Edge, EdgeKind, Event
from cradletrace.projections.effects import Effects, State, effects_of, fold
from cradletrace.projections.nodemap import NodeMap
from cradletrace.projections.writer import (
    LoggedEvent,
    edge_rows,
    load_states,
    merge_ilmd,
    resolve_nodes,
    stored_ilmd,
    upsert_states,
    write_objects,
)


class Replay:
    """Applies pages of the log, given in order-key order, with the retractions known in advance.

    Parameters
    ----------
    session : Session
        The rebuild's session; the projections are empty when the replay starts.
    retracted : dict of int to int
        ``{event position: declaration position}`` for the whole log.
    """

    def __init__(self, session: Session, retracted: dict[int, int]) -> None:
        self.session = session
        self.retracted = retracted
        self.nodes = NodeMap(session)
        events = Event.__table__
        rows = [{"o": seq, "d": by} for seq, by in sorted(retracted.items())]
        if rows:
            session.execute(update(events).where(events.c.id == bindparam("o")).values(retracted_by=bindparam("d"))
                            .execution_options(synchronize_session=False), rows)

    def apply(self, page: Sequence[LoggedEvent]) -> None:
        """Project the next events in order (each page follows the previous one in key order)."""
        if not page:
            return
        effects = [effects_of(item.event) for item in page]
        ids = resolve_nodes(self.nodes, effects)
        write_objects(self.session, page, effects, ids)
        live = [(item, fx) for item, fx in zip(page, effects)
                if item.seq not in self.retracted and not item.declares_error]
        self._edges(page, effects, ids)
        self._states(live, ids)
        self._ilmd(live, ids)

    def _edges(self, page: Sequence[LoggedEvent], effects: Sequence[Effects], ids: dict[str, int]) -> None:
        """New edges, and the DELETEs of live events closing whatever of their parent is open then."""
        new_edges: list[dict[str, Any]] = []
        open_pairs: dict[tuple[int, int], list[dict[str, Any]]] = {}
        open_by_parent: dict[int, list[dict[str, Any]]] = {}
        closes: list[dict[str, Any]] = []
        for item, fx in zip(page, effects):
            if item.seq not in self.retracted:
                for child, parent in fx.closes:
                    pid = ids[parent]
                    if child is None:
                        pending = open_by_parent.pop(pid, [])
                    else:
                        pending = open_pairs.pop((ids[child], pid), [])
                    closes.append({"c": None if child is None else ids[child], "p": pid, "t": item.event_time,
                                   "e": item.seq})
                    for edge in pending:
                        if edge["valid_to"] is None:
                            edge["valid_to"], edge["closed_by"] = item.event_time, item.seq
            for edge in edge_rows(item, fx, ids, retracted=item.seq in self.retracted):
                new_edges.append(edge)
                if edge["kind"] is EdgeKind.PART_OF:
                    open_pairs.setdefault((edge["src"], edge["dst"]), []).append(edge)
                    open_by_parent.setdefault(edge["dst"], []).append(edge)
        table = Edge.__table__
        # Edges of earlier pages all come before this page's DELETEs, so whatever is still open closes,
        # one DELETE after another in order (a named child: its pair; none named: everything inside).
        if closes:
            child = bindparam("c", type_=Integer)
            self.session.execute(
                update(table).where(table.c.kind == EdgeKind.PART_OF, table.c.valid_to.is_(None),
                                    table.c.dst == bindparam("p"), or_(child.is_(None), table.c.src == child))
                .values(valid_to=bindparam("t"), closed_by=bindparam("e")).execution_options(synchronize_session=False),
                closes)
        if new_edges:
            bulk_insert(self.session, table, new_edges)

    def _states(self, live: Sequence[tuple[LoggedEvent, Effects]], ids: dict[str, int]) -> None:
        touched = {ids[ident] for _item, fx in live for ident in fx.states}
        if not touched:
            return
        states: dict[int, State] = load_states(self.session, touched)
        for item, fx in live:
            for ident, delta in fx.states.items():
                node_id = ids[ident]
                states[node_id] = fold(states.get(node_id), delta, ids, item.seq, item.key)
        upsert_states(self.session, states)

    def _ilmd(self, live: Sequence[tuple[LoggedEvent, Effects]], ids: dict[str, int]) -> None:
        updates: dict[int, dict[str, Any]] = {}
        for _item, fx in live:
            if fx.ilmd:
                for ident in fx.ilmd_targets:
                    updates.setdefault(ids[ident], {}).update(fx.ilmd)
        if not updates:
            return
        existing = stored_ilmd(self.session, updates)
        merge_ilmd(self.session, {node_id: (existing[node_id][0], {**(existing[node_id][1] or {}), **updates[node_id]})
                                  for node_id in updates if node_id in existing})

