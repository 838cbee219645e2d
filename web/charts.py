"""Bar charts as SVG drawn on the server (no JavaScript): bars per category, stacked or side by side, negative
values below the zero line, and optional lines (a balance over the same categories).

The page puts a table of the same numbers beside every chart (UI.md), so the SVG carries a title and is
otherwise decoration for screen readers; colours come from CSS classes (``style.css``), and the legend
is HTML beside the chart, so colour is never the only cue (each series is named there and in the table).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

PLOT_HEIGHT, LABEL_HEIGHT, AXIS_WIDTH, PAD = 220, 44, 52, 8
BAR_WIDTH, BAR_GAP, GROUP_GAP = 16, 2, 12


@dataclass(frozen=True)
class Series:
    """Values per category. Bars of one ``stack`` are stacked; stacks stand side by side; ``line`` draws a line."""

    name: str
    css: str
    values: Sequence[Decimal]
    stack: str = ""
    line: bool = False


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values spanning ``low`` to ``high`` (zero always among them when the span crosses it).

    Examples
    --------
    >>> nice_ticks(0, 9500)
    [0.0, 2500.0, 5000.0, 7500.0, 10000.0]
    >>> nice_ticks(-950, 5700)
    [-2000.0, 0.0, 2000.0, 4000.0, 6000.0]
    >>> nice_ticks(0, 0)
    [0.0, 1.0]
    """
    if high <= low:
        return [float(low), float(low) + 1.0]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 1e-9:
        ticks.append(float(round(value, 10)))
        value += step
    if ticks[-1] < high:
        ticks.append(float(round(value, 10)))
    return ticks


def _extent(series: Sequence[Series], categories: int) -> tuple[float, float]:
    """The lowest and highest value the chart must show: stacked sums of bars, and every line point."""
    low, high = 0.0, 0.0
    stacks = {s.stack for s in series if not s.line}
    for i in range(categories):
        for stack in stacks:
            values = [float(s.values[i]) for s in series if not s.line and s.stack == stack]
            high = max(high, sum(v for v in values if v > 0))
            low = min(low, sum(v for v in values if v < 0))
        for s in series:
            if s.line:
                high, low = max(high, float(s.values[i])), min(low, float(s.values[i]))
    return low, high


def bar_chart(labels: Sequence[str], series: Sequence[Series], *, title: str) -> Markup:
    """An SVG bar chart of ``series`` over the categories ``labels`` (the unit goes in the caption beside it).

    Examples
    --------
    >>> svg = bar_chart(["2026-03", "2026-04"], [Series("recognised", "rec", [Decimal(100), Decimal(-50)], "r"),
    ...                                       Series("billed", "bill", [Decimal(80), Decimal(0)], "b")],
    ...                 title="Revenue")
    >>> svg.count("<rect"), "2026-04" in svg, "<title>Revenue</title>" in svg
    (4, True, True)
    """
    ticks = nice_ticks(*_extent(series, len(labels)))
    low, high = ticks[0], ticks[-1]
    stacks = list(dict.fromkeys(s.stack for s in series if not s.line))
    group = max(1, len(stacks)) * (BAR_WIDTH + BAR_GAP) - BAR_GAP
    width = AXIS_WIDTH + PAD + len(labels) * (group + GROUP_GAP)
    height = PAD + PLOT_HEIGHT + LABEL_HEIGHT

    def y(value: float) -> float:
        return PAD + (high - value) / (high - low) * PLOT_HEIGHT

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars-v" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img"><title>{escape(title)}</title>']
    for tick in ticks:
        cls = "zero" if tick == 0 else "grid"
        parts.append(f'<line class="{cls}" x1="{AXIS_WIDTH}" x2="{width - PAD}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
                     f'<text class="tick" x="{AXIS_WIDTH - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{_short(tick)}</text>')
    for i, label in enumerate(labels):
        left = AXIS_WIDTH + PAD / 2 + i * (group + GROUP_GAP)
        for j, stack in enumerate(stacks):
            x = left + j * (BAR_WIDTH + BAR_GAP)
            up, down = 0.0, 0.0
            for s in (s for s in series if not s.line and s.stack == stack):
                value = float(s.values[i])
                if value >= 0:
                    top, bottom, up = up + value, up, up + value
                else:
                    top, bottom, down = down, down + value, down + value
                parts.append(f'<rect class="{escape(s.css)}" x="{x:.1f}" y="{y(top):.1f}" width="{BAR_WIDTH}" '
                             f'height="{max(0.0, y(bottom) - y(top)):.1f}"><title>{escape(label)}, {escape(s.name)}: '
                             f'{s.values[i]}</title></rect>')
        head, year = split_label(label, labels[i - 1] if i else None)
        parts.append(f'<text class="label" x="{left + group / 2:.1f}" y="{PAD + PLOT_HEIGHT + 18}" '
                     f'text-anchor="middle">{escape(head)}</text>')
        if year:
            parts.append(f'<text class="label year" x="{left + group / 2:.1f}" y="{PAD + PLOT_HEIGHT + 36}" '
                         f'text-anchor="middle">{escape(year)}</text>')
    for s in (s for s in series if s.line):
        points = " ".join(f"{AXIS_WIDTH + PAD / 2 + i * (group + GROUP_GAP) + group / 2:.1f},{y(float(v)):.1f}"
                          for i, v in enumerate(s.values))
        parts.append(f'<polyline class="{escape(s.css)}" points="{points}"><title>{escape(s.name)}</title></polyline>')
    parts.append("</svg>")
    return Markup("".join(parts))


def split_label(label: str, before: str | None) -> tuple[str, str | None]:
    """A period's label on two lines, so it stays legible under a narrow bar: the month or quarter, and the year
    under the first period and wherever the year changes.

    Examples
    --------
    >>> split_label("2026-01", None), split_label("2026-02", "2026-01"), split_label("2027-Q1", "2026-Q4")
    (('01', '2026'), ('02', None), ('Q1', '2027'))
    >>> split_label("2026", "2025")
    ('2026', None)
    """
    year, _, part = label.partition("-")
    if not part:
        return label, None
    return part, year if before is None or not before.startswith(year) else None


def _short(value: float) -> str:
    """A tick's value, short: thousands as k, millions as M.

    Examples
    --------
    >>> _short(0), _short(2500), _short(-2000), _short(1500000), _short(250)
    ('0', '2.5k', '-2k', '1.5M', '250')
    """
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


__all__ = ["Series", "bar_chart", "nice_ticks", "split_label"]
