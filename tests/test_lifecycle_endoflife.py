"""End of life: decommissioning, collection, disassembly into recovered lots, destruction, disposal."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.errors import RuleViolation
from cradletrace.lifecycle import (
    DISPOSING,
    collect,
    commission_units,
    ct,
    decommission,
    destroy,
    disassemble,
    dispose,
    lgtin,
    location,
    manufacture,
    party,
    receive,
    repair,
    sgtin,
    ship,
)
from cradletrace.lifecycle.rules import lot_balances
from cradletrace.models import (
    Edge,
    EdgeKind,
    LifecycleStatus,
    Lot,
)
from lifecycle_support import T0, at, events, node, payloads, state_of

PACK, BOARD, CHIP = "09506000134352", "09506000134369", "09506000134406"
US, RECYCLER = party("9520222222222"), party("9520444444440")
PLANT, YARD = location("9520555555554"), location("9520123456788")
UNIT, BMS, CELL_CTRL = sgtin(PACK, "P1"), sgtin(BOARD, "B1"), sgtin(CHIP, "C1")
R_AL, R_CU = lgtin("09506000134383", "R-AL-1"), lgtin("09506000134376", "R-CU-1")


@pytest.fixture
def unit(session: Session) -> str:
    commission_units(session, [CELL_CTRL], when=T0)
    manufacture(session, [BMS], components={BMS: [CELL_CTRL]}, when=at(0.5))
    manufacture(session, [UNIT], components={UNIT: [BMS]}, when=at(1))
    return UNIT


def test_decommission_then_only_end_of_life_steps(session: Session, unit: str) -> None:
    (event,) = payloads(session, decommission(session, [unit], reason="end of service", when=at(10)))
    assert (event["action"], event["bizStep"], event["disposition"]) == ("DELETE", "decommissioning", "inactive")
    assert state_of(session, unit).status is LifecycleStatus.DECOMMISSIONED
    before = events(session)
    with pytest.raises(RuleViolation, match="is decommissioned, so it cannot be repaired"):
        repair(session, [unit], when=at(11))
    with pytest.raises(RuleViolation, match="decommissioned"):
        ship(session, [unit], from_party=US, to_party=RECYCLER, when=at(11))
    assert events(session) == before
    ship(session, [unit], from_party=US, to_party=RECYCLER, allow_decommissioned=True, when=at(11))
    receive(session, [unit], location=YARD, by_party=RECYCLER, allow_decommissioned=True, when=at(12))
    (event,) = payloads(session, collect(session, [unit], location=YARD, collector=RECYCLER, when=at(13)))
    assert (event["bizStep"], event["disposition"]) == ("collecting", "non_sellable_other")


def test_disassemble_into_recovered_lots_keeping_a_harvested_part(session: Session, unit: str) -> None:
    collect(session, [unit], location=YARD, collector=RECYCLER, when=at(10))
    report = disassemble(session, unit, {R_AL: 3.2, R_CU: 0.8}, harvested=[BMS], location=YARD,
                         work_order="urn:example:wo:d1", energy_kwh=1.5, when=at(11))
    removal, transformation = payloads(session, report)
    assert (removal["action"], removal["bizStep"], removal["parentID"], removal["childEPCs"]) == (
        "DELETE", "removing", unit, [BMS])
    assert transformation["bizStep"] == "disassembling" and transformation["inputEPCList"] == [unit]
    assert transformation["outputQuantityList"] == [{"epcClass": R_AL, "quantity": 3.2, "uom": "KGM"},
                                                    {"epcClass": R_CU, "quantity": 0.8, "uom": "KGM"}]
    assert transformation[ct("recoveredMassKg")] == pytest.approx(4.0)
    ilmd = session.scalar(select(Lot.ilmd).where(Lot.node_id == node(session, R_AL)))
    assert ilmd[ct("recoveredFrom")] == unit and ilmd[ct("recycledFraction")] == 1.0
    assert state_of(session, unit).status is LifecycleStatus.DISASSEMBLED
    assert state_of(session, BMS).status is LifecycleStatus.ACTIVE, "the harvested board lives on"
    masses = dict(session.execute(select(Edge.dst, Edge.mass_kg).where(Edge.kind == EdgeKind.INPUT_OF)).all())
    assert masses == {node(session, R_AL): 3.2, node(session, R_CU): 0.8}
    assert lot_balances(session, [R_AL])[R_AL] == {"KGM": 3.2}
    # the board with its chip goes into a new unit; the recovered lot feeds it too (cradle to cradle)
    second = sgtin(PACK, "P2")
    manufacture(session, [second], materials={R_AL: 3.0}, components={second: [BMS]}, when=at(12))
    with pytest.raises(RuleViolation, match="disassembled"):
        repair(session, [unit], when=at(13))


def test_disassembly_consumes_what_is_still_fitted(session: Session, unit: str) -> None:
    report = disassemble(session, unit, {R_AL: 3.0}, when=at(11))
    (transformation,) = payloads(session, report)
    assert transformation["inputEPCList"] == [unit, BMS, CELL_CTRL]
    assert state_of(session, CELL_CTRL).status is LifecycleStatus.DISASSEMBLED


def test_harvested_part_must_be_inside(session: Session, unit: str) -> None:
    commission_units(session, [sgtin(BOARD, "B9")], when=at(1))
    before = events(session)
    with pytest.raises(RuleViolation, match="B9 is not inside"):
        disassemble(session, unit, {R_AL: 3.0}, harvested=[sgtin(BOARD, "B9")], when=at(11))
    assert events(session) == before


def test_destroy_includes_what_is_fitted_and_ends_everything(session: Session, unit: str) -> None:
    (event,) = payloads(session, destroy(session, [unit], method="shredding", when=at(10)))
    assert (event["bizStep"], event["disposition"]) == ("destroying", "destroyed")
    assert event["epcList"] == [unit, BMS, CELL_CTRL]
    assert state_of(session, CELL_CTRL).status is LifecycleStatus.DESTROYED
    before = events(session)
    for action in (lambda: repair(session, [BMS], when=at(11)),
                   lambda: dispose(session, [unit], when=at(11)),
                   lambda: decommission(session, [unit], when=at(11))):
        with pytest.raises(RuleViolation, match="destroyed"):
            action()
    assert events(session) == before


def test_dispose(session: Session, unit: str) -> None:
    decommission(session, [unit], when=at(9))
    (event,) = payloads(session, dispose(session, [unit], method="incineration", when=at(10)))
    assert (event["bizStep"], event["disposition"], event[ct("disposalMethod")]) == (
        DISPOSING, "disposed", "incineration")
    assert state_of(session, unit).status is LifecycleStatus.DISPOSED
