"""Commissioning, work orders, assembly, tests, packing: event shapes, projections and rules."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.lifecycle import (
    assemble,
    commission_units,
    ct,
    inspect,
    lgtin,
    location,
    manufacture,
    pack,
    party,
    register_lot,
    sgtin,
    sscc,
    unpack,
)
from cradletrace.models import (
    Edge,
    EdgeKind,
    LifecycleStatus,
    Unit,
    UnitState,
)
from lifecycle_support import T0, at, events, node, payloads, state_of

PACK, BOARD = "09506000134352", "09506000134369"
CU = lgtin("09506000134376", "CU-1")
PLANT, US = location("9520555555554"), party("9520222222222")
BOX = sscc("09506000100000001")


def open_parts(session: Session) -> set[tuple[int, int]]:
    return set(session.execute(select(Edge.src, Edge.dst).where(
        Edge.kind == EdgeKind.PART_OF, Edge.valid_to.is_(None))).all())


def test_commission_in_bulk_is_one_event(session: Session) -> None:
    units = [sgtin(PACK, f"S{i:05d}") for i in range(2500)]
    report = commission_units(session, units, location=PLANT, ilmd={"model": "P48"}, when=T0)
    assert report.captured == 1
    (event,) = payloads(session, report)
    assert (event["action"], event["bizStep"], event["disposition"]) == ("ADD", "commissioning", "active")
    assert len(event["epcList"]) == 2500
    assert session.scalar(select(func.count()).select_from(UnitState)) == 2500
    ilmd = session.scalar(select(Unit.ilmd).where(Unit.node_id == node(session, units[7])))
    assert ilmd == {ct("model"): "P48"}


def test_a_serial_is_commissioned_once(session: Session) -> None:
    commission_units(session, [sgtin(PACK, "1")], when=T0)
    with pytest.raises(RuleViolation, match="already commissioned"):
        commission_units(session, [sgtin(PACK, "2"), sgtin(PACK, "1")], when=at(1))
    assert events(session) == 1


def test_a_naive_when_is_utc(session: Session) -> None:
    # cradletrace.timestamps' one policy: a naive datetime is UTC, in the services as in lineage.
    unit = sgtin(PACK, "N1")
    (event,) = payloads(session, commission_units(session, [unit], when=T0.replace(tzinfo=None)))
    assert (event["eventTime"], event["eventTimeZoneOffset"]) == ("2025-01-06T08:00:00.000+00:00", "+00:00")
    assert state_of(session, unit).commissioned_at == T0.replace(tzinfo=None)
    with pytest.raises(RuleViolation, match="commissioned only at 2025-01-06T08:00:00Z"):
        inspect(session, [unit], passed=True, when=at(-1).replace(tzinfo=None))


def test_any_identifier_form_is_normalised(session: Session) -> None:
    commission_units(session, ["(01)09506000134352(21)X1"], when=T0)
    assert node(session, sgtin(PACK, "X1")) is not None


def _setup_order(session: Session) -> tuple[list[str], list[str]]:
    register_lot(session, CU, quantity=10, supplier=party("9520111111118"), owner=US, location=PLANT, when=T0,
                 desadv="urn:example:desadv:1")
    boards = [sgtin(BOARD, f"B{i}") for i in range(2)]
    commission_units(session, boards, location=PLANT, when=at(1))
    return boards, [sgtin(PACK, f"P{i}") for i in range(2)]


def test_work_order_consumes_lots_produces_units_and_fits_components(session: Session) -> None:
    boards, packs = _setup_order(session)
    report = manufacture(session, packs, materials={CU: 4}, components={packs[0]: [boards[0]], packs[1]: [boards[1]]},
                         work_order="urn:example:wo:7", energy_kwh=18.5, location=PLANT, ilmd={"model": "P48"},
                         when=at(2))
    transformation, *aggregations = payloads(session, report)
    assert transformation["type"] == "TransformationEvent"
    assert transformation["inputQuantityList"] == [{"epcClass": CU, "quantity": 4, "uom": "KGM"}]
    assert transformation["outputEPCList"] == packs
    assert transformation["bizTransactionList"] == [{"type": "prodorder", "bizTransaction": "urn:example:wo:7"}]
    assert transformation["transformationID"] == "urn:example:wo:7"
    assert transformation[ct("energyKWh")] == 18.5
    assert [(a["type"], a["action"], a["bizStep"], a["parentID"]) for a in aggregations] == [
        ("AggregationEvent", "ADD", "assembling", packs[0]), ("AggregationEvent", "ADD", "assembling", packs[1])]
    inputs = session.execute(select(Edge.src, Edge.dst, Edge.mass_kg).where(Edge.kind == EdgeKind.INPUT_OF)).all()
    assert sorted(inputs) == sorted([(node(session, CU), node(session, p), 2.0) for p in packs])
    assert open_parts(session) == {(node(session, boards[i]), node(session, packs[i])) for i in range(2)}
    for p in packs:
        state = state_of(session, p)
        assert state.status is LifecycleStatus.ACTIVE and state.commissioned_at is not None
    assert state_of(session, boards[0]).status is LifecycleStatus.ACTIVE


def test_output_already_commissioned_is_rejected(session: Session) -> None:
    boards, packs = _setup_order(session)
    with pytest.raises(RuleViolation, match="already commissioned"):
        manufacture(session, [boards[0]], materials={CU: 1}, when=at(2))


def test_component_fitted_into_two_parents_is_rejected(session: Session) -> None:
    boards, packs = _setup_order(session)
    manufacture(session, [packs[0]], materials={CU: 1}, components={packs[0]: [boards[0]]}, when=at(2))
    before = events(session)
    with pytest.raises(RuleViolation, match=r"B0 is already in .*P0") as caught:
        manufacture(session, [packs[1]], materials={CU: 1}, components={packs[1]: [boards[0]]}, when=at(3))
    assert "one parent at a time" in str(caught.value)
    assert events(session) == before
    with pytest.raises(RuleViolation, match="already in"):
        assemble(session, packs[0], [boards[0]], when=at(3))
    assert events(session) == before


def test_component_cannot_be_used_before_commissioning(session: Session) -> None:
    boards, packs = _setup_order(session)
    with pytest.raises(RuleViolation, match="commissioned only at"):
        manufacture(session, [packs[0]], components={packs[0]: [boards[0]]}, when=at(0.5))
    with pytest.raises(RuleViolation, match="never commissioned"):
        manufacture(session, [packs[0]], components={packs[0]: [sgtin(BOARD, "ghost")]}, when=at(5))
    assert events(session) == 3


def test_work_order_arguments_are_checked(session: Session) -> None:
    boards, packs = _setup_order(session)
    with pytest.raises(InvalidInput):
        manufacture(session, [packs[0]], when=at(2))
    with pytest.raises(InvalidInput, match="not an output"):
        manufacture(session, [packs[0]], materials={CU: 1}, components={packs[1]: [boards[0]]}, when=at(2))


def test_assembly_without_materials_commissions_the_outputs(session: Session) -> None:
    boards, packs = _setup_order(session)
    report = manufacture(session, [packs[0]], components={packs[0]: boards}, when=at(2))
    add, agg = payloads(session, report)
    assert (add["type"], add["action"]) == ("ObjectEvent", "ADD") and agg["childEPCs"] == boards


def test_assemble_and_install(session: Session) -> None:
    boards, packs = _setup_order(session)
    commission_units(session, packs, when=at(2))
    report = assemble(session, packs[0], [boards[0]], when=at(3))
    assert payloads(session, report)[0]["bizStep"] == "assembling"
    report = assemble(session, packs[1], [boards[1]], installing=True, when=at(3))
    assert payloads(session, report)[0]["bizStep"] == "installing"
    with pytest.raises(RuleViolation, match="into itself"):
        commission_units(session, [sgtin(BOARD, "B9")], when=at(3))
        assemble(session, sgtin(BOARD, "B9"), [sgtin(BOARD, "B9")], when=at(4))


def test_inspection_results(session: Session) -> None:
    boards, _packs = _setup_order(session)
    report = inspect(session, boards, passed=False, test="EOL-test", results={"cellDeltaMv": 42, "verdict": "fail"},
                     report="urn:example:testres:1", when=at(2))
    (event,) = payloads(session, report)
    assert (event["bizStep"], event["disposition"]) == ("inspecting", "non_conformant")
    assert event[ct("result")] == {ct("cellDeltaMv"): 42, ct("verdict"): "fail"}
    assert event["bizTransactionList"] == [{"type": "testres", "bizTransaction": "urn:example:testres:1"}]
    assert state_of(session, boards[0]).disposition == "non_conformant"
    inspect(session, boards[:1], passed=True, when=at(3))
    assert state_of(session, boards[0]).disposition == "conformant"


def test_pack_commissions_the_sscc_once_and_unpack_closes(session: Session) -> None:
    boards, _packs = _setup_order(session)
    report = pack(session, BOX, boards, location=PLANT, when=at(2))
    add, agg = payloads(session, report)
    assert (add["action"], add["epcList"]) == ("ADD", [BOX])
    assert (agg["bizStep"], agg["disposition"], agg["parentID"]) == ("packing", "container_closed", BOX)
    assert open_parts(session) == {(node(session, b), node(session, BOX)) for b in boards}
    with pytest.raises(RuleViolation, match="already in"):
        pack(session, sscc("09506000100000002"), boards[:1], when=at(3))
    report = unpack(session, BOX, [boards[0]], when=at(3))
    assert payloads(session, report)[0]["childEPCs"] == [boards[0]]
    with pytest.raises(RuleViolation, match="not fitted in"):
        unpack(session, BOX, [boards[0]], when=at(4))
    report = unpack(session, BOX, when=at(4))
    (event,) = payloads(session, report)
    assert (event["action"], event["bizStep"], event["childEPCs"]) == ("DELETE", "unpacking", [boards[1]])
    assert open_parts(session) == set()
    report = pack(session, BOX, boards, when=at(5))
    assert len(report.event_ids) == 1, "the SSCC is commissioned already"
