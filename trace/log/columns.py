"""The columns of a log row that repeat fields of its event: written by capture, checked by audit.

A log row keeps the canonical event as ``payload`` (covered by the hash chain) and, for
queries, pages and projections, some of its fields again as columns. :func:`derived_columns`
is the one definition of those columns: capture writes what it returns, and ``audit
verify`` recomputes it from each stored payload and names any column that does not hold.
So the two can never disagree about what a column should say.

Not derived from the payload, and so not checked here: ``id`` (the log position, checked by
the chain walk), ``event_hash``, ``payload`` and ``chain_hash`` (the chain itself),
``capture_id`` (which capture wrote the row) and ``retracted_by`` (a projection, checked by
``rebuild --check``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from cradletrace.models import Action, EventType
from cradletrace.timestamps import to_utc

EVENT_TYPES = {t.value: t for t in EventType}
ACTIONS = {a.value: a for a in Action}

# event_id first: the audit walk reads it at a fixed place in each row.
DERIVED_COLUMNS = ("event_id", "event_type", "action", "biz_step", "disposition", "event_time",
                   "event_time_offset", "record_time", "declares_error", "read_point_id", "biz_location_id")
"""The derived columns of ``events``, in the order :func:`derived_columns` returns them."""

PLACE_COLUMNS = {"read_point_id": "readPoint", "biz_location_id": "bizLocation"}
"""Columns that hold the node id of a place the event names, and the event field naming it."""


# One capture gives all its events one recordTime: parse each only once.
_record_time = lru_cache(maxsize=4096)(to_utc)


def _identifier(identifier: str) -> str:
    return identifier


def derived_columns(event: Mapping[str, Any], node: Callable[[str], Any] = _identifier) -> dict[str, Any]:
    """The derived columns of the log row of ``event`` (a canonical event as stored: eventID and recordTime set).

    Parameters
    ----------
    event : mapping
        The canonical event, as :func:`cradletrace.log.prepare.prepare` made it (or as decoded
        from a stored payload).
    node : callable, optional
        Maps a place identifier (readPoint, bizLocation) to what the column holds: capture
        passes its node id lookup; by default the identifier itself is returned, which is what
        ``audit verify`` compares with the identifier of the node a row points to.

    Returns
    -------
    dict
        Column name -> value, keys in the order of :data:`DERIVED_COLUMNS`.

    Examples
    --------
    >>> row = derived_columns({"type": "ObjectEvent", "action": "OBSERVE", "eventID": "urn:uuid:1",
    ...                        "eventTime": "2025-01-01T10:00:00+01:00", "eventTimeZoneOffset": "+01:00",
    ...                        "recordTime": "2025-01-02T00:00:00.000Z", "bizStep": "shipping",
    ...                        "bizLocation": {"id": "urn:epc:id:sgln:9520123.45678.0"}})
    >>> row["event_type"], row["action"], row["biz_step"], row["disposition"]
    (<EventType.OBJECT: 'ObjectEvent'>, <Action.OBSERVE: 'OBSERVE'>, 'shipping', None)
    >>> row["event_time"].isoformat(), row["read_point_id"], row["biz_location_id"]
    ('2025-01-01T09:00:00', None, 'urn:epc:id:sgln:9520123.45678.0')
    >>> list(row) == list(DERIVED_COLUMNS)
    True
    """
    read_point, biz_location = event.get("readPoint"), event.get("bizLocation")
    return {
        "event_id": event["eventID"],
        "event_type": EVENT_TYPES[event["type"]],
        "action": ACTIONS.get(event.get("action")),  # type: ignore[arg-type]
        "biz_step": event.get("bizStep"),
        "disposition": event.get("disposition"),
        "event_time": to_utc(event["eventTime"]),
        "event_time_offset": event["eventTimeZoneOffset"],
        "record_time": _record_time(event["recordTime"]),
        "declares_error": "errorDeclaration" in event,
        "read_point_id": node(read_point["id"]) if read_point else None,
        "biz_location_id": node(biz_location["id"]) if biz_location else None,
    }


def places(event: Mapping[str, Any]) -> list[str]:
    """The place identifiers ``event`` names (readPoint, bizLocation), for resolving their nodes first.

    Examples
    --------
    >>> places({"readPoint": {"id": "urn:a"}, "bizLocation": {"id": "urn:b"}}), places({})
    (['urn:a', 'urn:b'], [])
    """
    return [event[f]["id"] for f in PLACE_COLUMNS.values() if event.get(f)]
