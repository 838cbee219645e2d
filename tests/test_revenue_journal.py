"""Journal lines: balanced debits and credits per entry, contract assets and liabilities by position, accounts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput
from cradletrace.revenue.journal import Accounts, journal
from cradletrace.revenue.recognition import Entry, recognise
from cradletrace.revenue.schedule import schedule
from revenue_world import build, unit

D = Decimal


def _balances(lines) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    """Debit less credit per account."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    for ln in lines:
        found[ln.account] += ln.debit - ln.credit
    return dict(found)


def test_the_contracts_journal_to_the_end_of_june(session: Session) -> None:
    w = build(session)
    revenue = recognise(session)
    lines = journal(revenue.entries, until=datetime(2026, 7, 1))
    march = [(ln.date, ln.account, ln.debit, ln.credit, ln.obligation, ln.reference) for ln in lines
             if ln.date.month == 3]
    # INV-000001 on 6 March: receivables 7 752 + 1 550.40 = 9 302.40, tax 1 550.40, a liability of 7 752.00
    # (nothing recognised yet); then each of P1-P6 on 10 March uses 950.00 of it.
    assert march[:3] == [(date(2026, 3, 6), "1100", D("9302.40"), D("0.00"), "", "INV-000001"),
                         (date(2026, 3, 6), "2200", D("0.00"), D("1550.40"), "", "INV-000001"),
                         (date(2026, 3, 6), "2400", D("0.00"), D("7752.00"), "", "INV-000001")]
    p1 = f"SO1 line 1: {unit(1)}"
    assert march[3:5] == [(date(2026, 3, 10), "2400", D("950.00"), D("0.00"), p1, w.received[unit(1)]),
                          (date(2026, 3, 10), "4000", D("0.00"), D("950.00"), p1, w.received[unit(1)])]
    assert len(march) == 3 + 6 * 2
    balances = _balances(lines)
    assert sum(balances.values()) == 0  # every entry balances
    # Receivables: 9 302.40 + 6 201.60 - 1 550.40 (CN-000001) = 13 953.60; tax 2 584.00 - 258.40 = 2 325.60.
    assert (balances["1100"], balances["2200"]) == (D("13953.60"), D("-2325.60"))
    # Product revenue 10 x 950 - 950 = 8 550.00; service revenue 57 + 95 + 85.50 = 237.50.
    assert (balances["4000"], balances["4100"]) == (D("-8550.00"), D("-237.50"))
    # The liability account holds the schedule's contract liabilities at the end of June: 2 840.50.
    (june,) = [r for r in schedule(revenue, datetime(2026, 6, 1), datetime(2026, 7, 1))]
    assert -balances["2400"] == june.contract_liabilities == D("2840.50")
    assert balances.get("1150", D(0)) == june.contract_assets == D("0.00")
    # The reversal on 12 June: Dr revenue, Cr the liability (there is no asset to reduce).
    reversal = [(ln.account, ln.debit, ln.credit) for ln in lines if ln.reference == "CN-000001" and ln.obligation]
    assert reversal == [("4000", D("950.00"), D("0.00")), ("2400", D("0.00"), D("950.00"))]


def _entry(day: int, kind: str, amount: str, tax: str = "0.00", reference: str = "r") -> Entry:
    obligation = "ob" if kind in ("recognised", "reversed") else None
    return Entry(datetime(2026, 1, day), "order SO1", obligation, kind, "product" if obligation else None,
                 D(amount), D(tax), reference, "EUR")


def test_recognised_before_billed_goes_through_contract_assets() -> None:
    # 100 recognised on 2 January (an asset), 60 billed on 3 January (uses 60 of the asset), 50 on
    # 4 January (40 of the asset, 10 a liability), a credit of 30 on 5 January (10 off the liability,
    # 20 back to the asset), and a reversal of 50 on 6 January (20 off the asset, 30 a liability).
    lines = journal([_entry(2, "recognised", "100.00"), _entry(3, "billed", "60.00"), _entry(4, "billed", "50.00"),
                     _entry(5, "credited", "-30.00"), _entry(6, "reversed", "-50.00")])
    got = [(ln.date.day, ln.account, ln.debit, ln.credit) for ln in lines]
    assert got == [
        (2, "1150", D("100.00"), D("0.00")), (2, "4000", D("0.00"), D("100.00")),
        (3, "1100", D("60.00"), D("0.00")), (3, "1150", D("0.00"), D("60.00")),
        (4, "1100", D("50.00"), D("0.00")), (4, "1150", D("0.00"), D("40.00")), (4, "2400", D("0.00"), D("10.00")),
        (5, "1100", D("0.00"), D("30.00")), (5, "2400", D("10.00"), D("0.00")), (5, "1150", D("20.00"), D("0.00")),
        (6, "4000", D("50.00"), D("0.00")), (6, "1150", D("0.00"), D("20.00")), (6, "2400", D("0.00"), D("30.00")),
    ]
    # Position at the end: billed 80 less recognised 50 = 30, all of it a liability.
    assert _balances(lines).get("1150") == D("0.00") and _balances(lines)["2400"] == D("-30.00")


def test_a_period_of_the_journal_splits_as_the_whole_history_says() -> None:
    # 100 billed on 2 January (a liability); in the period from 3 January, 40 recognised uses the liability.
    lines = journal([_entry(2, "billed", "100.00"), _entry(5, "recognised", "40.00")], since=datetime(2026, 1, 3))
    assert [(ln.account, ln.debit, ln.credit) for ln in lines] == [("2400", D("40.00"), D("0.00")),
                                                                   ("4000", D("0.00"), D("40.00"))]


def test_accounts_are_configurable() -> None:
    accounts = Accounts.parse(["product_revenue = 4010", "service_revenue=4110"])
    lines = journal([_entry(2, "recognised", "1.00")], accounts)
    assert [ln.account for ln in lines] == ["1150", "4010"]
    for bad, naming in (("product_revenue", "is not ROLE=CODE"), ("sales=4000", "unknown account role 'sales'"),
                        ("tax=", "is not ROLE=CODE")):
        with pytest.raises(InvalidInput, match=naming) as e:
            Accounts.parse([bad])
        assert e.value.where == "--account"
