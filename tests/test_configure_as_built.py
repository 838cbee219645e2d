"""cradletrace.configure.as_built: the configured units counted for the mismatch-rate KPI."""

from __future__ import annotations

from sqlalchemy.orm import Session

from configure_world import U1, U2, U3, U4, build, day
from cradletrace.configure import mismatches


def test_units_checked_and_mismatched(session: Session) -> None:
    build(session)
    found = mismatches(session)
    # Built: U1 (conforms), U2 (wrong connector and chemistry), U3 (conforms until its swap), U4 (no LFP);
    # U5 is not configured and U6 was never built.
    assert [c.unit for c in found.units] == [U1, U2, U3, U4]
    assert (found.checked, found.as_built, found.maintained) == (4, 2, 3)  # rate as built 2/4 = 50 %


def test_a_period_counts_the_units_built_in_it(session: Session) -> None:
    build(session)
    # U1, U2, U3 were built on 4 March (9:00, 10:00, 11:00); U4 on 5 March 9:00, the end, left out.
    found = mismatches(session, start=day(4, 0), end=day(5))
    assert (found.checked, found.as_built, found.maintained) == (3, 1, 2)
    assert mismatches(session, start=day(5)).checked == 1
