"""``cradletrace passport``: the same passport and filter as the web page, on a database of its own."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

import passport_world as world
from cradletrace.cli import main
from cradletrace.db import create_db_engine


@pytest.fixture(scope="module")
def database(make_database, backend: str) -> str:  # type: ignore[no-untyped-def]
    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        world.build(session)
        session.commit()
    engine.dispose()
    return url


def run(database: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*args, "--database", database])


def test_text_json_public_and_as_of(database: str) -> None:
    text = run(database, "passport", "(01)09506000134352(21)P1")
    assert text.exit_code == 0, text.output
    assert text.output.startswith(world.P1) and "Fleet Co" in text.output and "Components" in text.output
    public = run(database, "passport", "P1", "--public", "--format", "json")
    body = json.loads(public.output)
    assert body["viewer"]["public"] and "Fleet Co" not in public.output and "INV-7781" not in public.output
    before = json.loads(run(database, "passport", world.P1, "--as-of", world.BEFORE_SWAP, "--format", "json").output)
    composition = next(s for s in before["sections"] if s["name"] == "composition")
    assert [p["identifier"] for p in composition["data"]["parts"]] == [world.B1]
    warehouse = run(database, "passport", world.P1, "--role", "warehouse")
    assert "Depot Quai 3" in warehouse.output and "Fleet Co" not in warehouse.output


def test_errors_are_one_line(database: str) -> None:
    missing = run(database, "passport", "https://id.gs1.org/01/09506000134413/21/NONE")
    assert missing.exit_code == 1 and missing.output.startswith("error:") and missing.output.count("\n") == 1
    bad_date = run(database, "passport", world.P1, "--as-of", "soon")
    assert bad_date.exit_code == 1 and "as_of" in bad_date.output
