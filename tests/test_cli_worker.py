"""``cradletrace worker``: --once runs what waits, text and JSON output, SIGTERM stops a running worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cradletrace.cli import main
from cradletrace.db import create_db_engine, make_session_factory
from cradletrace.log import jobs
from cradletrace.models import CaptureJob, Event, JobStatus
from test_log_jobs import document, event


@pytest.fixture
def db(backend: str, make_database: Callable[..., str]) -> str:
    return make_database(backend)


def enqueue(url: str, *docs: bytes) -> list[str]:
    engine = create_db_engine(url)
    with make_session_factory(engine)() as s, s.begin():
        ids = [jobs.enqueue(s, d).id for d in docs]
    engine.dispose()
    return ids


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_once_runs_the_waiting_jobs_and_says_what_happened(db: str) -> None:
    good, bad = enqueue(db, document(event("1")), document(event("2", action="FLY")))
    code, out = run("worker", "--once", "--database", db)
    assert code == 0
    assert f"{good}: captured 1, duplicates 0" in out
    assert f"{bad}: failed 0, duplicates 0: event 0, action:" in out
    code, out = run("worker", "--once", "--database", db)
    assert code == 0 and "no capture jobs waiting" in out


def test_json_format(db: str) -> None:
    [job] = enqueue(db, document(event("1")))
    code, out = run("worker", "--once", "--format", "json", "--worker-id", "cli-test", "--database", db)
    data = orjson.loads(out)
    assert code == 0 and data["ran"] == 1 and data["failed"] == 0
    assert data["jobs"][0]["captureID"] == job and data["jobs"][0]["success"] is True
    engine = create_db_engine(db)
    with make_session_factory(engine)() as s:
        assert s.get(CaptureJob, job).worker_id == "cli-test"
    engine.dispose()


def test_worker_refuses_a_missing_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out = run("worker", "--once", "--database", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 1 and "error: --database: no SQLite database at" in out


def test_sigterm_stops_a_polling_worker_which_has_run_the_jobs(db: str) -> None:
    enqueue(db, document(event("1")), document(event("2")))
    process = subprocess.Popen([sys.executable, "-c", "from cradletrace.cli import main; main()", "worker", "--poll-interval", "0.1",
                                "--database", db], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONWARNINGS": "ignore"})
    engine = create_db_engine(db)
    try:
        deadline = time.monotonic() + 60
        with make_session_factory(engine)() as s:
            while time.monotonic() < deadline:
                if s.scalar(select(func.count()).select_from(CaptureJob).where(CaptureJob.status == JobStatus.SUCCESS)) == 2:
                    break
                s.rollback()
                time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err.decode()
    assert out.decode().count("captured 1") == 2
    with make_session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 2
    engine.dispose()
