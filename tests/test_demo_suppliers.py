"""The supplier lots: origins, recycled content, declarations (one lot undeclared, one non-compliant), an expired
certificate, and what they make of the packs' compliance."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cradletrace.compliance import status
from cradletrace.demo import suppliers
from cradletrace.identifiers.own_vocabulary import plain
from cradletrace.models import Lot, Node
from demo_support import H, reading

pytestmark = pytest.mark.xdist_group("demo")


def lot_ilmd(session, lot: str) -> dict:  # type: ignore[no-untyped-def]
    ilmd = session.scalar(select(Lot.ilmd).join(Node, Node.id == Lot.node_id).where(Node.identifier == lot))
    return plain(ilmd or {})  # type: ignore[return-value]


def test_lots_carry_origin_recycled_content_and_declarations(demo_database: str) -> None:
    with reading(demo_database) as session:
        housing = lot_ilmd(session, suppliers.HOUSING_A.lot)
        cells = lot_ilmd(session, suppliers.CELLS_A.lot)
        undeclared = lot_ilmd(session, suppliers.UNDECLARED_LOT)
    assert housing["countryOfOrigin"] == "PL" and housing["recycledContentPost"] == 0.35
    assert cells["countryOfOrigin"] == "KR" and cells["massKg"] == 81.6  # 1,200 cells x 0.068 kg
    assert len(cells["substance"]) == 3 and "substance" not in undeclared


def test_the_problem_lots_decide_the_packs_status(demo_database: str) -> None:
    with reading(demo_database) as session:
        found = {key: status(session, H[key]) for key in ("swapped_pack", "incomplete_pack", "non_compliant_pack")}
    clean, undeclared, leaded = found["swapped_pack"], found["incomplete_pack"], found["non_compliant_pack"]
    # wave A: compliant, with a notice for the aluminium's ASI certificate that expired 95 days before "today"
    assert clean.status == "compliant"
    assert [(r["rule"], r["status"], r["subject"]) for r in clean.reasons] == [
        ("certificates", "notice", suppliers.EXPIRED_CERTIFICATE_LOT)]
    assert undeclared.status == "incomplete" and suppliers.UNDECLARED_LOT in undeclared.responsible
    # 2,500 ppm of lead: over RoHS's 1,000 ppm, and an SVHC above 0.1 % of the article with no SCIP notification
    assert leaded.status == "non_compliant"
    assert {r["rule"] for r in leaded.reasons if r["status"] == "non_compliant"} == {"rohs", "reach"}
    assert suppliers.NON_COMPLIANT_LOT in leaded.responsible
