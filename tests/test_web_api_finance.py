"""The invoice and payment operations of /api (web/api/finance.py): lists filtered and paged, an invoice and a
payment as the pages read them, a payment recorded against two invoices (201 and Location), unapplied cash applied,
a balance written off by the caller; refusals as problems naming where; roles; every answer checked against the
OpenAPI document's schema. Both databases (commerce_world and its INV-000005)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as q

import jsonschema
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace import commerce
from cradletrace.commerce.documents import get
from cradletrace.models import DocumentKind
from cradletrace.web.api import ROUTES
from cradletrace.web.api.openapi import document
from web_support import app, bearer, client, create_token  # noqa: F401

OPENAPI = document(ROUTES)


def conforms(response: Any, schema: str) -> dict[str, Any]:
    """The JSON of ``response``, checked against the document's schema ``schema``."""
    jsonschema.validate(response.json, {"$ref": f"#/components/schemas/{schema}", "components": OPENAPI["components"]})
    return response.json


@pytest.fixture
def finance(session: Session) -> dict[str, str]:
    world.build(session)
    world.another_open_invoice(session)
    return bearer(create_token(session, "fiona", "finance"))


def test_the_invoices_filtered_and_paged(client: FlaskClient, finance: dict[str, str]) -> None:
    body = conforms(client.get("/api/invoices", headers=finance), "InvoiceList")
    # Newest first: INV-000005 (3 Mar), INV-000004 (13 Feb), INV-000002, INV-000003, INV-000001.
    assert body["total"] == 5
    assert [r["number"] for r in body["invoices"]] == ["INV-000005", "INV-000004", "INV-000002", "INV-000003",
                                                        "INV-000001"]
    inv3 = body["invoices"][3]
    # INV-000003: 1 500.00 less PAY2's 500.00 = 1 000.00 open, due 19 Feb: overdue.
    assert (inv3["customer"], inv3["status"], inv3["amount"], inv3["applied"], inv3["balance"], inv3["overdue"]) == (
        "Beta", "partially_paid", "1500.00", "500.00", "1000.00", True)
    assert inv3["due_at"] == "2026-02-19T09:00:00Z"
    overdue = client.get("/api/invoices?status=overdue", headers=finance).json
    assert [r["number"] for r in overdue["invoices"]] == ["INV-000005", "INV-000002", "INV-000003"]
    alpha = client.get(f"/api/invoices?customer={q(world.CUSTOMER_A)}&limit=1&offset=1", headers=finance).json
    assert (alpha["total"], [r["number"] for r in alpha["invoices"]]) == (3, ["INV-000002"])
    assert client.get("/api/invoices?status=late", headers=finance).json["where"] == "status"
    assert client.get("/api/invoices?limit=0", headers=finance).status_code == 400
    assert client.get("/api/invoices?customer=urn%3Aexample%3Anobody", headers=finance).status_code == 404


def test_an_invoice_and_a_payment_as_the_pages_read_them(client: FlaskClient, finance: dict[str, str]) -> None:
    inv4 = conforms(client.get("/api/invoices/INV-000004", headers=finance), "Invoice")
    # 2 pumps at 100.00 less 10 % = 180.00; CN-000001 90.00 and PAY3 90.00 applied: paid.
    assert (inv4["status"], inv4["amount"], inv4["balance"], inv4["order"], inv4["overdue"]) == (
        "paid", "180.00", "0.00", "SO3", False)
    assert [(a["kind"], a["number"], a["amount"]) for a in inv4["applied"]] == [
        ("credit_note", "CN-000001", "90.00"), ("payment", "PAY3", "90.00")]
    assert [s["serial"] for s in inv4["serials"]] == ["P4", "P5"]
    pay1 = conforms(client.get("/api/payments/PAY1", headers=finance), "Payment")
    # PAY1: 320.00, 240.00 + 60.00 applied, 20.00 unapplied.
    assert (pay1["amount"], pay1["applied"], pay1["unapplied"]) == ("320.00", "300.00", "20.00")
    assert [(a["number"], a["amount"], a["document_status"]) for a in pay1["applications"]] == [
        ("INV-000001", "240.00", "paid"), ("INV-000002", "60.00", "partially_paid")]
    listed = conforms(client.get(f"/api/payments?customer={q(world.CUSTOMER_A)}", headers=finance), "PaymentList")
    assert [(r["number"], r["unapplied"]) for r in listed["payments"]] == [("PAY1", "20.00")]
    for missing in ("/api/invoices/INV-404", "/api/payments/PAY404"):
        response = client.get(missing, headers=finance)
        assert response.status_code == 404 and response.mimetype == "application/problem+json", missing


def test_a_payment_is_recorded_against_two_invoices(client: FlaskClient, finance: dict[str, str]) -> None:
    made = client.post("/api/payments", headers=finance, json={
        "customer": world.CUSTOMER_A, "amount": "200.00", "currency": "EUR", "date": "2026-03-19",
        "applications": [{"invoice": "INV-000002", "amount": "60"}, {"invoice": "INV-000005", "amount": "100.00"},
                         {"invoice": "INV-000001", "amount": ""}]})
    assert made.status_code == 201 and made.headers["Location"] == "/api/payments/PAY-000001"
    body = conforms(made, "Payment")
    # 200.00: 60.00 + 100.00 = 160.00 applied, 40.00 left; both invoices paid.
    assert (body["number"], body["amount"], body["applied"], body["unapplied"]) == (
        "PAY-000001", "200.00", "160.00", "40.00")
    assert body["created_at"] == "2026-03-19T23:59:59Z", "received on the 19th, at the end of that day"
    assert [(a["number"], a["document_status"]) for a in body["applications"]] == [
        ("INV-000002", "paid"), ("INV-000005", "paid")]
    plain = client.post("/api/payments", headers=finance, json={
        "customer": world.CUSTOMER_B, "amount": 25, "currency": "eur", "number": "BNK1/2026/0001"})
    assert plain.status_code == 201 and plain.headers["Location"] == "/api/payments/BNK1/2026/0001"
    assert client.get("/api/payments/BNK1%2F2026%2F0001", headers=finance).json["unapplied"] == "25.00"


@pytest.mark.parametrize(("payload", "status", "where", "says"), [
    ({"amount": "100", "applications": [{"invoice": "INV-000002", "amount": "70"}]}, 422, "applications row 1",
     "70.00 is more than the 60.00 open on invoice INV-000002"),
    ({"amount": "100", "applications": [{"invoice": "INV-000002", "amount": "60"},
                                        {"invoice": "INV-000005", "amount": "50"}]}, 422, "applications row 2",
     "50.00 for invoice INV-000005 is more than the 40.00 left unapplied on payment PAY-000001"),
    ({"amount": "10", "applications": [{"invoice": "INV-404", "amount": "5"}]}, 404, "applications row 1.invoice",
     "no invoice 'INV-404'"),
    ({"amount": "10", "applications": [{"invoice": "INV-000002", "amount": "five"}]}, 400,
     "applications row 1.amount", "not a number"),
    ({"amount": 10.5}, 400, "amount", "not a float"),
    ({"amount": "10", "date": "2026-02-30"}, 400, "date", "is not a date"),
    ({"amount": "10", "number": "PAY1"}, 400, "number", "payment PAY1 exists already"),
    ({"amount": "10", "customer": "urn:example:nobody"}, 404, "customer", "no party"),
    ({"amount": "10", "note": "x"}, 400, "request body note", "the body has no member 'note'"),
])
def test_a_payment_that_is_wrong_is_refused_saying_where(client: FlaskClient, finance: dict[str, str],
                                                         payload: dict[str, Any], status: int, where: str,
                                                         says: str) -> None:
    refused = client.post("/api/payments", headers=finance,
                          json={"customer": world.CUSTOMER_A, "currency": "EUR", **payload})
    assert refused.status_code == status and refused.mimetype == "application/problem+json", refused.json
    assert refused.json["where"] == where and says in refused.json["detail"], refused.json
    assert client.get("/api/payments", headers=finance).json["total"] == 3, "nothing was written"


def test_unapplied_cash_is_applied(client: FlaskClient, finance: dict[str, str]) -> None:
    # PAY1 has 20.00 unapplied: 15.00 to INV-000005 (100.00 open).
    body = conforms(client.post("/api/payments/PAY1/apply", headers=finance,
                                json={"applications": [{"invoice": "INV-000005", "amount": "15"}]}), "Payment")
    assert (body["applied"], body["unapplied"]) == ("315.00", "5.00")
    # The last 5.00 to INV-000002, which PAY1 paid 60.00 of already: a second application of the same payment.
    again = conforms(client.post("/api/payments/PAY1/apply", headers=finance,
                                 json={"applications": [{"invoice": "INV-000002", "amount": "5"}]}), "Payment")
    assert (again["applied"], again["unapplied"]) == ("320.00", "0.00")
    assert [a["amount"] for a in again["applications"] if a["number"] == "INV-000002"] == ["60.00", "5.00"]
    empty = client.post("/api/payments/PAY1/apply", headers=finance, json={"applications": []})
    assert (empty.status_code, empty.json["where"]) == (400, "applications")
    missing = client.post("/api/payments/PAY404/apply", headers=finance,
                          json={"applications": [{"invoice": "INV-000005", "amount": "1"}]})
    assert missing.status_code == 404


def test_a_balance_is_written_off_by_the_caller(client: FlaskClient, session: Session,
                                                finance: dict[str, str]) -> None:
    # INV-000003: 1 000.00 open; 250.00 written off leaves 750.00.
    body = conforms(client.post("/api/invoices/INV-000003/write-off", headers=finance,
                                json={"reason": "disputed delivery", "amount": "250"}), "Invoice")
    assert (body["balance"], body["applied"][-1]["kind"], body["applied"][-1]["amount"]) == (
        "750.00", "write_off", "250.00")
    assert get(session, DocumentKind.WRITE_OFF, "WO-000001").approved_by == "fiona"
    too_much = client.post("/api/invoices/INV-000003/write-off", headers=finance,
                           json={"reason": "x", "amount": "800"})
    assert (too_much.status_code, too_much.json["where"]) == (422, "amount")
    no_reason = client.post("/api/invoices/INV-000003/write-off", headers=finance, json={"amount": "1"})
    assert (no_reason.status_code, no_reason.json["where"]) == (400, "reason")
    rest = client.post("/api/invoices/INV-000003/write-off", headers=finance, json={"reason": "insolvent"}).json
    assert (rest["status"], rest["balance"]) == ("written_off", "0.00")
    assert client.post("/api/invoices/INV-000003/write-off", headers=finance,
                       json={"reason": "again"}).status_code == 422, "nothing open"


def test_who_may_read_and_write(client: FlaskClient, session: Session, finance: dict[str, str]) -> None:
    admin = bearer(create_token(session, "ada", "admin"))
    sales = bearer(create_token(session, "sue", "sales"))
    assert client.get("/api/invoices", headers=admin).status_code == 200
    assert client.get("/api/payments/PAY1", headers=admin).status_code == 200
    assert client.get("/api/invoices", headers=sales).status_code == 403
    writes = (("/api/payments", {"customer": world.CUSTOMER_A, "amount": "1", "currency": "EUR"}),
              ("/api/payments/PAY1/apply", {"applications": [{"invoice": "INV-000005", "amount": "1"}]}),
              ("/api/invoices/INV-000003/write-off", {"reason": "x"}))
    for url, payload in writes:
        assert client.post(url, headers=admin, json=payload).status_code == 403, url
        assert client.post(url, json=payload).status_code == 401, url
    assert commerce.balance(session, "INV-000003") == 1000, "nothing was written"
