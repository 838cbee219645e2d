"""``cradletrace revenue schedule`` and ``revenue journal`` as finance runs them: text, CSV, XLSX, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

import revenue_world as world
from cradletrace.cli import main
from cradletrace.db import create_db_engine


@pytest.fixture(scope="module")
def world_url(backend: str, make_database: Callable[..., str]) -> str:
    """The contract of 10 units and a three-year plan, committed once per backend (the commands only read)."""
    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        world.build(session)
        session.commit()
    engine.dispose()
    return url


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), prog_name="cradletrace")
    assert result.exit_code == 0, result.output
    return result


def test_the_schedule_as_text(world_url: str) -> None:
    out = run("revenue", "schedule", "--from", "2026-03-01", "--to", "2026-07-01", "--database", world_url).output
    lines = out.splitlines()
    assert lines[0] == "Revenue schedule"
    # The figures: recognised March to June 5 700 + 3 857 + 95 - 864.50 = 8 787.50; billed 12 920 - 1 292
    # = 11 628; at the end of June deferred 2 850.00 and a contract liability of 2 840.50.
    for figure in ("recognised            8787.50", "billed                11628.00", "deferred              2850.00",
                   "contract_liabilities  2840.50", "currency              EUR"):
        assert figure in lines, figure
    (march,) = [ln.split() for ln in lines if ln.startswith("2026-03 ")]
    assert march == ["2026-03", "2026-03-01", "2026-04-01", "EUR", "5700.00", "5700.00", "0.00", "7752.00", "7220.00",
                     "0.00", "2052.00"]
    assert "obligations:" not in out and "revenue journal" in out


def test_the_schedule_exports_to_csv_and_xlsx_and_reads_back(world_url: str, tmp_path: Path) -> None:
    run("revenue", "schedule", "--from", "2026-01-01", "--to", "2027-01-01", "--period", "quarter", "--format", "csv",
        "-o", str(tmp_path / "rev.csv"), "--database", world_url)
    schedule = pd.read_csv(tmp_path / "rev.csv")
    # Q1: March's 5 700.00; Q2: April to June, 3 857 + 95 - 864.50 = 3 087.50; deferred at the end of June 2 850.
    assert list(schedule["period"]) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert list(schedule["recognised"][:2]) == [5700.0, 3087.5] and schedule["deferred"][1] == 2850.0
    obligations = pd.read_csv(tmp_path / "rev.obligations.csv")
    assert len(obligations) == 20 and set(obligations["allocated"]) == {950.0, 342.0}
    p10 = obligations[obligations["unit"] == world.unit(10)].set_index("kind")
    assert (p10.loc["unit", "status"], p10.loc["plan", "status"], p10.loc["plan", "recognised"]) == ("credited", "closed", 9.5)
    journal = pd.read_csv(tmp_path / "rev.journal.csv", dtype={"account": str})
    assert journal["debit"].sum() == pytest.approx(journal["credit"].sum())

    xlsx = tmp_path / "rev.xlsx"
    run("revenue", "schedule", "--from", "2026-03-01", "--to", "2026-07-01", "--format", "xlsx", "-o", str(xlsx),
        "--database", world_url)
    book = pd.read_excel(xlsx, sheet_name=None)
    assert list(book) == ["summary", "schedule", "obligations", "journal"]
    summary = dict(zip(book["summary"]["figure"], book["summary"]["value"]))
    assert (float(summary["recognised"]), float(summary["deferred"])) == (8787.5, 2850.0)
    assert list(book["schedule"]["period"]) == ["2026-03", "2026-04", "2026-05", "2026-06"]
    assert list(book["schedule"]["contract_liabilities"]) == [2052.0, 3363.0, 3268.0, 2840.5]
    assert book["schedule"]["start"][0] == pd.Timestamp("2026-03-01")


def test_the_schedule_as_json(world_url: str) -> None:
    data = json.loads(run("revenue", "schedule", "--from", "2026-04-01", "--to", "2026-05-01", "--format", "json",
                          "--database", world_url).output)
    assert (data["report"], data["filters"], data["recognised"], data["deferred"]) == (
        "revenue", {"periods": "month"}, 3857.0, 3363.0)
    assert [r["period"] for r in data["tables"]["schedule"]] == ["2026-04"]
    # April's journal: INV-000002, four deliveries and six plan months, each two lines or more.
    assert {ln["reference"] for ln in data["tables"]["journal"]} >= {"INV-000002", "CARE3 month 1 of 36"}


def test_the_journal_is_plain_csv_for_a_ledger_with_its_own_accounts(world_url: str, tmp_path: Path) -> None:
    out = run("revenue", "journal", "--from", "2026-06-01", "--to", "2026-07-01", "--account", "product_revenue=4010",
              "--database", world_url).output
    rows = out.splitlines()
    assert rows[0] == "date,account,debit,credit,contract,obligation,reference,currency"
    # CN-000001 on 12 June: tax 258.40 back, receivables 1 550.40 less, the liability 1 292.00 less; then the
    # reversal of P10's 950.00 from product revenue (4010 here) back to the liability.
    p10 = f"SO1 line 1: {world.unit(10)}"
    assert [r for r in rows if "CN-000001" in r] == [
        "2026-06-12,2200,258.40,0.00,contract C1,,CN-000001,EUR",
        "2026-06-12,1100,0.00,1550.40,contract C1,,CN-000001,EUR",
        "2026-06-12,2400,1292.00,0.00,contract C1,,CN-000001,EUR",
        f"2026-06-12,4010,950.00,0.00,contract C1,{p10},CN-000001,EUR",
        f"2026-06-12,2400,0.00,950.00,contract C1,{p10},CN-000001,EUR",
    ]
    target = tmp_path / "june.csv"
    run("revenue", "journal", "--from", "2026-06-01", "--to", "2026-07-01", "--account", "product_revenue=4010", "-o",
        str(target), "--database", world_url)
    assert target.read_text() == out
