"""The identifiers the lifecycle services build and accept: canonical, and refused when a check digit is wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidIdentifier, InvalidInput
from cradletrace.lifecycle import (
    add_party,
    add_product,
    commission_units,
    lgtin,
    location,
    party,
    register_lot,
    sgtin,
    ship,
    sscc,
)
from lifecycle_support import T0, events

PACK = "09506000134352"
US, CUSTOMER = party("9520222222222"), party("9520333333336")
PLANT = location("9520555555554")


@pytest.mark.parametrize(("built", "expected"), [
    (sgtin("9506000134352", "A/1"), "https://id.gs1.org/01/09506000134352/21/A%2F1"),
    (sgtin("614141123452", "7"), "https://id.gs1.org/01/00614141123452/21/7"),
    (lgtin(PACK, "CU-2025+1"), "https://id.gs1.org/01/09506000134352/10/CU-2025%2B1"),
    (sscc("09506000100000001"), "https://id.gs1.org/00/095060001000000012"),
    (sscc("095060001000000012"), "https://id.gs1.org/00/095060001000000012"),
    (location("9520123456788"), "https://id.gs1.org/414/9520123456788"),
    (location("9520123456788", "0"), "https://id.gs1.org/414/9520123456788"),
    (location("9520123456788", "DOCK1"), "https://id.gs1.org/414/9520123456788/254/DOCK1"),
    (party("9520999999990"), "https://id.gs1.org/417/9520999999990"),
])
def test_builders_return_canonical_digital_links(built: str, expected: str) -> None:
    assert built == expected


@pytest.mark.parametrize(("build", "value", "problem"), [
    (lambda: party("9520999999991"), "9520999999991", "check digit should be 0"),
    (lambda: location("9520123456780"), "9520123456780", "check digit should be 8"),
    (lambda: location("1234"), "1234", "too short"),
    (lambda: location("9520123456788", "DOCK 1"), "DOCK 1", "' ' is not allowed"),
    (lambda: sgtin("09506000134353", "1"), "09506000134353", "check digit should be 2"),
    (lambda: sgtin("95060001343", "1"), "95060001343", "is not a GTIN"),
    (lambda: sgtin(PACK, ""), "SERIAL", "empty value"),
    (lambda: lgtin("09506000134352x", "L1"), "09506000134352x", "is not a GTIN"),
    (lambda: sscc("095060001000000013"), "095060001000000013", "check digit should be 2"),
    (lambda: sscc("0950600010000000"), "0950600010000000", "is not an SSCC"),
])
def test_builders_refuse_invalid_keys_naming_the_value(build: Callable[[], str], value: str, problem: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        build()
    assert value in str(caught.value) and problem in str(caught.value)


def test_services_refuse_a_gtin_with_a_wrong_check_digit(session: Session) -> None:
    bad = "https://id.gs1.org/01/09506000134353/21/1"
    with pytest.raises(InvalidInput, match="09506000134353.*check digit should be 2"):
        commission_units(session, [bad], when=T0)
    with pytest.raises(InvalidInput, match="09506000134353.*check digit should be 2"):
        add_product(session, "9506000134353", "Pack")
    with pytest.raises(InvalidInput, match="09506000134353.*check digit should be 2"):
        register_lot(session, "https://id.gs1.org/01/09506000134353/10/L1", quantity=1, supplier=US, owner=US,
                     location=PLANT, when=T0)
    assert events(session) == 0


def test_services_refuse_a_gln_with_a_wrong_check_digit(session: Session) -> None:
    unit = sgtin(PACK, "1")
    commission_units(session, [unit], when=T0)
    before = events(session)
    with pytest.raises(InvalidInput, match="9520333333337.*check digit should be 6"):
        ship(session, [unit], from_party=US, to_party="https://id.gs1.org/417/9520333333337", when=T0)
    with pytest.raises(InvalidInput, match="9520555555555.*check digit should be 4"):
        ship(session, [unit], from_party=US, to_party=CUSTOMER, from_location="https://id.gs1.org/414/9520555555555",
             when=T0)
    with pytest.raises(InvalidInput, match="9520111111119.*check digit should be 8"):
        add_party(session, "https://id.gs1.org/417/9520111111119", "Metals AG")
    assert events(session) == before
