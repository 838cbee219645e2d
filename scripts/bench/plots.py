"""The two plots of BENCHMARKS.md, drawn from a run's figures (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

from results import Results

STYLE = {"sqlite": "-", "postgresql": "--"}


def lineage_plot(results: Results, path: Path) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [("lineage.upstream.now.p95", "upstream now p95"), ("lineage.upstream.past.p95", "upstream as-of p95"),
              ("lineage.where_used.component_lot.p50", "where-used component lot p50"),
              ("lineage.where_used.raw_lot.p50", "where-used raw lot p50"),
              ("lineage.recall.raw_lot", "recall raw lot p50")]
    fig, ax = plt.subplots(figsize=(7.5, 5))
    drawn = 0
    for db, style in STYLE.items():
        for i, (name, label) in enumerate(series):
            points = sorted((f.size, f.value) for f in results.figures
                            if f.name == name and f.database == db and f.value and f.size)
            if len(points) < 2:
                continue
            ax.plot([p[0] for p in points], [p[1] for p in points], style, marker="o", color=f"C{i}",
                    label=f"{label} ({db})")
            drawn += 1
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("edges in the lineage graph")
    ax.set_ylabel("latency (ms)")
    ax.set_title("cradletrace lineage latency against graph size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def capture_plot(results: Results, path: Path) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5))
    drawn = 0
    for db, style in STYLE.items():
        for i, shape in enumerate(("flat", "nested")):
            points = sorted((f.size, 1e6 / f.value) for f in results.figures
                            if f.name == f"capture.cost_per_event.{shape}" and f.database == db and f.value)
            if len(points) < 2:
                continue
            ax.plot([p[0] for p in points], [p[1] for p in points], style, marker="o", color=f"C{i}",
                    label=f"{shape} mix ({db})")
            drawn += 1
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("events in the document")
    ax.set_ylabel("capture rate (events/s, in process)")
    ax.set_title("cradletrace capture rate against document size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
