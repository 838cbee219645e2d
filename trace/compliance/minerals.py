"""Conflict minerals (3TG: tin, tantalum, tungsten, gold; EU 2017/821, Dodd-Frank §1502).

A part contains a 3TG metal when it declares it as a substance (by CAS or name) or as its
material, or has a mineral declaration for it. Each such metal needs a declared smelter (RMI
id) or origin: none is ``incomplete``; a smelter that is not RMAP conformant is
``non_compliant``; a source whose conformance is unknown is ``incomplete``.
"""

from __future__ import annotations

from typing import Any

from cradletrace.compliance.declarations import METALS_3TG, Part, Substance
from cradletrace.compliance.reasons import INCOMPLETE, NON_COMPLIANT, reason

CAS_3TG = {"7440-31-5": "tin", "7440-25-7": "tantalum", "7440-33-7": "tungsten", "7440-57-5": "gold"}


def metals_in(part: Part, substances: list[Substance] | None, sources: list[dict[str, Any]] | None) -> set[str]:
    """The 3TG metals a part contains, as far as its declarations say.

    Examples
    --------
    >>> metals_in(Part(1, "lot", "lot", None, {"material": "Tin"}, None, True), None, None)
    {'tin'}
    """
    found = {CAS_3TG[s.cas] for s in substances or () if s.cas in CAS_3TG}
    found |= {s.name.lower() for s in substances or () if s.name.lower() in METALS_3TG}
    material = str(part.ilmd.get("material") or "").lower()
    if material in METALS_3TG:
        found.add(material)
    found |= {m["metal"] for m in sources or ()}
    return found


def check(part: Part, substances: list[Substance] | None, sources: list[dict[str, Any]] | None
          ) -> list[dict[str, Any]]:
    """The conflict-minerals reasons of one part."""
    out = []
    for metal in sorted(metals_in(part, substances, sources)):
        declared = [m for m in sources or () if m["metal"] == metal]
        known = [m for m in declared if m.get("smelter_id") or m.get("country")]
        if not known:
            out.append(reason("3tg", INCOMPLETE, part.identifier, f"{metal} present; no smelter or origin declared",
                              via=part.via))
            continue
        bad = [m for m in known if m.get("conformant") is False]
        unknown = [m for m in known if m.get("conformant") is None]
        if bad:
            names = ", ".join(m.get("smelter_id") or m.get("smelter_name") or m.get("country") for m in bad)
            out.append(reason("3tg", NON_COMPLIANT, part.identifier,
                              f"{metal} from a smelter that is not RMAP conformant ({names})",
                              evidence=bad[0]["evidence"], via=part.via))
        elif unknown:
            out.append(reason("3tg", INCOMPLETE, part.identifier,
                              f"{metal}: RMAP status of {len(unknown)} declared source(s) unknown",
                              evidence=unknown[0]["evidence"], via=part.via))
    return out
