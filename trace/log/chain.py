"""The hash chain of the event log, and the lock that serialises appends.

Entry *i* of the log carries ``chain_hash_i = sha256(chain_hash_{i-1} + event_hash_i + payload_i)``
(hex). This is the issue's ``sha256(previous chain hash + event hash)`` with the stored
canonical payload appended, so that editing any stored part of an entry (its payload, its
event hash, its chain hash), or deleting or inserting one, breaks the chain exactly there,
and ``audit verify`` finds it without recomputing every event hash.

Appends lock the single ``log_head`` row first (``UPDATE ... RETURNING``): a row lock on
PostgreSQL, the database write lock on SQLite. Two writers can therefore never read the
same head and fork the chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from cradletrace.models import GENESIS_CHAIN_HASH


def link(previous: str, event_hash: str, payload: str | bytes) -> str:
    """The chain hash of an entry, from the previous entry's chain hash.

    ``payload`` is the stored canonical JSON, as text or already UTF-8 encoded (the audit
    reads it as bytes, so as not to decode and re-encode every entry).

    Examples
    --------
    >>> link("0" * 64, "ni:///sha-256;ab?ver=CBV2.0", "{}")[:16]
    'db1ad99d90c27dbe'
    >>> link("0" * 64, "ni:///sha-256;ab?ver=CBV2.0", b"{}")[:16]
    'db1ad99d90c27dbe'
    """
    digest = hashlib.sha256(previous.encode("ascii"))
    digest.update(event_hash.encode("ascii"))
    digest.update(payload.encode("utf-8") if isinstance(payload, str) else payload)
    return digest.hexdigest()


@dataclass
class Head:
    """The end of the chain while an append is under way."""

    last_seq: int
    chain_hash: str


def lock_head(session: Session) -> Head:
    """Take the append lock and return the current end of the chain.

    The lock is held until the caller's transaction ends.
    """
    row = session.execute(
        text("UPDATE log_head SET last_seq = last_seq WHERE id = 1 RETURNING last_seq, chain_hash")
    ).one()
    return Head(last_seq=row[0], chain_hash=row[1])


def store_head(session: Session, head: Head) -> None:
    """Write the new end of the chain (the caller holds the lock)."""
    session.execute(
        text("UPDATE log_head SET last_seq = :seq, chain_hash = :chain WHERE id = 1"),
        {"seq": head.last_seq, "chain": head.chain_hash},
    )


__all__ = ["GENESIS_CHAIN_HASH", "Head", "link", "lock_head", "store_head"]
