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
from cradletrace.lifecycle.common import sgtin
from cradletrace.lifecycle.events import object_event

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
    assert code == 2 and "nonsense" in out
