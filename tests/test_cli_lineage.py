"""``cradletrace trace``, ``recall`` and ``history`` on a database of their own (the lineage world)."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from cradletrace.cli import main
from cradletrace.db import create_db_engine

_spec = importlib.util.spec_from_file_location("lineage_world", Path(__file__).with_name("lineage_world.py"))
lw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lw)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def database(make_database, backend: str) -> str:  # type: ignore[no-untyped-def]
    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        lw.build_product(session)
        session.commit()
    engine.dispose()
    return url


def run(database: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*args, "--database", database], catch_exceptions=False)


def test_trace_text_json_and_dot(database: str) -> None:
    text = run(database, "trace", "urn:epc:id:sgtin:9506000.013435.U1", "--up", "--as-of", "2024-06-01T00:00:00Z")
    assert text.exit_code == 0, text.output
    assert text.output.startswith(lw.U1) and lw.C2 in text.output and lw.C3 not in text.output
    data = json.loads(run(database, "trace", "U1", "--format", "json").output)
    assert data["root"] == lw.U1
    assert {(e["source"], e["target"]) for e in data["edges"]} >= {(lw.M, lw.U1), (lw.U1, lw.RL)}
    dot = run(database, "trace", "(01)09506000134352(21)U2", "--down", "--format", "dot").output
    assert dot.startswith("digraph lineage") and lw.P1 in dot


def test_recall_text_json_and_csv(database: str, tmp_path: Path) -> None:
    text = run(database, "recall", lw.RM1)
    assert text.exit_code == 0 and "6 unit(s) affected, 2 in service" in text.output
    assert "owner ACME Energy" in text.output
    rows = json.loads(run(database, "recall", lw.RM1, "--format", "json").output)
    u2 = next(r for r in rows if r["identifier"] == lw.U2)
    assert (u2["owner_name"], u2["in_service"], u2["recycled"]) == ("ACME Energy", True, False)
    out = tmp_path / "recall.csv"
    result = run(database, "recall", "urn:epc:class:lgtin:9506000.013437.RM1", "-o", str(out))
    assert result.exit_code == 0
    with out.open(newline="") as fp:
        assert len(list(csv.DictReader(fp))) == 6


def test_history(database: str) -> None:
    text = run(database, "history", lw.U1)
    assert text.exit_code == 0 and "[retracted]" in text.output and "[error declaration]" in text.output
    assert f"(part {lw.M}, {lw.C2})" in text.output
    entries = json.loads(run(database, "history", lw.U1, "--no-parts", "--format", "json").output)
    assert [e["event_id"].rsplit(";", 1)[1] for e in entries] == ["A2", "BAD", "ERR", "D1"]
    assert entries[1]["retracted"] is True


def test_unknown_identifier_is_one_line(database: str) -> None:
    for command in ("trace", "recall", "history"):
        result = CliRunner().invoke(main, [command, "urn:example:missing", "--database", database])
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [
            "error: identifier: 'urn:example:missing' is not a recorded unit, lot or other identifier"]
    bad_time = CliRunner().invoke(main, ["trace", "U1", "--as-of", "yesterday", "--database", database])
    assert bad_time.exit_code == 1 and "--as-of" in bad_time.output


def test_a_reader_that_goes_away_is_not_an_error(database: str) -> None:
    """``cradletrace recall ... | head -1`` ends quietly: no 'Broken pipe' line, status 0."""
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        proc = subprocess.run([sys.executable, "-c", "from cradletrace.cli import main; main()", "recall", lw.RM1,
                               "--database", database], stdout=write_end, stderr=subprocess.PIPE, text=True,
                              timeout=60)
    finally:
        os.close(write_end)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
