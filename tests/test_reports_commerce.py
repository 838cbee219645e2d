"""The O2C and L2C KPIs: METRICS §5's worked values, and every KPI of the commerce world worked out by hand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace.reports import commerce as kpi

FEB, APR = datetime(2026, 2, 1), datetime(2026, 4, 1)


def test_metrics_worked_values() -> None:
    assert kpi.dso_standard(Decimal("420000"), Decimal("300000"), 30) == 42.0
    assert kpi.dso_countback(Decimal("500000"), [(Decimal("300000"), 30), (Decimal("250000"), 31)]) == 54.8
    assert kpi.cei(400_000, 300_000, 420_000, 310_000) == 71.79


def test_countback_covers_whole_months_while_ar_lasts() -> None:
    # AR larger than both months: every day of both counts.
    assert kpi.dso_countback(600_000, [(300_000, 30), (250_000, 31)]) == 61.0
    assert kpi.dso_countback(100, []) is None


def test_empty_denominators_give_none() -> None:
    assert kpi.dso_standard(100, 0, 30) is None
    assert kpi.cei(0, 0, 0, 0) is None
    assert kpi.ar_turnover(0, 0) == (None, None)
    assert kpi.rate(1, 0) is None


def test_aging_buckets_sum_to_the_total() -> None:
    at = datetime(2026, 4, 1)
    late = [0, 1, 30, 31, 60, 61, 90, 91]  # days past due: the edges of every bucket
    items = pd.DataFrame({"open": [Decimal(2) ** i for i in range(len(late))],
                          "due_at": [pd.Timestamp(at) - pd.Timedelta(days=d) for d in late]})
    buckets = kpi.aging(items, at)
    assert buckets == {"current": Decimal(1), "1-30": Decimal(2 + 4), "31-60": Decimal(8 + 16),
                       "61-90": Decimal(32 + 64), ">90": Decimal(128)}
    assert sum(buckets.values()) == Decimal(255)


@pytest.fixture
def frames(session: Session) -> kpi.Frames:
    world.build(session)
    return kpi.load_frames(session)


def test_o2c_figures_of_the_world(frames: kpi.Frames) -> None:
    f = kpi.o2c_figures(frames, FEB, APR)
    days = 28 + 31
    # Invoiced in the period: 240 + 120 + 1 500 + 180; open on 1 April: 60 (INV-2) + 1 000 (INV-3).
    assert f["credit_sales"] == Decimal("2040.00")
    assert f["ar_begin"] == Decimal("0.00") and f["ar_end"] == Decimal("1060.00")
    assert f["dso"] == round(1060 / 2040 * days, 2) == 30.66
    # Countback: March has no sales (31 days), then 1 060 / 2 040 of February's 28 days.
    assert f["dso_countback"] == round(31 + 1060 / 2040 * 28, 2) == 45.55
    # Both open invoices are past due on 1 April, so nothing is current.
    assert f["best_possible_dso"] == 0.0 and f["average_days_delinquent"] == 30.66
    assert f["cei"] == round((0 + 2040 - 1060) / (0 + 2040 - 0) * 100, 2) == 48.04
    # INV-2 due 12 March (19 days late), INV-3 due 19 February (B's 14 days; 40 days late).
    assert f["aging"] == {"current": 0, "1-30": Decimal("60"), "31-60": Decimal("1000"), "61-90": 0, ">90": 0}
    # Net credit sales 2 040 - 90 (the credit note) over the average AR (0 + 1 060) / 2.
    assert f["ar_turnover"] == round(1950 / 530, 4) and f["ar_turnover_days"] == round(365 * 530 / 1950, 2)
    # Authorised (SO2: released 3 Feb) to delivered: 11, 3, 4 days.
    assert f["order_cycle_time"] == {"mean": 6.0, "median": 4.0, "count": 3}
    # Created to fully shipped: 7, 2, 2; to the first shipment: 2, 2, 2.
    assert f["order_to_ship"] == {"mean": round(11 / 3, 2), "median": 2.0, "count": 3}
    assert f["order_to_first_ship"] == {"mean": 2.0, "median": 2.0, "count": 3}
    # Shipment to invoice: SH1 1, SH2 2, SH3 1, SH4 1.
    assert f["billing_speed"] == {"mean": 1.25, "median": 1.0, "count": 4}
    # Fully paid: INV-1 in 16 days, INV-4 in 12.
    assert f["invoice_to_cash"] == {"mean": 14.0, "median": 14.0, "count": 2}
    # Payments only, weighted: 240 x 16 + 60 x 10 + 500 x 33 + 90 x 12 over 890.
    assert f["invoice_to_cash_weighted"] == round((240 * 16 + 60 * 10 + 500 * 33 + 90 * 12) / 890, 2) == 24.74
    # Only SO3 is fully paid: ordered 10 Feb, paid 25 Feb.
    assert f["o2c_cycle"] == {"mean": 15.0, "median": 15.0, "count": 1}
    # SO1 late, SO3 damaged and credited: only SO2 is perfect.
    assert f["perfect_order_rate"] == 33.33
    assert f["perfect_order_index"] == round(2 / 3 * 1 * 2 / 3 * 2 / 3 * 100, 2) == 29.63
    assert f["on_time_rate"] == 66.67
    assert f["order_accuracy"] == 100.0
    assert f["billing_accuracy"] == 75.0  # INV-4 has a credit note
    assert (f["orders"], f["invoices"], f["currency"]) == (3, 4, "EUR")


def test_l2c_figures_of_the_world(frames: kpi.Frames) -> None:
    f = kpi.l2c_figures(frames, datetime(2026, 1, 1), APR)
    assert f["leads"] == 4
    assert f["conversion_rate"] == 75.0  # L1, L2, L4 became opportunities; L3 was disqualified
    # Lead created to opportunity won: L1 5 Jan -> 25 Jan, L4 10 Jan -> 1 Feb.
    assert f["sales_cycle_length"] == {"mean": 21.0, "median": 21.0, "count": 2}
    assert f["win_rate"] == 66.67  # O1, O3 won; O2 lost
    assert f["quote_to_order_rate"] == 66.67  # Q1, Q3 ordered; Q2 rejected
    assert f["average_deal_size"] == Decimal("1500.00")
    # Net of tax: 200 + 100 + 1 500 + 180, less the 90 credited.
    assert f["revenue"] == Decimal("1890.00")


def test_filters_by_customer_and_product(session: Session) -> None:
    world.build(session)
    beta = kpi.o2c_figures(kpi.load_frames(session, customer=world.CUSTOMER_B), FEB, APR)
    assert beta["credit_sales"] == Decimal("1500.00") and beta["ar_end"] == Decimal("1000.00")
    assert beta["aging"]["31-60"] == Decimal("1000")
    # The customer's bare GLN is the same customer (13 digits alone would read as a GTIN-13).
    bare = kpi.o2c_figures(kpi.load_frames(session, customer=world.CUSTOMER_B.rsplit("/", 1)[-1]), FEB, APR)
    assert bare["credit_sales"] == Decimal("1500.00")
    pumps = kpi.o2c_figures(kpi.load_frames(session, product=world.PUMP), FEB, APR)
    assert pumps["credit_sales"] == Decimal("540.00") and pumps["orders"] == 2


def test_a_period_before_anything_is_empty(frames: kpi.Frames) -> None:
    f = kpi.o2c_figures(frames, datetime(2025, 1, 1), datetime(2025, 2, 1))
    assert f["credit_sales"] == 0 and f["dso"] is None and f["order_cycle_time"]["count"] == 0
    assert kpi.l2c_figures(frames, datetime(2025, 1, 1), datetime(2025, 2, 1))["conversion_rate"] is None


@settings(max_examples=50, deadline=None, database=None)
@given(st.lists(st.tuples(st.decimals(min_value="0.01", max_value="100000", places=2),
                          st.integers(min_value=-400, max_value=400)), max_size=30))
def test_aging_always_sums_to_the_open_total(items: list[tuple[Decimal, int]]) -> None:
    at = datetime(2026, 4, 1)
    frame = pd.DataFrame({"open": [a for a, _d in items],
                          "due_at": [pd.Timestamp(at) - pd.Timedelta(days=d) for _a, d in items]})
    assert sum(kpi.aging(frame, at).values(), Decimal(0)) == sum((a for a, _d in items), Decimal(0))


@settings(max_examples=50, deadline=None, database=None)
@given(ar=st.integers(min_value=0, max_value=10**6),
       months=st.lists(st.tuples(st.integers(min_value=1, max_value=10**6), st.sampled_from([28, 30, 31])),
                       min_size=1, max_size=12))
def test_countback_never_counts_more_days_than_the_months(ar: int, months: list[tuple[int, int]]) -> None:
    value = kpi.dso_countback(ar, months)
    assert 0 <= value <= sum(d for _s, d in months) + 0.01
