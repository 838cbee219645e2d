"""The configuration pages: the models (groups, options, rules, variants), the configure form (a rule broken is
refused naming the rule; a valid choice is saved), and a configuration's page with its units checked as built
and as maintained (the configuration_mismatch findings). Both databases."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import configure_world as world
from cradletrace.models import Configuration
from cradletrace.web.commercial import SALES_ROLES
from q2c_web_support import HTML, SignedIn, check_access, page_statements, post, text
from web_support import app, csrf_of, signed_in  # noqa: F401

MODEL = "/sales/configurations/models/PACK"


@pytest.fixture
def sold(session: Session) -> int:
    """The configure world: PACK, and order SO-1 of five packs configured c10 + lfp + hv (U1, U2, U3, U4, U6)."""
    world.build(session)
    return session.execute(select(Configuration.id)).scalar_one()


def test_the_models_and_a_model_page(sold: int, signed_in: SignedIn) -> None:
    client = signed_in("sales")
    overview = text(client.get("/sales/configurations", headers=HTML))
    # Four groups (2, 2, 2 and 2 options), two rules, three variants, one configuration saved.
    assert ("PACK Battery pack Battery pack 09506000135007 Capacity (2), Cell chemistry (2), Connector (2), "
            "Accessories (2) 2 3 1") in overview
    assert f"{sold} PACK Battery pack 10 kWh LFP 09506000135038" in overview
    page = text(client.get(MODEL, headers=HTML))
    assert "every configuration 1 × BMS board" in page
    assert "Capacity 5 kWh c5 1 × Module 5 kWh 09506000135045" in page and "10 kWh c10 2 × Module 5 kWh" in page
    assert "Cell chemistry NMC nmc 0.35 × NMC cathode" in page
    assert "LFP-HV lfp requires hv LFP packs charge at 58 V" in page
    assert "C5-NO-HEATER c5 excludes heater the 5 kWh housing has no room for a heater" in page
    assert "Battery pack 10 kWh LFP 09506000135038 c10, lfp" in page
    assert "Accessories any of them, optional" in page


def test_a_configuration_that_breaks_a_rule_is_refused_naming_it(
        sold: int, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales")
    response = post(client, MODEL, **{"group-cap": "c10", "group-chem": "lfp", "group-conn": "lv"})
    assert response.status_code == 422
    page = text(response)
    assert "Not saved: rule LFP-HV: option lfp requires option hv (LFP packs charge at 58 V)" in page
    assert 'class="broken"><td class="mono">LFP-HV' in response.get_data(as_text=True), "the broken rule is marked"
    assert 'value="lfp" checked' in response.get_data(as_text=True), "the form keeps what was chosen"
    missing = post(client, MODEL, **{"group-cap": "c5"})
    assert missing.status_code == 422 and "group chem: Cell chemistry needs a choice: one of nmc, lfp" in text(missing)
    assert session.execute(select(func.count()).select_from(Configuration)).scalar_one() == 1, "nothing saved"


def test_a_valid_configuration_is_saved_and_shown(sold: int, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales", name="sam")
    response = client.post(MODEL, data={"csrf_token": csrf_of(client), "group-cap": "c10", "group-chem": "lfp",
                                        "group-conn": "hv", "group-acc": ["mount", "heater"]})
    assert response.status_code == 303
    made = session.execute(select(Configuration).order_by(Configuration.id.desc()).limit(1)).scalar_one()
    assert response.headers["Location"] == f"/sales/configurations/{made.id}"
    page = text(client.get(response.headers["Location"], headers=HTML))
    # c10 + lfp resolves to the most specific variant, PACK10L; the bill of materials: the base BMS, 2 modules,
    # 0.40 kg of LFP cathode, the HV connector, the wall mount and the heater.
    assert "Sold as Battery pack 10 kWh LFP 09506000135038" in page and "by sam" in page
    assert "Capacity 10 kWh c10 Cell chemistry LFP lfp Connector High voltage hv Accessories Wall mount mount" in page
    assert ("BMS board 09506000135052 1 Module 5 kWh 09506000135045 2 LFP cathode 09506000135113 0.4 "
            "HV connector 09506000135076 1 Wall mount 09506000135083 1 Heater 09506000135090 1") in page
    assert "No unit is allocated to an order line selling this configuration" in page


def test_the_units_sold_with_a_configuration_and_their_mismatches(sold: int, signed_in: SignedIn) -> None:
    page = text(signed_in("sales").get(f"/sales/configurations/{sold}", headers=HTML))
    # Five units on line 1; U2 (built wrong), U3 (swapped in service) and U4 (no LFP drawn) differ; U1 conforms;
    # U6 was never built.
    assert "5 units; 3 built or maintained otherwise than configured" in page
    assert f"{world.U1} SO-1 line 1 as sold" in page
    assert (f"{world.U2} SO-1 line 1 differs as built 2026-03-04 10:00: LFP cathode 09506000135113 0.4 expected, "
            "0 found; HV connector 09506000135076 1 expected, 0 found; LV connector 09506000135069 0 expected, "
            "1 found; NMC cathode 09506000135106 0 expected, 0.35 found") in page
    assert (f"{world.U3} SO-1 line 1 differs after a change 2026-03-20 09:00: HV connector 09506000135076 1 "
            "expected, 0 found; LV connector 09506000135069 0 expected, 1 found") in page
    assert f"{world.U4} SO-1 line 1 differs as built 2026-03-05 09:00: LFP cathode" in page
    assert f"{world.U6} SO-1 line 1 not built yet" in page
    assert world.U5 not in page, "U5's line sells no configuration"


def test_who_may_open(app: Flask, session: Session, sold: int) -> None:
    for url in ("/sales/configurations", MODEL, f"/sales/configurations/{sold}"):
        check_access(app, session, "GET", url, SALES_ROLES)


def test_pages_cost_a_fixed_number_of_statements(sold: int, signed_in: SignedIn, session: Session) -> None:
    from cradletrace.configure import configure

    client = signed_in("sales")
    urls = ("/sales/configurations", MODEL, f"/sales/configurations/{sold}")
    before = [page_statements(session, client, url) for url in urls]
    for options in (["c5", "nmc", "lv"], ["c10", "nmc", "hv", "mount"], ["c5", "lfp", "hv", "mount"]):
        configure(session, "PACK", options)
    after = [page_statements(session, client, url) for url in urls]
    assert after == before
