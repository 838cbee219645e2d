"""Drafting and negotiating contracts from input: terms read and refused naming the field and row, the CT series
skipping taken numbers, a negotiation that writes only what differs (nothing differing writes nothing), the
state rules kept, and the form's choices in a fixed number of statements. Both databases."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy.orm import Session

import contracts_world as world
from cradletrace import commerce
from cradletrace.contracts import approve, create_contract, get_contract, history, sign, versions
from cradletrace.contracts import drafts
from cradletrace.contracts.drafts import contract_choices, contract_number, draft_contract, negotiate, read_terms
from cradletrace.errors import InvalidInput, NotFound, RuleViolation
from q2c_web_support import statements

P, M = world.PUMP, world.MOTOR


@pytest.mark.parametrize(("typed", "where", "says"), [
    ({"warranties": [{"product": P, "months": "0"}]}, "warranties row 1.months", "from 1 to 1200"),
    ({"warranties": [{"product": P, "months": 24}, {"product": "", "months": ""}, {"months": "12"}]},
     "warranties row 3.product", "give the product"),
    ({"warranties": [{"product": P}]}, "warranties row 1.months", "give the months of warranty"),
    ({"warranties": [{"product": P, "months": 24}, {"product": P, "months": 12}]}, "warranties row 2.product",
     "has a warranty on an earlier row"),
    ({"warranties": [{"product": P, "years": 2}]}, "warranties row 1", "a row has no field 'years'"),
    ({"warranties": "24 months"}, "warranties", "is a list of rows"),
    ({"plans": [{"plan": "GOLD-36"}, {"product": P, "starts_at": ""}]}, "plans row 2.plan", "give the plan's code"),
    ({"plans": [{"plan": "GOLD-36", "starts_at": "soon"}]}, "plans row 1.starts_at", "not 'soon'"),
    ({"plans": [["GOLD-36"]]}, "plans row 1", "a row is an object"),
    ({"payment_terms_days": "-1"}, "payment_terms_days", "whole number from 0 to 3650"),
    ({"payment_terms_days": True}, "payment_terms_days", "whole number"),
    ({"renewal_notice_days": 3651}, "renewal_notice_days", "from 0 to 3650"),
    ({"starts_at": "2026-13-01"}, "starts_at", "give a date as YYYY-MM-DD"),
    ({"ends_at": "1899-12-31"}, "ends_at", "between 1900 and 2999"),
    ({"price_list": 7}, "price_list", "is a code"),
    ({"colour": "red"}, "colour", "no term 'colour'"),
])
def test_terms_that_are_wrong_are_refused_naming_the_field_and_row(typed: dict[str, Any], where: str,
                                                                   says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_terms(typed)
    assert refused.value.where == where and says in refused.value.message


def test_a_draft_is_numbered_past_the_taken_numbers_and_reads_its_terms(session: Session) -> None:
    world.setup(session)
    world.contract(session, "CT-000001")  # typed by hand earlier: the series skips it
    made = draft_contract(
        session, customer=world.CUSTOMER_B, currency="eur", starts_at="2026-02-01", ends_at="2028-02-01T12:00:00+02:00",
        payment_terms_days="45", renewal_notice_days="", by="sam", note="first offer",
        warranties=[{"product": P, "months": "24"}, {"product": "", "months": ""}, {"product": M, "months": 12}],
        plans=[{"plan": "GOLD-36", "product": P, "starts_at": ""}, {"plan": "CHECK-12", "starts_at": "2026-03-01"}])
    assert (made.number, made.status.value, made.currency) == ("CT-000002", "draft", "EUR")
    (v1,) = versions(session, made)
    # 12:00 at +02:00 is 10:00 UTC; the notice left blank takes its default, 60 days.
    assert (v1.starts_at, v1.ends_at) == (datetime(2026, 2, 1), datetime(2028, 2, 1, 10))
    assert (v1.payment_terms_days, v1.renewal_notice_days, v1.price_list) == (45, 60, None)
    assert [(w.gtin, w.months) for w in v1.warranties] == [(P, 24), (M, 12)]
    assert [(p.code, p.product, p.starts_at) for p in v1.plans] == [("GOLD-36", P, None),
                                                                    ("CHECK-12", None, datetime(2026, 3, 1))]
    assert (v1.changed_by, v1.note) == ("sam", "first offer")
    assert [(h.state, h.by, h.note) for h in history(session, made)] == [("draft", "sam", "first offer")]
    assert contract_number(session) == "CT-000003"


@pytest.mark.parametrize(("changes", "error", "where"), [
    ({"number": "C-1"}, InvalidInput, "number"),
    ({"number": " "}, InvalidInput, "number"),
    ({"customer": ""}, InvalidInput, "customer"),
    ({"ends_at": ""}, InvalidInput, "ends_at"),
    ({"ends_at": "2025-06-01"}, InvalidInput, "contract C-9.ends_at"),
    ({"plans": [{"plan": "PLATINUM"}]}, NotFound, None),
    ({"price_list": "USD-2026"}, RuleViolation, "contract C-9.price_list"),
])
def test_a_draft_the_core_refuses_writes_nothing(session: Session, changes: dict[str, Any], error: type,
                                                 where: str | None) -> None:
    world.setup(session)
    world.contract(session, "C-1")
    commerce.define_price_list(session, "USD-2026", name="Dollars", currency="USD", valid_from=world.day(2026, 1, 1),
                               items=[{"product": P, "unit_price": "100.00"}])
    typed = {"customer": world.CUSTOMER_B, "currency": "EUR", "starts_at": "2026-01-01", "ends_at": "2027-01-01",
             "number": "C-9", **changes}
    with pytest.raises(error) as refused:
        draft_contract(session, **typed)
    if where is not None:
        assert refused.value.where == where
    assert get_contract(session, "C-1").number == "C-1"
    with pytest.raises(NotFound):
        get_contract(session, "C-9")


def _same_terms() -> dict[str, Any]:
    """C-1's version 1 as a form sends it back: nothing differs."""
    return {"starts_at": "2026-01-01", "ends_at": "2027-01-01", "price_list": "", "payment_terms_days": "45",
            "renewal_notice_days": "60", "warranties": [{"product": P, "months": "24"}, {"product": "", "months": ""}],
            "plans": [{"plan": "CHECK-12", "product": "", "starts_at": "2026-03-01"},
                      {"plan": "GOLD-36", "product": P, "starts_at": ""}]}


def test_negotiating_writes_only_what_differs(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    world.setup(session)
    # Version 1: CHECK-12 for all products from 1 March 2026 at 09:00, GOLD-36 for pumps from delivery.
    c1 = world.contract(session, plans=[{"plan": "GOLD-36", "product": P},
                                        {"plan": "CHECK-12", "starts_at": world.day(2026, 3, 1)}])
    passed: list[dict[str, Any]] = []
    change = drafts.change_terms
    monkeypatch.setattr(drafts, "change_terms", lambda *a, **kw: passed.append(kw) or change(*a, **kw))

    # The same terms, plans in another order and the plan's start typed as its day: nothing changed, no version.
    with pytest.raises(InvalidInput) as refused:
        negotiate(session, "C-1", by="sam", note="as before", **_same_terms())
    assert (refused.value.where, refused.value.message) == (
        "contract C-1", "nothing changed: these are the terms of version 1")
    assert passed == [] and len(versions(session, c1)) == 1 and c1.status.value == "draft"

    # Payment 45 -> 60 days, pumps 24 -> 36 months and motors 12 months: only those two terms go to change_terms.
    typed = {**_same_terms(), "payment_terms_days": "60",
             "warranties": [{"product": P, "months": "36"}, {"product": M, "months": "12"}]}
    row = negotiate(session, "C-1", by="sam", note="longer terms, motors covered", when=world.day(2025, 12, 5),
                    **typed)
    assert set(passed[0]) == {"by", "when", "note", "payment_terms_days", "warranties"}
    assert passed[0]["payment_terms_days"] == 60 and passed[0]["warranties"] == {P: 36, M: 12}
    v1, v2 = versions(session, c1)
    assert (row.version, v2.payment_terms_days, v2.changed_by, v2.note) == (2, 60, "sam",
                                                                             "longer terms, motors covered")
    assert [(w.gtin, w.months) for w in v2.warranties] == [(P, 36), (M, 12)]
    # What was not passed is copied: the plans, CHECK-12 still from 09:00 on 1 March.
    assert [(p.code, p.starts_at) for p in v2.plans] == [(p.code, p.starts_at) for p in v1.plans] == [
        ("GOLD-36", None), ("CHECK-12", datetime(2026, 3, 1, 9))]
    assert (c1.status.value, history(session, c1)[-1].state) == ("negotiation", "negotiation")

    # A plan dropped changes the plans (the remaining one keeps its stored start); a price list none -> EUR list.
    commerce.define_price_list(session, "ALPHA-2026", name="Alpha", currency="EUR", valid_from=world.day(2026, 1, 1),
                               items=[{"product": P, "unit_price": "900.00"}])
    negotiate(session, "C-1", by="mia", price_list="ALPHA-2026",
              plans=[{"plan": "CHECK-12", "starts_at": "2026-03-01"}])
    assert set(passed[1]) == {"by", "when", "note", "price_list", "plans"}
    v3 = versions(session, c1)[-1]
    assert (v3.price_list, [(p.code, p.starts_at) for p in v3.plans]) == (
        "ALPHA-2026", [("CHECK-12", datetime(2026, 3, 1, 9))])
    # A blank price list is none: a change.
    negotiate(session, "C-1", by="mia", price_list="")
    assert versions(session, c1)[-1].price_list is None


def test_negotiating_follows_the_contracts_state(session: Session) -> None:
    world.setup(session)
    c1 = world.contract(session)
    approve(session, c1, by="mia", when=world.day(2025, 12, 10))
    # An approved contract goes back to negotiation: the approval was of other terms.
    negotiate(session, c1, by="sam", ends_at="2027-07-01")
    assert c1.status.value == "negotiation" and versions(session, c1)[-1].ends_at == datetime(2027, 7, 1)
    approve(session, c1, by="mia")
    sign(session, c1, by="carl")
    # Signed: frozen; the state is refused before the input is read (even a malformed one).
    with pytest.raises(RuleViolation, match="signed terms are frozen: renew the contract to amend them"):
        negotiate(session, "C-1", payment_terms_days="soon")
    with pytest.raises(NotFound):
        negotiate(session, "C-404", payment_terms_days=10)
    with pytest.raises(InvalidInput, match="no term 'discount'"):
        negotiate(session, world.contract(session, "C-2"), discount="0.1")


def test_the_forms_choices_in_four_statements(session: Session) -> None:
    world.setup(session)
    world.contract(session, "C-1")  # Alpha has a contract; the pump has its warranty
    commerce.define_price_list(session, "BETA-2026", name="Beta's", currency="EUR", valid_from=world.day(2026, 1, 1),
                               customer=world.CUSTOMER_B, items=[{"product": M, "unit_price": "500.00"}])
    commerce.define_price_list(session, "OLD", name="Ended", currency="USD", valid_from=world.day(2024, 1, 1),
                               valid_until=world.day(2025, 1, 1), items=[{"product": world.GOLD, "unit_price": "1"}])
    with statements(session) as seen:
        choices = contract_choices(session, at=datetime(2026, 6, 1, tzinfo=timezone.utc))
    assert len(seen) == 4  # lists, plans, products, customers
    # Alpha has a contract, Beta a list of its own; OLD ended with 2024, so neither it nor its product is offered.
    assert [name for _ident, name in choices.customers] == ["Alpha", "Beta"]
    assert choices.price_lists == [("BETA-2026", "BETA-2026: Beta's (EUR, Beta)")]
    assert [(p.code, p.label) for p in choices.plans] == [
        ("CHECK-12", "CHECK-12: Yearly inspection (12 months, EUR)"), ("GOLD-36", "GOLD-36: Gold service (36 months, EUR)")]
    assert choices.products == [(M, "Motor"), (P, "Pump")] and choices.currencies == ["EUR"]


def test_create_contract_and_a_draft_agree(session: Session) -> None:
    """The reader gives the lifecycle what a Python caller would: the same version either way."""
    world.setup(session)
    by_hand = create_contract(session, "C-1", customer=world.CUSTOMER_A, currency="EUR",
                              starts_at=world.day(2026, 1, 1, 0), ends_at=world.day(2027, 1, 1, 0),
                              warranties={P: 24}, plans=[{"plan": "GOLD-36", "product": P}])
    typed = draft_contract(session, number="C-2", customer=world.CUSTOMER_A, currency="EUR", starts_at="2026-01-01",
                           ends_at="2027-01-01", warranties=[{"product": P, "months": 24}],
                           plans=[{"plan": "GOLD-36", "product": P}])

    def shape(doc: Any) -> tuple[Any, ...]:
        t = versions(session, doc)[0]
        return (t.starts_at, t.ends_at, t.price_list, t.payment_terms_days, t.renewal_notice_days, t.warranties,
                [(p.code, p.product, p.starts_at) for p in t.plans])

    assert shape(by_hand) == shape(typed)
