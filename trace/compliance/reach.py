"""REACH: substances of very high concern (Candidate List) above 0.1 % w/w of an article, and the SCIP duty.

The Candidate List ships as versioned data (``cradletrace/data/svhc-candidates-*.csv``, each
entry with the date it was included; the shipped file is a partial list to be completed from
ECHA's). The threshold applies to each supplied article (a lot or part), never to the whole
unit (CJEU C-106/14): the article share is the declared ``article_fraction``, else the share
in the homogeneous material (an upper bound, said so in the reason). Above it a SCIP
notification is needed: with a SCIP reference on the declaration it is a notice, without one
the unit is non-compliant.
"""

from __future__ import annotations

import csv
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from cradletrace.compliance.declarations import Part, Substance
from cradletrace.compliance.reasons import NON_COMPLIANT, NOTICE, reason

CANDIDATE_LIST = "svhc-candidates-2024-06-partial.csv"
THRESHOLD = 0.001


@lru_cache(maxsize=1)
def candidates() -> dict[str, tuple[str, datetime]]:
    """The shipped Candidate List: CAS -> (name, date included).

    Examples
    --------
    >>> candidates()["117-81-7"][1].year
    2008
    """
    text = resources.files("cradletrace.data").joinpath(CANDIDATE_LIST).read_text(encoding="utf-8")
    return {r["cas"]: (r["name"], datetime.fromisoformat(r["included"])) for r in csv.DictReader(text.splitlines())}


def check(part: Part, substances: list[Substance], at: datetime) -> list[dict[str, Any]]:
    """The REACH reasons of one article's declared substances at ``at``."""
    out = []
    listed = candidates()
    for s in substances:
        entry = listed.get(s.cas or "")
        if not (s.svhc or (entry is not None and entry[1] <= at)):
            continue
        share = s.article_fraction if s.article_fraction is not None else s.mass_fraction
        if share <= THRESHOLD:
            continue
        name = entry[0] if entry else s.name
        basis = "of the article" if s.article_fraction is not None else \
            "in its homogeneous material (no article share declared)"
        text = f"SVHC {name} at {share * 100:g} % {basis} is above 0.1 %: a SCIP notification is needed"
        if s.scip_reference:
            out.append(reason("reach", NOTICE, part.identifier, f"{text}; notified as {s.scip_reference}",
                              evidence=s.evidence, via=part.via))
        else:
            out.append(reason("reach", NON_COMPLIANT, part.identifier, text + " and none is recorded",
                              evidence=s.evidence, via=part.via))
    return out
