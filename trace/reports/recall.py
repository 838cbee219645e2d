"""The recall list as a report: every unit downstream of a lot or unit, with its state, place and owner.

Built on :func:`cradletrace.lineage.recall` (one recursive query; the same rows as ``cradletrace
recall ID`` and :func:`cradletrace.lineage.recall_csv`), put in a DataFrame, summarised by owner and state.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from cradletrace.lineage import recall
from cradletrace.lineage.queries import RECALL_CSV_COLUMNS
from cradletrace.reports.output import Report


def recall_report(session: Session, identifier: str, *, product: str | None = None) -> Report:
    """The units affected by a recall of ``identifier`` (of product ``product`` only, when given).

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    """
    rows = recall(session, identifier)
    frame = pd.DataFrame([{name: getattr(r, name) for name in RECALL_CSV_COLUMNS} for r in rows],
                         columns=list(RECALL_CSV_COLUMNS))
    if product:
        from cradletrace.identifiers import gtin14

        frame = frame[frame["gtin"] == gtin14(product, where="--product")]
    report = Report("recall", f"Recall of {identifier}", filters={"identifier": identifier, "product": product})
    report.figures["units_affected"] = int(len(frame))
    report.figures["in_service"] = int(frame["in_service"].sum())
    report.figures["recycled"] = int(frame["recycled"].sum())
    report.figures["destroyed"] = int(frame["destroyed"].sum())
    report.tables["units"] = frame
    report.tables["by_owner"] = (frame.fillna({"owner_name": "(unknown)"})
                                 .groupby(["owner_name", "status"], dropna=False).size().rename("units").reset_index())
    return report
