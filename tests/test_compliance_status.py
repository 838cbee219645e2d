"""Compliance statuses on crafted declarations: RoHS with and without an exemption, REACH SVHC and SCIP, 3TG,
certificates, a swap that brings in an undeclared part, and the custody findings in the same picture."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from cradletrace.compliance import (
    add_certificate,
    add_exemption,
    declare_minerals,
    declare_substances,
    status,
)
from cradletrace.errors import InvalidInput, NotFound
from cradletrace.lifecycle import commission_units, replace_component, sgtin
from metrics_world import AL, B1, CU, G_PACK, G_PCB, P1, PCB, SITE, build, day

LEAD = "7439-92-1"


def declared(session: Session, *, lead: float = 0.0005, tin_conformant: bool | None = True) -> None:
    build(session, swap=False, end_of_life=False)
    declare_substances(session, AL, [{"substance": "lead", "cas": LEAD, "material": "alloy 6061",
                                      "mass_fraction": lead, "article_fraction": lead / 4}], declared_at=day(0))
    declare_substances(session, CU, [], declared_at=day(0))
    declare_substances(session, G_PCB, [{"substance": "tin", "cas": "7440-31-5", "material": "solder",
                                         "mass_fraction": 0.03}], declared_at=day(0))
    declare_minerals(session, G_PCB, [{"metal": "tin", "smelter_id": "CID000001", "conformant": tin_conformant}],
                     declared_at=day(0))
    add_certificate(session, G_PACK, "EU_DoC", "DoC-2025-1", valid_from=day(0))


def rules_of(s, status_: str) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(r["rule"], r["subject"]) for r in s.reasons if r["status"] == status_}


def test_fully_declared_unit_is_compliant(session: Session) -> None:
    declared(session)
    s = status(session, P1, at=day(50))
    assert s.status == "compliant", s.reasons
    assert s.rules["rohs"] == s.rules["3tg"] == s.rules["certificates"] == "compliant"
    # The shipment to the depot was never received: a warning-level custody finding, shown, not decisive.
    assert ("custody", P1) in rules_of(s, "notice")


def test_rohs_above_the_limit_without_and_with_an_exemption(session: Session) -> None:
    declared(session, lead=0.002)
    s = status(session, P1, at=day(50))
    assert s.status == "non_compliant" and s.responsible == (AL,)
    reason, = [r for r in s.reasons if r["rule"] == "rohs"]
    assert "lead (Pb) 0.2 % in alloy 6061 exceeds the RoHS limit 0.1 %" in reason["message"]
    assert s.rules["reach"] == "compliant", "lead is an SVHC too, but 0.05 % of the article"
    add_exemption(session, G_PACK, "6(c)", cas=LEAD, scope="copper alloy with up to 4 % lead", valid_until=day(100))
    assert status(session, P1, at=day(50)).status == "compliant"
    assert ("rohs", AL) in rules_of(status(session, P1, at=day(50)), "notice")
    assert status(session, P1, at=day(150)).status == "non_compliant", "the exemption expired"


def test_cadmium_has_the_lower_limit(session: Session) -> None:
    declared(session)
    declare_substances(session, CU, [{"substance": "cadmium", "cas": "7440-43-9", "ppm": 150}], declared_at=day(30))
    assert status(session, P1, at=day(50)).responsible == (CU,), "150 ppm > 100 ppm"
    assert status(session, P1, at=day(20)).status == "compliant", "the later declaration is not yet in force"


def test_reach_svhc_above_a_tenth_of_a_percent_of_the_article(session: Session) -> None:
    declared(session)
    declare_substances(session, CU, [{"substance": "diboron trioxide", "cas": "1303-86-2", "mass_fraction": 0.05,
                                      "article_fraction": 0.002}], declared_at=day(1))
    s = status(session, P1, at=day(50))
    assert s.rules["reach"] == "non_compliant" and s.responsible == (CU,)
    assert "SCIP notification is needed" in next(r["message"] for r in s.reasons if r["rule"] == "reach")
    declare_substances(session, CU, [{"substance": "diboron trioxide", "cas": "1303-86-2", "mass_fraction": 0.05,
                                      "article_fraction": 0.002}], declared_at=day(2), scip_reference="SCIP-123")
    assert status(session, P1, at=day(50)).status == "compliant"
    declare_substances(session, CU, [{"substance": "diboron trioxide", "cas": "1303-86-2", "mass_fraction": 0.05,
                                      "article_fraction": 0.0005}], declared_at=day(3))
    assert status(session, P1, at=day(50)).rules["reach"] == "compliant", "0.05 % of the article"


@pytest.mark.parametrize(("conformant", "expected"), [(True, "compliant"), (False, "non_compliant"),
                                                      (None, "incomplete")])
def test_conflict_minerals(session: Session, conformant: bool | None, expected: str) -> None:
    declared(session, tin_conformant=conformant)
    s = status(session, P1, at=day(50))
    assert s.rules["3tg"] == expected
    if expected != "compliant":
        assert s.responsible == (PCB,)


def test_3tg_without_any_source_is_incomplete(session: Session) -> None:
    build(session, swap=False, end_of_life=False)
    declare_substances(session, AL, [], declared_at=day(0))
    declare_substances(session, CU, [{"substance": "gold", "mass_fraction": 0.001}], declared_at=day(0))
    declare_substances(session, PCB, [], declared_at=day(0))
    add_certificate(session, G_PACK, "EU_DoC", "DoC-1", valid_from=day(0))
    s = status(session, P1, at=day(50))
    assert s.status == "incomplete" and s.responsible == (CU,)
    assert "gold present; no smelter or origin declared" in [r["message"] for r in s.reasons]


def test_a_swap_that_brings_in_an_undeclared_part_flags_the_unit(session: Session) -> None:
    declared(session)
    b9 = sgtin("09506000134413", "B9")
    commission_units(session, [b9], when=day(5))
    replace_component(session, P1, B1, b9, location=SITE, when=day(60))
    assert status(session, P1, at=day(50)).status == "compliant"
    after = status(session, P1, at=day(70))
    assert after.status == "incomplete" and after.responsible == (b9,)
    assert after.rules["declarations"] == "incomplete"


def test_an_undeclared_lot_and_certificates(session: Session) -> None:
    build(session, swap=False, end_of_life=False)
    s = status(session, P1, at=day(50))
    assert s.status == "incomplete"
    assert set(s.responsible) == {AL, CU, PCB, P1}, "three undeclared lots, and no declaration of conformity"
    add_certificate(session, G_PACK, "EU_DoC", "DoC-1", valid_from=day(0), revoked_at=day(20))
    assert status(session, P1, at=day(50)).rules["certificates"] == "non_compliant"
    assert status(session, P1, at=day(10)).rules["certificates"] == "compliant"


def test_bad_declarations_are_refused(session: Session) -> None:
    build(session, swap=False, end_of_life=False)
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        declare_substances(session, AL, [{"substance": "lead", "mass_fraction": 2}])
    with pytest.raises(InvalidInput, match="not one of tin"):
        declare_minerals(session, AL, [{"metal": "cobalt"}])
    with pytest.raises(NotFound):
        declare_substances(session, "https://id.gs1.org/01/09506000134352/10/NOPE", [])


def test_status_costs_a_constant_number_of_statements(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    declared(session)
    with count_statements(session) as sent:
        status(session, P1, at=day(50), include_findings=False)
    with count_statements(session) as again:
        status(session, B1, at=day(50), include_findings=False)
    assert len(sent) == len(again) <= 10
