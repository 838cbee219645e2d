"""Clock check: an event whose time is after the time it was recorded (CC-05)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.findings.base import Check, Finding, _live, _seconds
from cradletrace.models import Event

EVENT_AFTER_RECORD_TIME = "event_after_record_time"


def _event_after_record_time(session: Session, tol: float) -> list[Finding]:
    events = Event.__table__
    rows = session.execute(
        select(events.c.event_id, events.c.event_time, events.c.record_time)
        .where(_live(events), _seconds(session, events.c.event_time, events.c.record_time) > tol)
        .order_by(events.c.id)
    ).all()
    return [Finding(EVENT_AFTER_RECORD_TIME, "CC-05", "warn", [], [event_id],
                    f"event time {event_time:%Y-%m-%dT%H:%M:%S}Z is after its record time "
                    f"{record_time:%Y-%m-%dT%H:%M:%S}Z")
            for event_id, event_time, record_time in rows]


CHECKS: dict[str, Check] = {EVENT_AFTER_RECORD_TIME: _event_after_record_time}
