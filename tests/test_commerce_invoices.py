"""Invoices: from shipped quantities, gap-free per series, due from the terms, tax, the inv event."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, SELLER, day, order, setup, unit
from cradletrace import commerce
from cradletrace.errors import RuleViolation
from cradletrace.models import DocumentStatus, Event, EventType


def test_partial_shipments_partial_invoices(session: Session) -> None:
    setup(session, terms=45)
    order(session, "SO1", quantity=3, tax_rate="0.25")
    commerce.allocate(session, "SO1", units=[unit(1), unit(2), unit(3)], when=day(2, 2))
    with pytest.raises(RuleViolation, match="nothing shipped left to invoice"):
        commerce.invoice_order(session, "SO1")
    commerce.ship_order(session, "SO1", "SH1", units=[unit(1)], from_party=SELLER, to_party=CUSTOMER_A,
                        when=day(2, 3))
    first = commerce.invoice_order(session, "SO1", when=day(2, 4))
    assert (first.number, first.amount, first.tax, first.currency) == ("INV-000001", Decimal("125.00"),
                                                                        Decimal("25.00"), "EUR")
    assert first.due_at - first.created_at == timedelta(days=45) and first.status is DocumentStatus.ISSUED
    commerce.ship_order(session, "SO1", "SH2", from_party=SELLER, to_party=CUSTOMER_A, when=day(2, 5))
    second = commerce.invoice_order(session, "SO1", when=day(2, 6))
    assert (second.number, second.amount) == ("INV-000002", Decimal("250.00"))
    assert [c.serial for c in commerce.covered_serials(session, second)] == ["P2", "P3"]
    event = session.execute(select(Event.payload).where(Event.event_type == EventType.TRANSACTION)
                            .order_by(Event.id.desc()).limit(1)).scalar_one()
    assert orjson.loads(event)["bizTransactionList"] == [
        {"type": "inv", "bizTransaction": "urn:cradletrace:doc:invoice:INV-000002"}]


def test_numbers_are_gap_free_per_series_even_after_a_rollback(session: Session) -> None:
    setup(session)
    assert commerce.next_number(session, "X") == "X-000001"
    with pytest.raises(RuntimeError):
        with session.begin_nested():
            assert commerce.next_number(session, "X") == "X-000002"
            raise RuntimeError("the invoice failed")
    assert commerce.next_number(session, "X") == "X-000002"
    assert commerce.next_number(session, "Y") == "Y-000001"
