"""Prices: lists per currency and validity, the customer's list first, tiers, option surcharges, discounts, and
price_lines explaining each line; the pure arithmetic's properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.commerce.lines import line_total
from cradletrace.commerce.pricing import (
    LineTerms,
    Surcharge,
    explain,
    get_price_list,
    price_line,
    price_lines,
    pricing_of,
)
from cradletrace.errors import InvalidInput, NotFound, RuleViolation
from cradletrace.models import Product
from pricing_world import BATTERY, CELL, CUSTOMER_A, CUSTOMER_B, PUMP, at, build, configuration


def test_a_customer_list_a_tier_a_surcharge_and_discounts_explained_line_by_line(session: Session) -> None:
    world = build(session)
    config = configuration(session, world, ["15KWH", "LFP", "GREY"])
    pricing = price_lines(session, customer=CUSTOMER_A, currency="EUR", at=at(2026, 4, 1), discount="0.10",
                          lines=[{"product": PUMP, "quantity": 12, "discount": "0.05", "tax_rate": "0.20"},
                                 {"product": BATTERY, "quantity": 2, "configuration_id": config.id,
                                  "tax_rate": "0.20"}])
    pump, battery = pricing.lines
    # Pump: Alpha's own list, tier from 10: 85.00. Gross 12 x 85 = 1020.00; 5 % off: 969.00 (51.00);
    # 10 % off the quote: 872.10 (96.90); tax 20 %: 174.42. Effective discount 1 - 0.95 x 0.90 = 0.145.
    assert (pump.terms.price_list, pump.terms.tier, pump.terms.list_price) == ("ALPHA-2026", 10, Decimal("85.00"))
    assert pump.terms.surcharges == () and pump.unit_price == Decimal("85.00")
    assert (pump.gross, pump.line_discount_amount, pump.document_discount_amount, pump.net, pump.tax) == (
        Decimal("1020.00"), Decimal("51.00"), Decimal("96.90"), Decimal("872.10"), Decimal("174.42"))
    assert pump.effective_discount == Decimal("0.145")
    # Battery: Alpha's list has none, so the general one: 1000.00 (tier from 1, 2 < 5). Surcharges per
    # unit: 15 kWh 300.00 (general), LFP 100.00 (Alpha's, before the general 120.00), grey none: 0.
    # Unit price 1400.00; gross 2800.00; 10 % off: 2520.00 (280.00); tax 504.00; effective 0.10.
    assert (battery.terms.price_list, battery.terms.tier, battery.terms.list_price) == (
        "GEN-2026", 1, Decimal("1000.00"))
    assert [(s.option, s.amount, s.price_list) for s in battery.terms.surcharges] == [
        ("15KWH", Decimal("300.00"), "GEN-2026"), ("LFP", Decimal("100.00"), "ALPHA-2026"),
        ("GREY", Decimal(0), None)]
    assert (battery.surcharge, battery.unit_price, battery.net, battery.tax) == (
        Decimal("400.00"), Decimal("1400.00"), Decimal("2520.00"), Decimal("504.00"))
    assert battery.effective_discount == Decimal("0.1")
    # Totals: net 872.10 + 2520.00 = 3392.10; tax 174.42 + 504.00 = 678.42; total 4070.52.
    assert (pricing.net, pricing.tax, pricing.total) == (Decimal("3392.10"), Decimal("678.42"), Decimal("4070.52"))
    assert (pricing.gross, pricing.line_discounts, pricing.document_discounts) == (
        Decimal("3820.00"), Decimal("51.00"), Decimal("376.90"))
    assert pricing.discount == Decimal("0.145") and pricing.price_list == "ALPHA-2026"
    text = pricing.explain()
    for shown in ("line 1: 12 x 09506000134352 Pump", "list price 85.00 (ALPHA-2026, from 10)",
                  "line discount 5 %: -51.00", "document discount 10 %: -96.90", "+ LFP Lithium iron phosphate: "
                  "100.00 (ALPHA-2026)", "unit price 1400.00", "net 3392.10 EUR, tax 678.42 EUR, total 4070.52 EUR",
                  "largest discount 14.5 %"):
        assert shown in text, (shown, text)
    assert pricing.as_dict()["lines"][1]["surcharges"][1] == {
        "option": "LFP", "name": "Lithium iron phosphate", "amount": "100.00", "price_list": "ALPHA-2026"}


def test_the_customer_list_takes_precedence_and_others_get_the_general_one(session: Session) -> None:
    build(session)
    line = [{"product": PUMP, "quantity": 3}]
    alpha = price_lines(session, customer=CUSTOMER_A, currency="EUR", at=at(2026, 4, 1), lines=line)
    beta = price_lines(session, customer=CUSTOMER_B, currency="EUR", at=at(2026, 4, 1), lines=line)
    assert (alpha.lines[0].unit_price, alpha.price_list) == (Decimal("95.00"), "ALPHA-2026")
    assert (beta.lines[0].unit_price, beta.price_list) == (Decimal("100.00"), "GEN-2026")
    # Beta's 12 pumps take the general volume tier (90.00 from 10): 12 x 90 = 1080.00.
    assert price_lines(session, customer=CUSTOMER_B, currency="EUR", at=at(2026, 4, 1),
                       lines=[{"product": PUMP, "quantity": 12}]).net == Decimal("1080.00")


def test_validity_dates_pick_the_list_of_the_day(session: Session) -> None:
    build(session)

    def pump_price(customer: str, moment) -> tuple[Decimal, str | None]:  # type: ignore[no-untyped-def]
        p = price_lines(session, customer=customer, currency="EUR", at=moment, lines=[{"product": PUMP, "quantity": 1}])
        return p.lines[0].unit_price, p.lines[0].terms.price_list

    assert pump_price(CUSTOMER_B, at(2025, 12, 31, 23)) == (Decimal("80.00"), "GEN-2025")
    # valid_until is excluded and valid_from included: at midnight on 1 January 2026 the 2026 list holds.
    assert pump_price(CUSTOMER_B, at(2026, 1, 1, 0)) == (Decimal("100.00"), "GEN-2026")
    # Alpha's own list starts on 1 February and ends (excluded) on 1 January 2027.
    assert pump_price(CUSTOMER_A, at(2026, 1, 31, 23)) == (Decimal("100.00"), "GEN-2026")
    assert pump_price(CUSTOMER_A, at(2026, 2, 1, 0)) == (Decimal("95.00"), "ALPHA-2026")
    assert pump_price(CUSTOMER_A, at(2027, 1, 1, 0)) == (Decimal("100.00"), "GEN-2026")


def test_the_newest_of_overlapping_general_lists_wins(session: Session) -> None:
    build(session)
    commerce.define_price_list(session, "GEN-2026-07", name="Summer", currency="EUR", valid_from=at(2026, 7, 1, 0),
                               items=[{"product": PUMP, "unit_price": "99.00"}])
    # On 1 August both general lists hold; the newer one prices the pump, even for 12 (it has no tier
    # from 10, but it is the first list with a price for 12): 12 x 99.00 = 1188.00.
    pricing = price_lines(session, customer=CUSTOMER_B, currency="EUR", at=at(2026, 8, 1),
                          lines=[{"product": PUMP, "quantity": 12}, {"product": BATTERY, "quantity": 1}])
    assert [(ln.terms.price_list, ln.net) for ln in pricing.lines] == [
        ("GEN-2026-07", Decimal("1188.00")), ("GEN-2026", Decimal("1000.00"))]
    assert pricing.price_list == "GEN-2026-07"


def test_a_list_asked_for_comes_first(session: Session) -> None:
    build(session)
    # Alpha, but priced from the general list asked for: 12 pumps at its tier from 10, 90.00 (not Alpha's 85.00).
    pricing = price_lines(session, customer=CUSTOMER_A, currency="EUR", at=at(2026, 4, 1), price_list="GEN-2026",
                          lines=[{"product": PUMP, "quantity": 12}])
    assert (pricing.lines[0].unit_price, pricing.price_list) == (Decimal("90.00"), "GEN-2026")
    with pytest.raises(RuleViolation, match="price list GEN-USD: the list is in USD, the document in EUR"):
        price_lines(session, customer=CUSTOMER_A, currency="EUR", at=at(2026, 4, 1), price_list="GEN-USD",
                    lines=[{"product": PUMP, "quantity": 1}])
    with pytest.raises(RuleViolation, match=r"price list ALPHA-2026: the list is for another customer: Alpha \(https:"):
        price_lines(session, customer=CUSTOMER_B, currency="EUR", at=at(2026, 4, 1), price_list="ALPHA-2026",
                    lines=[{"product": PUMP, "quantity": 1}])
    with pytest.raises(RuleViolation, match="GEN-2025: the list is valid from 2025-01-01 until 2026-01-01, not on "
                                            "2026-04-01"):
        price_lines(session, customer=CUSTOMER_B, currency="EUR", at=at(2026, 4, 1), price_list="GEN-2025",
                    lines=[{"product": PUMP, "quantity": 1}])
    with pytest.raises(NotFound, match="no price list 'NOPE'"):
        get_price_list(session, "NOPE")


def test_no_price_names_the_product_the_customer_the_currency_and_the_date(session: Session) -> None:
    build(session)
    with pytest.raises(NotFound) as error:
        price_lines(session, customer=CUSTOMER_A, currency="USD", at=at(2026, 4, 1),
                    lines=[{"product": PUMP, "quantity": 1}, {"product": BATTERY, "quantity": 2}])
    assert str(error.value) == (f"line 2.product: no price for 2 x {BATTERY} (Battery pack) for customer Alpha "
                                f"({CUSTOMER_A}) in USD on 2026-04-01: no price list valid then has it")
    with pytest.raises(NotFound, match="no price for 50 x 09506000134383 .Cell.* the lowest tier on a valid list "
                                       "starts at 100"):
        price_lines(session, customer=CUSTOMER_B, currency="EUR", at=at(2026, 4, 1),
                    lines=[{"product": CELL, "quantity": 50}])
    # A given price needs no list: measured against itself, no discount but its own.
    given = price_lines(session, customer=CUSTOMER_B, currency="EUR", at=at(2026, 4, 1),
                        lines=[{"product": CELL, "quantity": 50, "unit_price": "3.00", "discount": "0.1"}])
    assert (given.lines[0].price_given, given.lines[0].terms.list_price, given.net, given.discount) == (
        True, None, Decimal("135.00"), Decimal("0.1"))


def test_a_given_price_below_the_list_is_a_discount_against_it(session: Session) -> None:
    build(session)
    pricing = price_lines(session, customer=CUSTOMER_B, currency="EUR", at=at(2026, 4, 1),
                          lines=[{"product": PUMP, "quantity": 2, "unit_price": "80.00"}])
    # List 100.00, given 80.00: 1 - 80 / 100 = 0.2.
    line = pricing.lines[0]
    assert (line.price_given, line.terms.list_price, line.unit_price, line.effective_discount) == (
        True, Decimal("100.00"), Decimal("80.00"), Decimal("0.2"))


def test_price_lines_takes_a_fixed_number_of_statements(session: Session,
                                                        count_statements) -> None:  # type: ignore[no-untyped-def]
    world = build(session)
    config = configuration(session, world, ["10KWH", "NMC"])

    def count(n: int) -> int:
        lines = [{"product": PUMP, "quantity": i + 1} if i % 2 else
                 {"product": BATTERY, "quantity": i + 1, "configuration_id": config.id} for i in range(n)]
        with count_statements(session) as sent:
            price_lines(session, customer=CUSTOMER_A, currency="EUR", at=at(2026, 4, 1), lines=lines)
        return len(sent)

    assert count(2) == count(12)


def test_define_price_list_refuses_what_is_wrong(session: Session) -> None:
    build(session)
    base = {"name": "x", "currency": "EUR", "valid_from": at(2026, 1, 1)}
    with pytest.raises(RuleViolation, match="price list GEN-2026 exists already"):
        commerce.define_price_list(session, "GEN-2026", **base)
    with pytest.raises(InvalidInput, match="price list X.valid_until: valid_until 2025-12-01 00:00 is not after"):
        commerce.define_price_list(session, "X", **base, valid_until=at(2025, 12, 1, 0))
    with pytest.raises(InvalidInput, match="price list X item 2.min_quantity: product .* has a price from 1 already"):
        commerce.define_price_list(session, "X", **base, items=[{"product": PUMP, "unit_price": "1"},
                                                                {"product": PUMP, "unit_price": "2"}])
    with pytest.raises(InvalidInput, match="item 1.unit_price: unit_price cannot be negative"):
        commerce.define_price_list(session, "X", **base, items=[{"product": PUMP, "unit_price": "-1"}])
    with pytest.raises(InvalidInput, match="item 1.unit_price: give a string or Decimal, not a float"):
        commerce.define_price_list(session, "X", **base, items=[{"product": PUMP, "unit_price": 1.5}])
    with pytest.raises(NotFound, match="price list X surcharge 1: no option 'PINK' in configuration model 'BP'"):
        commerce.define_price_list(session, "X", **base, surcharges=[{"model": "BP", "option": "PINK", "amount": 1}])


def test_a_stored_quote_is_explained_as_it_was_priced(session: Session) -> None:
    world = build(session)
    config = configuration(session, world, ["15KWH", "LFP"])
    quote = commerce.create_quote(session, "Q1", party=CUSTOMER_A, currency="EUR", when=at(2026, 4, 1),
                                  discount="0.1", lines=[{"product": BATTERY, "quantity": 2,
                                                          "configuration_id": config.id}])
    fresh = price_lines(session, customer=CUSTOMER_A, currency="EUR", at=at(2026, 4, 1), discount="0.1",
                        lines=[{"product": BATTERY, "quantity": 2, "configuration_id": config.id}])
    # The lists change afterwards: the stored quote is still explained as it was priced.
    get_price_list(session, "GEN-2026").valid_until = at(2026, 3, 1, 0)
    assert explain(session, quote) == fresh


def test_set_standalone_price(session: Session) -> None:
    build(session)
    product = commerce.set_standalone_price(session, PUMP, "120.5", "eur")
    assert (product.standalone_price, product.standalone_currency) == (Decimal("120.50"), "EUR")
    assert session.get(Product, product.id).standalone_price == Decimal("120.50")
    with pytest.raises(InvalidInput, match="standalone_price: a standalone price cannot be negative"):
        commerce.set_standalone_price(session, PUMP, "-1", "EUR")


amounts = st.decimals(min_value=0, max_value=100_000, places=4)
fractions = st.decimals(min_value=0, max_value=1, places=4)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=10_000, places=3)


@settings(max_examples=300, deadline=None)
@given(quantity=quantities, list_price=amounts, surcharges=st.lists(amounts, max_size=3), discount=fractions,
       document_discount=fractions, tax_rate=fractions)
def test_the_arithmetic_never_charges_more_than_the_list(quantity: Decimal, list_price: Decimal,
                                                         surcharges: list[Decimal], discount: Decimal,
                                                         document_discount: Decimal, tax_rate: Decimal) -> None:
    options = tuple(Surcharge(f"O{i}", "o", s) for i, s in enumerate(surcharges))
    line = price_line(LineTerms(quantity, list_price, options, discount=discount, document_discount=document_discount,
                                tax_rate=tax_rate))
    listed = (quantity * (list_price + sum(surcharges, Decimal(0)))).quantize(Decimal("0.01"))
    assert Decimal(0) <= line.net <= line.gross == listed
    assert line.gross - line.line_discount_amount - line.document_discount_amount == line.net
    assert line.line_discount_amount >= 0 and line.document_discount_amount >= 0
    assert (line.net, line.tax) == line_total(quantity, line.unit_price, discount, tax_rate, document_discount)
    assert Decimal(0) <= line.effective_discount <= 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(quantities, amounts, fractions, fractions), min_size=1, max_size=6), fractions)
def test_the_totals_are_the_sums_of_the_lines(rows: list[tuple[Decimal, Decimal, Decimal, Decimal]],
                                              document_discount: Decimal) -> None:
    lines = [price_line(LineTerms(q, p, discount=d, tax_rate=t, document_discount=document_discount, line_no=i))
             for i, (q, p, d, t) in enumerate(rows, start=1)]
    pricing = pricing_of(lines, currency="EUR", document_discount=document_discount)
    assert pricing.net == sum(ln.net for ln in lines) and pricing.tax == sum(ln.tax for ln in lines)
    assert pricing.total == pricing.net + pricing.tax
    assert pricing.gross - pricing.line_discounts - pricing.document_discounts == pricing.net
    assert pricing.discount == max(ln.effective_discount for ln in lines)
    # The line order does not change the totals.
    assert pricing_of(reversed(lines), currency="EUR").total == pricing.total
