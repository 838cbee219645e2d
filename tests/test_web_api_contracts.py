"""The contract writes of /api (Flask test client): a contract drafted, negotiated and taken through its states
(approve, sign, activate, renew, expire, terminate), each answering the contract; the refusals (400 naming the
member, 404, 422 for what the state does not allow), the roles and the CSRF token of a browser. Both databases."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as q

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

import contracts_world as world
from cradletrace.contracts import get_contract, versions
from web_support import app, bearer, client, create_token, csrf_of, signed_in  # noqa: F401

DRAFT: dict[str, Any] = {
    "customer": world.CUSTOMER_B, "currency": "EUR", "starts_at": "2026-01-01", "ends_at": "2027-01-01",
    "payment_terms_days": "45", "warranties": [{"product": world.PUMP, "months": 24}, {"product": "", "months": ""}],
    "plans": [{"plan": "GOLD-36", "product": world.PUMP}], "note": "framework agreement"}
"""A contract for Beta for 2026: 45 days to pay, the default notice (60 days), pumps 24 months, GOLD-36 on pumps."""


@pytest.fixture
def sales(session: Session) -> dict[str, str]:
    """contracts_world's C-1 (in force for Alpha) and C-2 (a draft for Beta), and a salesperson's token."""
    world.build(session)
    return bearer(create_token(session, "sue", "sales"))


def test_a_contract_is_drafted_negotiated_and_taken_through_its_states(client: FlaskClient, session: Session,
                                                                       sales: dict[str, str]) -> None:
    made = client.post("/api/contracts", headers=sales, json=DRAFT)
    # C-1 and C-2 were numbered by hand: the first of the CT series.
    assert made.status_code == 201 and made.headers["Location"] == "/api/contracts/CT-000001"
    body = made.json
    assert (body["number"], body["status"], body["customer"], body["currency"]) == ("CT-000001", "draft", "Beta", "EUR")
    (v1,) = body["terms"]
    assert (v1["starts_at"], v1["ends_at"], v1["payment_terms_days"], v1["renewal_notice_days"]) == (
        "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 45, 60)
    assert [(w["gtin"], w["months"]) for w in v1["warranties"]] == [(world.PUMP, 24)]
    assert [(p["code"], p["product"], p["starts_at"]) for p in v1["plans"]] == [("GOLD-36", world.PUMP, None)]
    assert [(h["state"], h["by"], h["note"], h["version"]) for h in body["history"]] == [
        ("draft", "sue", "framework agreement", 1)]
    again = client.get(made.headers["Location"], headers=sales).json
    assert {**again, "at": None} == {**body, "at": None}, "the same contract (read at another moment)"

    # Negotiated: only what differs is a change (the warranty given again as it was is not); version 2.
    path = "/api/contracts/CT-000001"
    changed = client.post(path + "/terms", headers=sales, json={
        "payment_terms_days": 60, "warranties": [{"product": world.PUMP, "months": "24"}], "note": "60 days agreed"})
    assert changed.status_code == 200, changed.json
    assert changed.json["status"] == "negotiation" and len(changed.json["terms"]) == 2
    v2 = changed.json["terms"][1]
    assert (v2["payment_terms_days"], v2["note"], v2["changed_by"]) == (60, "60 days agreed", "sue")
    same = client.post(path + "/terms", headers=sales, json={"payment_terms_days": "60"})
    assert same.status_code == 400 and same.json["where"] == "contract CT-000001"
    assert same.json["detail"] == "contract CT-000001: nothing changed: these are the terms of version 2"

    # Approved, signed (the terms freeze), activated on 1 Jan 2026 (today is later), renewed, terminated.
    assert client.post(path + "/sign", headers=sales, json={}).status_code == 422, "not approved yet"
    approved = client.post(path + "/approve", headers=sales, json={"note": "numbers checked"}).json
    assert (approved["status"], approved["approved_by"]) == ("approved", "sue")
    signed = client.post(path + "/sign", headers=sales).json
    assert signed["status"] == "signed" and signed["in_force"] == 2
    frozen = client.post(path + "/terms", headers=sales, json={"payment_terms_days": 90})
    assert frozen.status_code == 422 and "signed terms are frozen" in frozen.json["detail"]
    assert client.post(path + "/activate", headers=sales, json={"note": None}).json["status"] == "active"
    early = client.post(path + "/renew", headers=sales, json={"ends_at": "2026-06-30"})
    assert early.status_code == 422 and early.json["where"] == "contract CT-000001.ends_at"
    renewed = client.post(path + "/renew", headers=sales, json={"ends_at": "2028-01-01", "note": "one more year"})
    assert renewed.status_code == 200 and renewed.json["status"] == "renewed"
    # The renewal is version 3: from the old end (1 Jan 2027) to the new one.
    v3 = renewed.json["terms"][2]
    assert (v3["starts_at"], v3["ends_at"], v3["note"]) == ("2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z",
                                                           "one more year")
    assert client.post(path + "/expire", headers=sales).status_code == 422, "renewed, not active"
    assert client.post(path + "/terminate", headers=sales, json={"reason": ""}).json["where"] == \
        "request body reason"
    ended = client.post(path + "/terminate", headers=sales, json={"reason": "customer went bankrupt"}).json
    assert (ended["status"], ended["reason"]) == ("terminated", "customer went bankrupt")
    assert [h["state"] for h in ended["history"]] == ["draft", "negotiation", "approved", "signed", "active",
                                                      "renewed", "terminated"]
    assert client.post(path + "/terminate", headers=sales, json={"reason": "again"}).status_code == 422


def test_expiry_of_a_contract_whose_period_is_over(client: FlaskClient, session: Session,
                                                   sales: dict[str, str]) -> None:
    # C-1 runs until 1 Jan 2027; a contract that ended on 1 Jan 2025 may expire (today is later).
    old = world.in_force(session, world.contract(session, "C-OLD", starts_at=world.day(2024, 1, 1, 0),
                                                 ends_at=world.day(2025, 1, 1, 0)))
    assert client.post("/api/contracts/C-OLD/expire", headers=sales, json={"note": "over"}).json["status"] == "expired"
    session.expire_all()
    assert (old.status.value, old.closed_at is not None) == ("expired", True)


@pytest.mark.parametrize(("changes", "status", "where"), [
    ({"discount": "0.1"}, 400, "request body discount"),
    ({"starts_at": None}, 400, "starts_at"),
    ({"ends_at": "next year"}, 400, "ends_at"),
    ({"payment_terms_days": 30.5}, 400, "payment_terms_days"),
    ({"warranties": [{"product": world.PUMP, "months": "two"}]}, 400, "warranties row 1.months"),
    ({"plans": [{"product": world.PUMP}]}, 400, "plans row 1.plan"),
    ({"number": "C-1"}, 400, "number"),
    ({"customer": None}, 400, "request body customer"),
    ({"note": "x" * 501}, 400, "note"),
    ({"customer": "urn:example:nobody"}, 404, "party"),
    ({"plans": [{"plan": "PLATINUM"}]}, 404, None),
    ({"currency": "USD"}, 422, "contract CT-000001.plans[0]"),
])
def test_a_draft_that_is_wrong_is_refused_saying_where(client: FlaskClient, session: Session, sales: dict[str, str],
                                                       changes: dict[str, Any], status: int, where: str | None) -> None:
    refused = client.post("/api/contracts", headers=sales, json={**DRAFT, **changes})
    assert refused.status_code == status and refused.mimetype == "application/problem+json", refused.json
    if where is not None:
        assert refused.json["where"] == where
    listed = client.get("/api/contracts", headers=sales).json["contracts"]
    assert [c["number"] for c in listed] == ["C-1", "C-2"], "nothing was written"


def test_negotiation_refusals(client: FlaskClient, session: Session, sales: dict[str, str]) -> None:
    assert client.post("/api/contracts/C-404/terms", headers=sales, json={"payment_terms_days": 10}).status_code == 404
    unknown = client.post("/api/contracts/C-2/terms", headers=sales, json={"payment_days": 10})
    assert unknown.status_code == 400 and unknown.json["where"] == "request body payment_days"
    empty = client.post("/api/contracts/C-2/terms", headers=sales, json={})
    assert empty.status_code == 400 and "nothing changed" in empty.json["detail"]
    other = client.post("/api/contracts/C-2/terms", headers=sales, json={"price_list": "NOPE"})
    assert other.status_code == 404
    # C-2's price list none -> none is no change; a list cleared is null or blank.
    assert client.post("/api/contracts/C-2/terms", headers=sales, json={"price_list": ""}).status_code == 400
    assert len(versions(session, get_contract(session, "C-2"))) == 1
    active = client.post("/api/contracts/C-1/terms", headers=sales, json={"payment_terms_days": 10})
    assert active.status_code == 422 and active.json["where"] == "contract C-1"


def test_a_number_with_slashes_and_who_may_write(client: FlaskClient, session: Session, sales: dict[str, str]) -> None:
    made = client.post("/api/contracts", headers=sales, json={**DRAFT, "number": "CT/2026/0001"})
    assert made.status_code == 201 and made.headers["Location"] == "/api/contracts/CT/2026/0001"
    path = "/api/contracts/" + q("CT/2026/0001", safe="")
    assert client.post(path + "/approve", headers=sales).json["status"] == "approved"
    finance = bearer(create_token(session, "fay", "finance"))
    compliance = bearer(create_token(session, "cy", "compliance"))
    manager = bearer(create_token(session, "mia2", "sales_manager"))
    for who in (finance, compliance):
        assert client.post("/api/contracts", headers=who, json=DRAFT).status_code == 403
        assert client.post("/api/contracts/C-2/approve", headers=who).status_code == 403
        assert client.get("/api/contracts/C-2", headers=who).status_code == 200, "reading stays open to them"
    assert client.post("/api/contracts/C-2/approve", headers=manager).json["approved_by"] == "mia2"


def test_writes_from_a_browser_session_need_the_csrf_token(session: Session, signed_in) -> None:  # type: ignore[no-untyped-def]
    world.build(session)
    browser = signed_in("sales")
    without = browser.post("/api/contracts/C-2/approve", json={})
    assert without.status_code == 400 and "CSRF" in without.json["detail"]
    assert get_contract(session, "C-2").status.value == "draft"
    with_token = browser.post("/api/contracts/C-2/approve", json={}, headers={"X-CSRF-Token": csrf_of(browser)})
    assert with_token.status_code == 200 and with_token.json["status"] == "approved"


def test_the_answers_match_the_openapi_document(client: FlaskClient, session: Session, sales: dict[str, str]) -> None:
    """The fuzzing sweep (test_web_conformance) rarely draws a body that drafts a contract; check the answers of a
    draft, a negotiation and a state action against the document here."""
    import jsonschema

    from cradletrace.web.api import ROUTES
    from cradletrace.web.api.openapi import document

    components = document(ROUTES)["components"]

    def check(schema: str, value: Any) -> None:
        jsonschema.Draft202012Validator({"$ref": f"#/components/schemas/{schema}", "components": components}
                                        ).validate(value)

    check("ContractDraft", DRAFT)
    check("Contract", client.post("/api/contracts", headers=sales, json=DRAFT).json)
    check("Contract", client.post("/api/contracts/CT-000001/terms", headers=sales,
                                  json={"renewal_notice_days": 90}).json)
    check("Contract", client.post("/api/contracts/CT-000001/approve", headers=sales, json={"note": "ok"}).json)
    check("Problem", client.post("/api/contracts/CT-000001/expire", headers=sales).json)
    with pytest.raises(jsonschema.ValidationError):
        check("ContractDraft", {**DRAFT, "colour": "red"})
