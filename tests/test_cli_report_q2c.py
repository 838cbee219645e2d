"""``cradletrace report q2c`` in every format (the XLSX read back with pandas), its filters and its empty period."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

import q2c_world as world
from cradletrace.cli import main
from cradletrace.db import create_db_engine

MARCH = ("--from", "2026-03-01", "--to", "2026-04-01")


@pytest.fixture(scope="module")
def url(backend: str, make_database: Callable[..., str]) -> str:
    """q2c_world committed once per backend (the command only reads)."""
    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        world.build(session)
        session.commit()
    engine.dispose()
    return url


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, ["report", "q2c", *args], prog_name="cradletrace")
    assert result.exit_code == 0, result.output
    return result


def test_text(url: str) -> None:
    lines = run(*MARCH, "--database", url).output.splitlines()
    assert lines[:3] == ["Quote-to-cash", "=============", "period: 2026-03-01T00:00:00 to 2026-04-01T00:00:00"]
    # The figures of q2c_world's March (tests/test_reports_quote_to_cash.py works each out).
    for shown in ("quote_turnaround                 mean: 1.81, median: 0.58, count: 4",
                  "discount_given                   2610.00", "quote_to_order_rate_by_versions  1: 33.33, 2: 100.00",
                  "renewal_rate                     50.00", "revenue_deferred                 27040.00",
                  "mismatch_rate                    50.00"):
        assert shown in lines, shown
    assert "contract_periods:" in lines and "note: nothing in the period" not in "\n".join(lines)


def test_json_names_each_figure(url: str) -> None:
    data = json.loads(run(*MARCH, "--format", "json", "--database", url).output)
    assert (data["report"], data["period"]) == ("q2c", {"from": "2026-03-01T00:00:00", "to": "2026-04-01T00:00:00"})
    assert data["quote_to_order_rate"] == 50.0 and data["approval_cycle_time"]["pending"] == 1
    assert data["revenue_recognised"] == 8400.0 and data["mismatch_rate_including_service"] == 75.0
    # 2 610 of 13 050 on Q-2's order is 20 %; SO-1 had no list (0 %).
    assert data["tables"]["discount_by_customer"] == [{"customer": "Alpha", "currency": "EUR", "list_value": 38050.0,
                                                       "net": 35440.0, "discount": 2610.0, "share": 6.86}]


def test_csv_files_and_xlsx_read_back(url: str, tmp_path: Path) -> None:
    run(*MARCH, "--format", "csv", "-o", str(tmp_path / "q2c.csv"), "--database", url)
    kpis = pd.read_csv(tmp_path / "q2c.csv")
    values = dict(zip(kpis["kpi"], kpis["value"]))
    assert float(values["quote_turnaround.mean"]) == 1.81 and float(values["contract_cycle_time.median"]) == 9.5
    assert float(values["quote_to_order_rate_by_versions.2"]) == 100.0
    quotes = pd.read_csv(tmp_path / "q2c.quote_to_order.csv")
    assert quotes.to_dict("records") == [{"versions": 1, "decided": 3, "ordered": 1, "rate": 33.33},
                                         {"versions": 2, "decided": 1, "ordered": 1, "rate": 100.0}]
    assert pd.read_csv(tmp_path / "q2c.revenue.csv")["deferred"].tolist() == [27040.0]

    run(*MARCH, "--period", "quarter", "--format", "xlsx", "-o", str(tmp_path / "q2c.xlsx"), "--database", url)
    sheets = pd.read_excel(tmp_path / "q2c.xlsx", sheet_name=None)
    assert list(sheets) == ["summary", "kpis", "discount_by_customer", "discount_by_product", "quote_to_order",
                            "contract_periods", "revenue"]
    summary = dict(zip(sheets["summary"]["figure"], sheets["summary"]["value"]))
    assert summary["discount_share"] == 6.86 and summary["renewal_rate"] == 50
    assert sheets["contract_periods"]["contract"].tolist() == ["C-2", "C-3", "C-1"]
    # A quarter cut to the range: one row, 2026-Q1 from 1 March.
    assert sheets["revenue"][["period", "recognised"]].values.tolist() == [["2026-Q1", 8400]]


def test_filters_and_an_empty_period(url: str) -> None:
    beta = json.loads(run(*MARCH, "--customer", world.BETA, "--format", "json", "--database", url).output)
    assert (beta["filters"]["customer"], beta["quotes_decided"], beta["quote_to_order_rate"]) == (world.BETA, 2, 0.0)
    product = json.loads(run(*MARCH, "--product", world.PACK10, "--format", "json", "--database", url).output)
    assert product["list_value"] == 4000.0 and product["notes"] == ["contracts and revenue are not filtered by product"]
    empty = run("--from", "2025-01-01", "--to", "2025-02-01", "--database", url).output
    assert "note: nothing in the period" in empty


def test_bad_arguments(url: str) -> None:
    for args, naming in ((["--customer", "urn:example:nobody"], "no customer"),
                         (["--from", "2026-04-01", "--to", "2026-03-01"], "--from 2026-04-01 is not before --to"),
                         (["--period", "week"], "Invalid value for '--period'"),
                         (["--format", "xlsx"], "an XLSX report needs an output file")):
        result = CliRunner().invoke(main, ["report", "q2c", *args, "--database", url])
        assert result.exit_code == 1 and naming in result.stderr, (args, result.output)
