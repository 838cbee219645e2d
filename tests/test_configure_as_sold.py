"""cradletrace.configure.as_sold: the configuration a unit was sold with, by its active allocation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from configure_world import U1, U2, U5, U6, build
from cradletrace import commerce
from cradletrace.configure import configuration_of_units


def test_units_carry_their_order_lines_configuration(session: Session) -> None:
    build(session)
    serial_u2 = "(01)09506000135038(21)U2"  # any identifier form
    found = configuration_of_units(session, [U1, serial_u2, U5, U6, "https://id.gs1.org/01/09506000135038/21/NEW"])
    assert sorted(found) == [U1, U2, U6]  # U5's line sells no configuration; NEW was never allocated
    assert found[U1].id == found[U2].id == found[U6].id
    assert found[U1].bom[1] == {"gtin": "09506000135045", "quantity": "2"}


def test_a_unit_whose_allocation_ended_has_none(session: Session) -> None:
    build(session)
    commerce.cancel_order(session, "SO-1", reason="customer withdrew")
    assert configuration_of_units(session, [U1, U2]) == {}
