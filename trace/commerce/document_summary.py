"""One order, invoice or payment as its page shows it (and as the API would): its head with the customer, and
what belongs to it. Beside :func:`cradletrace.commerce.quote_summary.summarise_quote` and
:func:`cradletrace.contracts.summary.summarise`.

- :func:`summarise_order`: its lines priced (:func:`cradletrace.commerce.pricing.explain`), the documents
  next to it in the chain, the units allocated to it with their shipment, invoice and return;
- :func:`summarise_invoice`: its lines priced, the payments, credit notes and write-offs applied to it, the
  documents next to it, the serials it covered (:func:`cradletrace.commerce.chain.covered_serials`) with
  their products' names;
- :func:`summarise_payment`: the invoices it was applied to.

Each reads in a fixed number of statements, whatever the number of lines, units or applications; the
results are plain data with ``to_dict()`` for JSON (money as decimal strings).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session, aliased

from cradletrace.commerce.chain import ChainDocument, CoveredSerial, covered_serials
from cradletrace.commerce.pricing import Pricing, amount_text, explain, number_text
from cradletrace.errors import NotFound
from cradletrace.models import (
    Allocation,
    Application,
    Document,
    DocumentKind,
    Edge,
    EdgeKind,
    Line,
    Node,
    Party,
    Product,
)


@dataclass(frozen=True)
class DocumentHead:
    """What a document's page opens with: number, state, customer, money and dates (``order`` is an invoice's)."""

    kind: str
    number: str
    version: int
    status: str
    customer: str | None
    customer_id: str | None
    currency: str | None
    amount: Decimal | None
    tax: Decimal | None
    created_at: datetime
    requested_at: datetime | None
    due_at: datetime | None
    closed_at: datetime | None
    reason: str | None
    order: str | None

    def to_dict(self) -> dict[str, Any]:
        """The head as plain data (money as decimal strings)."""
        return {**asdict(self), "amount": _money(self.amount), "tax": _money(self.tax)}


@dataclass(frozen=True)
class AllocatedUnit:
    """A unit (or lot quantity) allocated to one of an order's lines, and where it is in the order's life."""

    identifier: str
    line_no: int
    quantity: Decimal
    active: bool
    shipment: str | None
    invoice: str | None
    rma: str | None


@dataclass(frozen=True)
class OrderSummary:
    """An order: its head, lines priced, the documents before and after it, the units allocated to it."""

    head: DocumentHead
    pricing: Pricing
    related: tuple[ChainDocument, ...]
    units: tuple[AllocatedUnit, ...]

    def to_dict(self) -> dict[str, Any]:
        """The order as plain data (money and quantities as decimal strings)."""
        return {**self.head.to_dict(), "pricing": self.pricing.as_dict(), "related": _documents(self.related),
                "units": [{**asdict(u), "quantity": number_text(u.quantity)} for u in self.units]}


@dataclass(frozen=True)
class Applied:
    """An application seen from one side: the document on the other side (the payment, credit note or write-off
    applied to an invoice; the invoice a payment was applied to) as it is now, and the amount applied."""

    kind: str
    number: str
    amount: Decimal
    applied_at: datetime
    document_amount: Decimal | None
    document_status: str

    def to_dict(self) -> dict[str, Any]:
        """The application as plain data (money as decimal strings)."""
        return {**asdict(self), "amount": amount_text(self.amount), "document_amount": _money(self.document_amount)}


@dataclass(frozen=True)
class InvoiceSummary:
    """An invoice: its head, lines priced, what is applied to it, the documents next to it, the serials it covered
    (``names``: product names by GTIN)."""

    head: DocumentHead
    pricing: Pricing
    applied: tuple[Applied, ...]
    related: tuple[ChainDocument, ...]
    serials: tuple[CoveredSerial, ...]
    names: dict[str, str]

    @property
    def balance(self) -> Decimal:
        """What is still open: the amount less what is applied."""
        return Decimal(self.head.amount or 0) - sum((a.amount for a in self.applied), Decimal(0))

    def overdue(self, at: datetime) -> bool:
        """Past its due date at ``at`` with a balance open."""
        return self.balance > 0 and self.head.due_at is not None and self.head.due_at < at

    def to_dict(self) -> dict[str, Any]:
        """The invoice as plain data (money as decimal strings), with the balance."""
        return {**self.head.to_dict(), "balance": amount_text(self.balance), "pricing": self.pricing.as_dict(),
                "applied": [a.to_dict() for a in self.applied],
                "related": _documents(self.related),
                "serials": [{**asdict(s), "product": self.names.get(s.gtin or "")} for s in self.serials]}


@dataclass(frozen=True)
class PaymentSummary:
    """A payment and the invoices it was applied to."""

    head: DocumentHead
    applications: tuple[Applied, ...]

    @property
    def applied(self) -> Decimal:
        """What of the payment is applied to invoices."""
        return sum((a.amount for a in self.applications), Decimal(0))

    @property
    def unapplied(self) -> Decimal:
        """The cash not applied to any invoice yet."""
        return Decimal(self.head.amount or 0) - self.applied

    def to_dict(self) -> dict[str, Any]:
        """The payment as plain data (money as decimal strings)."""
        return {**self.head.to_dict(), "applied": amount_text(self.applied), "unapplied": amount_text(self.unapplied),
                "applications": [a.to_dict() for a in self.applications]}


def summarise_order(session: Session, number: str) -> OrderSummary:
    """An order's page: its lines priced, its neighbours in the chain, the units allocated to it.

    Raises
    ------
    NotFound
        If there is no such order.
    """
    doc, head = _head(session, DocumentKind.ORDER, number)
    shipment, invoice, rma = aliased(Document), aliased(Document), aliased(Document)
    units = tuple(AllocatedUnit(ident, line_no, a.quantity, a.active, s, i, r) for a, ident, line_no, s, i, r in
                  session.execute(
                      select(Allocation, Node.identifier, Line.line_no, shipment.number, invoice.number, rma.number)
                      .join(Line, Line.id == Allocation.line_id).join(Node, Node.id == Allocation.object_id)
                      .outerjoin(shipment, shipment.id == Allocation.shipment_id)
                      .outerjoin(invoice, invoice.id == Allocation.invoice_id)
                      .outerjoin(rma, rma.id == Allocation.rma_id)
                      .where(Line.document_id == doc.id).order_by(Line.line_no, Node.identifier)))
    return OrderSummary(head, explain(session, doc), tuple(related_documents(session, doc)), units)


def summarise_invoice(session: Session, number: str) -> InvoiceSummary:
    """An invoice's page: its lines priced, what is applied to it, the documents next to it, the serials it covered.

    Raises
    ------
    NotFound
        If there is no such invoice.
    """
    doc, head = _head(session, DocumentKind.INVOICE, number)
    applied = _applied(session, Application.invoice_id == doc.id, Application.source_id)
    serials = tuple(covered_serials(session, doc))
    gtins = {s.gtin for s in serials if s.gtin}
    names = dict(session.execute(select(Product.gtin, Product.name).where(Product.gtin.in_(gtins))).all()) \
        if gtins else {}
    return InvoiceSummary(head, explain(session, doc), applied, tuple(related_documents(session, doc)), serials, names)


def summarise_payment(session: Session, number: str) -> PaymentSummary:
    """A payment and the invoices it was applied to.

    Raises
    ------
    NotFound
        If there is no such payment.
    """
    doc, head = _head(session, DocumentKind.PAYMENT, number)
    return PaymentSummary(head, _applied(session, Application.source_id == doc.id, Application.invoice_id))


def related_documents(session: Session, doc: Document, kinds: tuple[DocumentKind, ...] | None = None
                      ) -> list[ChainDocument]:
    """The documents one ``follows`` edge away from ``doc``, before or after it (of ``kinds``), oldest first (depth
    1): one statement."""
    live = (Edge.kind == EdgeKind.FOLLOWS) & Edge.retracted.is_(False)
    neighbours = union(select(Edge.dst).where(live, Edge.src == doc.node_id),
                       select(Edge.src).where(live, Edge.dst == doc.node_id))
    query = (select(Document, Node.identifier).join(Node, Node.id == Document.node_id)
             .where(Document.node_id.in_(neighbours))
             .order_by(Document.created_at, Document.number, Document.version))
    if kinds:
        query = query.where(Document.kind.in_(kinds))
    return [ChainDocument(identifier, d.kind.value, d.number, d.version, d.status.value, d.amount, d.currency,
                          d.created_at, 1) for d, identifier in session.execute(query)]


def _head(session: Session, kind: DocumentKind, number: str) -> tuple[Document, DocumentHead]:
    """The latest version of the document, with its customer and (an invoice's) order: one statement."""
    order = aliased(Document)
    row = session.execute(
        select(Document, Party.name, Node.identifier, order.number)
        .outerjoin(Party, Party.id == Document.party_id).outerjoin(Node, Node.id == Party.node_id)
        .outerjoin(order, order.id == Document.order_id)
        .where(Document.kind == kind, Document.number == number)
        .order_by(Document.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"no {kind.value} {number!r}", where=kind.value)
    d, name, identifier, order_number = row
    return d, DocumentHead(d.kind.value, d.number, d.version, d.status.value, name, identifier, d.currency, d.amount,
                           d.tax, d.created_at, d.requested_at, d.due_at, d.closed_at, d.reason, order_number)


def _applied(session: Session, mine: Any, other: Any) -> tuple[Applied, ...]:
    """The applications ``mine`` selects, each with the document on the ``other`` side: one statement."""
    them = aliased(Document)
    return tuple(Applied(kind.value, n, amount, at, total, status.value) for kind, n, amount, at, total, status in
                 session.execute(select(them.kind, them.number, Application.amount, Application.applied_at, them.amount,
                                        them.status)
                                 .join(them, them.id == other).where(mine)
                                 .order_by(Application.applied_at, Application.id)))


def _money(value: Decimal | None) -> str | None:
    return None if value is None else amount_text(value)


def _documents(documents: tuple[ChainDocument, ...]) -> list[dict[str, Any]]:
    return [{**asdict(d), "amount": _money(d.amount)} for d in documents]


__all__ = ["Applied", "AllocatedUnit", "DocumentHead", "InvoiceSummary", "OrderSummary",
           "PaymentSummary", "related_documents", "summarise_invoice", "summarise_order", "summarise_payment"]
