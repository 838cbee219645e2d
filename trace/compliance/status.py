"""A unit's compliance status at a time: compliant, non-compliant or incomplete data, with reasons and culprits.

Everything rolls up through the unit's composition at ``at`` (:func:`cradletrace.lineage.compositions`):
each lot drawn into the unit or into a part fitted in it, and each bought-in part (a unit
with no recorded inputs), must have a substance declaration in force at ``at`` (its own, or
its part number's; a lot's ILMD ``substance`` entries count), else the unit is
``incomplete``. Declared substances then go through RoHS (:mod:`~cradletrace.compliance.rohs`)
and REACH (:mod:`~cradletrace.compliance.reach`), 3TG metals through
:mod:`~cradletrace.compliance.minerals`, certificates through
:mod:`~cradletrace.compliance.certificates`. The chain-of-custody findings
(:func:`cradletrace.findings.findings`) that name the unit or one of its parts are part of the
picture: an error-level finding makes the record ``incomplete``, others are notices. Swapping
in an undeclared part flags the unit from the swap on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.compliance.certificates import check as check_certificates
from cradletrace.compliance.minerals import check as check_minerals
from cradletrace.compliance.reach import check as check_reach
from cradletrace.compliance.rohs import check as check_rohs
from cradletrace.compliance.declarations import Evidence, Part, evidence
from cradletrace.compliance.reasons import COMPLIANT, INCOMPLETE, NOTICE, reason, worst
from cradletrace.findings import Finding, findings
from cradletrace.lineage import resolve
from cradletrace.timestamps import naive_utc, utc_now

RULES = ("declarations", "rohs", "reach", "3tg", "certificates", "custody")


@dataclass(frozen=True)
class Status:
    """The compliance of one unit at ``at``."""

    unit: str
    gtin: str | None
    at: datetime
    status: str
    rules: dict[str, str]
    reasons: tuple[dict[str, Any], ...]

    @property
    def responsible(self) -> tuple[str, ...]:
        """The lots and parts behind a non-compliant or incomplete status, each once."""
        return tuple(dict.fromkeys(r["subject"] for r in self.reasons
                                   if r["status"] not in (NOTICE, COMPLIANT) and r["subject"]))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"unit": self.unit, "gtin": self.gtin, "at": self.at, "status": self.status, "rules": dict(self.rules),
                "responsible": list(self.responsible), "reasons": [dict(r) for r in self.reasons]}


def status(session: Session, unit: str, at: datetime | None = None, *, include_findings: bool = True) -> Status:
    """The compliance status of ``unit`` at ``at`` (default now), with its reasons.

    A constant number of statements: the composition walk, the parts, their declarations,
    exemptions and certificates, and (with ``include_findings``) the custody checks.

    Raises
    ------
    NotFound
        For an identifier that was never recorded.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> from cradletrace.lifecycle import commission_units, sgtin
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> _ = commission_units(session, [sgtin("09506000134352", "ST-1")])
    >>> s = status(session, sgtin("09506000134352", "ST-1"))
    >>> s.status, [r["message"] for r in s.reasons][:1]
    ('incomplete', ['no substance declaration in force'])
    >>> session.rollback()
    """
    start = resolve(session, unit, where="unit")
    return statuses(session, [start.id], at, include_findings=include_findings)[0]


def statuses(session: Session, roots: Sequence[int], at: datetime | None = None, *,
             include_findings: bool = True, custody: Sequence[Finding] | None = None) -> list[Status]:
    """The status of every unit in ``roots`` (node ids) at ``at``: a few statements per 5,000 units.

    ``custody`` passes findings already computed (a report runs the checks once for all its units).
    """
    moment = naive_utc(at) or utc_now()
    found = evidence(session, roots, moment)
    by_identifier: dict[str, list[Finding]] = {}
    if include_findings:
        for f in custody if custody is not None else findings(session):
            for ident in f.identifiers:
                by_identifier.setdefault(ident, []).append(f)
    out = []
    for root in roots:
        parts = found.parts.get(root)
        if not parts:
            continue
        reasons = rollup(parts, found, moment, by_identifier)
        rules = {rule: worst([r["status"] for r in reasons if r["rule"] == rule]) for rule in RULES}
        out.append(Status(parts[0].identifier, parts[0].gtin, moment, worst([r["status"] for r in reasons]), rules,
                          tuple(reasons)))
    return out


def rollup(parts: list[Part], found: Evidence, at: datetime, by_identifier: dict[str, list[Finding]]
           ) -> list[dict[str, Any]]:
    """Every reason of one unit (``parts[0]``) from its parts' evidence. Pure."""
    unit = parts[0]
    out: list[dict[str, Any]] = []
    for part in parts:
        substances = found.substances.get(part.id)
        needs = part.kind == "lot" or (part.kind == "unit" and part.leaf)
        if substances is None:
            if needs:
                out.append(reason("declarations", INCOMPLETE, part.identifier, "no substance declaration in force",
                                  via=part.via))
        else:
            out += check_rohs(unit, part, substances, found, at)
            out += check_reach(part, substances, at)
        out += check_minerals(part, substances, found.minerals.get(part.id))
    out += check_certificates(unit, parts, found, at)
    seen: set[int] = set()
    for part in parts:
        for f in by_identifier.get(part.identifier, ()):
            if id(f) in seen:
                continue
            seen.add(id(f))
            out.append(reason("custody", INCOMPLETE if f.severity in ("error", "critical") else NOTICE,
                              part.identifier, f"{f.check_id} {f.kind}: {f.message}", evidence=f.event_ids,
                              via=part.via))
    return out
