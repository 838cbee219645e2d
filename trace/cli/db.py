"""``cradletrace db``: create and migrate the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from alembic.util import CommandError

from cradletrace import migrate
from cradletrace.cli.options import database_option, require_database, resolve_url
from cradletrace.errors import InvalidInput


@click.group("db")
def db_group() -> None:
    """Create and migrate the database."""


@db_group.command("upgrade")
@database_option
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def upgrade_command(database: str | None, revision: str) -> None:
    """Migrate the database up to REVISION (creating it if it is a new SQLite file)."""
    url = resolve_url(database)
    with _revision_errors():
        migrate.upgrade(url, revision)
    click.echo(f"database at {_safe(url)} is at revision {revision}")


@db_group.command("downgrade")
@database_option
@click.option("--revision", required=True, help="Target revision ('base' removes every table).")
def downgrade_command(database: str | None, revision: str) -> None:
    """Migrate the database down to REVISION."""
    url = resolve_url(database)
    require_database(url)  # only upgrade creates a database
    with _revision_errors():
        migrate.downgrade(url, revision)
    click.echo(f"database at {_safe(url)} is at revision {revision}")


@contextmanager
def _revision_errors() -> Iterator[None]:
    """Alembic's own errors (an unknown revision) are the user's: one ``error:`` line, not a traceback."""
    try:
        yield
    except CommandError as exc:
        message = str(exc)
        raise InvalidInput(message[:1].lower() + message[1:], where="--revision") from None


def _safe(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
