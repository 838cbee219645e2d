"""Node ids for identifiers, resolved a batch at a time.

Capture meets each identifier many times; a :class:`NodeMap` remembers the ids it
has resolved, and resolves the rest with one SELECT and one INSERT per batch,
never one statement per identifier. New units and lots also get their identity
row (``units`` / ``lots``) in the same batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.bulk import bulk_insert, chunks
from cradletrace.identifiers import key_pairs, node_kind
from cradletrace.models import Lot, Node, Unit



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
        for chunk in chunks(ordered):
            self._resolve_chunk(list(chunk), kinds)
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
        """Identity rows for new GTIN-based units (GTIN + serial) and lots (GTIN + lot, no serial)."""
        units, lots = [], []
        for identifier, node_id in created:
            path = key_pairs(identifier)
            if path is None or path[0][0] != "01":
                continue
            qualifiers = dict(path[1:])
            if "21" in qualifiers:
                units.append({"node_id": node_id, "gtin": path[0][1], "serial": qualifiers["21"]})
            elif "10" in qualifiers:
                lots.append({"node_id": node_id, "gtin": path[0][1], "lot_number": qualifiers["10"]})
        bulk_insert(self.session, Unit.__table__, units, on_conflict=("node_id",))
        bulk_insert(self.session, Lot.__table__, lots, on_conflict=("node_id",))


def node_ids(session: Session, identifiers: Iterable[str]) -> dict[str, int]:
    """The node id of each identifier (canonical form), creating the nodes that do not exist yet.

    For callers outside capture, such as master data, that need a node for a party or a
    place; capture keeps its own :class:`NodeMap` for the whole document.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> ids = node_ids(session, ["https://id.gs1.org/417/9520999999990"])
    >>> ids == node_ids(session, ["https://id.gs1.org/417/9520999999990"])
    True
    >>> session.rollback()
    """
    wanted = list(identifiers)
    found = NodeMap(session).resolve(wanted)
    return {identifier: found[identifier] for identifier in wanted}
