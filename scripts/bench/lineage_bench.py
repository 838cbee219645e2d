"""Lineage and recall benchmarks on the cached worlds: cradletrace.lineage against the raw recursive
CTE (floor) and against the ORM walk (baseline), p50/p95, SQL statement counts, growth by size,
and SQLite plans before and after statistics.
"""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import ormwalk
from common import Backend, StatementCounter, log, median, percentile, raw_connect
from graphgen import WorldInfo, world_database
from results import Figure, Results

KINDS = "('part_of', 'input_of')"


@dataclass
class Sizes:
    edges: list[int]
    starts: int  # random units for upstream p50/p95
    orm_starts: int  # of those, walked by the ORM baseline
    repeats: int  # where-used / recall repetitions
    orm_repeats: int

    @classmethod
    def full(cls) -> "Sizes":
        return cls(edges=[10_000, 100_000, 1_000_000], starts=500, orm_starts=100, repeats=15, orm_repeats=1)

    @classmethod
    def quick(cls) -> "Sizes":
        return cls(edges=[1_500, 6_000], starts=20, orm_starts=5, repeats=3, orm_repeats=1)


# -- the floor: raw recursive CTEs -----------------------------------------------------------------

class RawQueries:
    """The lineage questions as one recursive CTE each, run by the raw driver (sqlite3 / psycopg).

    The walk is cradletrace's own (``cradletrace.lineage.sql.walk_cte``: the same edge and time
    rules), so the floor answers the same question; what it leaves out is everything around the
    statement: sessions, SQLAlchemy, the final joins to events and products, result objects.
    """

    def __init__(self, url: str, max_depth: int = 50) -> None:
        from cradletrace.lineage.sql import dialect_of, walk_cte

        self.url = url
        self.sqlite = url.startswith("sqlite")
        self.conn = raw_connect(url)
        if not self.sqlite:
            self.conn.autocommit = True
        self.max_depth = max_depth
        d = dialect_of("sqlite" if self.sqlite else "postgresql")

        def prepare(sql: str) -> str:
            sql = sql.replace("IN :starts", "= :start")
            return sql if self.sqlite else re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", sql)

        up = "WITH RECURSIVE " + walk_cte(d, "walk", "up", timed=True)
        down = "WITH RECURSIVE " + walk_cte(d, "walk", "down")
        # The final lookups take the library's form (an index probe per reached node), which no
        # statistics can turn into a scan of every node.
        node = d.lookup("nodes", "n", "n.id = r.node")
        # GROUP BY, as the library consumes the walk: SQLite 3.40 plans ``SELECT DISTINCT node FROM walk``
        # with a Bloom filter over all edges in the recursive step once edges has statistics.
        reached = ", reached AS (SELECT node, MIN(depth) AS depth FROM walk WHERE depth > 0 GROUP BY node) "
        self.upstream_sql = prepare(up + reached + f"SELECT n.identifier FROM reached AS r {node}")
        self.where_used_sql = prepare(down + reached + f"SELECT n.identifier FROM reached AS r {node}"
                                      + " WHERE " + d.tied("n.kind = 'unit'", "r.depth"))
        units_only = " WHERE " + d.tied("n.kind = 'unit'", "r.depth")
        self.recall_sql = prepare(down + reached + f"SELECT n.identifier, o.identifier, s.status FROM reached AS r {node} "
                                  + d.lookup("unit_states", "s", "s.node_id = r.node", outer=True) + " "
                                  + d.lookup("nodes", "o", "o.id = s.owner_id", outer=True) + units_only)
        cur = self.conn.cursor()
        self._start_id: dict[str, int] = {}
        self._cur = cur

    def _t(self, at: datetime) -> Any:
        naive = at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else naive

    def _rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        cur = self.conn.cursor()
        cur.execute(sql, params)
        return cur.fetchall()

    def _id(self, identifier: str) -> int:
        # The library resolves the identifier too (one indexed lookup); do it the same way, uncached.
        cur = self.conn.cursor()
        cur.execute("SELECT id FROM nodes WHERE identifier = " + ("?" if self.sqlite else "%s"), (identifier,))
        return cur.fetchone()[0]

    def upstream(self, identifier: str, at: datetime) -> list[str]:
        t = self._t(at)
        return [r[0] for r in self._rows(self.upstream_sql, {"start": self._id(identifier), "walk_from": t,
                                                             "walk_to": t, "max_depth": self.max_depth})]

    def where_used(self, identifier: str) -> list[str]:
        return [r[0] for r in self._rows(self.where_used_sql, {"start": self._id(identifier),
                                                               "max_depth": self.max_depth})]

    def recall(self, identifier: str) -> list[tuple[Any, ...]]:
        return self._rows(self.recall_sql, {"start": self._id(identifier), "max_depth": self.max_depth})

    def close(self) -> None:
        self.conn.close()


# -- cradletrace.lineage, behind one adapter -------------------------------------------------------

class Library:
    """The questions asked through cradletrace.lineage, each in a fresh session (as a request would)."""

    def __init__(self, factory: Any) -> None:
        from cradletrace import lineage

        self.lineage = lineage
        self.factory = factory

    def upstream(self, identifier: str, at: datetime | None) -> list[Any]:
        with self.factory() as session:
            return self.lineage.upstream(session, identifier, as_of=at)

    def where_used(self, identifier: str) -> list[Any]:
        with self.factory() as session:
            return self.lineage.downstream(session, identifier)

    def recall(self, identifier: str) -> list[Any]:
        with self.factory() as session:
            return self.lineage.recall(session, identifier)

    def recall_csv(self, identifier: str) -> str:
        with self.factory() as session:
            buffer = io.StringIO()
            self.lineage.recall_csv(self.lineage.recall(session, identifier), buffer)
            return buffer.getvalue()


def _units(rows: list[Any]) -> set[str]:
    return {r.identifier for r in rows if r.kind == "unit"}


def _size_of(result: Any) -> int | None:
    if isinstance(result, str):
        return max(0, result.count("\n") - 1)
    if result and hasattr(result[0], "kind") and hasattr(result[0], "edge_kind"):
        return len(_units(result))
    return len(result)


# -- timing ----------------------------------------------------------------------------------------

def _times(fn: Callable[[Any], Any], args: list[Any]) -> list[float]:
    out = []
    for a in args:
        start = time.perf_counter()
        fn(a)
        out.append(time.perf_counter() - start)
    return out


def _statements(counter: StatementCounter, fn: Callable[[], Any]) -> int:
    with counter.measure() as box:
        fn()
    return box[0]


def run(backend: Backend, results: Results, cache: Path, sizes: Sizes, seed: int, only: set[str] | None = None
        ) -> None:
    from cradletrace.db import create_db_engine, make_session_factory

    db = backend.name
    per_size: dict[int, dict[str, float]] = {}
    largest_sqlite: tuple[str, WorldInfo] | None = None
    for target in sizes.edges:
        url, info = world_database(backend, cache, target, seed)
        log(f"{db}: lineage questions on {info.edges:,} edges ({info.units:,} units)")
        engine = create_db_engine(url)
        counter = StatementCounter(engine)
        factory = make_session_factory(engine)
        lib = Library(factory)
        raw = RawQueries(url)
        past = datetime.fromisoformat(info.past)
        now = datetime.now(timezone.utc)
        starts = info.unit_ids[:sizes.starts]
        orm_starts = starts[:sizes.orm_starts]
        size = info.edges
        marks: dict[str, float] = {}
        try:
            # Warm the caches with every start at both times, as a running service would be:
            # otherwise the first side timed pays the cold page reads of the other.
            for at in (None, past):
                for s in starts:
                    lib.upstream(s, at)
                    raw.upstream(s, at or now)
            for label, at in (("now", None), ("past", past)):
                lib_t = _times(lambda s: lib.upstream(s, at), starts)
                raw_t = _times(lambda s: raw.upstream(s, at or now), starts)
                orm_at = (at or now).astimezone(timezone.utc).replace(tzinfo=None)
                orm_t = _times(lambda s: ormwalk.upstream(factory, s, orm_at), orm_starts)
                stmts = _statements(counter, lambda: lib.upstream(starts[0], at))
                orm_stmts = _statements(counter, lambda: ormwalk.upstream(factory, starts[0], orm_at))
                probes = [starts[0], *info.swapped[:3]]
                check = all(_same(lib.upstream(s, at), raw.upstream(s, at or now)) and
                            set(raw.upstream(s, at or now)) == set(ormwalk.upstream(factory, s, orm_at))
                            for s in probes)
                p50, p95 = percentile(lib_t, 50) * 1e3, percentile(lib_t, 95) * 1e3
                r50, r95 = percentile(raw_t, 50) * 1e3, percentile(raw_t, 95) * 1e3
                o50, o95 = percentile(orm_t, 50) * 1e3, percentile(orm_t, 95) * 1e3
                lib_orm_p50 = percentile(lib_t[:len(orm_t)], 50) * 1e3
                big = target == sizes.edges[-1]
                name = f"lineage.upstream.{label}"
                results.add(Figure(name + ".p50", db, size, p50, "ms", floor=r50, ratio=p50 / r50,
                                   floor_name="raw recursive CTE p50", extra={"n": len(starts), "statements": stmts,
                                                                              "same_answer": check}))
                results.add(Figure(name + ".p95", db, size, p95, "ms", floor=r95, ratio=p95 / r95,
                                   goal="ratio <= 2 and <= 20 ms" if big else None,
                                   met=(p95 / r95 <= 2 and p95 <= 20) if big else None,
                                   floor_name="raw recursive CTE p95"))
                results.add(Figure(name + ".orm_speedup", db, size, o50 / lib_orm_p50, "x", floor=o50,
                                   ratio=o50 / lib_orm_p50, goal=">= 15x" if big else None,
                                   met=(o50 / lib_orm_p50 >= 15) if big else None,
                                   floor_name="ORM walk p50 (ms)",
                                   extra={"orm_p95_ms": o95, "orm_starts": len(orm_t), "lib_p50_same_starts_ms": lib_orm_p50,
                                          "orm_statements": orm_stmts}))
                results.add(Figure(name + ".statements", db, size, stmts, "SQL statements", floor=orm_stmts,
                                   ratio=orm_stmts / max(stmts, 1), floor_name="ORM walk statements"))
                marks[f"upstream.{label}.p50"] = p50
                marks[f"upstream.{label}.p95"] = p95
                marks[f"raw.upstream.{label}.p50"] = r50

            for label, lot in (("component_lot", info.component_lot), ("raw_lot", info.raw_lot)):
                reps = list(range(sizes.repeats))
                answer = lib.where_used(lot)
                lib_t = _times(lambda _: lib.where_used(lot), reps)
                raw_t = _times(lambda _: raw.where_used(lot), reps)
                orm_answer: list[list[str]] = []
                orm_t = _times(lambda _: orm_answer.append(ormwalk.where_used(factory, lot)),
                               list(range(sizes.orm_repeats)))
                stmts = _statements(counter, lambda: lib.where_used(lot))
                orm_stmts = _statements(counter, lambda: ormwalk.where_used(factory, lot))
                p50, r50, o50 = median(lib_t) * 1e3, median(raw_t) * 1e3, median(orm_t) * 1e3
                units_raw = len(raw.where_used(lot))
                same = _units(answer) == set(raw.where_used(lot)) == set(orm_answer[0]) if orm_answer else None
                big = target == sizes.edges[-1] and label == "raw_lot"
                name = f"lineage.where_used.{label}"
                results.add(Figure(name + ".p50", db, size, p50, "ms", floor=r50, ratio=p50 / r50,
                                   goal="ratio <= 2 and <= 500 ms" if big else None,
                                   met=(p50 / r50 <= 2 and p50 <= 500) if big else None,
                                   floor_name="raw recursive CTE p50",
                                   extra={"reached": _size_of(answer), "units_raw_cte": units_raw, "same_answer": same,
                                          "statements": stmts,
                                          "p95_ms": percentile(lib_t, 95) * 1e3}))
                results.add(Figure(name + ".orm_speedup", db, size, o50 / p50, "x", floor=o50, ratio=o50 / p50,
                                   goal=">= 50x" if big else None, met=(o50 / p50 >= 50) if big else None,
                                   floor_name="ORM walk (ms)", extra={"orm_statements": orm_stmts}))
                results.add(Figure(name + ".statements", db, size, stmts, "SQL statements", floor=orm_stmts,
                                   ratio=orm_stmts / max(stmts, 1), floor_name="ORM walk statements"))
                marks[f"where_used.{label}.p50"] = p50
                if label == "raw_lot":
                    for qname, fn in (("recall", lib.recall), ("recall_csv", lib.recall_csv)):
                        t = median(_times(lambda _: fn(lot), reps)) * 1e3
                        s = _statements(counter, lambda: fn(lot))
                        results.add(Figure(f"lineage.{qname}.raw_lot", db, size, t, "ms", floor=p50, ratio=t / p50,
                                           goal="ratio <= 3", met=t / p50 <= 3, floor_name="where-used alone p50",
                                           extra={"statements": s, "rows": _size_of(fn(lot))}))
                        marks[f"{qname}.raw_lot"] = t
                    rraw = median(_times(lambda _: raw.recall(lot), reps)) * 1e3
                    marks["raw.recall"] = rraw
        finally:
            raw.close()
            engine.dispose()
        per_size[size] = marks
        if db == "sqlite":
            largest_sqlite = (url, info)

    sizes_seen = sorted(per_size)
    if len(sizes_seen) >= 2:
        lo, hi = sizes_seen[0], sizes_seen[-1]
        for key in sorted(per_size[hi]):
            if key.startswith("raw.") or key not in per_size[lo]:
                continue
            growth = per_size[hi][key] / per_size[lo][key]
            is_goal = key.startswith("upstream.")
            results.add(Figure(f"lineage.growth.{key}", db, hi, growth, "x", floor=per_size[lo][key], ratio=growth,
                               goal="<= 1.5x" if is_goal else None, met=(growth <= 1.5) if is_goal else None,
                               floor_name=f"same figure at {lo:,} edges (ms)",
                               extra={"by_size_ms": {str(s): per_size[s].get(key) for s in sizes_seen}}))
    results.extra_series = getattr(results, "extra_series", {})
    results.extra_series[f"lineage.{db}"] = per_size  # type: ignore[attr-defined]

    if db == "sqlite" and largest_sqlite and (only is None or any("plan" in o or "lineage" in o for o in only)):
        _sqlite_plans(results, cache, *largest_sqlite, starts=min(sizes.starts, 100))


def _sqlite_plans(results: Results, cache: Path, url: str, info: WorldInfo, starts: int) -> None:
    """p50 of upstream before statistics, after ANALYZE, and after PRAGMA optimize (each on a copy)."""
    from cradletrace.db import create_db_engine, make_session_factory

    src = Path(url.removeprefix("sqlite:///"))
    picks = info.unit_ids[:starts]

    def p50_on(path: Path) -> tuple[float, list[str]]:
        engine = create_db_engine(f"sqlite:///{path}")
        lib = Library(make_session_factory(engine))
        try:
            for s in picks[:5]:
                lib.upstream(s, None)
            t = _times(lambda s: lib.upstream(s, None), picks)
            conn = sqlite3.connect(path)
            try:
                stats = [r[0] for r in conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1")] \
                    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() else []
            finally:
                conn.close()
            return percentile(t, 50) * 1e3, stats
        finally:
            engine.dispose()

    base, _ = p50_on(src)
    for label, prepare in (("analyze", _analyze), ("optimize", _optimize)):
        copy = cache / f"plans-{label}.db"
        shutil.copyfile(src, copy)
        prepare(copy, info)
        after, stats = p50_on(copy)
        results.add(Figure(f"sqlite.plan.{label}", "sqlite", info.edges, after, "ms", floor=base, ratio=after / base,
                           goal="ratio <= 2", met=after / base <= 2, floor_name="upstream p50 before statistics",
                           extra={"tables_with_stats": stats}))
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)


def _analyze(path: Path, _info: WorldInfo) -> None:
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def _optimize(path: Path, info: WorldInfo) -> None:
    """Run the lineage queries on one connection, then PRAGMA optimize on it (as a long-lived app would)."""
    from cradletrace.db import create_db_engine, make_session_factory

    engine = create_db_engine(f"sqlite:///{path}", pool_size=1, max_overflow=0)
    lib = Library(make_session_factory(engine))
    for s in info.unit_ids[:20]:
        lib.upstream(s, None)
    lib.where_used(info.component_lot)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA optimize")
        conn.commit()
    engine.dispose()


def _same(rows: list[Any], identifiers: list[str]) -> bool:
    """Whether the library's answer reaches the same nodes as the floor's."""
    return {r.identifier for r in rows} == set(identifiers)
