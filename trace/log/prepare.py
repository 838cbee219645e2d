"""A validated event made ready for the log: its event hash, eventID, recordTime and canonical payload.

Kept apart from :mod:`cradletrace.log.capture` so that the reader process
(:mod:`cradletrace.log.reader_process`) prepares events with the very same code.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from cradletrace.errors import TraceError
from cradletrace.epcis.eventhash import event_hash
from cradletrace.timestamps import to_utc


@dataclass
class Prepared:
    """One event ready to append: the canonical event and what the log row needs of it."""

    event: dict[str, Any]
    event_id: str
    event_hash: str
    declares_error: bool
    event_time: datetime
    payload: str


def prepare(event: dict[str, Any], record_iso: str) -> Prepared:
    """Hash ``event`` (a validated canonical event), give it its eventID and recordTime, serialise it.

    An event without an eventID gets its hash as ID; the stored payload is the canonical
    JSON with sorted keys, which ``audit verify --deep`` and ``rebuild`` read back.

    Examples
    --------
    >>> p = prepare({"type": "ObjectEvent", "action": "OBSERVE", "epcList": [],
    ...              "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00"},
    ...             "2025-01-02T00:00:00.000Z")
    >>> p.event_id == p.event_hash, p.event["recordTime"], p.event_time.isoformat()
    (True, '2025-01-02T00:00:00.000Z', '2025-01-01T00:00:00')
    """
    computed = event_hash(event)
    event_id = event.get("eventID") or computed
    event["eventID"] = event_id
    event["recordTime"] = record_iso
    return Prepared(
        event=event,
        event_id=event_id,
        event_hash=computed,
        declares_error="errorDeclaration" in event,
        event_time=to_utc(event["eventTime"]),
        payload=orjson.dumps(event, option=orjson.OPT_SORT_KEYS).decode(),
    )


def prepared_items(events: Iterable[tuple[int, dict[str, Any], list[TraceError]]],
                   record_iso: str) -> Generator[tuple[int, Prepared | None, list[TraceError]], None, None]:
    """Validated events as ``(index, prepared or None, errors)``, in capture and in the reader process alike.

    Once an event has failed nothing will be written, so later events are only checked.
    """
    failed = False
    for index, event, errors in events:
        failed = failed or bool(errors)
        yield index, (None if failed else prepare(event, record_iso)), errors
