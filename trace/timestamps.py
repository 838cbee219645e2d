"""Timestamps: EPCIS date-times in, naive UTC datetimes out (the form every DateTime column stores).

All DateTime columns hold UTC without a zone, so SQLite (which has no zone type)
and PostgreSQL compare them the same way.

One policy for datetimes given from Python (a lineage ``as_of``, a lifecycle ``when``):
an aware datetime is converted to UTC; a naive one is taken to be UTC already. The
database form is :func:`naive_utc`, the form an event needs (it records its offset) is
:func:`aware`. EPCIS text is stricter: the standard requires an offset (:func:`to_utc`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import overload

from cradletrace.errors import InvalidInput


@overload
def naive_utc(moment: datetime) -> datetime: ...


@overload
def naive_utc(moment: None) -> None: ...


def naive_utc(moment: datetime | None) -> datetime | None:
    """``moment`` in UTC without a zone: aware -> converted to UTC, naive -> taken to be UTC already.

    Parameters
    ----------
    moment : datetime or None
        Any datetime; ``None`` is passed through (for optional arguments).

    Examples
    --------
    >>> from datetime import timedelta
    >>> naive_utc(datetime(2025, 1, 1, 12, tzinfo=timezone(timedelta(hours=2))))
    datetime.datetime(2025, 1, 1, 10, 0)
    >>> naive_utc(datetime(2025, 1, 1, 12))
    datetime.datetime(2025, 1, 1, 12, 0)
    >>> naive_utc(None) is None
    True
    """
    if moment is None or moment.utcoffset() is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def aware(moment: datetime | None = None) -> datetime:
    """``moment`` with a zone, as an event records it: aware -> as it is (its offset kept), naive -> taken
    to be UTC; ``None`` -> now in UTC, to the millisecond.

    Examples
    --------
    >>> from datetime import timedelta
    >>> aware(datetime(2025, 1, 1, 12))
    datetime.datetime(2025, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)
    >>> aware(datetime(2025, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))).utcoffset()
    datetime.timedelta(seconds=7200)
    >>> aware().tzinfo, aware().microsecond % 1000
    (datetime.timezone.utc, 0)
    """
    if moment is None:
        moment = utc_now()
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=timezone.utc)


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
    return naive_utc(parsed)


def typed_day_or_moment(text: str) -> date | datetime:
    """What a person types for a day or a moment: ``YYYY-MM-DD`` is a date, anything longer an ISO 8601 date-time
    (``Z`` allowed; its zone, if any, kept). Raises ``ValueError`` for anything else: each caller words the error
    for its own field.

    Examples
    --------
    >>> typed_day_or_moment(" 2026-04-30 "), typed_day_or_moment("2026-04-30T12:00:00Z")
    (datetime.date(2026, 4, 30), datetime.datetime(2026, 4, 30, 12, 0, tzinfo=datetime.timezone.utc))
    """
    text = text.strip()
    return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text.replace("Z", "+00:00"))


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
