"""Line totals: net after discount and tax, each rounded to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from commerce_setup import order, setup
from cradletrace.commerce.lines import line_total
from cradletrace.errors import InvalidInput, NotFound

prices = st.decimals(min_value=0, max_value=10_000, places=2)
rates = st.decimals(min_value=0, max_value=1, places=3)


@settings(max_examples=50, deadline=None, database=None)
@given(quantity=st.integers(min_value=1, max_value=1000), price=prices, discount=rates, tax=rates)
def test_totals_are_cents_and_bounded(quantity: int, price: Decimal, discount: Decimal, tax: Decimal) -> None:
    net, vat = line_total(Decimal(quantity), price, discount, tax)
    assert net == net.quantize(Decimal("0.01")) and vat == vat.quantize(Decimal("0.01"))
    assert 0 <= net <= quantity * price + Decimal("0.005") and 0 <= vat <= net + Decimal("0.005")


def test_bad_lines_are_refused(session: Session) -> None:
    setup(session)
    with pytest.raises(InvalidInput, match="quantity must be positive"):
        order(session, quantity=0)
    with pytest.raises(InvalidInput, match="discount is a fraction"):
        order(session, "SO2", discount="1.5")
    with pytest.raises(NotFound, match="no product with GTIN"):
        order(session, "SO3", product="09506000134383")
    with pytest.raises(InvalidInput, match="not a GS1 identifier"):
        order(session, "SO4", product="pump")
