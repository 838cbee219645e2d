"""The commercial chain of a unit and the serials of an invoice: both directions, constant statements."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace import commerce
from cradletrace.commerce.chain import chain_sql, covered_sql, has_documents
from cradletrace.lineage.sql import POSTGRESQL, SQLITE
from cradletrace.log.capture import capture_events
from cradletrace.commerce.documents import transaction_event
from cradletrace.lifecycle import commission_units
from cradletrace.models import Node


def _chain(session: Session, unit: str) -> list[tuple[str | None, str | None]]:
    return [(c.kind, c.number) for c in commerce.for_unit(session, unit)]


def test_from_a_serial_to_its_payment(session: Session, count_statements) -> None:
    world.build(session)
    with count_statements(session) as sent:
        chain = _chain(session, "(01)09506000134352(21)P1")
    assert len(sent) == 2  # resolve the identifier, one recursive walk
    assert chain == [("lead", "L1"), ("opportunity", "O1"), ("quote", "Q1"), ("order", "SO1"), ("shipment", "SH1"),
                     ("invoice", "INV-000001"), ("payment", "PAY1")]


def test_the_walk_stays_on_the_units_own_chain(session: Session) -> None:
    world.build(session)
    # P3 left in the second shipment: not SH1 nor INV-000001, though they belong to the same order;
    # PAY1 paid INV-000001 too, and is not a way back to it.
    assert _chain(session, world.unit(3)) == [
        ("lead", "L1"), ("opportunity", "O1"), ("quote", "Q1"), ("order", "SO1"), ("shipment", "SH2"),
        ("invoice", "INV-000002"), ("payment", "PAY1")]
    # A returned unit: its RMA and credit note, the payment of its invoice.
    assert _chain(session, world.unit(5)) == [
        ("order", "SO3"), ("shipment", "SH4"), ("invoice", "INV-000004"), ("payment", "PAY3"), ("rma", "RMA1"),
        ("credit_note", "CN-000001")]
    # The lot quantity shipped on SO2 has the chain of its order.
    assert ("invoice", "INV-000003") in _chain(session, world.RESIN_LOT)


def test_from_an_invoice_to_every_serial_it_covered(session: Session, count_statements) -> None:
    world.build(session)
    with count_statements(session) as sent:
        covered = commerce.covered_serials(session, "INV-000001")
    assert len(sent) == 2
    assert [(c.gtin, c.serial) for c in covered] == [(world.PUMP, "P1"), (world.PUMP, "P2")]
    assert [c.lot for c in commerce.covered_serials(session, "INV-000003")] == ["R1"]


def test_the_statements_do_not_grow_with_the_chain(session: Session, count_statements) -> None:
    world.build(session)
    with count_statements(session) as short:
        commerce.for_unit(session, world.unit(5))
    with count_statements(session) as long:
        commerce.for_unit(session, world.unit(1))
    assert len(short) == len(long) == 2


def test_a_document_named_before_it_exists_joins_the_chain(session: Session) -> None:
    world.build(session)
    unit = "https://id.gs1.org/01/09506000134352/21/P9"
    commission_units(session, [unit], when=world.day(1, 2))
    capture_events(session, [transaction_event([unit], {"po": "urn:erp:po:77"}, when=world.day(2, 1))])
    assert _chain(session, unit) == [(None, None)]
    commerce.create_order(session, "ERP-77", party=world.CUSTOMER_C, currency="EUR", uri="urn:erp:po:77",
                          lines=[{"product": world.PUMP, "quantity": 1, "unit_price": "10"}], when=world.day(2, 2))
    assert _chain(session, unit) == [("order", "ERP-77")]


def test_sql_per_dialect() -> None:
    assert "INDEXED BY ix_edges_dst_src_valid" in chain_sql(SQLITE)
    assert "INDEXED BY" not in chain_sql(POSTGRESQL)
    assert "LATERAL" in covered_sql(POSTGRESQL)


def test_whether_a_unit_has_a_chain_without_walking_it(session: Session, count_statements) -> None:
    world.build(session)
    nodes = dict(session.execute(select(Node.identifier, Node.id)).all())
    commission_units(session, ["https://id.gs1.org/01/09506000134352/21/P9"], when=world.day(3, 1))
    unsold = session.execute(select(Node.id).where(
        Node.identifier == "https://id.gs1.org/01/09506000134352/21/P9")).scalar_one()
    with count_statements(session) as sent:
        sold = has_documents(session, nodes[world.unit(1)])
    assert sold and len(sent) == 1
    # P9 was commissioned and never named with a document: for_unit finds nothing, and so does the check.
    assert not has_documents(session, unsold) and _chain(session, world.unit(9)) == []
