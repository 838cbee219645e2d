"""The quote-to-cash KPIs: each pure function on frames made here, then every figure of q2c_world worked out by hand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

import q2c_world as world
from cradletrace.errors import NotFound
from cradletrace.reports import quote_to_cash as q2c
from cradletrace.reports.output import write_report

MARCH, APRIL = datetime(2026, 3, 1), datetime(2026, 4, 1)


def times(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)))


# --- the pure figures ----------------------------------------------------------------------------

def test_turnaround_starts_at_the_opportunity_for_a_first_version_only() -> None:
    quotes = pd.DataFrame({"version": [1, 1, 2, 1], "created_at": times("2026-03-05", "2026-03-02", "2026-03-09",
                                                                         "2026-03-01"),
                           "sent_at": times("2026-03-06", "2026-03-04", "2026-03-10", None),
                           "opportunity_created_at": times(None, "2026-03-01", "2026-03-01", None)})
    # v1 without an opportunity: 1 day; v1 from an opportunity of 1 March: 3 days; v2 from its own creation: 1
    # day; the last was never sent.
    assert q2c.quote_turnaround(quotes, MARCH, APRIL) == {"mean": round(5 / 3, 2), "median": 1.0, "count": 3}
    # Counted by the day it was sent: only the first one (6 March) in [5 March, 7 March).
    assert q2c.quote_turnaround(quotes, datetime(2026, 3, 5), datetime(2026, 3, 7))["count"] == 1


def test_approval_cycle_counts_decisions_in_the_period_and_what_is_pending_at_its_end() -> None:
    approvals = pd.DataFrame({"requested_at": times("2026-02-27", "2026-03-10", "2026-03-20", "2026-04-02"),
                              "decided_at": times("2026-03-02", "2026-04-03", None, None)})
    # Decided in March: the first, after 3 days. Pending on 1 April: the second (decided later) and the third.
    assert q2c.approval_cycle(approvals, MARCH, APRIL) == {"mean": 3.0, "median": 3.0, "count": 1, "pending": 2}


def test_discount_against_list_with_surcharges_and_both_discounts() -> None:
    lines = pd.DataFrame({
        "created_at": times("2026-03-02", "2026-03-03", "2026-03-04", "2026-02-28"),
        "status": ["confirmed", "confirmed", "cancelled", "confirmed"], "currency": ["EUR"] * 4,
        "customer": ["A", "B", "A", "A"], "product": ["P", "P", "P", "P"],
        "quantity": [2, 1, 5, 1], "unit_price": ["105.00", "80.00", "1", "1"],
        "discount": ["0.1", "0", "0", "0"], "document_discount": ["0.05", "0", "0", "0"],
        "list_price": ["90.00", None, None, None], "surcharge": ["15.00", None, None, None],
    })
    made = q2c.discount_lines(lines, MARCH, APRIL)
    # A: 2 x (90 + 15) = 210.00 list, net 2 x 105 x 0.9 x 0.95 = 179.55; B: no list, 80.00 either way.
    # The cancelled order and February's are left out.
    assert list(made["list_value"]) == [Decimal("210.00"), Decimal("80.00")]
    assert list(made["net"]) == [Decimal("179.55"), Decimal("80.00")]
    assert q2c.discounts(made) == {"list_value": Decimal("290.00"), "net_value": Decimal("259.55"),
                                   "discount_given": Decimal("30.45"), "discount_share": round(30.45 / 290 * 100, 2)}
    by_customer = q2c.discount_table(made, "customer")
    assert list(by_customer["customer"]) == ["A", "B"] and list(by_customer["share"]) == [14.5, 0.0]


def test_discounts_in_two_currencies_are_kept_apart() -> None:
    lines = pd.DataFrame({"currency": ["EUR", "USD"], "list_value": [Decimal("10.00"), Decimal("20.00")],
                          "net": [Decimal("9.00"), Decimal("20.00")]})
    figures = q2c.discounts(lines.assign(discount_given=lines["list_value"] - lines["net"]))
    assert figures["discount_given"] == {"EUR": Decimal("1.00"), "USD": Decimal("0.00")}
    assert q2c.discounts(pd.DataFrame())["discount_share"] is None


def test_quote_to_order_groups_quote_numbers_by_their_versions() -> None:
    quotes = pd.DataFrame({
        "number": ["A", "B", "B", "C", "D", "E", "F"], "version": [1, 1, 2, 1, 1, 1, 1],
        "status": ["accepted", "superseded", "rejected", "expired", "sent", "accepted", "expired"],
        "decided_at": times("2026-03-02", None, "2026-03-09", None, None, "2026-02-27", None),
        "valid_until": times(None, None, None, "2026-03-10", None, None, "2026-04-01"),
        "orders": [1, 0, 0, 0, 0, 1, 0]})
    # Decided in March: A (ordered, 1 version), B (2 versions, rejected), C (expired on 10 March). D is still
    # open, E was decided in February and F's validity ends on 1 April, outside the period.
    assert q2c.quote_to_order(quotes, MARCH, APRIL).to_dict("records") == [
        {"versions": 1, "decided": 2, "ordered": 1, "rate": 50.0},
        {"versions": 2, "decided": 1, "ordered": 0, "rate": 0.0}]


def test_contract_cycle_and_renewals() -> None:
    changes = pd.DataFrame({
        "contract_id": [1, 1, 1, 1, 2, 2, 2, 3, 3, 3],
        "number": ["C1"] * 4 + ["C2"] * 3 + ["C3"] * 3,
        "state": ["draft", "signed", "active", "renewed", "draft", "signed", "terminated", "draft", "signed",
                  "expired"],
        "version": [1, 1, 1, 2, 1, 1, 1, 1, 1, 1],
        "at": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-01-05", "2026-03-10", "2026-02-20", "2026-03-04",
                              "2026-03-05", "2025-03-01", "2025-03-03", "2026-03-30"])})
    terms = pd.DataFrame({"contract_id": [1, 1, 2, 3], "version": [1, 2, 1, 1],
                          "ends_at": pd.to_datetime(["2026-03-20", "2027-03-20", "2026-03-25", "2026-03-28"])})
    # Signed in March: C2 only, 12 days after its draft.
    assert q2c.contract_cycle(changes, MARCH, APRIL) == {"mean": 12.0, "median": 12.0, "count": 1}
    ends = q2c.renewals(changes, terms, MARCH, APRIL)
    # C1's first period ends 20 March, renewed; C2 was terminated before its end (not counted); C3 expired.
    assert ends.to_dict("records") == [
        {"contract": "C1", "version": 1, "ends_at": pd.Timestamp("2026-03-20"), "outcome": "renewed"},
        {"contract": "C3", "version": 1, "ends_at": pd.Timestamp("2026-03-28"), "outcome": "expired"}]
    assert q2c.renewal_rate(ends) == 50.0
    assert q2c.renewal_rate(ends.iloc[0:0]) is None


def test_mismatch_rates_count_changes_before_the_periods_end() -> None:
    units = pd.DataFrame({"built_at": times("2026-03-02", "2026-03-03", "2026-03-04", "2026-02-01"),
                          "as_built": [True, False, False, True],
                          "differs_at": times("2026-03-02", "2026-04-15", None, "2026-02-01")})
    # Built in March: three; as built one differs; the second's change comes after March.
    assert q2c.mismatch_rates(units, MARCH, APRIL) == {
        "configured_units_checked": 3, "mismatches_as_built": 1, "mismatch_rate": 33.33,
        "mismatches_including_service": 1, "mismatch_rate_including_service": 33.33}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.booleans(), st.integers(1, 3)), max_size=12))
def test_quote_to_order_does_not_depend_on_the_order_of_the_rows(rows: list[tuple[int, bool, int]]) -> None:
    numbers = [(f"Q{i}", v, outcome, ordered) for i, (outcome, ordered, v) in enumerate(rows)]
    records = [{"number": n, "version": k, "status": ("accepted", "rejected", "sent")[o] if k == v else "superseded",
                "decided_at": pd.Timestamp("2026-03-05"), "valid_until": pd.NaT, "orders": int(ordered and k == v)}
               for n, v, o, ordered in numbers for k in range(1, v + 1)]
    frame = pd.DataFrame(records, columns=["number", "version", "status", "decided_at", "valid_until", "orders"])
    forward = q2c.quote_to_order(frame, MARCH, APRIL)
    backward = q2c.quote_to_order(frame.iloc[::-1].reset_index(drop=True), MARCH, APRIL)
    assert forward.to_dict("records") == backward.to_dict("records")
    assert int(forward["decided"].sum()) == sum(1 for _n, _v, o, _d in numbers if o < 2)


# --- the world ---------------------------------------------------------------------------------

@pytest.fixture
def frames(session: Session) -> q2c.Frames:
    world.build(session)
    return q2c.load_frames(session)


def test_every_figure_of_march(frames: q2c.Frames) -> None:
    report = q2c.q2c_report(frames, MARCH, APRIL)
    f = report.figures
    # Sent in March: Q-1 (1 h after its creation), Q-2 v1 (6 days 1 h after O-1 opened), Q-2 v2 (1 day),
    # Q-3 (4 h): 174 h / 4 = 43.5 h = 1.8125 days; median of 1, 4, 24, 145 h = 14 h.
    assert f["quotes_sent"] == 4
    assert f["quote_turnaround"] == {"mean": 1.81, "median": round(14 / 24, 2), "count": 4}
    # Q-2's approval took 2 days; Q-5's request is still pending.
    assert f["approval_cycle_time"] == {"mean": 2.0, "median": 2.0, "count": 1, "pending": 1}
    # SO-1: 5 x 4 200 + 4 000 = 25 000 without a list (no discount); SO-000001: 3 x 4 350 = 13 050 list,
    # 10 440 net. 2 610 / 38 050 = 6.86 %.
    assert (f["list_value"], f["net_value"], f["discount_given"]) == (Decimal("38050.00"), Decimal("35440.00"),
                                                                       Decimal("2610.00"))
    assert f["discount_share"] == 6.86
    # Decided: Q-1 (1 version, ordered), Q-2 (2 versions, ordered), Q-3 (rejected), Q-4 (expired 10 March).
    assert (f["quotes_decided"], f["quote_to_order_rate"]) == (4, 50.0)
    assert f["quote_to_order_rate_by_versions"] == {"1": 33.33, "2": 100.0}
    # Signed in March: C-1 (2 to 9 March, 7 days), C-3 (4 to 16 March, 12 days).
    assert f["contract_cycle_time"] == {"mean": 9.5, "median": 9.5, "count": 2} and f["contracts_signed"] == 2
    # Ended in March: C-2 (15th, expired), C-3 (25th, undecided), C-1 (31st, renewed): 1 / (1 + 1).
    assert (f["contract_periods_ended"], f["renewal_rate"]) == (3, 50.0)
    # U1 and U3 received on 10 March: 2 x 4 200 recognised and billed; owed at the end: 25 000 - 8 400 + 10 440.
    assert (f["revenue_recognised"], f["revenue_billed"], f["revenue_deferred"]) == (
        Decimal("8400.00"), Decimal("8400.00"), Decimal("27040.00"))
    # U1-U4 built in March; U2 and U4 differ as built; U3 after its swap too.
    assert (f["configured_units_checked"], f["mismatches_as_built"], f["mismatch_rate"]) == (4, 2, 50.0)
    assert (f["mismatches_including_service"], f["mismatch_rate_including_service"]) == (3, 75.0)
    tables = report.tables
    assert tables["discount_by_product"].to_dict("records")[0] == {
        "product": f"{world.PACK10L} Battery pack 10 kWh LFP", "currency": "EUR", "list_value": Decimal("34050.00"),
        "net": Decimal("31440.00"), "discount": Decimal("2610.00"), "share": round(2610 / 34050 * 100, 2)}
    assert list(tables["contract_periods"]["outcome"]) == ["expired", "undecided", "renewed"]
    assert report.notes == []


def test_february_and_an_empty_period(frames: q2c.Frames) -> None:
    feb = q2c.q2c_report(frames, datetime(2026, 2, 1), MARCH).figures
    # Q-4 sent the day it was made; C-2 signed 10 days after its draft; nothing decided, built or billed.
    assert (feb["quotes_sent"], feb["quote_turnaround"]["mean"]) == (1, 0.0)
    assert feb["contract_cycle_time"] == {"mean": 10.0, "median": 10.0, "count": 1}
    assert (feb["quotes_decided"], feb["quote_to_order_rate"], feb["configured_units_checked"]) == (0, None, 0)
    # No obligation was owed before March (SO-1 is of 3 March): no revenue row at all.
    assert feb["list_value"] is None and feb["revenue_recognised"] is None
    empty = q2c.q2c_report(frames, datetime(2025, 1, 1), datetime(2025, 2, 1))
    assert empty.notes and empty.notes[0].startswith("nothing in the period")
    assert '"quote_turnaround": {"mean": null' in write_report(empty, "json")


def test_for_one_customer_and_one_product(session: Session) -> None:
    world.build(session)
    beta = q2c.q2c_report(q2c.load_frames(session, customer=world.BETA), MARCH, APRIL).figures
    # Beta: Q-3 sent (4 h) and rejected, Q-4 expired, Q-5's approval pending; C-3 signed; C-2 expired, C-3
    # undecided; no order, revenue or unit.
    assert (beta["quotes_sent"], beta["quotes_decided"], beta["quote_to_order_rate"]) == (1, 2, 0.0)
    assert beta["approval_cycle_time"] == {"mean": None, "median": None, "count": 0, "pending": 1}
    assert (beta["contracts_signed"], beta["renewal_rate"], beta["list_value"]) == (1, 0.0, None)
    assert (beta["revenue_deferred"], beta["configured_units_checked"]) == (None, 0)
    pack10 = q2c.q2c_report(q2c.load_frames(session, product=world.PACK10), MARCH, APRIL,
                            filters={"product": world.PACK10})
    # Quotes with a PACK10 line: Q-1, Q-3 (Q-4 was sent in February); SO-1's line 2 only; U5 is not configured.
    assert (pack10.figures["quotes_sent"], pack10.figures["list_value"]) == (2, Decimal("4000.00"))
    assert pack10.figures["configured_units_checked"] == 0
    assert "not filtered by product" in pack10.notes[0]
    alpha = q2c.q2c_report(q2c.load_frames(session, customer=world.ALPHA), MARCH, APRIL).figures
    # Alpha: Q-1 and Q-2 (both ordered), both orders, C-1 (7 days, renewed), all the revenue and units.
    assert (alpha["quotes_decided"], alpha["quote_to_order_rate"], alpha["discount_given"]) == (
        2, 100.0, Decimal("2610.00"))
    assert (alpha["contract_cycle_time"]["mean"], alpha["renewal_rate"]) == (7.0, 100.0)
    assert (alpha["revenue_deferred"], alpha["configured_units_checked"]) == (Decimal("27040.00"), 4)
    with pytest.raises(NotFound, match="no customer"):
        q2c.load_frames(session, customer="https://id.gs1.org/417/9520999999945")
