"""Allocation rules, shipping through the lifecycle, delivery."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, SELLER, day, order, setup, unit
from cradletrace import commerce
from cradletrace.errors import RuleViolation
from cradletrace.lifecycle import assemble, hold_for_recall
from cradletrace.models import Allocation, DocumentStatus, Event
from cradletrace.timestamps import naive_utc


def test_a_unit_goes_to_one_open_order_line(session: Session) -> None:
    setup(session)
    order(session, "SO1", quantity=2)
    order(session, "SO2", quantity=2)
    commerce.allocate(session, "SO1", units=[unit(1)], when=day(2, 2))
    with pytest.raises(RuleViolation, match="nothing allocated to ship"):
        commerce.ship_order(session, "SO2", "SH9", from_party=SELLER, to_party=CUSTOMER_A)
    with pytest.raises(RuleViolation, match="already allocated to order SO1"):
        commerce.allocate(session, "SO2", units=[unit(1)], when=day(2, 2))
    with pytest.raises(RuleViolation, match="no line for GTIN .* with room"):
        commerce.allocate(session, "SO1", units=[unit(2), unit(3)], when=day(2, 2))


def test_the_database_holds_the_rule_too(session: Session) -> None:
    setup(session)
    order(session, "SO1", quantity=2)
    first = commerce.allocate(session, "SO1", units=[unit(1)], when=day(2, 2))[0]
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(Allocation(line_id=first.line_id, object_id=first.object_id, serialized=True,
                                   quantity=1, active=True, allocated_at=first.allocated_at))
            session.flush()


def test_a_unit_on_recall_hold_cannot_be_allocated(session: Session) -> None:
    setup(session)
    order(session, "SO1", quantity=2)
    hold_for_recall(session, [unit(1)], reason="supplier alert", when=day(2, 1))
    with pytest.raises(RuleViolation, match="P1 is on recall hold, so it cannot be allocated"):
        commerce.allocate(session, "SO1", units=[unit(1)], when=day(2, 2))
    # A held part inside a unit holds the unit too.
    assemble(session, unit(2), [unit(3)], when=day(2, 1))
    hold_for_recall(session, [unit(3)], when=day(2, 1))
    with pytest.raises(RuleViolation, match=r"P3 \(inside .*P2\) is on recall hold"):
        commerce.allocate(session, "SO1", units=[unit(2)], when=day(2, 2))


def test_shipping_names_the_order_and_the_shipment(session: Session) -> None:
    setup(session)
    order(session, "SO1", quantity=2)
    commerce.allocate(session, "SO1", units=[unit(1), unit(2)], when=day(2, 2))
    shipment = commerce.ship_order(session, "SO1", "SH1", units=[unit(1)], from_party=SELLER, to_party=CUSTOMER_A,
                                   when=day(2, 3))
    so = commerce.documents.get(session, commerce.documents.DocumentKind.ORDER, "SO1")
    assert so.status is DocumentStatus.PARTIALLY_SHIPPED
    payload = orjson.loads(session.scalars(select(Event.payload).where(Event.biz_step == "shipping")).one())
    assert payload["bizTransactionList"] == [
        {"type": "po", "bizTransaction": "urn:cradletrace:doc:order:SO1"},
        {"type": "desadv", "bizTransaction": "urn:cradletrace:doc:shipment:SH1"}]
    commerce.ship_order(session, "SO1", "SH2", from_party=SELLER, to_party=CUSTOMER_A, when=day(2, 4))
    assert so.status is DocumentStatus.SHIPPED
    with pytest.raises(RuleViolation, match="order SO1 is shipped; it must be confirmed or partially_shipped"):
        commerce.ship_order(session, "SO1", "SH3", from_party=SELLER, to_party=CUSTOMER_A)
    commerce.deliver(session, shipment, when=day(2, 5))
    assert so.status is DocumentStatus.SHIPPED  # SH2 is still on its way
    commerce.deliver(session, "SH2", when=day(2, 6), damaged=True)
    assert so.status is DocumentStatus.DELIVERED and so.delivered_at is not None


def test_a_delivery_at_the_customers_site_is_the_event_that_passes_control(session: Session) -> None:
    from cradletrace.contracts.control import control_passed
    from cradletrace.lifecycle import add_location

    setup(session)
    site = "https://id.gs1.org/414/9520999999945"
    add_location(session, site, "Alpha's depot", party=CUSTOMER_A)
    order(session, "SO1", quantity=2)
    commerce.allocate(session, "SO1", units=[unit(1), unit(2)], when=day(2, 2))
    commerce.ship_order(session, "SO1", "SH1", from_party=SELLER, to_party=CUSTOMER_A, to_location=site,
                        when=day(2, 3))
    assert control_passed(session, [unit(1)]) == {}  # shipped is not received: control has not passed
    commerce.deliver(session, "SH1", when=day(2, 5), location=site)
    payload = orjson.loads(session.scalars(select(Event.payload).where(Event.biz_step == "receiving")).one())
    assert payload["epcList"] == [unit(1), unit(2)] and payload["disposition"] == "in_progress"
    assert payload["bizTransactionList"] == [
        {"type": "po", "bizTransaction": "urn:cradletrace:doc:order:SO1"},
        {"type": "desadv", "bizTransaction": "urn:cradletrace:doc:shipment:SH1"}]
    passed = control_passed(session, [unit(1), unit(2)])
    assert {u: t.at for u, t in passed.items()} == {unit(1): naive_utc(day(2, 5)), unit(2): naive_utc(day(2, 5))}
