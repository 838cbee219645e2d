"""Capture jobs (``POST /epcis/capture`` and ``cradletrace worker``) and the EPCIS REST binding's named queries.

A capture job holds the document it was given (in the database, so that any worker process on
any machine can run it), the ``GS1-Capture-Error-Behaviour`` it was sent with, and, once run,
its outcome: the capture record it produced and the faults found, each naming its event and field.
A job moves queued -> running -> success | failed; a running job whose worker stopped renewing
its lease (``lease_until``) is taken again by another worker.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, enum_column


class JobStatus(enum.Enum):
    """Where a capture job is: waiting for a worker, being run, or done."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"


class ErrorBehaviour(enum.Enum):
    """``GS1-Capture-Error-Behaviour``: reject the whole document on any fault, or capture the valid events."""

    ROLLBACK = "rollback"
    PROCEED = "proceed"


class CaptureJob(Base):
    """One document sent to ``POST /epcis/capture``, run outside the request by a worker."""

    __tablename__ = "capture_jobs"
    __table_args__ = (
        Index("ix_capture_jobs_status_created_at", "status", "created_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("event_count >= 0 AND duplicate_count >= 0", name="counts_not_negative"),
        CheckConstraint("status IN ('queued', 'running') OR finished_at IS NOT NULL", name="done_has_finished_at"),
        CheckConstraint("status <> 'running' OR worker_id IS NOT NULL", name="running_has_worker"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus, "job_status"))
    error_behaviour: Mapped[ErrorBehaviour] = mapped_column(enum_column(ErrorBehaviour, "error_behaviour"))
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    media_type: Mapped[str | None] = mapped_column(String(100))
    document_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker_id: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(String(200))
    capture_id: Mapped[str | None] = mapped_column(ForeignKey("captures.id"))
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any] | None] = mapped_column(JSON)


class NamedQuery(Base):
    """A stored EPCIS query (``POST /epcis/queries``): its name and its parameters."""

    __tablename__ = "named_queries"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    query: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(200))
