"""Shared helpers of the benchmark: paths, fresh databases, cache keys, SQL statement counting, timing.

The benchmark modules live in scripts/bench/ (not a package); ``cli.py`` puts this
folder on ``sys.path`` so they import each other by plain module name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
# The interpreter scripts/bench/run prepared (scripts/venv.sh) also runs the measured processes.
PYTHON = sys.executable
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def source_key(*names: str) -> str:
    """A short hash of the generator sources (and the migrations), so a cache built by older code is not reused."""
    digest = hashlib.sha256()
    for name in names:
        digest.update((HERE / name).read_bytes())
    for path in sorted((REPO / "migrations" / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


# -- databases -------------------------------------------------------------------------------------

@dataclass
class Backend:
    """One database backend under test: 'sqlite' (files under ``work``) or 'postgresql' (databases on ``url``)."""

    name: str
    work: Path
    url: str | None = None  # admin URL of the PostgreSQL server (any database on it)
    created: list[str] = field(default_factory=list)
    _template: str | None = None

    # PostgreSQL ---------------------------------------------------------------------------------
    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(self._conninfo("postgres" if self._db_exists("postgres") else "test"), autocommit=True)

    def _conninfo(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.url.replace("postgresql+psycopg://", "postgresql://"))  # type: ignore[union-attr]
        parts = [f"host={url.host or '127.0.0.1'}", f"port={url.port or 5432}", f"dbname={database}",
                 f"user={url.username or 'postgres'}"]
        if url.password:
            parts.append(f"password={url.password}")
        return " ".join(parts)

    def _db_exists(self, name: str) -> bool:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(self.url.replace("postgresql+psycopg://", "postgresql://"))  # type: ignore[union-attr]
        with psycopg.connect(self._conninfo(url.database or "postgres"), autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None

    def pg_url(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.url.replace("postgresql+psycopg://", "postgresql://"))  # type: ignore[union-attr]
        return url.set(database=database).render_as_string(hide_password=False)

    def pg_execute(self, sql: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(self.url.replace("postgresql+psycopg://", "postgresql://"))  # type: ignore[union-attr]
        with psycopg.connect(self._conninfo(url.database or "postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def pg_database_exists(self, name: str) -> bool:
        return self._db_exists(name)

    # both ----------------------------------------------------------------------------------------
    def fresh(self, label: str) -> str:
        """A new, migrated, empty database; returns its URL. Dropped by :meth:`cleanup` unless kept."""
        from cradletrace import migrate

        name = f"ct_bench_{label}_{uuid.uuid4().hex[:8]}"
        if self.name == "sqlite":
            template = self.work / "template.db"
            if not template.exists():
                tmp = self.work / f"template-{uuid.uuid4().hex[:6]}.db"
                migrate.upgrade(f"sqlite:///{tmp}")
                _checkpoint(tmp)
                tmp.rename(template)
            path = self.work / f"{name}.db"
            shutil.copyfile(template, path)
            self.created.append(str(path))
            return f"sqlite:///{path}"
        if self._template is None:
            template = f"ct_bench_template_{source_key()}"
            if not self._db_exists(template):
                tmp = template + "_tmp"
                self.pg_execute(f'DROP DATABASE IF EXISTS "{tmp}"')
                self.pg_execute(f'CREATE DATABASE "{tmp}"')
                migrate.upgrade(self.pg_url(tmp))
                self.pg_execute(f'ALTER DATABASE "{tmp}" RENAME TO "{template}"')
            self._template = template
        self.pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
        self.created.append(name)
        return self.pg_url(name)

    def drop(self, url: str) -> None:
        if self.name == "sqlite":
            path = Path(url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        else:
            from sqlalchemy.engine import make_url

            name = make_url(url).database
            self.pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        key = url.removeprefix("sqlite:///") if self.name == "sqlite" else url.rsplit("/", 1)[-1]
        if key in self.created:
            self.created.remove(key)

    def cleanup(self) -> None:
        for item in list(self.created):
            self.drop(f"sqlite:///{item}" if self.name == "sqlite" else self.pg_url(item))

    def size_bytes(self, url: str) -> int:
        """Bytes the database takes on disk (SQLite: the file after a checkpoint; PostgreSQL: its tables and indexes)."""
        if self.name == "sqlite":
            path = Path(url.removeprefix("sqlite:///"))
            _checkpoint(path)
            return path.stat().st_size
        import psycopg
        from sqlalchemy.engine import make_url

        with psycopg.connect(self._conninfo(make_url(url).database), autocommit=True) as conn:
            return int(conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
            ).fetchone()[0])


def _checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def psycopg_conninfo(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url.replace("postgresql+psycopg://", "postgresql://"))
    parts = [f"host={u.host or '127.0.0.1'}", f"port={u.port or 5432}", f"dbname={u.database}",
             f"user={u.username or 'postgres'}"]
    if u.password:
        parts.append(f"password={u.password}")
    return " ".join(parts)


def raw_connect(url: str):  # type: ignore[no-untyped-def]
    """A raw DB-API connection (sqlite3 or psycopg), with the same connection settings as cradletrace's engine."""
    if url.startswith("sqlite"):
        from cradletrace.db import SQLITE_PRAGMAS

        conn = sqlite3.connect(sqlite_path(url), isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            conn.execute(pragma)
        return conn
    import psycopg

    return psycopg.connect(psycopg_conninfo(url))


# -- SQL statement counting ------------------------------------------------------------------------

class StatementCounter:
    """Counts the SQL statements an engine sends (one per execute or executemany call)."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_args: Any) -> None:
        self.count += 1

    @contextmanager
    def measure(self) -> Iterator[list[int]]:
        box = [0]
        start = self.count
        try:
            yield box
        finally:
            box[0] = self.count - start


# -- timing and statistics -------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


@dataclass
class ProcResult:
    """A finished subprocess: exit status, wall seconds, peak RSS in bytes, output."""

    returncode: int
    wall: float
    peak_rss: int
    stdout: str
    stderr: str


def run_process(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 3600) -> ProcResult:
    """Run a command and return its wall time and its own peak RSS (polled from /proc/PID/status VmHWM)."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env, cwd=REPO)
        deadline = start + timeout
        peak = 0
        while True:
            # VmHWM is the peak RSS of the process's own address space since its exec (wait4's
            # ru_maxrss would include the runner's memory, inherited through vfork/exec).
            peak = max(peak, _vm_hwm(proc.pid))
            pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, _usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ProcResult(proc.returncode, wall, peak, out.read().decode(errors="replace"),
                          err.read().decode(errors="replace"))


def _vm_hwm(pid: int) -> int:
    """Peak resident set size in bytes of a running process (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fp:
            for line in fp:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CRADLETRACE_DATABASE_URL", None)
    env["PYTHONPATH"] = str(HERE) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if extra:
        env.update(extra)
    return env


def progress(iterable: Any = None, **kwargs: Any) -> Any:
    """A tqdm bar on stderr (quiet when stderr is not a terminal, unless BENCH_PROGRESS=1)."""
    from tqdm import tqdm

    disable = not (sys.stderr.isatty() or os.environ.get("BENCH_PROGRESS") == "1")
    return tqdm(iterable, disable=disable, leave=False, dynamic_ncols=True, **kwargs)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
