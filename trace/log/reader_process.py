"""Read, validate and prepare a large document in a second process while the first one writes.

Parsing, validating, hashing and serialising an event costs about as much as writing it
(BENCHMARKS.md), and on a machine with more than one core the two can overlap. For a large
document given as bytes or as a path, :func:`prepared_events` forks a reader process that
runs :func:`cradletrace.epcis.read_document` and :func:`cradletrace.log.prepare.prepare` on every
event and sends the results through a pipe in batches; the capturing process only decodes
each payload back into the event dict (the form ``rebuild`` reads too) and writes.

The reader touches no database: it works on its own copy of the document and sends back
plain tuples and :class:`~cradletrace.errors.TraceError` objects. The pipe's buffer bounds
how far it runs ahead. Closing the generator (an abandoned capture) stops the reader.

The reader never outlives the capturing process, even one killed with ``kill -9``: each
process closes the pipe end it does not use, so a reader writing to a dead parent gets a
broken pipe; on Linux the kernel also sends it SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); and everywhere a watchdog thread ends it once its parent
process is no longer its parent (``os.getppid()`` changes when the parent dies), which also
covers a reader busy parsing rather than writing.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import orjson

from cradletrace.epcis import read_document
from cradletrace.epcis.limits import resolve_limits
from cradletrace.errors import TraceError
from cradletrace.log.prepare import Prepared, prepared_items
from cradletrace.settings import Limits

READER_PROCESS_BYTES = 4_000_000
"""Documents at least this large (about 7,000 events) are read in a second process."""

_BATCH = 500
_AHEAD = 16  # batches the reader may run ahead: 8,000 events, about 25 MB
_Item = tuple[int, Prepared | None, list[TraceError]]
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCH_SECONDS = 0.2  # how often the reader's watchdog looks for its parent


def readable_elsewhere(source: Any) -> bool:
    """Whether a forked reader process can read ``source`` on its own: bytes or a path, where ``fork`` exists.

    An open stream cannot be shared (both processes would move its position).
    """
    return (isinstance(source, (bytes, bytearray, memoryview, str, os.PathLike))
            and "fork" in multiprocessing.get_all_start_methods())


def worth_a_reader(source: Any) -> bool:
    """Whether ``source`` is large enough for a reader process, and there is a second core to run it on."""
    if (os.cpu_count() or 1) < 2 or not readable_elsewhere(source):
        return False
    if isinstance(source, (bytes, bytearray, memoryview)):
        return len(source) >= READER_PROCESS_BYTES
    try:
        return Path(source).stat().st_size >= READER_PROCESS_BYTES
    except OSError:
        return False  # let the ordinary path report the missing file


def prepared_events(source: Any, *, format: str | None, name: str | None, record_iso: str,
                    limits: Limits | None = None,
                    header: dict[str, Any] | None = None) -> tuple[str | None, Generator[_Item, None, None]]:
    """The document's name and its events as ``(index, prepared or None, errors)``, read in a reader process.

    Once the events are read, ``header`` (if given) receives the document's master data
    (``epcisHeader``), its ``namespaces`` and its ``format``.

    Raises (from the iterator) what reading the document would raise: an
    :class:`~cradletrace.errors.InvalidInput` for a document that cannot be read, a
    :class:`~cradletrace.errors.LimitExceeded` for one beyond ``limits`` (``CRADLETRACE_MAX_*``
    when not given), naming the event index and field as in one process.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # The death signal follows the thread that forks: only the main thread lives as long as the process.
    main_thread = threading.current_thread() is threading.main_thread()
    reader = context.Process(target=_read, args=(source, format, name, record_iso, resolve_limits(limits), sender,
                                                 receiver, os.getpid(), main_thread),
                             daemon=True, name="cradletrace-capture-reader")
    reader.start()
    sender.close()  # the reader holds the only write end: its exit is our EOF
    try:
        first = _receive(receiver, reader)
    except BaseException:
        _stop(receiver, reader)
        raise
    return first, _items(receiver, reader, {} if header is None else header)


def _items(receiver: Any, reader: Any, header: dict[str, Any]) -> Generator[_Item, None, None]:
    # A thread drains the pipe into a bounded queue, so the reader can run up to
    # _AHEAD batches ahead while this process writes (a pipe alone holds one batch:
    # the reader would wait for every read, and the two would take turns).
    ahead: queue.Queue[Any] = queue.Queue(maxsize=_AHEAD)

    def pump() -> None:  # ends after the final None, or on EOF once the reader is ended
        try:
            while True:
                message = _receive(receiver, reader)
                ahead.put(message)
                if message is None:
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the capturing thread
            ahead.put(exc)

    pumping = threading.Thread(target=pump, name="cradletrace-capture-pump", daemon=True)
    pumping.start()
    try:
        while (message := ahead.get()) is not None:
            if isinstance(message, BaseException):
                raise message
            if isinstance(message, dict):
                header.update(message)
                continue
            for index, fields, errors in message:
                if fields is None:
                    yield index, None, errors
                else:
                    event_id, computed, declares_error, event_time, payload = fields
                    yield index, Prepared(orjson.loads(payload), event_id, computed, declares_error, event_time,
                                          payload), []
    finally:
        # Stop the reader first: its end of the pipe closes, so the pump's read returns;
        # only then close ours (closing a descriptor another thread reads is unsafe).
        _end(reader)
        while pumping.is_alive():  # unblock a pump waiting to put into a full queue
            try:
                ahead.get_nowait()
            except queue.Empty:
                pass
            pumping.join(timeout=0.05)
        receiver.close()


def _receive(receiver: Any, reader: Any) -> Any:
    try:
        message = receiver.recv()
    except EOFError:
        # Killed (out of memory, a signal): one clear error, the capture writes nothing.
        raise TraceError("the capture reader process ended before the end of the document") from None
    if isinstance(message, BaseException):
        raise message
    return message


def _end(reader: Any) -> None:
    if reader.is_alive():
        reader.terminate()
    reader.join()


def _stop(receiver: Any, reader: Any) -> None:
    _end(reader)
    receiver.close()


class _ParentGone(Exception):
    """The capturing process closed its end of the pipe (it ended): nobody is left to read for."""


def _read(source: Any, format: str | None, name: str | None, record_iso: str, limits: Limits, sender: Any,
          receiver: Any, parent: int, main_thread: bool) -> None:
    """The reader process: the document's name, then batches of prepared events, then ``None``."""
    receiver.close()  # else a dead parent's pipe stays open, and a full pipe blocks this process for ever
    _follow_parent(parent, death_signal=main_thread)
    gc.disable()  # as in the capturing process: the cyclic collector slows large parses down

    def send(message: Any) -> None:
        try:
            sender.send(message)
        except (BrokenPipeError, ConnectionResetError):
            raise _ParentGone from None

    index = -1
    try:
        try:
            document = read_document(source, format=format, name=name, limits=limits)
            send(document.name or name)
            batch: list[tuple[int, tuple[Any, ...] | None, list[TraceError]]] = []
            for index, p, errors in prepared_items(document.events, record_iso):
                # The event dict is not sent: the capturing process decodes it from the payload.
                fields = None if p is None else (p.event_id, p.event_hash, p.declares_error, p.event_time, p.payload)
                batch.append((index, fields, errors))
                if len(batch) >= _BATCH:
                    send(batch)
                    batch = []
            send(batch)
            send({key: document.header[key] for key in ("epcisHeader", "namespaces") if key in document.header}
                 | {"format": document.format})
            send(None)
        except TraceError as exc:
            send(exc)
        except _ParentGone:
            raise
        except BaseException as exc:  # noqa: BLE001 - reported in the capturing process, not lost here
            send(TraceError(f"the capture reader process failed after event[{index}]: {exc!r}"
                            if index >= 0 else f"the capture reader process failed: {exc!r}"))
    except _ParentGone:
        return  # quietly: the capture is over
    finally:
        sender.close()


def _follow_parent(parent: int, *, death_signal: bool) -> None:
    """End this process when ``parent`` ends: a kernel death signal where there is one, and a watchdog thread."""
    if death_signal and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl in this C library: the watchdog is enough
            pass
    watchdog = threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                                name="cradletrace-capture-reader-watchdog")
    watchdog.start()


def _watch_parent(parent: int) -> None:
    # A process whose parent died is adopted (by init or a subreaper): its parent ID changes.
    # The first look comes at once, in case the parent died before the death signal was set.
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)
