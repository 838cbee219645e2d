"""Quotes: lines, versions, sent, accepted, rejected, expired."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, PUMP, day, setup
from cradletrace import commerce
from cradletrace.errors import RuleViolation
from cradletrace.models import DocumentStatus


def _quote(session: Session, number: str = "Q1", **kw):  # type: ignore[no-untyped-def]
    return commerce.create_quote(session, number, party=CUSTOMER_A, currency="EUR", when=day(1, 1),
                                 lines=[{"product": PUMP, "quantity": 2, "unit_price": "50", "discount": "0.5"}], **kw)


def test_versions_and_acceptance(session: Session) -> None:
    setup(session)
    first = _quote(session, attributes={"price_list": "PL-2026"})
    assert first.amount == Decimal("50.00")
    second = commerce.revise_quote(session, "Q1", lines=[{"product": PUMP, "quantity": 4, "unit_price": "50"}])
    assert (second.version, second.amount, first.status) == (2, Decimal("200.00"), DocumentStatus.SUPERSEDED)
    assert second.attributes == {"price_list": "PL-2026"}
    with pytest.raises(RuleViolation, match="must be sent"):
        commerce.accept_quote(session, "Q1")
    commerce.send_quote(session, "Q1", when=day(1, 2))
    assert commerce.accept_quote(session, "Q1", when=day(1, 3)).status is DocumentStatus.ACCEPTED
    order = commerce.create_order(session, "SO1", quote="Q1", when=day(1, 4))
    assert (order.amount, order.party_id) == (Decimal("200.00"), second.party_id)


def test_expiry_and_rejection(session: Session) -> None:
    setup(session)
    _quote(session, valid_until=day(1, 10))
    commerce.send_quote(session, "Q1")
    with pytest.raises(RuleViolation, match="expired"):
        commerce.accept_quote(session, "Q1", when=day(1, 11))
    _quote(session, "Q2")
    commerce.send_quote(session, "Q2")
    assert commerce.reject_quote(session, "Q2", reason="price").status is DocumentStatus.REJECTED
    with pytest.raises(RuleViolation, match="must be accepted"):
        commerce.create_order(session, "SO1", quote="Q2")
