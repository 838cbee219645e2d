"""The engine factory: SQLite pragmas, savepoints through pysqlite, psycopg 3 for PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from cradletrace.db import create_db_engine
from cradletrace.errors import ConfigurationError


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -65536
    assert (tmp_path / "sub" / "x.db").exists(), "the parent folder of a new SQLite file is created"
    engine.dispose()


def test_savepoint_rolls_back_only_its_part(session: Session) -> None:
    session.execute(text("INSERT INTO nodes (identifier, kind) VALUES ('urn:x:outer', 'other')"))
    savepoint = session.begin_nested()
    session.execute(text("INSERT INTO nodes (identifier, kind) VALUES ('urn:x:inner', 'other')"))
    savepoint.rollback()
    names = session.execute(text("SELECT identifier FROM nodes WHERE identifier LIKE 'urn:x:%'")).scalars().all()
    assert names == ["urn:x:outer"]


def test_enum_check_constraint_holds(session: Session) -> None:
    with pytest.raises(Exception, match="(?i)check"):
        with session.begin_nested():
            session.execute(text("INSERT INTO nodes (identifier, kind) VALUES ('urn:x:bad', 'spaceship')"))


def test_postgres_urls_use_psycopg3() -> None:
    engine = create_db_engine("postgresql://postgres@127.0.0.1:5432/test")
    assert engine.dialect.driver == "psycopg"


def test_unknown_database_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="unsupported database 'mysql'"):
        create_db_engine("mysql://x/y")
