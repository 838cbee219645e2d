"""Options and helpers shared by every CLI command: ``--database``, ``--format``, sessions, one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable, TypeVar

import click
from sqlalchemy.orm import Session

from cradletrace.db import create_db_engine, make_session_factory
from cradletrace.settings import load_settings

F = TypeVar("F", bound=Callable[..., Any])


def database_option(func: F) -> F:
    """``--database URL``: defaults to CRADLETRACE_DATABASE_URL, else the instance SQLite file."""
    return click.option(
        "--database",
        "database",
        metavar="URL",
        default=None,
        help="Database URL (default: $CRADLETRACE_DATABASE_URL, else the SQLite file in the instance folder).",
    )(func)


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    """``--format``: how to print data (text for people, json for programs, ...)."""

    def decorate(func: F) -> F:
        return click.option(
            "--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
            help="Output format.",
        )(func)

    return decorate


def resolve_url(database: str | None) -> str:
    """The database URL a command works on."""
    return database or load_settings().database_url


@contextmanager
def session_scope(database: str | None, *, commit: bool = True) -> Iterator[Session]:
    """A session for one command: committed on success, rolled back on error, always closed.

    The command owns the transaction; the core functions it calls flush and never commit.
    """
    engine = create_db_engine(resolve_url(database))
    factory = make_session_factory(engine)
    try:
        with factory() as session:
            try:
                yield session
                if commit:
                    session.commit()
                else:
                    session.rollback()
            except BaseException:
                session.rollback()
                raise
    finally:
        engine.dispose()


def progress_enabled() -> bool:
    """Show progress bars only to a person at a terminal."""
    return sys.stderr.isatty()
