"""Node ids for identifiers, resolved a batch at a time.

Capture meets each identifier many times; a :class:`NodeMap` remembers the ids it
has resolved, and resolves the rest with one SELECT and one INSERT per batch,
never one statement per identifier. New units and lots also get their identity
row (``units`` / ``lots``) in the same batch.
"""

from __future__ import annotations

import re
from urllib.parse import unquote
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.bulk import bulk_insert
from cradletrace.identifiers import node_kind
from cradletrace.models import Lot, Node, Unit

_SGTIN = re.compile(r"^https://id\.gs1\.org/01/(\d{14})/21/(.+)$")
_LGTIN = re.compile(r"^https://id\.gs1\.org/01/(\d{14})/10/(.+)$")
# SQLite allows 32,766 bound parameters per statement; stay well under it.
_CHUNK = 5000


class NodeMap:
    """A cache of identifier -> node id for one session.

    Parameters
    ----------
    session : Session
        The session whose transaction the lookups and inserts join.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids: dict[str, int] = {}

    def resolve(self, identifiers: Iterable[str], kinds: Mapping[str, str] | None = None) -> dict[str, int]:
        """Make sure every identifier has a node; return the cache (identifier -> id).

        ``kinds`` overrides the kind derived from the identifier (a business transaction
        URI is a document whatever it looks like).
        """
        missing = {i for i in identifiers if i not in self.ids}
        if not missing:
            return self.ids
        kinds = kinds or {}
        ordered = sorted(missing)
        for start in range(0, len(ordered), _CHUNK):
            self._resolve_chunk(ordered[start:start + _CHUNK], kinds)
        return self.ids

    def _resolve_chunk(self, chunk: list[str], kinds: Mapping[str, str]) -> None:
        found = self.session.execute(select(Node.identifier, Node.id).where(Node.identifier.in_(chunk))).all()
        self.ids.update(found)
        new = [i for i in chunk if i not in self.ids]
        if not new:
            return
        rows = [{"identifier": i, "kind": kinds.get(i) or node_kind(i)} for i in new]
        bulk_insert(self.session, Node.__table__, rows, on_conflict=("identifier",))
        created = self.session.execute(select(Node.identifier, Node.id).where(Node.identifier.in_(new))).all()
        self.ids.update(created)
        self._add_identities([(identifier, self.ids[identifier]) for identifier in new])

    def _add_identities(self, created: list[tuple[str, int]]) -> None:
        units, lots = [], []
        for identifier, node_id in created:
            if m := _SGTIN.match(identifier):
                units.append({"node_id": node_id, "gtin": m[1], "serial": unquote(m[2])})
            elif m := _LGTIN.match(identifier):
                lots.append({"node_id": node_id, "gtin": m[1], "lot_number": unquote(m[2])})
        bulk_insert(self.session, Unit.__table__, units, on_conflict=("node_id",))
        bulk_insert(self.session, Lot.__table__, lots, on_conflict=("node_id",))
