"""Recording payments on the web (web/finance/payments.py): the form that chooses the customer and lists its open
invoices, a payment recorded against two of them (303 to its page), a refusal answered 422 with the form as typed
and the reason naming the invoice, unapplied cash applied from a payment's page, roles and a fixed number of
statements. Both databases (commerce_world and its INV-000005)."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace import commerce
from cradletrace.commerce.document_lists import list_payments
from cradletrace.web.commercial import FINANCE_ROLES
from q2c_web_support import HTML, SignedIn, check_access, flash_of, page_statements, post, text
from web_support import app, signed_in  # noqa: F401

ALPHA = quote(world.CUSTOMER_A, safe="")
NEW = f"/finance/payments/new?customer={ALPHA}"


@pytest.fixture
def owed(session: Session) -> None:
    world.build(session)
    world.another_open_invoice(session)


def value_of(body: str, name: str) -> str:
    """The value an input of the form shows."""
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', body)
    assert found, name
    return found.group(1)


def test_the_form_chooses_the_customer_then_lists_its_open_invoices(owed: None, signed_in: SignedIn) -> None:
    client = signed_in("finance")
    listing = client.get("/finance/payments", headers=HTML).get_data(as_text=True)
    assert 'href="/finance/payments/new">Record a payment</a>' in listing
    chooser = client.get("/finance/payments/new", headers=HTML)
    body = chooser.get_data(as_text=True)
    assert chooser.status_code == 200 and "Show the open invoices" in body and 'name="amount"' not in body
    assert f'<option value="{world.CUSTOMER_A}">Alpha</option>' in body
    form = client.get(NEW, headers=HTML)
    page, body = text(form), form.get_data(as_text=True)
    assert f"From Alpha {world.CUSTOMER_A}" in page
    # The oldest due first: INV-000002 (dated 10 Feb, due 12 Mar: overdue now, 120.00 - 60.00 = 60.00 open), then
    # INV-000005 (3 Mar + 30 days = 2 Apr, 100.00); INV-000001 is paid, so not listed.
    assert ("INV-000002 2026-02-10 2026-03-12 overdue 60.00 EUR INV-000005 2026-03-03 2026-04-02 overdue 100.00 EUR"
            in page) and "INV-000001" not in page
    assert value_of(body, "apply-0-invoice") == "INV-000002" and value_of(body, "apply-1-amount") == ""
    assert value_of(body, "currency") == "EUR" and value_of(body, "customer") == world.CUSTOMER_A
    unknown = client.get("/finance/payments/new?customer=urn%3Aexample%3Anobody", headers=HTML)
    assert unknown.status_code == 404
    assert "Choose the customer again: customer: no party 'urn:example:nobody'" in text(unknown)
    assert "Show the open invoices" in unknown.get_data(as_text=True), "the customer is chosen again"


def test_a_payment_is_recorded_against_two_invoices(owed: None, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("finance")
    response = post(client, "/finance/payments/new", customer=world.CUSTOMER_A, amount="200.00", currency="EUR",
                    date="2026-03-19", number="", **{
                        "apply-0-invoice": "INV-000002", "apply-0-amount": "60",
                        "apply-1-invoice": "INV-000005", "apply-1-amount": "100.00"})
    assert response.status_code == 303 and response.headers["Location"] == "/finance/payments/PAY-000001"
    page = flash_of(client, "/finance/payments/PAY-000001")
    assert "Payment PAY-000001 of 200.00 EUR recorded." in page
    # 200.00 received on 19 March: 60.00 + 100.00 = 160.00 applied, 40.00 unapplied.
    assert "Customer Alpha Received 2026-03-19 Amount 200.00 EUR Applied 160.00 Unapplied 40.00" in page
    assert ("INV-000002 2026-03-19 60.00 paid of 120.00 INV-000005 2026-03-19 100.00 paid of 100.00") in page
    # Alpha owes nothing now: the 40.00 left has no invoice to go to.
    assert "No invoice of this customer is open in EUR" in page
    assert commerce.balance(session, "INV-000005") == Decimal("0.00")


def test_a_refused_payment_comes_back_as_typed(owed: None, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("finance")
    refused = post(client, "/finance/payments/new", customer=world.CUSTOMER_A, amount="100", currency="EUR",
                   date="", number="", **{"apply-0-invoice": "INV-000002", "apply-0-amount": "70",
                                          "apply-1-invoice": "INV-000005", "apply-1-amount": ""})
    page, body = text(refused), refused.get_data(as_text=True)
    # INV-000002 has 120.00 - 60.00 = 60.00 open.
    assert refused.status_code == 422
    assert ("Not saved: Refused: applications row 1: 70.00 is more than the 60.00 open on invoice INV-000002"
            in page)
    assert value_of(body, "amount") == "100" and value_of(body, "apply-0-amount") == "70"
    assert list_payments(session)[1] == 3, "nothing was written"
    malformed = post(client, "/finance/payments/new", customer=world.CUSTOMER_A, amount="1,000", currency="EUR",
                     date="", number="")
    assert malformed.status_code == 422 and "amount: '1,000' is not an amount" in text(malformed)


def test_unapplied_cash_is_applied_from_the_payment_page(owed: None, signed_in: SignedIn) -> None:
    client = signed_in("finance")
    page = text(client.get("/finance/payments/PAY1", headers=HTML))
    # PAY1: 320.00 - 240.00 - 60.00 = 20.00 unapplied, for Alpha's open invoices in EUR.
    assert "Apply the unapplied cash 20.00 EUR is not applied yet." in page
    assert "INV-000002 2026-02-10 2026-03-12 overdue 60.00 EUR" in page
    assert "Apply the unapplied cash" not in text(client.get("/finance/payments/PAY2", headers=HTML)), "all applied"
    too_much = post(client, "/finance/payments/PAY1/apply", **{
        "apply-0-invoice": "INV-000002", "apply-0-amount": "", "apply-1-invoice": "INV-000005",
        "apply-1-amount": "25"})
    assert too_much.status_code == 422 and value_of(too_much.get_data(as_text=True), "apply-1-amount") == "25"
    assert ("Not applied: Refused: applications row 2: 25.00 for invoice INV-000005 is more than the 20.00 left "
            "unapplied on payment PAY1") in text(too_much)
    done = post(client, "/finance/payments/PAY1/apply", **{
        "apply-0-invoice": "INV-000002", "apply-0-amount": "", "apply-1-invoice": "INV-000005",
        "apply-1-amount": "20"})
    assert done.status_code == 303 and done.headers["Location"] == "/finance/payments/PAY1"
    page = flash_of(client, "/finance/payments/PAY1")
    # All 20.00 to INV-000005: nothing is left, so the form is gone.
    assert "20.00 of payment PAY1 applied to 1 invoice." in page and "Unapplied 0.00" in page
    assert "Apply the unapplied cash" not in page
    assert post(client, "/finance/payments/PAY404/apply").status_code == 404


def test_a_number_with_slashes(owed: None, signed_in: SignedIn, session: Session) -> None:
    commerce.receive_payment(session, "BNK1/2026/0001", party=world.CUSTOMER_A, amount="30.00", currency="EUR",
                             when=world.day(3, 5))
    client = signed_in("finance")
    assert 'action="/finance/payments/BNK1/2026/0001/apply"' in client.get(
        "/finance/payments/BNK1/2026/0001", headers=HTML).get_data(as_text=True)
    done = post(client, "/finance/payments/BNK1/2026/0001/apply", **{
        "apply-0-invoice": "INV-000005", "apply-0-amount": "30"})
    assert done.headers["Location"] == "/finance/payments/BNK1/2026/0001"
    assert commerce.balance(session, "INV-000005") == Decimal("70.00")  # 100.00 - 30.00


def test_who_may_record(app: Flask, session: Session, owed: None, signed_in: SignedIn) -> None:
    for url in ("/finance/payments/new", NEW):
        check_access(app, session, "GET", url, FINANCE_ROLES)
    sales = signed_in("sales")
    for url in ("/finance/payments/new", "/finance/payments/PAY1/apply"):
        assert post(sales, url, customer=world.CUSTOMER_A, amount="1", currency="EUR").status_code == 403
        anonymous = app.test_client().post(url, headers=HTML)
        assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login"), url


def test_the_forms_cost_a_fixed_number_of_statements(owed: None, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("finance")
    urls = ("/finance/payments/new", NEW, "/finance/payments/PAY1")
    before = [page_statements(session, client, url) for url in urls]
    world_more = [("PAY-A", "INV-000005", "10.00"), ("PAY-B", "INV-000005", "10.00")]
    for number, inv, amount in world_more:
        commerce.receive_payment(session, number, party=world.CUSTOMER_A, amount="15.00", currency="EUR",
                                 applications={inv: amount}, when=world.day(3, 10))
    after = [page_statements(session, client, url) for url in urls]
    assert after == before, "two more payments (and two more customers' worth of rows): the same statements"
