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
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cradletrace import migrate
from cradletrace.db import create_db_engine, normalize_url

POSTGRES_URL = os.environ.get("CRADLETRACE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
REPO = Path(__file__).resolve().parents[1]


def _conformance_dir() -> Path:
    """GS1's conformance data: $CRADLETRACE_CONFORMANCE_DIR, else ../shared/conformance beside the
    checkout, else the workplace's copy (a clone made elsewhere, such as CI's, has no sibling)."""
    if os.environ.get("CRADLETRACE_CONFORMANCE_DIR"):
        return Path(os.environ["CRADLETRACE_CONFORMANCE_DIR"])
    candidates = [REPO.parent / "shared" / "conformance", Path("/work/shared/conformance")]
    return next((c for c in candidates if c.is_dir()), candidates[0])


CONFORMANCE = _conformance_dir()
# Helper modules beside the tests (lifecycle_support, lineage_world) import by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))
# Test modules read the folder from the environment (they cannot import conftest); set it
# before they are collected, here and in every xdist worker.
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
    """The folder of GS1 conformance data (../shared/conformance)."""
    if not CONFORMANCE.is_dir():
        pytest.fail(f"conformance data not found at {CONFORMANCE} (set CRADLETRACE_CONFORMANCE_DIR)")
    return CONFORMANCE
