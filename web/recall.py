"""The recall list's downloads: every unit a lot or part reaches, as CSV or XLSX, linked from the "Where used"
section of its passport.

The files are the recall report's (:func:`cradletrace.reports.recall.recall_report`, on the rows of one call of
:func:`cradletrace.lineage.recall`, the rows the section lists), written as ``cradletrace report recall ID
--format csv|xlsx -o FILE`` writes them: the CSV is the units table (FILE itself), the XLSX every sheet (the
figures, the units, the units by owner). Who may download them is who may see the section
(:data:`cradletrace.passport.RECALL`): supply chain and compliance.
"""

from __future__ import annotations

import re

from flask import Blueprint, request
from flask.wrappers import Response

from cradletrace.errors import InvalidInput
from cradletrace.lineage import resolve
from cradletrace.passport import RECALL
from cradletrace.reports.recall import recall_report
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import report_attachment
from cradletrace.web.db import get_session

bp = Blueprint("recall", __name__)


def file_name(identifier: str, fmt: str) -> str:
    """The download's name: ``recall-`` and the identifier's key path, what is not a letter, digit, ``.`` or ``-``
    becoming ``_``.

    Examples
    --------
    >>> file_name("https://id.gs1.org/01/09521111000013/10/CC2602B", "csv")
    'recall-01_09521111000013_10_CC2602B.csv'
    """
    key = identifier.split("://", 1)[-1].split("/", 1)[-1]
    return f"recall-{re.sub(r'[^A-Za-z0-9.-]+', '_', key).strip('_')}.{fmt}"


@bp.get("/recall.<any(csv, xlsx):fmt>")
@login_required(*sorted(RECALL))
def download(fmt: str) -> Response:
    """``/recall.csv?id=ID`` (the units) or ``/recall.xlsx?id=ID`` (the figures, the units, by owner)."""
    value = request.args.get("id", "").strip()
    if not value:
        raise InvalidInput("give the lot or unit to recall as ?id= (a Digital Link, element string or EPC URN)",
                           where="query parameter id")
    session = get_session()
    node = resolve(session, value, where="query parameter id")
    report = recall_report(session, node.identifier)
    name = file_name(node.identifier, fmt)
    return report_attachment(report, fmt, name)
