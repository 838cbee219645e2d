"""Retraction report: every event an error declaration retracted (CC-05, for information)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.findings.base import Check, Finding, _aliases, grouped

RETRACTED = "retracted"


def _retracted(session: Session, tol: float) -> list[Finding]:
    events, objects, nodes = _aliases()
    declaring = events.alias("declaring")
    rows = session.execute(
        select(events.c.event_id, declaring.c.event_id, nodes.c.identifier)
        .select_from(events.join(declaring, declaring.c.id == events.c.retracted_by)
                     .outerjoin(objects, objects.c.event_id == events.c.id)
                     .outerjoin(nodes, nodes.c.id == objects.c.node_id))
        .where(events.c.retracted_by.is_not(None))
        .order_by(events.c.id, nodes.c.identifier)
    ).all()
    return [Finding(RETRACTED, "CC-05", "info", idents, [event_id, declared_by],
                    f"event {event_id} was retracted by an error declaration")
            for (event_id, declared_by), idents in grouped(((e, d), i) for e, d, i in rows).items()]


CHECKS: dict[str, Check] = {RETRACTED: _retracted}
