"""The passport's "Where used" section (a lot's or a part's recall list): its rows and counts worked out by hand on
a small world, who sees it (supply chain, compliance), who sees it locked (other staff), the public not at all,
the page, and a fixed number of statements whatever the number of units.

The world is tests/recall_world.py: cell lot CELLS in three packs, P1 at a customer, P2 recycled, P3 ours, in stock
and on recall hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from cradletrace.lifecycle import pack, sscc
from cradletrace.models import Role
from cradletrace.passport import RECALL, build_passport, passport_for, passport_of
from cradletrace.passport.sections import WHERE_USED_ROWS
from cradletrace.web.commercial import UNITS_SHOWN
from cradletrace.web.resolver import path_of
from q2c_web_support import HTML, page_statements, text
from recall_world import B1, CELLS, CUSTOMER, P1, P2, P3, PLANT, RL, US, at, build, seller  # noqa: F401
from web_support import app, signed_in  # noqa: F401

ALL_ROLES = [role.value for role in Role]


def section(passport: dict[str, Any], name: str = "where_used") -> dict[str, Any] | None:
    return next((s for s in passport["sections"] if s["name"] == name), None)


# -- the rows and the counts ----------------------------------------------------------------------------------


def test_a_lot_lists_every_pack_it_went_into_with_its_state_place_and_owner(
        session: Session, seller: str) -> None:  # noqa: F811
    build(session)
    data = section(passport_of(session, CELLS, ["supply_chain"]))["data"]
    # 3 packs reached; in service P1 (at Fleet Co: a customer) and P3 (ours, in stock, on hold); P2 recycled
    assert data["counts"] == {"units_affected": 3, "in_service": 2, "at_our_sites": 1, "at_customers": 1,
                              "on_hold": 1, "recycled": 1, "destroyed": 0}
    assert data["ours"] == US and data["not_shown"] == 0
    rows = {u["identifier"]: u for u in data["units"]}
    assert list(rows) == [P1, P2, P3], "by depth, then identifier: the recall's order"
    p1, p2, p3 = rows[P1], rows[P2], rows[P3]
    assert (p1["product"], p1["serial"], p1["depth"], p1["status"]) == ("Battery pack 48 V", "P1", 1, "active")
    assert (p1["place_name"], p1["owner"], p1["owner_name"], p1["ours"], p1["on_hold"]) == (
        "Depot Quai 3", CUSTOMER, "Fleet Co", False, False)
    assert p1["last_event_time"] == "2025-01-11T08:00:00.000Z", "installed at day 5"
    assert (p2["status"], p2["in_service"], p2["last_event_time"]) == (
        "disassembled", False, "2025-02-15T08:00:00.000Z"), "disassembled at day 40"
    assert (p3["status"], p3["disposition"], p3["on_hold"], p3["owner_name"], p3["ours"], p3["place_name"]) == (
        "active", "recalled", True, "Packs Ltd", True, "Plant Nord-7")


def test_a_part_lists_itself_and_what_holds_it(session: Session, seller: str) -> None:  # noqa: F811
    build(session)
    data = section(passport_of(session, B1, ["compliance"]))["data"]
    assert [(u["identifier"], u["depth"]) for u in data["units"]] == [(B1, 0), (P1, 1)], \
        "a unit's recall starts with itself"
    assert data["counts"]["units_affected"] == 2


def test_only_what_has_something_downstream_has_the_section(session: Session, seller: str) -> None:  # noqa: F811
    build(session)
    pack(session, sscc("09506000100000001"), [P3], location=PLANT, when=at(50))  # a pallet holds no part
    for nothing_made_from_it in (P3, RL):
        assert section(build_passport(session, nothing_made_from_it)) is None, nothing_made_from_it
        assert section(passport_of(session, nothing_made_from_it, ["sales"])) is None, "no locked heading either"


def test_without_our_party_the_split_by_owner_is_unknown(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRADLETRACE_SELLER", raising=False)
    build(session)
    counts = section(build_passport(session, CELLS))["data"]["counts"]
    assert (counts["at_our_sites"], counts["at_customers"], counts["in_service"]) == (None, None, 2)
    assert section(build_passport(session, CELLS, seller=CUSTOMER))["data"]["counts"]["at_our_sites"] == 1, \
        "a passport's extras may name our party (Fleet Co owns P1)"


def test_a_long_list_is_cut_and_counted(session: Session, seller: str,  # noqa: F811
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    build(session)
    monkeypatch.setattr("cradletrace.passport.sections.WHERE_USED_ROWS", 2)
    data = section(build_passport(session, CELLS))["data"]
    assert [u["identifier"] for u in data["units"]] == [P1, P2] and data["not_shown"] == 1
    assert data["counts"]["units_affected"] == 3, "the counts are of every unit"
    assert WHERE_USED_ROWS == UNITS_SHOWN == 500, "the pages' usual cut"


# -- who sees it ----------------------------------------------------------------------------------------------


def test_recall_roles_see_it_other_staff_see_it_locked_and_the_public_not_at_all(session: Session,
                                                                                 seller: str) -> None:  # noqa: F811
    build(session)
    full = build_passport(session, CELLS)
    assert RECALL == {"supply_chain", "compliance"}
    for role in ALL_ROLES:
        for shown in (passport_for(full, [role]), passport_of(session, CELLS, [role])):
            got = section(shown)
            if role in RECALL:
                assert got["data"]["counts"]["units_affected"] == 3, role
            else:
                assert got == {"name": "where_used", "title": "Where used", "locked": True,
                               "roles": ["compliance", "supply_chain"]}, role
    for public in (passport_for(full, []), passport_of(session, CELLS, [])):
        assert section(public) is None
        assert "Fleet Co" not in json.dumps(public) and "where_used" not in json.dumps(public)


def test_a_public_scan_does_not_ask_whether_there_is_a_list(session: Session, seller: str,  # noqa: F811
                                                           count_statements) -> None:
    build(session)
    with count_statements(session) as public:
        passport_of(session, CELLS, [])
    with count_statements(session) as locked:
        passport_of(session, CELLS, ["sales"])
    with count_statements(session) as shown:
        passport_of(session, CELLS, ["supply_chain"])
    # the locked heading asks one EXISTS; the list adds one resolve and one recursive query to it
    assert len(locked) == len(public) + 1 and len(shown) == len(public) + 3


# -- the page -------------------------------------------------------------------------------------------------

LOT_PAGE = path_of(CELLS)


def test_the_page_shows_the_counts_the_rows_and_the_downloads(app: Flask, session: Session, seller: str,  # noqa: F811
                                                              signed_in: Callable[..., FlaskClient]) -> None:  # noqa: F811
    build(session)
    page = signed_in("supply_chain").get(LOT_PAGE, headers=HTML)
    body, words = page.get_data(as_text=True), text(page)
    assert page.status_code == 200
    assert ("Units affected 3 In service 2 of them at our sites 1 of them at customers 1 On recall hold 1 "
            "Recycled 1") in words
    assert '<a href="/01/09506000134352/21/P1">#P1</a>' in body and "Depot Quai 3" in words and "Fleet Co" in words
    assert words.count("on hold") == 1 and '<tr class="held">' in body
    assert 'href="/recall.csv?id=https://id.gs1.org/01/09506000134383/10/C-7"' in body
    assert 'href="/recall.xlsx?id=https://id.gs1.org/01/09506000134383/10/C-7"' in body
    assert '<div class="table-scroll">' in body, "a phone scrolls the table in its box"


def test_the_page_locks_it_for_other_staff_and_hides_it_from_the_public(app: Flask, session: Session,  # noqa: F811
                                                                        seller: str, signed_in) -> None:  # noqa: F811
    build(session)
    locked = text(signed_in("sales").get(LOT_PAGE, headers=HTML))
    assert "Where used Locked. Visible to compliance, supply chain after signing in" in locked
    assert "Fleet Co" not in locked
    public = app.test_client().get(LOT_PAGE, headers=HTML)
    assert public.status_code == 200 and "Where used" not in text(public)
    preview = signed_in("supply_chain").get(LOT_PAGE + "?view=public", headers=HTML)
    assert "Where used" not in text(preview)


def test_the_page_costs_the_same_statements_for_3_and_for_30_units(app: Flask, session: Session,  # noqa: F811
                                                                   seller: str, signed_in) -> None:  # noqa: F811
    client = signed_in("supply_chain", "compliance")
    counts = []
    for packs in (3, 30):
        nested = session.begin_nested()
        build(session, packs)
        assert f"Units affected {packs}" in text(client.get(LOT_PAGE, headers=HTML))
        counts.append(page_statements(session, client, LOT_PAGE))
        nested.rollback()
    assert counts[0] == counts[1], counts
