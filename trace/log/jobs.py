"""Capture jobs: documents sent to ``POST /epcis/capture``, captured outside the request by workers.

:func:`enqueue` stores the document in ``capture_jobs`` (so that a worker in any process, on any
machine, can run it); :func:`claim` hands the oldest waiting job to one worker (on PostgreSQL
with ``FOR UPDATE SKIP LOCKED``, so workers never wait for each other nor take the same job; on
SQLite with one ``UPDATE ... RETURNING``, which takes the database write lock first);
:func:`run_job` captures it through the one capture path (:mod:`cradletrace.log.capture`) and
records the outcome in the same transaction, so a job is done exactly when its events are in the
log. Workers append under the log's one lock, so the log stays one serialised chain however many
run. :func:`run_worker` is the loop of ``cradletrace worker`` and of the worker thread of
``cradletrace serve``.

``GS1-Capture-Error-Behaviour``: ``rollback`` (the default) captures the whole document or
nothing; ``proceed`` captures the valid events and reports the others. The errors of a job name
the event index and field of each fault (:func:`cradletrace.errors.fault`).

A job whose worker died stays ``running`` until its lease (``lease_until``) passes; then another
worker takes it again, up to :data:`MAX_ATTEMPTS` times. Its capture had not committed (the
outcome and the events commit together), so running it again cannot capture anything twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from cradletrace.epcis import read_document
from cradletrace.errors import (
    InvalidInput,
    LimitExceeded,
    NotFound,
    TraceError,
    ValidationFailed,
    fault,
    http_status,
)
from cradletrace.log.capture import CaptureReport, capture_document, capture_events
from cradletrace.models import CaptureJob, ErrorBehaviour, JobStatus
from cradletrace.settings import Limits, load_limits
from cradletrace.timestamps import to_iso, utc_now

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(hours=1)
"""How long a claimed job is its worker's before another worker may take it again."""
MAX_ATTEMPTS = 3
DEFAULT_POLL_INTERVAL = 1.0

_EXCEPTION_TYPES = {400: "epcisException:ValidationException", 409: "epcisException:ResourceAlreadyExistsException",
                    413: "epcisException:CaptureLimitExceededException", 500: "epcisException:ImplementationException"}


def error_behaviour(value: str | None) -> ErrorBehaviour:
    """The ``GS1-Capture-Error-Behaviour`` of a request (``rollback`` when not given).

    GS1's ``all`` is not supported (its meaning is not defined by the standard) and is refused.

    Examples
    --------
    >>> error_behaviour(None), error_behaviour("proceed")
    (<ErrorBehaviour.ROLLBACK: 'rollback'>, <ErrorBehaviour.PROCEED: 'proceed'>)
    >>> error_behaviour("all")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: GS1-Capture-Error-Behaviour: 'all' is not supported: use rollback or proceed
    """
    if value is None or not value.strip():
        return ErrorBehaviour.ROLLBACK
    try:
        return ErrorBehaviour(value.strip().lower())
    except ValueError:
        raise InvalidInput(f"{value!r} is not supported: use rollback or proceed",
                           where="GS1-Capture-Error-Behaviour") from None


def enqueue(session: Session, document: bytes, *, media_type: str | None = None,
            behaviour: ErrorBehaviour = ErrorBehaviour.ROLLBACK, created_by: str | None = None,
            limits: Limits | None = None) -> CaptureJob:
    """Store a document as a queued capture job; a worker captures it later.

    Raises
    ------
    LimitExceeded
        When the document is larger than ``limits.max_document_bytes`` (HTTP 413); nothing is stored.
    InvalidInput
        When the document is empty.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest-jobs.db")
    >>> with Session(create_db_engine("sqlite:///doctest-jobs.db")) as s:
    ...     job = enqueue(s, b'{"type": "EPCISDocument"}')
    ...     job.status, job.attempts, job_view(job)["running"]
    (<JobStatus.QUEUED: 'queued'>, 0, True)
    """
    limits = limits or load_limits()
    if not document.strip():
        raise InvalidInput("empty document", where="capture")
    if len(document) > limits.max_document_bytes:
        raise LimitExceeded(f"{len(document)} bytes is more than the {limits.max_document_bytes} a document may have "
                            "(CRADLETRACE_MAX_DOCUMENT_BYTES)", where="capture")
    job = CaptureJob(id=str(uuid.uuid4()), status=JobStatus.QUEUED, error_behaviour=behaviour, document=document,
                     media_type=media_type, document_bytes=len(document), created_at=utc_now(), attempts=0,
                     created_by=created_by, event_count=0, duplicate_count=0)
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: str) -> CaptureJob:
    """The capture job ``job_id``; :class:`~cradletrace.errors.NotFound` when there is none."""
    job = session.get(CaptureJob, job_id)
    if job is None:
        raise NotFound(f"no capture job {job_id!r}", where="captureID")
    return job


def list_jobs(session: Session, *, limit: int = 30, before: str | None = None) -> tuple[list[CaptureJob], str | None]:
    """The newest capture jobs, ``limit`` at a time; the second value is the ID to pass as ``before`` for the next page."""
    stmt = select(CaptureJob).order_by(CaptureJob.created_at.desc(), CaptureJob.id.desc())
    if before:
        after = session.get(CaptureJob, before)
        if after is None:
            raise InvalidInput("not a token this server issued", where="nextPageToken")
        stmt = stmt.where(or_(CaptureJob.created_at < after.created_at,
                              and_(CaptureJob.created_at == after.created_at, CaptureJob.id < after.id)))
    jobs = list(session.scalars(stmt.limit(limit + 1)))
    return jobs[:limit], (jobs[limit - 1].id if len(jobs) > limit else None)


def job_view(job: CaptureJob) -> dict[str, Any]:
    """The job as GS1's ``CaptureJob`` (openapi.yaml), with cradletrace's counts beside it."""
    done = job.status in (JobStatus.SUCCESS, JobStatus.FAILED)
    view: dict[str, Any] = {
        "captureID": job.id,
        "createdAt": to_iso(job.created_at),
        "running": not done,
        "success": job.status is not JobStatus.FAILED,
        "captureErrorBehaviour": job.error_behaviour.value,
        "errors": [problem(item) for item in job.errors or []],
        "status": job.status.value,
        "captured": job.event_count,
        "duplicates": job.duplicate_count,
    }
    if job.finished_at is not None:
        view["finishedAt"] = to_iso(job.finished_at)
    if job.capture_id is not None:
        view["capture"] = job.capture_id
    return view


def problem(item: dict[str, Any]) -> dict[str, Any]:
    """A stored fault as an RFC 7807 problem, naming its event index and field.

    Examples
    --------
    >>> problem({"index": 3, "field": "action", "where": "event[3].action", "reason": "'FLY' is not an action",
    ...          "status": 400})["detail"]
    "event 3, action: 'FLY' is not an action"
    """
    status = int(item.get("status") or 400)
    place = (f"event {item['index']}" + (f", {item['field']}" if item.get("field") else "")
             if item.get("index") is not None else item.get("where"))
    return {"type": _EXCEPTION_TYPES.get(status, _EXCEPTION_TYPES[400]), "title": item["reason"], "status": status,
            "detail": f"{place}: {item['reason']}" if place else item["reason"],
            "event": item.get("index"), "field": item.get("field"), "where": item.get("where")}


def claim(session: Session, worker_id: str, *, lease: timedelta = DEFAULT_LEASE,
          now: datetime | None = None) -> CaptureJob | None:
    """Take the oldest job that waits (or whose worker's lease ran out) for ``worker_id``; ``None`` when there is none.

    The caller commits right away, so that other workers see the job taken. Two workers never
    take the same job: PostgreSQL skips rows another transaction has locked (``FOR UPDATE SKIP
    LOCKED``); SQLite's one ``UPDATE ... RETURNING`` runs under the database write lock.
    """
    now = now or utc_now()
    claimable = or_(CaptureJob.status == JobStatus.QUEUED,
                    and_(CaptureJob.status == JobStatus.RUNNING, CaptureJob.lease_until < now))
    values = dict(status=JobStatus.RUNNING, worker_id=worker_id[:200], started_at=now, lease_until=now + lease,
                  attempts=CaptureJob.attempts + 1)
    oldest = select(CaptureJob.id).where(claimable).order_by(CaptureJob.created_at, CaptureJob.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        job_id = session.scalar(oldest.with_for_update(skip_locked=True))
        if job_id is None:
            return None
        session.execute(update(CaptureJob).where(CaptureJob.id == job_id).values(**values)
                        .execution_options(synchronize_session=False))
    else:
        job_id = session.scalar(update(CaptureJob).where(CaptureJob.id == oldest.scalar_subquery(), claimable)
                                .values(**values).returning(CaptureJob.id)
                                .execution_options(synchronize_session=False))
        if job_id is None:
            return None
    job = session.get(CaptureJob, job_id, populate_existing=True)
    assert job is not None
    return job


def run_job(session: Session, job: CaptureJob, *, limits: Limits | None = None) -> CaptureJob:
    """Capture a claimed job's document and record the outcome on the job (flushed, not committed).

    ``rollback``: all or nothing (a rejected document leaves the log untouched and the job
    failed with every fault). ``proceed``: the valid events are captured and the faults of
    the others reported; the job has failed if there was any fault.
    """
    if job.status is not JobStatus.RUNNING:
        raise InvalidInput(f"capture job {job.id} is {job.status.value}, not running", where="captureID")
    document = job.document or b""
    name = f"capture job {job.id}"
    errors: list[dict[str, Any]] = []
    report: CaptureReport | None = None
    try:
        if job.error_behaviour is ErrorBehaviour.PROCEED:
            report, errors = _capture_valid(session, document, name=name, limits=limits)
        else:
            report = capture_document(session, document, name=name, limits=limits)
    except ValidationFailed as exc:  # a rejected document: the capture wrote nothing
        errors = [_fault(e) for e in exc.errors]
    except TraceError as exc:  # unreadable, or beyond a limit
        errors = [_fault(exc)]
    job.status = JobStatus.FAILED if errors else JobStatus.SUCCESS
    job.finished_at = utc_now()
    job.lease_until = None
    job.errors = errors
    job.document = None if not errors else job.document  # kept only while it may be wanted to explain a fault
    if report is not None:
        job.capture_id = report.capture_id
        job.event_count = report.captured
        job.duplicate_count = len(report.duplicates)
    session.flush()
    return job


def _capture_valid(session: Session, document: bytes, *, name: str,
                   limits: Limits | None) -> tuple[CaptureReport | None, list[dict[str, Any]]]:
    """``proceed``: capture every valid event of the document; the faults of the others, by their index in it."""
    errors: list[dict[str, Any]] = []
    valid: list[tuple[int, dict[str, Any]]] = []
    try:
        for index, event, event_errors in read_document(document, name=name, limits=limits).events:
            if event_errors:
                errors.extend(_fault(e) for e in event_errors)
            else:
                valid.append((index, event))
    except TraceError as exc:  # the document stops being readable here: what was read before still counts
        errors.append(_fault(exc))
    while valid:
        try:
            return capture_events(session, [event for _, event in valid], name=name), errors
        except ValidationFailed as exc:  # also DocumentConflict
            rejected = set()
            for error in exc.errors:
                item = _fault(error)
                position = item["index"]
                if position is None or position >= len(valid):
                    raise  # a fault of the whole capture, not of one event: nothing can proceed
                original = valid[position][0]
                where = f"event[{original}]" + (f".{item['field']}" if item["field"] else "")
                errors.append({**item, "index": original, "where": where})
                rejected.add(position)
            valid = [pair for position, pair in enumerate(valid) if position not in rejected]
    return None, errors


def _fault(error: TraceError) -> dict[str, Any]:
    return {**fault(error), "status": http_status(error)}


def requeue_or_fail(session: Session, job_id: str, reason: str) -> None:
    """After an unexpected error (a lost connection, a bug): queue the job again, or fail it after :data:`MAX_ATTEMPTS`."""
    job = session.get(CaptureJob, job_id, populate_existing=True)
    if job is None or job.status is not JobStatus.RUNNING:
        return
    if job.attempts >= MAX_ATTEMPTS:
        job.status = JobStatus.FAILED
        job.finished_at = utc_now()
        job.errors = [{"index": None, "field": None, "where": "capture", "status": 500,
                       "reason": f"the capture failed {job.attempts} times; last: {reason}"}]
    else:
        job.status = JobStatus.QUEUED
    job.lease_until = None
    session.flush()


def default_worker_id() -> str:
    """``host:pid:thread``, so a job names the worker that ran it."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


@dataclass
class WorkerStats:
    """What a worker did: jobs run, and of them failed."""

    ran: int = 0
    failed: int = 0


def run_worker(session_factory: Callable[[], Session], *, worker_id: str | None = None, once: bool = False,
               poll_interval: float = DEFAULT_POLL_INTERVAL, stop: threading.Event | None = None,
               wake: threading.Event | None = None, lease: timedelta = DEFAULT_LEASE,
               limits: Limits | None = None, on_job: Callable[[CaptureJob], None] | None = None) -> WorkerStats:
    """Run capture jobs until ``stop`` is set (or, with ``once``, until none is waiting).

    This loop owns its transactions (it is the top of a worker, as a command is): one to
    claim a job, one to capture it and record the outcome. Between jobs it waits
    ``poll_interval`` seconds, or less when ``wake`` is set (the web application sets it when
    it enqueues). ``stop`` ends the loop after the job in hand (``cradletrace worker`` sets it on
    SIGTERM).
    """
    worker_id = worker_id or default_worker_id()
    stop = stop or threading.Event()
    stats = WorkerStats()
    while not stop.is_set():
        job_id = _claim_one(session_factory, worker_id, lease)
        if job_id is None:
            if once:
                break
            (wake or stop).wait(poll_interval)
            if wake is not None:
                wake.clear()
            continue
        job = _run_one(session_factory, job_id, limits)
        stats.ran += 1
        if job is None or job.status is JobStatus.FAILED:
            stats.failed += 1
        if job is not None and on_job is not None:
            on_job(job)
    return stats


def _claim_one(session_factory: Callable[[], Session], worker_id: str, lease: timedelta) -> str | None:
    with session_factory() as session, session.begin():
        job = claim(session, worker_id, lease=lease)
        return None if job is None else job.id


def _run_one(session_factory: Callable[[], Session], job_id: str, limits: Limits | None) -> CaptureJob | None:
    try:
        with session_factory() as session, session.begin():
            _write_first(session, job_id)
            job = run_job(session, get_job(session, job_id), limits=limits)
            session.expunge(job)
            return job
    except Exception as exc:  # noqa: BLE001 - a worker outlives one job's unexpected error
        log.exception("capture job %s failed unexpectedly", job_id)
        with session_factory() as session, session.begin():
            _write_first(session, job_id)
            requeue_or_fail(session, job_id, f"{type(exc).__name__}: {exc}")
        return None


def _write_first(session: Session, job_id: str) -> None:
    """Open the transaction with a write to the job's row.

    On SQLite a transaction that has read cannot wait for the write lock (SQLite answers
    "database is locked" at once, to avoid a deadlock); one that writes first waits its turn.
    """
    session.execute(update(CaptureJob).where(CaptureJob.id == job_id).values(lease_until=CaptureJob.lease_until)
                    .execution_options(synchronize_session=False))


class WorkerThread:
    """A capture worker in a daemon thread of this process (the default of ``cradletrace serve``)."""

    def __init__(self, session_factory: Callable[[], Session], **options: Any) -> None:
        self.stop_event = threading.Event()
        self.wake_event = threading.Event()
        self.thread = threading.Thread(target=run_worker, args=(session_factory,), daemon=True,
                                       name="capture-worker",
                                       kwargs={**options, "stop": self.stop_event, "wake": self.wake_event})

    def start(self) -> "WorkerThread":
        self.thread.start()
        return self

    def wake(self) -> None:
        """A job was enqueued: look for it now rather than at the next poll."""
        self.wake_event.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the job in hand, and wait for that."""
        self.stop_event.set()
        self.wake_event.set()
        self.thread.join(timeout)
