"""Nodes: every identifier the log has seen (units, lots, products, containers, places, parties, documents).

A node is the integer handle of one canonical identifier; events, edges and
projections refer to nodes, so the lineage tables stay narrow and their
indexes small.
"""

from __future__ import annotations

import enum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey, enum_column


class NodeKind(enum.Enum):
    """What an identifier denotes in the lineage graph."""

    UNIT = "unit"
    LOT = "lot"
    PRODUCT = "product"
    LOGISTIC_UNIT = "logistic_unit"
    LOCATION = "location"
    PARTY = "party"
    DOCUMENT = "document"
    OTHER = "other"


class Node(Base):
    """One canonical identifier (a GS1 Digital Link key URI, or any other URI)."""

    __tablename__ = "nodes"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(512), unique=True)
    kind: Mapped[NodeKind] = mapped_column(enum_column(NodeKind, "node_kind"), index=True)
