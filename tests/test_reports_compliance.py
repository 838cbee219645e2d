"""The compliance report: units by status with the reasons, and the custody findings beside them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from cradletrace.compliance import add_certificate, declare_substances
from cradletrace.reports.compliance import compliance_report
from cradletrace.reports.output import write_report
from metrics_world import AL, CU, G_PACK, G_PCB, P1, P2, build, day


def test_units_by_status_with_reasons(session: Session, tmp_path: Path) -> None:
    build(session, swap=False, end_of_life=False)
    declare_substances(session, AL, [], declared_at=day(0))
    declare_substances(session, G_PCB, [], declared_at=day(0))
    declare_substances(session, CU, [{"substance": "lead", "cas": "7439-92-1", "mass_fraction": 0.01,
                                      "article_fraction": 0.0001}], declared_at=day(0))
    add_certificate(session, G_PACK, "EU_DoC", "DoC-1", valid_from=day(0))
    report = compliance_report(session, product=G_PACK, until=day(50), charts=False)
    assert (report.figures["units_compliant"], report.figures["units_non_compliant"]) == (0, 2)
    units = report.tables["units"].set_index("unit")
    assert set(units.index) == {P1, P2} and units.loc[P1, "rule_rohs"] == "non_compliant"
    assert units.loc[P1, "responsible"] == CU
    reasons = report.tables["reasons"]
    assert ((reasons["rule"] == "rohs") & (reasons["subject"] == CU)).sum() == 2, "one per unit"
    assert set(report.tables["findings"]["kind"]) >= {"shipped_not_received"}
    write_report(report, "xlsx", tmp_path / "c.xlsx")
    assert set(pd.read_excel(tmp_path / "c.xlsx", sheet_name=None)) == {"summary", "status", "units", "reasons",
                                                                        "findings"}
