"""Sales orders: direct or from a quote, requested date, cancellation frees the units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, day, order, setup, unit
from cradletrace import commerce
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import DocumentStatus


def test_direct_order_and_cancellation(session: Session) -> None:
    setup(session)
    so = commerce.create_order(session, "SO1", party=CUSTOMER_A, currency="EUR", requested_at=day(2, 9),
                               lines=[{"product": "(01)09506000134352", "quantity": "1.5", "unit_price": "10"}],
                               when=day(2, 1))
    assert (so.amount, so.status, so.requested_at.day) == (Decimal("15.00"), DocumentStatus.CONFIRMED, 9)
    with pytest.raises(InvalidInput, match="needs a customer and lines"):
        commerce.create_order(session, "SO2", party=CUSTOMER_A, currency="EUR", lines=[])
    second = order(session, "SO3", quantity=1)
    commerce.allocate(session, second, units=[unit(1)], when=day(2, 2))
    with pytest.raises(InvalidInput, match="needs a reason"):
        commerce.cancel_order(session, "SO3", reason="")
    assert commerce.cancel_order(session, "SO3", reason="customer changed mind").status is DocumentStatus.CANCELLED
    with pytest.raises(RuleViolation, match="must be confirmed or held"):
        commerce.cancel_order(session, "SO3", reason="again")
    order(session, "SO4", quantity=1)
    assert commerce.allocate(session, "SO4", units=[unit(1)], when=day(2, 3))  # free again
