"""Step 4: a unit's revenue when control passes (its delivery event), a plan's month by month, reversals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.commerce.documents import link, new_document
from cradletrace.commerce.lines import add_lines
from cradletrace.lifecycle import receive
from cradletrace.lifecycle.common import submit
from cradletrace.models import ContractStateChange, DocumentKind, DocumentStatus, Event
from cradletrace.revenue.obligations import Obligation, RevenueContract
from cradletrace.revenue.recognition import entries, plan_parts, recognise
from revenue_world import (
    ALPHA,
    ALPHA_SITE,
    BETA_SITE,
    BETA,
    PUMP,
    SELLER,
    WAREHOUSE,
    at,
    build,
    contract,
    naive,
    setup,
    unit,
)


def _of(revenue, obligation: str) -> list[tuple[datetime, str, Decimal, str]]:  # type: ignore[no-untyped-def]
    return [(e.at, e.kind, e.amount, e.reference) for e in revenue.entries if e.obligation == obligation]


def test_each_unit_is_recognised_on_its_delivery_event_not_its_invoice(session: Session) -> None:
    w = build(session, with_return=False)
    revenue = recognise(session)
    for n in range(1, 11):
        # Delivered to Alpha's site on 10 March 14:00 (P1-P6) and 20 April 09:00 (P7-P10); invoiced on
        # 6 March and 16 April: the receiving event decides, with its event ID as the reference.
        when = naive(3, 10, 14) if n <= 6 else naive(4, 20, 9)
        assert _of(revenue, f"SO1 line 1: {unit(n)}") == [(when, "recognised", Decimal("950.00"), w.received[unit(n)])]
    billed = [(e.at, e.kind, e.amount, e.tax, e.reference) for e in revenue.entries if e.obligation is None]
    assert billed == [(naive(3, 6, 9), "billed", Decimal("7752.00"), Decimal("1550.40"), "INV-000001"),
                      (naive(4, 16, 9), "billed", Decimal("5168.00"), Decimal("1033.60"), "INV-000002")]


def test_the_plan_is_recognised_month_by_month_from_its_units_delivery(session: Session) -> None:
    build(session, with_return=False)
    revenue = recognise(session)
    p1 = _of(revenue, f"SO1 line 1: CARE3 for {unit(1)}")
    # 342.00 / 36 = 9.50 on the last day of each coverage month: P1 was delivered on 10 March, so its
    # months end on 9 April, 9 May, ... 9 March 2029.
    assert len(p1) == 36 and {a for _t, _k, a, _r in p1} == {Decimal("9.50")}
    assert [t for t, *_ in p1[:3]] == [naive(4, 9), naive(5, 9), naive(6, 9)]
    assert p1[-1][0] == naive(3, 9, year=2029) and p1[-1][3] == "CARE3 month 36 of 36"
    p7 = _of(revenue, f"SO1 line 1: CARE3 for {unit(7)}")
    assert [t for t, *_ in p7[:2]] == [naive(5, 19), naive(6, 19)] and p7[-1][0] == naive(4, 19, year=2029)
    # April: the six plans delivered in March, 6 x 9.50 = 57.00; May on, all ten: 95.00.
    april = sum(e.amount for e in revenue.entries if e.revenue_class == "service" and e.at.month == 4
                and e.at.year == 2026)
    may = sum(e.amount for e in revenue.entries if e.revenue_class == "service" and e.at.month == 5
              and e.at.year == 2026)
    assert (april, may) == (Decimal("57.00"), Decimal("95.00"))


def test_a_return_with_a_credit_note_reverses_the_units_revenue_and_stops_its_plan(session: Session) -> None:
    w = build(session)
    revenue = recognise(session)
    p10 = f"SO1 line 1: {unit(10)}"
    # Recognised on delivery (20 April), reversed by CN-000001 on 12 June; its plan had its first month
    # (19 May, 9.50) and stops.
    assert _of(revenue, p10) == [(naive(4, 20, 9), "recognised", Decimal("950.00"), w.received[unit(10)]),
                                 (naive(6, 12, 9), "reversed", Decimal("-950.00"), "CN-000001")]
    assert _of(revenue, f"SO1 line 1: CARE3 for {unit(10)}") == [
        (naive(5, 19), "recognised", Decimal("9.50"), "CARE3 month 1 of 36")]
    assert revenue.closed == {p10: naive(6, 12, 9), f"SO1 line 1: CARE3 for {unit(10)}": naive(6, 12, 9)}
    credited = [(e.kind, e.amount, e.tax) for e in revenue.entries if e.reference == "CN-000001" and e.obligation is None]
    assert credited == [("credited", Decimal("-1292.00"), Decimal("-258.40"))]
    # The other nine keep theirs.
    assert len([e for e in revenue.entries if e.kind == "recognised" and e.revenue_class == "product"]) == 10


@pytest.mark.parametrize("late_first", [False, True], ids=["in order", "late event first"])
def test_recognition_follows_event_time_whatever_order_events_arrive_in(session: Session, late_first: bool) -> None:
    setup(session)
    commerce.create_order(session, "SO2", party=ALPHA, currency="EUR", when=at(3, 1),
                          lines=[{"product": PUMP, "quantity": 1, "unit_price": "800.00"}])
    commerce.allocate(session, "SO2", units=[unit(1)], when=at(3, 2))
    commerce.ship_order(session, "SO2", "SH1", from_party=SELLER, to_party=ALPHA, from_location=WAREHOUSE,
                        to_location=ALPHA_SITE, when=at(3, 5))
    # Two receipts at Alpha's site: 12 March (read at the gate) and 11 March (the dock's, sent late).
    times = [at(3, 12), at(3, 11)]
    for when in (reversed(times) if late_first else times):
        receive(session, [unit(1)], location=ALPHA_SITE, by_party=ALPHA, when=when)
    (entry,) = [e for e in recognise(session).entries if e.kind == "recognised"]
    assert (entry.at, entry.amount) == (naive(3, 11, 9), Decimal("800.00"))


def test_a_receipt_elsewhere_is_no_transfer_and_a_retracted_one_does_not_count(session: Session) -> None:
    setup(session)
    commerce.create_order(session, "SO2", party=ALPHA, currency="EUR", when=at(3, 1),
                          lines=[{"product": PUMP, "quantity": 2, "unit_price": "800.00"}])
    commerce.allocate(session, "SO2", units=[unit(1), unit(2)], when=at(3, 2))
    commerce.ship_order(session, "SO2", "SH1", from_party=SELLER, to_party=ALPHA, when=at(3, 5))
    receive(session, [unit(1)], location=BETA_SITE, by_party=BETA, when=at(3, 8))  # not Alpha's: no transfer
    report = receive(session, [unit(2)], location=ALPHA_SITE, by_party=ALPHA, when=at(3, 9))
    (payload,) = session.execute(select(Event.payload).where(Event.event_id == report.event_ids[0])).scalars()
    submit(session, [{**orjson.loads(payload), "errorDeclaration": {"declarationTime": "2026-03-10T00:00:00Z",
                                                                     "reason": "did_not_occur"}}], name="retract")
    assert [e for e in recognise(session).entries if e.kind == "recognised"] == []
    receive(session, [unit(2)], location=ALPHA_SITE, by_party=ALPHA, when=at(3, 20))
    assert [(e.at, e.obligation) for e in recognise(session).entries if e.kind == "recognised"] == [
        (naive(3, 20, 9), f"SO2 line 1: {unit(2)}")]


def test_a_fixed_plan_start_catches_up_on_delivery_and_a_termination_stops_it(session: Session) -> None:
    setup(session)
    c1 = contract(session, starts_at=datetime(2026, 1, 1))
    link(session, [c1], [commerce.create_order(session, "SO2", party=ALPHA, currency="EUR", when=at(3, 1),
                                               lines=[{"product": PUMP, "quantity": 1, "unit_price": "2040.00"}])])
    # The contracts branch adds the terms version to a state change (NOT NULL); give it when the column is there.
    version = {"version": 1} if "version" in ContractStateChange.__table__.c else {}
    session.add(ContractStateChange(contract_id=c1.id, state="terminated", at=datetime(2026, 7, 15), by="ann",
                                    **version))
    session.flush()
    commerce.allocate(session, "SO2", units=[unit(1)], when=at(3, 2))
    commerce.ship_order(session, "SO2", "SH1", from_party=SELLER, to_party=ALPHA, when=at(3, 5))
    receive(session, [unit(1)], location=ALPHA_SITE, by_party=ALPHA, when=at(3, 10))
    revenue = recognise(session)
    # 2 040.00 by 1 500 and 540: 1 500.00 and 540.00; 540 / 36 = 15.00 a month from 1 January: months
    # ending 31 January and 28 February come on delivery (10 March), then 31 March ... 30 June; the
    # termination on 15 July stops it before 31 July.
    plan = _of(revenue, f"SO2 line 1: CARE3 for {unit(1)}")
    assert [(t, a) for t, _k, a, _r in plan] == [(naive(3, 10, 9), Decimal("15.00"))] * 2 + [
        (naive(m, d), Decimal("15.00")) for m, d in ((3, 31), (4, 30), (5, 31), (6, 30))]
    assert revenue.closed == {f"SO2 line 1: CARE3 for {unit(1)}": datetime(2026, 7, 15)}


def test_services_and_invoices_without_an_order_are_recognised_on_their_date(session: Session) -> None:
    setup(session)
    # A billed repair as contracts.service_billing makes it: a service order, and an invoice that follows it
    # (without order_id). The invoice is the service order's billing, not a sale of its own.
    repair = new_document(session, DocumentKind.SERVICE_ORDER, "SRV1", status=DocumentStatus.CLOSED, when=at(5, 3),
                          party=ALPHA, currency="EUR")
    (line,) = add_lines(session, repair, [{"product": PUMP, "quantity": 1, "unit_price": "120.00", "tax_rate": "0.2"}])
    bill = new_document(session, DocumentKind.INVOICE, "INV-9", status=DocumentStatus.ISSUED, when=at(5, 3),
                        party=ALPHA, currency="EUR", follows=[repair])
    add_lines(session, bill, [commerce.lines.carried(line)])
    invoice = new_document(session, DocumentKind.INVOICE, "ERP-7", status=DocumentStatus.ISSUED, when=at(5, 4),
                           party=ALPHA, currency="EUR")
    add_lines(session, invoice, [{"product": PUMP, "quantity": 2, "unit_price": "30.00"}])
    revenue = recognise(session)
    got = {(e.contract, e.obligation, e.at, e.kind, e.revenue_class, e.amount, e.tax) for e in revenue.entries}
    assert got == {
        ("service_order SRV1", "SRV1 line 1", naive(5, 3, 9), "recognised", "service", Decimal("120.00"), 0),
        ("service_order SRV1", None, naive(5, 3, 9), "billed", None, Decimal("120.00"), Decimal("24.00")),
        ("invoice ERP-7", "ERP-7 line 1", naive(5, 4, 9), "recognised", "product", Decimal("60.00"), 0),
        ("invoice ERP-7", None, naive(5, 4, 9), "billed", None, Decimal("60.00"), 0),
    }
    assert sorted(c.key for c in revenue.contracts) == ["invoice ERP-7", "service_order SRV1"]


def test_a_plan_sold_alone_starts_with_the_orders_first_delivery() -> None:
    # Pure: a plan line (no unit) of 120.00 over 12 months, the order's units delivered 3 and 5 May.
    common = {"contract": "order SO5", "order": "SO5", "ssp_basis": "standalone price", "opened_at": datetime(2026, 5, 1)}
    obligations = (
        Obligation(key="u1", kind="unit", revenue_class="product", item=PUMP, unit="U1", quantity=Decimal(1),
                   ssp=Decimal(1), allocated=Decimal("100.00"), **common),
        Obligation(key="u2", kind="unit", revenue_class="product", item=PUMP, unit="U2", quantity=Decimal(1),
                   ssp=Decimal(1), allocated=Decimal("100.00"), **common),
        Obligation(key="plan", kind="plan", revenue_class="service", item="CARE1", unit=None, quantity=Decimal(1),
                   ssp=Decimal(1), allocated=Decimal("120.00"), months=12, **common),
    )
    contract_ = RevenueContract("order SO5", "order", "SO5", None, "EUR", ("SO5",), Decimal("320.00"), obligations)
    revenue = entries([contract_], {"U2": (datetime(2026, 5, 5, 10), "e2"), "U1": (datetime(2026, 5, 3, 10), "e1")})
    plan = [(e.at, e.amount) for e in revenue.entries if e.obligation == "plan"]
    # 120.00 / 12 = 10.00 on 2 June, 2 July, ... 2 May 2027 (from 3 May, the first delivery).
    assert plan[0] == (datetime(2026, 6, 2), Decimal("10.00")) and plan[-1] == (datetime(2027, 5, 2), Decimal("10.00"))
    assert len(plan) == 12


def test_plan_parts_sum_to_the_allocation() -> None:
    # 1 000.00 over 36 months: running totals 27.78, 55.56, 83.33 ...: parts 27.78, 27.78, 27.77 ...
    parts = plan_parts(Decimal("1000.00"), 36, datetime(2026, 1, 1))
    assert [p for _d, p in parts[:3]] == [Decimal("27.78"), Decimal("27.78"), Decimal("27.77")]
    assert sum(p for _d, p in parts) == Decimal("1000.00")
    # From 1 January each coverage month ends on the last day of a calendar month.
    assert [d.date().isoformat() for d, _p in parts[:2]] == ["2026-01-31", "2026-02-28"]
