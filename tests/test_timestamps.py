"""EPCIS date-times to naive UTC and back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cradletrace.errors import InvalidInput
from cradletrace.timestamps import aware, naive_utc, to_iso, to_utc, utc_now

PLUS_2 = timezone(timedelta(hours=2))


@pytest.mark.parametrize("text, expected", [
    ("2025-03-01T10:00:00+01:00", datetime(2025, 3, 1, 9)),
    ("2025-03-01T10:00:00.123456-05:30", datetime(2025, 3, 1, 15, 30, 0, 123456)),
    ("2025-03-01T23:30:00-02:00", datetime(2025, 3, 2, 1, 30)),
])
def test_to_utc(text: str, expected: datetime) -> None:
    assert to_utc(text) == expected


@pytest.mark.parametrize("bad", ["", "2025-13-01T00:00:00Z", "noon", "2025-03-01T10:00:00"])
def test_bad_timestamps_name_the_field(bad: str) -> None:
    with pytest.raises(InvalidInput, match="^f: "):
        to_utc(bad, where="f")


def test_round_trip_to_milliseconds() -> None:
    now = utc_now()
    assert to_utc(to_iso(now)) == now


@pytest.mark.parametrize("given, expected", [
    (datetime(2025, 3, 1, 12, 0, tzinfo=PLUS_2), datetime(2025, 3, 1, 10, 0)),  # aware: converted to UTC
    (datetime(2025, 3, 1, 0, 30, tzinfo=PLUS_2), datetime(2025, 2, 28, 22, 30)),  # across midnight
    (datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc), datetime(2025, 3, 1, 12, 0)),
    (datetime(2025, 3, 1, 12, 0), datetime(2025, 3, 1, 12, 0)),  # naive: taken as UTC
    (None, None),
])
def test_naive_utc_has_one_policy(given: datetime | None, expected: datetime | None) -> None:
    result = naive_utc(given)
    assert result == expected and (result is None or result.tzinfo is None)


def test_aware_keeps_an_offset_and_takes_naive_as_utc() -> None:
    assert aware(datetime(2025, 3, 1, 12, tzinfo=PLUS_2)).utcoffset() == timedelta(hours=2)
    assert aware(datetime(2025, 3, 1, 12)) == datetime(2025, 3, 1, 12, tzinfo=timezone.utc)
    now = aware()
    assert now.tzinfo is timezone.utc and now.microsecond % 1000 == 0
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)
    # both forms of one moment mean the same instant
    moment = datetime(2025, 3, 1, 12, tzinfo=PLUS_2)
    assert aware(naive_utc(moment)) == moment
