"""Serialized units and lots: the identities capture projects from the log.

A row appears the first time capture sees the identifier; ``ilmd`` keeps the
instance/lot master data (ILMD) that events declared for it, merged in log
order. Both tables are projections: ``cradletrace rebuild`` recomputes them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base


class Unit(Base):
    """A serialized instance (GTIN + serial, or another instance-level GS1 key)."""

    __tablename__ = "units"

    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id", ondelete="CASCADE"), primary_key=True)
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    serial: Mapped[str | None] = mapped_column(String(80))
    ilmd: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Lot(Base):
    """A batch or lot of a trade item (GTIN + lot number): material lots and recovered-material lots."""

    __tablename__ = "lots"

    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id", ondelete="CASCADE"), primary_key=True)
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    lot_number: Mapped[str | None] = mapped_column(String(80))
    ilmd: Mapped[dict[str, Any] | None] = mapped_column(JSON)
