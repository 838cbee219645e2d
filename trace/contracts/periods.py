"""Calendar periods of contracts, warranties and service plans: months added to a moment, and dates in messages.

A warranty of 24 months from 31 January runs to 31 January two years later; one month from 31 January
ends on the last day of February: a period in months keeps the day of the month where the month has it,
and otherwise ends on the month's last day (as a person counting on a calendar does). Periods are
half open: covered from ``start`` up to, not including, ``end``.
"""

from __future__ import annotations

import calendar
from datetime import datetime


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus ``months`` calendar months (the day kept, or the month's last day when it has fewer).

    Examples
    --------
    >>> add_months(datetime(2026, 1, 10, 9), 24)
    datetime.datetime(2028, 1, 10, 9, 0)
    >>> add_months(datetime(2026, 1, 31), 1), add_months(datetime(2028, 1, 31), 1)
    (datetime.datetime(2026, 2, 28, 0, 0), datetime.datetime(2028, 2, 29, 0, 0))
    >>> add_months(datetime(2026, 3, 15), -3)
    datetime.datetime(2025, 12, 15, 0, 0)
    """
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def day_text(moment: datetime | None) -> str:
    """A moment as the date people read in a reason (``YYYY-MM-DD``), or ``-``.

    Examples
    --------
    >>> day_text(datetime(2028, 1, 10, 9)), day_text(None)
    ('2028-01-10', '-')
    """
    return "-" if moment is None else f"{moment:%Y-%m-%d}"
