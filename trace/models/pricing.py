"""Price lists (per currency, with validity, general or for one customer), their volume tiers and option
surcharges, and approvals of discounts above the threshold.

A price list item is the unit price of a product from ``min_quantity`` up (the tier with the largest
``min_quantity`` not above the ordered quantity applies). A customer's own list takes precedence over
a general one of the same currency valid at the same time. A surcharge is added per unit for a
configuration option. A discount above the threshold needs an :class:`Approval` by a sales manager
before the quote can be sent; the approval keeps who decided and when.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey, enum_column
from cradletrace.models.commerce import Quantity, Rate


class PriceList(Base):
    """A price list in one currency, valid from ``valid_from`` (included) to ``valid_until`` (excluded; open-ended
    when null); for one customer (``party_id``) or for all."""

    __tablename__ = "price_lists"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="validity_ordered"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    valid_from: Mapped[datetime] = mapped_column(DateTime)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class PriceListItem(Base):
    """The unit price of a product on a list, from ``min_quantity`` up (a volume tier)."""

    __tablename__ = "price_list_items"
    __table_args__ = (
        UniqueConstraint("price_list_id", "product_id", "min_quantity"),
        CheckConstraint("min_quantity > 0", name="min_quantity_positive"),
        CheckConstraint("unit_price >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    min_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(1))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(18, 4))


class PriceSurcharge(Base):
    """The per-unit surcharge of a configuration option on a list."""

    __tablename__ = "price_list_surcharges"
    __table_args__ = (
        UniqueConstraint("price_list_id", "option_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(ForeignKey("config_options.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 4))


class ApprovalKind(enum.Enum):
    """What an approval is for."""

    DISCOUNT = "discount"


class Approval(Base):
    """A request to approve a document (a quote's discount above the threshold) and its decision.

    ``discount`` is what was asked for (the largest effective discount of a line against its list
    price), ``threshold`` the threshold then; ``approved`` is null while the request is pending.
    """

    __tablename__ = "commerce_approvals"
    __table_args__ = (
        CheckConstraint("(decided_at IS NULL) = (decided_by IS NULL)", name="decision_has_who_and_when"),
        CheckConstraint("(decided_at IS NULL) = (approved IS NULL)", name="decision_has_outcome"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("commerce_documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ApprovalKind] = mapped_column(enum_column(ApprovalKind, "approval_kind"))
    discount: Mapped[Decimal] = mapped_column(Rate)
    threshold: Mapped[Decimal] = mapped_column(Rate)
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    requested_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    approved: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(500))
