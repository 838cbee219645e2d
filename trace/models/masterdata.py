"""Master data: products (GTIN), parties and locations, and the history of their EPCIS descriptions.

These describe things; they are not lifecycle actions, so services write them
directly. Parties and locations are keyed by their node (GLN-based Digital Link
or any URI), so events that name them join without a lookup by string.

EPCIS master data (an ``EPCISMasterDataDocument`` or an ``EPCISDocument`` header) is
kept twice: every description of a vocabulary element as a :class:`MasterDataVersion`
(all its attributes, its children, the interval in which it was the current one), and
the CBV attributes the system uses as columns of the one products, parties or
locations row of that thing, so a place created by a service and one a partner
describes are the same row.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey


class Product(Base):
    """A trade item class, identified by its 14-digit GTIN."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("(standalone_price IS NULL) = (standalone_currency IS NULL)", name="ssp_has_currency"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    mass_kg: Mapped[float | None] = mapped_column(Numeric(14, 6, asdecimal=False))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    net_content: Mapped[str | None] = mapped_column(String(200))
    country_of_origin: Mapped[str | None] = mapped_column(String(2))
    # Revenue allocation (IFRS 15 / ASC 606): the price the product sells for on its own.
    standalone_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    standalone_currency: Mapped[str | None] = mapped_column(String(3))


class Party(Base):
    """An organisation: supplier, manufacturer, carrier, customer, recycler."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Location(Base):
    """A site or sub-location (warehouse, line, shop), optionally run by a party.

    ``site`` .. ``ssd`` are CBV 2.0's location names (site GLN, sub-site type, attribute,
    detail and description).
    """

    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    street_address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(50))
    state: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    site: Mapped[str | None] = mapped_column(String(200))
    sst: Mapped[str | None] = mapped_column(String(200))
    ssa: Mapped[str | None] = mapped_column(String(200))
    sdt: Mapped[str | None] = mapped_column(String(200))
    ssd: Mapped[str | None] = mapped_column(String(500))


class MasterDataVersion(Base):
    """One description of a vocabulary element, current from ``valid_from`` until ``valid_to``.

    ``attributes`` is the list of ``{"id", "value"}`` in document order (``"xml": true`` when
    the value is XML content, kept as its XML text); ``children`` the canonical identifiers
    of the element's children. A later, different description of the same (node, vtype)
    closes this one; an identical one changes nothing.
    """

    __tablename__ = "masterdata_versions"
    __table_args__ = (
        Index("ix_masterdata_versions_node_id_vtype_valid_from", "node_id", "vtype", "valid_from"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_interval"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"))
    vtype: Mapped[str] = mapped_column(String(512))
    valid_from: Mapped[datetime] = mapped_column(DateTime)
    valid_to: Mapped[datetime | None] = mapped_column(DateTime)
    capture_id: Mapped[str | None] = mapped_column(ForeignKey("captures.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    attributes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    children: Mapped[list[str]] = mapped_column(JSON)
