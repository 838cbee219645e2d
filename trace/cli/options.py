"""Options and helpers shared by every CLI command: ``--database``, ``--format``, sessions, JSON output."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, TypeVar

import click
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cradletrace.db import create_db_engine, make_session_factory, normalize_url
from cradletrace.errors import ConfigurationError, InvalidInput, NotFound
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


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or ``None`` for another database, an in-memory one or a ``file:`` URI.

    Examples
    --------
    >>> sqlite_file("sqlite:////srv/ct/cradletrace.db")
    PosixPath('/srv/ct/cradletrace.db')
    >>> sqlite_file("sqlite://") is None, sqlite_file("postgresql://db/ct") is None
    (True, True)
    """
    try:
        parsed = make_url(normalize_url(url))
    except Exception:
        return None  # create_db_engine names a malformed URL
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def require_database(url: str) -> None:
    """Refuse a SQLite URL whose file does not exist, before anything connects (and would create it).

    Only ``db upgrade`` creates a database; every other command works on one that exists.

    Examples
    --------
    >>> require_database("sqlite:////nonexistent/ct.db")
    Traceback (most recent call last):
    ...
    cradletrace.errors.NotFound: --database: no SQLite database at /nonexistent/ct.db (create it with `cradletrace db upgrade`)
    """
    path = sqlite_file(url)
    if path is None:
        return
    if path.is_dir():
        raise ConfigurationError(f"{path} is a folder, not a SQLite database file", where="--database")
    if not path.exists():
        raise NotFound(f"no SQLite database at {path} (create it with `cradletrace db upgrade`)", where="--database")


@contextmanager
def session_scope(database: str | None, *, commit: bool = True) -> Iterator[Session]:
    """A session for one command: committed on success, rolled back on error, always closed.

    The command owns the transaction; the core functions it calls flush and never commit.
    The database must exist already (:func:`require_database`): no command but
    ``db upgrade`` creates one, so a mistyped path is an error, not a new empty file.
    """
    url = resolve_url(database)
    require_database(url)
    engine = create_db_engine(url)
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


def require_file_name(output: Path) -> None:
    """Refuse an output that is a folder (before any work is done for it)."""
    if output.is_dir():
        raise InvalidInput(f"{output} is a folder: give a file name", where="--output")


def write_file(output: Path, data: bytes) -> None:
    """Write ``data`` to ``output``: beside it first, then moved into place, so an error leaves no partial file."""
    require_file_name(output)
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


def one_line(message: str) -> str:
    """``message`` on one line (a reason quoting a document may hold newlines).

    Examples
    --------
    >>> one_line("malformed XML:\\n  line 3")
    'malformed XML: line 3'
    """
    return " ".join(message.split())


def echo_error(message: str) -> None:
    """Print the one ``error:`` line of a user error to stderr."""
    click.echo(f"error: {one_line(message)}", err=True)


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON (datetimes in UTC with ``Z``; other odd values as text)."""
    import orjson

    click.echo(orjson.dumps(value, default=str,
                            option=orjson.OPT_INDENT_2 | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z).decode())


def progress_enabled() -> bool:
    """Show progress bars only to a person at a terminal."""
    return sys.stderr.isatty()
