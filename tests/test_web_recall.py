"""The recall list's downloads (web/recall.py), linked from a lot's "Where used" section: the CSV and XLSX are the
recall report's files (what ``cradletrace report recall ID --format csv|xlsx -o FILE`` writes), for the roles
that see the section, on both databases; the world is tests/recall_world.py (cell lot CELLS in three packs)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from flask import Flask
from sqlalchemy.orm import Session

from cradletrace.passport import RECALL
from cradletrace.reports.output import write_report
from cradletrace.reports.recall import recall_report
from q2c_web_support import check_access, statements
from recall_world import CELLS, P1, P2, P3, build, seller  # noqa: F401
from web_support import app, signed_in  # noqa: F401

CSV_URL = "/recall.csv?id=(01)09506000134383(10)C-7"
XLSX_URL = "/recall.xlsx?id=(01)09506000134383(10)C-7"


def test_the_csv_is_every_unit_of_the_report(app: Flask, session: Session, seller: str, signed_in,  # noqa: F811
                                             tmp_path: Path) -> None:
    build(session)
    response = signed_in("supply_chain").get(CSV_URL)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="recall-01_09506000134383_10_C-7.csv"'
    assert response.headers["Cache-Control"] == "private, no-store"
    units = pd.read_csv(io.BytesIO(response.data))
    assert list(units["identifier"]) == [P1, P2, P3]
    assert list(units["status"]) == ["active", "disassembled", "active"]
    assert list(units["on_hold"]) == [False, False, True] and list(units["recycled"]) == [False, True, False]
    assert list(units["owner_name"].fillna("-")) == ["Fleet Co", "-", "Packs Ltd"], "P2 was never received"
    assert set(units["product"]) == {"Battery pack 48 V"}
    # byte for byte the file the command writes with -o FILE (its first table; by_owner goes beside it)
    write_report(recall_report(session, CELLS), "csv", tmp_path / "recall.csv")
    assert response.data == (tmp_path / "recall.csv").read_bytes()


def test_the_xlsx_has_the_figures_the_units_and_the_owners(app: Flask, session: Session, seller: str,  # noqa: F811
                                                          signed_in) -> None:  # noqa: F811
    build(session)
    response = signed_in("compliance").get(XLSX_URL)
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert response.headers["Content-Disposition"].endswith('filename="recall-01_09506000134383_10_C-7.xlsx"')
    sheets = pd.read_excel(io.BytesIO(response.data), sheet_name=None)
    assert list(sheets) == ["summary", "units", "by_owner"]
    figures = dict(zip(sheets["summary"]["figure"], sheets["summary"]["value"]))
    # P1 at Fleet Co; P3 ours, in stock, on hold; P2 recycled
    assert figures == {"units_affected": 3, "in_service": 2, "at_our_sites": 1, "at_customers": 1, "on_hold": 1,
                       "recycled": 1, "destroyed": 0}
    assert list(sheets["units"]["identifier"]) == [P1, P2, P3]
    by_owner = {(r.owner_name, r.status): r.units for r in sheets["by_owner"].itertuples()}
    assert by_owner == {("Fleet Co", "active"): 1, ("Packs Ltd", "active"): 1, ("(unknown)", "disassembled"): 1}


def test_who_may_download_is_who_sees_the_section(app: Flask, session: Session) -> None:  # noqa: F811
    build(session)
    for url in (CSV_URL, XLSX_URL):
        check_access(app, session, "GET", url, RECALL)


def test_a_missing_or_unknown_identifier_is_refused(app: Flask, session: Session, signed_in) -> None:  # noqa: F811
    client = signed_in("supply_chain")
    missing = client.get("/recall.csv", headers={"Accept": "application/json"})
    assert missing.status_code == 400 and "?id=" in missing.json["detail"]
    unknown = client.get("/recall.csv?id=(01)09506000134383(10)NONE", headers={"Accept": "application/json"})
    assert unknown.status_code == 404


def test_the_files_cost_the_same_statements_for_3_and_for_30_units(app: Flask, session: Session,  # noqa: F811
                                                                   signed_in) -> None:  # noqa: F811
    client = signed_in("supply_chain")
    counts = []
    for packs in (3, 30):
        nested = session.begin_nested()
        build(session, packs)
        with statements(session) as seen:
            assert len(pd.read_csv(io.BytesIO(client.get(CSV_URL).data))) == packs
            assert client.get(XLSX_URL).status_code == 200
        counts.append(len(seen))
        nested.rollback()
    assert counts[0] == counts[1], counts
