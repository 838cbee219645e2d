"""Accounts of the web application: users, the roles they hold, their API tokens; and the counter of unknown scans.

Passwords and tokens are stored only as hashes (the web layer hashes them; the core never sees a
secret). A user may hold several roles (DESIGN, Roles); a token acts for its user, with the user's
roles, until it is revoked. Scans of identifiers that were never commissioned are counted per
identifier (one row each, however often it is scanned), never stored one row per request.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cradletrace.models.base import Base, BigIntKey, enum_column


class Role(enum.Enum):
    """What a signed-in user may do (DESIGN, Roles). Anonymous is the absence of a user, not a role."""

    WAREHOUSE = "warehouse"
    COMPLIANCE = "compliance"
    SUSTAINABILITY = "sustainability"
    SUPPLY_CHAIN = "supply_chain"
    SALES = "sales"
    SALES_MANAGER = "sales_manager"
    FINANCE = "finance"
    ADMIN = "admin"


class User(Base):
    """A person who signs in (or a program that holds one of the user's tokens)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    roles: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)


class ApiToken(Base):
    """A bearer token for the API, stored as the SHA-256 of its secret; revoked tokens stay as a record."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class UnknownScan(Base):
    """How often an identifier that was never commissioned here has been asked for (possible counterfeits)."""

    __tablename__ = "unknown_scans"
    __table_args__ = (CheckConstraint("count > 0", name="count_positive"),)

    identifier: Mapped[str] = mapped_column(String(512), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
