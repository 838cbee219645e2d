"""``audit verify``: walk the hash chain of the log and name the first entry that does not hold.

The walk streams the log in id order. For each entry it checks that the ids run on
without a gap (a deleted entry) and that the stored chain hash equals
``link(previous, event_hash, payload)`` (an edited or inserted entry). ``deep``
also recomputes each event hash from the stored payload. Finally the chain's end
must equal ``log_head``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.chain import link
from cradletrace.eventhash import event_hash
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
    table = Event.__table__
    previous, expected_seq, checked = GENESIS_CHAIN_HASH, 1, 0
    rows = session.execute(
        select(table.c.id, table.c.event_id, table.c.event_hash, table.c.payload, table.c.chain_hash)
        .order_by(table.c.id).execution_options(yield_per=batch)
    )
    for seq, event_id, stored_hash, payload, chain_hash in rows:
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
