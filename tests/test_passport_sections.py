"""The footprint, compliance and commercial-chain sections of the passport: present with data, absent
without, following the as-of date, and cut for the public (no customer, price or invoice data)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

import commerce_world
import metrics_world as mw
from cradletrace.compliance import add_certificate, declare_substances
from cradletrace.lifecycle import commission_units, sgtin
from cradletrace.metrics import footprint as metrics_footprint
from cradletrace.passport import COMMERCIAL, build_passport, parse_as_of, passport_for
from web_support import app, signed_in  # noqa: F401

NEW = ("footprint", "compliance", "commercial_chain")


def names(passport: dict[str, Any]) -> list[str]:
    return [s["name"] for s in passport["sections"]]


def data(passport: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in passport["sections"] if s["name"] == name)["data"]


def declare(session: Session) -> None:
    declare_substances(session, mw.AL, [], declared_at=mw.day(0))
    add_certificate(session, mw.G_PACK, "EU_DoC", "DoC-2025-1", valid_from=mw.day(0))


def test_the_footprint_is_the_metrics_footprint_by_stage_with_materials(session: Session) -> None:
    mw.build(session)
    at = parse_as_of("2025-03-01")
    fp = data(build_passport(session, mw.P1, as_of=at), "footprint")
    expected = metrics_footprint(session, mw.P1, at)
    assert {s["stage"]: s["kg_co2e"] for s in fp["stages"]} == {k: round(v, 3) for k, v in expected.stages.items()}
    assert fp["total_kg_co2e"] == round(expected.total, 3) and not fp["complete"]
    assert any("copper" in g["missing"] for g in fp["gaps"]), "the copper factor gap is missing data"
    assert fp["materials"]["by_material"]["aluminium"] == 4.0 and fp["materials"]["recycled_share"] is not None
    assert all(r["factor_source"] for r in fp["rows"]), "every computed figure names its factor's source"


def test_the_footprint_follows_the_date_of_a_part_swap(session: Session) -> None:
    mw.build(session)
    before = data(build_passport(session, mw.P1, as_of=parse_as_of("2025-02-01")), "footprint")
    after = data(build_passport(session, mw.P1, as_of=parse_as_of("2025-04-01")), "footprint")
    service = {p: next(s["kg_co2e"] for s in d["stages"] if s["stage"] == "service")
               for p, d in (("before", before), ("after", after))}
    assert service["before"] == 0 and service["after"] > 0, "the replacement board counts in service from the swap"
    assert after["total_kg_co2e"] > before["total_kg_co2e"]


def test_compliance_shows_the_status_and_reasons_and_follows_the_date(session: Session) -> None:
    mw.build(session)
    assert "compliance" not in names(build_passport(session, mw.P1)), "no evidence at all: no section"
    declare(session)
    full = build_passport(session, mw.P1, as_of=parse_as_of("2025-02-01"))
    compliance = data(full, "compliance")
    assert compliance["status"] == "incomplete" and compliance["rules"]["certificates"] == "compliant"
    assert {r["subject"] for r in compliance["reasons"]} >= {mw.CU, mw.PCB}
    public = data(passport_for(full, []), "compliance")
    assert public["status"] == "incomplete" and all("evidence" not in r for r in public["reasons"])
    assert all("evidence" in r for r in data(passport_for(full, ["compliance"]), "compliance")["reasons"])


def test_a_bare_unit_has_none_of_the_new_sections(session: Session) -> None:
    unit = sgtin(mw.G_PACK, "BARE")
    commission_units(session, [unit])
    assert not set(NEW) & set(names(build_passport(session, unit)))


@pytest.fixture
def sold(session: Session) -> str:
    commerce_world.build(session)
    return commerce_world.unit(1)


def test_the_commercial_chain_is_in_chain_order_for_commercial_roles_only(session: Session, sold: str) -> None:
    full = build_passport(session, sold)
    chain = data(full, "commercial_chain")["documents"]
    kinds = [d["kind"] for d in chain]
    assert kinds[:4] == ["lead", "opportunity", "quote", "order"] and "invoice" in kinds and "payment" in kinds
    assert kinds.index("shipment") < kinds.index("invoice") < kinds.index("payment")
    assert "INV-000001" in json.dumps(full)
    public = passport_for(full, [])
    text = json.dumps(public)
    for secret in ("INV-000001", "SO1", "Q1", "240.00", "Alpha", commerce_world.CUSTOMER_A):
        assert secret not in text, secret
    assert next(s for s in public["sections"] if s["name"] == "commercial_chain")["locked"]
    for role in ("warehouse", "sustainability", "admin"):
        assert "INV-000001" not in json.dumps(passport_for(full, [role])), role
    for role in sorted(COMMERCIAL):
        assert "INV-000001" in json.dumps(passport_for(full, [role])), role


def test_a_unit_without_documents_has_no_commercial_chain(session: Session, sold: str) -> None:
    assert "commercial_chain" not in names(build_passport(session, commerce_world.RESIN_LOT))
    unit = sgtin(commerce_world.PUMP, "UNSOLD")
    commission_units(session, [unit])
    assert "commercial_chain" not in names(build_passport(session, unit))


PATH = "/01/09506000134352/21/P1"


def test_the_page_draws_the_footprint_chart_and_the_status(app: Flask, session: Session, signed_in) -> None:  # noqa: F811
    mw.build(session)
    declare(session)
    client = app.test_client()
    page = client.get(PATH, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<svg class="bars"' in page and "<title id=\"footprint-chart-title\">" in page
    assert "<h3>Missing data</h3>" in page and "copper" in page
    assert 'class="badge incomplete"' in page and "no substance declaration in force" in page
    assert "DoC-2025-1" not in page
    entry = client.get(PATH, headers={"Accept": "application/linkset+json"}).json["linkset"][0]
    assert entry["https://gs1.org/voc/sustainabilityInfo"][0]["href"].endswith(PATH + "#footprint")
    assert entry["https://gs1.org/voc/certificationInfo"][0]["href"].endswith(PATH + "#compliance")
    body = client.get(PATH, headers={"Accept": "application/json"}).json
    assert {"footprint", "compliance"} <= set(names(body))
