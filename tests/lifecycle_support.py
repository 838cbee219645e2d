"""What the lifecycle tests read back from the database, written once for all of them.

Not a test module: the lifecycle tests import it by name (conftest puts this folder on the path).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.models import Event, Node, UnitState

T0 = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)


def at(hours: float) -> datetime:
    """``hours`` after T0."""
    return T0 + timedelta(hours=hours)


def events(session: Session) -> int:
    """How many entries the log has."""
    return session.scalar(select(func.count()).select_from(Event))


def node(session: Session, ident: str) -> int:
    """The node id of a canonical identifier."""
    return session.scalar(select(Node.id).where(Node.identifier == ident))


def state_of(session: Session, ident: str) -> UnitState:
    """The current unit-state row, read fresh (not from the identity map)."""
    return session.execute(select(UnitState).where(UnitState.node_id == node(session, ident))
                           .execution_options(populate_existing=True)).scalar_one()


def payloads(session: Session, report: Any) -> list[dict[str, Any]]:
    """The stored canonical events of a capture report, in log order."""
    rows = session.scalars(select(Event.payload).where(Event.event_id.in_(report.event_ids)).order_by(Event.id))
    return [orjson.loads(p) for p in rows]
