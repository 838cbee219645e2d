"""The invoice and payment pages: lists with status, due date and open balance (and their filters), an invoice
with its lines, what was applied to it, its neighbours in the chain and the serials it covered, a payment with
its applications; an open balance written off through the invoice's form; roles and a fixed number of
statements. Both databases (commerce_world)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace import commerce
from cradletrace.commerce.documents import get
from cradletrace.models import DocumentKind, DocumentStatus
from cradletrace.web.commercial import FINANCE_ROLES
from q2c_web_support import HTML, SignedIn, check_access, flash_of, page_statements, post, text
from web_support import app, signed_in  # noqa: F401


@pytest.fixture
def billed(session: Session) -> None:
    world.build(session)


def test_the_invoice_list_with_open_balances_and_filters(billed: None, signed_in: SignedIn) -> None:
    client = signed_in("finance")
    page = text(client.get("/finance/invoices", headers=HTML))
    # INV-000004: 2 pumps at 100.00 less 10 % = 180.00, due 13 Feb + 30 days; CN-000001 90.00 and PAY3 90.00: paid.
    assert "INV-000004 Gamma 2026-02-13 2026-03-15 paid 180.00 EUR 0.00" in page
    # INV-000003: 10 kg of resin at 150.00 = 1 500.00, due 5 Feb + 14 days; PAY2 paid 500.00: 1 000.00 open, overdue.
    assert "INV-000003 Beta 2026-02-05 2026-02-19 overdue partially paid 1,500.00 EUR 1,000.00" in page
    # INV-000002: 1 pump, 100.00 + 20 % = 120.00; PAY1 paid 60.00 of it: 60.00 open, overdue since 12 March.
    assert "INV-000002 Alpha 2026-02-10 2026-03-12 overdue partially paid 120.00 EUR 60.00" in page
    assert "INV-000001 Alpha 2026-02-04 2026-03-06 paid 240.00 EUR 0.00" in page
    overdue = text(client.get("/finance/invoices?status=overdue", headers=HTML))
    assert "INV-000002" in overdue and "INV-000003" in overdue and "INV-000001" not in overdue
    alpha = text(client.get(f"/finance/invoices?customer={world.CUSTOMER_A}", headers=HTML))
    assert "INV-000001" in alpha and "INV-000003" not in alpha
    paid = text(client.get("/finance/invoices?status=paid", headers=HTML))
    assert "INV-000004" in paid and "INV-000002" not in paid


def test_an_invoice_page(billed: None, signed_in: SignedIn) -> None:
    response = signed_in("finance").get("/finance/invoices/INV-000004", headers=HTML)
    page, body = text(response), response.get_data(as_text=True)
    assert "Invoice INV-000004 paid Customer Gamma Dated 2026-02-13 Due 2026-03-15" in page
    assert "Amount 180.00 EUR (tax 0.00) Open 0.00 EUR Order SO3" in page and 'href="/sales/orders/SO3"' in body
    # The line: 2 pumps at 100.00, 10 % off the line: 200.00 - 20.00 = 180.00.
    assert "1 Pump 09506000134352 2 100.00 10 % 180.00 0.00" in page
    assert "Totals Gross 200.00 Line discounts −20.00 Invoice discount 0.00 Net 180.00" in page
    # Applied: the credit note for the returned pump (90.00, 21 Feb), then PAY3 (90.00, 25 Feb).
    assert ("2026-02-21 credit note CN-000001 90.00 2026-02-25 payment PAY3 90.00 Open 0.00") in page
    assert 'href="/finance/payments/PAY3"' in body
    # Before and after it in the chain: its shipment, the return, the credit note and the payment.
    assert "shipment SH4" in page and "rma RMA1" in page and "credit note CN-000001" in page
    # The serials it covered, each linked to its passport.
    assert "Serials covered (2) Pump #P4 09506000134352 Pump #P5 09506000134352" in page
    assert 'href="/01/09506000134352/21/P4"' in body and 'href="/01/09506000134352/21/P5"' in body


def test_the_payment_list_and_a_payment_page(billed: None, signed_in: SignedIn) -> None:
    client = signed_in("finance")
    page = text(client.get("/finance/payments", headers=HTML))
    # PAY1: 320.00 received, 240.00 + 60.00 applied, 20.00 unapplied.
    assert "PAY1 Alpha 2026-02-20 320.00 EUR 300.00 20.00" in page
    assert "PAY2 Beta 2026-03-10 500.00 EUR 500.00 0.00" in page
    assert "PAY2" not in text(client.get(f"/finance/payments?customer={world.CUSTOMER_A}", headers=HTML))
    pay1 = text(client.get("/finance/payments/PAY1", headers=HTML))
    assert "Amount 320.00 EUR Applied 300.00 Unapplied 20.00" in pay1
    assert ("INV-000001 2026-02-20 240.00 paid of 240.00 INV-000002 2026-02-20 60.00 partially paid of 120.00"
            in pay1)


def test_an_unknown_invoice_is_404(billed: None, signed_in: SignedIn) -> None:
    response = signed_in("finance").get("/finance/invoices/INV-999999", headers=HTML)
    assert response.status_code == 404 and "no invoice 'INV-999999'" in text(response)


def test_who_may_open(app: Flask, session: Session, billed: None) -> None:
    for url in ("/finance/invoices", "/finance/invoices/INV-000001", "/finance/payments", "/finance/payments/PAY1"):
        check_access(app, session, "GET", url, FINANCE_ROLES)


def test_pages_cost_a_fixed_number_of_statements(billed: None, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("finance")
    urls = ("/finance/invoices", "/finance/invoices/INV-000002", "/finance/payments", "/finance/payments/PAY1")
    before = [page_statements(session, client, url) for url in urls]
    commerce.receive_payment(session, "PAY9", party=world.CUSTOMER_A, amount="50.00", currency="EUR",
                             applications={"INV-000002": "30.00"}, when=world.day(3, 2))
    commerce.receive_payment(session, "PAY10", party=world.CUSTOMER_A, amount="10.00", currency="EUR",
                             applications={"INV-000002": "10.00"}, when=world.day(3, 3))
    after = [page_statements(session, client, url) for url in urls]
    assert after == before, "two more payments applied: the same number of statements"


def test_numbers_with_slashes_are_addressable(billed: None, signed_in: SignedIn, session: Session) -> None:
    """ERP numbers ("BNK1/2026/0001", "S/2026/0009") are taken whole by the pages, and linked whole."""
    commerce.receive_payment(session, "BNK1/2026/0001", party=world.CUSTOMER_A, amount="60.00", currency="EUR",
                             applications={"INV-000002": "60.00"}, when=world.day(3, 1))
    commerce.create_order(session, "S/2026/0009", party=world.CUSTOMER_C, currency="EUR", when=world.day(3, 2),
                          lines=[{"product": world.PUMP, "quantity": 1, "unit_price": "100.00"}])
    client = signed_in("finance")
    payment = text(client.get("/finance/payments/BNK1/2026/0001", headers=HTML))
    assert "Amount 60.00 EUR Applied 60.00 Unapplied 0.00" in payment
    invoice = client.get("/finance/invoices/INV-000002", headers=HTML).get_data(as_text=True)
    assert 'href="/finance/payments/BNK1/2026/0001"' in invoice
    order = text(signed_in("sales").get("/sales/orders/S/2026/0009", headers=HTML))
    assert "Order S/2026/0009" in order


def test_an_open_balance_is_written_off_through_the_invoice_page(billed: None, signed_in: SignedIn,
                                                                   session: Session) -> None:
    client = signed_in("finance", name="fiona")
    body = client.get("/finance/invoices/INV-000003", headers=HTML).get_data(as_text=True)
    # INV-000003: 1 500.00 less PAY2's 500.00: the form offers all 1 000.00 open.
    assert 'action="/finance/invoices/INV-000003/write-off"' in body
    assert 'name="amount" value="1000.00"' in body
    assert "Write off" not in text(client.get("/finance/invoices/INV-000004", headers=HTML)), "paid: nothing to write off"
    too_much = post(client, "/finance/invoices/INV-000003/write-off", amount="1200", reason="disputed")
    assert too_much.status_code == 422
    assert ("Not written off: Refused: amount: 1200.00 is more than the 1000.00 open on invoice INV-000003"
            in text(too_much))
    assert 'name="amount" value="1200"' in too_much.get_data(as_text=True), "the form as typed"
    assert 'name="reason" value="disputed"' in too_much.get_data(as_text=True)
    no_reason = post(client, "/finance/invoices/INV-000003/write-off", amount="250", reason=" ")
    assert no_reason.status_code == 422 and "reason: give the reason the balance is written off" in text(no_reason)
    done = post(client, "/finance/invoices/INV-000003/write-off", amount="250", reason="disputed delivery")
    assert done.status_code == 303 and done.headers["Location"] == "/finance/invoices/INV-000003"
    page = flash_of(client, "/finance/invoices/INV-000003")
    # 1 000.00 - 250.00 = 750.00 open, offered again.
    assert "250.00 EUR of invoice INV-000003 written off (WO-000001)." in page
    assert "write off WO-000001 250.00 Open 750.00" in page
    off = get(session, DocumentKind.WRITE_OFF, "WO-000001")
    assert (off.approved_by, off.reason) == ("fiona", "disputed delivery"), "the signed-in user approved it"
    assert post(client, "/finance/invoices/INV-000003/write-off", amount="", reason="insolvent").status_code == 303
    assert get(session, DocumentKind.INVOICE, "INV-000003").status is DocumentStatus.WRITTEN_OFF
    assert post(client, "/finance/invoices/INV-404/write-off", reason="x").status_code == 404


def test_who_may_write_off(app: Flask, billed: None, signed_in: SignedIn) -> None:
    refused = post(signed_in("sales"), "/finance/invoices/INV-000003/write-off", amount="1", reason="x")
    assert refused.status_code == 403
    anonymous = app.test_client().post("/finance/invoices/INV-000003/write-off", headers=HTML)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
