"""ERP import: a good file, a re-import (updates, never duplicates), a bad row (nothing written), events before and after."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace import commerce
from cradletrace.commerce.documents import transaction_event
from cradletrace.commerce.imports import import_file
from cradletrace.errors import InvalidInput
from cradletrace.lifecycle import add_party, add_product, commission_units
from cradletrace.log.capture import capture_events
from cradletrace.models import Document, DocumentKind, DocumentStatus, Line

ORDERS = """number,customer,currency,date,requested_date,line,product,quantity,unit_price,discount,tax_rate,biz_transaction
SO-100,9520999999983,EUR,2026-03-01,2026-03-10,1,09506000134352,2,100.00,0,0.2,urn:erp:po:100
SO-100,9520999999983,EUR,2026-03-01,2026-03-10,2,09506000134369,5,10.00,0.1,0.2,urn:erp:po:100
SO-101,9520999999976,EUR,2026-03-02,,1,9506000134352,1,99.50,,,
"""
INVOICES = """number,customer,currency,date,order,line,product,quantity,unit_price,tax_rate,biz_transaction
INV-9,9520999999983,EUR,2026-03-05,SO-100,1,09506000134352,2,100.00,0.2,urn:erp:inv:9
"""
PAYMENTS = """number,customer,currency,date,amount,invoice,applied
PAY-9,9520999999983,EUR,2026-03-20,300.00,INV-9,200.00
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _setup(session: Session) -> None:
    add_party(session, world.CUSTOMER_A, "Alpha")
    add_party(session, world.CUSTOMER_B, "Beta")
    add_product(session, world.PUMP, "Pump")
    add_product(session, world.RESIN, "Resin")


def _count(session: Session, kind: DocumentKind) -> int:
    return session.scalar(select(func.count()).select_from(Document).where(Document.kind == kind))


def test_a_good_file_then_a_reimport(session: Session, tmp_path: Path) -> None:
    _setup(session)
    report = import_file(session, "orders", _write(tmp_path, "orders.csv", ORDERS))
    assert (report.rows, report.created, report.updated) == (3, ["SO-100", "SO-101"], [])
    so = commerce.documents.get(session, DocumentKind.ORDER, "SO-100")
    # 2 x 100 + 5 x 10 less 10 %, plus 20 % VAT.
    assert (so.amount, so.tax, so.status) == (Decimal("294.00"), Decimal("49.00"), DocumentStatus.CONFIRMED)
    assert commerce.documents.identifier_of(session, so) == "urn:erp:po:100"

    changed = ORDERS.replace("SO-100,9520999999983,EUR,2026-03-01,2026-03-10,1,09506000134352,2,",
                             "SO-100,9520999999983,EUR,2026-03-01,2026-03-10,1,09506000134352,3,")
    report = import_file(session, "orders", _write(tmp_path, "orders.csv", changed))
    assert (report.created, report.updated) == ([], ["SO-100", "SO-101"])
    assert _count(session, DocumentKind.ORDER) == 2
    session.refresh(so)
    assert so.amount == Decimal("414.00")
    assert session.scalar(select(func.count()).select_from(Line).where(Line.document_id == so.id)) == 2


def test_invoices_and_payments_link_to_orders(session: Session, tmp_path: Path) -> None:
    _setup(session)
    import_file(session, "orders", _write(tmp_path, "orders.csv", ORDERS))
    import_file(session, "invoices", _write(tmp_path, "invoices.csv", INVOICES))
    import_file(session, "payments", _write(tmp_path, "payments.csv", PAYMENTS))
    import_file(session, "payments", _write(tmp_path, "payments.csv", PAYMENTS))  # again: no double application
    invoice = commerce.documents.get(session, DocumentKind.INVOICE, "INV-9")
    payment = commerce.documents.get(session, DocumentKind.PAYMENT, "PAY-9")
    assert commerce.balance(session, invoice) == Decimal("40.00")
    assert invoice.status is DocumentStatus.PARTIALLY_PAID
    assert commerce.unapplied(session, payment) == Decimal("100.00")


def test_events_before_and_after_the_import_link_the_units(session: Session, tmp_path: Path) -> None:
    _setup(session)
    before, after = world.unit(1), world.unit(2)
    commission_units(session, [before, after], when=world.day(2, 1))
    capture_events(session, [transaction_event([before], {"po": "urn:erp:po:100"}, when=world.day(3, 1))])
    import_file(session, "orders", _write(tmp_path, "orders.csv", ORDERS))
    capture_events(session, [transaction_event([after], {"po": "urn:erp:po:100"}, when=world.day(3, 2))])
    import_file(session, "invoices", _write(tmp_path, "invoices.csv", INVOICES))
    capture_events(session, [transaction_event([before, after], {"inv": "urn:erp:inv:9"}, when=world.day(3, 5))])
    for unit in (before, after):
        assert [(c.kind, c.number) for c in commerce.for_unit(session, unit)] == [("order", "SO-100"),
                                                                                   ("invoice", "INV-9")]
    assert [c.serial for c in commerce.covered_serials(session, "INV-9")] == ["P1", "P2"]


def test_json_is_read_like_csv(session: Session, tmp_path: Path) -> None:
    _setup(session)
    rows = [{"number": "SO-7", "customer": world.CUSTOMER_A, "currency": "eur", "date": "2026-03-01T10:00:00Z",
             "product": world.PUMP, "quantity": 1, "unit_price": "5.00"}]
    report = import_file(session, "orders", _write(tmp_path, "orders.json", json.dumps(rows)))
    assert report.created == ["SO-7"]
    assert commerce.documents.get(session, DocumentKind.ORDER, "SO-7").amount == Decimal("5.00")


@pytest.mark.parametrize(("line", "column", "bad"), [
    ("SO-102,9520999999983,EUR,2026-03-01,,1,09506000134352,two,1.00,,,", "quantity", "not a number"),
    ("SO-102,9520999999983,EUR,01/03/2026,,1,09506000134352,1,1.00,,,", "date", "ISO 8601"),
    ("SO-102,9520999999983,EURO,2026-03-01,,1,09506000134352,1,1.00,,,", "currency", "ISO 4217"),
    ("SO-102,9520999999983,EUR,2026-03-01,,1,09506000134999,1,1.00,,,", "product", "no product"),
    ("SO-102,9520999999945,EUR,2026-03-01,,1,09506000134352,1,1.00,,,", "customer", "no party"),
    ("SO-102,9520999999983,EUR,2026-03-01,,1,09506000134352,1,,,,", "unit_price", "missing"),
])
def test_a_bad_row_names_line_and_column_and_writes_nothing(session: Session, tmp_path: Path, line: str,
                                                             column: str, bad: str) -> None:
    _setup(session)
    path = _write(tmp_path, "orders.csv", ORDERS + line + "\n")
    with pytest.raises(InvalidInput) as caught:
        import_file(session, "orders", path)
    assert caught.value.where == f"orders.csv: line 5, column {column}"
    assert bad in caught.value.message
    assert _count(session, DocumentKind.ORDER) == 0


def test_a_failure_while_writing_undoes_the_whole_file(session: Session, tmp_path: Path) -> None:
    _setup(session)
    import_file(session, "orders", _write(tmp_path, "orders.csv", ORDERS))
    invoices = INVOICES + "INV-10,9520999999983,EUR,2026-03-05,SO-999,1,09506000134352,1,1.00,,\n"
    with pytest.raises(InvalidInput, match="no order SO-999") as caught:
        import_file(session, "invoices", _write(tmp_path, "invoices.csv", invoices))
    assert caught.value.where == "invoices.csv: line 3, column order"
    assert _count(session, DocumentKind.INVOICE) == 0
