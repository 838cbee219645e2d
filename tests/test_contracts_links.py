"""A contract's documents and covered units through the graph, the contract of a unit or document, and the
rules of linking."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts_world import CUSTOMER_A, CUSTOMER_B, PUMP, SELLER, contract, day, in_force, motor, pump, sell, setup
from cradletrace import commerce
from cradletrace.commerce.documents import get
from cradletrace.contracts import contract_of, covered_units, documents, expire, link_documents
from cradletrace.contracts.links import CoveredUnit, has_contract
from cradletrace.errors import NotFound, RuleViolation
from cradletrace.models import DocumentKind, Node


def _quote_to_invoice(session: Session, c1: object) -> None:
    """Q1 (linked to C-1) -> Q1 v2 -> SO1 -> SH-SO1 -> INV-000001, for P1 and P2."""
    line = {"product": PUMP, "quantity": 2, "unit_price": "1000.00"}
    commerce.create_quote(session, "Q1", party=CUSTOMER_A, currency="EUR", lines=[line], when=day(2026, 1, 5))
    link_documents(session, c1, [get(session, DocumentKind.QUOTE, "Q1")], when=day(2026, 1, 5))
    commerce.revise_quote(session, "Q1", lines=[{**line, "unit_price": "950.00"}], when=day(2026, 1, 7))
    commerce.send_quote(session, "Q1", when=day(2026, 1, 8))
    commerce.accept_quote(session, "Q1", when=day(2026, 1, 10), order=False)
    commerce.create_order(session, "SO1", quote="Q1", when=day(2026, 1, 12))
    commerce.allocate(session, "SO1", units=[pump(1), pump(2)], when=day(2026, 1, 13))
    commerce.ship_order(session, "SO1", "SH-SO1", from_party=SELLER, to_party=CUSTOMER_A, when=day(2026, 1, 14))
    commerce.invoice_order(session, "SO1", when=day(2026, 1, 15))


def test_a_contract_covers_the_units_of_its_quotes_orders_and_invoices(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session))
    _quote_to_invoice(session, c1)
    # SO2 is linked directly; SO3 is Alpha's too but under no contract; SO4 is cancelled after allocation.
    sell(session, c1, "SO2", [pump(3), motor(1)], shipped=day(2026, 2, 3))
    sell(session, None, "SO3", [pump(4)], shipped=day(2026, 2, 3))
    so4 = commerce.create_order(session, "SO4", party=CUSTOMER_A, currency="EUR",
                                lines=[{"product": PUMP, "quantity": 1, "unit_price": "1000.00"}], when=day(2026, 2, 1))
    link_documents(session, c1, [so4])
    commerce.allocate(session, so4, units=[pump(5)], when=day(2026, 2, 2))
    commerce.cancel_order(session, so4, reason="changed their mind")

    assert covered_units(session, "C-1") == [
        CoveredUnit(pump(1), PUMP, "P1", "Pump"), CoveredUnit(pump(2), PUMP, "P2", "Pump"),
        CoveredUnit(pump(3), PUMP, "P3", "Pump"), CoveredUnit(motor(1), "09506000134369", "M1", "Motor")]
    # The documents in chain order: both quote versions, the orders, the shipments, the invoice.
    assert [(d.kind, d.number, d.version, d.depth) for d in documents(session, c1)] == [
        ("quote", "Q1", 1, 1), ("quote", "Q1", 2, 2), ("order", "SO1", 1, 3), ("order", "SO2", 1, 1),
        ("shipment", "SH-SO1", 1, 4), ("shipment", "SH-SO2", 1, 2), ("invoice", "INV-000001", 1, 5)]

    # And back: the contract of a unit, of an invoice, of a shipment; none for SO3's unit or the cancelled order's.
    assert contract_of(session, pump(1)).number == "C-1"
    assert contract_of(session, "(01)09506000134369(21)M1").number == "C-1"
    assert contract_of(session, get(session, DocumentKind.INVOICE, "INV-000001")).number == "C-1"
    assert contract_of(session, "urn:cradletrace:doc:shipment:SH-SO2").number == "C-1"
    assert contract_of(session, pump(4)) is None
    assert contract_of(session, pump(6)) is None  # never sold
    with pytest.raises(NotFound, match="is not a recorded unit"):
        contract_of(session, "https://id.gs1.org/01/09506000134352/21/NOPE")


def test_a_unit_sold_again_belongs_to_its_latest_contract(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session, "C-1"))
    sell(session, c1, "SO1", [pump(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    commerce.receive_return(session, "RMA1", [pump(1)], location="https://id.gs1.org/414/9520999999945",
                            by_party=SELLER, from_party=CUSTOMER_A, when=day(2026, 3, 1))
    c2 = contract(session, "C-2", customer=CUSTOMER_B)
    sell(session, c2, "SO2", [pump(1)], customer=CUSTOMER_B, site="https://id.gs1.org/414/9520999999921",
         shipped=day(2026, 4, 1))
    assert contract_of(session, pump(1)).number == "C-2"
    assert [u.identifier for u in covered_units(session, c1)] == [pump(1)]  # it was covered by C-1 too
    # Whether a contract reaches a node, without reading it: P1 has two, P2 (never sold) none.
    ids = dict(session.execute(select(Node.identifier, Node.id).where(Node.identifier.in_([pump(1), pump(2)]))).all())
    assert has_contract(session, ids[pump(1)]) and not has_contract(session, ids[pump(2)])


def test_linking_rules(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session, "C-1"))
    c2 = contract(session, "C-2")
    order = sell(session, c1, "SO1", [pump(1)], shipped=day(2026, 2, 3))
    # Linking again does nothing more.
    assert link_documents(session, c1, [order, "urn:cradletrace:doc:order:SO1"]) == [order]
    assert [d.number for d in documents(session, c1) if d.kind == "order"] == ["SO1"]
    with pytest.raises(RuleViolation, match="order SO1 belongs to contract C-1 already"):
        link_documents(session, c2, [order])
    with pytest.raises(RuleViolation, match="a contract links to quotes, orders and invoices, not to shipment SH-SO1"):
        link_documents(session, c2, [get(session, DocumentKind.SHIPMENT, "SH-SO1")])
    beta = commerce.create_order(session, "SO2", party=CUSTOMER_B, currency="EUR",
                                 lines=[{"product": PUMP, "quantity": 1, "unit_price": "1.00"}])
    with pytest.raises(RuleViolation, match="order SO2 is for Beta, contract C-2 for Alpha"):
        link_documents(session, c2, [beta])
    with pytest.raises(NotFound, match="is not a document cradletrace holds"):
        link_documents(session, c2, ["(01)09506000134352(21)P1"])
    expire(session, c1, when=day(2027, 1, 2))
    with pytest.raises(RuleViolation, match="contract C-1 is expired: no documents can join it"):
        link_documents(session, c1, [beta])
