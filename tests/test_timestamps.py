"""EPCIS date-times to naive UTC and back."""

from __future__ import annotations

from datetime import datetime

import pytest

from cradletrace.errors import InvalidInput
from cradletrace.timestamps import to_iso, to_utc, utc_now


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
