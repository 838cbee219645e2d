"""Timestamps: EPCIS date-times in, naive UTC datetimes out (the form every DateTime column stores).

All DateTime columns hold UTC without a zone, so SQLite (which has no zone type)
and PostgreSQL compare them the same way.
"""

from __future__ import annotations

from datetime import datetime, timezone

from cradletrace.errors import InvalidInput


def to_utc(value: str, *, where: str | None = None) -> datetime:
    """Parse an ISO 8601 date-time with an offset or ``Z`` into a naive UTC datetime.

    Parameters
    ----------
    value : str
        For example ``"2025-03-01T10:00:00.5+01:00"``.
    where : str, optional
        Field path for the error message.

    Examples
    --------
    >>> to_utc("2025-03-01T10:00:00.5+01:00")
    datetime.datetime(2025, 3, 1, 9, 0, 0, 500000)
    >>> to_utc("2025-03-01T10:00:00Z")
    datetime.datetime(2025, 3, 1, 10, 0)
    >>> to_utc("2025-03-01T10:00:00", where="event[0].eventTime")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: event[0].eventTime: '2025-03-01T10:00:00' has no time zone offset
    """
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{value!r} is not an ISO 8601 date-time", where=where) from None
    if parsed.tzinfo is None:
        raise InvalidInput(f"{value!r} has no time zone offset", where=where)
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def utc_now() -> datetime:
    """The current time as a naive UTC datetime, to the millisecond."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def to_iso(value: datetime) -> str:
    """Render a naive UTC datetime as EPCIS text with a ``Z`` and milliseconds.

    Examples
    --------
    >>> to_iso(datetime(2025, 3, 1, 9, 0, 0, 500000))
    '2025-03-01T09:00:00.500Z'
    """
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
