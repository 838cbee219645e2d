"""The footprint of a small product stage by stage, with values worked out by hand, its explanation rows, a swap,
a gap, end of life with credits kept apart, and the statement count."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from cradletrace.metrics import footprint
from metrics_world import AL, B1, B2, CU, P1, P2, PCB, R_AL, build, day

# Factors of the shipped set (kg CO2e per kg, kWh or t.km).
AL_PRIMARY, AL_RECYCLED, ROAD, GRID_DE, GRID_FR = 9.11590131, 0.9950779, 0.10163, 0.38095, 0.05604
RECYCLING = 0.00468568

AL_KG = 4.0  # 8 kg drawn for two packs
MATERIALS = AL_KG * 0.25 * AL_RECYCLED + AL_KG * 0.75 * AL_PRIMARY  # the copper is a gap
BOARD_A1, BOARD_A3 = 0.5 * 20.0, 2.0 * GRID_DE  # half of 1 kg PCB at the supplier PCF; 4 kWh / 2 boards
PACK_A3 = 5.0 * GRID_DE
TRANSPORT = AL_KG / 1000 * 100 * ROAD + 10.0 / 1000 * 500 * ROAD  # A2 of the aluminium, A4 of the pack


def test_stage_by_stage_before_the_swap(session: Session) -> None:
    build(session)
    fp = footprint(session, P1, at=day(50))
    use = 100 * 0.5 * 40 * 24 / 1000 * GRID_FR  # 100 W x 0.5 x 40 days installed, in kWh, French grid
    assert fp.stages == pytest.approx({"materials": MATERIALS + BOARD_A1, "manufacturing": PACK_A3 + BOARD_A3,
                                       "transport": TRANSPORT, "use": use, "service": 0.0, "end_of_life": 0.0})
    assert fp.total == pytest.approx(sum(fp.stages.values()))
    assert fp.credits == 0.0


def test_every_figure_has_its_rows(session: Session) -> None:
    build(session)
    fp = footprint(session, P1, at=day(50))
    al = [r for r in fp.explain("materials") if r["subject"] == AL]
    assert {r["factor_key"]: r["activity"] for r in al} == pytest.approx({"material.aluminium_recycled": 1.0,
                                                                          "material.aluminium_primary": 3.0})
    row = next(r for r in al if r["factor_key"] == "material.aluminium_primary")
    assert row["factor"] == pytest.approx(AL_PRIMARY) and row["factor_year"] == 2025
    assert row["factor_license"] == "OGL-3.0" and "19_504_5104_15_1" in row["factor_source"]
    assert row["via"] == P1 and row["event_id"] and row["module"] == "A1"
    pcb = next(r for r in fp.explain("materials") if r["subject"] == PCB)
    assert (pcb["via"], pcb["factor"], pcb["factor_set"], pcb["kg_co2e"]) == (B1, 20.0, "supplier", pytest.approx(10.0))
    for stage in fp.stages:
        assert sum(r["kg_co2e"] or 0.0 for r in fp.explain(stage)) == pytest.approx(fp.stages[stage])
    a4 = next(r for r in fp.explain("transport") if r["module"] == "A4")
    assert (a4["activity"], a4["activity_unit"]) == (pytest.approx(5.0), "t.km")


def test_a_missing_factor_is_a_gap_never_a_zero(session: Session) -> None:
    build(session)
    fp = footprint(session, P1, at=day(50))
    gap, = fp.gaps
    assert (gap["subject"], gap["activity"], gap["kg_co2e"]) == (CU, pytest.approx(0.5), None)
    assert "material.copper is a gap" in gap["missing"] and not fp.complete


def test_a_swap_moves_the_part_and_its_footprint(session: Session) -> None:
    build(session)
    after = footprint(session, P1, at=day(110))
    use = 100 * 0.5 * 100 * 24 / 1000 * GRID_FR
    assert after.stages == pytest.approx({"materials": MATERIALS, "manufacturing": PACK_A3, "transport": TRANSPORT,
                                          "use": use, "service": BOARD_A1 + BOARD_A3, "end_of_life": 0.0})
    assert {(r["subject"], r["via"]) for r in after.explain("service")} == {(PCB, B2), (B2, P1)}
    assert B1 not in {r["subject"] for r in after.rows} and B1 not in {r["via"] for r in after.rows}
    removed = footprint(session, B1, at=day(110))
    assert removed.stages["materials"] == pytest.approx(BOARD_A1) and removed.stages["manufacturing"] == pytest.approx(BOARD_A3)


def test_end_of_life_and_credits_apart(session: Session) -> None:
    build(session)
    fp = footprint(session, P2, at=day(300))
    assert fp.stages["end_of_life"] == pytest.approx(3.5 * RECYCLING)
    # Net secondary aluminium: 3.5 kg recovered - 1 kg of recycled content drawn in.
    assert fp.credits == pytest.approx(-(3.5 - 1.0) * (AL_PRIMARY - AL_RECYCLED))
    assert fp.total == pytest.approx(sum(fp.stages.values())), "D is never netted"
    residual = next(r for r in fp.gaps if r["module"] == "C4")
    assert residual["activity"] == pytest.approx(6.5) and "not recorded" in residual["missing"]
    assert {r["subject"] for r in fp.explain("credits")} == {R_AL}
    assert footprint(session, P2, at=day(100)).stages["end_of_life"] == 0.0, "not yet at its end"


def test_one_unit_costs_a_constant_number_of_statements(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    build(session)
    counts = []
    for unit in (P1, P2, B2):
        with count_statements(session) as sent:
            footprint(session, unit, at=day(110))
        counts.append(len(sent))
    assert max(counts) <= 8 and len(set(counts)) == 1, counts
