"""Steps 1-3: revenue contracts, their performance obligations, the transaction price and its allocation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.commerce.documents import link
from cradletrace.errors import RuleViolation
from cradletrace.models import ContractPlan, ContractTerms, DocumentStatus, ServicePlan
from cradletrace.revenue.obligations import identify
from revenue_world import (
    ALPHA,
    CARE_ITEM,
    PUMP,
    VALVE,
    _product,
    at,
    build,
    contract,
    naive,
    set_ssp,
    setup,
    unit,
)


def _order(session: Session, number: str = "SO2", lines: list[dict] | None = None, when: datetime | None = None):  # type: ignore[no-untyped-def]
    return commerce.create_order(session, number, party=ALPHA, currency="EUR", when=when or at(3, 1),
                                 lines=lines or [{"product": PUMP, "quantity": 3, "unit_price": "100.00"}])


def _by_key(session: Session) -> dict:  # type: ignore[type-arg]
    return {c.key: c for c in identify(session)}


def test_a_contract_with_10_units_and_a_plan_is_allocated_by_standalone_prices(session: Session) -> None:
    build(session, with_return=False)
    c = _by_key(session)["contract C1"]
    assert (c.kind, c.number, c.customer, c.currency, c.orders) == ("contract", "C1", "Alpha", "EUR", ("SO1",))
    # 10 x 1 360.00 less 5 % = 12 920.00, tax excluded.
    assert c.price == Decimal("12920.00")
    units = [ob for ob in c.obligations if ob.kind == "unit"]
    plans = [ob for ob in c.obligations if ob.kind == "plan"]
    assert [ob.unit for ob in units] == [unit(n) for n in range(1, 11)]  # in allocation order
    # Standalone 10 x 1 500 = 15 000 and 10 x 540 = 5 400: 12 920 x 15 000 / 20 400 = 9 500 -> 950.00 a
    # unit; 12 920 x 5 400 / 20 400 = 3 420 -> 342.00 a plan.
    assert {ob.allocated for ob in units} == {Decimal("950.00")}
    assert {ob.allocated for ob in plans} == {Decimal("342.00")}
    assert sum(ob.allocated for ob in c.obligations) == c.price
    assert {(ob.ssp, ob.ssp_basis) for ob in units} == {(Decimal("1500.00"), "standalone price")}
    assert {(ob.ssp, ob.ssp_basis, ob.months) for ob in plans} == {(Decimal("540.00"), "standalone price", 36)}
    # Each plan covers its unit, whose delivery starts it.
    assert [ob.covers for ob in plans] == [ob.key for ob in units]
    assert units[0].key == f"SO1 line 1: {unit(1)}" and plans[0].key == f"SO1 line 1: CARE3 for {unit(1)}"
    assert [(b.kind, b.number, b.net, b.tax) for b in c.bills] == [
        ("invoice", "INV-000001", Decimal("7752.00"), Decimal("1550.40")),
        ("invoice", "INV-000002", Decimal("5168.00"), Decimal("1033.60"))]


def test_standalone_prices_changed_later_move_no_allocation_made(session: Session) -> None:
    """IFRS 15 allocates by the standalone prices at the contract's inception: the pump's going from 1 500.00 to
    3 000.00 and the plan's from 540.00 to 1 000.00 after SO1 leave C1's allocation as it was (950.00 a unit,
    342.00 a plan); an order made after the change is allocated by the new prices."""
    build(session, with_return=False)
    set_ssp(session, PUMP, "3000.00")
    session.execute(select(ServicePlan).where(ServicePlan.code == "CARE3")).scalar_one().standalone_price = (
        Decimal("1000.00"))
    session.flush()
    c = _by_key(session)["contract C1"]
    assert {(ob.kind, ob.ssp, ob.allocated) for ob in c.obligations} == {
        ("unit", Decimal("1500.00"), Decimal("950.00")), ("plan", Decimal("540.00"), Decimal("342.00"))}
    # SO9, alone, after the change: 2 pumps at 100.00, none allocated yet: one obligation, standalone 2 x 3 000.00.
    _order(session, "SO9", [{"product": PUMP, "quantity": 2, "unit_price": "100.00"}], when=at(5, 1))
    later = _by_key(session)["order SO9"]
    assert {(ob.ssp, ob.ssp_basis) for ob in later.obligations} == {(Decimal("6000.00"), "standalone price")}


def test_an_order_alone_is_its_own_contract_and_no_cent_is_lost(session: Session) -> None:
    setup(session)
    set_ssp(session, VALVE, None)
    _order(session, "SO2", [{"product": PUMP, "quantity": 3, "unit_price": "100.00"},
                            {"product": VALVE, "quantity": 1, "unit_price": "50.00"}])
    commerce.allocate(session, "SO2", units=[unit(1), unit(2)], when=at(3, 2))
    c = _by_key(session)["order SO2"]
    assert (c.kind, c.orders, c.price) == ("order", ("SO2",), Decimal("350.00"))
    got = [(ob.key, ob.kind, ob.quantity, ob.ssp, ob.ssp_basis, ob.allocated) for ob in c.obligations]
    # Weights: pumps 3 x 1 500 = 4 500 (standalone), the valve 1 x 50 (no standalone price: its unit price).
    # 350 x 4 500 / 4 550 = 346.1538 and 350 x 50 / 4 550 = 3.8461: 34 615 + 384 cents, the cent left over
    # to the larger fraction (.61 > .38): pumps 346.15, valve 3.85. Over the 3 pumps, running totals
    # 346.15 x 1/3 = 115.38, x 2/3 = 230.77, x 3/3 = 346.15: parts 115.38, 115.39 and 115.38 (pending).
    assert got == [
        (f"SO2 line 1: {unit(1)}", "unit", Decimal(1), Decimal("1500.00"), "standalone price", Decimal("115.38")),
        (f"SO2 line 1: {unit(2)}", "unit", Decimal(1), Decimal("1500.00"), "standalone price", Decimal("115.39")),
        ("SO2 line 1: 1 pending", "goods", Decimal(1), Decimal("1500.00"), "standalone price", Decimal("115.38")),
        ("SO2 line 2: 1 pending", "goods", Decimal(1), Decimal("50.00"), "unit price", Decimal("3.85")),
    ]
    assert sum(ob.allocated for ob in c.obligations) == c.price


def test_a_standalone_price_in_another_currency_falls_back_to_the_list_price(session: Session) -> None:
    setup(session)
    set_ssp(session, PUMP, "1600.00", currency="USD")
    _order(session, "SO2", [{"product": PUMP, "quantity": 1, "unit_price": "90.00", "list_price": "120.00"},
                            {"product": VALVE, "quantity": 1, "unit_price": "10.00"}])
    obligations = _by_key(session)["order SO2"].obligations
    # Weights 120 (list price) and 10 (unit price): 10 000 cents x 120 / 130 = 9 230.77, x 10 / 130 = 769.23:
    # 9 230 + 769 cents, the cent left over to .77 > .23: 92.31 and 7.69.
    assert [(ob.ssp_basis, ob.allocated) for ob in obligations] == [("list price", Decimal("92.31")),
                                                                    ("unit price", Decimal("7.69"))]


def test_a_plan_priced_in_another_currency_without_a_line_is_an_error_naming_it(session: Session) -> None:
    setup(session)
    session.add(ServicePlan(code="CAREUS", name="Care (US)", coverage=["repair"], months=12,
                            standalone_price=Decimal("100.00"), currency="USD"))
    session.flush()
    c1 = contract(session, plans={"CAREUS": None})
    link(session, [c1], [_order(session)])
    with pytest.raises(RuleViolation, match="service plan CAREUS has its standalone selling price in USD, not EUR") as e:
        identify(session)
    assert e.value.where == "order SO2"


def test_a_contracts_orders_share_its_currency(session: Session) -> None:
    setup(session)
    c1 = contract(session)
    order = commerce.create_order(session, "SO9", party=ALPHA, currency="USD", when=at(3, 1),
                                  lines=[{"product": PUMP, "quantity": 1, "unit_price": "100.00"}])
    link(session, [c1], [order])
    with pytest.raises(RuleViolation, match="order SO9 is in USD but contract C1 is in EUR"):
        identify(session)


def test_an_unsigned_contract_is_not_one_for_revenue(session: Session) -> None:
    setup(session)
    c1 = contract(session, status=DocumentStatus.DRAFT)
    link(session, [c1], [_order(session)])
    found = _by_key(session)
    assert "contract C1" not in found
    assert [ob.kind for ob in found["order SO2"].obligations] == ["goods"]  # no plan: the terms are not agreed


def test_the_terms_in_force_at_the_order_decide_its_plans(session: Session) -> None:
    setup(session)
    session.add(ServicePlan(code="INSPECT", name="Yearly inspection", coverage=["inspection"], months=12,
                            standalone_price=Decimal("60.00"), currency="EUR"))
    c1 = contract(session)
    # Version 2 (changed 1 April) adds INSPECT for every product; SO2 (1 March) keeps version 1.
    v2 = ContractTerms(contract_id=c1.id, version=2, payment_terms_days=30, starts_at=datetime(2026, 3, 1),
                       ends_at=datetime(2029, 3, 1), renewal_notice_days=60, changed_at=datetime(2026, 4, 1))
    session.add(v2)
    session.flush()
    for code, product in (("CARE3", _product(session, PUMP)), ("INSPECT", None)):
        plan = session.execute(select(ServicePlan.id).where(ServicePlan.code == code)).scalar_one()
        session.add(ContractPlan(terms_id=v2.id, plan_id=plan, product_id=product))
    session.flush()
    link(session, [c1], [_order(session, "SO2", when=at(3, 1)), _order(session, "SO3", when=at(4, 2))])
    c = _by_key(session)["contract C1"]
    items = sorted({(ob.order, ob.item) for ob in c.obligations})
    assert items == sorted([("SO2", PUMP), ("SO2", "CARE3"), ("SO3", PUMP), ("SO3", "CARE3"), ("SO3", "INSPECT")])
    # SO3: 300.00 by pumps 3 x 1 500 = 4 500, CARE3 3 x 540 = 1 620, INSPECT 3 x 60 = 180 (6 300): 214.29,
    # 77.14, 8.57 (21 428.57 + 7 714.29 + 857.14 cents: floors 29 999, one cent to .57 of the pumps).
    so3 = {}
    for ob in c.obligations:
        if ob.order == "SO3":
            so3[ob.item] = so3.get(ob.item, Decimal(0)) + ob.allocated
    assert so3 == {PUMP: Decimal("214.29"), "CARE3": Decimal("77.14"), "INSPECT": Decimal("8.57")}


def test_a_plan_line_is_the_price_of_the_contracts_plan_and_an_obligation_without_one(session: Session) -> None:
    setup(session)
    lines = [{"product": PUMP, "quantity": 2, "unit_price": "1400.00"},
             {"product": CARE_ITEM, "quantity": 2, "unit_price": "300.00"}]
    c1 = contract(session)
    link(session, [c1], [_order(session, "SO2", lines)])
    _order(session, "SO3", lines)
    found = _by_key(session)
    # Under C1 the CARE3 line only prices the plan: 3 400.00 over pumps 2 x 1 500 and plans 2 x 540
    # (4 080): 2 500.00 and 900.00 (1 250.00 and 450.00 each, pending delivery).
    assert [(ob.kind, ob.item, ob.allocated) for ob in found["contract C1"].obligations] == [
        ("goods", PUMP, Decimal("2500.00")), ("plan", "CARE3", Decimal("900.00"))]
    # Alone, the line is a plan of its own (from the order's first delivery): same weights, same parts.
    assert [(ob.kind, ob.item, ob.allocated, ob.covers) for ob in found["order SO3"].obligations] == [
        ("goods", PUMP, Decimal("2500.00"), None), ("plan", "CARE3", Decimal("900.00"), None)]


def test_a_contract_reaches_its_orders_through_quotes_and_leaves_out_cancelled_ones(session: Session) -> None:
    setup(session)
    c1 = contract(session)
    line = {"product": PUMP, "quantity": 1, "unit_price": "1000.00"}
    commerce.create_quote(session, "Q1", party=ALPHA, currency="EUR", lines=[line], when=at(2, 21))
    commerce.revise_quote(session, "Q1", lines=[line], when=at(2, 22))
    commerce.send_quote(session, "Q1", when=at(2, 23))
    accepted = commerce.accept_quote(session, "Q1", when=at(2, 24))
    link(session, [c1], [commerce.documents.get(session, commerce.documents.DocumentKind.QUOTE, "Q1", version=1)])
    # With the pricing branch, accepting the version converts it into an order; before it, the order is made here.
    made = getattr(accepted, "order", None) or commerce.create_order(session, "SO2", quote="Q1", when=at(2, 25))
    link(session, [c1], [_order(session, "SO3")])
    commerce.cancel_order(session, "SO3", reason="changed mind")
    found = _by_key(session)
    assert found["contract C1"].orders == (made.number,)  # contract -> Q1 -> Q1 v2 -> the order
    assert "order SO3" not in found


def test_the_statements_do_not_grow_with_the_orders(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    setup(session)
    c1 = contract(session)
    link(session, [c1], [_order(session, "SO2")])
    with count_statements(session) as few:
        identify(session)
    for n in range(3, 8):
        link(session, [c1], [_order(session, f"SO{n}")])
        commerce.allocate(session, f"SO{n}", units=[unit(n)], when=at(3, 2))
    _order(session, "SO8")
    with count_statements(session) as many:
        identify(session)
    assert len(many) == len(few)


def test_opened_at_is_the_orders_date(session: Session) -> None:
    setup(session)
    _order(session, "SO2", when=at(3, 7))
    assert {ob.opened_at for ob in _by_key(session)["order SO2"].obligations} == {naive(3, 7, 9)}
