"""Contracts' terms (versioned), warranty periods, service plans, and the history of each contract's state.

A contract is a commercial document (``commerce_documents`` of kind ``contract``): it has a number, a
customer, a status (draft, negotiation, approved, signed, active, renewed, expired, terminated) and a
node in the lineage graph, from which ``follows`` edges lead to its quotes, orders and invoices and so
to the units it covers. Its terms are kept as versions (:class:`ContractTerms`): every change during
negotiation adds a version, and none is overwritten. A term version holds the price list, payment
terms, validity, the warranty period per product (:class:`ContractWarranty`) and the service plans
(:class:`ContractPlan`) from the catalogue (:class:`ServicePlan`). Every change of state is a
:class:`ContractStateChange` row with who and when.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey
from cradletrace.models.commerce import Money


class ContractTerms(Base):
    """One version of a contract's terms."""

    __tablename__ = "contract_terms"
    __table_args__ = (
        UniqueConstraint("contract_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("ends_at > starts_at", name="period_ordered"),
        CheckConstraint("payment_terms_days >= 0", name="terms_not_negative"),
        CheckConstraint("renewal_notice_days >= 0", name="notice_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("commerce_documents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    price_list_id: Mapped[int | None] = mapped_column(ForeignKey("price_lists.id"))
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    renewal_notice_days: Mapped[int] = mapped_column(Integer, default=60)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    changed_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500))


class ContractWarranty(Base):
    """The warranty period (months from the date control passes to the customer) of a product under a contract."""

    __tablename__ = "contract_warranties"
    __table_args__ = (
        UniqueConstraint("terms_id", "product_id"),
        CheckConstraint("months > 0", name="months_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    terms_id: Mapped[int] = mapped_column(ForeignKey("contract_terms.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    months: Mapped[int] = mapped_column(Integer)


class ServicePlan(Base):
    """A service plan of the catalogue: what it covers, for how long, and its standalone selling price.

    ``product_id`` is the plan as a trade item, so it can be a line of a quote, order or invoice.
    ``coverage`` lists what is covered (for example ``["repair", "parts", "labour"]``).
    """

    __tablename__ = "service_plans"
    __table_args__ = (
        CheckConstraint("months > 0", name="months_positive"),
        CheckConstraint("standalone_price >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), unique=True)
    coverage: Mapped[list[Any]] = mapped_column(JSON, default=list)
    months: Mapped[int] = mapped_column(Integer)
    standalone_price: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(String(2000))


class ContractPlan(Base):
    """A service plan under a version of a contract's terms, for the units of one product (or all of them)."""

    __tablename__ = "contract_plans"
    __table_args__ = (UniqueConstraint("terms_id", "plan_id", "product_id"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    terms_id: Mapped[int] = mapped_column(ForeignKey("contract_terms.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("service_plans.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Revenue (IFRS 15): the plan's standalone selling price when it was agreed (in the contract's currency),
    # kept through later versions of the terms, so a new catalogue price does not move this contract's revenue.
    standalone_price: Mapped[Decimal | None] = mapped_column(Money)


CONTRACT_STATES = ("draft", "negotiation", "approved", "signed", "active", "renewed", "expired", "terminated")
"""The states of a contract (``commerce_documents.status`` of a contract), in the order of its life."""


class ContractStateChange(Base):
    """A contract entering a state: when, by whom, why, and the version of its terms then in force.

    ``version`` is the terms version the change concerns: the one signed by ``signed``, the new period's
    by ``renewed``, the latest by any other.
    """

    __tablename__ = "contract_state_changes"
    __table_args__ = (
        CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in CONTRACT_STATES) + ")", name="state_known"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("commerce_documents.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500))
