"""Node ids resolved a batch at a time, with identity rows for new units and lots."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.models import Lot, Node, NodeKind, Unit
from cradletrace.projections.nodemap import NodeMap, node_ids

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


def test_identity_rows_come_from_the_parsed_key(session: Session) -> None:
    escaped_serial = f"https://id.gs1.org/01/{GTIN}/21/A%2F1%20x"
    cpv_lot = f"https://id.gs1.org/01/{GTIN}/22/2A/10/L%2F7"
    others = [f"https://id.gs1.org/414/9520123456788/254/{GTIN}", "https://id.gs1.org/253/4012345000016X",
              f"https://example.com/01/{GTIN}/21/9", f"https://id.gs1.org/01/{GTIN}"]
    ids = NodeMap(session).resolve([escaped_serial, cpv_lot, *others])
    units = session.execute(select(Unit.node_id, Unit.gtin, Unit.serial)).all()
    lots = session.execute(select(Lot.node_id, Lot.gtin, Lot.lot_number)).all()
    assert units == [(ids[escaped_serial], GTIN, "A/1 x")]
    assert lots == [(ids[cpv_lot], GTIN, "L/7")]


def test_node_ids_gives_the_ids_asked_for(session: Session) -> None:
    party = "https://id.gs1.org/417/9520999999990"
    first = node_ids(session, [party, "urn:example:x"])
    assert set(first) == {party, "urn:example:x"} and node_ids(session, [party]) == {party: first[party]}
