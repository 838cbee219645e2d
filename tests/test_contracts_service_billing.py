"""Repairs: a warranty or plan repair is not billed (a zero service order says why); the same repair after the
warranty ends is (a service order and an invoice, linked to the repair event); who is billed, and what is refused."""

from __future__ import annotations

from decimal import Decimal

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts_world import CUSTOMER_B, PUMP, SITE_B, contract, day, in_force, naive, pump, sell, setup
from cradletrace.commerce.chain import for_unit
from cradletrace.contracts import record_repair
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.lifecycle import receive
from cradletrace.models import Document, DocumentKind, DocumentStatus, Edge, EdgeKind, Event, Node, Party


def _payload(session: Session, event_id: str) -> dict:
    return orjson.loads(session.scalars(select(Event.payload).where(Event.event_id == event_id)).one())


def _node(session: Session, doc: Document) -> str:
    return session.scalars(select(Node.identifier).where(Node.id == doc.node_id)).one()


def test_a_warranty_repair_is_not_billed_and_the_same_repair_after_the_warranty_is(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session))  # pumps: 24 months; payment terms 45 days
    sell(session, c1, "SO1", [pump(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))

    # 1 Jun 2027: within 5 Feb 2026 + 24 months = 5 Feb 2028.
    free = record_repair(session, pump(1), description="seal replaced", amount="250.00", currency="EUR",
                         tax_rate="0.20", when=day(2027, 6, 1))
    order = free.service_order
    assert (free.covered, free.basis.kind, free.invoice) == (True, "warranty", None)
    assert (order.kind, order.number, order.status, order.amount) == (
        DocumentKind.SERVICE_ORDER, "SVC-000001", DocumentStatus.CLOSED, Decimal("0.00"))
    assert order.reason == "under warranty until 2028-02-05: 24 months (contract C-1, terms v1) from 2026-02-05"
    assert (order.attributes["charge"], order.attributes["covered"], order.attributes["coverage"],
            order.attributes["repair_event"]) == ("250.00", True, "warranty", free.event_id)
    # The repair went through the service step and names the service order.
    repaired = _payload(session, free.event_id)
    assert (repaired["bizStep"], repaired["bizTransactionList"]) == (
        "repairing", [{"bizTransaction": "urn:cradletrace:doc:service_order:SVC-000001"}])
    assert session.scalar(select(func.count()).select_from(Document).where(Document.kind == DocumentKind.INVOICE)) == 0

    # 1 Mar 2028: the warranty ended on 5 Feb 2028. Billed: 250.00 + 20 % = 300.00, due 1 Mar + 45 days = 15 Apr 2028.
    paid = record_repair(session, pump(1), description="seal replaced", amount="250.00", currency="EUR",
                         tax_rate="0.20", when=day(2028, 3, 1))
    order, invoice = paid.service_order, paid.invoice
    assert (paid.covered, paid.basis) == (False, None)
    assert (order.number, order.amount, order.tax, order.party_id) == ("SVC-000002", Decimal("300.00"),
                                                                       Decimal("50.00"), c1.party_id)
    assert "warranty ended on 2028-02-05" in order.reason
    assert (invoice.kind, invoice.number, invoice.status, invoice.amount, invoice.tax, invoice.due_at,
            invoice.party_id, invoice.currency) == (DocumentKind.INVOICE, "INV-000001", DocumentStatus.ISSUED,
                                                    Decimal("300.00"), Decimal("50.00"), naive(2028, 4, 15),
                                                    c1.party_id, "EUR")
    # Linked to the service event: the repair event names the service order, the invoice follows the order, and a
    # TransactionEvent names the invoice for the unit.
    assert _payload(session, paid.event_id)["bizTransactionList"] == [
        {"bizTransaction": "urn:cradletrace:doc:service_order:SVC-000002"}]
    assert session.scalar(select(func.count()).select_from(Edge).where(
        Edge.kind == EdgeKind.FOLLOWS, Edge.src == order.node_id, Edge.dst == invoice.node_id)) == 1
    billed = session.scalars(select(Event.payload).where(Event.event_type == "TransactionEvent")
                             .order_by(Event.event_time.desc()).limit(1)).one()
    assert orjson.loads(billed)["epcList"] == [pump(1)]
    assert orjson.loads(billed)["bizTransactionList"] == [{"type": "inv",
                                                           "bizTransaction": _node(session, invoice)}]
    # The unit's commercial chain shows the contract first, then its sale, then the service orders and invoice.
    assert [(d.kind, d.number) for d in for_unit(session, pump(1))] == [
        ("contract", "C-1"), ("order", "SO1"), ("shipment", "SH-SO1"), ("invoice", "INV-000001"),
        ("service_order", "SVC-000001"), ("service_order", "SVC-000002")]


def test_a_plan_that_covers_repair_keeps_it_free_after_the_warranty(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session, plans=[{"plan": "GOLD-36", "product": PUMP},
                                                    {"plan": "CHECK-12", "product": PUMP}]))
    sell(session, c1, "SO1", [pump(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    # 1 Mar 2028: warranty over (5 Feb 2028), GOLD-36 runs to 5 Feb 2029 and covers repair; CHECK-12 (over anyway)
    # covers only inspection.
    done = record_repair(session, pump(1), description="bearing", amount="400.00", currency="EUR",
                         when=day(2028, 3, 1))
    assert (done.covered, done.basis.code, done.invoice, done.service_order.amount) == (True, "GOLD-36", None,
                                                                                         Decimal("0.00"))
    # After GOLD-36 ends (5 Feb 2029 09:00): billed, 400.00 without tax.
    billed = record_repair(session, pump(1), description="bearing", amount="400.00", currency="EUR",
                           when=day(2029, 2, 5))
    assert (billed.covered, billed.invoice.amount) == (False, Decimal("400.00"))


def test_who_pays_without_a_contract_and_what_is_refused(session: Session) -> None:
    setup(session)
    # P3 was handed to Beta without any order or contract: its owner pays, at 30 days (no account, no contract).
    receive(session, [pump(3)], location=SITE_B, by_party=CUSTOMER_B, when=day(2026, 2, 5))
    done = record_repair(session, pump(3), description="cable", amount="80", currency="eur", when=day(2026, 6, 1))
    beta = session.scalars(select(Party.id).join(Node, Node.id == Party.node_id)
                           .where(Node.identifier == CUSTOMER_B)).one()
    assert done.entitlement.reasons == ("no contract: none of the unit's documents leads to one",)
    # 1 Jun + 30 days = 1 Jul.
    assert (done.invoice.amount, done.invoice.due_at, done.invoice.currency, done.invoice.party_id,
            done.service_order.party_id) == (Decimal("80.00"), naive(2026, 7, 1), "EUR", beta, beta)
    before = session.scalar(select(func.count()).select_from(Document))
    # P4 is in the seller's hands, unsold: nobody to bill.
    with pytest.raises(InvalidInput, match="no customer to bill for the repair of .*P4: give customer="):
        record_repair(session, pump(4), description="x", amount="10", currency="EUR", when=day(2026, 6, 1))
    with pytest.raises(InvalidInput, match="give a string or Decimal, not a float"):
        record_repair(session, pump(3), description="x", amount=10.5, currency="EUR")
    with pytest.raises(InvalidInput, match="a repair's charge cannot be negative"):
        record_repair(session, pump(3), description="x", amount="-1", currency="EUR")
    with pytest.raises(InvalidInput, match="a repair needs a description"):
        record_repair(session, pump(3), description=" ", amount="1", currency="EUR")
    with pytest.raises(RuleViolation, match="P99 was never commissioned, so it cannot be repaired"):
        record_repair(session, "https://id.gs1.org/01/09506000134352/21/P99", description="x", amount="1",
                      currency="EUR", customer=CUSTOMER_B, when=day(2026, 6, 1))
    assert session.scalar(select(func.count()).select_from(Document)) == before
