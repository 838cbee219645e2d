"""Splitting money to the cent: largest remainder in proportion to weights, and prorating over a whole."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cradletrace.errors import InvalidInput
from cradletrace.revenue.allocation import allocate, prorate

cents = st.integers(min_value=0, max_value=10**12).map(lambda c: Decimal(c).scaleb(-2))
weights = st.lists(st.decimals(min_value=0, max_value=10**7, places=2), min_size=1, max_size=25)


@given(cents, weights)
def test_the_parts_add_up_and_each_is_its_exact_share_to_a_cent(total: Decimal, ws: list[Decimal]) -> None:
    parts = allocate(total, ws)
    assert sum(parts) == total
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)
    whole = sum(Fraction(w) for w in ws) or Fraction(len(ws))
    shares = [Fraction(total) * (Fraction(w) if any(ws) else 1) / whole for w in ws]
    for part, share in zip(parts, shares):
        # Never a cent or more from the exact share: the floor of it in cents, or one cent more.
        low = Fraction(math.floor(share * 100), 100)
        assert low <= Fraction(part) <= low + Fraction(1, 100)


@given(cents, weights)
def test_a_larger_weight_never_gets_less(total: Decimal, ws: list[Decimal]) -> None:
    parts = allocate(total, ws)
    for i in range(len(ws)):
        for j in range(len(ws)):
            if ws[i] > ws[j]:
                assert parts[i] >= parts[j]


@given(cents, st.integers(min_value=1, max_value=40))
def test_equal_weights_differ_by_a_cent_at_most_and_the_earlier_get_the_extra_cents(total: Decimal, n: int) -> None:
    parts = allocate(total, [Decimal(7)] * n)
    assert parts == sorted(parts, reverse=True)
    assert parts[0] - parts[-1] <= Decimal("0.01")


def test_worked_examples() -> None:
    # 12 920.00 by 15 000 (pumps) and 5 400 (plans): 12 920 x 15 000 / 20 400 = 9 500 exactly, 3 420 the rest.
    assert allocate(Decimal("12920.00"), [Decimal(15000), Decimal(5400)]) == [Decimal("9500.00"), Decimal("3420.00")]
    # 10.00 by 1, 1, 1: 3.333... each, 1 cent left over, to the first (a tie, the earlier part).
    assert allocate(Decimal("10.00"), [Decimal(1)] * 3) == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]
    # 1.00 by 1, 2, 3, 4: 0.10, 0.20, 0.30, 0.40 exactly: no cent to place.
    assert allocate(Decimal("1.00"), [Decimal(k) for k in (1, 2, 3, 4)]) == [
        Decimal("0.10"), Decimal("0.20"), Decimal("0.30"), Decimal("0.40")]
    # 0.10 by 1, 1, 1, 2, 2: shares 0.0143, 0.0143, 0.0143, 0.0286, 0.0286; floors 1+1+1+2+2 = 7 cents,
    # 3 left for the largest fractions: .857 (the two 2s, in order), then .429 (the first 1).
    assert allocate(Decimal("0.10"), [Decimal(k) for k in (1, 1, 1, 2, 2)]) == [
        Decimal("0.02"), Decimal("0.01"), Decimal("0.01"), Decimal("0.03"), Decimal("0.03")]


@pytest.mark.parametrize(("total", "ws", "naming"), [
    (Decimal("1.005"), [Decimal(1)], "not a whole number of cents"),
    (Decimal("-1.00"), [Decimal(1)], "negative amount"),
    (Decimal("1.00"), [], "at least one weight"),
    (Decimal("1.00"), [Decimal(-1)], "weights[0]: a weight cannot be negative"),
    (Decimal("1.00"), [1.5], "not float"),
    (1.0, [Decimal(1)], "total: give money as a Decimal"),
])
def test_bad_input_is_refused_naming_it(total, ws, naming) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match=naming.replace("[", r"\[").replace("]", r"\]")):
        allocate(total, ws)


@given(cents, st.integers(min_value=1, max_value=120))
def test_prorated_steps_sum_to_the_amount_and_differ_by_a_cent_at_most(amount: Decimal, months: int) -> None:
    steps = [prorate(amount, k, months) - prorate(amount, k - 1, months) for k in range(1, months + 1)]
    assert sum(steps) == amount
    assert max(steps) - min(steps) <= Decimal("0.01")
    for k in range(months + 1):
        # The running total is the exact share, rounded half up to the cent.
        exact = Fraction(amount) * k / months
        assert abs(Fraction(prorate(amount, k, months)) - exact) <= Fraction(1, 200)


def test_prorate_worked_examples_and_errors() -> None:
    # 342.00 over 36 months: 9.50 a month exactly; 1 000.00: 27.777..., so 27.78, 55.56 (27.78), 83.33 (27.77).
    assert prorate(Decimal("342.00"), 1, 36) == Decimal("9.50")
    assert [prorate(Decimal("1000.00"), k, 36) for k in (1, 2, 3)] == [Decimal("27.78"), Decimal("55.56"),
                                                                        Decimal("83.33")]
    # 2.5 of 10 kg of 99.99: 24.9975 -> 25.00 (half up).
    assert prorate(Decimal("99.99"), Decimal("2.5"), Decimal(10)) == Decimal("25.00")
    with pytest.raises(InvalidInput, match="whole must be positive"):
        prorate(Decimal("1.00"), 0, 0)
    with pytest.raises(InvalidInput, match="done must be from 0 to 3"):
        prorate(Decimal("1.00"), 4, 3)
