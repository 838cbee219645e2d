"""rebuild reproduces the projections exactly; --check finds a tampered projection."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from cradletrace.log.capture import capture_events
from cradletrace.models import Edge, UnitState
from cradletrace.log.rebuild import check_projections, rebuild_projections

U = "https://id.gs1.org/01/09506000134352/21/"
L = "https://id.gs1.org/01/09506000134352/10/"


def mixed_history(session: Session) -> None:
    t = lambda d: {"eventTime": f"2025-01-{d:02d}T10:00:00Z", "eventTimeZoneOffset": "+00:00"}  # noqa: E731
    capture_events(session, [
        {"type": "ObjectEvent", "action": "ADD", "quantityList": [{"epcClass": L + "1", "quantity": 50, "uom": "KGM"}],
         "bizStep": "commissioning", "ilmd": {"{https://ns.example.com/}origin": "NO"}, **t(1)},
        {"type": "TransformationEvent", "inputQuantityList": [{"epcClass": L + "1", "quantity": 4, "uom": "KGM"}],
         "outputEPCList": [U + "c1", U + "c2"], "bizStep": "commissioning", **t(2)},
        {"type": "ObjectEvent", "action": "ADD", "epcList": [U + "p1"], "bizStep": "commissioning", **t(3)},
        {"type": "AggregationEvent", "action": "ADD", "parentID": U + "p1", "childEPCs": [U + "c1"],
         "bizStep": "assembling", **t(4)},
    ])
    swap = {"type": "AggregationEvent", "action": "DELETE", "parentID": U + "p1", "childEPCs": [U + "c1"],
            "bizStep": "removing", **t(6)}
    capture_events(session, [
        swap,
        {"type": "AggregationEvent", "action": "ADD", "parentID": U + "p1", "childEPCs": [U + "c2"],
         "bizStep": "replacing", **t(6)},
        {"type": "ObjectEvent", "action": "OBSERVE", "epcList": [U + "p1"], "bizStep": "shipping",
         "disposition": "in_transit", "bizTransactionList": [{"type": "inv", "bizTransaction": "urn:example:inv:7"}],
         **t(7)},
    ])
    capture_events(session, [{**swap, "errorDeclaration": {"declarationTime": "2025-01-08T00:00:00Z"}}])
    capture_events(session, [
        {"type": "TransformationEvent", "inputEPCList": [U + "p1"], "bizStep": "disassembling",
         "outputQuantityList": [{"epcClass": L + "R1", "quantity": 1.5, "uom": "KGM"}], **t(9)},
    ])


def test_rebuild_reproduces_projections_exactly(session: Session) -> None:
    mixed_history(session)
    assert check_projections(session) == []
    edges_before = session.scalar(select(func.count()).select_from(Edge))
    assert rebuild_projections(session) == 9
    assert session.scalar(select(func.count()).select_from(Edge)) == edges_before
    assert check_projections(session) == []


def test_check_reports_a_tampered_projection(session: Session) -> None:
    mixed_history(session)
    session.execute(text("UPDATE unit_states SET disposition = 'stolen' WHERE disposition = 'in_transit'"))
    differences = check_projections(session)
    assert [d.table for d in differences] == ["unit_states"]
    assert "stolen" in differences[0].summary()
    # --check changed nothing
    assert session.scalar(select(func.count()).select_from(UnitState).where(UnitState.disposition == "stolen")) == 1
