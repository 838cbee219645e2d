"""The recall list as a report: every unit downstream of a lot or unit, with its state, place and owner.

Built on :func:`cradletrace.lineage.recall` (one recursive query; the same rows as ``cradletrace
recall ID`` and :func:`cradletrace.lineage.recall_csv`), put in a DataFrame, summarised by owner and state.
Its figures are :func:`cradletrace.lineage.recall_counts`, the ones the "Where used" section of a passport
shows above the same rows; the web app serves this report's CSV and XLSX as that section's downloads.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from cradletrace.lifecycle.common import our_party
from cradletrace.lineage import recall, recall_counts
from cradletrace.lineage.queries import RECALL_CSV_COLUMNS
from cradletrace.reports.output import Report


def recall_report(session: Session, identifier: str, *, product: str | None = None,
                  seller: str | None = None) -> Report:
    """The units affected by a recall of ``identifier`` (of product ``product`` only, when given).

    ``seller`` is our party, whose units in service are at our sites rather than at customers (default
    ``CRADLETRACE_SELLER``; see :func:`cradletrace.lineage.recall_counts`).

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    """
    rows = recall(session, identifier)
    if product:
        from cradletrace.identifiers import gtin14

        gtin = gtin14(product, where="--product")
        rows = [r for r in rows if r.gtin == gtin]
    frame = pd.DataFrame([{name: getattr(r, name) for name in RECALL_CSV_COLUMNS} for r in rows],
                         columns=list(RECALL_CSV_COLUMNS))
    report = Report("recall", f"Recall of {identifier}", filters={"identifier": identifier, "product": product})
    report.figures.update(recall_counts(rows, our_party(seller)))
    report.tables["units"] = frame
    report.tables["by_owner"] = (frame.fillna({"owner_name": "(unknown)"})
                                 .groupby(["owner_name", "status"], dropna=False).size().rename("units").reset_index())
    return report
