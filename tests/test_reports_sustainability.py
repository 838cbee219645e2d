"""The sustainability report over the small product: figures worked out by hand, and every format opens."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from cradletrace.reports.output import write_report
from cradletrace.reports.sustainability import sustainability_report
from metrics_world import G_PACK, P1, P2, build, day


def test_figures_and_tables(session: Session) -> None:
    build(session)
    report = sustainability_report(session, product=G_PACK, until=day(300), charts=False)
    assert report.figures["units_produced"] == 2
    units = report.tables["units"].set_index("unit")
    assert set(units.index) == {P1, P2}
    assert units.loc[P2, "end_of_life"] == pytest.approx(3.5 * 0.00468568)
    assert units.loc[P2, "credits"] < 0 and units.loc[P2, "total"] == pytest.approx(
        units.loc[P2, ["materials", "manufacturing", "transport", "use", "service", "end_of_life"]].sum())
    spread = report.tables["footprint"].set_index("stage")
    assert spread.loc["materials", "units"] == 2 and spread.loc["materials", "std"] == pytest.approx(0.0)
    assert spread.loc["total", "min"] == pytest.approx(units["total"].min())
    # 8 kg of aluminium at 25 % recycled, 1 kg of copper undeclared, P1's board: 0.5 kg PCB at 10 %.
    assert report.figures["recycled_content"] == pytest.approx((2.0 + 0.05) / 9.5)
    assert report.figures["recovery_rate"] == pytest.approx(0.35)
    materials = report.tables["materials"].set_index("material")
    assert materials.loc["aluminium", "mass_kg"] == pytest.approx(8.0)
    assert materials.index[0] == "aluminium", "the largest contributor first"
    gaps = report.tables["gaps"]
    assert gaps["missing"].str.contains("material.copper is a gap").any()
    spans = report.tables["lifespans"].set_index("gtin")
    assert (spans.loc[G_PACK, "units"], spans.loc[G_PACK, "ended"], spans.loc[G_PACK, "censored"]) == (2, 1, 1)
    assert spans.loc[G_PACK, "median_lifespan_days"] == pytest.approx(198.0)
    assert spans.loc[G_PACK, "routes"] == "disassembled: 1"


def test_every_format_opens(session: Session, tmp_path: Path) -> None:
    build(session)
    report = sustainability_report(session, until=day(300))
    write_report(report, "xlsx", tmp_path / "s.xlsx")
    sheets = pd.read_excel(tmp_path / "s.xlsx", sheet_name=None)
    assert {"summary", "footprint", "units", "materials", "gaps"} <= set(sheets)
    assert len(sheets["units"]) == 4
    page = write_report(report, "html")
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)
    assert images and base64.b64decode(images[0]).startswith(b"\x89PNG")
    write_report(report, "csv", tmp_path / "s.csv")
    assert pd.read_csv(tmp_path / "s.csv")["stage"].iloc[0] == "materials"
    assert '"units_produced": 4' in write_report(report, "json")


def test_a_period_without_units(session: Session) -> None:
    build(session)
    report = sustainability_report(session, since=day(400), until=day(500), charts=False)
    assert report.figures["units_produced"] == 0 and report.tables["units"].empty
    assert "units_produced" in write_report(report, "text")
