"""Master data: products (GTIN), parties and locations.

These describe things; they are not lifecycle actions, so services write them
directly. Parties and locations are keyed by their node (GLN-based Digital Link
or any URI), so events that name them join without a lookup by string.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey


class Product(Base):
    """A trade item class, identified by its 14-digit GTIN."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    mass_kg: Mapped[float | None] = mapped_column(Numeric(14, 6, asdecimal=False))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Party(Base):
    """An organisation: supplier, manufacturer, carrier, customer, recycler."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Location(Base):
    """A site or sub-location (warehouse, line, shop), optionally run by a party."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
