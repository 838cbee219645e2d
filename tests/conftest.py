"""Shared fixtures: migrated databases on SQLite and (when configured) PostgreSQL, one transaction per test.

Database tests take the ``session`` fixture, which is parametrised over the
backends: SQLite always, PostgreSQL when ``CRADLETRACE_TEST_POSTGRES_URL`` is set.
Each test runs inside a transaction that is rolled back afterwards, so tests never
see each other's rows. Tests that must commit (CLI, concurrency, migrations) ask
``make_database`` for a database of their own.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cradletrace import migrate
from cradletrace.db import create_db_engine, normalize_url

POSTGRES_URL = os.environ.get("CRADLETRACE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
REPO = Path(__file__).resolve().parents[1]


def _conformance_dir() -> Path:
    """GS1's conformance data: $CRADLETRACE_CONFORMANCE_DIR, else ../shared/conformance beside the checkout."""
    configured = os.environ.get("CRADLETRACE_CONFORMANCE_DIR")
    return Path(configured) if configured else REPO.parent / "shared" / "conformance"


CONFORMANCE = _conformance_dir()
# Helper modules beside the tests (lifecycle_support, lineage_world) import by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))
# Modules that parametrise over the rows of a conformance CSV read it at import, before any
# fixture: they take the folder from here (set before they are collected, in every xdist worker).
os.environ["CRADLETRACE_CONFORMANCE_DIR"] = str(CONFORMANCE)


class DatabaseFactory:
    """Creates empty databases (SQLite files or PostgreSQL databases) and drops them at the end."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    def __call__(self, backend: str, *, migrated: bool = True) -> str:
        name = f"ct_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            url = f"sqlite:///{self.tmp_dir / (name + '.db')}"
        else:
            admin = self._admin_engine()
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = make_url(normalize_url(POSTGRES_URL)).set(database=name).render_as_string(hide_password=False)
            self.created.append(name)
        if migrated:
            migrate.upgrade(url)
        return url

    def _admin_engine(self) -> Engine:
        return create_engine(normalize_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = self._admin_engine()
        with admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def make_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """``make_database(backend, migrated=True) -> url``: a fresh database of this test run's own."""
    factory = DatabaseFactory(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test: 'sqlite', and 'postgresql' when configured."""
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, make_database: Callable[..., str]) -> str:
    """A migrated database shared by the tests of one backend (each test rolls back)."""
    return make_database(backend)


@pytest.fixture(scope="session")
def demo_database(backend: str, make_database: Callable[..., str]) -> str:
    """A database of its own holding the small demo world (tests/demo_support.py), built once per backend."""
    from demo_support import build_demo

    return build_demo(make_database(backend))


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test.

    Code under test may flush, and may even commit (that only releases a SAVEPOINT).
    """
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def conformance() -> Path:
    """The folder of GS1 conformance data (``$CRADLETRACE_CONFORMANCE_DIR`` or ../shared/conformance)."""
    if not CONFORMANCE.is_dir():
        pytest.fail(f"conformance data not found at {CONFORMANCE} (set CRADLETRACE_CONFORMANCE_DIR, or put it "
                    "in ../shared/conformance beside the checkout)")
    return CONFORMANCE


_MISSING = "(conformance data missing)"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance_files(select=files): one test per path of files(folder), "
                                       "a list of files of the conformance data, as the conformance_file argument")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per file for a test that takes ``conformance_file``, over the files its
    ``@pytest.mark.conformance_files(select=files)`` picks: ``files(folder)``, a list of paths below it.

    The files are listed at collection, so the folder is read here; the test receives each one
    through the ``conformance`` fixture, which fails (rather than collecting nothing) when the
    data is missing.
    """
    if "conformance_file" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("conformance_files")
    if marker is None:
        raise pytest.UsageError(f"{metafunc.definition.nodeid} takes conformance_file without "
                                "@pytest.mark.conformance_files(select=...)")
    select = marker.kwargs["select"]  # a keyword: a lone positional function would be taken as the marked one
    names = [str(f.relative_to(CONFORMANCE)) for f in select(CONFORMANCE)] if CONFORMANCE.is_dir() else [_MISSING]
    metafunc.parametrize("conformance_file", names, indirect=True, ids=names)


@pytest.fixture
def conformance_file(request: pytest.FixtureRequest, conformance: Path) -> Path:
    """One file of the conformance data (see :func:`pytest_generate_tests`)."""
    return conformance / request.param


@pytest.fixture
def count_statements() -> Callable[[Session | Connection | Engine], AbstractContextManager[list[Sent]]]:
    """``with count_statements(target) as sent:``: the SQL statements ``target`` (a session, connection
    or engine) sends to the database inside the block, in order, each with its parameters.

    A PostgreSQL ``COPY`` (:mod:`cradletrace.bulk`) goes around SQLAlchemy and is not seen.
    """

    @contextmanager
    def counting(target: Session | Connection | Engine) -> Iterator[list[Sent]]:
        bind = target.connection() if isinstance(target, Session) else target
        sent: list[Sent] = []

        def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
            sent.append(Sent(statement, parameters))

        event.listen(bind, "before_cursor_execute", record)
        try:
            yield sent
        finally:
            event.remove(bind, "before_cursor_execute", record)

    return counting


class Sent(NamedTuple):
    """One statement as the driver received it."""

    statement: str
    parameters: Any
