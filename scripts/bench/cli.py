"""``scripts/bench/run``: run the benchmarks, print one table, write JSON lines and plots.

Usage: ``scripts/bench/run [--quick] [--only NAME...] [--database URL] [--out DIR] [--seed N]``

Runs every benchmark on SQLite, and on PostgreSQL too when ``--database`` gives a server
(its own databases are created there, named ``ct_bench_*``). Results go to
``bench-results/<date>/`` (or ``--out``): ``results.jsonl`` (one figure a line), ``meta.json``
(machine, versions, date), ``table.md`` and the plots; a full run also copies the plots to
docs/bench/. Built documents and lineage worlds are cached under ``bench-results/cache/`` by
size and seed, so a rerun skips building them. ``--quick`` runs everything at a tiny size.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import capture_bench  # noqa: E402
import eventhash_bench  # noqa: E402
import labels_bench  # noqa: E402
import lineage_bench  # noqa: E402
import plots  # noqa: E402
from common import REPO, Backend, log  # noqa: E402
from results import Results, machine_info, write_meta  # noqa: E402

GROUPS = ("capture", "capture.concurrent", "capture.shuffled", "lineage", "eventhash", "labels")


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/bench/run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="everything at a tiny size (under a minute per database)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help=f"only these benchmarks (prefixes of {', '.join(GROUPS)}, "
                    "or sqlite / postgresql)")
    ap.add_argument("--database", metavar="URL", help="PostgreSQL server URL; also run everything there")
    ap.add_argument("--out", metavar="DIR", type=Path, help="where results go (default bench-results/<date>)")
    ap.add_argument("--cache", metavar="DIR", type=Path, help="cache of documents and worlds (default bench-results/cache)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--plots-dir", type=Path, help="also copy the plots here (default docs/bench for a full run)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.out or REPO / "bench-results" / (stamp + ("-quick" if args.quick else ""))
    cache = args.cache or REPO / "bench-results" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    only = set(args.only) if args.only else None
    databases = {"sqlite": "sqlite"}
    if args.database:
        databases["postgresql"] = args.database
    if only and only & set(databases):
        databases = {k: v for k, v in databases.items() if k in only}
        only -= {"sqlite", "postgresql"}
        only = only or None
    run_info = {"run": f"{stamp}-{uuid.uuid4().hex[:6]}", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    results = Results(out, run_info)
    meta = {**run_info, "quick": args.quick, "seed": args.seed, "only": sorted(only) if only else None,
            "machine": machine_info(databases)}
    write_meta(out, meta)
    cap_sizes = capture_bench.Sizes.quick() if args.quick else capture_bench.Sizes.full()
    lin_sizes = lineage_bench.Sizes.quick() if args.quick else lineage_bench.Sizes.full()
    if args.quick:
        cache = cache / "quick"
        cache.mkdir(parents=True, exist_ok=True)
    failures = []
    if _wanted(only, "eventhash"):  # no database: run once, whatever --database says
        try:
            eventhash_bench.run(results, 1_000 if args.quick else 20_000)
        except Exception as exc:  # report with the others and fail at the end
            import traceback

            traceback.print_exc()
            failures.append(f"eventhash: {exc!r}")
    if _wanted(only, "labels"):  # no database either: the labels are made in memory
        try:
            labels_bench.run(results, 10 if args.quick else 1_000)
        except Exception as exc:
            import traceback

            traceback.print_exc()
            failures.append(f"labels: {exc!r}")
    with tempfile.TemporaryDirectory(prefix="ct-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        for db, url in databases.items():
            work = tmp / db
            work.mkdir()
            backend = Backend(db, work, None if db == "sqlite" else url)
            try:
                if _wanted(only, "capture"):
                    t = time.perf_counter()
                    capture_bench.run(backend, results, cache, cap_sizes, args.seed, tmp, only)
                    log(f"{db}: capture benchmarks took {time.perf_counter() - t:.0f} s")
                if _wanted(only, "lineage") or _wanted(only, "sqlite.plan"):
                    t = time.perf_counter()
                    lineage_bench.run(backend, results, cache, lin_sizes, args.seed, only)
                    log(f"{db}: lineage benchmarks took {time.perf_counter() - t:.0f} s")
            except Exception as exc:  # keep the other database's figures; report and fail at the end
                import traceback

                traceback.print_exc()
                failures.append(f"{db}: {exc!r}")
            finally:
                backend.cleanup()
    made = []
    for name, draw in (("lineage-latency.png", plots.lineage_plot), ("capture-rate.png", plots.capture_plot)):
        path = draw(results, out / name)
        if path:
            made.append(path)
    plots_dir = args.plots_dir or (None if args.quick or args.out else REPO / "docs" / "bench")
    if plots_dir:
        plots_dir.mkdir(parents=True, exist_ok=True)
        for path in made:
            shutil.copyfile(path, plots_dir / path.name)
    (out / "table.md").write_text(results.markdown() + "\n")
    meta["seconds"] = time.perf_counter() - started
    meta["failures"] = failures
    write_meta(out, meta)
    print(results.table())
    missed = [f for f in results.figures if f.met is False]
    print(f"\n{len(results.figures)} figures, {sum(1 for f in results.figures if f.met)} goals met, {len(missed)} missed; "
          f"{meta['seconds']:.0f} s; results in {out}")
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


def _wanted(only: set[str] | None, group: str) -> bool:
    return only is None or any(group.startswith(o) or o.startswith(group) for o in only)


if __name__ == "__main__":
    sys.exit(main())
