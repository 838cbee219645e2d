"""Running the Alembic migrations from code: the CLI's ``db upgrade`` and the tests use this.

The migrations ship inside the package (``cradletrace.migrations``), so an
installed ``cradletrace`` migrates a database from any directory.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

import cradletrace.migrations

MIGRATIONS_DIR = Path(cradletrace.migrations.__file__).resolve().parent


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic configuration for ``url``, or for an open ``connection`` (used as is, not committed).

    Examples
    --------
    >>> cfg = alembic_config("sqlite:///x.db")
    >>> cfg.get_main_option("sqlalchemy.url")
    'sqlite:///x.db'
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str | None = None, revision: str = "head", *, connection: Connection | None = None) -> None:
    """Migrate the database at ``url`` (or on ``connection``) up to ``revision``."""
    command.upgrade(alembic_config(url, connection), revision)


def downgrade(url: str | None = None, revision: str = "base", *, connection: Connection | None = None) -> None:
    """Migrate the database at ``url`` (or on ``connection``) down to ``revision``."""
    command.downgrade(alembic_config(url, connection), revision)


def heads() -> list[str]:
    """The head revisions of the migration scripts (exactly one when the history is linear).

    Examples
    --------
    >>> len(heads())
    1
    """
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())
