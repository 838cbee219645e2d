"""Manufacturing: work orders at two sites in two countries, boards fitted into packs, the reworked pack, pallets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cradletrace.demo import manufacturing
from cradletrace.demo.catalogue import GRENOBLE, LEIPZIG
from cradletrace.lineage import composition, history
from cradletrace.models import Location, Node
from demo_support import reading

pytestmark = pytest.mark.xdist_group("demo")


def test_work_orders_run_at_two_sites_in_two_countries(demo_database: str) -> None:
    with reading(demo_database) as session:
        board = history(session, manufacturing.BOARDS_A_SERIALS[0], include_parts=False)
        pack = history(session, manufacturing.PACKS_A[0], include_parts=False)
        countries = dict(session.execute(select(Node.identifier, Location.country).join(
            Location, Location.node_id == Node.id).where(Node.identifier.in_([GRENOBLE, LEIPZIG]))).all())
    made = [(e.biz_step, e.biz_location) for e in board if e.event_type == "TransformationEvent"]
    assert made == [("commissioning", GRENOBLE)]
    assert [e.biz_step for e in board][:4] == ["commissioning", "inspecting", "shipping", "receiving"]
    assert [(e.event_type, e.biz_location) for e in pack][:2] == [("TransformationEvent", LEIPZIG),
                                                                  ("AggregationEvent", LEIPZIG)]
    assert countries == {GRENOBLE: "FR", LEIPZIG: "DE"}


def test_each_pack_was_built_with_its_board(demo_database: str) -> None:
    with reading(demo_database) as session:
        built = composition(session, manufacturing.PACKS_B36[0])
    boards = [r.identifier for r in built.as_built if r.edge_kind == "part_of"]
    assert boards == [manufacturing.BOARDS_B_SERIALS[8]]  # the P36s take the boards after the 8 of the P48s


def test_the_reworked_pack_failed_was_repaired_and_passed(demo_database: str) -> None:
    with reading(demo_database) as session:
        steps = [(e.biz_step, e.disposition) for e in history(session, manufacturing.REWORKED, include_parts=False)]
    assert steps[2:5] == [("inspecting", "non_conformant"), ("repairing", "conformant"), ("inspecting", "conformant")]


def test_packs_travel_on_pallets(demo_database: str) -> None:
    with reading(demo_database) as session:
        kept = composition(session, manufacturing.PALLET_C1)
        broken_up = composition(session, manufacturing.PALLET_A1)
    # PAL-C1 keeps the 5 wave C packs that were not sold (8 packed, 3 picked for SO-0007); PAL-A1 was emptied
    assert sorted(r.identifier for r in kept.parts if r.depth == 1) == manufacturing.PACKS_C[3:]
    assert [r for r in broken_up.parts if r.depth == 1] == []
    assert sorted(r.identifier for r in broken_up.as_built if r.depth == 1) == manufacturing.PACKS_A[:10]
