"""As sold against as built: the units whose composition differs from their configuration, counted for the KPI.

The comparison is the ``configuration_mismatch`` finding's (:mod:`cradletrace.findings.configuration`,
which sits below this package so that ``cradletrace findings`` runs it): one definition of what
a unit's composition is and when it is compared, for the finding and for the KPI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from cradletrace.findings.configuration import UnitCheck, unit_checks
from cradletrace.timestamps import naive_utc


@dataclass(frozen=True)
class Mismatches:
    """Configured units with a recorded build, and how many of them differ from their configuration.

    The configuration mismatch rate is ``as_built / checked`` (units whose as-built composition
    differs from their as-sold configuration, over the units checked); ``maintained / checked``
    also counts the units that came to differ after a change in service.
    """

    checked: int
    as_built: int
    maintained: int
    units: tuple[UnitCheck, ...]


def mismatches(session: Session, *, start: datetime | None = None, end: datetime | None = None) -> Mismatches:
    """The units allocated to a configured order line and built in ``[start, end)`` (by their as-built moment).

    Three queries whatever the number of units.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> with Session(create_db_engine("sqlite:///doctest.db")) as session:
    ...     mismatches(session)
    Mismatches(checked=0, as_built=0, maintained=0, units=())
    """
    low, high = naive_utc(start), naive_utc(end)
    units = tuple(c for c in unit_checks(session) if c.built and (low is None or c.moments[0].at >= low)
                  and (high is None or c.moments[0].at < high))
    return Mismatches(len(units), sum(c.built_differs for c in units), sum(c.differs for c in units), units)
