"""ERP import: orders, invoices and payments from a CSV or JSON export, idempotent by document number.

Most users run order-to-cash in an ERP; this links its documents to the units. Each file holds
one kind; the columns (docs/commerce.md has the full mapping):

* orders, one row per order line: ``number``, ``customer``, ``currency``, ``date``, ``product``,
  ``quantity``, ``unit_price``; optional ``line``, ``requested_date``, ``discount``, ``tax_rate``,
  ``status``, ``quote``, ``biz_transaction``.
* invoices, one row per invoice line: ``number``, ``customer``, ``currency``, ``date``,
  ``product``, ``quantity``, ``unit_price``; optional ``line``, ``due_date``, ``order``,
  ``discount``, ``tax_rate``, ``biz_transaction``.
* payments, one row per invoice a payment is applied to: ``number``, ``customer``, ``currency``,
  ``date``, ``amount``; optional ``invoice`` and ``applied`` (the part applied to it), ``biz_transaction``.

``biz_transaction`` is the ID the ERP's EPCIS events name the document by (default
``urn:cradletrace:doc:KIND:NUMBER``): those events link the units to the document whether they
are captured before or after the import. A re-import updates a document (header, lines by line
number, a payment's applications), never duplicates it. The file is all or nothing: every row is
checked first, and a bad one is an error naming the file, the line (CSV; the header is line 1) or
record (JSON) and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import currency_code, decimal, find, identifier_of, link, money, new_document
from cradletrace.commerce.invoices import DEFAULT_TERMS_DAYS, settle
from cradletrace.commerce.lines import set_totals
from cradletrace.errors import InvalidInput, TraceError
from cradletrace.lifecycle.common import instance_id
from cradletrace.models import (
    Account,
    Application,
    Document,
    DocumentKind,
    DocumentStatus,
    Line,
    Node,
    Party,
    Product,
)
from cradletrace.timestamps import naive_utc

KINDS = {"orders": DocumentKind.ORDER, "invoices": DocumentKind.INVOICE, "payments": DocumentKind.PAYMENT}
_LINES = ("product", "quantity", "unit_price")
REQUIRED = {
    "orders": ("number", "customer", "currency", "date", *_LINES),
    "invoices": ("number", "customer", "currency", "date", *_LINES),
    "payments": ("number", "customer", "currency", "date", "amount"),
}
OPTIONAL = {
    "orders": ("line", "requested_date", "discount", "tax_rate", "status", "quote", "biz_transaction"),
    "invoices": ("line", "due_date", "order", "discount", "tax_rate", "biz_transaction"),
    "payments": ("invoice", "applied", "biz_transaction"),
}
ORDER_STATUSES = ("confirmed", "partially_shipped", "shipped", "delivered", "cancelled")


@dataclass
class ImportReport:
    """What an import did: documents created and updated (by number), rows read."""

    kind: str
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rows": self.rows, "created": self.created, "updated": self.updated}


@dataclass
class _Row:
    where: str
    values: dict[str, Any]

    def fail(self, column: str, reason: str) -> InvalidInput:
        return InvalidInput(reason, where=f"{self.where}, column {column}")


def read_rows(path: Path | str, text: str | None = None) -> list[_Row]:
    """The records of a CSV or JSON file (JSON: a list of objects, or ``{"rows": [...]}``), each with its place."""
    path = Path(path)
    if text is None:
        text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        import json

        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InvalidInput(f"not valid JSON: {exc}", where=str(path)) from None
        if isinstance(data, Mapping):
            data = data.get("rows", data.get("documents"))
        if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
            raise InvalidInput("a JSON import is a list of objects (or {\"rows\": [...]})", where=str(path))
        return [_Row(f"{path.name}: record {i}", {str(k).strip().lower(): v for k, v in r.items()})
                for i, r in enumerate(data, start=1)]
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for record in reader:
        if None in record:
            raise InvalidInput("more values than columns", where=f"{path.name}: line {reader.line_num}")
        rows.append(_Row(f"{path.name}: line {reader.line_num}",
                         {(k or "").strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in record.items()}))
    return rows


def import_file(session: Session, kind: str, path: Path | str) -> ImportReport:
    """Import one ERP export file (CSV or JSON) of ``kind`` (orders, invoices, payments), all or nothing.

    Raises
    ------
    InvalidInput
        Naming the file, line (or record) and column of the first bad value; nothing is written.
    """
    return import_rows(session, kind, read_rows(path))


def import_rows(session: Session, kind: str, rows: Sequence[_Row]) -> ImportReport:
    """Import checked rows of one kind; a savepoint makes the whole of it all or nothing."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown import kind {kind!r} (one of {', '.join(KINDS)})", where="kind")
    if not rows:
        raise InvalidInput("the file has no rows", where="file")
    parsed = [_parse(kind, r) for r in rows]
    parties = _lookup_parties(session, rows, parsed)
    products = _lookup_products(session, rows, parsed) if kind != "payments" else {}
    report = ImportReport(kind, rows=len(rows))
    with session.begin_nested():
        groups: dict[str, list[tuple[_Row, dict[str, Any]]]] = {}
        for r, p in zip(rows, parsed):
            groups.setdefault(p["number"], []).append((r, p))
        for number, members in groups.items():
            _check_header(members)
            doc = find(session, KINDS[kind], number)
            created = doc is None
            try:
                if kind == "payments":
                    _payment(session, doc, members, parties)
                else:
                    _with_lines(session, kind, doc, members, parties, products)
            except TraceError as exc:
                if "column" in (exc.where or ""):
                    raise
                raise InvalidInput(exc.message, where=f"{members[0][0].where}: {exc.where or 'row'}") from None
            (report.created if created else report.updated).append(number)
        session.flush()
    return report


def _parse(kind: str, row: _Row) -> dict[str, Any]:
    values = row.values
    known = set(REQUIRED[kind]) | set(OPTIONAL[kind])
    unknown = sorted(k for k in values if k not in known and k)
    if unknown:
        raise row.fail(unknown[0], f"unknown column (the {kind} columns: {', '.join(REQUIRED[kind] + OPTIONAL[kind])})")
    out: dict[str, Any] = {}
    for col in REQUIRED[kind]:
        if values.get(col) in (None, ""):
            raise row.fail(col, "missing")
    for col in known:
        value = values.get(col)
        if value in (None, ""):
            out[col] = None
            continue
        try:
            out[col] = _convert(col, value)
        except TraceError as exc:
            raise row.fail(col, exc.message) from None
    if kind == "orders" and out.get("status") and out["status"] not in ORDER_STATUSES:
        raise row.fail("status", f"unknown order status {out['status']!r} (one of {', '.join(ORDER_STATUSES)})")
    if kind == "payments" and (out.get("invoice") is None) != (out.get("applied") is None):
        raise row.fail("applied" if out.get("invoice") else "invoice", "invoice and applied go together")
    return out


def _convert(col: str, value: Any) -> Any:
    if col in ("date", "requested_date", "due_date"):
        return _date(value)
    if col in ("quantity", "discount", "tax_rate"):
        number = decimal(value, where=col)
        if col == "quantity" and number <= 0:
            raise InvalidInput(f"must be positive, got {number}")
        if col == "discount" and not 0 <= number <= 1:
            raise InvalidInput(f"a discount is a fraction from 0 to 1, got {number}")
        if number < 0:
            raise InvalidInput(f"cannot be negative, got {number}")
        return number
    if col in ("unit_price", "amount", "applied"):
        number = money(str(value) if isinstance(value, (int, float)) else value, where=col)
        if number < 0 or (col != "unit_price" and number == 0):
            raise InvalidInput(f"must be positive, got {number}")
        return number
    if col == "line":
        try:
            return int(str(value))
        except ValueError:
            raise InvalidInput(f"a line number is a whole number, got {value!r}") from None
    if col == "currency":
        return currency_code(str(value))
    if col == "customer":
        text = str(value).strip()
        # ERPs keep a party's bare GLN; any other form (Digital Link, element string, URI) as given.
        return instance_id(f"(417){text}" if text.isdigit() and len(text) == 13 else text)
    if col == "biz_transaction":
        return instance_id(str(value))
    return str(value).strip()


def _date(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"not an ISO 8601 date or time: {value!r}") from None
    return naive_utc(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))


def _lookup_parties(session: Session, rows: Sequence[_Row], parsed: Sequence[dict[str, Any]]) -> dict[str, int]:
    wanted = {p["customer"] for p in parsed}
    found = dict(session.execute(select(Node.identifier, Party.id).join(Party, Party.node_id == Node.id)
                                 .where(Node.identifier.in_(wanted))).all())
    for r, p in zip(rows, parsed):
        if p["customer"] not in found:
            raise r.fail("customer", f"no party {p['customer']} (add it first, with its GLN)")
    return found


def _lookup_products(session: Session, rows: Sequence[_Row], parsed: Sequence[dict[str, Any]]) -> dict[str, int]:
    gtins = {}
    for r, p in zip(rows, parsed):
        text = p["product"]
        if not text.isdigit() or len(text) > 14:
            raise r.fail("product", f"not a GTIN: {text!r}")
        gtins[text] = text.zfill(14)
    found = dict(session.execute(select(Product.gtin, Product.id).where(Product.gtin.in_(set(gtins.values())))).all())
    for r, p in zip(rows, parsed):
        if gtins[p["product"]] not in found:
            raise r.fail("product", f"no product with GTIN {gtins[p['product']]}")
    return {text: found[g] for text, g in gtins.items()}


_HEADER = ("customer", "currency", "date", "requested_date", "due_date", "order", "quote", "status", "amount",
           "biz_transaction")


def _check_header(members: Sequence[tuple[_Row, dict[str, Any]]]) -> None:
    first = members[0][1]
    for r, p in members[1:]:
        for col in _HEADER:
            if col in p and p[col] is not None and first.get(col) is not None and p[col] != first[col]:
                raise r.fail(col, f"differs from the first row of document {first['number']} ({first[col]})")


def _with_lines(session: Session, kind: str, doc: Document | None, members: Sequence[tuple[_Row, dict[str, Any]]],
                parties: Mapping[str, int], products: Mapping[str, int]) -> Document:
    head = members[0][1]
    doc_kind = KINDS[kind]
    fields: dict[str, Any] = {"party_id": parties[head["customer"]], "currency": head["currency"],
                              "created_at": head["date"]}
    follows: list[Document] = []
    if kind == "orders":
        fields["requested_at"] = head.get("requested_date")
        fields["status"] = DocumentStatus(head.get("status") or "confirmed")
        if head.get("quote"):
            quote = find(session, DocumentKind.QUOTE, head["quote"])
            if quote is None:
                raise members[0][0].fail("quote", f"no quote {head['quote']}")
            follows.append(quote)
    else:
        order = None
        if head.get("order"):
            order = find(session, DocumentKind.ORDER, head["order"])
            if order is None:
                raise members[0][0].fail("order", f"no order {head['order']} (import the orders first)")
            follows.append(order)
        fields["order_id"] = order.id if order else None
        account = session.get(Account, fields["party_id"])
        terms = account.payment_terms_days if account else DEFAULT_TERMS_DAYS
        fields["due_at"] = head.get("due_date") or head["date"] + timedelta(days=terms)
    if doc is None:
        status = fields.pop("status", DocumentStatus.ISSUED)
        party, created = fields.pop("party_id"), fields.pop("created_at")
        doc = new_document(session, doc_kind, head["number"], status=status, uri=head.get("biz_transaction"),
                           follows=follows, when=created.replace(tzinfo=timezone.utc), party=party, **fields)
    else:
        if head.get("biz_transaction") and head["biz_transaction"] != identifier_of(session, doc):
            raise members[0][0].fail("biz_transaction", f"{doc.kind.value} {doc.number} was imported with "
                                                        f"{identifier_of(session, doc)}; the ID cannot change")
        if kind == "orders":
            pass
        elif doc.status not in (DocumentStatus.ISSUED,):
            fields.pop("due_at", None)  # a paid invoice keeps its terms
        for name, value in fields.items():
            setattr(doc, name, value)
        link(session, follows, [doc], when=doc.created_at)
    existing = {ln.line_no: ln for ln in session.execute(select(Line).where(Line.document_id == doc.id)).scalars()}
    seen = set()
    for index, (r, p) in enumerate(members, start=1):
        no = p.get("line") or index
        if no in seen:
            raise r.fail("line", f"line {no} of {doc_kind.value} {doc.number} appears twice")
        seen.add(no)
        values = {"product_id": products[p["product"]], "quantity": p["quantity"], "unit_price": p["unit_price"],
                  "discount": p.get("discount") or Decimal(0), "tax_rate": p.get("tax_rate") or Decimal(0)}
        if no in existing:
            for name, value in values.items():
                setattr(existing[no], name, value)
        else:
            existing[no] = Line(document_id=doc.id, line_no=no, **values)
            session.add(existing[no])
    stale = [no for no in existing if no not in seen]
    if stale:
        session.execute(delete(Line).where(Line.document_id == doc.id, Line.line_no.in_(stale)))
    session.flush()
    set_totals(doc, [existing[no] for no in sorted(seen)])
    session.flush()
    if doc_kind is DocumentKind.INVOICE and doc.status in (DocumentStatus.ISSUED, DocumentStatus.PARTIALLY_PAID,
                                                           DocumentStatus.PAID):
        settle(session, doc, doc.created_at.replace(tzinfo=timezone.utc))
    return doc


def _payment(session: Session, doc: Document | None, members: Sequence[tuple[_Row, dict[str, Any]]],
             parties: Mapping[str, int]) -> Document:
    from cradletrace.commerce.payments import apply

    head = members[0][1]
    when = head["date"].replace(tzinfo=timezone.utc)
    touched: list[Document] = []
    if doc is None:
        doc = new_document(session, DocumentKind.PAYMENT, head["number"], status=DocumentStatus.RECEIVED,
                           uri=head.get("biz_transaction"), when=when, party=parties[head["customer"]],
                           currency=head["currency"], amount=head["amount"])
    else:
        previous = session.execute(select(Document).join(Application, Application.invoice_id == Document.id)
                                   .where(Application.source_id == doc.id)).scalars().all()
        session.execute(delete(Application).where(Application.source_id == doc.id))
        doc.party_id, doc.currency, doc.amount, doc.created_at = (parties[head["customer"]], head["currency"],
                                                                  head["amount"], head["date"])
        session.flush()
        touched.extend(previous)
    for r, p in members:
        if p.get("invoice") is None:
            continue
        invoice = find(session, DocumentKind.INVOICE, p["invoice"])
        if invoice is None:
            raise r.fail("invoice", f"no invoice {p['invoice']} (import the invoices first)")
        try:
            apply(session, doc, invoice, p["applied"], when=when)
        except TraceError as exc:
            raise r.fail("applied", exc.message) from None
        touched.append(invoice)
    for invoice in touched:
        invoice.status, invoice.closed_at = DocumentStatus.ISSUED, None
        settle(session, invoice, when)
    return doc


__all__ = ["KINDS", "ImportReport", "import_file", "import_rows", "read_rows"]
