"""Drafting quotes from input: lines read and refused naming the line, the Q series skipping taken numbers, a
draft changed in place and a sent version revised, a stale version refused, the form's choices. Both databases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

import pricing_world as world
from cradletrace import commerce
from cradletrace.commerce.quote_drafts import change_quote, draft_lines, draft_quote, quote_choices, quote_number
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import DocumentStatus
from q2c_web_support import statements

SOON = datetime.now(timezone.utc) + timedelta(days=30)


@pytest.mark.parametrize(("rows", "where", "says"), [
    ([{"product": "x", "colour": "red"}], "lines line 1", "a line has no field 'colour'"),
    ([{"quantity": "2"}], "lines line 1", "a line needs a product or a configuration"),
    ([{"product": "x"}, {"configuration": "1.5"}], "lines line 2.configuration", "a whole number"),
    ([{"product": "x", "discount": "NaN"}], "lines line 1.discount", "is not a number"),
    ([{"product": "x", "quantity": True}], "lines line 1.quantity", "quantity is a number"),
    ([{"product": ""}, {}], "lines", "a quote needs at least one line"),
    ("x", "lines", "lines is a list of lines"),
    ([["x"]], "lines line 1", "a line is an object"),
])
def test_lines_that_are_wrong_are_refused_naming_the_line(rows: object, where: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        draft_lines(rows)  # type: ignore[arg-type]
    assert refused.value.where == where and says in refused.value.message


def test_a_draft_is_numbered_past_the_taken_numbers_and_priced(session: Session) -> None:
    world.build(session)
    commerce.create_quote(session, "Q-000001", party=world.CUSTOMER_A, currency="EUR",
                          lines=[{"product": world.PUMP, "quantity": 1}])
    made = draft_quote(session, customer=world.CUSTOMER_B, currency="EUR", valid_until=SOON.date(), by="sam",
                       lines=[{"product": world.PUMP, "quantity": "12", "discount": "0.05"}])
    # Q-000001 was typed earlier: the series skips it. 12 pumps at the tier from 10 (90.00): 1 080.00 less 5 %.
    assert (made.number, made.version, made.status) == ("Q-000002", 1, DocumentStatus.DRAFT)
    assert made.amount == Decimal("1026.00")
    assert (made.valid_until.hour, made.valid_until.minute) == (23, 59), "valid to the end of the day given"
    assert quote_number(session) == "Q-000003"
    with pytest.raises(InvalidInput, match="quote Q-000002 exists already") as taken:
        draft_quote(session, number="Q-000002", customer=world.CUSTOMER_B, currency="EUR",
                    lines=[{"product": world.PUMP}])
    assert taken.value.where == "number"
    with pytest.raises(InvalidInput, match="is not after the quote's date"):
        draft_quote(session, customer=world.CUSTOMER_B, currency="EUR", valid_until="2020-01-01",
                    lines=[{"product": world.PUMP}])


def test_a_draft_changes_in_place_a_sent_version_is_revised_and_a_stale_one_refused(session: Session) -> None:
    world.build(session)
    made = draft_quote(session, customer=world.CUSTOMER_B, currency="EUR", lines=[{"product": world.PUMP}])
    # One pump at 100.00; changed to 2 in place: 200.00, still v1.
    changed = change_quote(session, made.number, 1, lines=[{"product": world.PUMP, "quantity": 2}])
    assert (changed.id, changed.version, changed.amount) == (made.id, 1, Decimal("200.00"))
    commerce.send_quote(session, made.number)
    # Sent, v1 is frozen: 10 % off the quote is v2 (180.00), v1 superseded; its lines kept.
    revised = change_quote(session, made.number, 1, discount="0.1")
    assert (revised.version, revised.amount, made.status) == (2, Decimal("180.00"), DocumentStatus.SUPERSEDED)
    with pytest.raises(InvalidInput, match=r"has a newer version \(v2\) than v1"):
        change_quote(session, made.number, 1, discount="0")
    commerce.send_quote(session, made.number)
    commerce.accept_quote(session, made.number)
    with pytest.raises(RuleViolation, match="accepted"):
        change_quote(session, made.number, discount="0")


def test_the_forms_choices_in_seven_statements(session: Session) -> None:
    model = world.build(session)
    conf = world.configuration(session, model, ["15KWH", "LFP"])
    commerce.create_quote(session, "Q-1", party=world.CUSTOMER_B, currency="EUR",
                          lines=[{"product": world.PUMP, "quantity": 1}])
    with statements(session) as seen:
        choices = quote_choices(session, at=datetime(2026, 6, 1, tzinfo=timezone.utc))
    assert len(seen) == 7  # lists, customers, products; the configurations' four
    # Alpha has a list of its own, Beta a quote; lists valid in June 2026 (GEN-2025 ended with 2025).
    assert [name for _ident, name in choices.customers] == ["Alpha", "Beta"]
    assert [code for code, _label in choices.price_lists] == ["ALPHA-2026", "CELL-BULK", "GEN-2026", "GEN-USD"]
    assert choices.currencies == ["EUR", "USD"]
    assert {gtin for gtin, _name in choices.products} == {world.PUMP, world.BATTERY, world.CELL}
    assert [c.id for c in choices.configurations] == [conf.id]
