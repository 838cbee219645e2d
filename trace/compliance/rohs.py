"""RoHS (2011/65/EU Annex II as amended by (EU) 2015/863): the ten restricted substances in each homogeneous material.

A declared substance above its limit (by weight in its homogeneous material) is
non-compliant unless an exemption recorded for the product (the unit's GTIN or the part's)
covers it and is valid at the evaluation time. The four phthalates apply from 22 July 2019.
A part without any substance declaration makes the unit ``incomplete`` (see
:mod:`cradletrace.compliance.status`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cradletrace.compliance.declarations import Evidence, Part, Substance
from cradletrace.compliance.reasons import NON_COMPLIANT, NOTICE, reason

PHTHALATES_FROM = datetime(2019, 7, 22)
# (name, CAS (None for a group), limit as a mass fraction, applies from, names it is declared under)
RESTRICTED: tuple[tuple[str, str | None, float, datetime | None, tuple[str, ...]], ...] = (
    ("lead (Pb)", "7439-92-1", 0.001, None, ("lead", "pb")),
    ("mercury (Hg)", "7439-97-6", 0.001, None, ("mercury", "hg")),
    ("cadmium (Cd)", "7440-43-9", 0.0001, None, ("cadmium", "cd")),
    ("hexavalent chromium (Cr VI)", "18540-29-9", 0.001, None, ("hexavalent chromium", "chromium vi", "cr(vi)", "cr6+")),
    ("polybrominated biphenyls (PBB)", None, 0.001, None, ("pbb", "polybrominated biphenyls")),
    ("polybrominated diphenyl ethers (PBDE)", None, 0.001, None, ("pbde", "polybrominated diphenyl ethers")),
    ("bis(2-ethylhexyl) phthalate (DEHP)", "117-81-7", 0.001, PHTHALATES_FROM, ("dehp",)),
    ("butyl benzyl phthalate (BBP)", "85-68-7", 0.001, PHTHALATES_FROM, ("bbp",)),
    ("dibutyl phthalate (DBP)", "84-74-2", 0.001, PHTHALATES_FROM, ("dbp",)),
    ("diisobutyl phthalate (DIBP)", "84-69-5", 0.001, PHTHALATES_FROM, ("dibp",)),
)
"""The ten Annex II restrictions."""


def restriction(substance: Substance) -> tuple[str, str | None, float, datetime | None, tuple[str, ...]] | None:
    """The Annex II entry a declared substance falls under (by CAS, else by name), or ``None``.

    Examples
    --------
    >>> restriction(Substance("Lead", None, None, 0.002, None, "d1"))[0]
    'lead (Pb)'
    >>> restriction(Substance("x", "7440-43-9", None, 0.0, None, "d1"))[2]
    0.0001
    """
    name = substance.name.strip().lower()
    for entry in RESTRICTED:
        if (substance.cas and substance.cas == entry[1]) or name in entry[4] or name == entry[0].lower():
            return entry
    return None


def check(unit: Part, part: Part, substances: list[Substance], found: Evidence, at: datetime) -> list[dict[str, Any]]:
    """The RoHS reasons of one part's declared substances at ``at``."""
    out = []
    for s in substances:
        entry = restriction(s)
        if entry is None:
            continue
        name, cas, limit, since, _names = entry
        if since is not None and at < since:
            continue
        if s.mass_fraction <= limit:
            continue
        where = f" in {s.material}" if s.material else ""
        text = f"{name} {s.mass_fraction * 100:g} %{where} exceeds the RoHS limit {limit * 100:g} %"
        exemption = _exemption(found, [unit.gtin, part.gtin], s.cas or cas, at)
        if exemption is not None:
            out.append(reason("rohs", NOTICE, part.identifier, f"{text}; exempt under {exemption.exemption}"
                              + (f" until {exemption.valid_until:%Y-%m-%d}" if exemption.valid_until else ""),
                              evidence=s.evidence, via=part.via))
        else:
            out.append(reason("rohs", NON_COMPLIANT, part.identifier, text + " and no valid exemption is recorded",
                              evidence=s.evidence, via=part.via))
    return out


def _exemption(found: Evidence, gtins: list[str | None], cas: str | None, at: datetime) -> Any:
    for gtin in gtins:
        for e in found.exemptions.get(gtin or "", ()):
            if (e.cas is None or e.cas == cas) and (e.valid_from is None or e.valid_from <= at) and \
                    (e.valid_until is None or at < e.valid_until):
                return e
    return None
