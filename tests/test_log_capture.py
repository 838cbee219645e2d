"""The capture path: all-or-nothing documents, dedup, server recordTime, chain, projections, retractions."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.log.capture import capture_document, capture_events
from cradletrace.errors import DocumentConflict, EventConflict, InvalidInput, ValidationFailed
from cradletrace.epcis.eventhash import event_hash
from cradletrace.log import capture
from cradletrace.models import Capture, Edge, EdgeKind, Event, LifecycleStatus, LogHead, Node, UnitState

GTIN = "09506000134352"
UNIT = f"https://id.gs1.org/01/{GTIN}/21/"
LOT = f"https://id.gs1.org/01/{GTIN}/10/"


def obj(epcs, *, action="OBSERVE", biz_step=None, time="2025-01-01T10:00:00.000+01:00", **extra):
    event = {"type": "ObjectEvent", "action": action, "epcList": list(epcs), "eventTime": time,
             "eventTimeZoneOffset": time[-6:]}
    if biz_step:
        event["bizStep"] = biz_step
    event.update(extra)
    return event


def document(events) -> bytes:
    return orjson.dumps({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
        "epcisBody": {"eventList": list(events)},
    })


def count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_document_is_captured_with_hash_ids_and_server_record_time(session: Session) -> None:
    events = [obj([UNIT + "1", UNIT + "2"], action="ADD", biz_step="commissioning", disposition="active",
                  recordTime="1999-01-01T00:00:00Z")]
    report = capture_document(session, document(events), name="doc.jsonld")
    assert report.captured == 1 and report.duplicates == []
    row = session.execute(select(Event)).scalar_one()
    payload = orjson.loads(row.payload)
    assert row.event_id == row.event_hash == report.event_ids[0]
    assert row.event_id.startswith("ni:///sha-256;") and row.event_id.endswith("?ver=CBV2.0")
    assert payload["recordTime"] != "1999-01-01T00:00:00Z", "the server sets recordTime"
    assert row.capture_id == report.capture_id
    assert session.get(LogHead, 1).last_seq == 1


def test_given_event_id_is_kept_and_hash_stored(session: Session) -> None:
    event = obj([UNIT + "3"], eventID="urn:uuid:0b2b6f4e-8a7c-4f4a-9f56-1b2c3d4e5f60")
    capture_events(session, [event])
    row = session.execute(select(Event)).scalar_one()
    assert row.event_id == "urn:uuid:0b2b6f4e-8a7c-4f4a-9f56-1b2c3d4e5f60"
    assert row.event_hash == event_hash(event)


def test_recapture_is_reported_as_duplicates_and_writes_nothing(session: Session) -> None:
    doc = document([obj([UNIT + "1"], action="ADD", biz_step="commissioning"), obj([UNIT + "1"], biz_step="shipping")])
    first = capture_document(session, doc)
    before = count(session, Event), count(session, Edge), session.get(LogHead, 1).chain_hash
    second = capture_document(session, doc)
    assert first.captured == 2
    assert second.captured == 0 and sorted(second.duplicates) == sorted(first.event_ids)
    assert (count(session, Event), count(session, Edge), session.get(LogHead, 1).chain_hash) == before


def test_same_event_twice_in_one_document_is_stored_once(session: Session) -> None:
    event = obj([UNIT + "7"])
    report = capture_document(session, document([event, dict(event)]))
    assert report.captured == 1 and len(report.duplicates) == 1


def test_one_bad_event_rejects_the_whole_document(session: Session) -> None:
    good = obj([UNIT + "1"], action="ADD", biz_step="commissioning")
    bad = obj([UNIT + "2"], action="JUMP")
    worse = obj([UNIT + "3"], time="yesterday")
    with pytest.raises(ValidationFailed) as caught:
        capture_document(session, document([good, bad, worse]), name="mixed.jsonld")
    wheres = [e.where or "" for e in caught.value.errors]
    assert any(w.startswith("event[1]") and "action" in w for w in wheres), wheres
    assert any(w.startswith("event[2]") and "eventTime" in w for w in wheres), wheres
    assert "mixed.jsonld" in str(caught.value)
    # capture never commits: the caller rolls back; nothing reached the log before the error
    assert count(session, Event) == 0


def test_not_a_document_is_a_clear_error(session: Session) -> None:
    with pytest.raises(InvalidInput):
        capture_document(session, b"this is not EPCIS", name="junk.txt")


def test_projections_edges_and_state(session: Session) -> None:
    board, pack, lot = UNIT + "B1", UNIT + "P1", LOT + "L1"
    capture_events(session, [
        {"type": "TransformationEvent", "eventTime": "2025-01-01T08:00:00Z", "eventTimeZoneOffset": "+00:00",
         "inputQuantityList": [{"epcClass": lot, "quantity": 2.0, "uom": "KGM"}],
         "outputEPCList": [board], "bizStep": "commissioning", "disposition": "active"},
        obj([pack], action="ADD", biz_step="commissioning", time="2025-01-01T09:00:00.000+00:00"),
        {"type": "AggregationEvent", "action": "ADD", "parentID": pack, "childEPCs": [board],
         "eventTime": "2025-01-01T10:00:00Z", "eventTimeZoneOffset": "+00:00", "bizStep": "assembling",
         "bizTransactionList": [{"type": "po", "bizTransaction": "urn:example:po:42"}]},
        obj([pack], biz_step="shipping", disposition="in_transit", time="2025-01-02T10:00:00.000+00:00",
            bizLocation={"id": "https://id.gs1.org/414/9520123456788"},
            destinationList=[{"type": "owning_party", "destination": "https://id.gs1.org/417/9520999999990"}]),
    ])
    ids = dict(session.execute(select(Node.identifier, Node.id)).all())
    kinds = {(e.kind, e.src, e.dst) for e in session.execute(select(Edge)).scalars()}
    assert (EdgeKind.INPUT_OF, ids[lot], ids[board]) in kinds
    assert (EdgeKind.PART_OF, ids[board], ids[pack]) in kinds
    assert (EdgeKind.DOCUMENTED_BY, ids[pack], ids["urn:example:po:42"]) in kinds
    mass = session.execute(select(Edge.mass_kg).where(Edge.kind == EdgeKind.INPUT_OF)).scalar_one()
    assert mass == pytest.approx(2.0)
    state = session.get(UnitState, ids[pack])
    assert state.status is LifecycleStatus.ACTIVE
    assert state.disposition == "in_transit" and state.biz_step == "shipping"
    assert state.biz_location_id == ids["https://id.gs1.org/414/9520123456788"]
    assert state.owner_id == ids["https://id.gs1.org/417/9520999999990"]
    assert session.get(UnitState, ids[lot]).status is LifecycleStatus.ACTIVE, "a partial draw leaves the lot active"


def test_unpacking_closes_part_of(session: Session) -> None:
    parent, child = "https://id.gs1.org/00/095060001343520000", UNIT + "C1"
    capture_events(session, [
        {"type": "AggregationEvent", "action": "ADD", "parentID": parent, "childEPCs": [child],
         "eventTime": "2025-01-01T10:00:00Z", "eventTimeZoneOffset": "+00:00", "bizStep": "packing"},
        {"type": "AggregationEvent", "action": "DELETE", "parentID": parent,
         "eventTime": "2025-01-03T10:00:00Z", "eventTimeZoneOffset": "+00:00", "bizStep": "unpacking"},
    ])
    edge = session.execute(select(Edge).where(Edge.kind == EdgeKind.PART_OF)).scalar_one()
    assert edge.valid_to is not None and edge.closed_by is not None


def test_error_declaration_retracts_without_deleting(session: Session) -> None:
    parent, child = UNIT + "PX", UNIT + "CX"
    packing = {"type": "AggregationEvent", "action": "ADD", "parentID": parent, "childEPCs": [child],
               "eventTime": "2025-01-01T10:00:00Z", "eventTimeZoneOffset": "+00:00", "bizStep": "assembling",
               "disposition": "in_progress"}
    capture_events(session, [obj([child], action="ADD", biz_step="commissioning", disposition="active",
                                 time="2025-01-01T09:00:00.000+00:00"), packing])
    declaration = {**packing, "errorDeclaration": {"declarationTime": "2025-01-02T00:00:00Z",
                                                   "reason": "incorrect_data"}}
    report = capture_events(session, [declaration])
    assert report.captured == 1, "a declaration is a new log entry, not a duplicate"
    rows = session.execute(select(Event).order_by(Event.id)).scalars().all()
    assert len(rows) == 3 and rows[1].retracted_by == rows[2].id and rows[2].declares_error
    edge = session.execute(select(Edge).where(Edge.kind == EdgeKind.PART_OF)).scalar_one()
    assert edge.retracted
    child_id = session.scalar(select(Node.id).where(Node.identifier == child))
    assert session.get(UnitState, child_id).disposition == "active", "state refolded without the retracted event"


def test_dry_run_writes_nothing(session: Session) -> None:
    report = capture_document(session, document([obj([UNIT + "9"])]), dry_run=True)
    assert report.captured == 1 and report.capture_id is None
    assert count(session, Event) == 0


def test_file_object_source(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonld"
    path.write_bytes(document([obj([UNIT + "11"])]))
    with path.open("rb") as fp:
        assert capture_document(session, fp).captured == 1
    assert capture_document(session, io.BytesIO(document([obj([UNIT + "12"])]))).captured == 1


def test_a_late_event_refolds_the_state_in_event_time_order(session: Session) -> None:
    """History that arrives out of order gives the state its events give in time order."""
    from cradletrace.log.rebuild import check_projections

    unit, site = UNIT + "LATE1", "https://id.gs1.org/414/9520123456788"
    owner = "https://id.gs1.org/417/9520999999990"
    capture_events(session, [obj([unit], biz_step="shipping", disposition="in_transit",
                                 time="2025-03-01T10:00:00.000+00:00")])
    # Earlier in time, captured later (a partner's backlog): it commissioned the unit and
    # set an owner; it must not undo the later shipping.
    capture_events(session, [obj([unit], action="ADD", biz_step="commissioning", disposition="active",
                                 time="2025-01-01T10:00:00.000+00:00", bizLocation={"id": site},
                                 destinationList=[{"type": "owning_party", "destination": owner}])])
    ids = dict(session.execute(select(Node.identifier, Node.id)).all())
    state = session.get(UnitState, ids[unit])
    session.refresh(state)
    assert (state.biz_step, state.disposition) == ("shipping", "in_transit")
    assert state.owner_id == ids[owner] and state.biz_location_id == ids[site]
    assert state.commissioned_at.isoformat() == "2025-01-01T10:00:00"
    assert check_projections(session) == []


def test_a_library_capture_leaves_the_garbage_collector_alone(session: Session,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Pausing the cyclic collector is process-wide: two threads of a web server capturing at
    # once would race on it. The library never touches it; the CLI, which owns its process, does.
    import gc

    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(gc, "enable", lambda: calls.append("enable"))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    enabled = gc.isenabled()
    capture_document(session, document([obj([f"urn:epc:id:sgtin:9506000.013435.{i}"]) for i in range(3)]))
    capture_events(session, [obj(["urn:epc:id:sgtin:9506000.013435.9"])])
    assert calls == [] and gc.isenabled() == enabled


# Conflicts: an eventID seen again with a different event hash rejects the document.

EVENT_ID = "urn:uuid:7d4c1a52-3f0e-4b8e-9a61-2c9f0e5b7a11"


@pytest.mark.parametrize("reader_process", [False, True], ids=["in-process", "reader-process"])
def test_conflict_within_one_document_rejects_it_and_names_both_events(session: Session, reader_process: bool) -> None:

    first = obj([UNIT + "C1"], biz_step="shipping", eventID=EVENT_ID)
    other = obj([UNIT + "C2"])
    second = obj([UNIT + "C1"], biz_step="receiving", eventID=EVENT_ID)
    with pytest.raises(DocumentConflict) as caught:
        capture_document(session, document([first, other, second]), name="twice.jsonld", reader_process=reader_process)
    assert isinstance(caught.value, ValidationFailed) and caught.value.http_status == 409
    [error] = caught.value.errors
    assert isinstance(error, EventConflict) and error.code == "conflict"
    message = str(error)
    assert message.startswith("event[2].eventID: ") and EVENT_ID in message and "event[0] of this document" in message
    assert event_hash(first) in message and event_hash(second) in message
    assert "fields that differ: bizStep" in message
    assert count(session, Event) == 0 and count(session, Capture) == 0


def test_conflict_with_the_log_rejects_the_document_and_writes_nothing(session: Session) -> None:

    logged = capture_document(session, document([obj([UNIT + "L1"], biz_step="shipping", eventID=EVENT_ID)]))
    before = count(session, Event), count(session, Capture), session.get(LogHead, 1).chain_hash
    changed = obj([UNIT + "L1"], biz_step="receiving", disposition="in_progress", eventID=EVENT_ID)
    with pytest.raises(DocumentConflict) as caught:
        capture_document(session, document([obj([UNIT + "L2"]), changed]), name="late.jsonld")
    message = str(caught.value.errors[0])
    assert message.startswith("event[1].eventID: ") and EVENT_ID in message
    assert f"log entry 1 (capture {logged.capture_id})" in message
    assert event_hash(changed) in message and session.scalar(select(Event.event_hash)) in message
    assert "fields that differ: bizStep, disposition" in message
    session.expire_all()
    assert (count(session, Event), count(session, Capture), session.get(LogHead, 1).chain_hash) == before
    with pytest.raises(DocumentConflict):
        capture_document(session, document([changed]), dry_run=True)


def test_a_conflict_found_after_batches_were_written_undoes_them(session: Session,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A document larger than the spool writes batches before it meets the conflict: they are undone."""

    monkeypatch.setattr(capture, "BATCH_EVENTS", 2)
    monkeypatch.setattr(capture, "SPOOL_EVENTS", 2)
    capture_events(session, [obj([UNIT + "S0"], biz_step="shipping", eventID=EVENT_ID)])
    before = count(session, Event), count(session, Capture), count(session, Node)
    events = [obj([UNIT + f"S{i}"]) for i in range(1, 7)] + [obj([UNIT + "S0"], biz_step="receiving", eventID=EVENT_ID)]
    with pytest.raises(DocumentConflict) as caught:
        capture_events(session, events)
    assert "event[6].eventID" in str(caught.value)
    assert (count(session, Event), count(session, Capture), count(session, Node)) == before


def test_an_invalid_event_after_written_batches_leaves_nothing(session: Session,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setattr(capture, "BATCH_EVENTS", 2)
    monkeypatch.setattr(capture, "SPOOL_EVENTS", 2)
    events = [obj([UNIT + f"V{i}"]) for i in range(6)] + [obj([UNIT + "V9"], action="JUMP")]
    with pytest.raises(ValidationFailed) as caught:
        capture_events(session, events)
    assert not isinstance(caught.value, DocumentConflict)
    assert count(session, Event) == 0 and count(session, Capture) == 0


def test_same_event_id_and_content_again_is_a_duplicate(session: Session) -> None:
    event = obj([UNIT + "D1"], biz_step="shipping", eventID=EVENT_ID)
    first = capture_document(session, document([event, dict(event)]))
    assert first.captured == 1 and first.duplicates == [EVENT_ID]
    # sent again later: recordTime differs, the event hash does not
    again = capture_document(session, document([event]))
    assert again.captured == 0 and again.duplicates == [EVENT_ID]


def test_error_declaration_of_a_given_event_id_is_a_new_entry_then_a_duplicate(session: Session) -> None:
    event = obj([UNIT + "E1"], action="ADD", biz_step="commissioning", eventID=EVENT_ID)
    declaration = {**event, "errorDeclaration": {"declarationTime": "2025-01-02T00:00:00Z",
                                                 "reason": "incorrect_data"}}
    report = capture_document(session, document([event, declaration]))
    assert report.captured == 2 and report.duplicates == []
    again = capture_document(session, document([declaration]))
    assert again.captured == 0 and again.duplicates == [EVENT_ID]
    rows = session.execute(select(Event.event_id, Event.declares_error, Event.retracted_by).order_by(Event.id)).all()
    assert rows == [(EVENT_ID, False, 2), (EVENT_ID, True, None)]
