"""Calendar months: the day kept where the month has it, else the month's last day; time of day kept."""

from __future__ import annotations

import calendar
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from cradletrace.contracts.periods import add_months

MOMENTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31))


@given(MOMENTS, st.integers(min_value=-240, max_value=240))
def test_months_move_the_calendar_month_and_keep_what_they_can(moment: datetime, months: int) -> None:
    later = add_months(moment, months)
    assert (later.year * 12 + later.month) - (moment.year * 12 + moment.month) == months
    assert later.day == min(moment.day, calendar.monthrange(later.year, later.month)[1])
    assert later.time() == moment.time()


@given(MOMENTS, st.integers(min_value=0, max_value=120), st.integers(min_value=1, max_value=120))
def test_a_longer_period_ends_later(moment: datetime, months: int, more: int) -> None:
    assert add_months(moment, months) < add_months(moment, months + more)


def test_month_ends() -> None:
    # 31 Jan + 1 month: February has 28 days in 2026 and 29 in 2028; 24 months from 29 Feb 2028 end on 28 Feb 2030.
    assert add_months(datetime(2026, 1, 31), 1) == datetime(2026, 2, 28)
    assert add_months(datetime(2028, 1, 31), 1) == datetime(2028, 2, 29)
    assert add_months(datetime(2028, 2, 29, 9), 24) == datetime(2030, 2, 28, 9)
