"""``cradletrace import`` and ``cradletrace report o2c|l2c`` as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

import commerce_world as world
from cradletrace.cli import main
from cradletrace.db import create_db_engine
from cradletrace.lifecycle import add_party, add_product


@pytest.fixture(scope="module")
def world_url(backend: str, make_database: Callable[..., str]) -> str:
    """One committed world per backend for the report tests, which only read it."""
    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        world.build(session)
        session.commit()
    engine.dispose()
    return url


def test_report_o2c_json_names_each_kpi(world_url: str) -> None:
    url = world_url
    result = CliRunner().invoke(main, ["report", "o2c", "--from", "2026-02-01", "--to", "2026-04-01",
                                       "--format", "json", "--database", url])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["report"] == "o2c" and data["dso"] == 30.66 and data["cei"] == 48.04
    assert data["aging"]["31-60"] == 1000 and data["billing_speed"]["mean"] == 1.25
    assert data["order_cycle_time"] == {"mean": 6.0, "median": 4.0, "count": 3}
    assert [r["number"] for r in data["tables"]["open_items"]] == ["INV-000002", "INV-000003"]

    result = CliRunner().invoke(main, ["report", "l2c", "--from", "2026-01-01", "--to", "2026-04-01",
                                       "--format", "json", "--database", url])
    data = json.loads(result.output)
    assert (data["conversion_rate"], data["sales_cycle_length"]["mean"], data["win_rate"]) == (75.0, 21.0, 66.67)


def test_report_filters_text_and_xlsx(world_url: str, tmp_path: Path) -> None:
    url = world_url
    result = CliRunner().invoke(main, ["report", "o2c", "--from", "2026-02-01", "--to", "2026-04-01",
                                       "--customer", world.CUSTOMER_B, "--database", url])
    assert result.exit_code == 0, result.output
    assert "dso" in result.output and "1500.00" in result.output
    out = tmp_path / "o2c.xlsx"
    result = CliRunner().invoke(main, ["report", "o2c", "--from", "2026-02-01", "--to", "2026-04-01",
                                       "--product", world.PUMP, "--format", "xlsx", "-o", str(out),
                                       "--database", url])
    assert result.exit_code == 0, result.output
    assert "summary" in pd.ExcelFile(out).sheet_names


def test_report_errors_are_one_line(backend: str, make_database: Callable[..., str]) -> None:
    url = make_database(backend)
    result = CliRunner().invoke(main, ["report", "o2c", "--customer", "https://id.gs1.org/417/9520999999945",
                                       "--database", url])
    assert result.exit_code == 1 and result.output.startswith("error: --customer: no customer")
    result = CliRunner().invoke(main, ["report", "l2c", "--from", "2026-02-01", "--to", "2026-01-01",
                                       "--database", url])
    assert result.exit_code == 1 and "is not before --to" in result.output


def test_import_commits_and_a_bad_file_writes_nothing(backend: str, make_database: Callable[..., str],
                                                      tmp_path: Path) -> None:
    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        add_party(session, world.CUSTOMER_A, "Alpha")
        add_product(session, world.PUMP, "Pump")
        session.commit()
    engine.dispose()
    good = tmp_path / "orders.csv"
    good.write_text("number,customer,currency,date,product,quantity,unit_price\n"
                    "SO-1,9520999999983,EUR,2026-03-01,09506000134352,2,10.00\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "orders", str(good), "--format", "json", "--database", url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"] == ["SO-1"]
    result = CliRunner().invoke(main, ["import", "orders", str(good), "--database", url])
    assert "0 orders created, 1 updated" in result.output

    bad = tmp_path / "more.csv"
    bad.write_text("number,customer,currency,date,product,quantity,unit_price\n"
                   "SO-2,9520999999983,EUR,2026-03-01,09506000134352,2,10.00\n"
                   "SO-3,9520999999983,EUR,2026-03-01,09506000134352,-1,10.00\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "orders", str(bad), "--database", url])
    assert result.exit_code == 1
    assert result.output == "error: more.csv: line 3, column quantity: must be positive, got -1\n"
    result = CliRunner().invoke(main, ["report", "o2c", "--from", "2026-01-01", "--to", "2026-04-01",
                                       "--format", "json", "--database", url])
    assert json.loads(result.output)["orders"] == 1


def test_report_csv_holds_the_figures(world_url: str) -> None:
    result = CliRunner().invoke(main, ["report", "l2c", "--from", "2026-01-01", "--to", "2026-04-01",
                                       "--format", "csv", "--database", world_url])
    assert result.exit_code == 0, result.output
    assert "conversion_rate,75.0" in result.output and "sales_cycle_length.mean,21.0" in result.output
