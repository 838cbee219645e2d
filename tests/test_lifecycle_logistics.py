"""Shipping, receiving, selling and recall holds."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.errors import RuleViolation
from cradletrace.lifecycle import (
    commission_units,
    ct,
    destroy,
    hold_for_recall,
    location,
    manufacture,
    pack,
    party,
    receive,
    release_recall_hold,
    sell,
    sgtin,
    ship,
    sscc,
)
from cradletrace.models import Event
from lifecycle_support import T0, at, events, node, state_of

PACK, BOARD = "09506000134352", "09506000134369"
US, CUSTOMER = party("9520222222222"), party("9520333333336")
PLANT, CUSTOMER_SITE = location("9520555555554"), location("9520666666668")
BOX = sscc("09506000100000001")
UNITS = [sgtin(PACK, f"P{i}") for i in range(3)]


def payload(session: Session, report) -> dict:
    return orjson.loads(session.scalar(select(Event.payload).where(Event.event_id == report.event_ids[-1])))


def shipment(session: Session, items, hours: float, **kw):
    return ship(session, items, from_party=US, to_party=CUSTOMER, from_location=PLANT, to_location=CUSTOMER_SITE,
                when=at(hours), **kw)


@pytest.fixture
def units(session: Session) -> list[str]:
    commission_units(session, UNITS, location=PLANT, when=T0)
    return UNITS


def test_ship_and_receive(session: Session, units: list[str]) -> None:
    report = shipment(session, units, 1, po="urn:example:po:9", desadv="urn:example:desadv:9",
                      inv="urn:example:inv:9", transport_mode="sea", distance_km=9200, mass_kg=36.0)
    event = payload(session, report)
    assert (event["action"], event["bizStep"], event["disposition"]) == ("OBSERVE", "shipping", "in_transit")
    assert event["readPoint"] == {"id": PLANT} and "bizLocation" not in event
    assert event["sourceList"] == [{"type": "owning_party", "source": US}, {"type": "location", "source": PLANT}]
    assert event["destinationList"] == [{"type": "owning_party", "destination": CUSTOMER},
                                        {"type": "location", "destination": CUSTOMER_SITE}]
    assert {d["type"] for d in event["bizTransactionList"]} == {"po", "desadv", "inv"}
    assert (event[ct("transportMode")], event[ct("distanceKm")], event[ct("shipmentMassKg")]) == ("sea", 9200, 36.0)
    state = state_of(session, units[0])
    assert state.disposition == "in_transit" and state.owner_id == node(session, CUSTOMER)

    report = receive(session, units, location=CUSTOMER_SITE, by_party=CUSTOMER, from_party=US, when=at(30),
                     recadv="urn:example:recadv:9")
    event = payload(session, report)
    assert (event["bizStep"], event["disposition"], event["bizLocation"]) == (
        "receiving", "in_progress", {"id": CUSTOMER_SITE})
    state = state_of(session, units[0])
    assert state.biz_location_id == node(session, CUSTOMER_SITE) and state.biz_step == "receiving"


def test_a_receipt_passes_possession_to_the_receiver(session: Session, units: list[str]) -> None:
    """A warehouse held the units for us (its receipt named it the possessing party); when the customer receives
    them, the customer has them in hand: the receipt names it possessor, so the warehouse no longer is."""
    from cradletrace.log.capture import capture_events

    warehouse = party("9520444444440")
    capture_events(session, [{
        "type": "ObjectEvent", "action": "OBSERVE", "epcList": units, "eventTime": "2025-01-06T08:30:00Z",
        "eventTimeZoneOffset": "+00:00", "bizStep": "receiving", "disposition": "in_progress",
        "bizLocation": {"id": PLANT},
        "destinationList": [{"type": "possessing_party", "destination": warehouse}]}])
    assert state_of(session, units[0]).possessor_id == node(session, warehouse)
    shipment(session, units, 2)
    report = receive(session, units, location=CUSTOMER_SITE, by_party=CUSTOMER, from_party=US, when=at(30))
    assert payload(session, report)["destinationList"] == [
        {"type": "owning_party", "destination": CUSTOMER}, {"type": "possessing_party", "destination": CUSTOMER},
        {"type": "location", "destination": CUSTOMER_SITE}]
    state = state_of(session, units[0])
    assert (state.owner_id, state.possessor_id) == (node(session, CUSTOMER), node(session, CUSTOMER))


def test_shipping_an_sscc_lists_the_goods_packed_in_it_but_not_fitted_parts(session: Session, units) -> None:
    board = sgtin(BOARD, "B1")
    commission_units(session, [board], when=T0)
    manufacture(session, [sgtin(PACK, "P9")], components={sgtin(PACK, "P9"): [board]}, when=at(0.5))
    pack(session, BOX, [*units, sgtin(PACK, "P9")], when=at(1))
    event = payload(session, shipment(session, [BOX], 2))
    assert event["epcList"] == [BOX, *units, sgtin(PACK, "P9")]
    assert state_of(session, units[1]).disposition == "in_transit"
    event = payload(session, receive(session, [BOX], location=CUSTOMER_SITE, by_party=CUSTOMER, when=at(3),
                                     include_contents=False))
    assert event["epcList"] == [BOX]


def test_unit_on_recall_hold_cannot_be_shipped_without_override(session: Session, units) -> None:
    report = hold_for_recall(session, units[:1], reason="cell lot L7 recalled", recall_id="urn:example:recall:7",
                             when=at(1))
    event = payload(session, report)
    assert (event["bizStep"], event["disposition"]) == ("holding", "recalled")
    assert event[ct("recallId")] == "urn:example:recall:7"
    before = events(session)
    with pytest.raises(RuleViolation, match=r"P0 is on recall hold") as caught:
        shipment(session, units, 2)
    assert "override" in str(caught.value)
    assert events(session) == before
    with pytest.raises(RuleViolation, match="recall hold"):
        sell(session, units[:1], customer=CUSTOMER, when=at(2))
    with pytest.raises(RuleViolation):
        shipment(session, units, 2, override_reason="   ")
    assert events(session) == before
    event = payload(session, shipment(session, units, 2, override_reason="shipped to the recall assessor"))
    assert event[ct("recallOverride")] == {ct("reason"): "shipped to the recall assessor", ct("object"): [units[0]]}


def test_recall_hold_applies_inside_an_sscc_and_inside_a_unit(session: Session, units) -> None:
    board = sgtin(BOARD, "B1")
    commission_units(session, [board], when=T0)
    manufacture(session, [sgtin(PACK, "P9")], components={sgtin(PACK, "P9"): [board]}, when=at(0.5))
    hold_for_recall(session, [board], when=at(0.7))
    pack(session, BOX, [units[0], sgtin(PACK, "P9")], when=at(1))
    with pytest.raises(RuleViolation, match=r"B1 is on recall hold \(inside .*/00/"):
        shipment(session, [BOX], 2)
    with pytest.raises(RuleViolation, match="B1 is on recall hold"):
        sell(session, [sgtin(PACK, "P9")], customer=CUSTOMER, when=at(2))


def test_release_recall_hold(session: Session, units) -> None:
    with pytest.raises(RuleViolation, match="not on recall hold"):
        release_recall_hold(session, units[:1], reason="inspected", when=at(1))
    hold_for_recall(session, units[:1], when=at(1))
    event = payload(session, release_recall_hold(session, units[:1], reason="cells measured ok", when=at(2)))
    assert (event["bizStep"], event["disposition"]) == ("inspecting", "conformant")
    shipment(session, units[:1], 3)


def test_sell_transfers_ownership(session: Session, units) -> None:
    event = payload(session, sell(session, units[:2], customer=CUSTOMER, seller=US, location=PLANT,
                                  inv="urn:example:inv:1", when=at(1)))
    assert (event["bizStep"], event["disposition"]) == ("retail_selling", "retail_sold")
    assert event["destinationList"] == [{"type": "owning_party", "destination": CUSTOMER}]
    assert event["bizTransactionList"] == [{"type": "inv", "bizTransaction": "urn:example:inv:1"}]
    assert ct("saleKind") not in event
    assert state_of(session, units[0]).owner_id == node(session, CUSTOMER)


def test_no_shipping_before_commissioning_or_after_destruction(session: Session, units) -> None:
    with pytest.raises(RuleViolation, match="never commissioned"):
        shipment(session, [sgtin(PACK, "nope")], 1)
    with pytest.raises(RuleViolation, match="commissioned only at"):
        ship(session, units, from_party=US, to_party=CUSTOMER, when=T0 - timedelta(days=1))
    destroy(session, units[:1], when=at(1))
    before = events(session)
    with pytest.raises(RuleViolation, match="is destroyed, so it cannot be shipped"):
        shipment(session, units, 2)
    with pytest.raises(RuleViolation, match="is destroyed"):
        receive(session, units[:1], location=PLANT, by_party=US, when=at(2))
    assert events(session) == before


def test_rules_cost_one_query_each_whatever_the_number_of_units(session: Session, count_statements) -> None:
    many = [sgtin(PACK, f"M{i}") for i in range(1000)]
    commission_units(session, many, when=T0)
    hold_for_recall(session, many[-1:], when=at(1))
    with count_statements(session) as statements, pytest.raises(RuleViolation, match="M999 is on recall hold"):
        shipment(session, many, 2)
    assert len(statements) == 2, statements  # commissioned/ended states, then everything inside (recall holds)
