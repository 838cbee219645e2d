"""``rebuild``: recompute every projection from the log, or (``check``) compare them with a fresh rebuild.

Projections are event_objects, biz_transactions, the lineage edges written by
capture (every kind but ``follows``, which commerce services write, and ``child_of``, which
master data writes), unit_states,
the ILMD of units and lots, and the retraction marks on events. Nodes are an
append-only registry of identifiers that master data also refers to: a rebuild
keeps them. Capture projects through :class:`~cradletrace.projections.writer.Projector` as events
arrive; rebuild replays the log in event order through :class:`~cradletrace.projections.replay.Replay`,
an independent path, so ``check_projections`` compares two computations of one definition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Table, delete, select, tuple_, update
from sqlalchemy.orm import Session

from cradletrace.log.chain import lock_head
from cradletrace.models import BizTransaction, Edge, EdgeKind, Event, EventObject, Lot, Unit, UnitState
from cradletrace.projections.replay import Replay
from cradletrace.projections.writer import LoggedEvent, retraction_targets

_BATCH = 2000


def rebuild_projections(session: Session, *, progress: Callable[[int], None] | None = None) -> int:
    """Delete and recompute every projection from the log, in event order; returns the events replayed.

    The log is read in the projections' order (event time, event hash, eventID), with every
    retraction matched first, and applied by :class:`~cradletrace.projections.replay.Replay`,
    which is independent of capture's incremental writer. Takes the append lock first, so no
    capture runs meanwhile. Flushes, never commits.
    """
    lock_head(session)
    edges = Edge.__table__
    session.execute(delete(EventObject.__table__))
    session.execute(delete(BizTransaction.__table__))
    session.execute(delete(edges).where(edges.c.kind.not_in([EdgeKind.FOLLOWS, EdgeKind.CHILD_OF])))
    session.execute(delete(UnitState.__table__))
    session.execute(update(Unit.__table__).values(ilmd=None))
    session.execute(update(Lot.__table__).values(ilmd=None))
    events = Event.__table__
    session.execute(update(events).where(events.c.retracted_by.is_not(None)).values(retracted_by=None))

    declarations = session.execute(select(events.c.event_id, events.c.event_hash)
                                   .where(events.c.declares_error.is_(True))).all()
    replay = Replay(session, retraction_targets(session, [tuple(row) for row in declarations]))
    replayed = 0
    order = (events.c.event_time, events.c.event_hash, events.c.event_id)
    page = select(events.c.id, events.c.event_time, events.c.event_hash, events.c.payload).order_by(*order).limit(_BATCH)
    after = None
    while True:
        # Keyset pages rather than one streaming cursor: the writes in between would
        # disturb a cursor open on the same connection.
        rows = session.execute(page if after is None else page.where(tuple_(*order) > tuple_(*after))).all()
        if not rows:
            break
        logged = [LoggedEvent(seq, orjson.loads(payload), event_time, stored_hash)
                  for seq, event_time, stored_hash, payload in rows]
        replay.apply(logged)
        replayed += len(rows)
        after = logged[-1].key
        if progress:
            progress(replayed)
    return replayed


@dataclass
class Difference:
    """Rows of one projection that differ between the database and a fresh rebuild."""

    table: str
    only_stored: list[tuple[Any, ...]]
    only_rebuilt: list[tuple[Any, ...]]

    def summary(self, limit: int = 3) -> str:
        """A few lines for people."""
        lines = [f"{self.table}: {len(self.only_stored)} rows only in the database, "
                 f"{len(self.only_rebuilt)} only in the rebuild"]
        lines += [f"  stored  {row}" for row in self.only_stored[:limit]]
        lines += [f"  rebuilt {row}" for row in self.only_rebuilt[:limit]]
        return "\n".join(lines)


def check_projections(session: Session) -> list[Difference]:
    """Rebuild inside a savepoint, compare with what is stored, roll the rebuild back.

    Returns the differences per projection table (empty when the projections are exact).
    """
    before = _snapshot(session)
    savepoint = session.begin_nested()
    try:
        rebuild_projections(session)
        after = _snapshot(session)
    finally:
        savepoint.rollback()
    differences = []
    for name in before:
        only_stored = sorted((before[name] - after[name]).elements(), key=repr)
        only_rebuilt = sorted((after[name] - before[name]).elements(), key=repr)
        if only_stored or only_rebuilt:
            differences.append(Difference(name, only_stored, only_rebuilt))
    return differences


def _rows(session: Session, table: Table, columns: list[str], where: Any = None) -> Counter[tuple[Any, ...]]:
    stmt = select(*(table.c[c] for c in columns))
    if where is not None:
        stmt = stmt.where(where)
    return Counter(tuple(_plain(v) for v in row) for row in session.execute(stmt))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value  # enum members compare by their stored value
    if isinstance(value, float):
        return round(value, 9)
    return value


def _snapshot(session: Session) -> dict[str, Counter[tuple[Any, ...]]]:
    edges = Edge.__table__
    return {
        "event_objects": _rows(session, EventObject.__table__, ["node_id", "event_id", "role", "quantity", "uom"]),
        "biz_transactions": _rows(session, BizTransaction.__table__, ["event_id", "node_id", "type"]),
        "edges": _rows(session, edges, ["kind", "src", "dst", "valid_from", "valid_to", "event_id", "closed_by",
                                        "quantity", "uom", "mass_kg", "retracted"],
                        edges.c.kind.not_in([EdgeKind.FOLLOWS, EdgeKind.CHILD_OF])),
        "unit_states": _rows(session, UnitState.__table__, [c.name for c in UnitState.__table__.c]),
        "units": _rows(session, Unit.__table__, ["node_id", "gtin", "serial", "ilmd"]),
        "lots": _rows(session, Lot.__table__, ["node_id", "gtin", "lot_number", "ilmd"]),
        "events.retracted_by": _rows(session, Event.__table__, ["id", "retracted_by"],
                                     Event.__table__.c.retracted_by.is_not(None)),
    }
