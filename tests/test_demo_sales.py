"""Lead to cash: leads won, lost and disqualified; the order held over its credit limit and released; payments
on time, late, partial and written off; an invoice overdue at the demo's today."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from cradletrace.commerce import balance, for_unit
from cradletrace.demo.clock import TODAY
from cradletrace.demo.manufacturing import PACKS_A
from cradletrace.models import CreditHold, Document, DocumentKind, DocumentStatus
from cradletrace.timestamps import naive_utc
from demo_support import reading

pytestmark = pytest.mark.xdist_group("demo")


def documents(session, kind: DocumentKind) -> dict[str, Document]:  # type: ignore[no-untyped-def]
    return {d.number: d for d in session.scalars(select(Document).where(Document.kind == kind))}


def test_leads_are_won_lost_and_disqualified(demo_database: str) -> None:
    with reading(demo_database) as session:
        leads, opportunities = documents(session, DocumentKind.LEAD), documents(session, DocumentKind.OPPORTUNITY)
        quotes = documents(session, DocumentKind.QUOTE)
        assert leads["L-0004"].status is DocumentStatus.DISQUALIFIED
        assert [opportunities[n].status for n in ("O-0001", "O-0002", "O-0003")] == [
            DocumentStatus.WON, DocumentStatus.WON, DocumentStatus.LOST]
        assert quotes["Q-0003"].status is DocumentStatus.REJECTED and "price" in quotes["Q-0003"].reason


def test_the_order_over_the_credit_limit_was_held_then_released(demo_database: str) -> None:
    with reading(demo_database) as session:
        order = documents(session, DocumentKind.ORDER)["SO-0002"]
        (hold,) = session.scalars(select(CreditHold).where(CreditHold.order_id == order.id))
        # 6 packs x 520.00 = 3,120.00 net + 21 % VAT 655.20 = 3,775.20, over Cargobike's 3,000.00
        assert (order.amount, hold.exposure, hold.credit_limit) == (Decimal("3775.20"), Decimal("3775.20"),
                                                                    Decimal("3000.00"))
        assert hold.released_by == "demo-finance" and hold.released_at < naive_utc(TODAY)
        assert order.status is DocumentStatus.DELIVERED


def test_payments_on_time_late_written_off_and_overdue(demo_database: str) -> None:
    with reading(demo_database) as session:
        orders = documents(session, DocumentKind.ORDER)
        invoices = {orders_number: inv for inv in documents(session, DocumentKind.INVOICE).values()
                    for orders_number, order in orders.items() if order.id == inv.order_id}
        payments = documents(session, DocumentKind.PAYMENT)
        late, on_time = invoices["SO-0003"], invoices["SO-0001"]
        # SO-0003 was invoiced on day -427 with 30 days' terms (due day -397) and paid on day -370: 27 days late
        assert (payments["PAY-0003"].created_at - late.due_at).days == 27 and late.status is DocumentStatus.PAID
        assert payments["PAY-0001"].created_at < on_time.due_at
        # SO-0004: 2 x 560.00 + 20 % = 1,344.00; 300.00 paid, the other 1,044.00 written off
        written = invoices["SO-0004"]
        (write_off,) = documents(session, DocumentKind.WRITE_OFF).values()
        assert written.status is DocumentStatus.WRITTEN_OFF and write_off.amount == Decimal("1044.00")
        assert write_off.approved_by == "demo-finance" and "insolvent" in write_off.reason
        # SO-0007: 3 x 505.00 + 20 % = 1,818.00, invoiced 54 days before today, due 30 days later: overdue, open
        overdue = invoices["SO-0007"]
        assert overdue.status is DocumentStatus.ISSUED and balance(session, overdue) == Decimal("1818.00")
        assert overdue.due_at < naive_utc(TODAY)


def test_a_pack_leads_to_its_whole_commercial_chain(demo_database: str) -> None:
    with reading(demo_database) as session:
        chain = [(d.kind, d.number) for d in for_unit(session, PACKS_A[0])]
    assert [c for c in chain if c[0] != "payment"][:6] == [
        ("lead", "L-0001"), ("opportunity", "O-0001"), ("quote", "Q-0001"), ("order", "SO-0001"),
        ("shipment", "SH-0001"), ("invoice", "INV-000001")]
    assert ("payment", "PAY-0001") in chain
