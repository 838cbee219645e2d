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
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import threading
from collections.abc import Generator
from pathlib import Path
from typing import Any

import orjson

from cradletrace.epcis import read_document
from cradletrace.errors import TraceError
from cradletrace.log.prepare import Prepared, prepared_items

READER_PROCESS_BYTES = 4_000_000
"""Documents at least this large (about 7,000 events) are read in a second process."""

_BATCH = 500
_AHEAD = 16  # batches the reader may run ahead: 8,000 events, about 25 MB
_Item = tuple[int, Prepared | None, list[TraceError]]


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


def prepared_events(source: Any, *, format: str | None, name: str | None,
                    record_iso: str) -> tuple[str | None, Generator[_Item, None, None]]:
    """The document's name and its events as ``(index, prepared or None, errors)``, read in a reader process.

    Raises (from the iterator) what reading the document would raise: an
    :class:`~cradletrace.errors.InvalidInput` for a document that cannot be read.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    reader = context.Process(target=_read, args=(source, format, name, record_iso, sender), daemon=True,
                             name="cradletrace-capture-reader")
    reader.start()
    sender.close()
    try:
        first = _receive(receiver, reader)
    except BaseException:
        _stop(receiver, reader)
        raise
    return first, _items(receiver, reader)


def _items(receiver: Any, reader: Any) -> Generator[_Item, None, None]:
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


def _read(source: Any, format: str | None, name: str | None, record_iso: str, sender: Any) -> None:
    """The reader process: the document's name, then batches of prepared events, then ``None``."""
    gc.disable()  # as in the capturing process: the cyclic collector slows large parses down
    try:
        document = read_document(source, format=format, name=name)
        sender.send(document.name or name)
        batch: list[tuple[int, tuple[Any, ...] | None, list[TraceError]]] = []
        for index, p, errors in prepared_items(document.events, record_iso):
            # The event dict is not sent: the capturing process decodes it from the payload.
            fields = None if p is None else (p.event_id, p.event_hash, p.declares_error, p.event_time, p.payload)
            batch.append((index, fields, errors))
            if len(batch) >= _BATCH:
                sender.send(batch)
                batch = []
        sender.send(batch)
        sender.send(None)
    except TraceError as exc:
        sender.send(exc)
    except BaseException as exc:  # noqa: BLE001 - reported in the capturing process, not lost here
        sender.send(TraceError(f"the capture reader process failed: {exc!r}"))
    finally:
        sender.close()
