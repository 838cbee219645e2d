"""After the sale: the BMS swap (as built against as maintained), the return and its credit note, the recall hold."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from cradletrace.demo import aftersale, manufacturing
from cradletrace.demo.catalogue import HUB
from cradletrace.errors import RuleViolation
from cradletrace.lifecycle import ship
from cradletrace.lineage import composition, recall
from cradletrace.models import Document, DocumentKind
from demo_support import H, reading

pytestmark = pytest.mark.xdist_group("demo")


def test_the_swap_shows_as_built_against_as_maintained(demo_database: str) -> None:
    with reading(demo_database) as session:
        now = composition(session, H["swapped_pack"])
    assert [c.identifier for c in now.removed] == [aftersale.FAULTY_BOARD]
    assert [c.identifier for c in now.added] == [aftersale.REPLACEMENT_BOARD]
    assert [r.identifier for r in now.parts if r.edge_kind == "part_of"] == [aftersale.REPLACEMENT_BOARD]


def test_the_return_is_credited(demo_database: str) -> None:
    with reading(demo_database) as session:
        docs = {(d.kind, d.number): d for d in session.scalars(select(Document))}
        rma = docs[DocumentKind.RMA, "RMA-0001"]
        note = docs[DocumentKind.CREDIT_NOTE, "CN-000001"]
        # one P36 at 390.00 + 19 % VAT = 464.10, credited at its invoiced price
        assert rma.reason.startswith("does not charge") and note.amount == Decimal("464.10")


def test_the_recall_lists_every_pack_of_the_lot_and_the_stock_is_held(demo_database: str) -> None:
    with reading(demo_database) as session:
        rows = {r.identifier: r for r in recall(session, H["recalled_lot"]) if r.gtin}
        packs = {i: r for i, r in rows.items() if i in manufacturing.PACKS_B48 + manufacturing.PACKS_B36}
        assert sorted(packs) == sorted(manufacturing.PACKS_B48 + manufacturing.PACKS_B36)
        held = sorted(i for i, r in packs.items() if r.disposition == "recalled")
        assert held == sorted(aftersale.HELD) and {packs[i].biz_location for i in held} == {HUB}
        with pytest.raises(RuleViolation, match="on recall hold"):
            ship(session, [aftersale.HELD[0]], from_party=H["maker"], to_party=H["maker"])
        session.rollback()
