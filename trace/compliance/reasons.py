"""The shape every compliance rule answers in: a reason, and the order of statuses.

A reason names the rule, the status it implies, the part (lot or unit) responsible, what was
found and the evidence it rests on (a declaration, a certificate, events). A unit's status is
the worst of its reasons: ``non_compliant`` > ``incomplete`` > ``compliant``; a ``notice``
(an exemption used, a SCIP notification on file, a warning-level finding) informs without
changing the status.
"""

from __future__ import annotations

from typing import Any

COMPLIANT, INCOMPLETE, NON_COMPLIANT, NOTICE = "compliant", "incomplete", "non_compliant", "notice"
_RANK = {NOTICE: 0, COMPLIANT: 0, INCOMPLETE: 1, NON_COMPLIANT: 2}


def reason(rule: str, status: str, subject: str | None, message: str, *, evidence: Any = None,
           via: str | None = None) -> dict[str, Any]:
    """One reason (plain data, JSON-ready).

    Examples
    --------
    >>> reason("rohs", "non_compliant", "lot-1", "lead 0.2 % > 0.1 %")["status"]
    'non_compliant'
    """
    return {"rule": rule, "status": status, "subject": subject, "via": via, "message": message, "evidence": evidence}


def worst(statuses: list[str]) -> str:
    """The worst of ``statuses`` (``compliant`` when there are none).

    Examples
    --------
    >>> worst(["compliant", "notice", "incomplete"]), worst([])
    ('incomplete', 'compliant')
    """
    status = COMPLIANT
    for s in statuses:
        if _RANK[s] > _RANK[status]:
            status = s
    return status
