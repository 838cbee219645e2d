"""Migrations are the only source of the schema: one head, no drift from the models, clean round trip."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from cradletrace import migrate
from cradletrace.db import create_db_engine
from cradletrace.models import Base


def test_single_head() -> None:
    assert len(migrate.heads()) == 1


def test_models_match_migrations(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        # `alembic check` is the same comparison, as a command; run it too so its wiring is tested.
        command.check(migrate.alembic_config(connection=conn))
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(backend: str, make_database: Callable[..., str]) -> None:
    url = make_database(backend)
    engine = create_db_engine(url)
    tables_at_head = set(inspect(engine).get_table_names())
    assert {"events", "edges", "nodes", "unit_states", "log_head"} <= tables_at_head

    migrate.downgrade(url, "base")
    engine.dispose()
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    migrate.upgrade(url, "head")
    engine.dispose()
    assert set(inspect(engine).get_table_names()) == tables_at_head
    with engine.connect() as conn:
        assert conn.execute(text("SELECT last_seq, chain_hash FROM log_head")).one() == (0, "0" * 64)
    engine.dispose()
