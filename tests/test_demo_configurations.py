"""Configured products in the demo: the configurable pack and its rules, the configurations the fleet's packs were
sold with, and the two packs the findings report as built or maintained otherwise than sold."""

from __future__ import annotations

import pytest

from cradletrace.configure import configuration_of_units, configure, describe, mismatches
from cradletrace.demo import configurations, contracts
from cradletrace.demo.catalogue import (
    BMS, BMS_LFP, BUSBAR, CARTON, CELL, COAT_BLACK, COAT_ORANGE, ENDCAP, HOUSING, LFP_CELL, P36L, P48, RAIL,
)
from cradletrace.demo.clock import TODAY, ago
from cradletrace.errors import RuleViolation
from cradletrace.findings import findings
from cradletrace.lineage import composition
from demo_support import H, reading

pytestmark = pytest.mark.xdist_group("demo")


def test_the_model_refuses_a_configuration_that_breaks_a_rule(demo_database: str) -> None:
    with reading(demo_database) as session:
        with pytest.raises(RuleViolation, match="rule NMC-FRAME: option wh672 excludes option lfp") as frame:
            configure(session, configurations.MODEL, ["wh672", "lfp", "black", "xt60"])
        with pytest.raises(RuleViolation, match="option rail requires option wh672"):
            configure(session, configurations.MODEL, ["wh346", "lfp", "black", "rail"])
        lfp = describe(session, configure(session, configurations.MODEL, list(configurations.CARGO)))
        session.rollback()
    assert "48 V frame pack is built with NMC 811 cells only" in str(frame.value)
    # the LFP capacity resolves to its variant, with the LFP cells and the board for them
    assert lfp.gtin == P36L.gtin
    assert {r.gtin: str(r.quantity) for r in lfp.bom}.items() >= {LFP_CELL.gtin: "36", BMS_LFP.gtin: "1"}.items()


def test_the_fleet_packs_carry_their_configuration_from_the_quote(demo_database: str) -> None:
    with reading(demo_database) as session:
        sold = configuration_of_units(session, configurations.PACKS_D)
        summary = describe(session, next(iter(sold.values())))
    # 16 packs on SO-0008; the one returned under the contract has no active allocation any more
    assert sorted(sold) == sorted(p for p in configurations.PACKS_D if p != contracts.RETURNED)
    assert len({conf.id for conf in sold.values()}) == 1, "one saved configuration, on both quote versions"
    assert summary.model_code == configurations.MODEL and summary.gtin == P48.gtin
    assert [o.code for o in summary.options] == list(configurations.FLEET)
    # the carton (base row), the 48 V block, the NMC board, the orange coating and the rail connector
    assert {r.gtin: str(r.quantity) for r in summary.bom} == {
        CARTON.gtin: "1", CELL.gtin: "52", HOUSING.gtin: "0.62", BUSBAR.gtin: "0.08", ENDCAP.gtin: "0.14",
        BMS.gtin: "1", COAT_ORANGE.gtin: "0.04", RAIL.gtin: "1"}


def test_a_pack_built_otherwise_and_one_changed_in_service_are_flagged(demo_database: str) -> None:
    with reading(demo_database) as session:
        found = {f.identifiers[0]: f for f in findings(session, checks=["configuration_mismatch"])}
        board_now = [p.identifier for p in composition(session, H["mismatched_in_service_pack"]).parts
                     if p.edge_kind == "part_of"]
        rate = mismatches(session, start=ago(400), end=TODAY)
    assert sorted(found) == sorted([H["misbuilt_pack"], H["mismatched_in_service_pack"]])
    (built,) = found[H["misbuilt_pack"]].detail["moments"]
    assert (built["moment"], built["differences"]) == ("as_built", {
        COAT_ORANGE.gtin: {"expected": "0.04", "actual": "0"}, COAT_BLACK.gtin: {"expected": "0", "actual": "0.04"}})
    (changed,) = found[H["mismatched_in_service_pack"]].detail["moments"]
    assert (changed["moment"], changed["differences"]) == ("as_maintained", {
        BMS.gtin: {"expected": "1", "actual": "0"}, BMS_LFP.gtin: {"expected": "0", "actual": "1"}})
    assert len(changed["event_ids"]) == 2, "the removing and the replacing event"
    assert board_now == [contracts.WRONG_BOARD] and H["wrong_board"] == contracts.WRONG_BOARD
    # 15 configured packs still allocated (16 less the returned one): 1 built otherwise, 2 differ at some moment
    assert (rate.checked, rate.as_built, rate.maintained) == (15, 1, 2)
