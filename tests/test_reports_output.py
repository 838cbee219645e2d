"""The one report writer: every format carries the figures and tables, and reads back."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from cradletrace.cli.report import emit, output_options
from cradletrace.reports.output import Report, chart_png, write_report


def _report() -> Report:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    return Report(
        "demo", "Demo report", filters={"customer": "ACME"},
        figures={"dso": 42.0, "revenue": Decimal("1234.50"), "aging": {"current": 10.0, "1-30": 5.0}},
        tables={"invoices": pd.DataFrame({"number": ["INV-1", "INV-2"], "amount": [100.5, 200.0]}),
                "customers": pd.DataFrame({"customer": ["ACME"], "dso": [42.0]})},
        charts={"by stage": chart_png(fig)},
    )


def test_json_names_every_figure_and_table() -> None:
    body = json.loads(write_report(_report(), "json"))
    assert body["dso"] == 42.0 and body["revenue"] == 1234.5
    assert body["aging"] == {"current": 10.0, "1-30": 5.0}
    assert body["tables"]["invoices"][1] == {"number": "INV-2", "amount": 200.0}
    assert body["filters"] == {"customer": "ACME"}


def test_csv_to_a_file_writes_one_readable_file_per_table(tmp_path: Path) -> None:
    write_report(_report(), "csv", tmp_path / "o2c.csv")
    assert pd.read_csv(tmp_path / "o2c.csv")["number"].tolist() == ["INV-1", "INV-2"]
    assert pd.read_csv(tmp_path / "o2c.customers.csv")["dso"].tolist() == [42.0]


def test_xlsx_reads_back_with_pandas(tmp_path: Path) -> None:
    write_report(_report(), "xlsx", tmp_path / "r.xlsx")
    sheets = pd.read_excel(tmp_path / "r.xlsx", sheet_name=None)
    assert list(sheets) == ["summary", "invoices", "customers"]
    assert sheets["invoices"]["amount"].tolist() == [100.5, 200.0]
    assert dict(zip(sheets["summary"]["figure"], sheets["summary"]["value"]))["dso"] == 42.0


def test_html_is_self_contained_with_its_chart() -> None:
    page = write_report(_report(), "html")
    assert "data:image/png;base64," in page and "<table" in page and "INV-2" in page
    assert "http" not in page.replace("http-equiv", "")  # nothing loaded from elsewhere


def test_text_lists_figures_and_tables() -> None:
    text = write_report(_report(), "text")
    assert "dso" in text and "42.00" in text and "INV-1" in text and "customer: ACME" in text


def test_unknown_format_and_xlsx_without_a_file_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        write_report(_report(), "pdf")
    with pytest.raises(ValueError, match="needs an output file"):
        write_report(_report(), "xlsx")


def _command(fail: bool) -> click.Command:
    @click.command()
    @output_options("text", "csv", "xlsx", "json", "html")
    def command(fmt: str, output: Path | None) -> None:
        report = _report()
        if fail:
            report.tables["broken"] = "not a frame"  # type: ignore[assignment]
        emit(report, fmt, output)

    return command


def test_emit_writes_the_file_whole(tmp_path: Path) -> None:
    result = CliRunner().invoke(_command(False), ["--format", "csv", "-o", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.customers.csv"]


def test_emit_leaves_nothing_half_written(tmp_path: Path) -> None:
    result = CliRunner().invoke(_command(True), ["--format", "csv", "-o", str(tmp_path / "r.csv")])
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == []
