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


def test_0010_downgrade_sums_repeated_applications(backend: str, make_database: Callable[..., str]) -> None:
    """Cash applied in steps is one row a step from 0010 on; going back to 0009 (one row per payment and invoice)
    sums them into the earliest row, so no amount is lost, and the constraint comes back."""
    from datetime import datetime, timezone
    from decimal import Decimal

    from sqlalchemy.orm import Session

    import commerce_world as world
    from cradletrace import commerce

    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        world.build(session)
        # INV-000002: 120.00, PAY1 applied 60.00 of it; PAY9 pays 30.00 of the rest in two steps, 20.00 then 10.00.
        commerce.receive_payment(session, "PAY9", party=world.CUSTOMER_A, amount="30.00", currency="EUR",
                                 applications={"INV-000002": "20.00"}, when=datetime(2026, 3, 20, tzinfo=timezone.utc))
        commerce.apply_payment(session, "PAY9", "INV-000002", "10.00", when=datetime(2026, 3, 21, tzinfo=timezone.utc))
        session.commit()
    engine.dispose()
    query = text("SELECT a.amount FROM commerce_applications a JOIN commerce_documents d ON d.id = a.source_id "
                 "WHERE d.number = 'PAY9' ORDER BY a.id")
    with engine.connect() as conn:
        assert [Decimal(str(a)) for (a,) in conn.execute(query)] == [Decimal("20.00"), Decimal("10.00")]
    migrate.downgrade(url, "0009")
    engine.dispose()
    with engine.connect() as conn:
        assert [Decimal(str(a)) for (a,) in conn.execute(query)] == [Decimal("30.00")]
    assert any(u["column_names"] == ["source_id", "invoice_id"]
               for u in inspect(engine).get_unique_constraints("commerce_applications"))
    engine.dispose()
    migrate.upgrade(url, "head")
    engine.dispose()
