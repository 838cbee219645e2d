"""``cradletrace report sustainability|compliance|recall`` on a database of their own, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from cradletrace.cli import main
from cradletrace.compliance import add_certificate, declare_substances
from cradletrace.db import create_db_engine
from metrics_world import AL, CU, G_PACK, G_PCB, P1, build, day


@pytest.fixture(scope="module")
def database(make_database, backend: str) -> str:  # type: ignore[no-untyped-def]
    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        build(session)
        for subject in (AL, CU, G_PCB):
            declare_substances(session, subject, [], declared_at=day(0))
        add_certificate(session, G_PACK, "EU_DoC", "DoC-1", valid_from=day(0))
        session.commit()
    engine.dispose()
    return url


def run(database: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*args, "--database", database])


def test_sustainability_json_and_xlsx(database: str, tmp_path: Path) -> None:
    result = run(database, "report", "sustainability", "--product", G_PACK, "--to", "2025-10-01", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["units_produced"] == 2 and body["filters"]["product"] == G_PACK
    assert {r["stage"] for r in body["tables"]["footprint"]} >= {"materials", "use", "total", "credits"}
    out = tmp_path / "s.xlsx"
    result = run(database, "report", "sustainability", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(pd.read_excel(out, sheet_name="units")) == 4


def test_compliance_html_and_csv(database: str, tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    result = run(database, "report", "compliance", "--product", G_PACK, "--to", "2025-03-01", "--format", "html",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and P1 in page
    result = run(database, "report", "compliance", "--product", G_PACK, "--to", "2025-03-01", "--format", "csv")
    assert result.exit_code == 0 and "# units" in result.output


def test_recall_report(database: str) -> None:
    result = run(database, "report", "recall", AL, "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["units_affected"] == 2 and body["in_service"] == 1 and body["recycled"] == 1


def test_user_errors_are_one_line(database: str) -> None:
    for args in (("report", "recall", "urn:example:none"), ("report", "compliance", "--product", "123"),
                 ("report", "sustainability", "--format", "xlsx")):
        result = run(database, *args)
        assert result.exit_code == 1 and result.output.startswith("error: "), result.output
        assert len(result.output.strip().splitlines()) == 1
