"""Commercial documents (lead to cash), their lines, allocations of units, money applied, credit holds.

Every document (lead, opportunity, quote, sales order, shipment, invoice, payment, RMA, credit
note, write-off) is one ``commerce_documents`` row and one node of the lineage graph: the node's
identifier is the document's business-transaction ID, so the EPCIS events that name it
(``documented_by`` edges from capture) and the ``follows`` edges between documents (written by
:mod:`cradletrace.commerce`) meet at that node, whichever arrives first. Money is NUMERIC and
always has its currency. Customers' credit limit and payment terms are ``commerce_accounts``,
beside the master-data party they extend.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey, enum_column

Money = Numeric(18, 2)
Quantity = Numeric(18, 6)
Rate = Numeric(7, 6)


class DocumentKind(enum.Enum):
    """The commercial documents, in the order of the lead-to-cash chain."""

    LEAD = "lead"
    OPPORTUNITY = "opportunity"
    QUOTE = "quote"
    ORDER = "order"
    SHIPMENT = "shipment"
    INVOICE = "invoice"
    PAYMENT = "payment"
    RMA = "rma"
    CREDIT_NOTE = "credit_note"
    WRITE_OFF = "write_off"
    CONTRACT = "contract"
    SERVICE_ORDER = "service_order"


class DocumentStatus(enum.Enum):
    """Where a document is in its life; each kind uses a few of these (docs/commerce.md)."""

    OPEN = "open"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    WON = "won"
    LOST = "lost"
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    HELD = "held"
    CONFIRMED = "confirmed"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    WRITTEN_OFF = "written_off"
    RECEIVED = "received"
    CLOSED = "closed"
    NEGOTIATION = "negotiation"
    APPROVED = "approved"
    SIGNED = "signed"
    ACTIVE = "active"
    RENEWED = "renewed"
    TERMINATED = "terminated"


class Account(Base):
    """A customer's commercial terms: credit limit (``None`` = no limit) and payment terms."""

    __tablename__ = "commerce_accounts"
    __table_args__ = (
        CheckConstraint("credit_limit IS NULL OR credit_limit >= 0", name="credit_limit_not_negative"),
        CheckConstraint("payment_terms_days >= 0", name="terms_not_negative"),
    )

    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    credit_limit: Mapped[Decimal | None] = mapped_column(Money)
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)


class Document(Base):
    """One commercial document; ``kind`` says which, ``number`` is its number in the issuer's system."""

    __tablename__ = "commerce_documents"
    __table_args__ = (
        UniqueConstraint("kind", "number", "version"),
        CheckConstraint("amount IS NULL OR currency IS NOT NULL", name="amount_has_currency"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("discount >= 0 AND discount <= 1", name="discount_fraction"),
        Index("ix_commerce_documents_party_id_kind", "party_id", "kind"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    number: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), unique=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("commerce_documents.id"), index=True)
    status: Mapped[DocumentStatus] = mapped_column(enum_column(DocumentStatus, "document_status"))
    currency: Mapped[str | None] = mapped_column(String(3))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    tax: Mapped[Decimal | None] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    damaged: Mapped[bool | None] = mapped_column(Boolean)
    series: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(100))
    owner: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(500))
    approved_by: Mapped[str | None] = mapped_column(String(100))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Quote-to-cash: a discount on the whole document (a fraction, after the lines' own) and the price list used.
    discount: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0), server_default="0")
    price_list_id: Mapped[int | None] = mapped_column(ForeignKey("price_lists.id"))


class Line(Base):
    """A line of a quote, order, invoice or credit note: product, quantity, unit price, discount, tax."""

    __tablename__ = "commerce_lines"
    __table_args__ = (
        UniqueConstraint("document_id", "line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price IS NULL OR unit_price >= 0", name="price_not_negative"),
        CheckConstraint("discount >= 0 AND discount <= 1", name="discount_fraction"),
        CheckConstraint("tax_rate >= 0", name="tax_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("commerce_documents.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    discount: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))
    tax_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))
    source_line_id: Mapped[int | None] = mapped_column(ForeignKey("commerce_lines.id"), index=True)
    # Quote-to-cash: the configuration sold on this line, and how its unit price was made (list price of the
    # tier, option surcharges per unit); unit_price = list_price + surcharge when a price list priced it.
    configuration_id: Mapped[int | None] = mapped_column(ForeignKey("configurations.id"), index=True)
    list_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    surcharge: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    # Revenue (IFRS 15): the product's standalone selling price in the document's currency when the line was
    # written (orders and invoices), so a price changed later does not move the allocation of this sale.
    standalone_price: Mapped[Decimal | None] = mapped_column(Money)


class Allocation(Base):
    """A serialized unit, or a quantity of a lot, set aside for an order line; then shipped, invoiced, returned.

    A unit has at most one active allocation (a partial unique index); returning it ends the allocation.
    """

    __tablename__ = "commerce_allocations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("NOT serialized OR quantity = 1", name="unit_is_one"),
        Index("uq_commerce_allocations_active_unit", "object_id", unique=True,
              sqlite_where=text("active AND serialized"), postgresql_where=text("active AND serialized")),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("commerce_lines.id"), index=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), index=True)
    serialized: Mapped[bool] = mapped_column(Boolean)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    allocated_at: Mapped[datetime] = mapped_column(DateTime)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("commerce_documents.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("commerce_documents.id"), index=True)
    rma_id: Mapped[int | None] = mapped_column(ForeignKey("commerce_documents.id"), index=True)


class Application(Base):
    """Money of a payment, credit note or write-off applied to an invoice; cash applied in steps is one row a step."""

    __tablename__ = "commerce_applications"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("commerce_documents.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("commerce_documents.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    applied_at: Mapped[datetime] = mapped_column(DateTime)


class CreditHold(Base):
    """An order held because it would take the customer over the credit limit, and its release."""

    __tablename__ = "commerce_credit_holds"
    __table_args__ = (
        CheckConstraint("(released_at IS NULL) = (released_by IS NULL)", name="release_has_who_and_when"),
        CheckConstraint("released_at IS NULL OR release_reason IS NOT NULL", name="release_has_reason"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("commerce_documents.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    held_at: Mapped[datetime] = mapped_column(DateTime)
    exposure: Mapped[Decimal] = mapped_column(Money)
    credit_limit: Mapped[Decimal] = mapped_column(Money)
    released_at: Mapped[datetime | None] = mapped_column(DateTime)
    released_by: Mapped[str | None] = mapped_column(String(100))
    release_reason: Mapped[str | None] = mapped_column(String(500))


class NumberSeries(Base):
    """The last number issued in a series (invoice numbers are gap-free per series)."""

    __tablename__ = "commerce_number_series"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
