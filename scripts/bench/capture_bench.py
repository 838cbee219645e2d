"""Capture benchmarks: ``cradletrace capture`` end to end against the raw driver, XML against JSON-LD,
cost per event by document size, statements, bytes on disk, peak RSS, 8 concurrent processes,
``audit verify`` against hashlib and ``rebuild`` against capture.

Every capture runs the real command line in its own process (``ctwrap.py`` = the console script
with a statement counter) on a fresh, migrated database, so its wall time and peak RSS are its own.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docgen
import floors
from common import HERE, PYTHON, Backend, bench_env, log, run_process
from results import Figure, Results


@dataclass
class Sizes:
    headline: int  # the 100,000-event document
    scaling: list[int]  # cost per event by size (the last is the headline size)
    concurrent: int  # events per document of the concurrent set
    processes: int = 8

    @classmethod
    def full(cls) -> "Sizes":
        return cls(headline=100_000, scaling=[1_000, 10_000, 100_000], concurrent=10_000)

    @classmethod
    def quick(cls) -> "Sizes":
        return cls(headline=1_000, scaling=[100, 300, 1_000], concurrent=150)


@dataclass
class CaptureRun:
    events: int
    captured: int
    wall: float  # whole process, interpreter start included
    seconds: float  # the command itself, after imports
    statements: int
    peak_rss: int
    url: str
    ok: bool
    output: str


def cli_capture(url: str, files: list[Path], tmp: Path) -> CaptureRun:
    """Run ``cradletrace capture FILES --database URL --format json`` in a fresh process."""
    stats = Path(tempfile.mkstemp(dir=tmp, suffix=".json")[1])
    result = run_process([PYTHON, str(HERE / "ctwrap.py"), str(stats), "capture", *map(str, files),
                          "--database", url, "--format", "json"], env=bench_env())
    data = json.loads(stats.read_text() or "{}")
    stats.unlink(missing_ok=True)
    captured = events = 0
    ok = result.returncode == 0
    try:
        report = json.loads(result.stdout)
        for f in report["files"]:
            captured += f["captured"]
            events += f["captured"] + f["duplicates"]
            ok = ok and not f["rejected"]
    except (ValueError, KeyError):
        ok = False
    if not ok:
        raise RuntimeError(f"cradletrace capture failed ({result.returncode}) on {[f.name for f in files]}: "
                           f"{result.stdout[:1500]} {result.stderr[-1500:]}")
    return CaptureRun(events, captured, result.wall, data.get("seconds", result.wall), data.get("statements", 0),
                      result.peak_rss, url, ok, result.stdout + result.stderr)


def _goal_capture(db: str) -> tuple[float, str]:
    return (0.40, "ratio >= 0.40 (< 0.25 defect)") if db == "sqlite" else (0.50, "ratio >= 0.50 (< 0.25 defect)")


def run(backend: Backend, results: Results, cache: Path, sizes: Sizes, seed: int, tmp: Path,
        only: set[str] | None = None) -> None:
    db = backend.name
    want = (lambda name: only is None or any(name.startswith(o) or o.startswith(name) for o in only))
    docs = cache / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    head = sizes.headline

    def doc(shape: str, n: int, fmt: str = "jsonld", **kw: Any) -> Path:
        start = time.perf_counter()
        path = docgen.document(cache, shape, n, seed, fmt, **kw)
        took = time.perf_counter() - start
        if took > 1:
            log(f"generated {path.name} in {took:.1f} s")
        return path

    runs: dict[tuple[str, int], CaptureRun] = {}
    keep: list[str] = []

    def capture(shape: str, n: int, fmt: str = "jsonld", keep_db: bool = False) -> CaptureRun:
        path = doc(shape, n, fmt)
        url = backend.fresh(f"cap_{shape}_{n}")
        log(f"{db}: cradletrace capture {path.name}")
        r = cli_capture(url, [path], tmp)
        if keep_db:
            keep.append(url)
        else:
            backend.drop(url)
        return r

    separate = ("capture.concurrent", "capture.shuffled")
    if only is None or any(o.startswith("capture") and not o.startswith(separate) or "capture".startswith(o)
                           for o in only):
        # Cost per event, statements and memory by size; the headline JSON-LD document is the last size.
        # The fixed cost of one capture command (engine, connection, lock, log head): a 1-event document.
        fixed = min(capture("flat", 1).seconds for _ in range(3))
        results.add(Figure("capture.fixed_cost", db, 1, fixed * 1e3, "ms",
                           note="in-process time of capturing a 1-event document (best of 3)"))
        for shape in ("flat", "nested"):
            costs = []
            for n in sizes.scaling:
                r = capture(shape, n, keep_db=(shape == "flat" and n == head))
                runs[(shape, n)] = r
                cost = max(r.seconds - fixed, 1e-9) / max(r.events, 1) * 1e6
                costs.append(cost)
                results.add(Figure(f"capture.cost_per_event.{shape}", db, n, cost, "us/event",
                                   note="in-process time of the capture command less its fixed cost, per event",
                                   extra={"wall": r.wall, "seconds": r.seconds, "events": r.events, "ok": r.ok,
                                          "raw_us_per_event": r.seconds / max(r.events, 1) * 1e6,
                                          "peak_rss_mb": r.peak_rss / 2**20}))
                results.add(Figure(f"capture.statements_per_1000.{shape}", db, n, r.statements * 1000 / max(r.events, 1),
                                   "statements/1000 events", extra={"statements": r.statements}))
            mid = sorted(costs)[len(costs) // 2]
            spread = max(abs(c / mid - 1) for c in costs) * 100
            results.add(Figure(f"capture.cost_flatness.{shape}", db, sizes.scaling[-1], spread, "% max deviation",
                               floor=costs[0], ratio=costs[-1] / costs[0], goal="within +-15 % of the median",
                               met=spread <= 15, floor_name=f"cost per event at {sizes.scaling[0]:,}",
                               extra={"costs_us": dict(zip(map(str, sizes.scaling), costs))}))
            per_k = [runs[(shape, n)].statements * 1000 / max(runs[(shape, n)].events, 1) for n in sizes.scaling]
            results.add(Figure(f"capture.statements_bounded.{shape}", db, sizes.scaling[-1], per_k[-1],
                               "statements/1000 events", floor=per_k[1], ratio=per_k[-1] / per_k[1],
                               goal="bounded per batch: ratio <= 1.1", met=per_k[-1] <= per_k[1] * 1.1,
                               floor_name=f"statements/1000 at {sizes.scaling[1]:,}"))

        flat = runs[("flat", head)]
        # Floor: the same rows by the raw driver's executemany in one transaction.
        log(f"{db}: raw-driver floor for the {head:,}-event document")
        rows = floors.read_rows(flat.url)
        floor_url = backend.fresh("floor")
        floor_seconds = floors.raw_copy(rows, floor_url)
        counts = floors.counts(rows)
        floor_rate = flat.events / floor_seconds
        rate = flat.events / flat.wall
        goal, text = _goal_capture(db)
        results.add(Figure("capture.jsonld", db, head, rate, "events/s", floor=floor_rate, ratio=rate / floor_rate,
                           goal=text, met=rate / floor_rate >= goal, floor_name="raw executemany of the same rows",
                           note="end to end: the cradletrace capture process, interpreter start included",
                           extra={"wall": flat.wall, "seconds": flat.seconds, "floor_seconds": floor_seconds,
                                  "rows": counts, "inprocess_rate": flat.events / flat.seconds}))
        capture_bytes = backend.size_bytes(flat.url)
        floor_bytes = backend.size_bytes(floor_url)
        results.add(Figure("capture.bytes_per_event", db, head, capture_bytes / flat.events, "bytes/event",
                           floor=floor_bytes / flat.events, ratio=capture_bytes / floor_bytes, goal="ratio <= 2",
                           met=capture_bytes / floor_bytes <= 2, floor_name="raw copy's bytes/event, payload included",
                           extra={"payload_bytes_per_event": sum(len(r[-2]) for r in rows["events"][1]) / flat.events}))
        backend.drop(floor_url)
        del rows

        # Memory: peak RSS of the capture process, 10x the document against 1x.
        small = sizes.scaling[-2]
        rss_small, rss_big = runs[("flat", small)].peak_rss, flat.peak_rss
        results.add(Figure("capture.peak_rss", db, small, rss_small / 2**20, "MB"))
        results.add(Figure("capture.peak_rss", db, head, rss_big / 2**20, "MB", floor=rss_small / 2**20,
                           ratio=rss_big / rss_small, goal="ratio <= 2", met=rss_big / rss_small <= 2,
                           floor_name=f"peak RSS at {small:,} events"))

        # XML rendering of the same events.
        xml = capture("flat", head, "xml")
        results.add(Figure("capture.xml", db, head, xml.wall, "s", floor=flat.wall, ratio=xml.wall / flat.wall,
                           goal="ratio <= 1.5", met=xml.wall / flat.wall <= 1.5, floor_name="JSON-LD capture time",
                           extra={"events_per_s": xml.events / xml.wall, "ok": xml.ok and xml.captured == flat.captured}))

        # audit verify against hashlib, rebuild against capture (in process, on the headline database).
        _verify_and_rebuild(backend, results, flat, head)
        for url in keep:
            backend.drop(url)

    if want("capture.concurrent"):
        _concurrent(backend, results, cache, sizes, seed, tmp)
    if want("capture.shuffled"):
        _shuffled(backend, results, cache, sizes, seed, tmp)


def _shuffled(backend: Backend, results: Results, cache: Path, sizes: Sizes, seed: int, tmp: Path) -> None:
    """The nested mix as 100 documents of consecutive events, captured in a shuffled order against time order.

    Every document but the first then arrives late or early against what is logged, so
    capture refolds part_of intervals, states and ILMD; the goal is at most 1.5x the
    in-order time, and the same projections (compared in identifiers and eventIDs).
    """
    import random

    db, head = backend.name, sizes.headline
    count = 100 if head >= 10_000 else 10
    paths = docgen.parts(cache, "nested", head, seed, count)
    shuffled = list(paths)
    random.Random(seed).shuffle(shuffled)
    runs, digests = {}, {}
    for label, order in (("in_order", paths), ("shuffled", shuffled)):
        url = backend.fresh(f"shuffle_{label}")
        log(f"{db}: cradletrace capture of {count} documents, {label.replace('_', ' ')}")
        runs[label] = cli_capture(url, order, tmp)
        digests[label] = projection_digest(url)
        backend.drop(url)
    ratio = runs["shuffled"].wall / runs["in_order"].wall
    same = digests["shuffled"] == digests["in_order"]
    results.add(Figure("capture.shuffled", db, head, runs["shuffled"].wall, "s", floor=runs["in_order"].wall,
                       ratio=ratio, goal="ratio <= 1.5 and the same projections", met=ratio <= 1.5 and same,
                       floor_name=f"the same {count} documents in time order",
                       extra={"same_projections": same, "documents": count,
                              "statements": {k: r.statements for k, r in runs.items()}}))


def projection_digest(url: str) -> str:
    """A digest of the projection tables in identifiers and eventIDs (not node ids or log positions)."""
    import hashlib

    from sqlalchemy import create_engine, text

    queries = [
        "SELECT e.kind, s.identifier, d.identifier, e.valid_from, e.valid_to, o.event_id, c.event_id, e.retracted,"
        " e.quantity, e.uom FROM edges e JOIN nodes s ON s.id = e.src JOIN nodes d ON d.id = e.dst"
        " JOIN events o ON o.id = e.event_id LEFT JOIN events c ON c.id = e.closed_by",
        "SELECT n.identifier, u.status, u.disposition, u.biz_step, l.identifier, o.identifier, u.commissioned_at,"
        " e.event_id, u.last_event_time FROM unit_states u JOIN nodes n ON n.id = u.node_id"
        " JOIN events e ON e.id = u.last_event_id LEFT JOIN nodes l ON l.id = u.biz_location_id"
        " LEFT JOIN nodes o ON o.id = u.owner_id",
        "SELECT n.identifier, x.ilmd FROM units x JOIN nodes n ON n.id = x.node_id",
        "SELECT n.identifier, e.event_id, o.role FROM event_objects o JOIN nodes n ON n.id = o.node_id"
        " JOIN events e ON e.id = o.event_id",
    ]
    digest = hashlib.sha256()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        for sql in queries:
            for row in sorted(repr(tuple(str(v) for v in r)) for r in conn.execute(text(sql))):
                digest.update(row.encode())
    engine.dispose()
    return digest.hexdigest()


def _verify_and_rebuild(backend: Backend, results: Results, flat: CaptureRun, head: int) -> None:
    from cradletrace.log.audit import verify_chain
    from cradletrace.db import create_db_engine, make_session_factory
    from cradletrace.log.rebuild import rebuild_projections

    db = backend.name
    entries = floors.chain_inputs(flat.url)
    hash_seconds = floors.hash_floor(entries)
    engine = create_db_engine(flat.url)
    factory = make_session_factory(engine)
    try:
        log(f"{db}: audit verify")
        start = time.perf_counter()
        with factory() as session:
            result = verify_chain(session)
        seconds = time.perf_counter() - start
        rate, floor_rate = result.checked / seconds, len(entries) / hash_seconds
        results.add(Figure("audit.verify", db, head, rate, "events/s", floor=floor_rate, ratio=rate / floor_rate,
                           goal="ratio >= 0.50", met=rate / floor_rate >= 0.5 and result.ok,
                           floor_name="hashlib sha256 over the same bytes", extra={"ok": result.ok}))
        log(f"{db}: rebuild")
        start = time.perf_counter()
        with factory() as session:
            replayed = rebuild_projections(session)
            session.commit()
        seconds = time.perf_counter() - start
        rate = replayed / seconds
        capture_rate = flat.events / flat.seconds
        results.add(Figure("rebuild", db, head, rate, "events/s", floor=capture_rate, ratio=rate / capture_rate,
                           goal="ratio > 1 (faster than capture)", met=rate > capture_rate,
                           floor_name="capture of the same events (in-process rate)"))
    finally:
        engine.dispose()


def _concurrent(backend: Backend, results: Results, cache: Path, sizes: Sizes, seed: int, tmp: Path) -> None:
    from cradletrace.log.audit import verify_chain
    from cradletrace.db import create_db_engine, make_session_factory

    db = backend.name
    n, p = sizes.concurrent, sizes.processes
    paths = [docgen.document(cache, "shared", n, seed, "jsonld", index=i, processes=p) for i in range(p)]
    distinct = p * (n - n // 10) + n // 10
    # One process alone, the same documents one after the other.
    url = backend.fresh("conc_single")
    log(f"{db}: one process capturing the {p} shared documents")
    single = cli_capture(url, paths, tmp)
    backend.drop(url)
    # Eight processes at once.
    url = backend.fresh("conc")
    log(f"{db}: {p} concurrent cradletrace capture processes")
    import subprocess

    stats = [Path(tempfile.mkstemp(dir=tmp, suffix=".json")[1]) for _ in range(p)]
    start = time.perf_counter()
    procs = [subprocess.Popen([PYTHON, str(HERE / "ctwrap.py"), str(s), "capture", str(path), "--database", url,
                               "--format", "json"], env=bench_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=HERE) for s, path in zip(stats, paths)]
    outputs = [proc.communicate() for proc in procs]
    wall = time.perf_counter() - start
    failed = [o[1].decode()[-500:] + o[0].decode()[-500:] for proc, o in zip(procs, outputs) if proc.returncode != 0]
    for s in stats:
        s.unlink(missing_ok=True)
    engine = create_db_engine(url)
    try:
        from sqlalchemy import text

        with make_session_factory(engine)() as session:
            stored = session.execute(text("SELECT count(*) FROM events")).scalar_one()
            unique = session.execute(text("SELECT count(DISTINCT event_id) FROM events")).scalar_one()
            chain = verify_chain(session)
    finally:
        engine.dispose()
    backend.drop(url)
    total = p * n
    rate, single_rate = total / wall, total / single.wall
    lost = max(0, distinct - unique)
    duplicated = stored - unique
    goal = 1.2 if db == "postgresql" else 0.8
    results.add(Figure("capture.concurrent", db, total, rate, "events/s", floor=single_rate, ratio=rate / single_rate,
                       goal=f"ratio >= {goal}", met=rate / single_rate >= goal and not failed,
                       floor_name="one process, same documents",
                       extra={"processes": p, "wall": wall, "single_wall": single.wall, "failed": failed}))
    results.add(Figure("capture.concurrent.integrity", db, total, lost + duplicated, "events lost+duplicated",
                       goal="0 lost, 0 duplicated, chain verifies", met=(lost == 0 and duplicated == 0 and chain.ok
                                                                        and not failed),
                       extra={"distinct_expected": distinct, "stored": stored, "unique": unique, "lost": lost,
                              "duplicated": duplicated, "chain_ok": chain.ok, "chain": chain.summary()}))
