"""The unit passport: everything recorded about one unit, assembled from the core services, and the
one filter that cuts it for a viewer's roles (the public view included).

Public API
----------
build_passport
    The full passport of an identifier at a moment: a list of sections, each present only when it has data.
passport_for
    The passport as a viewer holding some roles may see it; no roles is the public view.
passport_of
    The same, built for the viewer: the sections they may not see are not built.
SECTIONS, Section, Context
    The section builders in page order; add one to add a section.
Visibility, PUBLIC, STAFF, COMMERCIAL, CUSTODY, ENTITLEMENT, RECALL
    Who may see a section and its fields.
parse_as_of
    A moment from a date or date-time given by a person.

No Flask here: the web views and ``cradletrace passport`` both use these functions.
"""

from cradletrace.passport.build import build_passport, parse_as_of, passport_for, passport_of
from cradletrace.passport.sections import SECTIONS, STAGES, Context, Section, stage_of
from cradletrace.passport.visibility import (
    COMMERCIAL,
    CUSTODY,
    ENTITLEMENT,
    PUBLIC,
    RECALL,
    STAFF,
    Visibility,
    for_viewer,
    may_see,
)

__all__ = [
    "COMMERCIAL", "CUSTODY", "ENTITLEMENT", "Context", "PUBLIC", "RECALL", "SECTIONS", "STAFF", "STAGES", "Section", "Visibility",
    "build_passport", "for_viewer", "may_see", "parse_as_of", "passport_for", "passport_of", "stage_of",
]
