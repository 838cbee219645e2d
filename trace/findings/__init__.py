"""Chain-of-custody findings: anomalies in the log, each naming the events behind it (the CLI's ``findings``)."""

from cradletrace.findings.lifespan import (
    CHECKS,
    DOUBLE_COMMISSIONING,
    EVENT_AFTER_END,
    EVENT_AFTER_RECORD_TIME,
    EVENT_BEFORE_COMMISSIONING,
    LOT_OVERDRAWN,
    NEVER_COMMISSIONED,
    RECEIVED_WITHOUT_SHIPMENT,
    RETRACTED,
    SHIPPED_NOT_RECEIVED,
    TWO_LOCATIONS,
    TWO_PARENTS,
    Finding,
    findings,
)

__all__ = [
    "CHECKS", "DOUBLE_COMMISSIONING", "EVENT_AFTER_END", "EVENT_AFTER_RECORD_TIME", "EVENT_BEFORE_COMMISSIONING",
    "LOT_OVERDRAWN", "NEVER_COMMISSIONED", "RECEIVED_WITHOUT_SHIPMENT", "RETRACTED", "SHIPPED_NOT_RECEIVED",
    "TWO_LOCATIONS", "TWO_PARENTS", "Finding", "findings",
]
