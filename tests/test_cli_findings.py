"""`cradletrace findings`: text and JSON reports of chain-of-custody findings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from cradletrace.log.capture import capture_events
from cradletrace.cli import main
from cradletrace.db import create_db_engine
from cradletrace.lifecycle.common import lgtin, sgtin
from cradletrace.lifecycle.events import object_event, quantity, transformation_event

UNIT = sgtin("09506000134352", "CLI-1")


@pytest.fixture
def db(backend: str, make_database: Callable[..., str]) -> str:
    return make_database(backend)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_no_findings(db: str) -> None:
    assert run("findings", "--database", db) == (0, "no findings\n")
    code, out = run("findings", "--format", "json", "--database", db)
    assert code == 0 and orjson.loads(out) == []


def test_findings_as_text_and_json(db: str) -> None:
    engine = create_db_engine(db)
    with Session(engine) as session:
        report = capture_events(session, [object_event("OBSERVE", [UNIT], biz_step="shipping",
                                                       when=datetime(2024, 1, 1, tzinfo=timezone.utc))])
        session.commit()
    engine.dispose()
    code, out = run("findings", "--database", db)
    assert code == 0
    assert "WARN  CC-06 shipped_not_received: 1 object shipped but never received" in out
    assert "ERROR CC-01 never_commissioned" in out and f"event {report.event_ids[0]}" in out
    assert out.rstrip().endswith("2 finding(s)")
    code, out = run("findings", "--format", "json", "--check", "never_commissioned", "--database", db)
    (finding,) = orjson.loads(out)
    assert finding["kind"] == "never_commissioned" and finding["identifiers"] == [UNIT]
    assert finding["event_ids"] == report.event_ids and finding["severity"] == "error"


def test_unknown_check_is_a_usage_error(db: str) -> None:
    code, out = run("findings", "--check", "nonsense", "--database", db)
    assert code == 1 and out.startswith("error: Invalid value for '--check': 'nonsense' is not one of")


def test_lot_overdrawn_names_its_events(db: str) -> None:
    """CC-10 names the events that registered and consumed the lot (it named none), in log order."""
    lot = lgtin("09506000134376", "L1")
    made = [sgtin("09506000134352", f"P{i}") for i in range(2)]
    when = [datetime(2024, 3, 1, 9, i, tzinfo=timezone.utc) for i in range(4)]
    engine = create_db_engine(db)
    with Session(engine) as session:
        report = capture_events(session, [
            object_event("ADD", quantities=[quantity(lot, 10, "KGM")], when=when[0], biz_step="commissioning"),
            object_event("OBSERVE", quantities=[quantity(lot, 10, "KGM")], when=when[1], biz_step="inspecting"),
            transformation_event(input_quantities=[quantity(lot, 6000, "GRM")], outputs=[made[0]], when=when[2]),
            transformation_event(input_quantities=[quantity(lot, 5, "KGM")], outputs=[made[1]], when=when[3]),
        ])
        session.commit()
    engine.dispose()
    code, out = run("findings", "--check", "lot_overdrawn", "--format", "json", "--database", db)
    (finding,) = orjson.loads(out)
    registered, _inspected, *consumed = report.event_ids
    assert finding["event_ids"] == [registered, *consumed], "the inspection neither registers nor consumes"
    code, out = run("findings", "--check", "lot_overdrawn", "--database", db)
    assert code == 0 and out.count("      event ") == 3
