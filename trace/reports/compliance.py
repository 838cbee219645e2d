"""The compliance report: units by status with the reasons, the parts responsible, and the custody findings.

Set-based: the units of the period are one SELECT (:func:`cradletrace.reports.sustainability.units_of`),
their statuses a few statements per 5,000 units (:func:`cradletrace.compliance.statuses`), the
custody checks run once; every count is a pandas groupby.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pandas as pd
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.compliance import RULES, statuses
from cradletrace.findings import findings
from cradletrace.reports.output import Report, chart_png
from cradletrace.reports.sustainability import units_of
from cradletrace.timestamps import naive_utc, utc_now

STATUS_ORDER = ("compliant", "incomplete", "non_compliant")


def compliance_report(session: Session, *, product: str | None = None, since: datetime | None = None,
                      until: datetime | None = None, progress: Callable[[int], None] | None = None,
                      charts: bool = True) -> Report:
    """Compliance of the units commissioned in ``[since, until)`` at the end of the period (else now).

    Tables: ``status`` (units by status and product), ``units`` (one row per unit: status and
    per-rule status), ``reasons`` (every reason that is not plain compliant, with the part
    responsible), ``findings`` (the chain-of-custody findings of the log).
    """
    at = naive_utc(until) or utc_now()
    units = units_of(session, product, since, until)
    custody = findings(session)
    rows, reasons = [], []
    done = 0
    for chunk in chunks(units["node_id"].tolist()):
        for s in statuses(session, list(chunk), at, custody=custody):
            rows.append({"unit": s.unit, "gtin": s.gtin, "status": s.status, **{f"rule_{k}": v for k, v in s.rules.items()},
                         "responsible": " ".join(s.responsible)})
            reasons += [{"unit": s.unit, **r, "evidence": _text(r["evidence"])} for r in s.reasons
                        if r["status"] != "compliant"]
        done += len(chunk)
        if progress:
            progress(done)
    table = pd.DataFrame(rows, columns=["unit", "gtin", "status", *(f"rule_{r}" for r in RULES), "responsible"])
    table = table.merge(units[["unit", "product"]], on="unit", how="left")
    by_status = (table.groupby(["gtin", "product", "status"], dropna=False).size().rename("units").reset_index())
    report = Report("compliance", "Compliance report", period=(since, until),
                    filters={"product": product, "evaluated_at": at})
    counts = table["status"].value_counts()
    for name in STATUS_ORDER:
        report.figures[f"units_{name}"] = int(counts.get(name, 0))
    report.tables["status"] = by_status
    report.tables["units"] = table
    report.tables["reasons"] = pd.DataFrame(reasons, columns=["unit", "rule", "status", "subject", "via", "message",
                                                              "evidence"])
    report.tables["findings"] = pd.DataFrame(
        [{"check_id": f.check_id, "kind": f.kind, "severity": f.severity, "message": f.message,
          "identifiers": " ".join(f.identifiers), "event_ids": " ".join(f.event_ids)} for f in custody],
        columns=["check_id", "kind", "severity", "message", "identifiers", "event_ids"])
    report.figures["findings"] = len(custody)
    if charts and len(table):
        report.charts["units by status"] = _chart(counts)
    return report


def _text(value: object) -> str | None:
    if value is None:
        return None
    return " ".join(value) if isinstance(value, (list, tuple)) else str(value)


def _chart(counts: pd.Series) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 2.5))
    values = [int(counts.get(s, 0)) for s in STATUS_ORDER]
    ax.barh(list(STATUS_ORDER), values, color=["#2e7d32", "#f9a825", "#c62828"])
    ax.set_xlabel("units")
    return chart_png(fig)
