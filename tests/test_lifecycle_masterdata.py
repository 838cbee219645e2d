"""Master data: products, parties and locations are written directly and updated in place."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.errors import NotFound
from cradletrace.lifecycle import add_location, add_party, add_product, location, party
from cradletrace.models import Event, Location, Node, NodeKind, Party, Product

SUPPLIER = party("9520111111118")
SITE = location("9520555555554", "LINE2")


def test_products_are_created_then_updated(session: Session) -> None:
    first = add_product(session, "9506000134352", "Pack", mass_kg=12.0, attributes={"chemistry": "NMC"})
    second = add_product(session, "09506000134352", "Pack 48 V", attributes={"voltage": 48})
    assert first.id == second.id and second.name == "Pack 48 V" and second.mass_kg == 12.0
    assert second.attributes == {"chemistry": "NMC", "voltage": 48}
    assert session.scalar(select(func.count()).select_from(Product)) == 1


def test_parties_and_locations_are_keyed_by_their_node(session: Session) -> None:
    supplier = add_party(session, "urn:epc:id:pgln:952011.111111", "Metals AG", country="DE")
    assert session.get(Node, supplier.node_id).identifier == SUPPLIER
    assert session.get(Node, supplier.node_id).kind is NodeKind.PARTY
    site = add_location(session, SITE, "Line 2", party=SUPPLIER, country="DE", attributes={"grid": "DE"})
    assert site.party_id == supplier.id and session.get(Node, site.node_id).kind is NodeKind.LOCATION
    again = add_location(session, SITE, "Line two")
    assert again.id == site.id and again.party_id == supplier.id and again.name == "Line two"
    assert session.scalar(select(func.count()).select_from(Party)) == 1
    assert session.scalar(select(func.count()).select_from(Location)) == 1
    assert session.scalar(select(func.count()).select_from(Event)) == 0, "master data is not an event"


def test_location_of_an_unknown_party_is_refused(session: Session) -> None:
    with pytest.raises(NotFound, match="not registered"):
        add_location(session, SITE, "Line 2", party=party("9520333333336"))
