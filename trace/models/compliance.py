"""Compliance records: substance and mineral declarations, RoHS exemptions, certificates.

A declaration is about one subject: a node (a lot or a unit) or a part number (a GTIN, so
every lot and unit of it inherits it; a lot's own declaration wins). ``declared_substances``
are its substances in their homogeneous materials (RoHS) and, where the supplier gives it,
their share of the whole article (REACH); ``mineral_sources`` its 3TG smelters or origins
(conflict minerals). Lots may also declare substances and certificates in their ILMD
(:mod:`cradletrace.lifecycle.materials`); :mod:`cradletrace.compliance` reads both.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey, enum_column


class DeclarationKind(enum.Enum):
    """What a declaration declares."""

    SUBSTANCES = "substances"
    MINERALS = "minerals"


class Declaration(Base):
    """A supplier's declaration about a lot, a unit or a part number, valid from ``declared_at``."""

    __tablename__ = "compliance_declarations"
    __table_args__ = (
        CheckConstraint("(node_id IS NULL) <> (gtin IS NULL)", name="one_subject"),
        CheckConstraint("article_mass_kg IS NULL OR article_mass_kg > 0", name="article_mass_positive"),
        CheckConstraint("valid_until IS NULL OR valid_until > declared_at", name="valid_after_declared"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    node_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"), index=True)
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    kind: Mapped[DeclarationKind] = mapped_column(enum_column(DeclarationKind, "declaration_kind"))
    source: Mapped[str | None] = mapped_column(String(500))
    declared_at: Mapped[datetime] = mapped_column(DateTime)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime)
    article_mass_kg: Mapped[float | None] = mapped_column(Float)
    scip_reference: Mapped[str | None] = mapped_column(String(100))


class DeclaredSubstance(Base):
    """A substance in a homogeneous material of the declared subject."""

    __tablename__ = "declared_substances"
    __table_args__ = (
        CheckConstraint("mass_fraction >= 0 AND mass_fraction <= 1", name="mass_fraction_range"),
        CheckConstraint("article_fraction IS NULL OR (article_fraction >= 0 AND article_fraction <= 1)",
                        name="article_fraction_range"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("compliance_declarations.id", ondelete="CASCADE"),
                                                index=True)
    substance: Mapped[str] = mapped_column(String(200))
    cas: Mapped[str | None] = mapped_column(String(20))
    material: Mapped[str | None] = mapped_column(String(200))
    mass_fraction: Mapped[float] = mapped_column(Float)
    article_fraction: Mapped[float | None] = mapped_column(Float)


class MineralSource(Base):
    """A 3TG metal of the declared subject with its smelter (RMI id) or country of origin, if known."""

    __tablename__ = "mineral_sources"
    __table_args__ = (CheckConstraint("metal IN ('tin', 'tantalum', 'tungsten', 'gold')", name="metal_3tg"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("compliance_declarations.id", ondelete="CASCADE"),
                                                index=True)
    metal: Mapped[str] = mapped_column(String(10))
    smelter_id: Mapped[str | None] = mapped_column(String(20))
    smelter_name: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    conformant: Mapped[bool | None] = mapped_column(Boolean)


class Exemption(Base):
    """A RoHS exemption (Annex III/IV entry such as ``7(a)``) that a product relies on, valid in a period."""

    __tablename__ = "rohs_exemptions"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from", name="valid_period"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14), index=True)
    exemption: Mapped[str] = mapped_column(String(20))
    cas: Mapped[str | None] = mapped_column(String(20))
    scope: Mapped[str | None] = mapped_column(String(1000))
    valid_from: Mapped[datetime | None] = mapped_column(DateTime)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime)


class Certificate(Base):
    """A certificate or piece of evidence (EU declaration of conformity, test report, ...) with its validity."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("(node_id IS NULL) <> (gtin IS NULL)", name="one_subject"),
        CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="valid_period"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    node_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"), index=True)
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[datetime] = mapped_column(DateTime)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    uri: Mapped[str | None] = mapped_column(String(1000))
    sha256: Mapped[str | None] = mapped_column(String(64))
