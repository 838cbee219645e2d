"""cradletrace.commerce.document_summary: an order, an invoice and a payment of commerce_world as their pages show
them, in a fixed number of statements whatever the number of lines, units or applications. Both databases."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace import commerce
from cradletrace.commerce.document_summary import (
    related_documents,
    summarise_invoice,
    summarise_order,
    summarise_payment,
)
from cradletrace.errors import NotFound


@pytest.fixture
def billed(session: Session) -> None:
    world.build(session)


def test_an_order_with_its_neighbours_and_units(billed: None, session: Session) -> None:
    order = summarise_order(session, "SO3")
    head = order.head
    assert (head.kind, head.number, head.status, head.customer, head.customer_id) == (
        "order", "SO3", "delivered", "Gamma", world.CUSTOMER_C)
    assert head.requested_at == datetime(2026, 2, 20, 9)
    # 2 pumps at 100.00 less 10 %: 180.00, no tax.
    assert (order.pricing.net, order.pricing.total) == (Decimal("180.00"), Decimal("180.00"))
    assert [(d.kind, d.number) for d in order.related] == [("shipment", "SH4")]
    # P4 and P5 allocated to line 1, shipped on SH4, billed on INV-000004; P5 came back under RMA1.
    assert [(u.identifier, u.line_no, u.shipment, u.invoice, u.rma) for u in order.units] == [
        (world.unit(4), 1, "SH4", "INV-000004", None), (world.unit(5), 1, "SH4", "INV-000004", "RMA1")]
    data = order.to_dict()
    assert data["amount"] == "180.00" and data["units"][0]["quantity"] == "1" and data["related"][0]["number"] == "SH4"


def test_an_invoice_with_what_is_applied_its_neighbours_and_serials(billed: None, session: Session) -> None:
    invoice = summarise_invoice(session, "INV-000004")
    assert (invoice.head.order, invoice.head.customer, invoice.head.due_at) == (
        "SO3", "Gamma", datetime(2026, 3, 15, 9))  # 13 Feb + 30 days
    # CN-000001 (90.00, 21 Feb) then PAY3 (90.00, 25 Feb): 180.00 - 180.00 = nothing open.
    assert [(a.kind, a.number, a.amount) for a in invoice.applied] == [
        ("credit_note", "CN-000001", Decimal("90.00")), ("payment", "PAY3", Decimal("90.00"))]
    assert invoice.balance == 0 and not invoice.overdue(datetime(2026, 4, 1))
    assert [d.number for d in invoice.related] == ["SH4", "RMA1", "CN-000001", "PAY3"]
    assert [s.serial for s in invoice.serials] == ["P4", "P5"] and invoice.names == {world.PUMP: "Pump"}
    data = invoice.to_dict()
    assert data["balance"] == "0.00" and data["serials"][0]["product"] == "Pump"
    # INV-000002: 120.00, PAY1 applied 60.00: 60.00 open, due 10 Feb + 30 days = 12 March.
    open_one = summarise_invoice(session, "INV-000002")
    assert open_one.balance == Decimal("60.00") and open_one.overdue(datetime(2026, 3, 13))


def test_a_payment_and_its_applications(billed: None, session: Session) -> None:
    payment = summarise_payment(session, "PAY1")
    # 320.00 received: 240.00 to INV-000001 (paid), 60.00 to INV-000002 (120.00, partly paid); 20.00 unapplied.
    assert [(a.number, a.amount, a.document_status) for a in payment.applications] == [
        ("INV-000001", Decimal("240.00"), "paid"), ("INV-000002", Decimal("60.00"), "partially_paid")]
    assert (payment.applied, payment.unapplied) == (Decimal("300.00"), Decimal("20.00"))
    assert payment.to_dict()["applications"][1]["document_amount"] == "120.00"


def test_an_unknown_document_is_not_found(billed: None, session: Session) -> None:
    for summarise, kind in ((summarise_order, "order"), (summarise_invoice, "invoice"), (summarise_payment, "payment")):
        with pytest.raises(NotFound, match=f"no {kind} 'X-1'"):
            summarise(session, "X-1")


def test_related_documents_one_step_either_way(billed: None, session: Session) -> None:
    order = commerce.documents.get(session, commerce.documents.DocumentKind.ORDER, "SO1")
    # SO1 follows quote Q1 and is followed by its shipments SH1 and SH2 (its invoices follow the shipments).
    assert [(d.kind, d.number, d.depth) for d in related_documents(session, order)] == [
        ("quote", "Q1", 1), ("shipment", "SH1", 1), ("shipment", "SH2", 1)]
    only = related_documents(session, order, (commerce.documents.DocumentKind.QUOTE,))
    assert [d.number for d in only] == ["Q1"]


def test_each_costs_the_same_however_many_rows(billed: None, session: Session, count_statements: Any) -> None:
    def cost(read: Any, number: str) -> int:
        with count_statements(session) as sent:
            read(session, number)
        return len(sent)

    # SO1: 3 units, a quote and 2 shipments next to it; SO2: one lot quantity, a quote and 1 shipment.
    assert cost(summarise_order, "SO1") == cost(summarise_order, "SO2")
    # INV-000004: 2 applications, 2 serials; INV-000003: 1 application, a lot.
    assert cost(summarise_invoice, "INV-000004") == cost(summarise_invoice, "INV-000003")
    # PAY1 applied to 2 invoices, PAY3 to 1.
    assert cost(summarise_payment, "PAY1") == cost(summarise_payment, "PAY3")
