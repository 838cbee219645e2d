"""The unit-state projection: where each object is, who owns it, and what state it is in.

One row per instance-level object (unit, lot, logistic unit) that an event
named, updated by capture from the latest event by event time. Rebuilt from the
log by ``cradletrace rebuild``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, enum_column


class LifecycleStatus(enum.Enum):
    """Where an object is in its life (derived from bizStep, action and disposition)."""

    ACTIVE = "active"
    CONSUMED = "consumed"
    DISASSEMBLED = "disassembled"
    DECOMMISSIONED = "decommissioned"
    DESTROYED = "destroyed"
    DISPOSED = "disposed"


class UnitState(Base):
    """Current state of one object."""

    __tablename__ = "unit_states"

    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[LifecycleStatus] = mapped_column(enum_column(LifecycleStatus, "lifecycle_status"))
    disposition: Mapped[str | None] = mapped_column(String(300))
    biz_step: Mapped[str | None] = mapped_column(String(300))
    biz_location_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"), index=True)
    read_point_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"), index=True)
    possessor_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    commissioned_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    last_event_time: Mapped[datetime] = mapped_column(DateTime)
