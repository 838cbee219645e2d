"""cradletrace.log.prepare: eventID, recordTime, event hash and the stored canonical payload."""

from __future__ import annotations

from datetime import datetime

import orjson

from cradletrace.epcis.eventhash import event_hash
from cradletrace.log.prepare import prepare

RECORDED = "2025-06-01T12:00:00.000Z"


def _event(**fields):  # type: ignore[no-untyped-def]
    return {"type": "ObjectEvent", "action": "OBSERVE", "epcList": ["https://id.gs1.org/01/09506000134352/21/1"],
            "eventTime": "2025-06-01T10:30:00.250+02:00", "eventTimeZoneOffset": "+02:00", **fields}


def test_an_event_without_id_gets_its_hash() -> None:
    p = prepare(_event(), RECORDED)
    assert p.event_id == p.event_hash == event_hash(_event())
    assert p.event["eventID"] == p.event_id and p.event["recordTime"] == RECORDED
    assert p.event_time == datetime(2025, 6, 1, 8, 30, 0, 250000) and not p.declares_error


def test_an_event_keeps_its_own_id_and_the_hash_is_still_computed() -> None:
    p = prepare(_event(eventID="urn:uuid:6f2b3c4e-0000-4000-8000-000000000001"), RECORDED)
    assert p.event_id == "urn:uuid:6f2b3c4e-0000-4000-8000-000000000001"
    assert p.event_hash == event_hash(_event()) != p.event_id


def test_the_payload_is_the_event_with_sorted_keys() -> None:
    p = prepare(_event(errorDeclaration={"declarationTime": "2025-06-02T00:00:00Z"}), RECORDED)
    assert p.declares_error
    assert orjson.loads(p.payload) == p.event
    assert p.payload == orjson.dumps(p.event, option=orjson.OPT_SORT_KEYS).decode()
    assert list(orjson.loads(p.payload)) == sorted(p.event)


def test_items_after_a_failure_are_only_checked() -> None:
    from cradletrace.errors import InvalidInput
    from cradletrace.log.prepare import prepared_items

    fault = InvalidInput("bad", where="event[1].bizStep")
    items = list(prepared_items([(0, _event(), []), (1, _event(), [fault]), (2, _event(), [])], RECORDED))
    assert [(i, p is not None, errors) for i, p, errors in items] == [(0, True, []), (1, False, [fault]),
                                                                       (2, False, [])]
