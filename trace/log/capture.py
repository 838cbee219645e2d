"""The one capture path: validated events -> event hash -> chained log entry -> projections.

Everything that enters the log comes through here, whether from an EPCIS document
(:func:`capture_document`), a single event or a lifecycle service
(:func:`capture_events`). One call is one all-or-nothing unit inside the caller's
transaction: any invalid event makes it raise :class:`~cradletrace.errors.ValidationFailed`
listing every fault (event index and field), and the caller rolls back. Nothing
is committed here.

Writes are set-based: events are prepared in batches (hash, canonical payload),
then each batch costs a fixed number of statements. Up to :data:`SPOOL_EVENTS`
events are prepared before the append lock is taken, so concurrent captures of
ordinary documents overlap their parsing and hashing and only queue for the
writes. The cyclic garbage collector is paused while batches are built. A large
document can be read, validated and hashed in a second process while this one
writes (:mod:`cradletrace.log.reader_process`); events are prepared by the same code
(:mod:`cradletrace.log.prepare`) either way.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cradletrace.bulk import bulk_insert
from cradletrace.log.chain import Head, link, lock_head, store_head
from cradletrace.epcis import read_document, validate_event
from cradletrace.errors import TraceError, ValidationFailed
from cradletrace.models import Action, Capture, CaptureStatus, Event, EventType
from cradletrace.projections.nodemap import NodeMap
from cradletrace.log.prepare import Prepared, prepared_items
from cradletrace.projections.writer import LoggedEvent, Projector
from cradletrace.log.reader_process import prepared_events, readable_elsewhere, worth_a_reader
from cradletrace.settings import Limits
from cradletrace.timestamps import to_iso, utc_now

BATCH_EVENTS = 2000
SPOOL_EVENTS = 20_000
MAX_ERRORS = 200
_EVENT_TYPES = {t.value: t for t in EventType}
_ACTIONS = {a.value: a for a in Action}


@dataclass
class CaptureReport:
    """What a capture did.

    Attributes
    ----------
    capture_id : str or None
        ID of the capture record (``None`` for a dry run).
    captured : int
        Events appended to the log.
    duplicates : list of str
        eventIDs that were already in the log (or twice in the input): not stored again.
    event_ids : list of str
        eventIDs of the appended events, in log order.
    """

    capture_id: str | None
    name: str | None
    captured: int = 0
    duplicates: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        """Events read from the input."""
        return self.captured + len(self.duplicates)

    def summary(self) -> str:
        """One line for people."""
        verb = "valid, would capture" if self.dry_run else "captured"
        return f"{self.name or 'input'}: {self.total} events, {verb} {self.captured}, duplicates {len(self.duplicates)}"


def capture_document(
    session: Session,
    source: bytes | str | BinaryIO | Any,
    *,
    name: str | None = None,
    format: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    reader_process: bool | None = False,
    limits: Limits | None = None,
) -> CaptureReport:
    """Capture an EPCIS 2.0 document (JSON-LD or XML), all or nothing.

    Parameters
    ----------
    session : Session
        The caller's session; it owns the transaction (this flushes, never commits).
    source : bytes, path or binary file
        The document. Its events are read as a stream.
    name : str, optional
        Name used in messages (for example the file name).
    format : {'json', 'xml'}, optional
        Detected from the content when not given.
    dry_run : bool
        Validate and count duplicates only; write nothing.
    progress : callable, optional
        Called with the number of events handled after each batch.
    reader_process : bool or None
        Read, validate and hash in a second, forked process while this one writes
        (:mod:`cradletrace.log.reader_process`); ``None`` decides by size (large documents given
        as bytes or a path, on a machine with more than one core). The result is the same
        either way. Off by default: forking suits a command-line process (``cradletrace
        capture`` asks for ``None``), not a threaded server.
    limits : Limits, optional
        Nesting, value length, events and size the readers accept (:mod:`cradletrace.epcis.limits`);
        the ``CRADLETRACE_MAX_*`` settings when not given.

    Returns
    -------
    CaptureReport

    Raises
    ------
    ValidationFailed
        When any event is invalid; it lists each fault with its event index and field.
    InvalidInput
        When the document itself cannot be read; :class:`~cradletrace.errors.LimitExceeded` when it is
        beyond ``limits`` (naming the event index and field).
    """
    record_time = utc_now()
    record_iso = to_iso(record_time)
    use_reader = worth_a_reader(source) if reader_process is None else reader_process
    if use_reader and readable_elsewhere(source):
        document_name, items = prepared_events(source, format=format, name=name, record_iso=record_iso,
                                               limits=limits)
    else:
        document = read_document(source, format=format, name=name, limits=limits)
        document_name, items = document.name, prepared_items(document.events, record_iso)
    try:
        return _capture(session, items, name=document_name or name, dry_run=dry_run, progress=progress,
                        record_time=record_time)
    finally:
        items.close()  # a capture that stopped early (too many errors) also stops its reader


def capture_events(
    session: Session,
    events: Iterable[Mapping[str, Any]],
    *,
    name: str | None = None,
    dry_run: bool = False,
) -> CaptureReport:
    """Capture events given as dicts in the canonical form (docs/event-form.md), all or nothing.

    They are validated and normalised by the same rules as documents. This is the
    path of the lifecycle services and of ``POST /epcis/events``.
    """
    record_time = utc_now()
    checked = (validate_event(dict(event), index) for index, event in enumerate(events))
    items = prepared_items(((i, ev, errs) for i, (ev, errs) in enumerate(checked)), to_iso(record_time))
    return _capture(session, items, name=name, dry_run=dry_run, record_time=record_time)


def _capture(
    session: Session,
    events: Iterable[tuple[int, Prepared | None, list[TraceError]]],
    *,
    name: str | None,
    dry_run: bool,
    record_time: datetime,
    progress: Callable[[int], None] | None = None,
) -> CaptureReport:
    writer = _LogWriter(session, name=name, dry_run=dry_run, record_time=record_time)
    errors: list[TraceError] = []
    seen: set[tuple[str, bool]] = set()
    batch: list[Prepared] = []
    handled = 0
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the cyclic collector made large parses several times slower (DESIGN, performance notes)
    try:
        for _index, prepared, event_errors in events:
            handled += 1
            if event_errors:
                errors.extend(event_errors)
                if len(errors) >= MAX_ERRORS:
                    break
                continue
            if errors or prepared is None:
                continue  # the capture is lost already; keep reading to report every fault
            key = (prepared.event_id, prepared.declares_error)
            if key in seen:
                writer.report.duplicates.append(prepared.event_id)
                continue
            seen.add(key)
            batch.append(prepared)
            if len(batch) >= BATCH_EVENTS:
                writer.add(batch)
                batch = []
                if progress:
                    progress(handled)
        if errors:
            raise ValidationFailed(errors, document=name)
        writer.add(batch)
        writer.finish()
        if progress:
            progress(handled)
    finally:
        if gc_was_enabled:
            gc.enable()
    return writer.report


class _LogWriter:
    """Appends prepared batches to the log under the lock, and projects them."""

    def __init__(self, session: Session, *, name: str | None, dry_run: bool, record_time: datetime) -> None:
        self.session = session
        self.dry_run = dry_run
        self.record_time = record_time
        self.report = CaptureReport(capture_id=None if dry_run else str(uuid.uuid4()), name=name, dry_run=dry_run)
        self.head: Head | None = None
        self.spool: list[list[Prepared]] = []
        self.spooled = 0
        self.nodes = NodeMap(session)
        self.projector = Projector(session, self.nodes)

    def add(self, batch: list[Prepared]) -> None:
        if not batch:
            return
        if self.head is None and not self.dry_run:
            self.spool.append(batch)
            self.spooled += len(batch)
            if self.spooled < SPOOL_EVENTS:
                return
            self._lock()
            for spooled in self._drain():
                self._write(spooled)
            return
        self._write(batch)

    def _drain(self) -> Iterator[list[Prepared]]:
        while self.spool:
            yield self.spool.pop(0)

    def finish(self) -> None:
        if self.dry_run:
            return
        if self.head is None:
            self._lock()
        for spooled in self._drain():
            self._write(spooled)
        assert self.head is not None
        store_head(self.session, self.head)
        self.session.execute(
            update(Capture).where(Capture.id == self.report.capture_id).values(
                finished_at=utc_now(), event_count=self.report.captured,
                duplicate_count=len(self.report.duplicates)))

    def _lock(self) -> None:
        self.head = lock_head(self.session)
        self.session.execute(Capture.__table__.insert().values(
            id=self.report.capture_id, name=(self.report.name or "")[:500] or None, status=CaptureStatus.SUCCESS,
            created_at=self.record_time, event_count=0, duplicate_count=0))

    def _write(self, batch: list[Prepared]) -> None:
        fresh = self._drop_logged(batch)
        if self.dry_run or not fresh:
            if self.dry_run:
                self.report.captured += len(fresh)
            return
        head = self.head
        assert head is not None
        places = {p.event[f]["id"] for p in fresh for f in ("readPoint", "bizLocation") if p.event.get(f)}
        ids = self.nodes.resolve(places)
        rows, logged = [], []
        for p in fresh:
            head.last_seq += 1
            head.chain_hash = link(head.chain_hash, p.event_hash, p.payload)
            event = p.event
            rows.append({
                "id": head.last_seq, "event_id": p.event_id, "event_hash": p.event_hash,
                "event_type": _EVENT_TYPES[event["type"]], "action": _ACTIONS.get(event.get("action")),
                "biz_step": event.get("bizStep"), "disposition": event.get("disposition"),
                "event_time": p.event_time, "event_time_offset": event["eventTimeZoneOffset"],
                "record_time": self.record_time,
                "read_point_id": ids[event["readPoint"]["id"]] if event.get("readPoint") else None,
                "biz_location_id": ids[event["bizLocation"]["id"]] if event.get("bizLocation") else None,
                "declares_error": p.declares_error, "retracted_by": None, "capture_id": self.report.capture_id,
                "payload": p.payload, "chain_hash": head.chain_hash,
            })
            logged.append(LoggedEvent(head.last_seq, event, p.event_time, p.event_hash))
            self.report.event_ids.append(p.event_id)
        bulk_insert(self.session, Event.__table__, rows)
        self.projector.project(logged)
        self.report.captured += len(rows)

    def _drop_logged(self, batch: list[Prepared]) -> list[Prepared]:
        """Remove events already in the log (re-sent documents), reporting them as duplicates."""
        table = Event.__table__
        logged = {tuple(row) for row in self.session.execute(
            select(table.c.event_id, table.c.declares_error).where(table.c.event_id.in_([p.event_id for p in batch]))
        )}
        if not logged:
            return batch
        fresh = []
        for p in batch:
            if (p.event_id, p.declares_error) in logged:
                self.report.duplicates.append(p.event_id)
            else:
                fresh.append(p)
        return fresh
