"""Building a passport: every section of one unit (or lot, logistic unit, place) from core services, and
the view of it a viewer may see.

:func:`passport_of` is what a viewer is shown: the sections they may see are built, the others only
asked whether they have data (their locked headings), so a public scan does not pay for what it
cannot see; it gives exactly what :func:`passport_for` cuts from the full :func:`build_passport`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timezone
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput
from cradletrace.lineage import resolve
from cradletrace.passport.sections import SECTIONS, Context, Section, iso
from cradletrace.passport.visibility import for_viewer, may_see
from cradletrace.timestamps import naive_utc


def build_passport(session: Session, identifier: str, *, as_of: datetime | None = None,
                   sections: Sequence[Section] = SECTIONS, **extras: Any) -> dict[str, Any]:
    """The full passport of ``identifier`` (any form) at ``as_of`` (default now): every section that has data.

    Nothing is filtered here; :func:`passport_for` cuts it for a viewer. ``extras`` reach the builders
    (``company_prefixes`` lets identity show EPC URNs).

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    """
    return _build(session, identifier, as_of, sections, None, extras)


def passport_of(session: Session, identifier: str, roles: Iterable[str], *, as_of: datetime | None = None,
                sections: Sequence[Section] = SECTIONS, **extras: Any) -> dict[str, Any]:
    """The passport of ``identifier`` as a viewer holding ``roles`` sees it (no roles: the public): the same as
    ``passport_for(build_passport(...), roles)``, but a section the viewer may not see is not built, only
    asked whether it has data (:attr:`Section.present`), which its locked heading needs.

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    """
    held = frozenset(roles)
    return for_viewer(_build(session, identifier, as_of, sections, held, extras), held,
                      {s.name: s.visibility for s in sections})


def passport_for(passport: dict[str, Any], roles: Iterable[str], sections: Sequence[Section] = SECTIONS
                 ) -> dict[str, Any]:
    """The one filter: ``passport`` as a viewer holding ``roles`` may see it (no roles = the public)."""
    return for_viewer(passport, roles, {s.name: s.visibility for s in sections})


def _build(session: Session, identifier: str, as_of: datetime | None, sections: Sequence[Section],
           roles: frozenset[str] | None, extras: dict[str, Any]) -> dict[str, Any]:
    """Every section that has data; for ``roles``, the sections they may not see only as present (no data), for
    :func:`~cradletrace.passport.visibility.for_viewer` to lock."""
    node = resolve(session, identifier)
    ctx = Context(session, node, naive_utc(as_of), extras)
    built = []
    for section in sections:
        if roles is not None and not may_see(section.visibility.roles, roles):
            if not roles and not section.visibility.public_heading:
                continue  # not even a locked heading for the public: nothing to ask
            if section.present(ctx) if section.present is not None else section.build(ctx):
                built.append({"name": section.name, "title": section.title, "data": None})
            continue
        data = section.build(ctx)
        if data:
            built.append({"name": section.name, "title": section.title, "data": data})
    return {"identifier": node.identifier, "kind": node.kind, "as_of": iso(ctx.as_of), "generated_at": iso(ctx.now),
            "sections": built}


def parse_as_of(value: str | None) -> datetime | None:
    """A moment from a date (its end, UTC) or an ISO date-time (naive = UTC); ``None`` for nothing.

    Examples
    --------
    >>> parse_as_of("2025-03-01")
    datetime.datetime(2025, 3, 1, 23, 59, 59, 999000)
    >>> parse_as_of("2025-03-01T10:00:00+01:00")
    datetime.datetime(2025, 3, 1, 9, 0)
    >>> parse_as_of("") is None
    True
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(datetime.fromisoformat(text).date(), time(23, 59, 59, 999000))
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date (YYYY-MM-DD) or an ISO 8601 date-time", where="as_of") from None
    return naive_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc))
