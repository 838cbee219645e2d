"""Engine and session factories for SQLite (embedded default) and PostgreSQL (psycopg 3).

SQLite gets WAL, foreign keys, a busy timeout and the pysqlite transaction fix
(the driver's own BEGIN handling breaks SAVEPOINT, so SQLAlchemy emits BEGIN
itself). PostgreSQL URLs are pointed at the psycopg 3 driver.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cradletrace.errors import ConfigurationError

SQLITE_BUSY_TIMEOUT_MS = 60_000


def normalize_url(url: str) -> str:
    """Point ``postgresql://`` and ``postgres://`` URLs at psycopg 3; leave others alone.

    Examples
    --------
    >>> normalize_url("postgresql://postgres@127.0.0.1:5432/test")
    'postgresql+psycopg://postgres@127.0.0.1:5432/test'
    >>> normalize_url("sqlite:///x.db")
    'sqlite:///x.db'
    """
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


# Every SQLite connection: foreign keys on, wait for the write lock rather than fail, WAL so
# readers never block the writer, and a page cache of up to 64 MiB (the default 2 MiB makes
# inserts into the random-keyed hash and identifier indexes read pages back from disk once
# the log outgrows it, so the cost per event grew with the database).
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA cache_size = -65536",
)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins, so that
        # SAVEPOINT and the per-test rollback work (SQLAlchemy's pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with cradletrace's connection settings.

    Parameters
    ----------
    url : str
        A SQLAlchemy URL; ``sqlite:///path`` or ``postgresql://...``.
    **kwargs
        Passed on to :func:`sqlalchemy.create_engine`.

    Examples
    --------
    >>> engine = create_db_engine("sqlite://")
    >>> with engine.connect() as conn:
    ...     conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    1
    """
    try:
        parsed = make_url(normalize_url(url))
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse text
        raise ConfigurationError(f"not a database URL: {url!r} ({exc})", where="--database") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, **kwargs)
    raise ConfigurationError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://", where="--database"
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``; callers own each transaction.

    Examples
    --------
    >>> factory = make_session_factory(create_db_engine("sqlite://"))
    >>> with factory() as session:
    ...     session.bind.dialect.name
    'sqlite'
    """
    return sessionmaker(bind=engine, expire_on_commit=False)
