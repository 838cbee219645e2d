"""Declarative base with a naming convention, and the enum column helper.

Every constraint gets a predictable name, so migrations can refer to it on both
SQLite and PostgreSQL. Enums are stored by value (``"ObjectEvent"``, not the
Python member name) as VARCHAR with a CHECK constraint, never as a native type.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import BigInteger, Enum, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; its metadata carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_column(enum_cls: type[enum.Enum], name: str, **kwargs: Any) -> Enum:
    """A VARCHAR + CHECK column type that stores ``enum_cls`` members by value."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        **kwargs,
    )


# SQLite only aliases the rowid for a column declared exactly INTEGER PRIMARY KEY,
# so 64-bit keys are BIGINT on PostgreSQL and INTEGER on SQLite (also 64-bit).
BigIntKey = BigInteger().with_variant(Integer(), "sqlite")
