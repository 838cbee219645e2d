"""Node ids resolved a batch at a time, with identity rows for new units and lots."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.models import Lot, Node, NodeKind, Unit
from cradletrace.projections.nodemap import NodeMap

GTIN = "09506000134352"


def test_resolves_many_identifiers_with_a_fixed_number_of_statements(session: Session, count_statements) -> None:
    with count_statements(session) as statements:
        nodes = NodeMap(session)
        identifiers = [f"https://id.gs1.org/01/{GTIN}/21/{i}" for i in range(300)]
        ids = nodes.resolve(identifiers + [f"https://id.gs1.org/01/{GTIN}/10/L1", "urn:example:po:1"],
                            {"urn:example:po:1": "document"})
        first = len(statements)
        nodes.resolve(identifiers)  # cached: no statement at all
        assert len(statements) == first <= 6
    assert len(set(ids.values())) == 302
    kinds = dict(session.execute(select(Node.identifier, Node.kind)).all())
    assert kinds["urn:example:po:1"] is NodeKind.DOCUMENT
    assert kinds[identifiers[0]] is NodeKind.UNIT
    assert session.scalar(select(Unit.serial).where(Unit.node_id == ids[identifiers[5]])) == "5"
    assert session.scalar(select(Lot.lot_number)) == "L1"


def test_a_second_map_finds_existing_nodes(session: Session) -> None:
    first = NodeMap(session).resolve(["urn:example:x"])
    assert NodeMap(session).resolve(["urn:example:x"]) == first
