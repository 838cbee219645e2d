"""Lineage edges, written by capture; each points at the event that created it.

``input_of`` (input -> output of a TransformationEvent), ``part_of`` (child ->
parent, open from ``valid_from`` until a DELETE closes it at ``valid_to``),
``documented_by`` (object -> business document) and ``follows`` (document ->
document, written by commerce services) and ``child_of`` (a sub-location -> its parent, or any
vocabulary element -> its parent, from master data's ``children``; written by master-data capture,
open until a later description of the parent no longer lists the child). The two composite indexes serve the
upstream (by ``dst``) and downstream (by ``src``) steps of the recursive queries.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey, enum_column


class EdgeKind(enum.Enum):
    """The kinds of lineage edge (DESIGN, lineage model)."""

    INPUT_OF = "input_of"
    PART_OF = "part_of"
    DOCUMENTED_BY = "documented_by"
    FOLLOWS = "follows"
    CHILD_OF = "child_of"


class Edge(Base):
    """One lineage edge ``src -> dst``."""

    __tablename__ = "edges"
    __table_args__ = (
        Index("ix_edges_dst_src_valid", "dst", "src", "valid_from", "valid_to"),
        Index("ix_edges_src_dst", "src", "dst"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    kind: Mapped[EdgeKind] = mapped_column(enum_column(EdgeKind, "edge_kind"))
    src: Mapped[int] = mapped_column(ForeignKey("nodes.id"))
    dst: Mapped[int] = mapped_column(ForeignKey("nodes.id"))
    valid_from: Mapped[datetime | None] = mapped_column(DateTime)
    valid_to: Mapped[datetime | None] = mapped_column(DateTime)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    quantity: Mapped[float | None] = mapped_column(Float)
    uom: Mapped[str | None] = mapped_column(String(10))
    mass_kg: Mapped[float | None] = mapped_column(Float)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
