"""Figures of a run: JSON lines (one per figure), the machine and versions, and the printed table.

Every figure has ``name, database, size, value, unit, floor, ratio, goal, met``; ``goal`` is a
short text (``ratio >= 0.40``) and ``met`` is True/False, or None when the figure has no goal.
Nothing here decides pass or fail for a test: goals are reported, never asserted.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REQUIRED = ("name", "database", "size", "value", "unit", "floor", "ratio", "goal", "met")


@dataclass
class Figure:
    name: str
    database: str
    size: int | None
    value: float | None
    unit: str
    floor: float | None = None
    ratio: float | None = None
    goal: str | None = None
    met: bool | None = None
    floor_name: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class Results:
    """Collects figures and appends each one to ``results.jsonl`` in ``out`` as soon as it is known."""

    def __init__(self, out: Path, run: dict[str, Any]) -> None:
        self.out = out
        self.out.mkdir(parents=True, exist_ok=True)
        self.path = out / "results.jsonl"
        self.path.write_text("")
        self.run = run
        self.figures: list[Figure] = []

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        line = {"run": self.run["run"], "date": self.run["date"], **asdict(figure)}
        with self.path.open("a") as fp:
            fp.write(json.dumps(_clean(line)) + "\n")
        return figure

    def get(self, name: str, database: str, size: int | None = None) -> Figure | None:
        for figure in reversed(self.figures):
            if figure.name == name and figure.database == database and (size is None or figure.size == size):
                return figure
        return None

    def table(self) -> str:
        header = ("figure", "db", "size", "value", "unit", "floor", "ratio", "goal", "met")
        rows = [header]
        for f in self.figures:
            rows.append((f.name, f.database, _fmt_int(f.size), _fmt(f.value), f.unit, _fmt(f.floor), _fmt(f.ratio),
                         f.goal or "", {True: "yes", False: "NO", None: ""}[f.met]))
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
        lines = []
        for n, r in enumerate(rows):
            lines.append("  ".join(str(c).ljust(w) if i in (0, 1, 4, 7) else str(c).rjust(w)
                                   for i, (c, w) in enumerate(zip(r, widths))).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = ["| figure | db | size | value | unit | floor | ratio | goal | met |",
                 "|---|---|---:|---:|---|---:|---:|---|---|"]
        for f in self.figures:
            lines.append(f"| {f.name} | {f.database} | {_fmt_int(f.size)} | {_fmt(f.value)} | {f.unit} | {_fmt(f.floor)} "
                         f"| {_fmt(f.ratio)} | {f.goal or ''} | {({True: 'yes', False: '**no**', None: ''})[f.met]} |")
        return "\n".join(lines)


def _fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _fmt_int(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def machine_info(databases: dict[str, str]) -> dict[str, Any]:
    """Machine, OS, Python, library and database versions."""
    import sqlite3

    info: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "hostname": platform.node(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        with open("/proc/cpuinfo") as fp:
            for line in fp:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as fp:
            info["memory_gb"] = round(int(fp.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        info["load_avg_at_start"] = os.getloadavg()
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    for package in ("cradletrace", "SQLAlchemy", "psycopg", "orjson", "lxml", "ijson", "alembic"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            pass
    if "postgresql" in databases:
        try:
            import psycopg

            from common import psycopg_conninfo

            with psycopg.connect(psycopg_conninfo(databases["postgresql"])) as conn:
                info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
                info["postgresql_settings"] = {
                    name: conn.execute(f"SHOW {name}").fetchone()[0]
                    for name in ("shared_buffers", "synchronous_commit", "random_page_cost", "work_mem")}
        except Exception as exc:  # noqa: BLE001 - informative only
            info["postgresql"] = f"unknown ({exc})"
    return info


def write_meta(out: Path, meta: dict[str, Any]) -> None:
    (out / "meta.json").write_text(json.dumps(_clean(meta), indent=2, default=str) + "\n")
