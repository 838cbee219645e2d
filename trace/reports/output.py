"""One writer for every report: text, CSV, XLSX, JSON and self-contained HTML (charts as data URIs).

A :class:`Report` is a title, its period and filters, named figures (the KPIs: numbers, or small
JSON-able values such as an aging bucket table), named tables (DataFrames) and charts (PNG bytes).
Each format writes all of it:

- ``text``: figures, then each table, for a person at a terminal;
- ``csv``: the tables; to stdout one after another, each after a ``# name`` line; to a file FILE,
  the first table to FILE and every other one beside it as ``FILE-stem.name.csv``, so each file is
  one table that ``pandas.read_csv`` reads back;
- ``xlsx``: a ``summary`` sheet of the figures, then one sheet per table (openpyxl);
- ``json``: ``{"report", "period", "filters", <each figure by its name>, "tables": {name: rows}}``;
- ``html``: one file with the figures, the tables and the charts embedded as ``data:image/png``.
"""

from __future__ import annotations

import base64
import html
import io
import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

FORMATS = ("text", "csv", "xlsx", "json", "html")


@dataclass
class Report:
    """What a report says: figures (KPIs by name), tables and charts."""

    name: str
    title: str
    period: tuple[datetime | date | None, datetime | date | None] = (None, None)
    filters: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def write_report(report: Report, fmt: str, path: Path | None = None) -> str | bytes | None:
    """Write ``report`` as ``fmt`` to ``path``; without a path, return the text (``xlsx`` needs a path).

    Examples
    --------
    >>> import pandas as pd
    >>> r = Report("demo", "Demo", figures={"dso": 42.0}, tables={"rows": pd.DataFrame({"a": [1, 2]})})
    >>> print(write_report(r, "json"))  # doctest: +NORMALIZE_WHITESPACE
    {"report": "demo", "title": "Demo", "period": {"from": null, "to": null}, "filters": {},
     "dso": 42.0, "notes": [], "tables": {"rows": [{"a": 1}, {"a": 2}]}}
    >>> print(write_report(r, "csv"))
    # rows
    a
    1
    2
    <BLANKLINE>
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "xlsx":
        if path is None:
            raise ValueError("an XLSX report needs an output file (-o FILE)")
        _write_xlsx(report, path)
        return None
    if fmt == "csv" and path is not None:
        _write_csv_files(report, path)
        return None
    text = {"text": _text, "csv": _csv, "json": _json, "html": _html}[fmt](report)
    if path is not None:
        path.write_text(text, encoding="utf-8")
        return None
    return text


def plain_csv(report: Report) -> str:
    """The first table of ``report`` as CSV with nothing before its header (standard output, a ledger import, a
    download of one list)."""
    frame = next(iter(report.tables.values()))
    return frame.to_csv(index=False)


def xlsx_bytes(report: Report) -> bytes:
    """``report`` as an XLSX file's bytes, every table a sheet (what :func:`write_report` writes to a path), for
    a download."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        write_report(report, "xlsx", path)
        return path.read_bytes()


def jsonable(value: Any) -> Any:
    """A figure or cell as JSON: Decimal and numpy numbers as numbers, NaN as null, times as ISO text."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [jsonable(row) for row in value.to_dict(orient="records")]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return None if pd.isna(value) else value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def _json(report: Report) -> str:
    import json

    body: dict[str, Any] = {
        "report": report.name,
        "title": report.title,
        "period": {"from": jsonable(report.period[0]), "to": jsonable(report.period[1])},
        "filters": jsonable(report.filters),
    }
    for name, value in report.figures.items():
        body[name] = jsonable(value)
    body["notes"] = list(report.notes)
    body["tables"] = {name: jsonable(frame) for name, frame in report.tables.items()}
    return json.dumps(body, ensure_ascii=False, default=str)


def _figure_text(value: Any) -> str:
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:,.2f}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_figure_text(v)}" for k, v in value.items())
    return "-" if value is None else str(value)


def _text(report: Report) -> str:
    lines = [report.title, "=" * len(report.title)]
    start, end = report.period
    if start or end:
        lines.append(f"period: {jsonable(start) or '...'} to {jsonable(end) or '...'}")
    for key, value in report.filters.items():
        if value not in (None, "", ()):
            lines.append(f"{key}: {value}")
    if report.figures:
        lines.append("")
        width = max(len(name) for name in report.figures)
        lines += [f"{name:<{width}}  {_figure_text(value)}" for name, value in report.figures.items()]
    for name, frame in report.tables.items():
        lines += ["", f"{name}:", frame.to_string(index=False) if len(frame) else "  (none)"]
    lines += [f"note: {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def _csv(report: Report) -> str:
    parts = [f"# {name}\n{frame.to_csv(index=False)}" for name, frame in report.tables.items()]
    return "\n".join(parts)


def _write_csv_files(report: Report, path: Path) -> None:
    for index, (name, frame) in enumerate(report.tables.items()):
        target = path if index == 0 else path.with_name(f"{path.stem}.{name}{path.suffix or '.csv'}")
        frame.to_csv(target, index=False)
    if not report.tables:
        path.write_text("", encoding="utf-8")


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    # Excel has no time zones: aware datetimes are written as UTC wall time.
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


def _write_xlsx(report: Report, path: Path) -> None:
    summary = pd.DataFrame(
        [{"figure": name, "value": _figure_text(value) if isinstance(value, Mapping) else jsonable(value)}
         for name, value in report.figures.items()],
        columns=["figure", "value"],
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        summary.to_excel(writer, sheet_name="summary", index=False)
        for name, frame in report.tables.items():
            _excel_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)


def chart_png(figure: Any) -> bytes:
    """A matplotlib figure as PNG bytes (and the figure closed), for :attr:`Report.charts`."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _html(report: Report) -> str:
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(report.title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}"
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
        "text-align:right}th{background:#f3f3f3}dt{font-weight:600}img{max-width:100%}</style>",
        f"</head><body><h1>{esc(report.title)}</h1>",
    ]
    start, end = report.period
    if start or end:
        parts.append(f"<p>Period: {esc(str(jsonable(start) or '...'))} to {esc(str(jsonable(end) or '...'))}</p>")
    if report.figures:
        parts.append("<dl>")
        for name, value in report.figures.items():
            parts.append(f"<dt>{esc(name)}</dt><dd>{esc(_figure_text(value))}</dd>")
        parts.append("</dl>")
    for name, png in report.charts.items():
        data = base64.b64encode(png).decode()
        parts.append(f"<figure><img alt='{esc(name)}' src='data:image/png;base64,{data}'>"
                     f"<figcaption>{esc(name)}</figcaption></figure>")
    for name, frame in report.tables.items():
        parts.append(f"<h2>{esc(name)}</h2>")
        parts.append(frame.to_html(index=False, na_rep="-", border=0) if len(frame) else "<p>(none)</p>")
    parts += [f"<p class='note'>{esc(note)}</p>" for note in report.notes]
    parts.append("</body></html>")
    return "\n".join(parts)
