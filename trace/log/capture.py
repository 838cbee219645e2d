"""The one capture path: validated events -> event hash -> chained log entry -> projections.

Everything that enters the log comes through here, whether from an EPCIS document
(:func:`capture_document`), a single event or a lifecycle service
(:func:`capture_events`). One call is one all-or-nothing unit inside the caller's
transaction: any invalid event makes it raise :class:`~cradletrace.errors.ValidationFailed`
listing every fault (event index and field), and nothing of it is written (its writes run
in a savepoint that is rolled back). Nothing is committed here.

An event whose eventID (with or without an error declaration) is already in the log, or
earlier in the document, is a duplicate when its event hash is the same, and is skipped.
With a different hash it is a conflict (:class:`~cradletrace.errors.EventConflict`, naming
both positions and the fields that differ), and the whole document is rejected like an
invalid one; a capture rejected only by conflicts raises
:class:`~cradletrace.errors.DocumentConflict` (HTTP 409). Events given no eventID get
their hash as ID, so they cannot conflict.

Writes are set-based: events are prepared in batches (hash, canonical payload),
then each batch costs a fixed number of statements. Up to :data:`SPOOL_EVENTS`
events are prepared before the append lock is taken, so concurrent captures of
ordinary documents overlap their parsing and hashing and only queue for the
writes. The cyclic garbage collector is left alone: pausing it is process-wide, so
the process's owner does that (the CLI's capture command, the reader process). A large
document can be read, validated and hashed in a second process while this one
writes (:mod:`cradletrace.log.reader_process`); events are prepared by the same code
(:mod:`cradletrace.log.prepare`) either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

import orjson
from sqlalchemy import select, update
from sqlalchemy.orm import Session, SessionTransaction

from cradletrace.bulk import bulk_insert
from cradletrace.log.chain import Head, link, lock_head, store_head
from cradletrace.epcis import read_document, validate_event
from cradletrace.epcis.masterdata import Description, masterdata_field, validate_masterdata
from cradletrace.errors import DocumentConflict, EventConflict, TraceError, ValidationFailed
from cradletrace.log.columns import derived_columns, places
from cradletrace.log.masterdata import check_descriptions, store_masterdata
from cradletrace.models import Capture, CaptureStatus, Event
from cradletrace.projections.nodemap import NodeMap
from cradletrace.log.prepare import Prepared, prepared_items
from cradletrace.projections.writer import LoggedEvent, Projector
from cradletrace.log.reader_process import prepared_events, readable_elsewhere, worth_a_reader
from cradletrace.settings import Limits
from cradletrace.timestamps import to_iso, utc_now

BATCH_EVENTS = 2000
SPOOL_EVENTS = 20_000
MAX_ERRORS = 200


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
        eventIDs that were already in the log (or earlier in the input) with the same event
        hash: not stored again.
    event_ids : list of str
        eventIDs of the appended events, in log order.
    masterdata, masterdata_unchanged : int
        Vocabulary element descriptions (master data of the header or of an
        EPCISMasterDataDocument) stored as new or changed, and those already current.
    """

    capture_id: str | None
    name: str | None
    captured: int = 0
    duplicates: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    dry_run: bool = False
    masterdata: int = 0
    masterdata_unchanged: int = 0

    @property
    def total(self) -> int:
        """Events read from the input."""
        return self.captured + len(self.duplicates)

    def summary(self) -> str:
        """One line for people."""
        verb = "valid, would capture" if self.dry_run else "captured"
        line = f"{self.name or 'input'}: {self.total} events, {verb} {self.captured}, duplicates {len(self.duplicates)}"
        if self.masterdata or self.masterdata_unchanged:
            line += f"; master data: {self.masterdata} stored, {self.masterdata_unchanged} unchanged"
        return line


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

    Master data, in an XML ``EPCISMasterDataDocument`` or in the header of an
    ``EPCISDocument``, is checked with the events and stored in the same savepoint
    (:mod:`cradletrace.log.masterdata`); it is not an event and does not enter the chain.

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
    header: dict[str, Any] = {}
    if use_reader and readable_elsewhere(source):
        document_name, items = prepared_events(source, format=format, name=name, record_iso=record_iso,
                                               limits=limits, header=header)
        syntax = format
    else:
        document = read_document(source, format=format, name=name, limits=limits)
        document_name, items = document.name, prepared_items(document.events, record_iso)
        header, syntax = document.header, document.format

    def masterdata() -> tuple[list[Description], list[TraceError]]:
        # Read once the events are: a JSON-LD header may follow the event list.
        vocabularies = masterdata_field(header)
        if vocabularies is None:
            return [], []
        found, errors = validate_masterdata(vocabularies, prefixes=header.get("namespaces"),
                                            syntax=header.get("format", syntax))
        return found, errors + check_descriptions(found)

    try:
        return _capture(session, items, name=document_name or name, dry_run=dry_run, progress=progress,
                        record_time=record_time, masterdata=masterdata)
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
    masterdata: Callable[[], tuple[list[Description], list[TraceError]]] | None = None,
) -> CaptureReport:
    writer = _LogWriter(session, name=name, dry_run=dry_run, record_time=record_time)
    errors = writer.errors  # invalid events, and eventIDs that conflict (found by the writer)
    handled = 0
    try:
        for index, prepared, event_errors in events:
            handled += 1
            if event_errors:
                errors.extend(event_errors)
            elif prepared is not None and writer.offer(index, prepared) and progress:
                progress(handled)
            if len(errors) >= MAX_ERRORS:
                break
        if masterdata is not None and len(errors) < MAX_ERRORS:
            writer.descriptions, masterdata_errors = masterdata()
            errors.extend(masterdata_errors)
        writer.finish()
        if errors:
            only_conflicts = all(isinstance(e, EventConflict) for e in errors)
            raise (DocumentConflict if only_conflicts else ValidationFailed)(errors, document=name)
        if progress:
            progress(handled)
    except BaseException:
        writer.abandon()
        raise
    return writer.report


_Key = tuple[str, bool]
"""What makes an event a log entry of its own: (eventID, whether it declares an error)."""

# Not content: the server sets recordTime, and eventID is what the two events share.
_NOT_CONTENT = frozenset({"eventID", "recordTime"})


def differing_fields(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> list[str]:
    """The top-level fields in which two canonical events differ (recordTime and eventID aside).

    Examples
    --------
    >>> differing_fields({"eventID": "a", "bizStep": "shipping", "recordTime": "x", "epcList": ["u"]},
    ...                  {"eventID": "a", "bizStep": "receiving", "recordTime": "y", "epcList": ["u"],
    ...                   "disposition": "in_progress"})
    ['bizStep', 'disposition']
    """
    return sorted(k for k in earlier.keys() | later.keys()
                  if k not in _NOT_CONTENT and earlier.get(k) != later.get(k))


def _conflict(index: int, p: Prepared, earlier: str, earlier_hash: str,
              earlier_event: Mapping[str, Any] | None) -> EventConflict:
    fields = differing_fields(earlier_event, p.event) if earlier_event is not None else []
    differ = f"; fields that differ: {', '.join(fields)}" if fields else ""
    return EventConflict(
        f"eventID {p.event_id!r} is already {earlier} with different content "
        f"(event hash {earlier_hash} there, {p.event_hash} here){differ}",
        where=f"event[{index}].eventID")


class _LogWriter:
    """Deduplicates prepared events, appends them to the log in batches under the lock, and projects them.

    An eventID seen again (earlier in the document, or in the log) with the same event hash
    is a duplicate and is skipped; with a different hash it is an :class:`EventConflict`,
    added to :attr:`errors`. After any fault nothing more is written: later batches are only
    checked against the log, so that every conflict is reported. Writes happen inside a
    savepoint, which :meth:`abandon` rolls back, so a rejected capture leaves nothing behind.
    """

    def __init__(self, session: Session, *, name: str | None, dry_run: bool, record_time: datetime) -> None:
        self.session = session
        self.dry_run = dry_run
        self.record_time = record_time
        self.report = CaptureReport(capture_id=None if dry_run else str(uuid.uuid4()), name=name, dry_run=dry_run)
        self.errors: list[TraceError] = []
        self.seen: dict[_Key, tuple[int, str]] = {}  # key -> (index in the document, event hash)
        self.pending: list[Prepared] = []
        self.head: Head | None = None
        self.savepoint: SessionTransaction | None = None
        self.spool: list[list[Prepared]] = []
        self.spooled = 0
        self.nodes = NodeMap(session)
        self.projector = Projector(session, self.nodes)
        self.descriptions: list[Description] = []

    def offer(self, index: int, p: Prepared) -> bool:
        """Take event ``index`` of the input; True when that completed a batch (handed on to be written)."""
        key = (p.event_id, p.declares_error)
        earlier = self.seen.get(key)
        if earlier is not None:
            earlier_index, earlier_hash = earlier
            if earlier_hash == p.event_hash:
                self.report.duplicates.append(p.event_id)
            else:
                self.errors.append(_conflict(index, p, f"event[{earlier_index}] of this document", earlier_hash,
                                             self._earlier_event(key)))
            return False
        self.seen[key] = (index, p.event_hash)
        self.pending.append(p)
        if len(self.pending) < BATCH_EVENTS:
            return False
        self.add(self.pending)
        self.pending = []
        return True

    def add(self, batch: list[Prepared]) -> None:
        if not batch:
            return
        if self.head is None and not self.dry_run and not self.errors:
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
        """Write what is left and close the capture record; after a fault, only check what is left."""
        self.add(self.pending)
        self.pending = []
        if self.dry_run or self.errors:
            for spooled in self._drain():
                self._write(spooled)
            if self.dry_run and not self.errors:
                self.report.masterdata = len(self.descriptions)
            return
        if self.head is None:
            self._lock()
        for spooled in self._drain():
            self._write(spooled)
        if self.errors:
            return  # a conflict with the log, found while writing: the caller raises, abandon() undoes
        assert self.head is not None and self.savepoint is not None
        if self.descriptions:
            stored = store_masterdata(self.session, self.descriptions, record_time=self.record_time,
                                      capture_id=self.report.capture_id, nodes=self.nodes)
            self.report.masterdata, self.report.masterdata_unchanged = stored.stored, stored.unchanged
        store_head(self.session, self.head)
        self.session.execute(
            update(Capture).where(Capture.id == self.report.capture_id).values(
                finished_at=utc_now(), event_count=self.report.captured,
                duplicate_count=len(self.report.duplicates)))
        self.savepoint.commit()

    def abandon(self) -> None:
        """Undo everything this capture wrote (it failed); the caller's transaction goes on."""
        if self.savepoint is not None and self.savepoint.is_active:
            try:
                self.savepoint.rollback()
            except Exception:  # noqa: BLE001 - a broken connection: the caller's rollback undoes it all
                pass  # and the error that got us here is the one to report

    def _lock(self) -> None:
        self.savepoint = self.session.begin_nested()
        self.head = lock_head(self.session)
        self.session.execute(Capture.__table__.insert().values(
            id=self.report.capture_id, name=(self.report.name or "")[:500] or None, status=CaptureStatus.SUCCESS,
            created_at=self.record_time, event_count=0, duplicate_count=0))

    def _write(self, batch: list[Prepared]) -> None:
        fresh = self._drop_logged(batch)
        if self.errors or not fresh:
            return  # a rejected capture writes nothing more; it was only checked against the log
        if self.dry_run:
            self.report.captured += len(fresh)
            return
        head = self.head
        assert head is not None
        ids = self.nodes.resolve({identifier for p in fresh for identifier in places(p.event)})
        node_id = ids.__getitem__
        rows, logged = [], []
        for p in fresh:
            head.last_seq += 1
            head.chain_hash = link(head.chain_hash, p.event_hash, p.payload)
            row = derived_columns(p.event, node_id)
            row.update(id=head.last_seq, event_hash=p.event_hash, retracted_by=None,
                       capture_id=self.report.capture_id, payload=p.payload, chain_hash=head.chain_hash)
            rows.append(row)
            logged.append(LoggedEvent(head.last_seq, p.event, row["event_time"], p.event_hash))
            self.report.event_ids.append(p.event_id)
        bulk_insert(self.session, Event.__table__, rows)
        self.projector.project(logged)
        self.report.captured += len(rows)

    def _drop_logged(self, batch: list[Prepared]) -> list[Prepared]:
        """Remove events already in the log (re-sent documents) as duplicates; a different hash is a conflict."""
        table = Event.__table__
        found = self.session.execute(select(table.c.event_id, table.c.declares_error, table.c.event_hash)
                                     .where(table.c.event_id.in_([p.event_id for p in batch])))
        logged = {(event_id, declares_error): stored_hash for event_id, declares_error, stored_hash in found}
        if not logged:
            return batch
        fresh, conflicting = [], []
        for p in batch:
            stored_hash = logged.get((p.event_id, p.declares_error))
            if stored_hash is None:
                fresh.append(p)
            elif stored_hash == p.event_hash:
                self.report.duplicates.append(p.event_id)
            else:
                conflicting.append(p)
        if conflicting:
            self._report_log_conflicts(conflicting)
        return fresh

    def _report_log_conflicts(self, conflicting: list[Prepared]) -> None:
        """Name the log entry each conflicting event clashes with (rare: one more query, payloads included)."""
        table = Event.__table__
        entries = {(event_id, declares_error): rest for event_id, declares_error, *rest in self.session.execute(
            select(table.c.event_id, table.c.declares_error, table.c.id, table.c.capture_id, table.c.event_hash,
                   table.c.payload)
            .where(table.c.event_id.in_([p.event_id for p in conflicting])))}
        for p in conflicting:
            seq, capture_id, stored_hash, payload = entries[(p.event_id, p.declares_error)]
            self.errors.append(_conflict(self.seen[(p.event_id, p.declares_error)][0], p,
                                         f"log entry {seq} (capture {capture_id})", stored_hash,
                                         orjson.loads(payload)))

    def _earlier_event(self, key: _Key) -> Mapping[str, Any] | None:
        """The earlier event of this document with ``key``: still waiting to be written, or written already."""
        for batch in (self.pending, *self.spool):
            for p in batch:
                if (p.event_id, p.declares_error) == key:
                    return p.event
        if self.head is None:
            return None  # a dry run keeps nothing it has counted
        table = Event.__table__
        payload = self.session.scalar(select(table.c.payload).where(
            table.c.event_id == key[0], table.c.declares_error == key[1]))
        return None if payload is None else orjson.loads(payload)
