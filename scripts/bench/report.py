"""Render a run's results.jsonl as the Markdown tables of BENCHMARKS.md.

Usage: ``.venv/bin/python scripts/bench/report.py bench-results/<run>/results.jsonl > table.md``.
One table per database, figures in run order; the goal sits beside each figure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from results import _fmt, _fmt_int


def render(path: Path) -> str:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    out = []
    for db in ("sqlite", "postgresql"):
        rows = [r for r in lines if r["database"] == db]
        if not rows:
            continue
        out.append(f"\n#### {'SQLite' if db == 'sqlite' else 'PostgreSQL'}\n")
        out.append("| figure | size | value | unit | floor (what) | ratio | goal | met |")
        out.append("|---|---:|---:|---|---|---:|---|---|")
        for r in rows:
            floor = _fmt(r["floor"])
            if r["floor"] is not None and r.get("floor_name"):
                floor = f"{floor} ({r['floor_name']})"
            met = {True: "yes", False: "**no**", None: ""}[r["met"]]
            out.append(f"| {r['name']} | {_fmt_int(r['size'])} | {_fmt(r['value'])} | {r['unit']} | {floor} "
                       f"| {_fmt(r['ratio'])} | {r['goal'] or ''} | {met} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1])))
