"""cradletrace.commerce.document_lists: the invoices and payments of commerce_world listed with what is applied to
them, filtered and paged, in two statements whatever their number; the customers of a kind of document. Both
databases."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace import commerce
from cradletrace.commerce.document_lists import customers, list_invoices, list_payments, open_invoices
from cradletrace.errors import InvalidInput, NotFound
from cradletrace.models import DocumentKind

MARCH_20 = datetime(2026, 3, 20)


@pytest.fixture
def billed(session: Session) -> None:
    world.build(session)


def test_invoices_with_what_is_applied_and_the_balance(billed: None, session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(session) as sent:
        rows, total = list_invoices(session)
    assert len(sent) == 2
    # Newest first: INV-000004 (13 Feb), INV-000002 (10 Feb), INV-000003 (5 Feb), INV-000001 (4 Feb).
    assert total == 4 and [r.number for r in rows] == ["INV-000004", "INV-000002", "INV-000003", "INV-000001"]
    by = {r.number: r for r in rows}
    # INV-000003: 1 500.00, PAY2 applied 500.00: 1 000.00 open, due 5 Feb + 14 days = 19 Feb.
    inv3 = by["INV-000003"]
    assert (inv3.customer, inv3.customer_id, inv3.status) == ("Beta", world.CUSTOMER_B, "partially_paid")
    assert (inv3.amount, inv3.applied, inv3.balance) == (Decimal("1500.00"), Decimal("500.00"), Decimal("1000.00"))
    assert inv3.due_at == datetime(2026, 2, 19, 9) and inv3.overdue(MARCH_20) and not inv3.overdue(datetime(2026, 2, 1))
    # INV-000004: 180.00 less CN-000001 90.00 and PAY3 90.00: nothing open, so never overdue.
    assert by["INV-000004"].balance == 0 and not by["INV-000004"].overdue(MARCH_20)
    assert by["INV-000003"].to_dict()["balance"] == "1000.00" and by["INV-000003"].to_dict()["amount"] == "1500.00"


def test_the_invoice_filters_and_pages(billed: None, session: Session) -> None:
    # At 20 March: INV-000002 (120.00 less 60.00, due 12 March) and INV-000003 (due 19 Feb) are overdue.
    overdue, count = list_invoices(session, status="overdue", at=MARCH_20)
    assert (count, [r.number for r in overdue]) == (2, ["INV-000002", "INV-000003"])
    # On 1 March only INV-000003 was past its due date.
    assert [r.number for r in list_invoices(session, status="overdue", at=datetime(2026, 3, 1))[0]] == ["INV-000003"]
    paid, count = list_invoices(session, status="paid")
    assert (count, [r.number for r in paid]) == (2, ["INV-000004", "INV-000001"])
    alpha, count = list_invoices(session, customer=world.CUSTOMER_A, limit=1, offset=1)
    assert (count, [r.number for r in alpha]) == (2, ["INV-000001"]), "Alpha's two invoices, the second page of one"
    with pytest.raises(InvalidInput, match="'late' is not one of"):
        list_invoices(session, status="late")
    with pytest.raises(InvalidInput):
        list_invoices(session, limit=0)
    with pytest.raises(NotFound, match="no party"):
        list_invoices(session, customer="https://id.gs1.org/417/9520000000004")


def test_payments_with_what_is_applied(billed: None, session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(session) as sent:
        rows, total = list_payments(session)
    assert len(sent) == 2
    # Newest first: PAY2 (10 March), PAY3 (25 Feb), PAY1 (20 Feb).
    assert total == 3 and [r.number for r in rows] == ["PAY2", "PAY3", "PAY1"]
    pay1 = rows[2]
    # PAY1: 320.00 received, 240.00 + 60.00 applied: 20.00 unapplied.
    assert (pay1.customer, pay1.amount, pay1.applied, pay1.unapplied) == (
        "Alpha", Decimal("320.00"), Decimal("300.00"), Decimal("20.00"))
    assert pay1.to_dict()["unapplied"] == "20.00"
    beta, count = list_payments(session, customer=world.CUSTOMER_B)
    assert (count, [r.number for r in beta]) == (1, ["PAY2"])


def test_a_list_costs_the_same_however_long(billed: None, session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    def cost() -> tuple[int, int]:
        with count_statements(session) as invoices:
            list_invoices(session, status="overdue")
        with count_statements(session) as payments:
            list_payments(session, customer=world.CUSTOMER_A)
        return len(invoices), len(payments)

    before = cost()
    for n in range(3):
        commerce.receive_payment(session, f"PAY-X{n}", party=world.CUSTOMER_A, amount="5.00", currency="EUR",
                                 applications={"INV-000002": "5.00"}, when=world.day(3, 12 + n))
    assert cost() == before


def test_a_customers_open_invoices_oldest_due_first(billed: None, session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    world.another_open_invoice(session)
    with count_statements(session) as sent:
        rows, total = open_invoices(session, world.CUSTOMER_A)
    assert len(sent) == 3, "the customer, how many are open, the rows"
    # Alpha: INV-000001 is paid; INV-000002 (120.00 less PAY1's 60.00, due 12 Mar) before INV-000005 (100.00, due
    # 2 Apr), though INV-000005 is newer.
    assert (total, [(r.number, r.balance) for r in rows]) == (
        2, [("INV-000002", Decimal("60.00")), ("INV-000005", Decimal("100.00"))])
    # By due date, not by date: INV-000002 due on 1 May instead (as an ERP import may say) comes after INV-000005;
    # an invoice without a due date comes last.
    inv2 = commerce.documents.get(session, DocumentKind.INVOICE, "INV-000002")
    inv2.due_at = datetime(2026, 5, 1)
    session.flush()
    assert [r.number for r in open_invoices(session, world.CUSTOMER_A)[0]] == ["INV-000005", "INV-000002"]
    inv2.due_at = None
    session.flush()
    assert [r.number for r in open_invoices(session, world.CUSTOMER_A)[0]] == ["INV-000005", "INV-000002"]
    inv2.due_at = datetime(2026, 3, 12, 9)
    session.flush()
    first, total = open_invoices(session, world.CUSTOMER_A, limit=1)
    assert (total, [r.number for r in first]) == (2, ["INV-000002"]), "the oldest due of two"
    assert open_invoices(session, world.CUSTOMER_A, currency="USD") == ([], 0)
    # Gamma's only invoice is settled (CN-000001 and PAY3): nothing open.
    assert open_invoices(session, world.CUSTOMER_C) == ([], 0)
    # Two more payments settle INV-000002 step by step: the same three statements.
    for n in range(2):
        commerce.receive_payment(session, f"PAY-Y{n}", party=world.CUSTOMER_A, amount="30.00", currency="EUR",
                                 applications={"INV-000002": "30.00"}, when=world.day(3, 12 + n))
    with count_statements(session) as again:
        rows, total = open_invoices(session, world.CUSTOMER_A)
    assert len(again) == 3 and [r.number for r in rows] == ["INV-000005"]
    with pytest.raises(NotFound, match="no party"):
        open_invoices(session, "https://id.gs1.org/417/9520000000004")


def test_customers_of_a_kind_of_document(billed: None, session: Session) -> None:
    # Invoices went to Alpha, Beta and Gamma, by name; the one return (RMA1) came from Gamma.
    assert customers(session, DocumentKind.INVOICE) == [
        (world.CUSTOMER_A, "Alpha"), (world.CUSTOMER_B, "Beta"), (world.CUSTOMER_C, "Gamma")]
    assert customers(session, DocumentKind.RMA) == [(world.CUSTOMER_C, "Gamma")]
