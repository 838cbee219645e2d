"""The benchmarks cannot rot: ``scripts/bench/run --quick`` runs end to end on every backend.

It asserts that the run succeeds and that every figure is reported with its floor, ratio and
goal; it never asserts a time (goals are for BENCHMARKS.md, not for a shared test machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("CRADLETRACE_TEST_POSTGRES_URL")
RUN = REPO / "scripts" / "bench" / "run"
REQUIRED = ("name", "database", "size", "value", "unit", "floor", "ratio", "goal", "met")
CAPTURE = [
    "capture.jsonld", "capture.xml", "capture.cost_per_event.flat", "capture.cost_per_event.nested",
    "capture.cost_flatness.flat", "capture.cost_flatness.nested", "capture.statements_per_1000.flat",
    "capture.statements_bounded.flat", "capture.bytes_per_event", "capture.peak_rss", "capture.concurrent",
    "capture.concurrent.integrity", "audit.verify", "rebuild",
]
LINEAGE = [
    "lineage.upstream.now.p50", "lineage.upstream.now.p95", "lineage.upstream.now.orm_speedup",
    "lineage.upstream.now.statements", "lineage.upstream.past.p50", "lineage.upstream.past.p95",
    "lineage.upstream.past.orm_speedup", "lineage.where_used.component_lot.p50", "lineage.where_used.raw_lot.p50",
    "lineage.where_used.raw_lot.orm_speedup", "lineage.where_used.raw_lot.statements", "lineage.recall.raw_lot",
    "lineage.recall_csv.raw_lot", "lineage.growth.upstream.now.p95",
]
LABELS = ["labels.pdf", "labels.png", "labels.zpl"]
SQLITE_ONLY = ["sqlite.plan.analyze", "sqlite.plan.optimize"]


def _run_quick(tmp_path: Path, *extra: str) -> list[dict]:
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "CRADLETRACE_DATABASE_URL"}
    env["CRADLETRACE_PYTHON"] = sys.executable  # this interpreter is ready: scripts/venv.sh installs nothing
    proc = subprocess.run(
        [str(RUN), "--quick", "--out", str(out), "--cache", str(tmp_path / "cache"), *extra],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines() if line.strip()]
    assert lines, "no figures written"
    meta = json.loads((out / "meta.json").read_text())
    assert meta["machine"]["python"] and meta["date"] and meta["failures"] == []
    assert "figure" in proc.stdout  # the table was printed
    return lines


def _check(lines: list[dict], database: str, names: list[str]) -> None:
    for line in lines:
        for key in REQUIRED:
            assert key in line, f"{line.get('name')} has no {key!r}"
        assert line["met"] in (True, False, None)
        assert isinstance(line["goal"], (str, type(None)))
    seen = {line["name"] for line in lines if line["database"] == database}
    missing = [name for name in names if name not in seen]
    assert not missing, f"figures missing on {database}: {missing}"
    if database == "-":
        return
    # the integrity of concurrent capture is a correctness check, not a time
    integrity = [line for line in lines if line["name"] == "capture.concurrent.integrity" and line["database"] == database]
    assert integrity and integrity[0]["value"] == 0 and integrity[0]["extra"]["chain_ok"]


def test_bench_quick_sqlite(tmp_path: Path) -> None:
    lines = _run_quick(tmp_path)
    _check(lines, "sqlite", CAPTURE + LINEAGE + SQLITE_ONLY)
    _check(lines, "-", ["eventhash.throughput", *LABELS])  # no database: measured once per run
    (hashing,) = [line for line in lines if line["name"] == "eventhash.throughput"]
    assert 0 < hashing["ratio"] < 1 and hashing["floor_name"].startswith("hashlib")  # hashing is part of the work


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="CRADLETRACE_TEST_POSTGRES_URL is not set")
def test_bench_quick_postgresql(tmp_path: Path) -> None:
    lines = _run_quick(tmp_path, "--database", POSTGRES_URL, "--only", "postgresql")
    _check(lines, "postgresql", CAPTURE + LINEAGE)


def test_bench_is_not_a_package() -> None:
    # scripts/bench is run by path; no package files that would shadow or be collected by accident
    assert not (REPO / "scripts" / "__init__.py").exists()
    assert os.access(RUN, os.X_OK)


def _bench_modules() -> None:
    bench = str(REPO / "scripts" / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)


@pytest.mark.parametrize("statistics", ["ANALYZE", "PRAGMA optimize"])
def test_sqlite_lineage_plan_survives_statistics(tmp_path: Path, statistics: str, count_statements) -> None:
    """cradletrace.lineage's statements keep their index plans on SQLite once statistics exist.

    DESIGN (performance notes): with ``sqlite_stat1`` rows for ``edges``, SQLite 3.40 can plan the
    recursive step with a Bloom filter built from the whole edge table, ~500x slower. The test
    records the statements ``upstream`` and ``downstream`` send, runs them on one connection,
    writes statistics (``ANALYZE``, or ``PRAGMA optimize`` after those queries), and explains them.
    """
    import sqlite3

    from cradletrace import lineage
    from cradletrace.db import create_db_engine, make_session_factory

    _bench_modules()
    from common import Backend
    from graphgen import world_database

    url, info = world_database(Backend("sqlite", tmp_path), tmp_path / "cache", 1_500, 7)
    engine = create_db_engine(url)
    with make_session_factory(engine)() as session, count_statements(engine) as sent:
        lineage.upstream(session, info.unit_ids[0])
        lineage.upstream(session, info.unit_ids[0], as_of=datetime(2023, 1, 3))
        lineage.downstream(session, info.component_lot)
        lineage.recall(session, info.raw_lot)
    engine.dispose()
    recorded = [(s.statement, s.parameters) for s in sent if "RECURSIVE" in s.statement]
    assert len(recorded) == 4
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        for statement, parameters in recorded:  # the queries this connection has seen (what optimize looks at)
            conn.execute(statement, parameters).fetchall()
        conn.execute(statistics)
        conn.commit()
        if statistics == "ANALYZE":
            assert conn.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'edges'").fetchone()[0]
        for statement, parameters in recorded:
            plan = " | ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "USING INDEX ix_edges_dst_src_valid" in plan or "USING INDEX ix_edges_src_dst" in plan, plan
            assert "SCAN e " not in plan + " " and "BLOOM" not in plan, plan
    finally:
        conn.close()
