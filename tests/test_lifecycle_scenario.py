"""A whole life on both backends: material lots -> BMS boards -> battery packs, a board swap,
end of life, and recovered material feeding a new pack (cradle to cradle). No findings expected."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace import lineage
from cradletrace.findings import findings
from cradletrace.lifecycle import (
    add_location,
    add_party,
    add_product,
    collect,
    disassemble,
    inspect,
    install,
    lgtin,
    location,
    manufacture,
    pack,
    party,
    receive,
    recycle,
    register_lot,
    replace_component,
    sgtin,
    ship,
    sscc,
    unpack,
)
from cradletrace.lifecycle.rules import lot_balances
from cradletrace.models import Edge, EdgeKind, LifecycleStatus, Location, Node, Party, Product, UnitState

T0 = datetime(2015, 1, 6, 8, 0, tzinfo=timezone(timedelta(hours=1)))
G_PACK, G_BOARD, G_CU, G_CELL, G_AL = ("09506000134352", "09506000134369", "09506000134376", "09506000134383",
                                       "09506000134390")
SUPPLIER, US, CUSTOMER, RECYCLER = (party(g) for g in ("9520111111118", "9520222222222", "9520333333336",
                                                       "9520444444440"))
PLANT, CUSTOMER_SITE, YARD = location("9520555555554"), location("9520666666668"), location("9520123456788")
CU, CELLS, AL = lgtin(G_CU, "CU-1"), lgtin(G_CELL, "C-1"), lgtin(G_AL, "AL-1")
R_CU, R_AL, CU_2 = lgtin(G_CU, "R-CU-1"), lgtin(G_AL, "R-AL-1"), lgtin(G_CU, "RC-CU-2")
B1, B2, B3, B4 = (sgtin(G_BOARD, f"B{i}") for i in range(1, 5))
P1, P2, P3 = (sgtin(G_PACK, f"P{i}") for i in range(1, 4))
BOX = sscc("09506000100000001")


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Node.identifier, Node.id)).all())


def state_of(session: Session, ident: str) -> UnitState:
    return session.execute(select(UnitState).where(UnitState.node_id == ids(session)[ident])
                           .execution_options(populate_existing=True)).scalar_one()


def test_cradle_to_cradle(session: Session) -> None:
    add_product(session, G_PACK, "Battery pack 48 V", mass_kg=12.0, attributes={"chemistry": "NMC"})
    add_product(session, G_BOARD, "BMS board", mass_kg=0.3)
    for ident, name in ((SUPPLIER, "Metals AG"), (US, "Packs Ltd"), (CUSTOMER, "Fleet Co"), (RECYCLER, "Loop BV")):
        add_party(session, ident, name)
    add_location(session, PLANT, "Plant 1", party=US, country="DE")
    add_location(session, CUSTOMER_SITE, "Depot", party=CUSTOMER, country="FR")
    add_location(session, YARD, "Recycling yard", party=RECYCLER, country="NL")
    assert session.scalar(select(Product.mass_kg).where(Product.gtin == G_PACK)) == 12.0
    assert session.scalar(select(Location.country).where(Location.name == "Depot")) == "FR"

    # level 0: material lots
    common = dict(supplier=SUPPLIER, owner=US, location=PLANT, desadv="urn:example:desadv:1", transport_mode="road",
                  distance_km=300)
    register_lot(session, CU, quantity=2, material="copper", recycled_post=0.2, when=at(0), **common)
    register_lot(session, CELLS, quantity=100, uom="EA", mass_kg=7.0, material="NMC cells", when=at(0), **common)
    register_lot(session, AL, quantity=20, material="aluminium", when=at(0), **common)

    # level 1: BMS boards from copper; level 2: packs from cells and aluminium, with the boards fitted
    manufacture(session, [B1, B2, B3], materials={CU: 0.6}, work_order="urn:example:wo:boards", energy_kwh=3,
                location=PLANT, when=at(1))
    manufacture(session, [P1, P2], materials={CELLS: (32, "EA"), AL: 8}, components={P1: [B1], P2: [B2]},
                work_order="urn:example:wo:packs", energy_kwh=40, location=PLANT, when=at(2))
    inspect(session, [P1, P2], passed=True, test="EOL", location=PLANT, when=at(2.5))
    pack(session, BOX, [P1, P2], location=PLANT, when=at(3))
    ship(session, [BOX], from_party=US, to_party=CUSTOMER, from_location=PLANT, to_location=CUSTOMER_SITE,
         po="urn:example:po:1", transport_mode="road", distance_km=800, when=at(3.1))
    receive(session, [BOX], location=CUSTOMER_SITE, by_party=CUSTOMER, from_party=US, when=at(5))
    unpack(session, BOX, location=CUSTOMER_SITE, when=at(5.1))
    install(session, [P1, P2], location=CUSTOMER_SITE, owner=CUSTOMER, when=at(6))

    n = ids(session)
    assert state_of(session, P1).owner_id == n[CUSTOMER]
    assert state_of(session, P1).biz_location_id == n[CUSTOMER_SITE]
    assert state_of(session, B1).biz_location_id == n[PLANT], "a fitted board's own state stays where it was fitted"

    # service: swap the board of P1
    replace_component(session, P1, B1, B3, reason="BMS fault", location=CUSTOMER_SITE, when=at(200))

    # end of life of P1: to the recycler, collected, disassembled into recovered lots
    ship(session, [P1], from_party=CUSTOMER, to_party=RECYCLER, from_location=CUSTOMER_SITE, to_location=YARD,
         when=at(3000))
    receive(session, [P1], location=YARD, by_party=RECYCLER, from_party=CUSTOMER, when=at(3001))
    collect(session, [P1], location=YARD, collector=RECYCLER, when=at(3001.5))
    disassemble(session, P1, {R_AL: 3.5, R_CU: 0.15}, location=YARD, when=at(3002))
    recycle(session, {R_CU: 0.15}, CU_2, output_quantity=0.14, location=YARD, when=at(3003))

    # cradle to cradle: a new board from recycled copper, a new pack from recovered aluminium
    manufacture(session, [B4], materials={CU_2: 0.1}, location=PLANT, when=at(3010))
    manufacture(session, [P3], materials={R_AL: 3.0, CELLS: (16, "EA")}, components={P3: [B4]}, location=PLANT,
                when=at(3011))

    n = ids(session)
    status = {u: state_of(session, u).status for u in (P1, P2, P3, B1, B2, B3, B4)}
    assert status == {P1: LifecycleStatus.DISASSEMBLED, P2: LifecycleStatus.ACTIVE, P3: LifecycleStatus.ACTIVE,
                      B1: LifecycleStatus.ACTIVE, B2: LifecycleStatus.ACTIVE, B3: LifecycleStatus.DISASSEMBLED,
                      B4: LifecycleStatus.ACTIVE}
    assert state_of(session, P2).disposition == "active"

    part_of = {(e.src, e.dst): e for e in session.scalars(select(Edge).where(Edge.kind == EdgeKind.PART_OF))}
    assert part_of[(n[B1], n[P1])].valid_to is not None, "the swap closed B1 in P1"
    assert part_of[(n[B3], n[P1])].valid_to is None
    assert part_of[(n[B2], n[P2])].valid_to is None and part_of[(n[B4], n[P3])].valid_to is None
    assert part_of[(n[P1], n[BOX])].valid_to is not None, "unpacked"

    input_of = {(e.src, e.dst): e for e in session.scalars(select(Edge).where(Edge.kind == EdgeKind.INPUT_OF))}
    assert input_of[(n[CU], n[B1])].mass_kg == pytest.approx(0.2)
    assert input_of[(n[AL], n[P1])].mass_kg == pytest.approx(4.0)
    assert input_of[(n[CELLS], n[P2])].quantity == pytest.approx(16)
    assert (n[P1], n[R_AL]) in input_of and (n[B3], n[R_CU]) in input_of
    assert input_of[(n[R_CU], n[CU_2])].mass_kg == pytest.approx(0.15)
    assert input_of[(n[CU_2], n[B4])].mass_kg == pytest.approx(0.1)
    assert input_of[(n[R_AL], n[P3])].mass_kg == pytest.approx(3.0)

    assert lot_balances(session, [CU, CELLS, AL, R_AL]) == {
        CU: {"KGM": pytest.approx(1.4)}, CELLS: {"EA": 52}, AL: {"KGM": pytest.approx(12)},
        R_AL: {"KGM": pytest.approx(0.5)}}
    assert session.scalar(select(Party.name).where(Party.node_id == n[RECYCLER])) == "Loop BV"

    assert findings(session) == []

    # The lineage questions over what the services wrote.
    def up(unit: str, when: float | None = None) -> dict[str, int]:
        return {r.identifier: r.depth for r in lineage.upstream(session, unit, as_of=None if when is None else at(when))}

    assert up(P1, 100) == {B1: 1, CU: 2, CELLS: 1, AL: 1}, "before the swap: the original board"
    assert up(P1, 250) == {B3: 1, CU: 2, CELLS: 1, AL: 1}, "after the swap: the replacement"
    assert {B3, P1, R_CU, CU_2, B4, R_AL, CELLS} <= set(up(P3)) and B1 not in up(P3), "cradle to cradle"
    assert {r.identifier for r in lineage.downstream(session, CU)} == {B1, B2, B3, B4, P1, P2, P3, BOX, R_CU, R_AL,
                                                                       CU_2}
    recall = {r.identifier: r for r in lineage.recall(session, CU)}
    assert set(recall) == {B1, B2, B3, B4, P1, P2, P3}, "units only"
    assert (recall[P2].owner, recall[P2].owner_name, recall[P2].in_service) == (CUSTOMER, "Fleet Co", True)
    assert (recall[P1].owner_name, recall[P1].recycled, recall[P1].in_service) == ("Loop BV", True, False)
    assert recall[P3].in_service and not recall[P3].recycled
