"""Credit management: open receivables plus open orders over the limit hold the order; finance releases it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, day, order, setup, unit
from cradletrace import commerce
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import CreditHold, DocumentStatus


def test_an_order_over_the_limit_is_held_until_finance_releases_it(session: Session) -> None:
    setup(session, limit="500")
    first = order(session, "SO1", quantity=3)  # 300: within the limit
    assert first.status is DocumentStatus.CONFIRMED
    assert commerce.exposure(session, CUSTOMER_A) == Decimal("300.00")
    second = order(session, "SO2", quantity=3)  # 300 + 300 > 500
    assert second.status is DocumentStatus.HELD
    hold = session.execute(select(CreditHold).where(CreditHold.order_id == second.id)).scalar_one()
    assert hold.exposure == Decimal("600.00") and "over the credit limit of 500.00 EUR" in hold.reason
    with pytest.raises(RuleViolation, match="must be confirmed or partially_shipped"):
        commerce.allocate(session, "SO2", units=[unit(1)])
    with pytest.raises(RuleViolation, match="needs the finance role"):
        commerce.release_hold(session, "SO2", by="sam", roles=["sales"], reason="good customer")
    with pytest.raises(InvalidInput, match="needs a reason"):
        commerce.release_hold(session, "SO2", by="fiona", roles=["finance"], reason="")
    released = commerce.release_hold(session, "SO2", by="fiona", roles=["sales", "finance"], reason="paid upfront",
                                     when=day(2, 2))
    assert (released.released_by, released.release_reason) == ("fiona", "paid upfront")
    assert released.released_at is not None and second.status is DocumentStatus.CONFIRMED
    with pytest.raises(RuleViolation, match="must be held"):
        commerce.release_hold(session, "SO2", by="fiona", roles=["finance"], reason="again")


def test_receivables_count_until_paid(session: Session) -> None:
    setup(session, limit="350")
    order(session, "SO1", quantity=3)
    commerce.allocate(session, "SO1", units=[unit(1), unit(2), unit(3)])
    commerce.ship_order(session, "SO1", "SH1", from_party=CUSTOMER_A, to_party=CUSTOMER_A, when=day(2, 2))
    commerce.invoice_order(session, "SO1", when=day(2, 3))
    # Invoiced now: the order's 300 moved to receivables, it is not counted twice.
    assert commerce.exposure(session, CUSTOMER_A) == Decimal("300.00")
    assert order(session, "SO2", quantity=1).status is DocumentStatus.HELD
    commerce.receive_payment(session, "PAY1", party=CUSTOMER_A, amount="300", currency="EUR",
                             applications={"INV-000001": "300"})
    assert order(session, "SO3", quantity=1).status is DocumentStatus.CONFIRMED


def test_no_limit_no_hold(session: Session) -> None:
    setup(session)
    assert order(session, quantity=1000).status is DocumentStatus.CONFIRMED
