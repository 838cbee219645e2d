"""Step 5: the schedule per period, with deferred revenue and contract assets and liabilities at each end."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput
from cradletrace.revenue.obligations import Bill, Obligation, RevenueContract
from cradletrace.revenue.recognition import entries
from cradletrace.revenue.schedule import periods, range_totals, revenue_schedule, schedule
from revenue_world import build

D = Decimal


def _row(rows, period: str):  # type: ignore[no-untyped-def]
    (row,) = [r for r in rows if r.period == period]
    return (row.recognised, row.products, row.services, row.billed, row.deferred, row.contract_assets,
            row.contract_liabilities)


def test_the_contract_month_by_month_and_the_deferred_balance_at_three_dates(session: Session) -> None:
    build(session)
    rows, _revenue = revenue_schedule(session, datetime(2026, 2, 1), datetime(2027, 1, 1))
    assert [r.period for r in rows] == [f"2026-{m:02d}" for m in range(2, 13)]
    assert {r.currency for r in rows} == {"EUR"}
    # February: nothing ordered yet (SO1 is of 1 March).
    assert _row(rows, "2026-02") == (0, 0, 0, 0, 0, 0, 0)
    # March: P1-P6 delivered, 6 x 950 = 5 700.00; INV-000001 7 752.00. Deferred at the end of March:
    # 12 920 - 5 700 = 7 220.00; billed beyond recognised: 7 752 - 5 700 = 2 052.00, a contract liability.
    assert _row(rows, "2026-03") == (D("5700.00"), D("5700.00"), D("0.00"), D("7752.00"), D("7220.00"), D("0.00"),
                                     D("2052.00"))
    # April: P7-P10, 4 x 950 = 3 800.00, and the first month of the six March plans, 6 x 9.50 = 57.00;
    # INV-000002 5 168.00. Deferred: 7 220 - 3 857 = 3 363.00 (the plans' 3 420 less 57); all billed,
    # so the liability is 12 920 - 9 557 = 3 363.00 too.
    assert _row(rows, "2026-04") == (D("3857.00"), D("3800.00"), D("57.00"), D("5168.00"), D("3363.00"), D("0.00"),
                                     D("3363.00"))
    # May: ten plans, 95.00.
    assert _row(rows, "2026-05")[:5] == (D("95.00"), D("0.00"), D("95.00"), D("0.00"), D("3268.00"))
    # June: P10 returned, CN-000001 reverses its 950.00 (12 June) and credits 1 292.00; plans: six on 9 June
    # and three on 19 June (P10's stopped), 9 x 9.50 = 85.50; recognised 85.50 - 950 = -864.50. Deferred:
    # the nine plans' 9 x 342 = 3 078 less what they recognised (P1-P6 three months, 6 x 28.50 = 171; P7-P9
    # two, 3 x 19 = 57): 2 850.00. Liability: billed 12 920 - 1 292 = 11 628 less recognised
    # 9 557 + 95 - 864.50 = 8 787.50: 2 840.50 (P10's first plan month was recognised and credited).
    assert _row(rows, "2026-06") == (D("-864.50"), D("-950.00"), D("85.50"), D("-1292.00"), D("2850.00"), D("0.00"),
                                     D("2840.50"))
    # December: 85.50 a month; deferred at the year's end: P1-P6 nine months (9 April ... 9 December),
    # 6 x 85.50 = 513; P7-P9 eight (19 May ... 19 December), 3 x 76 = 228; 3 078 - 741 = 2 337.00.
    assert _row(rows, "2026-12")[:5] == (D("85.50"), D("0.00"), D("85.50"), D("0.00"), D("2337.00"))


def test_the_plan_runs_out_and_quarters_and_years_add_up(session: Session) -> None:
    build(session)
    years, _ = revenue_schedule(session, datetime(2026, 1, 1), datetime(2030, 1, 1), "year")
    # Everything recognised in the end: 12 920 less P10's 950 (reversed) and its plan's 342 - 9.50 = 332.50
    # (stopped): 11 637.50.
    assert sum(r.recognised for r in years) == D("11637.50")
    # At the end of 2028, P1-P6 have three months to go (January to 9 March 2029), 6 x 28.50 = 171, and
    # P7-P9 four (to 19 April 2029), 3 x 38 = 114: 285.00; nothing after April 2029.
    assert [(r.period, r.deferred) for r in years][-2:] == [("2028", D("285.00")), ("2029", D("0.00"))]
    quarters, _ = revenue_schedule(session, datetime(2026, 1, 1), datetime(2030, 1, 1), "quarter")
    assert sum(r.recognised for r in quarters) == D("11637.50")
    # 2029-Q1: P1-P6's last three months (171) and P7-P9's first three of 2029 (3 x 28.50 = 85.50).
    assert [(r.recognised, r.deferred) for r in quarters if r.period == "2029-Q1"] == [(D("256.50"), D("28.50"))]
    # Billed 12 920 - 1 292 = 11 628 against 11 637.50 recognised: P10's first plan month, 9.50, stays a
    # contract asset (its credit note refunded the unit's whole price).
    assert (years[-1].contract_assets, years[-1].contract_liabilities) == (D("9.50"), D("0.00"))


def test_recognised_before_billed_is_a_contract_asset() -> None:
    # Pure: a unit of 100.00 delivered on 10 January, invoiced on 5 February.
    ob = Obligation(key="u", contract="order SO1", order="SO1", kind="unit", revenue_class="product", item="G",
                    unit="U1", quantity=D(1), ssp=D(1), ssp_basis="unit price", allocated=D("100.00"),
                    opened_at=datetime(2026, 1, 2))
    c = RevenueContract("order SO1", "order", "SO1", None, "EUR", ("SO1",), D("100.00"), (ob,),
                        (Bill(datetime(2026, 2, 5), "invoice", "INV-1", D("100.00"), D("0.00")),))
    rows = schedule(entries([c], {"U1": (datetime(2026, 1, 10), "e1")}), datetime(2026, 1, 1), datetime(2026, 3, 1))
    assert [(r.recognised, r.billed, r.deferred, r.contract_assets, r.contract_liabilities) for r in rows] == [
        (D("100.00"), D("0.00"), D("0.00"), D("100.00"), D("0.00")),
        (D("0.00"), D("100.00"), D("0.00"), D("0.00"), D("0.00"))]


def test_contracts_are_netted_one_by_one_and_currencies_kept_apart() -> None:
    # Pure: contract A recognised 100 and billed nothing (asset 100); B billed 30 and recognised nothing
    # (liability 30); C in USD billed 50. Assets and liabilities do not offset across contracts.
    def contract(key: str, currency: str, bill: str | None, unit: str | None) -> RevenueContract:
        obligations = (Obligation(key=f"{key}/u", contract=key, order=key, kind="unit", revenue_class="product", item="G",
                                  unit=unit, quantity=D(1), ssp=D(1), ssp_basis="unit price", allocated=D("100.00"),
                                  opened_at=datetime(2026, 1, 1)),)
        bills = (Bill(datetime(2026, 1, 3), "invoice", f"I-{key}", D(bill), D("0.00")),) if bill else ()
        return RevenueContract(key, "order", key, None, currency, (key,), D("100.00"), obligations, bills)

    revenue = entries([contract("A", "EUR", None, "U1"), contract("B", "EUR", "30.00", None),
                       contract("C", "USD", "50.00", None)], {"U1": (datetime(2026, 1, 2), "e")})
    (eur, usd) = schedule(revenue, datetime(2026, 1, 1), datetime(2026, 2, 1))
    # EUR: deferred is B's 100 still owed; assets 100 (A), liabilities 30 (B). USD: C's 100 owed, 50 billed.
    assert (eur.currency, eur.deferred, eur.contract_assets, eur.contract_liabilities) == ("EUR", D("100.00"),
                                                                                           D("100.00"), D("30.00"))
    assert (usd.currency, usd.billed, usd.deferred, usd.contract_liabilities) == ("USD", D("50.00"), D("100.00"),
                                                                                  D("50.00"))


def test_periods_are_calendar_periods_cut_to_the_range() -> None:
    assert [(p, s, e) for p, s, e in periods(datetime(2026, 11, 15), datetime(2027, 2, 1))] == [
        ("2026-11", datetime(2026, 11, 15), datetime(2026, 12, 1)), ("2026-12", datetime(2026, 12, 1), datetime(2027, 1, 1)),
        ("2027-01", datetime(2027, 1, 1), datetime(2027, 2, 1))]
    assert [p for p, _s, _e in periods(datetime(2025, 6, 1), datetime(2027, 1, 1), "year")] == ["2025", "2026"]
    with pytest.raises(InvalidInput, match="unknown period 'week'"):
        periods(datetime(2026, 1, 1), datetime(2026, 2, 1), "week")
    with pytest.raises(InvalidInput, match="2026-02-01 is not before its end 2026-01-01"):
        periods(datetime(2026, 2, 1), datetime(2026, 1, 1))


def test_the_range_in_one_row_is_the_periods_summed_and_the_last_balances(session: Session) -> None:
    build(session)
    rows, _revenue = revenue_schedule(session, datetime(2026, 3, 1), datetime(2026, 7, 1))
    (total,) = range_totals(rows).values()
    # Recognised 5 700 + 3 857 + 95 - 864.50 = 8 787.50 (products 5 700 + 3 800 - 950 = 8 550.00, services
    # 57 + 95 + 85.50 = 237.50); billed 7 752 + 5 168 - 1 292 = 11 628.00; deferred and the liability as at the end
    # of June (2 850.00, 11 628 - 8 787.50 = 2 840.50).
    assert (total.period, total.start, total.end, total.currency) == (
        "total", datetime(2026, 3, 1), datetime(2026, 7, 1), "EUR")
    assert (total.recognised, total.products, total.services, total.billed, total.deferred, total.contract_assets,
            total.contract_liabilities) == (D("8787.50"), D("8550.00"), D("237.50"), D("11628.00"), D("2850.00"),
                                            D("0.00"), D("2840.50"))
    assert range_totals([]) == {}
