"""The passport: the full passport from core services (sections present only with data), and the one
filter for a viewer's roles, public included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, strategies as st

import passport_world as world
from cradletrace.errors import NotFound
from cradletrace.models import Role
from cradletrace.passport import (
    COMMERCIAL, CUSTODY, PUBLIC, SECTIONS, STAFF, Section, Visibility, build_passport, parse_as_of, passport_for,
    passport_of,
)

ROLES = [r.value for r in Role]
RESTRICTED = {world.CUSTOMER_NAME: COMMERCIAL, "INV-7781": COMMERCIAL, "PO-4410": COMMERCIAL,
              world.PLANT_NAME: CUSTODY, world.DEPOT_NAME: CUSTODY, world.CUSTOMER: COMMERCIAL}


@pytest.fixture
def full(session) -> dict[str, Any]:
    world.build(session)
    return build_passport(session, world.P1, as_of=parse_as_of(world.AFTER_SWAP))


def section(passport: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in passport["sections"] if s["name"] == name)


def test_the_full_passport_has_every_section_with_data(full: dict[str, Any]) -> None:
    assert [s["name"] for s in full["sections"]] == ["identity", "status", "integrity", "footprint", "composition",
                                                     "timeline", "commercial_chain", "lineage"]
    identity = section(full, "identity")["data"]
    assert (identity["gtin"], identity["serial"], identity["element_string"]) == (
        world.G_PACK, "P1", "(01)09506000134352(21)P1")
    status = section(full, "status")["data"]
    assert (status["status"], status["owner_name"], status["place_name"]) == ("active", "Fleet Co", "Depot Quai 3")
    composition = section(full, "composition")["data"]
    assert [(p["label"], p["swapped_in"]) for p in composition["parts"]] == [("BMS board #B3", True)]
    assert [c["label"] for c in composition["removed"]] == ["BMS board #B1"]
    timeline = section(full, "timeline")["data"]
    assert timeline["stages"] == ["manufacture", "sale", "service"]
    sale = next(e for e in timeline["events"] if e["stage"] == "sale")
    assert {d["identifier"] for d in sale["documents"]} == {world.INVOICE, world.ORDER}
    assert sale["document_stages"] == ["invoice"]
    lineage = section(full, "lineage")["data"]
    assert world.B3 in {n["id"] for n in lineage["nodes"]} and set(lineage["made_from"]) == {world.CELLS, world.AL}


def test_sections_without_data_are_absent(session) -> None:
    world.build(session)
    lot = build_passport(session, world.AL)
    assert "composition" not in [s["name"] for s in lot["sections"]], "a lot has no parts"
    board = build_passport(session, world.B1, as_of=parse_as_of("2025-01-06"))
    assert "composition" not in [s["name"] for s in board["sections"]]


def test_the_composition_follows_the_date(session) -> None:
    world.build(session)
    before = build_passport(session, world.P1, as_of=parse_as_of(world.BEFORE_SWAP))
    assert [p["identifier"] for p in section(before, "composition")["data"]["parts"]] == [world.B1]


def test_an_unknown_identifier_is_not_found(session) -> None:
    with pytest.raises(NotFound):
        build_passport(session, "https://id.gs1.org/01/09506000134413/21/NONE")


def test_the_public_view_has_no_restricted_data(full: dict[str, Any]) -> None:
    public = passport_for(full, [])
    text = json.dumps(public)
    for secret in RESTRICTED:
        assert secret not in text, secret
    assert public["viewer"] == {"roles": [], "public": True}
    events = section(public, "timeline")["data"]["events"]
    assert all("location" not in e and "documents" not in e and "event_id" not in e for e in events)
    assert "document_nodes" not in section(public, "lineage")["data"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_what_its_rules_allow(full: dict[str, Any], role: str) -> None:
    text = json.dumps(passport_for(full, [role]))
    for secret, allowed in RESTRICTED.items():
        assert (secret in text) == (role in allowed), (role, secret)


def test_the_filter_does_not_change_the_full_passport(full: dict[str, Any]) -> None:
    before = json.dumps(full, sort_keys=True)
    passport_for(full, [])
    assert json.dumps(full, sort_keys=True) == before


def test_a_new_section_is_one_builder_and_is_filtered(session) -> None:
    world.build(session)
    extra = [*(s for s in SECTIONS if s.name not in ("footprint", "commercial_chain")),
             Section("footprint", "Footprint", lambda ctx: {"total_kg_co2e": 41.5, "supplier_factor": "x"},
                     Visibility(PUBLIC, {"supplier_factor": frozenset({"sustainability"})})),
             Section("commercial_chain", "Commercial chain", lambda ctx: {"orders": ["PO-4410"]},
                     Visibility(COMMERCIAL)),
             Section("empty", "Never shown", lambda ctx: None, Visibility(PUBLIC))]
    full = build_passport(session, world.P1, sections=extra)
    assert [s["name"] for s in full["sections"]][-2:] == ["footprint", "commercial_chain"]
    public = passport_for(full, [], extra)
    assert section(public, "footprint")["data"] == {"total_kg_co2e": 41.5}
    assert section(public, "commercial_chain") == {"name": "commercial_chain", "title": "Commercial chain",
                                                   "locked": True, "roles": sorted(COMMERCIAL)}
    assert section(passport_for(full, ["sustainability"], extra), "footprint")["data"]["supplier_factor"] == "x"
    assert section(passport_for(full, ["sales"], extra), "commercial_chain")["data"] == {"orders": ["PO-4410"]}


def test_the_passport_costs_a_bounded_number_of_statements(session, count_statements) -> None:
    world.build(session)
    with count_statements(session) as sent:
        build_passport(session, world.P1)
    assert len(sent) <= 20 + SECTION_STATEMENTS, [s.statement[:60] for s in sent]


def _without_time(passport: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in passport.items() if k != "generated_at"}


def test_built_for_a_viewer_it_is_the_full_passport_cut(full: dict[str, Any], session) -> None:
    viewers = [[], *([role] for role in ROLES), ["sales", "warehouse"], ROLES]
    for unit, whole in ((world.P1, full), (world.B1, build_passport(session, world.B1, as_of=parse_as_of(
            world.AFTER_SWAP)))):
        for roles in viewers:
            shown = passport_of(session, unit, roles, as_of=parse_as_of(world.AFTER_SWAP))
            assert _without_time(shown) == _without_time(passport_for(whole, roles)), (unit, roles)
    # P1 has a commercial chain (locked for the public), the board B1 none (no heading at all).
    assert section(passport_of(session, world.P1, []), "commercial_chain")["locked"]
    assert "commercial_chain" not in [s["name"] for s in passport_of(session, world.B1, [])["sections"]]


def test_a_viewer_does_not_pay_for_the_sections_it_may_not_see(session, count_statements) -> None:
    world.build(session)

    def refuse(ctx: Any) -> dict[str, Any]:
        raise AssertionError("built for a viewer who may not see it")

    probed = [*(s for s in SECTIONS if s.name != "commercial_chain"),
              Section("commercial_chain", "Commercial chain", refuse, Visibility(COMMERCIAL), lambda ctx: True),
              Section("staff_only", "Staff only", lambda ctx: {"x": 1}, Visibility(STAFF))]
    public = passport_of(session, world.P1, [], sections=probed)
    assert section(public, "commercial_chain") == {"name": "commercial_chain", "title": "Commercial chain",
                                                   "locked": True, "roles": sorted(COMMERCIAL)}
    assert section(public, "staff_only")["locked"], "without a presence check the section is built to know"
    with pytest.raises(AssertionError, match="built for a viewer"):
        passport_of(session, world.P1, ["sales"], sections=probed)
    with count_statements(session) as everything:
        build_passport(session, world.P1)
    with count_statements(session) as scan:
        passport_of(session, world.P1, [])
    # The commercial chain (resolving the unit, then its walk: 2) is one presence check; the entitlement (the unit,
    # its product, the contract walk, the contracts read: 4, though P1 has none) is the walk alone: 6 - 2 fewer;
    # where-used (its presence check: 1, P1 being in nothing) is not even asked for the public: 1 fewer.
    assert len(scan) == len(everything) - 5


SECTION_STATEMENTS = 5 + 7 + 2 + 3
"""What footprint (one metrics gather), compliance (the evidence), commercial_chain (resolve and
walk) and where_used (its presence check, then resolve and walk) add, whatever the unit's history."""


def test_the_statement_count_does_not_grow_with_the_history(session, count_statements) -> None:
    from cradletrace.lifecycle import manufacture, replace_component, sgtin

    world.build(session)
    with count_statements(session) as first:
        build_passport(session, world.P1)
    previous = world.B3
    for n in range(4, 8):  # four more board swaps: a longer history, more parts removed
        board = sgtin(world.G_BOARD, f"B{n}")
        manufacture(session, [board], materials={world.AL: 0.5}, location=world.PLANT, when=world.at(60 + n))
        replace_component(session, world.P1, previous, board, reason="test", location=world.DEPOT,
                          when=world.at(70 + n))
        previous = board
    with count_statements(session) as later:
        build_passport(session, world.P1)
    assert len(later) == len(first)


def _leaves(value: Any, path: str = "") -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_leaves(v, f"{path}.{k}") for k, v in value.items())) if value else {path}
    if isinstance(value, list):
        return set().union(*(_leaves(v, f"{path}[]") for v in value)) if value else {path}
    return {f"{path}={value!r}"}


SYNTHETIC = {"identifier": "u", "kind": "unit", "sections": [
    {"name": "identity", "title": "Identity", "data": {"gtin": "1", "serial": "2"}},
    {"name": "status", "title": "Status", "data": {"status": "active", "place": "P", "owner_name": "O"}},
    {"name": "timeline", "title": "Timeline", "data": {"events": [
        {"time": "t1", "location": "L", "documents": [{"identifier": "D"}], "event_id": "E"},
        {"time": "t2", "location": "M", "documents": [], "event_id": "F"}]}},
    {"name": "footprint", "title": "Footprint", "data": {"total_kg_co2e": 1.0, "rows": [{"kg_co2e": 1.0, "event_id": "E"}]}},
    {"name": "compliance", "title": "Compliance", "data": {"status": "incomplete", "reasons": [
        {"rule": "rohs", "message": "m", "evidence": "DoC-1"}]}},
    {"name": "commercial_chain", "title": "Commercial chain", "data": {"documents": [
        {"kind": "invoice", "number": "INV-1", "amount": "240.00"}]}},
    {"name": "secret", "title": "Secret", "data": {"x": 1}},
]}


@given(st.sets(st.sampled_from(ROLES)))
def test_more_roles_never_see_less_and_nothing_is_invented(roles: set[str]) -> None:
    view = passport_for(SYNTHETIC, roles)
    everything = _leaves(SYNTHETIC["sections"])
    seen = _leaves([s for s in view["sections"] if not s.get("locked")])
    assert seen <= everything
    for role in ROLES:
        wider = _leaves([s for s in passport_for(SYNTHETIC, roles | {role})["sections"] if not s.get("locked")])
        assert seen <= wider
    assert ("secret" in [s["name"] for s in view["sections"] if not s.get("locked")]) == bool(roles & STAFF)
    assert ("INV-1" in json.dumps(view)) == bool(roles & COMMERCIAL)


def test_the_history_check_finds_an_edited_entry(session) -> None:
    from sqlalchemy import select, update

    from cradletrace.models import Event

    world.build(session)
    check = section(build_passport(session, world.P1), "integrity")["data"]
    assert check["intact"] and check["entries"] == 6 and check["broken"] == []
    sale = session.scalar(select(Event.id).where(Event.biz_step == "retail_selling"))
    session.execute(update(Event).where(Event.id == sale).values(payload='{"edited": true}'))
    check = section(build_passport(session, world.P1), "integrity")["data"]
    assert not check["intact"] and len(check["broken"]) == 1
    assert "broken" not in section(passport_for(build_passport(session, world.P1), []), "integrity")["data"]
