"""The event log: captures, events (append-only, hash-chained), their objects and business transactions.

``events.id`` is the log position, assigned under the append lock, so the chain
order is the id order. ``payload`` is the canonical event (JSON text, sorted
keys); every other event column is derived from it and can be rebuilt.
``event_objects`` and ``biz_transactions`` index the payload for queries.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey, enum_column

GENESIS_CHAIN_HASH = "0" * 64


class EventType(enum.Enum):
    """The five EPCIS 2.0 event types."""

    OBJECT = "ObjectEvent"
    AGGREGATION = "AggregationEvent"
    TRANSACTION = "TransactionEvent"
    TRANSFORMATION = "TransformationEvent"
    ASSOCIATION = "AssociationEvent"


class Action(enum.Enum):
    """The EPCIS action of an event (TransformationEvent has none)."""

    ADD = "ADD"
    OBSERVE = "OBSERVE"
    DELETE = "DELETE"


class ObjectRole(enum.Enum):
    """How an identifier takes part in an event."""

    EPC = "epc"
    PARENT = "parent"
    CHILD = "child"
    INPUT = "input"
    OUTPUT = "output"


class CaptureStatus(enum.Enum):
    """State of a capture job."""

    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"


class Capture(Base):
    """One accepted capture: a document, a single event, or a service call."""

    __tablename__ = "captures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[CaptureStatus] = mapped_column(enum_column(CaptureStatus, "capture_status"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any] | None] = mapped_column(JSON)


class LogHead(Base):
    """The single row that holds the end of the chain; appends lock it."""

    __tablename__ = "log_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    chain_hash: Mapped[str] = mapped_column(String(64))


class Event(Base):
    """One entry of the append-only log."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("event_id", "declares_error"),
        Index("ix_events_event_time", "event_time"),
        Index("ix_events_record_time", "record_time"),
        Index("ix_events_biz_step", "biz_step"),
        Index("ix_events_event_hash", "event_hash"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(512))
    event_hash: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[EventType] = mapped_column(enum_column(EventType, "event_type"))
    action: Mapped[Action | None] = mapped_column(enum_column(Action, "action"))
    biz_step: Mapped[str | None] = mapped_column(String(300))
    disposition: Mapped[str | None] = mapped_column(String(300))
    event_time: Mapped[datetime] = mapped_column(DateTime)
    event_time_offset: Mapped[str] = mapped_column(String(6))
    record_time: Mapped[datetime] = mapped_column(DateTime)
    read_point_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    biz_location_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    declares_error: Mapped[bool] = mapped_column(Boolean, default=False)
    retracted_by: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    capture_id: Mapped[str] = mapped_column(ForeignKey("captures.id"), index=True)
    payload: Mapped[str] = mapped_column(Text)
    chain_hash: Mapped[str] = mapped_column(String(64))


class EventObject(Base):
    """An identifier named by an event, in a role, with its quantity for class-level entries."""

    __tablename__ = "event_objects"

    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    role: Mapped[ObjectRole] = mapped_column(enum_column(ObjectRole, "object_role"), primary_key=True)
    quantity: Mapped[float | None] = mapped_column(Float)
    uom: Mapped[str | None] = mapped_column(String(10))


class BizTransaction(Base):
    """A business document (order, invoice, RMA, ...) that an event refers to."""

    __tablename__ = "biz_transactions"
    __table_args__ = (Index("ix_biz_transactions_node_id_type", "node_id", "type"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"))
    type: Mapped[str | None] = mapped_column(String(300))
