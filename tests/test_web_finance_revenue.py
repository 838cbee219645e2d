"""The revenue dashboard: the schedule per period of a chosen range (default the last twelve months) as a chart
with the same numbers in a table, the totals, and the schedule and journal downloads (CSV and XLSX, read back
with pandas). Both databases (revenue_world: 10 pumps under contract C1 with a three-year plan each)."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy.orm import Session

import revenue_world as world
from cradletrace.web.commercial import FINANCE_ROLES
from cradletrace.web.finance.revenue import asked_range
from cradletrace.errors import InvalidInput
from q2c_web_support import HTML, SignedIn, check_access, text
from web_support import app, signed_in  # noqa: F401

RANGE = "from=2026-03-01&to=2026-07-01"


@pytest.fixture
def recognised(session: Session) -> None:
    world.build(session)


def test_the_schedule_per_month_with_its_totals(recognised: None, signed_in: SignedIn) -> None:
    response = signed_in("finance").get(f"/finance/revenue?{RANGE}", headers=HTML)
    page, body = text(response), response.get_data(as_text=True)
    # Allocation: pumps 12 920 x 15 000 / 20 400 = 950.00 each, plans 342.00 each (9.50 a month).
    # March: P1-P6 received on 10 March, 6 x 950 = 5 700.00; INV-000001 7 752.00; deferred 12 920 - 5 700 = 7 220.00;
    # billed beyond recognised 7 752 - 5 700 = 2 052.00 (a liability).
    assert "2026-03 5,700.00 5,700.00 0.00 7,752.00 7,220.00 0.00 2,052.00" in page
    # April: P7-P10 (3 800.00) and the six March plans' first month (57.00); INV-000002 5 168.00.
    assert "2026-04 3,857.00 3,800.00 57.00 5,168.00 3,363.00 0.00 3,363.00" in page
    # May: ten plans, 95.00.
    assert "2026-05 95.00 0.00 95.00 0.00 3,268.00 0.00 3,268.00" in page
    # June: P10 credited, its 950.00 reversed; nine plans 85.50; CN-000001 -1 292.00; deferred 2 850.00; liability
    # billed 11 628 less recognised 8 787.50 = 2 840.50.
    assert "2026-06 -864.50 -950.00 85.50 -1,292.00 2,850.00 0.00 2,840.50" in page
    # Totals: recognised 5 700 + 3 857 + 95 - 864.50 = 8 787.50 (products 8 550.00, services 237.50); billed
    # 7 752 + 5 168 - 1 292 = 11 628.00; the balances at the end of June.
    assert "Total 8,787.50 8,550.00 237.50 11,628.00 2,850.00 0.00 2,840.50" in page
    assert ("Recognised 8,787.50 EUR of it products 8,550.00 of it services 237.50 Billed 11,628.00 "
            "Deferred at the end 2,850.00 Contract assets 0.00 Contract liabilities 2,840.50") in page
    # The chart: two bars a month (recognised stacked by products and services, billed) and the deferred line.
    chart = body.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert chart.count('<rect class="products"') == 4 and chart.count('<rect class="billed"') == 4
    assert chart.count("<polyline") == 1 and "June" not in chart and "2026-06" in chart


def test_quarters_and_the_default_range(recognised: None, signed_in: SignedIn) -> None:
    client = signed_in("finance")
    page = text(client.get("/finance/revenue?from=2026-01-01&to=2027-01-01&period=quarter", headers=HTML))
    # Q1: March alone; Q2: April to June, 3 857 + 95 - 864.50 = 3 087.50.
    assert "2026-Q1 5,700.00" in page and "2026-Q2 3,087.50" in page
    assert "2026-Q4" in page
    # The last twelve calendar months, this one included: January to December 2026.
    assert asked_range({}, datetime(2026, 12, 6, 21)).query == {"from": "2026-01-01", "to": "2027-01-01",
                                                                "period": "month"}
    assert asked_range({"to": "2026-07-01"}, datetime(2026, 12, 6)).query["from"] == "2025-07-01"
    with pytest.raises(InvalidInput, match="is not before its end"):
        asked_range({"from": "2026-07-01", "to": "2026-03-01"}, datetime(2026, 12, 6))
    response = client.get("/finance/revenue?from=yesterday", headers=HTML)
    assert response.status_code == 400 and "from: give a date as YYYY-MM-DD, not 'yesterday'" in text(response)
    assert client.get("/finance/revenue?period=week", headers=HTML).status_code == 400


def test_the_schedule_downloads_read_back(recognised: None, signed_in: SignedIn) -> None:
    client = signed_in("finance")
    response = client.get(f"/finance/revenue/schedule.csv?{RANGE}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == ('attachment; filename="revenue-schedule_2026-03-01_'
                                                       '2026-07-01.csv"')
    frame = pd.read_csv(io.BytesIO(response.get_data()))
    assert list(frame["period"]) == ["2026-03", "2026-04", "2026-05", "2026-06"]
    assert [Decimal(str(v)) for v in frame["recognised"]] == [Decimal("5700.0"), Decimal("3857.0"), Decimal("95.0"),
                                                               Decimal("-864.5")]
    sheets = pd.read_excel(io.BytesIO(client.get(f"/finance/revenue/schedule.xlsx?{RANGE}").get_data()),
                           sheet_name=None)
    assert list(sheets) == ["summary", "schedule", "obligations", "journal"]
    assert list(sheets["schedule"]["billed"]) == [7752.0, 5168.0, 0.0, -1292.0]
    # 10 pumps and 10 plans, each an obligation of 950.00 or 342.00.
    assert sorted(sheets["obligations"]["allocated"].value_counts().items()) == [(342.0, 10), (950.0, 10)]


def test_the_journal_downloads_balance(recognised: None, signed_in: SignedIn) -> None:
    client = signed_in("finance")
    journal = pd.read_csv(io.BytesIO(client.get(f"/finance/revenue/journal.csv?{RANGE}").get_data()))
    assert list(journal.columns) == ["date", "account", "debit", "credit", "contract", "obligation", "reference",
                                     "currency"]
    assert round(journal["debit"].sum(), 2) == round(journal["credit"].sum(), 2)
    # Product revenue (4000): credited 9 500.00 for ten pumps, debited 950.00 for P10's reversal.
    revenue = journal[journal["account"] == 4000]
    assert (round(revenue["credit"].sum(), 2), round(revenue["debit"].sum(), 2)) == (9500.0, 950.0)
    sheets = pd.read_excel(io.BytesIO(client.get(f"/finance/revenue/journal.xlsx?{RANGE}").get_data()),
                           sheet_name=None)
    assert len(sheets["journal"]) == len(journal)


def test_who_may_open(app: Flask, session: Session, recognised: None) -> None:
    for url in (f"/finance/revenue?{RANGE}", f"/finance/revenue/schedule.csv?{RANGE}",
                f"/finance/revenue/journal.xlsx?{RANGE}"):
        check_access(app, session, "GET", url, FINANCE_ROLES)


def test_no_revenue_says_so(signed_in: SignedIn) -> None:
    page = text(signed_in("finance").get(f"/finance/revenue?{RANGE}", headers=HTML))
    assert "No revenue, billing or obligations in this range." in page
