"""Certificates and evidence with validity dates: the EU declaration of conformity of the unit's product,
and the certificates of its parts.

Valid at T when ``valid_from <= T < valid_until`` and not revoked by T. The unit's product needs
an EU declaration of conformity (``EU_DoC``, CE marking) valid at T: none recorded is
``incomplete``, only expired or revoked ones ``non_compliant``. A part's certificate that is
not valid at T is a notice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cradletrace.compliance.declarations import Evidence, Part, valid_at
from cradletrace.compliance.reasons import INCOMPLETE, NON_COMPLIANT, NOTICE, reason

DOC = "EU_DoC"


def check(unit: Part, parts: list[Part], found: Evidence, at: datetime) -> list[dict[str, Any]]:
    """The certificate reasons of a unit and its parts at ``at``."""
    out = []
    docs = [c for c in [*found.product_certificates.get(unit.gtin or "", ()), *found.certificates.get(unit.id, ())]
            if c["kind"] == DOC]
    if not docs:
        out.append(reason("certificates", INCOMPLETE, unit.identifier,
                          f"no EU declaration of conformity recorded for product {unit.gtin}"))
    elif not any(valid_at(c, at) for c in docs):
        out.append(reason("certificates", NON_COMPLIANT, unit.identifier,
                          f"the EU declaration of conformity of product {unit.gtin} is not valid at "
                          f"{at:%Y-%m-%d} (expired, revoked or not yet issued)", evidence=docs[0]["evidence"]))
    for part in parts:
        for c in found.certificates.get(part.id, []):
            if part is unit and c["kind"] == DOC:
                continue
            if not valid_at(c, at):
                out.append(reason("certificates", NOTICE, part.identifier,
                                  f"{c['kind']} {c.get('number') or ''} is not valid at {at:%Y-%m-%d}".replace("  ", " "),
                                  evidence=c["evidence"], via=part.via))
    return out
