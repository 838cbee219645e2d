"""The quote-to-cash operations of /api (Flask test client): quotes and their actions, configurations, contracts,
reminders, entitlement, revenue (JSON and CSV) and the KPIs, with the values of the worlds worked out here."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote as q

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

import q2c_world as world
from cradletrace.commerce.documents import get
from cradletrace.models import Approval, DocumentKind
from pricing_world import pdf_text
from web_support import app, bearer, client, create_token, csrf_of, signed_in  # noqa: F401

MARCH = "from=2026-03-01&to=2026-04-01"
BETA_, PACK10_ = world.BETA, world.PACK10


@pytest.fixture
def sales(session: Session) -> dict[str, str]:
    world.build(session)
    return bearer(create_token(session, "sue", "sales"))


@pytest.fixture
def manager(session: Session) -> dict[str, str]:
    return bearer(create_token(session, "mia2", "sales_manager"))


# --- quotes --------------------------------------------------------------------------------------

def test_the_list_of_quotes_and_its_filters(client: FlaskClient, sales: dict[str, str]) -> None:
    body = client.get("/api/quotes", headers=sales).json
    # Newest first: Q-5 (draft, its approval pending), Q-2 (v2 of 2, ordered), Q-3, Q-1, Q-4.
    assert body["total"] == 5 and [r["number"] for r in body["quotes"]] == ["Q-5", "Q-2", "Q-3", "Q-1", "Q-4"]
    q5, q2 = body["quotes"][0], body["quotes"][1]
    assert (q5["status"], q5["approval_pending"], q5["customer"]) == ("draft", True, "Beta")
    assert (q2["version"], q2["versions"], q2["order"], q2["amount"]) == (2, 2, "SO-000001", "10440.00")
    assert q2["created_at"] == "2026-03-09T09:00:00Z" and q2["sent_at"] == "2026-03-10T09:00:00Z"
    beta = client.get(f"/api/quotes?customer={q(world.BETA)}&status=expired", headers=sales).json
    assert [r["number"] for r in beta["quotes"]] == ["Q-4"]
    page = client.get("/api/quotes?limit=2&offset=1", headers=sales).json
    assert (page["total"], [r["number"] for r in page["quotes"]]) == (5, ["Q-2", "Q-3"])
    assert client.get("/api/quotes?status=won", headers=sales).json["where"] == "status"
    assert client.get("/api/quotes?limit=0", headers=sales).status_code == 400
    assert client.get("/api/quotes?from=soon", headers=sales).json["where"] == "query parameter from"
    assert client.get("/api/quotes?customer=urn%3Aexample%3Anobody", headers=sales).status_code == 404


def test_a_quote_with_its_prices_configuration_approvals_and_versions(client: FlaskClient,
                                                                      sales: dict[str, str]) -> None:
    body = client.get("/api/quotes/Q-2", headers=sales).json
    assert (body["version"], body["status"], body["frozen"], body["order"]) == (2, "accepted", True, "SO-000001")
    line = body["pricing"]["lines"][0]
    # 3 x (4 000.00 list + 150.00 lfp + 200.00 hv) less 20 %: 10 440.00.
    assert (line["list_price"], line["surcharge"], line["unit_price"], line["discount"], line["net"]) == (
        "4000.00", "350.00", "4350.00", "0.2", "10440.00")
    # Every option chosen is shown, c10 with no surcharge on any list.
    assert [(s["option"], s["amount"]) for s in line["surcharges"]] == [("c10", "0.00"), ("lfp", "150.00"),
                                                                        ("hv", "200.00")]
    assert line["price_list"] == "PACK-2026"
    assert [o["code"] for o in body["configurations"][0]["options"]] == ["c10", "lfp", "hv"]
    assert body["configurations"][0]["gtin"] == world.PACK10L
    assert body["approvals"] == [] and body["covering_approval"]["decided_by"] == "mia"
    assert [(v["version"], v["status"]) for v in body["versions"]] == [(1, "superseded"), (2, "accepted")]
    first = client.get("/api/quotes/Q-2?version=1", headers=sales).json
    assert (first["pricing"]["net"], first["approvals"][0]["requested_by"]) == ("6960.00", "sam")  # 2 x 4 350 x 0.8
    assert client.get("/api/quotes/Q-2?version=7", headers=sales).status_code == 404
    missing = client.get("/api/quotes/Q-404", headers=sales)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_the_quote_pdf(client: FlaskClient, sales: dict[str, str]) -> None:
    pdf = client.get("/api/quotes/Q-2/pdf", headers=sales)
    assert pdf.mimetype == "application/pdf" and pdf.headers["Content-Disposition"] == (
        'inline; filename="quote-Q-2-v2.pdf"')
    text = " ".join(pdf_text(pdf.data)[0].split())
    assert "Quote Q-2 version 2" in text and "10,440.00" in text
    assert client.get("/api/quotes/Q-404/pdf", headers=sales).status_code == 404


def test_drafting_a_quote_then_changing_the_draft_and_revising_the_sent_version(
        client: FlaskClient, session: Session, sales: dict[str, str]) -> None:
    # Beta, 2 packs (3 800.00 on PACK-2026, valid from January, open-ended) less 5 % on the line:
    # 7 600.00 - 380.00 = 7 220.00. No number given: the first of the Q series.
    made = client.post("/api/quotes", headers=sales, json={
        "customer": world.BETA, "currency": "EUR", "valid_until": "2027-01-31",
        "lines": [{"product": world.PACK10, "quantity": "2", "discount": "0.05"}, {"product": ""}]})
    assert made.status_code == 201 and made.headers["Location"] == "/api/quotes/Q-000001"
    body = made.json
    assert (body["number"], body["version"], body["status"], body["customer"]) == ("Q-000001", 1, "draft", "Beta")
    assert body["pricing"]["net"] == "7220.00" and body["pricing"]["lines"][0]["list_price"] == "3800.00"
    assert body["valid_until"].startswith("2027-01-31T23:59:59"), "valid to the end of the day given"
    # The draft changed in place: 3 packs, no line discount: 11 400.00; still v1.
    changed = client.post("/api/quotes/Q-000001/revise", headers=sales,
                          json={"version": 1, "lines": [{"product": world.PACK10, "quantity": 3}]}).json
    assert (changed["version"], changed["status"], changed["pricing"]["net"]) == (1, "draft", "11400.00")
    # Sent, it is frozen: a change is v2 (10 % off the quote: 11 400.00 x 0.9 = 10 260.00), v1 superseded.
    assert client.post("/api/quotes/Q-000001/send", headers=sales).status_code == 200
    revised = client.post("/api/quotes/Q-000001/revise", headers=sales, json={"discount": "0.1"}).json
    assert (revised["version"], revised["status"], revised["pricing"]["net"]) == (2, "draft", "10260.00")
    assert [(v["version"], v["status"]) for v in revised["versions"]] == [(1, "superseded"), (2, "draft")]
    stale = client.post("/api/quotes/Q-000001/revise", headers=sales, json={"version": 1, "discount": "0"})
    assert stale.status_code == 400 and "newer version (v2)" in stale.json["detail"]
    # A deep discount opens a request for approval, as on any quote.
    deep = client.post("/api/quotes", headers=sales, json={
        "number": "Q-77", "customer": world.BETA, "currency": "EUR", "discount": "0.3",
        "lines": [{"product": world.PACK10}]}).json
    assert deep["number"] == "Q-77" and deep["approvals"][0]["decided_at"] is None
    assert client.post("/api/quotes/Q-77/send", headers=sales).status_code == 422, "not without an approval"


@pytest.mark.parametrize(("payload", "status", "where"), [
    ({"customer": BETA_, "currency": "EUR", "lines": [{"product": PACK10_}], "discunt": "0.1"}, 400,
     "request body discunt"),
    ({"customer": BETA_, "currency": "EUR", "lines": []}, 400, "lines"),
    ({"customer": BETA_, "currency": "EUR", "lines": [{"product": PACK10_, "configuration": 1}]}, 400,
     "lines line 1"),
    ({"customer": BETA_, "currency": "EUR", "lines": [{"product": PACK10_, "quantity": "two"}]}, 400,
     "lines line 1.quantity"),
    ({"customer": BETA_, "currency": "EUR", "lines": [{"product": PACK10_}], "valid_until": "2020-01-01"}, 400,
     "valid_until"),
    ({"number": "Q-2", "customer": BETA_, "currency": "EUR", "lines": [{"product": PACK10_}]}, 400, "number"),
    ({"customer": "urn:example:nobody", "currency": "EUR", "lines": [{"product": PACK10_}]}, 404, None),
    ({"customer": BETA_, "currency": "USD", "lines": [{"product": PACK10_}]}, 404, None),
])
def test_a_draft_that_is_wrong_is_refused_saying_where(client: FlaskClient, session: Session, sales: dict[str, str],
                                                       payload: dict[str, object], status: int,
                                                       where: str | None) -> None:
    refused = client.post("/api/quotes", headers=sales, json=payload)
    assert refused.status_code == status and refused.mimetype == "application/problem+json", refused.json
    if where is not None:
        assert refused.json["where"] == where
    assert client.get("/api/quotes", headers=sales).json["total"] == 5, "nothing was written"


def test_who_may_draft_and_what_cannot_change(client: FlaskClient, session: Session, sales: dict[str, str]) -> None:
    finance = bearer(create_token(session, "fay", "finance"))
    assert client.post("/api/quotes", headers=finance, json={}).status_code == 403
    # Q-2's latest version was accepted: it is no longer open to change.
    accepted = client.post("/api/quotes/Q-2/revise", headers=sales, json={"discount": "0"})
    assert accepted.status_code == 422 and "accepted" in accepted.json["detail"]


def test_a_number_with_slashes_is_sent_as_percent_2f(client: FlaskClient, session: Session,
                                                     sales: dict[str, str]) -> None:
    """An ERP's "SQ/2026/0007" is one path parameter: sent as SQ%2F2026%2F0007, it reaches the quote."""
    from cradletrace import commerce
    commerce.create_quote(session, "SQ/2026/0007", party=world.ALPHA, currency="EUR",
                          lines=[{"product": world.PACK10, "quantity": 1}])
    path = "/api/quotes/" + q("SQ/2026/0007", safe="")
    assert path == "/api/quotes/SQ%2F2026%2F0007"
    body = client.get(path, headers=sales).json
    assert (body["number"], body["version"], body["status"]) == ("SQ/2026/0007", 1, "draft")
    assert client.get(path + "/pdf", headers=sales).mimetype == "application/pdf"
    sent = client.post(path + "/send", headers=sales)
    assert sent.status_code == 200 and sent.json["status"] == "sent"


def test_a_discount_is_approved_by_a_sales_manager_only_and_then_the_quote_is_sent(
        client: FlaskClient, session: Session, sales: dict[str, str], manager: dict[str, str]) -> None:
    # 30 % off, above the 15 % threshold: it cannot be sent yet.
    refused = client.post("/api/quotes/Q-5/send", headers=sales)
    assert refused.status_code == 422 and "a sales manager must approve it first" in refused.json["detail"]
    assert client.post("/api/quotes/Q-5/approve", headers=sales).status_code == 403
    approved = client.post("/api/quotes/Q-5/approve", headers=manager, json={"note": "strategic account"})
    assert approved.status_code == 200, approved.json
    assert approved.json["approvals"][0]["approved"] is True and approved.json["approvals"][0]["decided_by"] == "mia2"
    row = session.query(Approval).filter_by(document_id=get(session, DocumentKind.QUOTE, "Q-5").id).one()
    assert (row.decided_by, row.note) == ("mia2", "strategic account")
    sent = client.post("/api/quotes/Q-5/send", headers=sales)
    assert (sent.status_code, sent.json["status"], sent.json["frozen"]) == (200, "sent", True)
    # Frozen: no more decisions on this version.
    assert client.post("/api/quotes/Q-5/approve", headers=manager).status_code == 422
    taken = client.post("/api/quotes/Q-5/accept", headers=sales, json={"order_number": "SO-1"})
    assert taken.status_code == 422 and "order SO-1 exists already" in taken.json["detail"]
    # The refused request changed nothing: the quote is still sent.
    assert client.get("/api/quotes/Q-5", headers=sales).json["status"] == "sent"
    accepted = client.post("/api/quotes/Q-5/accept", headers=sales, json={"order_number": "SO-Q5"})
    assert (accepted.status_code, accepted.json["status"], accepted.json["order"]) == (200, "accepted", "SO-Q5")
    assert client.post("/api/quotes/Q-5/accept", headers=sales).status_code == 422


def test_a_refusal_needs_its_reason_and_bodies_are_checked(client: FlaskClient, sales: dict[str, str],
                                                           manager: dict[str, str]) -> None:
    assert client.post("/api/quotes/Q-5/reject-discount", headers=manager, json={}).json["where"] == \
        "request body note"
    refused = client.post("/api/quotes/Q-5/reject-discount", headers=manager, json={"note": "too deep"})
    assert refused.status_code == 200 and refused.json["approvals"][0]["approved"] is False
    send = client.post("/api/quotes/Q-5/send", headers=sales)
    assert send.status_code == 422 and "refused it" in send.json["detail"] and "too deep" in send.json["detail"]
    for bad in (b"[1]", b"{not json", b'{"note": 5}'):
        response = client.post("/api/quotes/Q-5/approve", headers={**manager, "Content-Type": "application/json"},
                               data=bad)
        assert response.status_code == 400 and response.mimetype == "application/problem+json", bad
    assert client.post("/api/quotes/Q-404/send", headers=sales).status_code == 404


def test_writes_from_a_browser_session_need_the_csrf_token(session: Session, signed_in) -> None:  # type: ignore[no-untyped-def]
    world.build(session)
    browser = signed_in("sales_manager")
    without = browser.post("/api/quotes/Q-5/approve", json={})
    assert without.status_code == 400 and "CSRF" in without.json["detail"]
    token = csrf_of(browser)
    with_token = browser.post("/api/quotes/Q-5/approve", json={}, headers={"X-CSRF-Token": token})
    assert with_token.status_code == 200, with_token.json
    anonymous = browser.application.test_client().post("/api/quotes/Q-5/send")
    assert anonymous.status_code == 401


# --- configurations ------------------------------------------------------------------------------

def test_models_and_saving_a_configuration(client: FlaskClient, sales: dict[str, str]) -> None:
    models = client.get("/api/configurations/models", headers=sales).json["models"]
    assert [m["code"] for m in models] == ["PACK"]
    assert [g["code"] for g in models[0]["groups"]] == ["cap", "chem", "conn", "acc"]
    assert models[0]["rules"][0] == {"code": "LFP-HV", "kind": "requires", "option": "lfp", "other": "hv",
                                     "message": "LFP packs charge at 58 V"}
    saved = client.post("/api/configurations", headers=sales, json={"model": "PACK", "options": ["c10", "nmc", "hv"]})
    assert saved.status_code == 201, saved.json
    # c10 without lfp: the PACK10 variant; the BMS board, two modules, NMC and the HV connector.
    assert (saved.json["gtin"], saved.json["created_by"]) == (world.PACK10, "sue")
    assert [(r["gtin"][-3:], r["quantity"]) for r in saved.json["bom"]] == [("052", "1"), ("045", "2"),
                                                                              ("106", "0.35"), ("076", "1")]
    again = client.get(saved.headers["Location"], headers=sales)
    assert again.status_code == 200 and again.json == saved.json
    assert client.get("/api/configurations/999999", headers=sales).status_code == 404


def test_a_configuration_that_breaks_a_rule_is_refused_naming_it(client: FlaskClient, session: Session,
                                                                 sales: dict[str, str]) -> None:
    broken = client.post("/api/configurations", headers=sales, json={"model": "PACK", "options": ["c10", "lfp", "lv"]})
    assert broken.status_code == 422 and broken.mimetype == "application/problem+json"
    assert broken.json["where"] == "rule LFP-HV"
    assert broken.json["detail"] == "rule LFP-HV: option lfp requires option hv (LFP packs charge at 58 V)"
    assert client.post("/api/configurations", headers=sales, json={"model": "NOPE", "options": []}).status_code == 404
    for bad in ({"model": "PACK"}, {"model": "PACK", "options": "c10"}, {"options": ["c10"]}):
        assert client.post("/api/configurations", headers=sales, json=bad).status_code == 400, bad
    finance = bearer(create_token(session, "fin", "finance"))
    assert client.post("/api/configurations", headers=finance, json={"model": "PACK", "options": []}).status_code == 403


# --- contracts and entitlement -------------------------------------------------------------------

@pytest.fixture
def contract_staff(session: Session) -> dict[str, str]:
    import contracts_world

    contracts_world.build(session)  # C-1 in force for Alpha (GOLD-36 on pumps), P1 received 5 Feb 2026; C-2 a draft
    return bearer(create_token(session, "fred", "finance"))


def test_contracts_their_summary_and_reminders(client: FlaskClient, contract_staff: dict[str, str]) -> None:
    import contracts_world as cw

    listed = client.get("/api/contracts?at=2026-11-15", headers=contract_staff).json["contracts"]
    # C-1 ends 1 Jan 2027 with 60 days' notice: due from 2 November 2026.
    assert [(c["number"], c["status"], c["renewal_due"]) for c in listed] == [("C-1", "active", True),
                                                                              ("C-2", "draft", False)]
    assert [c["number"] for c in client.get(f"/api/contracts?customer={q(cw.CUSTOMER_B)}",
                                            headers=contract_staff).json["contracts"]] == ["C-2"]
    one = client.get("/api/contracts/C-1?at=2026-06-30", headers=contract_staff).json
    assert (one["status"], one["in_force"], one["customer"]) == ("active", 1, "Alpha")
    assert [h["state"] for h in one["history"]] == ["draft", "approved", "signed", "active"]
    assert [u["identifier"] for u in one["units"]] == [cw.pump(1), cw.pump(2)]
    assert one["terms"][0]["plans"][0]["code"] == "GOLD-36" and one["terms"][0]["payment_terms_days"] == 45
    reminders = client.get("/api/contracts/reminders?at=2026-12-01", headers=contract_staff).json
    # From 1 December (end of day) to 1 January: 31 calendar days.
    assert [(r["contract"], r["days_left"]) for r in reminders["reminders"]] == [("C-1", 31)]
    assert client.get("/api/contracts/reminders?at=2026-06-01", headers=contract_staff).json["reminders"] == []
    assert client.get("/api/contracts/C-404", headers=contract_staff).status_code == 404
    assert client.get("/api/contracts?status=open", headers=contract_staff).status_code == 400
    assert client.get("/api/contracts?at=someday", headers=contract_staff).json["where"] == "query parameter at"


def test_entitlement_of_a_unit_with_its_reasons(client: FlaskClient, session: Session,
                                                contract_staff: dict[str, str]) -> None:
    import contracts_world as cw

    p1 = client.get(f"/api/entitlement?id={q(cw.pump(1))}&at=2026-06-30", headers=contract_staff).json
    # Received on 5 Feb 2026: warranty 24 months to 5 Feb 2028, GOLD-36 to 5 Feb 2029.
    assert (p1["covered"], p1["under_warranty"], p1["contract"]) == (True, True, "C-1")
    assert (p1["warranty"]["starts_at"], p1["warranty"]["ends_at"]) == ("2026-02-05T09:00:00Z", "2028-02-05T09:00:00Z")
    assert p1["plans"][0]["code"] == "GOLD-36" and p1["plans"][0]["ends_at"] == "2029-02-05T09:00:00Z"
    later = client.get(f"/api/entitlement?id={q(cw.pump(1))}&at=2028-06-01", headers=contract_staff).json
    assert (later["under_warranty"], later["covered"]) == (False, True)
    p2 = client.get(f"/api/entitlement?id={q(cw.pump(2))}&at=2026-06-30", headers=contract_staff).json
    # Shipped and never received: control has not passed, so nothing has started.
    assert p2["covered"] is False and any("has not yet" in r for r in p2["reasons"])
    warehouse = bearer(create_token(session, "wes", "warehouse"))
    assert client.get(f"/api/entitlement?id={q(cw.pump(1))}", headers=warehouse).status_code == 200
    assert client.get(f"/api/entitlement?id={q(cw.pump(1))}", headers=bearer(
        create_token(session, "sus", "sustainability"))).status_code == 403
    assert client.get("/api/entitlement", headers=contract_staff).json["where"] == "query parameter id"


# --- revenue and the KPIs --------------------------------------------------------------------------

@pytest.fixture
def finance(session: Session) -> dict[str, str]:
    import revenue_world

    revenue_world.build(session)
    return bearer(create_token(session, "fiona", "finance"))


def test_the_revenue_schedule_as_json_and_csv(client: FlaskClient, session: Session, finance: dict[str, str]) -> None:
    body = client.get("/api/revenue/schedule?from=2026-03-01&to=2026-07-01", headers=finance).json
    # revenue_world: March to June 5 700 + 3 857 + 95 - 864.50 = 8 787.50 recognised; billed 12 920 - 1 292.
    assert (body["recognised"], body["billed"], body["deferred"], body["currency"]) == (8787.5, 11628.0, 2850.0, "EUR")
    march = body["tables"]["schedule"][0]
    assert (march["period"], march["recognised"], march["billed"], march["deferred"]) == (
        "2026-03", 5700.0, 7752.0, 7220.0)
    assert list(body["tables"]) == ["schedule"]
    by_format = client.get("/api/revenue/schedule?from=2026-01-01&to=2027-01-01&period=quarter&format=csv",
                           headers=finance)
    assert by_format.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(by_format.data.decode())))
    assert [r["period"] for r in rows] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert (rows[0]["recognised"], rows[1]["recognised"]) == ("5700.00", "3087.50")
    by_accept = client.get("/api/revenue/schedule?from=2026-03-01&to=2026-04-01",
                           headers={**finance, "Accept": "text/csv"})
    assert by_accept.data.decode().splitlines()[0].startswith("period,start,end,currency,recognised")
    assert client.get("/api/revenue/schedule?period=week", headers=finance).json["where"] == "query parameter period"
    assert client.get("/api/revenue/schedule?from=2026-05-01&to=2026-04-01", headers=finance).status_code == 400
    assert client.get("/api/revenue/schedule", headers=bearer(create_token(session, "sal", "sales"))).status_code == 403


def test_the_journal_as_csv_for_a_ledger(client: FlaskClient, finance: dict[str, str]) -> None:
    import revenue_world

    text = client.get("/api/revenue/journal?from=2026-06-01&to=2026-07-01&format=csv", headers=finance).data.decode()
    rows = text.splitlines()
    assert rows[0] == "date,account,debit,credit,contract,obligation,reference,currency"
    # CN-000001 on 12 June reverses P10's 950.00 from product revenue back to the liability.
    p10 = f"SO1 line 1: {revenue_world.unit(10)}"
    assert f"2026-06-12,4000,950.00,0.00,contract C1,{p10},CN-000001,EUR" in rows
    body = client.get("/api/revenue/journal?from=2026-06-01&to=2026-07-01", headers=finance).json
    assert len(body["tables"]["journal"]) == len(rows) - 1


def test_the_q2c_kpis_by_name(client: FlaskClient, session: Session, sales: dict[str, str]) -> None:
    manager = bearer(create_token(session, "max", "sales_manager"))
    body = client.get(f"/api/reports/q2c?{MARCH}", headers=manager).json
    # q2c_world's March (tests/test_reports_quote_to_cash.py works out each).
    assert (body["quotes_sent"], body["quote_to_order_rate"], body["renewal_rate"], body["mismatch_rate"]) == (
        4, 50.0, 50.0, 50.0)
    assert body["quote_turnaround"] == {"mean": 1.81, "median": 0.58, "count": 4}
    assert (body["discount_given"], body["revenue_deferred"]) == (2610.0, 27040.0)
    assert body["tables"]["quote_to_order"][1] == {"versions": 2, "decided": 1, "ordered": 1, "rate": 100.0}
    beta = client.get(f"/api/reports/q2c?{MARCH}&customer={q(world.BETA)}", headers=manager).json
    assert (beta["quotes_decided"], beta["filters"]["customer"]) == (2, world.BETA)
    missing = client.get(f"/api/reports/q2c?{MARCH}&customer=urn%3Aexample%3Anobody", headers=manager)
    assert missing.status_code == 404 and missing.json["where"] == "query parameter customer"
    assert client.get(f"/api/reports/q2c?{MARCH}", headers=sales).status_code == 403
