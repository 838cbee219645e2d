"""The passport's warranty and service entitlement section: the unit's coverage on the passport's date and why,
present only for a unit a contract covers, seen by sales, sales managers, finance and the warehouse (the customer
by the commercial roles only), a locked heading for everyone else; and the commercial chain's documents linked to
their pages for the roles that open them. Both databases (contracts_world)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

import contracts_world as world
from cradletrace import commerce
from cradletrace.models import Role
from cradletrace.passport import COMMERCIAL, ENTITLEMENT, build_passport, parse_as_of, passport_for, passport_of
from q2c_web_support import HTML, SignedIn, text
from web_support import app, signed_in  # noqa: F401

P1_PATH, P2_PATH = "/01/09506000134352/21/P1", "/01/09506000134352/21/P2"


@pytest.fixture
def covered(session: Session) -> None:
    """C-1 (Alpha, in force from 1 Jan 2026): pumps under warranty for 24 months, GOLD-36 (36 months) on pumps.
    SO1 ships P1 and P2 on 3 Feb 2026; Alpha receives P1 at its plant on 5 Feb; INV-000001 bills both."""
    world.setup(session)
    c1 = world.in_force(session, world.contract(session, "C-1", plans=[{"plan": "GOLD-36", "product": world.PUMP}]))
    world.sell(session, c1, "SO1", [world.pump(1), world.pump(2)], shipped=world.day(2026, 2, 3))
    world.receive(session, [world.pump(1)], location=world.SITE_A, by_party=world.CUSTOMER_A,
                  from_party=world.SELLER, when=world.day(2026, 2, 5))
    commerce.invoice_order(session, "SO1", when=world.day(2026, 2, 4))


def section(passport: dict[str, Any], name: str = "entitlement") -> dict[str, Any] | None:
    return next((s for s in passport["sections"] if s["name"] == name), None)


def part(response: Any, name: str) -> str:
    """The HTML of one section of a passport page."""
    return response.get_data(as_text=True).split(f'id="{name}"', 1)[1].split("</section>", 1)[0]


def test_a_unit_under_warranty_and_a_plan_and_why(covered: None, session: Session) -> None:
    data = section(build_passport(session, world.pump(1), as_of=parse_as_of("2026-06-01")))["data"]
    assert (data["covered"], data["under_warranty"], data["contract"], data["contract_status"]) == (
        True, True, "C-1", "active")
    assert data["customer"] == "Alpha" and data["control"]["at"].startswith("2026-02-05T09:00")
    # 24 months of warranty from 5 Feb 2026 (control passed), to 5 Feb 2028; the plan 36 months, to 5 Feb 2029.
    (warranty, plan) = data["coverages"]
    assert (warranty["kind"], warranty["starts_at"][:10], warranty["ends_at"][:10], warranty["active"]) == (
        "warranty", "2026-02-05", "2028-02-05", True)
    assert (plan["code"], plan["ends_at"][:10], plan["covers"]) == ("GOLD-36", "2029-02-05",
                                                                   ["repair", "parts", "labour"])
    assert data["reasons"][0] == "contract C-1 (active)", "the customer is a field of its own, not in the reasons"
    assert data["reasons"][2] == "under warranty until 2028-02-05: 24 months (contract C-1, terms v1) from 2026-02-05"


def test_coverage_follows_the_date(covered: None, session: Session) -> None:
    later = section(build_passport(session, world.pump(1), as_of=parse_as_of("2028-03-01")))["data"]
    assert (later["covered"], later["under_warranty"]) == (True, False), "the warranty ended, the plan runs on"
    assert "warranty ended on 2028-02-05 (24 months (contract C-1, terms v1) from 2026-02-05)" in later["reasons"]
    waiting = section(build_passport(session, world.pump(2), as_of=parse_as_of("2026-06-01")))["data"]
    assert (waiting["covered"], waiting["control"]) == (False, None), "P2 was shipped, never received"


def test_only_a_unit_a_contract_covers_has_the_section(covered: None, session: Session) -> None:
    assert section(build_passport(session, world.pump(3))) is None


def test_who_sees_it(covered: None, session: Session) -> None:
    full = build_passport(session, world.pump(1), as_of=parse_as_of("2026-06-01"))
    for role in sorted(ENTITLEMENT):
        seen = section(passport_for(full, [role]))
        assert not seen.get("locked") and seen["data"]["covered"], role
    assert section(passport_for(full, ["sales"]))["data"]["customer"] == "Alpha"
    warehouse = section(passport_for(full, ["warehouse"]))
    assert "customer" not in warehouse["data"] and "Alpha" not in json.dumps(warehouse), "customers are commercial"
    for roles in ([], ["compliance"], ["supply_chain"], ["sustainability"], ["admin"]):
        locked = section(passport_for(full, roles))
        assert locked == {"name": "entitlement", "title": "Warranty and service entitlement", "locked": True,
                          "roles": ["finance", "sales", "sales_manager", "warehouse"]}, roles


def test_the_page_for_staff_and_for_the_public(covered: None, app: Flask, signed_in: SignedIn) -> None:
    response = signed_in("sales").get(P1_PATH + "?as_of=2026-06-01", headers=HTML)
    page, body = text(response), response.get_data(as_text=True)
    assert ("Warranty and service entitlement Under warranty on 2026-06-01, and by a service plan. "
            "Contract C-1 · active · terms v1 Customer Alpha Control passed 2026-02-05 (receiving)") in page
    assert ("Warranty 24 months 2026-02-05 to 2028-02-05 repair, parts, labour, replacement covered "
            "Gold service GOLD-36 36 months 2026-02-05 to 2029-02-05 repair, parts, labour covered") in page
    assert "Why contract C-1 (active) control passed to the customer on 2026-02-05 (receiving)" in page
    assert world.SITE_A not in page and "event" not in part(response, "entitlement"), "places and event IDs: custody"
    assert 'href="/sales/contracts/C-1">C-1</a> · active' in body
    keeper = part(signed_in("warehouse").get(P1_PATH + "?as_of=2026-06-01", headers=HTML), "entitlement")
    assert "Under warranty" in keeper and "Customer" not in keeper and "Alpha" not in keeper
    assert world.SITE_A in keeper, "the warehouse sees where control passed, as it sees places in the timeline"
    assert "/sales/contracts" not in keeper, "no link to a page the warehouse cannot open"
    public_page = app.test_client().get(P1_PATH, headers=HTML)
    public = text(public_page)
    locked = part(public_page, "entitlement")
    # An SVG drawn with the text's colour, not an emoji a system without an emoji font shows as an empty box.
    assert "🔒" not in locked and '<svg class="icon"' in locked and 'aria-hidden="true"' in locked
    assert "style=" not in locked, "no inline style (the CSP allows none)"
    assert ("Warranty and service entitlement Locked. Visible to finance, sales, sales manager, warehouse after "
            "signing in") in public, "the lock is an icon with words for screen readers"
    assert "Under warranty" not in public and "C-1" not in public


def test_the_commercial_chain_links_to_the_pages_the_viewer_opens(covered: None, signed_in: SignedIn) -> None:
    chain = part(signed_in("sales").get(P1_PATH, headers=HTML), "commercial_chain")
    assert 'href="/sales/contracts/C-1"' in chain and 'href="/sales/orders/SO1"' in chain
    assert "/finance/" not in chain and "INV-000001" in chain, "the invoice is named, not linked, for sales"
    chain = part(signed_in("finance").get(P1_PATH, headers=HTML), "commercial_chain")
    assert 'href="/finance/invoices/INV-000001"' in chain and 'href="/sales/orders/SO1"' in chain
    assert "/sales/contracts/" not in chain
    chain = part(signed_in("compliance").get(P1_PATH, headers=HTML), "commercial_chain")
    assert "href=" not in chain, "compliance sees the chain and opens none of these pages"


def test_each_role_sees_of_it_what_the_passports_rules_show_it_elsewhere(covered: None, session: Session) -> None:
    full = build_passport(session, world.pump(1), as_of=parse_as_of("2026-06-01"))
    control = section(full)["data"]["control"]
    assert (control["location"], control["biz_step"]) == (world.SITE_A, "receiving")
    seen_by = {}
    for roles in ([], *([role.value] for role in Role)):
        shown = passport_for(full, roles)
        entitled = section(shown)
        if entitled.get("locked"):
            continue
        events = section(shown, "timeline")["data"]["events"]
        words = json.dumps(entitled)
        # The receiving event's ID and Alpha's site, where the timeline shows event IDs and places (custody roles);
        # Alpha's name where the status shows owners (commercial roles); never inside the reasons' words.
        assert (control["event_id"] in words) == any("event_id" in e for e in events), roles
        assert (world.SITE_A in words) == any("location" in e for e in events), roles
        assert ("Alpha" in words) == bool(COMMERCIAL & set(roles)), roles
        assert not any(hidden in " ".join(entitled["data"]["reasons"])
                       for hidden in ("Alpha", world.SITE_A, control["event_id"])), roles
        seen_by[roles[0]] = words
    assert sorted(seen_by) == sorted(ENTITLEMENT), "the roles the section is for, and no other"


def test_built_for_a_viewer_it_is_the_full_passport_cut(covered: None, session: Session) -> None:
    at = parse_as_of("2026-06-01")
    # P1 is covered (the section, or its locked heading); P3 has no contract (neither).
    for unit in (world.pump(1), world.pump(3)):
        whole = {k: v for k, v in build_passport(session, unit, as_of=at).items() if k != "generated_at"}
        for roles in ([], *([role.value] for role in Role)):
            shown = {k: v for k, v in passport_of(session, unit, roles, as_of=at).items() if k != "generated_at"}
            assert shown == passport_for(whole, roles), (unit, roles)
    assert section(passport_of(session, world.pump(1), [], as_of=at))["locked"]
    assert section(passport_of(session, world.pump(3), [], as_of=at)) is None
