"""Configurable products: option groups, options and the bill of materials each puts in, rules between
options, the variant GTINs configurations resolve to, and saved configurations (as sold).

A configurable product (:class:`ConfigModel`) has option groups (capacity, cell chemistry, housing
colour, connector), each with options; an option adds component products and quantities to the bill
of materials (:class:`ConfigComponent`; a component without an option is in every configuration).
Rules (:class:`ConfigRule`) say that one option requires or excludes another. A variant
(:class:`ConfigVariant`) is the GTIN a configuration resolves to when it holds all the variant's
options. A saved :class:`Configuration` keeps its options and a snapshot of its bill of materials,
so the as-sold composition of a unit never changes when the model is edited later; a quote or
order line carries it (``commerce_lines.configuration_id``), and so do the units allocated to it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cradletrace.models.base import Base, BigIntKey, enum_column


class ConfigModel(Base):
    """A configurable product: its code, name and the base product (GTIN) it configures."""

    __tablename__ = "config_models"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    description: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ConfigOptionGroup(Base):
    """A choice to make (capacity, chemistry ...): required or not, one option or several."""

    __tablename__ = "config_option_groups"
    __table_args__ = (UniqueConstraint("model_id", "code"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("config_models.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ConfigOption(Base):
    """One option of a group; its code is unique within the model, so rules and variants can name it."""

    __tablename__ = "config_options"
    __table_args__ = (UniqueConstraint("model_id", "code"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("config_models.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("config_option_groups.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ConfigComponent(Base):
    """A component product and quantity in the bill of materials: of an option, or (no option) of every configuration."""

    __tablename__ = "config_components"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("config_models.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("config_options.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 6))


class ConfigRuleKind(enum.Enum):
    """How a rule ties its option to the other: the other must be chosen too, or must not be."""

    REQUIRES = "requires"
    EXCLUDES = "excludes"


class ConfigRule(Base):
    """``option`` requires, or excludes, ``other_option``; ``code`` names the rule in errors."""

    __tablename__ = "config_rules"
    __table_args__ = (
        UniqueConstraint("model_id", "code"),
        CheckConstraint("option_id <> other_option_id", name="two_options"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("config_models.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[ConfigRuleKind] = mapped_column(enum_column(ConfigRuleKind, "config_rule_kind"))
    option_id: Mapped[int] = mapped_column(ForeignKey("config_options.id", ondelete="CASCADE"))
    other_option_id: Mapped[int] = mapped_column(ForeignKey("config_options.id", ondelete="CASCADE"))
    message: Mapped[str | None] = mapped_column(String(500))


class ConfigVariant(Base):
    """A variant GTIN of the model: a configuration holding all of its options resolves to it."""

    __tablename__ = "config_variants"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("config_models.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), unique=True)


class ConfigVariantOption(Base):
    """An option that a variant's configurations hold."""

    __tablename__ = "config_variant_options"

    variant_id: Mapped[int] = mapped_column(ForeignKey("config_variants.id", ondelete="CASCADE"), primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("config_options.id", ondelete="CASCADE"), primary_key=True)


class Configuration(Base):
    """A saved, valid configuration: its options, the variant it resolved to and its bill of materials then.

    ``bom`` is the snapshot ``[{"gtin": ..., "quantity": "..."}]`` (quantities as decimal strings).
    """

    __tablename__ = "configurations"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("config_models.id"), index=True)
    variant_product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    bom: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(100))


class ConfigurationOption(Base):
    """An option chosen in a configuration."""

    __tablename__ = "configuration_options"

    configuration_id: Mapped[int] = mapped_column(ForeignKey("configurations.id", ondelete="CASCADE"),
                                                  primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("config_options.id"), primary_key=True)
