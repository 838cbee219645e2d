"""Unknown scans: one counter row per identifier that was asked for but never registered, and a
per-client limit on such answers so serials cannot be enumerated."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import abort, current_app, request
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cradletrace.models import UnknownScan
from cradletrace.timestamps import naive_utc, to_iso, utc_now

UNKNOWN_PER_MINUTE = 30
"""Answers about unregistered identifiers one client gets per minute (config ``UNKNOWN_SCANS_PER_MINUTE``)."""


def record_unknown(session: Session, identifier: str) -> None:
    """Count one scan of ``identifier``: insert its row or add one to it, in one statement."""
    now = naive_utc(utc_now())
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(UnknownScan).values(identifier=identifier, count=1, first_seen=now, last_seen=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=[UnknownScan.identifier],
        set_={"count": UnknownScan.count + 1, "last_seen": now}))


def unknown_scans(session: Session, limit: int = 500) -> list[dict[str, Any]]:
    """The counted unknown identifiers, most scanned first."""
    rows = session.scalars(select(UnknownScan).order_by(UnknownScan.count.desc(), UnknownScan.last_seen.desc())
                           .limit(limit))
    return [{"identifier": r.identifier, "count": r.count, "first_seen": to_iso(r.first_seen),
             "last_seen": to_iso(r.last_seen)} for r in rows]


class _Window:
    """Counts per client in the current minute; the oldest clients are forgotten past a bound."""

    def __init__(self, clients: int = 10_000) -> None:
        self.lock = threading.Lock()
        self.counts: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self.clients = clients

    def hit(self, client: str) -> int:
        minute = int(time.monotonic() // 60)
        with self.lock:
            seen_minute, count = self.counts.pop(client, (minute, 0))
            count = count + 1 if seen_minute == minute else 1
            self.counts[client] = (minute, count)
            while len(self.counts) > self.clients:
                self.counts.popitem(last=False)
            return count


def limit_unknown() -> None:
    """Refuse (429) a client that asked about too many unregistered identifiers this minute."""
    window = current_app.extensions.setdefault("cradletrace.unknown_window", _Window())
    allowed = int(current_app.config.get("UNKNOWN_SCANS_PER_MINUTE", UNKNOWN_PER_MINUTE))
    if window.hit(request.remote_addr or "-") > allowed:
        abort(429, description="too many lookups of unregistered identifiers; try again in a minute")
