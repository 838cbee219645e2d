"""cradletrace.configure.as_sold: the configuration a unit was sold with, by its active allocation; the units sold
with a configuration, each checked against it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from configure_world import U1, U2, U3, U4, U5, U6, build
from cradletrace import commerce
from cradletrace.configure import configuration_of_units, units_sold


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


def test_the_units_sold_with_a_configuration_each_checked(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    build(session)
    conf = configuration_of_units(session, [U1])[U1].id
    with count_statements(session) as sent:
        sold = units_sold(session, conf)
    # The units, the finding's three statements over every configured unit, the products' names.
    assert len(sent) == 5
    # Five units on line 1: U1 conforms; U2 was built wrong, U3 had a part swapped in service, U4 drew no LFP; U6
    # was never built. U5 is on line 2, which sells no configuration.
    assert [(u.identifier, u.order, u.line_no, u.verdict) for u in sold.units] == [
        (U1, "SO-1", 1, "as sold"), (U2, "SO-1", 1, "differs"), (U3, "SO-1", 1, "differs"),
        (U4, "SO-1", 1, "differs"), (U6, "SO-1", 1, "not built")]
    assert sold.mismatched == 3
    u2 = sold.units[1].check
    assert u2 is not None and u2.reported[0].moment == "as_built"
    # Every GTIN the checks name has its product's name: the expected LFP cathode, the LV connector found instead.
    assert (sold.names["09506000135113"], sold.names["09506000135069"]) == ("LFP cathode", "LV connector")
    assert units_sold(session, conf + 1000).units == ()
