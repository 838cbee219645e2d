"""Chain-of-custody findings over the event log (METRICS §4): report anomalies, never reject history.

Partners' documents are captured as they are, even when they break the rules the
lifecycle services enforce; :func:`findings` then reports what does not add up (the
CLI's ``findings``), each finding naming the events behind it. Each check is one
set-based SQL query over ``events``, ``event_objects``, ``edges`` and ``nodes`` (the
same statement on SQLite and PostgreSQL, except for time differences), never a query
per unit. Retracted events and error declarations are left out of every check except
:data:`RETRACTED`.

One module per family of checks: :mod:`~cradletrace.findings.custody` (shipped not
received, received without shipment, two locations), :mod:`~cradletrace.findings.lifespan`
(event after end, event before commissioning, never commissioned, double commissioning),
:mod:`~cradletrace.findings.composition` (two parents), :mod:`~cradletrace.findings.clocks`
(event after record time), :mod:`~cradletrace.findings.mass_balance` (lot overdrawn),
:mod:`~cradletrace.findings.retractions` (retracted) and :mod:`~cradletrace.findings.configuration`
(a unit built or maintained otherwise than the configuration it was sold with);
:mod:`~cradletrace.findings.base` holds the :class:`Finding` record and the SQL pieces they share,
:mod:`~cradletrace.findings.registry` the report order and :func:`findings`.
"""

from cradletrace.findings.base import Finding
from cradletrace.findings.clocks import EVENT_AFTER_RECORD_TIME
from cradletrace.findings.composition import TWO_PARENTS
from cradletrace.findings.configuration import CONFIGURATION_MISMATCH
from cradletrace.findings.custody import RECEIVED_WITHOUT_SHIPMENT, SHIPPED_NOT_RECEIVED, TWO_LOCATIONS
from cradletrace.findings.lifespan import (
    DOUBLE_COMMISSIONING,
    EVENT_AFTER_END,
    EVENT_BEFORE_COMMISSIONING,
    NEVER_COMMISSIONED,
)
from cradletrace.findings.mass_balance import LOT_OVERDRAWN
from cradletrace.findings.registry import CHECKS, DEFAULT_TOLERANCE, findings
from cradletrace.findings.retractions import RETRACTED

__all__ = [
    "CHECKS", "CONFIGURATION_MISMATCH", "DEFAULT_TOLERANCE", "DOUBLE_COMMISSIONING", "EVENT_AFTER_END",
    "EVENT_AFTER_RECORD_TIME",
    "EVENT_BEFORE_COMMISSIONING", "LOT_OVERDRAWN", "NEVER_COMMISSIONED", "RECEIVED_WITHOUT_SHIPMENT", "RETRACTED",
    "SHIPPED_NOT_RECEIVED", "TWO_LOCATIONS", "TWO_PARENTS", "Finding", "findings",
]
