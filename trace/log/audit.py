"""``audit verify``: walk the hash chain of the log and name the first entry that does not hold.

The walk streams the log in id order. For each entry it checks that the ids run on
without a gap (a deleted entry) and that the stored chain hash equals
``link(previous, event_hash, payload)`` (an edited or inserted entry). With ``columns``
(``audit verify`` by default, not ``--chain-only``) it also checks that every column derived from
the event (eventID, type, action, bizStep, disposition, times, readPoint and bizLocation,
error declaration) holds what the payload says, computed by the very function capture
writes them with (:func:`cradletrace.log.columns.derived_columns`); places are compared
with the identifiers of the nodes the row points to, joined in the same streaming select.
That decodes every payload, which makes the walk 3 to 4 times slower, so the plain walk
leaves it out. ``deep`` also recomputes each event hash from the stored payload. Finally
the chain's end must equal ``log_head``.

Not covered: ``capture_id`` (which capture wrote an entry; not part of the event) and
``retracted_by`` (a projection, which ``rebuild --check`` compares with a rebuild).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy.orm import Session

from cradletrace.bulk import bind_processors
from cradletrace.epcis.eventhash import event_hash
from cradletrace.errors import BrokenChain, TraceError
from cradletrace.log.chain import link
from cradletrace.log.columns import DERIVED_COLUMNS, PLACE_COLUMNS, derived_columns
from cradletrace.models import GENESIS_CHAIN_HASH, Event, LogHead


@dataclass
class VerifyResult:
    """The outcome of a chain walk.

    Attributes
    ----------
    ok : bool
        True when every entry holds.
    checked : int
        Entries walked.
    entry : int or None
        Log position (``events.id``) of the first entry that does not hold.
    event_id : str or None
        The eventID stored in that entry.
    reason : str or None
        What does not hold there.
    column : str or None
        The column of that entry that disagrees with its payload, when that is the fault.
    """

    ok: bool
    checked: int
    entry: int | None = None
    event_id: str | None = None
    reason: str | None = None
    column: str | None = None

    def summary(self) -> str:
        """One line for people."""
        if self.ok:
            return f"OK: {self.checked} events, chain intact"
        return f"BROKEN at log entry {self.entry} (eventID {self.event_id}): {self.reason}"


def verify_chain(session: Session, *, deep: bool = False, columns: bool | None = None,
                 progress: Callable[[int], None] | None = None, batch: int = 5000) -> VerifyResult:
    """Verify the chain of the whole log and, with ``columns``, each entry's derived columns against its payload.

    Parameters
    ----------
    session : Session
        A session on the database (only read).
    deep : bool
        Also recompute every event hash from its stored payload.
    columns : bool, optional
        Check every derived column (eventID, type, action, bizStep, disposition, times,
        places, error declaration) against the payload. It decodes every payload, which
        makes the walk several times slower than the chain alone; by default it is done
        when ``deep`` is.
    progress : callable, optional
        Called with the number of entries checked, now and then.

    Returns
    -------
    VerifyResult
    """
    check_columns = deep if columns is None else columns
    stored_form = _stored_form(session) if check_columns else None
    previous, expected_seq, checked = GENESIS_CHAIN_HASH, 1, 0
    for row in _log_entries(session, batch, columns=check_columns):
        seq, stored_hash, payload, chain_hash, event_id = row[:5]
        if seq != expected_seq:
            return VerifyResult(False, checked, seq, event_id,
                                f"entries {expected_seq}..{seq - 1} are missing (deleted from the log)")
        if link(previous, stored_hash, payload) != chain_hash:
            return VerifyResult(False, checked, seq, event_id,
                                "chain hash does not match this entry's content (edited or inserted entry)")
        if check_columns or deep:
            fault = _payload_fault(row, stored_form, deep)
            if fault is not None:
                return VerifyResult(False, checked, seq, event_id, *fault)
        previous, expected_seq, checked = chain_hash, seq + 1, checked + 1
        if progress and checked % batch == 0:
            progress(checked)
    head = session.get(LogHead, 1)
    if head is None:
        return VerifyResult(False, checked, None, None, "the log head row is missing")
    if head.last_seq != checked or head.chain_hash != previous:
        return VerifyResult(False, checked, head.last_seq, None,
                            f"log head says {head.last_seq} entries ending in {head.chain_hash[:12]}..., "
                            f"the log has {checked} ending in {previous[:12]}... (entries removed at the end?)")
    if progress:
        progress(checked)
    return VerifyResult(True, checked)


_WIDTH = len(DERIVED_COLUMNS)


def _payload_fault(row: Sequence[Any], stored_form: Callable[[Any], tuple[Any, ...]] | None,
                   deep: bool) -> tuple[str, str | None] | None:
    """What of one entry disagrees with its payload, as ``(reason, column)``; ``None`` when all holds.

    ``stored_form`` is given when the derived columns are to be checked (the row then
    carries them, see :func:`_log_entries`); ``deep`` recomputes the event hash.
    """
    stored_hash, payload = row[1], row[2]
    try:
        event = orjson.loads(payload)
        derived = derived_columns(event) if stored_form is not None else None
    except (ValueError, KeyError, TypeError, AttributeError, TraceError) as exc:
        return f"the payload is not a canonical event ({exc!r})", None
    if stored_form is not None and derived is not None:
        stored = row[4:4 + _WIDTH]
        expected = stored_form(derived.values())
        if expected != stored:
            column, reason = _column_fault(stored, expected, derived, row[4 + _WIDTH:])
            return reason, column
    if deep and event_hash(event) != stored_hash:
        return "event hash does not match the stored payload", None
    return None


def require_intact(session: Session, *, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Verify the chain and every derived column; raise :class:`~cradletrace.errors.BrokenChain` if one does not hold.

    For work that trusts the log, such as rebuilding the projections from it (which reads
    payloads, event hashes and the event time column): over an edited log it would spread
    the edit. Event hashes are not recomputed (that is ``deep``'s much slower check).

    Raises
    ------
    BrokenChain
        Naming the first entry that does not hold and why.
    """
    result = verify_chain(session, columns=True, progress=progress)
    if not result.ok:
        raise BrokenChain(f"the log does not verify: {result.summary()}", entry=result.entry)
    return result


def _stored_form(session: Session) -> Callable[[Any], tuple[Any, ...]]:
    """Derived column values -> the tuple the raw driver reads back for them (places stay identifiers)."""
    columns = [c for c in DERIVED_COLUMNS if c not in PLACE_COLUMNS]
    by_name = dict(zip(columns, bind_processors(Event.__table__, columns, session.connection().dialect)))
    # Most derived columns take few distinct values (types, actions, steps, one recordTime per
    # capture): their conversions are remembered. The event time differs from event to event.
    processors = [(i, by_name[c] if c == "event_time" else lru_cache(maxsize=4096)(by_name[c]))
                  for i, c in enumerate(DERIVED_COLUMNS) if by_name.get(c) is not None]

    def stored_form(values: Any) -> tuple[Any, ...]:
        values = list(values)
        for i, process in processors:
            values[i] = process(values[i])
        return tuple(values)

    return stored_form


def _column_fault(stored: Sequence[Any], expected: Sequence[Any], derived: dict[str, Any],
                  node_ids: Sequence[Any]) -> tuple[str, str]:
    """The first derived column that differs from the payload, and a sentence saying how.

    ``stored`` and ``expected`` are in the stored form (compared exactly: SQLite compares
    times as text); ``derived`` gives the payload's values as people read them.
    """
    places = list(PLACE_COLUMNS)
    for name, have, want in zip(DERIVED_COLUMNS, stored, expected):
        if have == want:
            continue
        if name in PLACE_COLUMNS:
            node_id = node_ids[places.index(name)]
            have_text = "NULL" if node_id is None else f"{node_id} (node {_show(have)})"
        elif isinstance(derived[name], bool) and have in (0, 1):
            have_text = _show(bool(have))
        else:
            have_text = _show(have)
        return name, f"column {name} is {have_text} but the payload says {_show(derived[name])}"
    raise AssertionError("no column differs")  # pragma: no cover - called only when one does


def _show(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return repr(value.isoformat(" ", "microseconds"))
    if isinstance(value, Enum):
        return repr(value.value)
    return repr(value)


def _log_entries(session: Session, batch: int, *, columns: bool) -> Iterator[tuple[Any, ...]]:
    """The log in id order, straight from the driver in pages of ``batch`` rows.

    Each row is ``(id, event_hash, payload, chain_hash, event_id)``; with ``columns``, the
    other derived columns follow event_id in the order of :data:`DERIVED_COLUMNS`, the places
    as the identifiers of their nodes (joined here), and then the rows' ``read_point_id`` and
    ``biz_location_id``. The walk is a hash over every stored byte, so the cost of building
    result rows matters: the DB-API cursor gives plain tuples (a server-side cursor on
    PostgreSQL, so the log is never held in memory at once).
    """
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    assert raw is not None
    # The payload as UTF-8 bytes, the form the chain hashes.
    payload = "CAST(e.payload AS BLOB)" if connection.dialect.name == "sqlite" else "convert_to(e.payload, 'UTF8')"
    if columns:
        aliases = dict(zip(PLACE_COLUMNS, ("rp", "bl")))
        derived = ", ".join(f"{aliases[c]}.identifier" if c in aliases else f"e.{c}" for c in DERIVED_COLUMNS)
        places = ", ".join(f"e.{c}" for c in PLACE_COLUMNS)
        joins = " ".join(f"LEFT JOIN nodes {a} ON {a}.id = e.{c}" for c, a in aliases.items())
        sql = (f"SELECT e.id, e.event_hash, {payload}, e.chain_hash, {derived}, {places} "
               f"FROM events e {joins} ORDER BY e.id")
    else:
        sql = f"SELECT e.id, e.event_hash, {payload}, e.chain_hash, e.event_id FROM events e ORDER BY e.id"
    if connection.dialect.name == "postgresql":
        cursor = raw.cursor(name="cradletrace_audit_verify")
        cursor.itersize = batch
    else:
        cursor = raw.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()
