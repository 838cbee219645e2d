"""The demo's calendar: every date of the world is a fixed number of days before one anchor, :data:`TODAY`.

Why a fixed anchor and not the wall clock: the world must be the same for a seed (same events,
same event hashes, whatever the day it is built), and the event hash covers the event time. The
anchor is recent enough for the stories to read as current (payments late "now", a certificate
expired a few months ago, warranties still running) and lies in the past, so no event is ever
after the time it is recorded (which the clock finding would report). Moving the anchor moves
the whole world with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

TODAY = datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)
"""The demo world's "now": its last events happen on this day; everything else is days before it."""


def ago(days: int, hour: int = 9, minute: int = 0) -> datetime:
    """The moment ``days`` before :data:`TODAY`, at ``hour:minute`` UTC.

    Examples
    --------
    >>> ago(0)
    datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.timezone.utc)
    >>> ago(30, hour=14, minute=30)
    datetime.datetime(2026, 10, 31, 14, 30, tzinfo=datetime.timezone.utc)
    """
    return TODAY.replace(hour=hour, minute=minute, second=0, microsecond=0) - timedelta(days=days)
