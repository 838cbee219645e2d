"""Material lots: registration with ILMD and receipt, consumption limits, recycling into recovered lots."""

from __future__ import annotations

from datetime import datetime

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.lifecycle import (
    RECYCLING,
    ct,
    destroy,
    lgtin,
    location,
    manufacture,
    party,
    recycle,
    register_lot,
    sgtin,
)
from cradletrace.lifecycle.rules import lot_balances
from cradletrace.models import (
    Edge,
    EdgeKind,
    Event,
    LifecycleStatus,
    Lot,
)
from lifecycle_support import T0, at, events, node, state_of

CU = lgtin("09506000134376", "CU-1")
RCU = lgtin("09506000134390", "RCU-1")
SUPPLIER, US = party("9520111111118"), party("9520222222222")
PLANT, SUPPLIER_SITE = location("9520555555554"), location("9520123456788")


def register(session: Session, lot: str = CU, quantity: float = 100, uom: str = "KGM", when: datetime = T0, **kw):
    return register_lot(session, lot, quantity=quantity, uom=uom, supplier=SUPPLIER, owner=US, location=PLANT,
                        when=when, **kw)


def test_register_lot_writes_add_with_ilmd_and_receiving(session: Session) -> None:
    report = register(session, material="copper", origin_country="CL", recycled_pre=0.1, recycled_post=0.25,
                      substances=[{"name": "lead", "cas": "7439-92-1", "ppm": 40}],
                      certificates=[{"type": "RMI-conformant", "id": "C-1", "uri": "https://certs.example/C-1"}],
                      supplier_location=SUPPLIER_SITE, po="urn:example:po:1", desadv="urn:example:desadv:1",
                      transport_mode="road", distance_km=420, pcf_kg_co2e_per_kg=3.1)
    assert report.captured == 2
    add, receipt = (orjson.loads(p) for p in session.scalars(select(Event.payload).order_by(Event.id)))
    assert add["action"] == "ADD" and add["bizStep"] == "commissioning"
    assert add["quantityList"] == [{"epcClass": CU, "quantity": 100, "uom": "KGM"}]
    assert add["certificationInfo"] == ["https://certs.example/C-1"]
    assert "bizLocation" not in add
    assert receipt["action"] == "OBSERVE" and receipt["bizStep"] == "receiving"
    assert receipt["disposition"] == "in_progress" and receipt["bizLocation"] == {"id": PLANT}
    assert {"type": "owning_party", "source": SUPPLIER} in receipt["sourceList"]
    assert {"type": "location", "source": SUPPLIER_SITE} in receipt["sourceList"]
    assert {"type": "owning_party", "destination": US} in receipt["destinationList"]
    assert receipt[ct("transportMode")] == "road" and receipt[ct("distanceKm")] == 420
    assert receipt[ct("shipmentMassKg")] == 100
    assert {d["type"] for d in receipt["bizTransactionList"]} == {"po", "desadv"}

    ilmd = session.scalar(select(Lot.ilmd).where(Lot.node_id == node(session, CU)))
    assert ilmd[ct("material")] == "copper" and ilmd[ct("massKg")] == 100
    assert ilmd[ct("recycledContentPre")] == 0.1 and ilmd[ct("recycledContentPost")] == 0.25
    assert ilmd[ct("recycledFraction")] == pytest.approx(0.35)
    assert ilmd[ct("countryOfOrigin")] == "CL" and ilmd[ct("supplier")] == SUPPLIER
    assert ilmd[ct("substance")] == [{ct("name"): "lead", ct("cas"): "7439-92-1", ct("ppm"): 40}]
    assert ilmd[ct("pcfKgCO2ePerKg")] == 3.1
    state = state_of(session, CU)
    assert state.status is LifecycleStatus.ACTIVE and state.commissioned_at is not None
    assert state.owner_id == node(session, US) and state.biz_location_id == node(session, PLANT)


def test_unknown_recycled_content_stays_absent(session: Session) -> None:
    register(session)
    ilmd = session.scalar(select(Lot.ilmd).where(Lot.node_id == node(session, CU)))
    assert ct("recycledFraction") not in ilmd and ct("recycledContentPost") not in ilmd


def test_bad_fractions_are_rejected_before_writing(session: Session) -> None:
    with pytest.raises(InvalidInput):
        register(session, recycled_pre=0.7, recycled_post=0.6)
    with pytest.raises(InvalidInput):
        register(session, recycled_post=1.5)
    assert events(session) == 0


def test_count_lot_mass_is_given_explicitly(session: Session) -> None:
    register(session, quantity=500, uom="EA", mass_kg=25.0)
    ilmd = session.scalar(select(Lot.ilmd).where(Lot.node_id == node(session, CU)))
    assert ilmd[ct("massKg")] == 25.0
    assert lot_balances(session, [CU])[CU] == {"EA": 500}


def test_second_delivery_of_a_lot_adds_to_its_quantity(session: Session) -> None:
    register(session, quantity=100)
    register(session, quantity=50, when=at(24))
    assert lot_balances(session, [CU])[CU] == {"KGM": 150}


def test_consumption_beyond_the_remaining_quantity_is_rejected(session: Session) -> None:
    register(session, quantity=10)
    manufacture(session, [sgtin("09506000134352", "U1")], materials={CU: 6}, when=at(1))
    assert lot_balances(session, [CU])[CU] == {"KGM": pytest.approx(4)}
    before = events(session)
    with pytest.raises(RuleViolation, match=r"lot .*CU-1 has 4 KGM left, cannot consume 5") as caught:
        manufacture(session, [sgtin("09506000134352", "U2")], materials={CU: 5}, when=at(2))
    assert "remaining quantity" in str(caught.value)
    assert events(session) == before
    manufacture(session, [sgtin("09506000134352", "U2")], materials={CU: (4000, "GRM")}, when=at(2))
    assert lot_balances(session, [CU])[CU]["KGM"] == pytest.approx(0)


def test_consumption_in_another_unit_of_measure_is_rejected(session: Session) -> None:
    register(session, quantity=500, uom="EA", mass_kg=25)
    with pytest.raises(RuleViolation, match="holds EA, not KGM"):
        manufacture(session, [sgtin("09506000134352", "U1")], materials={CU: 1}, when=at(1))


def test_unregistered_lot_cannot_be_consumed(session: Session) -> None:
    with pytest.raises(RuleViolation, match="never commissioned"):
        manufacture(session, [sgtin("09506000134352", "U1")], materials={CU: 1}, when=at(1))
    assert events(session) == 0


def test_lot_cannot_be_used_before_its_registration(session: Session) -> None:
    register(session, when=at(10))
    with pytest.raises(RuleViolation, match="commissioned only at"):
        manufacture(session, [sgtin("09506000134352", "U1")], materials={CU: 1}, when=at(1))


def test_recycle_lots_into_a_recovered_lot(session: Session) -> None:
    register(session, quantity=10)
    report = recycle(session, {CU: 8}, RCU, output_quantity=7.5, location=PLANT, material="copper",
                     work_order="urn:example:wo:r1", energy_kwh=12, when=at(5))
    assert report.captured == 1
    event = orjson.loads(session.scalar(select(Event.payload).where(Event.event_id == report.event_ids[0])))
    assert event["type"] == "TransformationEvent" and event["bizStep"] == RECYCLING
    assert event[ct("energyKWh")] == 12
    ilmd = session.scalar(select(Lot.ilmd).where(Lot.node_id == node(session, RCU)))
    assert ilmd[ct("recycledContentPost")] == 1.0 and ilmd[ct("massKg")] == 7.5
    edge = session.scalars(select(Edge).where(Edge.kind == EdgeKind.INPUT_OF)).one()
    assert (edge.src, edge.dst, edge.mass_kg) == (node(session, CU), node(session, RCU), 8)
    assert lot_balances(session, [RCU])[RCU] == {"KGM": 7.5}
    with pytest.raises(RuleViolation):
        recycle(session, {CU: 3}, RCU, output_quantity=1, when=at(6))


def test_destroyed_lot_ends(session: Session) -> None:
    register(session, quantity=10)
    destroy(session, [CU], when=at(1))
    with pytest.raises(RuleViolation, match="is destroyed"):
        manufacture(session, [sgtin("09506000134352", "U1")], materials={CU: 1}, when=at(2))


def test_the_recycled_fraction_is_the_decimal_sum_not_the_float_one(session: Session) -> None:
    register(session, recycled_pre=0.1, recycled_post=0.35)  # 0.1 + 0.35 == 0.44999999999999996 in floats
    ilmd = session.scalar(select(Lot.ilmd).where(Lot.node_id == node(session, CU)))
    assert ilmd[ct("recycledFraction")] == 0.45
