"""``audit verify``: walk the hash chain of the log and name the first entry that does not hold.

The walk streams the log in id order. For each entry it checks that the ids run on
without a gap (a deleted entry) and that the stored chain hash equals
``link(previous, event_hash, payload)`` (an edited or inserted entry). ``deep``
also recomputes each event hash from the stored payload. Finally the chain's end
must equal ``log_head``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import orjson
from sqlalchemy.orm import Session

from cradletrace.log.chain import link
from cradletrace.epcis.eventhash import event_hash
from cradletrace.models import GENESIS_CHAIN_HASH, LogHead


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
    """

    ok: bool
    checked: int
    entry: int | None = None
    event_id: str | None = None
    reason: str | None = None

    def summary(self) -> str:
        """One line for people."""
        if self.ok:
            return f"OK: {self.checked} events, chain intact"
        return f"BROKEN at log entry {self.entry} (eventID {self.event_id}): {self.reason}"


def verify_chain(session: Session, *, deep: bool = False, progress: Callable[[int], None] | None = None,
                 batch: int = 5000) -> VerifyResult:
    """Verify the chain of the whole log.

    Parameters
    ----------
    session : Session
        A session on the database (only read).
    deep : bool
        Also recompute every event hash from its stored payload.
    progress : callable, optional
        Called with the number of entries checked, now and then.

    Returns
    -------
    VerifyResult
    """
    previous, expected_seq, checked = GENESIS_CHAIN_HASH, 1, 0
    for seq, event_id, stored_hash, payload, chain_hash in _log_entries(session, batch):
        if seq != expected_seq:
            return VerifyResult(False, checked, seq, event_id,
                                f"entries {expected_seq}..{seq - 1} are missing (deleted from the log)")
        if link(previous, stored_hash, payload) != chain_hash:
            return VerifyResult(False, checked, seq, event_id,
                                "chain hash does not match this entry's content (edited or inserted entry)")
        if deep:
            event = orjson.loads(payload)
            if event.get("errorDeclaration") is None and event.get("eventID") != event_id:
                return VerifyResult(False, checked, seq, event_id, "eventID column differs from the payload")
            if event_hash(event) != stored_hash:
                return VerifyResult(False, checked, seq, event_id, "event hash does not match the stored payload")
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


def _log_entries(session: Session, batch: int) -> Iterator[tuple[int, str, str, bytes, str]]:
    """The log in id order, straight from the driver in pages of ``batch`` rows.

    The walk is a hash over every stored byte, so the cost of building result rows matters:
    the DB-API cursor gives plain tuples (a server-side cursor on PostgreSQL, so the log is
    never held in memory at once).
    """
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    assert raw is not None
    # The payload as UTF-8 bytes, the form the chain hashes.
    payload = "CAST(payload AS BLOB)" if connection.dialect.name == "sqlite" else "convert_to(payload, 'UTF8')"
    sql = f"SELECT id, event_id, event_hash, {payload}, chain_hash FROM events ORDER BY id"
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
