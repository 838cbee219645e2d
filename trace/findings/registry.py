"""Every check, in report order, and :func:`findings`, which runs them over the log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from cradletrace.findings.base import Check, Finding
from cradletrace.log.masterdata import place_names
from cradletrace.findings.clocks import CHECKS as CLOCK_CHECKS
from cradletrace.findings.clocks import EVENT_AFTER_RECORD_TIME
from cradletrace.findings.composition import CHECKS as COMPOSITION_CHECKS
from cradletrace.findings.composition import TWO_PARENTS
from cradletrace.findings.configuration import CHECKS as CONFIGURATION_CHECKS
from cradletrace.findings.configuration import CONFIGURATION_MISMATCH
from cradletrace.findings.custody import CHECKS as CUSTODY_CHECKS
from cradletrace.findings.custody import RECEIVED_WITHOUT_SHIPMENT, SHIPPED_NOT_RECEIVED, TWO_LOCATIONS
from cradletrace.findings.lifespan import CHECKS as LIFESPAN_CHECKS
from cradletrace.findings.lifespan import (
    DOUBLE_COMMISSIONING,
    EVENT_AFTER_END,
    EVENT_BEFORE_COMMISSIONING,
    NEVER_COMMISSIONED,
)
from cradletrace.findings.mass_balance import CHECKS as MASS_BALANCE_CHECKS
from cradletrace.findings.mass_balance import LOT_OVERDRAWN
from cradletrace.findings.retractions import CHECKS as RETRACTION_CHECKS
from cradletrace.findings.retractions import RETRACTED

DEFAULT_TOLERANCE = timedelta(minutes=5)

REPORT_ORDER = (SHIPPED_NOT_RECEIVED, RECEIVED_WITHOUT_SHIPMENT, EVENT_AFTER_END, TWO_LOCATIONS, TWO_PARENTS,
                CONFIGURATION_MISMATCH, EVENT_AFTER_RECORD_TIME, EVENT_BEFORE_COMMISSIONING, NEVER_COMMISSIONED,
                DOUBLE_COMMISSIONING, LOT_OVERDRAWN, RETRACTED)
"""The finding kinds in the order reports list them: the journey of an object, then its records."""

FAMILIES: dict[str, dict[str, Check]] = {
    "custody": CUSTODY_CHECKS, "lifespan": LIFESPAN_CHECKS, "composition": COMPOSITION_CHECKS,
    "clocks": CLOCK_CHECKS, "mass_balance": MASS_BALANCE_CHECKS, "retractions": RETRACTION_CHECKS,
    "configuration": CONFIGURATION_CHECKS,
}
"""The checks of each module of this package, by module name."""

_BY_KIND = {kind: check for family in FAMILIES.values() for kind, check in family.items()}
CHECKS: dict[str, Check] = {kind: _BY_KIND[kind] for kind in REPORT_ORDER}
"""Every check, by finding kind, in report order."""


def findings(
    session: Session,
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    checks: list[str] | None = None,
) -> list[Finding]:
    """Every chain-of-custody finding over the log.

    Parameters
    ----------
    session : Session
        Read only; nothing is written.
    tolerance : timedelta
        Clock skew forgiven when comparing event times (default 5 minutes).
    checks : list of str, optional
        Run only these kinds (default: all, in :data:`CHECKS` order).

    Returns
    -------
    list of Finding
        Grouped by check, in a stable order.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> findings(session)
    []
    """
    seconds = tolerance.total_seconds()
    found: list[Finding] = []
    for kind, check in CHECKS.items():
        if checks is None or kind in checks:
            found.extend(check(session, seconds))
    return name_places(session, found)


def name_places(session: Session, found: list[Finding]) -> list[Finding]:
    """Give each finding the master-data names of the places it involves (two queries for all of them).

    The current name is used: a finding is read now, about the place as people know it now.
    """
    names = place_names(session, [(identifier, None) for f in found for identifier in f.identifiers])
    if not names:
        return found
    for f in found:
        f.places = {i: names[(i, None)] for i in f.identifiers if (i, None) in names}
        for identifier, name in f.places.items():
            f.message = f.message.replace(identifier, f"{name} ({identifier})")
    return found
