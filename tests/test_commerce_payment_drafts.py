"""Recording payments from input (cradletrace.commerce.payment_drafts): amounts and rows read and refused naming the
field or the row, a payment recorded against two invoices and numbered past a taken PAY number, the core's
refusals naming the invoice, unapplied cash applied later, a balance written off, the form's choices in a fixed
number of statements. Both databases (commerce_world and its INV-000005)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace import commerce
from cradletrace.commerce.documents import get
from cradletrace.commerce.payment_drafts import (
    apply_cash,
    payment_choices,
    payment_number,
    read_amount,
    read_applications,
    received_at,
    record_payment,
    write_off_balance,
)
from cradletrace.errors import InvalidInput, NotFound, RuleViolation, TraceError
from cradletrace.models import DocumentKind, DocumentStatus

MARCH_20 = datetime(2026, 3, 20, 15, tzinfo=timezone.utc)
"""The moment the payments are recorded in these tests."""


@pytest.fixture
def owed(session: Session) -> None:
    world.build(session)
    world.another_open_invoice(session)


@contextmanager
def undone(session: Session) -> Iterator[None]:
    """Roll back what the block wrote (as the web request does with a refusal)."""
    savepoint = session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()


def refused(session: Session, call: Callable[..., Any], *args: Any, **kwargs: Any) -> TraceError:
    with undone(session), pytest.raises(TraceError) as error:
        call(session, *args, **kwargs)
    return error.value


def invoice(session: Session, number: str) -> Any:
    return get(session, DocumentKind.INVOICE, number)


@pytest.mark.parametrize(("value", "says"), [
    ("", "give an amount"), (None, "give an amount"), ("abc", "not a number"),
    ("1,000.00", "digits and a decimal point"), ("0", "positive"), ("-5", "positive"),
    ("12.345", "in cents at most"), (0.5, "not a float"), (True, "give an amount"), ("NaN", "not a finite number"),
    ("1e16", "below 10^16"), (["5"], "a decimal number as text"),
])
def test_an_amount_that_is_wrong_is_refused_naming_the_field(value: Any, says: str) -> None:
    with pytest.raises(InvalidInput) as error:
        read_amount(value, where="applications row 3.amount")
    assert error.value.where == "applications row 3.amount" and says in error.value.message


def test_amounts_are_read_to_the_cent() -> None:
    assert (read_amount(" 1250.5 "), read_amount(40), read_amount("9999999999999999.99")) == (
        Decimal("1250.50"), Decimal("40.00"), Decimal("9999999999999999.99"))


@pytest.mark.parametrize(("rows", "where", "says"), [
    ([{"invoice": "INV-1", "amount": "5", "note": "x"}], "applications row 1", "a row has no field 'note'"),
    ([{"invoice": "", "amount": "5"}], "applications row 1.invoice", "name the invoice"),
    ([{"invoice": "INV-1", "amount": ""}, {"invoice": "INV-2", "amount": "five"}], "applications row 2.amount",
     "not a number"),
    ([{"invoice": "INV-1", "amount": "5"}, {"invoice": " INV-1 ", "amount": "7"}], "applications row 2.invoice",
     "invoice INV-1 is in row 1 already"),
    ([{"invoice": 7, "amount": "5"}], "applications row 1.invoice", "name the invoice"),
    ("INV-1", "applications", "a list of rows"),
    ([["INV-1", "5"]], "applications row 1", "a row is an object"),
    ([{"invoice": "INV-1", "amount": "1"}] * 201, "applications", "at most 200 rows"),
])
def test_rows_that_are_wrong_are_refused_naming_the_row(rows: Any, where: str, says: str) -> None:
    with pytest.raises(InvalidInput) as error:
        read_applications(rows)
    assert error.value.where == where and says in error.value.message


def test_rows_without_an_amount_are_skipped() -> None:
    rows = read_applications([{"invoice": "INV-2", "amount": ""}, {"invoice": "INV-5", "amount": "100"},
                              {"invoice": "", "amount": " "}, {"invoice": "INV-7"}])
    assert [(r.row, r.invoice, r.amount) for r in rows] == [(2, "INV-5", Decimal("100.00"))]
    assert read_applications(None) == [] and read_applications([]) == []


def test_the_date_received() -> None:
    now = datetime(2026, 3, 20, 15, 30)
    # Today is the moment recorded; an earlier day its end (after the invoices of that day); blank is today.
    assert received_at("2026-03-20", when=now) == now and received_at(None, when=now) == now
    assert received_at("2026-03-02", when=now) == datetime(2026, 3, 2, 23, 59, 59)
    for text, says in (("2026-03-21", "today or before"), ("20/03/2026", "is not a date")):
        with pytest.raises(InvalidInput, match=says) as error:
            received_at(text, when=now)
        assert error.value.where == "date"


def test_a_payment_against_two_invoices_numbered_past_a_taken_number(owed: None, session: Session) -> None:
    # PAY-000001 was typed by hand earlier (10.00, unapplied): the series skips it.
    commerce.receive_payment(session, "PAY-000001", party=world.CUSTOMER_A, amount="10.00", currency="EUR",
                             when=world.day(3, 4))
    made = record_payment(session, customer=world.CUSTOMER_A, amount="200", currency="eur", date="2026-03-19",
                          applications=[{"invoice": "INV-000001", "amount": ""},
                                        {"invoice": "INV-000002", "amount": "60.00"},
                                        {"invoice": "INV-000005", "amount": "100"}], when=MARCH_20)
    assert (made.number, made.amount, made.currency) == ("PAY-000002", Decimal("200.00"), "EUR")
    assert made.created_at == datetime(2026, 3, 19, 23, 59, 59), "received on the 19th, at its end"
    # INV-000002: 120.00 - 60.00 (PAY1) - 60.00 = 0; INV-000005: 100.00 - 100.00 = 0: both paid on the 19th.
    for number in ("INV-000002", "INV-000005"):
        assert invoice(session, number).status is DocumentStatus.PAID
        assert invoice(session, number).closed_at == datetime(2026, 3, 19, 23, 59, 59)
    # 200.00 - 60.00 - 100.00 = 40.00 stays on the payment.
    assert commerce.unapplied(session, made) == Decimal("40.00")
    assert payment_number(session) == "PAY-000003"
    # Without a date: received at the moment it is recorded; a number given is kept.
    plain = record_payment(session, customer=world.CUSTOMER_B, amount="5", currency="EUR", number=" BNK1/2026/0001 ",
                           when=MARCH_20)
    assert (plain.number, plain.created_at) == ("BNK1/2026/0001", datetime(2026, 3, 20, 15))


def test_refusals_name_the_field_the_row_and_the_invoice(owed: None, session: Session) -> None:
    alpha = {"customer": world.CUSTOMER_A, "currency": "EUR", "when": MARCH_20}
    # 70.00 on INV-000002, where 120.00 - 60.00 = 60.00 is open.
    error = refused(session, record_payment, amount="100", applications=[
        {"invoice": "INV-000005", "amount": "10"}, {"invoice": "INV-000002", "amount": "70"}], **alpha)
    assert isinstance(error, RuleViolation) and error.where == "applications row 2"
    assert error.message == "70.00 is more than the 60.00 open on invoice INV-000002"
    # 60.00 + 50.00 from a payment of 100.00: 40.00 is left for the second row.
    error = refused(session, record_payment, amount="100", number="PAY-9", applications=[
        {"invoice": "INV-000002", "amount": "60"}, {"invoice": "INV-000005", "amount": "50"}], **alpha)
    assert error.where == "applications row 2"
    assert error.message == "50.00 for invoice INV-000005 is more than the 40.00 left unapplied on payment PAY-9"
    error = refused(session, record_payment, amount="10", applications=[{"invoice": "INV-000003", "amount": "10"}],
                    **alpha)
    assert (error.where, error.message) == ("applications row 1", f"payment {error.message.split()[1]} and "
                                            "invoice INV-000003 belong to different customers")
    error = refused(session, record_payment, amount="10", applications=[{"invoice": "INV-000002", "amount": "10"}],
                    **{**alpha, "currency": "usd"})
    assert error.message == "USD cannot pay an invoice in EUR (invoice INV-000002)"
    # INV-000005 is dated 3 March: a payment received on the 2nd cannot have paid it then.
    error = refused(session, record_payment, amount="10", date="2026-03-02",
                    applications=[{"invoice": "INV-000005", "amount": "10"}], **alpha)
    assert error.where == "applications row 1.invoice" and "is dated 2026-03-03, after the payment" in error.message
    error = refused(session, record_payment, amount="10", applications=[{"invoice": "INV-404", "amount": "10"}],
                    **alpha)
    assert isinstance(error, NotFound) and error.where == "applications row 1.invoice"
    for kwargs, where, kind in (
            ({"customer": "https://id.gs1.org/417/9520000000004"}, "customer", NotFound),
            ({"customer": " "}, "customer", InvalidInput), ({"number": "PAY1"}, "number", InvalidInput),
            ({"number": "P" * 65}, "number", InvalidInput), ({"currency": "euro"}, "currency", InvalidInput),
            ({"amount": "-1"}, "amount", InvalidInput), ({"date": "tomorrow"}, "date", InvalidInput)):
        error = refused(session, record_payment, **{**alpha, "amount": "10", **kwargs})
        assert (type(error), error.where) == (kind, where), kwargs
    assert "payment PAY1 exists already" in refused(session, record_payment, **alpha, amount="1", number="PAY1").message
    assert commerce.balance(session, "INV-000002") == Decimal("60.00"), "nothing refused was applied"


def test_unapplied_cash_is_applied_later(owed: None, session: Session) -> None:
    # PAY1: 320.00 - 240.00 - 60.00 = 20.00 unapplied; 15.00 of it to INV-000005 (100.00 open).
    made = apply_cash(session, "PAY1", [{"invoice": "INV-000002", "amount": ""},
                                        {"invoice": "INV-000005", "amount": "15"}], when=MARCH_20)
    assert [a.amount for a in made] == [Decimal("15.00")]
    assert commerce.balance(session, "INV-000005") == Decimal("85.00")
    assert invoice(session, "INV-000005").status is DocumentStatus.PARTIALLY_PAID
    # 5.00 is left: it goes to INV-000002, which PAY1 paid 60.00 of already (120.00 - 60.00 - 5.00 = 55.00 open).
    # Cash applied in two steps is two applications, each with its date.
    (more,) = apply_cash(session, "PAY1", [{"invoice": "INV-000002", "amount": "5"}], when=MARCH_20)
    assert (more.amount, commerce.balance(session, "INV-000002")) == (Decimal("5.00"), Decimal("55.00"))
    assert commerce.unapplied(session, get(session, DocumentKind.PAYMENT, "PAY1")) == Decimal("0.00")
    error = refused(session, apply_cash, "PAY1", [{"invoice": "INV-000002", "amount": ""}])
    assert (error.where, error.message) == ("applications", "give an amount for at least one invoice")
    assert isinstance(refused(session, apply_cash, "PAY404", [{"invoice": "INV-000002", "amount": "1"}]), NotFound)


def test_a_balance_is_written_off_by_its_approver(owed: None, session: Session) -> None:
    # INV-000003: 1 500.00 less PAY2's 500.00 = 1 000.00 open; 250.00 written off leaves 750.00.
    off = write_off_balance(session, "INV-000003", approver="fiona", reason=" disputed delivery ", amount="250",
                            when=MARCH_20)
    assert (off.number, off.amount, off.approved_by, off.reason) == (
        "WO-000001", Decimal("250.00"), "fiona", "disputed delivery")
    assert commerce.balance(session, "INV-000003") == Decimal("750.00")
    error = refused(session, write_off_balance, "INV-000003", approver="fiona", reason="x", amount="800")
    assert (error.where, error.message) == ("amount", "800.00 is more than the 750.00 open on invoice INV-000003")
    for kwargs, where in (({"reason": " "}, "reason"), ({"reason": "r" * 501}, "reason"),
                          ({"amount": "a lot"}, "amount"), ({"approver": ""}, "approver")):
        error = refused(session, write_off_balance, "INV-000003", **{"approver": "fiona", "reason": "x", **kwargs})
        assert (type(error), error.where) == (InvalidInput, where), kwargs
    # Blank: all that is open, 750.00; the invoice is written off, and nothing is left to write off.
    rest = write_off_balance(session, "INV-000003", approver="fiona", reason="customer insolvent", amount=" ",
                             when=MARCH_20 + timedelta(hours=1))
    assert (rest.number, rest.amount) == ("WO-000002", Decimal("750.00"))
    assert invoice(session, "INV-000003").status is DocumentStatus.WRITTEN_OFF
    error = refused(session, write_off_balance, "INV-000003", approver="fiona", reason="again")
    assert (type(error), error.message) == (RuleViolation, "invoice INV-000003 has nothing open to write off")


def test_the_choices_of_the_payment_form(owed: None, session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(session) as sent:
        alpha = payment_choices(session, world.CUSTOMER_A)
    assert len(sent) == 4, "the customers, then the customer and its open invoices counted"
    assert (alpha.customer, alpha.customer_name, alpha.currency, alpha.open_count) == (
        world.CUSTOMER_A, "Alpha", "EUR", 2)
    # The oldest due first: INV-000002 (60.00 open, due 12 Mar), INV-000005 (100.00, due 2 Apr).
    assert [(r.number, r.balance) for r in alpha.invoices] == [("INV-000002", Decimal("60.00")),
                                                              ("INV-000005", Decimal("100.00"))]
    assert [name for _ident, name in alpha.customers] == ["Alpha", "Beta", "Gamma"]
    nobody = payment_choices(session)
    assert (nobody.customer, nobody.invoices, nobody.currency) == (None, [], "EUR")
    # Gamma owes nothing: no invoice, and EUR by default.
    assert (payment_choices(session, world.CUSTOMER_C).invoices, payment_choices(session, world.CUSTOMER_C).currency) \
        == ([], "EUR")
    with pytest.raises(NotFound) as unknown:
        payment_choices(session, "https://id.gs1.org/417/9520000000004")
    assert unknown.value.where == "customer"
    # More payments and invoices: the same statements.
    commerce.receive_payment(session, "PAY-Z", party=world.CUSTOMER_A, amount="10.00", currency="EUR",
                             applications={"INV-000005": "10.00"}, when=world.day(3, 20))
    with count_statements(session) as again:
        payment_choices(session, world.CUSTOMER_A)
    assert len(again) == 4
