"""EPCIS query parameters over the log, with | alternatives, any identifier form and keyset paging."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from cradletrace.log.capture import capture_events
from cradletrace.errors import InvalidInput
from cradletrace.query.events import iter_events, query_events

GTIN = "09506000134352"
UNIT = f"https://id.gs1.org/01/{GTIN}/21/"
LOT = f"https://id.gs1.org/01/{GTIN}/10/"
SITE = "https://id.gs1.org/414/9520123456788"


def ev(kind="ObjectEvent", time="2025-01-01T10:00:00Z", **fields):
    return {"type": kind, "eventTime": time, "eventTimeZoneOffset": "+00:00", **fields}


@pytest.fixture
def log(session: Session) -> Session:
    capture_events(session, [
        ev(action="ADD", epcList=[UNIT + "1", UNIT + "2"], bizStep="commissioning", disposition="active",
           time="2025-01-01T08:00:00Z", readPoint={"id": SITE}),
        ev("AggregationEvent", action="ADD", parentID="https://id.gs1.org/00/095060001343520000",
           childEPCs=[UNIT + "1"], bizStep="packing", time="2025-01-02T08:00:00Z"),
        ev(action="OBSERVE", epcList=[UNIT + "1"], bizStep="shipping", disposition="in_transit",
           time="2025-01-03T08:00:00Z", bizLocation={"id": SITE},
           bizTransactionList=[{"type": "po", "bizTransaction": "urn:example:po:1"}]),
        ev("TransformationEvent", inputQuantityList=[{"epcClass": LOT + "A", "quantity": 3, "uom": "KGM"}],
           outputEPCList=[UNIT + "3"], time="2025-01-04T08:00:00Z"),
        ev(action="OBSERVE", quantityList=[{"epcClass": LOT + "A", "quantity": 10, "uom": "KGM"}],
           bizStep="receiving", time="2025-01-01T07:00:00Z"),
    ])
    return session


def steps(page) -> list[str]:
    return [e.get("bizStep", e["type"]) for e in page.events]


def test_all_events_in_log_order(log: Session) -> None:
    assert steps(query_events(log, {})) == ["commissioning", "packing", "shipping", "TransformationEvent", "receiving"]


@pytest.mark.parametrize("params, expected", [
    ({"EQ_bizStep": "shipping|packing"}, ["packing", "shipping"]),
    ({"EQ_bizStep": "urn:epcglobal:cbv:bizstep:shipping"}, ["shipping"]),
    ({"eventType": "TransformationEvent"}, ["TransformationEvent"]),
    ({"EQ_action": "ADD"}, ["commissioning", "packing"]),
    ({"EQ_disposition": "in_transit"}, ["shipping"]),
    ({"GE_eventTime": "2025-01-02T08:00:00Z", "LT_eventTime": "2025-01-04T08:00:00Z"}, ["packing", "shipping"]),
    ({"MATCH_epc": "urn:epc:id:sgtin:9506000.013435.1"}, ["commissioning", "packing", "shipping"]),
    ({"MATCH_epc": f"(01){GTIN}(21)2"}, ["commissioning"]),
    ({"MATCH_epc": "urn:epc:idpat:sgtin:9506000.013435.*"}, ["commissioning", "packing", "shipping"]),
    ({"MATCH_parentID": "urn:epc:id:sscc:9506000.0134352000"}, ["packing"]),
    ({"MATCH_outputEPC": UNIT + "3"}, ["TransformationEvent"]),
    ({"MATCH_anyEPC": UNIT + "3"}, ["TransformationEvent"]),
    ({"MATCH_inputEPCClass": LOT + "A"}, ["TransformationEvent"]),
    ({"MATCH_epcClass": LOT + "A"}, ["receiving"]),
    ({"MATCH_anyEPCClass": f"https://id.gs1.org/01/{GTIN}"}, ["TransformationEvent", "receiving"]),
    ({"EQ_bizTransaction_po": "urn:example:po:1"}, ["shipping"]),
    ({"EQ_readPoint": SITE}, ["commissioning"]),
    ({"EQ_bizLocation": "urn:epc:id:sgln:9520123.45678.0"}, ["shipping"]),
    ({"EXISTS_errorDeclaration": "true"}, []),
    ({"orderBy": "eventTime"}, ["TransformationEvent", "shipping", "packing", "commissioning", "receiving"]),
    ({"orderBy": "eventTime", "orderDirection": "ASC"}, ["receiving", "commissioning", "packing", "shipping", "TransformationEvent"]),
])
def test_parameters(log: Session, params: dict, expected: list[str]) -> None:
    assert steps(query_events(log, params)) == expected


def test_event_id_and_record_time(log: Session) -> None:
    first = query_events(log, {}).events[0]
    assert steps(query_events(log, {"EQ_eventID": first["eventID"]})) == ["commissioning"]
    assert len(query_events(log, {"GE_recordTime": first["recordTime"]}).events) == 5
    assert query_events(log, {"LT_recordTime": first["recordTime"]}).events == []


@pytest.mark.parametrize("order", [{}, {"orderBy": "eventTime"}, {"orderBy": "recordTime", "orderDirection": "ASC"}])
def test_paging_visits_every_event_once(log: Session, order: dict) -> None:
    seen, token = [], None
    while True:
        page = query_events(log, {**order, "perPage": "2", **({"nextPageToken": token} if token else {})})
        seen += [e["eventID"] for e in page.events]
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == sorted(e["eventID"] for e in query_events(log, {}).events)
    assert len(seen) == 5
    assert list(e["eventID"] for e in iter_events(log, order, page_size=2)) == seen


@pytest.mark.parametrize("params, where", [
    ({"EQ_bogus": "x"}, "EQ_bogus"),
    ({"perPage": "0"}, "perPage"),
    ({"GE_eventTime": "yesterday"}, "GE_eventTime"),
    ({"orderBy": "bizStep"}, "orderBy"),
    ({"nextPageToken": "garbage"}, "nextPageToken"),
    ({"eventType": "SpaceEvent"}, "eventType"),
])
def test_bad_parameters_are_named(log: Session, params: dict, where: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        query_events(log, params)
    assert where in str(caught.value)


def test_token_of_another_query_is_refused(log: Session) -> None:
    token = query_events(log, {"perPage": "1"}).next_page_token
    with pytest.raises(InvalidInput, match="different query"):
        query_events(log, {"perPage": "1", "EQ_bizStep": "shipping", "nextPageToken": token})
