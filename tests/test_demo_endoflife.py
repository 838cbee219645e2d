"""End of life and back: the crashed pack's recovered black mass feeds the cells of new packs."""

from __future__ import annotations

import pytest

from cradletrace.demo import endoflife, manufacturing, partners
from cradletrace.lineage import downstream, history, upstream
from cradletrace.metrics import materials
from demo_support import reading

pytestmark = pytest.mark.xdist_group("demo")


def test_the_crashed_pack_is_collected_and_disassembled_keeping_its_board(demo_database: str) -> None:
    with reading(demo_database) as session:
        steps = [e.biz_step for e in history(session, endoflife.CRASHED, include_parts=False)]
        board = history(session, endoflife.HARVESTED_BOARD, include_parts=False)
    ours = steps[:steps.index("disassembling") + 1]  # Radwerk's "repair" after it is a finding
    assert ours[-6:] == ["decommissioning", "collecting", "shipping", "receiving", "removing", "disassembling"]
    assert board[-1].biz_step == "removing", "the harvested board stays live for re-use"


def test_the_recovered_lot_feeds_new_cells_and_new_packs(demo_database: str) -> None:
    with reading(demo_database) as session:
        up = {r.identifier for r in upstream(session, manufacturing.PACKS_C[0])}
        down = {r.identifier for r in downstream(session, endoflife.BLACK_MASS_LOT)}
        recycled = materials(session, manufacturing.PACKS_C[0])
    # black mass -> recycled precursor -> Cellcore's cell lot CC2609R -> the wave C packs
    assert {partners.CELLS_R, partners.PRECURSOR_LOT, endoflife.BLACK_MASS_LOT, endoflife.CRASHED} <= up
    assert {partners.PRECURSOR_LOT, partners.CELLS_R, *manufacturing.PACKS_C} <= down
    cells = next(r for r in recycled.rows if r["lot"] == partners.CELLS_R)
    assert cells["recycled_post"] == 0.12
    # by mass: 52 cells (3.536 kg) x 0.12, aluminium 0.62 kg x (0.10 + 0.35), copper 0.08 kg x 0.4, end caps
    # 0.14 kg x 0.2, carton 0.35 kg x 0.8, the board's PCB 0.09 kg undeclared; over 4.816 kg
    expected = (3.536 * 0.12 + 0.62 * 0.45 + 0.08 * 0.4 + 0.14 * 0.2 + 0.35 * 0.8) / 4.816
    assert recycled.recycled_share == pytest.approx(expected)
