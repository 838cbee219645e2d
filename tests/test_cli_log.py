"""The CLI as a person runs it: capture files, audit verify, rebuild --check, query and export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cradletrace.cli import main
from cradletrace.db import create_db_engine

UNIT = "https://id.gs1.org/01/09506000134352/21/"


def doc(*events) -> bytes:
    return orjson.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                         "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
                         "epcisBody": {"eventList": list(events)}})


def ev(epc: str, step: str, day: int = 1, **extra):
    return {"type": "ObjectEvent", "action": "ADD" if step == "commissioning" else "OBSERVE", "epcList": [epc],
            "bizStep": step, "eventTime": f"2025-01-{day:02d}T10:00:00Z", "eventTimeZoneOffset": "+00:00", **extra}


@pytest.fixture
def db(backend: str, make_database: Callable[..., str]) -> str:
    return make_database(backend)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_capture_summary_duplicates_and_rejections(db: str, tmp_path: Path) -> None:
    good = tmp_path / "good.jsonld"
    good.write_bytes(doc(ev(UNIT + "1", "commissioning"), ev(UNIT + "1", "shipping", 2)))
    bad = tmp_path / "bad.jsonld"
    bad.write_bytes(doc(ev(UNIT + "2", "commissioning"), {**ev(UNIT + "2", "shipping"), "action": "FLY"}))
    code, out = run("capture", str(good), str(bad), "--database", db)
    assert code == 1
    assert "good.jsonld: 2 events, captured 2, duplicates 0" in out
    assert f"error: {bad}: rejected, nothing written (1 fault): event 1, action: 'FLY'" in out
    assert "total: captured 2 events, 0 duplicates, 1 of 2 files rejected" in out
    code, out = run("capture", str(good), "--database", db)
    assert code == 0 and "captured 0, duplicates 2" in out


def test_dry_run_and_json_format(db: str, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonld"
    path.write_bytes(doc(ev(UNIT + "5", "commissioning")))
    code, out = run("capture", "--dry-run", "--format", "json", str(path), "--database", db)
    assert code == 0
    assert orjson.loads(out)["files"][0]["captured"] == 1
    code, out = run("audit", "verify", "--database", db)
    assert out.strip() == "OK: 0 events, chain intact"


def test_audit_verify_names_the_tampered_row(db: str, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonld"
    path.write_bytes(doc(*(ev(UNIT + str(i), "commissioning", i + 1) for i in range(4))))
    assert run("capture", str(path), "--database", db)[0] == 0
    assert run("audit", "verify", "--database", db) == (0, "OK: 4 events, chain intact\n")
    engine = create_db_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE events SET payload = replace(payload, 'commissioning', 'shipping') WHERE id = 2"))
    engine.dispose()
    code, out = run("audit", "verify", "--database", db)
    assert code == 1 and out.startswith("BROKEN at log entry 2 (eventID ni:///sha-256;")


def test_rebuild_and_check(db: str, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonld"
    path.write_bytes(doc(ev(UNIT + "1", "commissioning"), ev(UNIT + "1", "shipping", 2, disposition="in_transit")))
    run("capture", str(path), "--database", db)
    assert run("rebuild", "--check", "--database", db) == (0, "OK: the projections equal a rebuild from the log\n")
    engine = create_db_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE unit_states SET disposition = 'stolen'"))
    engine.dispose()
    code, out = run("rebuild", "--check", "--database", db)
    assert code == 1 and out.startswith("unit_states: 1 rows only in the database")
    assert run("rebuild", "--database", db) == (0, "rebuilt the projections from 2 events\n")
    assert run("rebuild", "--check", "--database", db)[0] == 0


def test_query_and_export(db: str, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonld"
    path.write_bytes(doc(ev(UNIT + "1", "commissioning"), ev(UNIT + "1", "shipping", 2), ev(UNIT + "2", "shipping", 3)))
    run("capture", str(path), "--database", db)
    code, out = run("query", "--biz-step", "shipping", "--epc", "urn:epc:id:sgtin:9506000.013435.1",
                    "--format", "json", "--database", db)
    assert code == 0 and [e["epcList"] for e in orjson.loads(out)["events"]] == [[UNIT + "1"]]
    code, out = run("query", "-q", "EQ_bizStep=shipping|commissioning", "--per-page", "2", "--database", db)
    assert code == 0 and "next page: --page-token" in out
    for fmt in ("jsonld", "xml"):
        target = tmp_path / f"out.{fmt}"
        code, out = run("export", "-q", "EQ_bizStep=shipping", "--format", fmt, "-o", str(target), "--database", db)
        assert code == 0 and out.strip() == f"wrote 2 events to {target} ({fmt})"
        assert target.stat().st_size > 0
    code, out = run("query", "-q", "EQ_nonsense=1", "--database", db)
    assert code == 1 and out.startswith("error: query parameter EQ_nonsense:")


def test_audit_verify_names_an_edited_column_unless_told_chain_only(db: str, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonld"
    path.write_bytes(doc(*(ev(UNIT + str(i), "shipping", i + 1) for i in range(3))))
    assert run("capture", str(path), "--database", db)[0] == 0
    assert run("audit", "verify", "--database", db) == (0, "OK: 3 events, chain intact\n")
    engine = create_db_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE events SET biz_step = 'receiving' WHERE id = 2"))
    engine.dispose()
    assert run("audit", "verify", "--chain-only", "--database", db)[0] == 0  # the chain alone holds
    for flags in ((), ("--deep",)):
        code, out = run("audit", "verify", *flags, "--database", db)
        assert code == 1 and out.startswith("BROKEN at log entry 2 (eventID ni:///sha-256;"), out
        assert out.rstrip().endswith("column biz_step is 'receiving' but the payload says 'shipping'"), out
    code, out = run("audit", "verify", "--deep", "--format", "json", "--database", db)
    assert code == 1 and orjson.loads(out)["column"] == "biz_step"


def test_rebuild_refuses_a_log_that_does_not_verify_unless_forced(db: str, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonld"
    path.write_bytes(doc(ev(UNIT + "1", "commissioning"), ev(UNIT + "1", "shipping", 2)))
    run("capture", str(path), "--database", db)
    engine = create_db_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE events SET event_time = event_time WHERE id = 2"))  # no change: still intact
    assert run("rebuild", "--database", db) == (0, "rebuilt the projections from 2 events\n")
    with engine.begin() as conn:
        conn.execute(text("UPDATE events SET biz_step = 'receiving' WHERE id = 2"))
        conn.execute(text("DELETE FROM unit_states"))
    code, out = run("rebuild", "--database", db)
    assert code == 1 and out.startswith("error: the log does not verify: BROKEN at log entry 2 (eventID "), out
    assert "column biz_step is 'receiving'" in out and out.rstrip().endswith("(--force rebuilds anyway)")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM unit_states")) == 0, "a refused rebuild changes nothing"
    result = CliRunner().invoke(main, ["rebuild", "--force", "--database", db])
    assert result.exit_code == 0 and result.stdout == "rebuilt the projections from 2 events\n"
    assert result.stderr == "warning: --force: rebuilding without verifying the log first\n"
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM unit_states")) == 1
    engine.dispose()


def test_capture_rejects_a_file_that_reuses_an_event_id_for_other_content(db: str, tmp_path: Path) -> None:
    event_id = "urn:uuid:5b0e1c3a-8f7d-4e21-9c6b-0a1d2e3f4a5b"
    first, second = tmp_path / "first.jsonld", tmp_path / "second.jsonld"
    first.write_bytes(doc(ev(UNIT + "1", "shipping", eventID=event_id)))
    second.write_bytes(doc(ev(UNIT + "2", "commissioning"), ev(UNIT + "1", "receiving", eventID=event_id)))
    code, out = run("capture", str(first), str(second), "--database", db)
    assert code == 1 and "second.jsonld: rejected, nothing written (1 fault): event 1, eventID: " in out
    assert f"event 1, eventID: eventID '{event_id}' is already log entry 1 (capture " in out
    assert "fields that differ: bizStep" in out
    assert "total: captured 1 events, 0 duplicates, 1 of 2 files rejected" in out
    assert run("capture", str(first), "--database", db) == (
        0, "first.jsonld: 1 events, captured 0, duplicates 1\ntotal: captured 0 events, 1 duplicates, 0 of 1 files rejected\n")


def test_a_rejected_capture_is_one_error_line_with_its_faults_beneath(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonld"
    bad.write_bytes(doc(ev(UNIT + "2", "commissioning"),
                        {**ev(UNIT + "2", "shipping"), "action": "FLY", "eventTime": "soon"}))
    result = CliRunner().invoke(main, ["capture", str(bad), "--database", db])
    assert result.exit_code == 1 and "Traceback" not in result.output
    first, *faults = result.stderr.splitlines()
    assert first.startswith(f"error: {bad}: rejected, nothing written (2 faults): event 1, action: 'FLY'")
    assert [f.split(":")[0] for f in faults] == ["  event 1, action", "  event 1, eventTime"]
    assert result.stdout == "total: captured 0 events, 0 duplicates, 1 of 1 files rejected\n"


def test_capture_json_lists_faults_as_data_and_duplicate_ids(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonld"
    bad.write_bytes(doc(ev(UNIT + "2", "commissioning"), {**ev(UNIT + "2", "shipping"), "action": "FLY"}))
    code, out = run("capture", "--format", "json", str(bad), "--database", db)
    (rejected,) = orjson.loads(out)["files"]
    assert code == 1 and rejected["rejected"] is True
    assert rejected["errors"] == [{"index": 1, "field": "action", "where": "event[1].action",
                                   "reason": "'FLY' is not an action: use ADD, OBSERVE or DELETE"}]
    truncated = tmp_path / "truncated.jsonld"
    truncated.write_bytes(doc(ev(UNIT + "2", "commissioning"))[:-30])
    code, out = run("capture", "--format", "json", str(truncated), "--database", db)
    (error,) = orjson.loads(out)["files"][0]["errors"]
    assert code == 1 and error["index"] is None and error["where"].startswith("truncated.jsonld")
    good = tmp_path / "good.jsonld"
    good.write_bytes(doc(ev(UNIT + "1", "commissioning"), ev(UNIT + "1", "shipping", 2)))
    first = orjson.loads(run("capture", "--format", "json", str(good), "--database", db)[1])["files"][0]
    again = orjson.loads(run("capture", "--format", "json", str(good), "--database", db)[1])["files"][0]
    assert first["duplicate_ids"] == [] and first["captured"] == 2
    assert again["captured"] == 0 and again["duplicates"] == 2 and len(again["duplicate_ids"]) == 2
    assert all(i.startswith("ni:///sha-256;") for i in again["duplicate_ids"])


def test_a_re_send_is_recorded_as_a_capture_of_duplicates(db: str, tmp_path: Path) -> None:
    """Intended (README): the capture record of a re-send is audit evidence of what arrived; no event is added."""
    good = tmp_path / "good.jsonld"
    good.write_bytes(doc(ev(UNIT + "1", "commissioning")))
    run("capture", str(good), "--database", db)
    run("capture", str(good), "--database", db)
    engine = create_db_engine(db)
    with engine.connect() as conn:
        captures = conn.execute(text("SELECT event_count, duplicate_count FROM captures ORDER BY created_at")).all()
        events = conn.execute(text("SELECT count(*) FROM events")).scalar()
    engine.dispose()
    assert [tuple(c) for c in captures] == [(1, 0), (0, 1)] and events == 1


def test_capture_reads_standard_input_json_and_xml(db: str) -> None:
    result = CliRunner().invoke(main, ["capture", "-", "--database", db], input=doc(ev(UNIT + "7", "commissioning")))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "stdin: 1 events, captured 1, duplicates 0"
    exported = CliRunner().invoke(main, ["export", "--format", "xml", "-o", "-", "--database", db])
    assert exported.exit_code == 0 and exported.stdout_bytes.startswith(b"<?xml")
    result = CliRunner().invoke(main, ["capture", "-", "--database", db], input=exported.stdout_bytes)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "stdin: 1 events, captured 0, duplicates 1"


def test_empty_results_say_so(db: str) -> None:
    assert run("query", "--biz-step", "shipping", "--database", db) == (0, "no events match\n")
    code, out = run("query", "--biz-step", "shipping", "--format", "json", "--database", db)
    assert code == 0 and orjson.loads(out) == {"events": [], "nextPageToken": None}
    assert run("history", UNIT + "404", "--database", db)[0] == 1  # an unknown unit is an error, not empty


def test_rebuild_and_check_as_json(db: str, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonld"
    path.write_bytes(doc(ev(UNIT + "1", "commissioning"), ev(UNIT + "1", "shipping", 2, disposition="in_transit")))
    run("capture", str(path), "--database", db)
    code, out = run("rebuild", "--check", "--format", "json", "--database", db)
    assert code == 0 and orjson.loads(out) == {"ok": True, "differences": []}
    engine = create_db_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE unit_states SET disposition = 'stolen'"))
    engine.dispose()
    code, out = run("rebuild", "--check", "--format", "json", "--database", db)
    report = orjson.loads(out)
    assert code == 1 and report["ok"] is False
    (difference,) = report["differences"]
    assert difference["table"] == "unit_states" and len(difference["only_stored"]) == 1
    assert "stolen" in difference["only_stored"][0]
    code, out = run("rebuild", "--format", "json", "--database", db)
    assert code == 0 and orjson.loads(out) == {"rebuilt": True, "events": 2}
    code, out = run("audit", "verify", "--format", "json", "--database", db)
    assert code == 0 and orjson.loads(out)["ok"] is True and orjson.loads(out)["checked"] == 2
