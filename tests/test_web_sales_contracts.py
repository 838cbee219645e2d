"""The contract pages: the list with the renewal reminders on top, a contract's state, history, terms versions
with their changes, documents and covered units, and the state actions as forms, the core's refusals shown; the
forms that draft a contract and negotiate its terms (422 with the form as typed when the core refuses; frozen once
signed). Both databases."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy.orm import Session

import contracts_world as world
from cradletrace import commerce
from cradletrace.contracts import change_terms, get_contract, versions
from cradletrace.contracts.summary import summarise
from cradletrace.errors import NotFound
from cradletrace.web.commercial import SALES_ROLES
from q2c_web_support import HTML, SignedIn, check_access, flash_of, page_statements, post, text
from web_support import app, signed_in  # noqa: F401

C1, C2 = "/sales/contracts/C-1", "/sales/contracts/C-2"


def actions(page: str) -> str:
    """The text of the page's actions: the forms the state allows."""
    return page.split(" Actions ", 1)[1].split(" Terms ", 1)[0]


@pytest.fixture
def contracts(session: Session) -> None:
    """C-1 for Alpha: drafted by sam on 1 Dec 2025 (payment 45 days, pumps 24 months, GOLD-36 on pumps), its payment
    terms changed to 60 days on 5 Dec, approved by mia, signed by carl, active from 1 Jan 2026; order SO1 ships P1 and
    P2 on 3 Feb, Alpha receives P1 on 5 Feb, INV-000001 bills both on 4 Feb. C-2 for Beta is a draft."""
    world.setup(session)
    c1 = world.contract(session, "C-1", plans=[{"plan": "GOLD-36", "product": world.PUMP}])
    change_terms(session, c1, payment_terms_days=60, by="sam", note="longer terms", when=world.day(2025, 12, 5))
    world.in_force(session, c1)
    world.sell(session, c1, "SO1", [world.pump(1), world.pump(2)], shipped=world.day(2026, 2, 3))
    world.receive(session, [world.pump(1)], location=world.SITE_A, by_party=world.CUSTOMER_A,
                  from_party=world.SELLER, when=world.day(2026, 2, 5))
    commerce.invoice_order(session, "SO1", when=world.day(2026, 2, 4))
    world.contract(session, "C-2", customer=world.CUSTOMER_B)


def test_the_list_has_the_renewals_due_on_top(contracts: None, signed_in: SignedIn) -> None:
    client = signed_in("sales")
    # C-1 ends on 1 Jan 2027 with 60 days' notice: due from 2 Nov 2026; on 6 Dec, 26 calendar days are left.
    page = text(client.get("/sales/contracts?at=2026-12-06", headers=HTML))
    assert "Renewals due on 2026-12-06 C-1 Alpha: ends 2027-01-01, 26 days left (due since 2026-11-02)" in page
    assert "C-1 Alpha active 2026-01-01 to 2027-01-01 v2 due" in page
    assert "C-2 Beta draft 2026-01-01 to 2027-01-01 v1" in page
    early = text(client.get("/sales/contracts?at=2026-11-01", headers=HTML))
    assert "No active contract is within its renewal notice" in early
    late = text(client.get("/sales/contracts?at=2027-01-03", headers=HTML))
    assert "ended 2 days ago and nobody has decided" in late
    drafts = text(client.get("/sales/contracts?state=draft", headers=HTML))
    assert "C-2 Beta draft" in drafts and "C-1 Alpha active" not in drafts


def test_a_contract_page_shows_state_history_terms_documents_and_units(contracts: None, signed_in: SignedIn) -> None:
    client = signed_in("sales")
    response = client.get(C1 + "?at=2026-03-01", headers=HTML)
    page = text(response)
    assert "Contract C-1 active Customer Alpha" in page
    assert "Period 2026-01-01 to 2027-01-01 (terms v2, in force)" in page
    assert "Approved by mia Signed 2025-12-15" in page
    # The history, newest first: who, when, why, and the version then in force.
    assert ("2026-01-01 00:00 active (terms v2) 2025-12-15 09:00 signed (terms v2) by carl "
            "2025-12-10 09:00 approved (terms v2) by mia 2025-12-05 09:00 negotiation (terms v2) by sam: longer terms "
            "2025-12-01 09:00 draft (terms v1) by sam") in page
    # Version 2 in force, with what changed from version 1; version 1 as drafted.
    assert "Version 2 in force 2025-12-05 by sam: longer terms payment terms: 45 → 60 days Period" in page
    assert "Payment terms 60 days" in page and "Payment terms 45 days" in page
    assert "Warranties Pump 09506000134352: 24 months from delivery" in page
    assert ("Service plans GOLD-36 Gold service: Pump, 36 months from delivery, covers repair, parts, labour"
            in page)
    # Its documents: the order (a page sales open), its shipment and invoice (finance's page: not a link for sales).
    body = response.get_data(as_text=True)
    assert 'href="/sales/orders/SO1"' in body and "/finance/invoices/" not in body
    assert ("Documents order SO1 · shipped · 2,000.00 EUR · 2026-02-01 shipment SH-SO1 · shipped · 2026-02-03 "
            "invoice INV-000001 · issued · 2,000.00 EUR · 2026-02-04") in page
    # The units covered, each linked to its passport.
    assert "Units covered (2)" in page and 'href="/01/09506000134352/21/P1"' in body
    assert actions(page) == "Renew until Renew Note (optional) Expire Why it is terminated Terminate"


def test_the_state_actions_and_the_cores_refusals(contracts: None, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales", name="sara")
    page = text(client.get(C2, headers=HTML))
    assert actions(page) == ("Change the terms A new version of the terms; the contract goes into negotiation. "
                             "Note (optional) Approve Why it is terminated Terminate")
    post(client, C2 + "/sign")
    assert ("Refused: contract C-2: contract C-2 is draft, so it cannot be signed (sign needs approved)"
            in flash_of(client, C2))
    post(client, C2 + "/approve", note="numbers checked")
    assert "Contract C-2 is approved now." in flash_of(client, C2)
    post(client, C2 + "/sign")
    post(client, C2 + "/activate")
    page = flash_of(client, C2)
    assert "Contract C-2 is active now." in page
    assert "approved (terms v1) by sara: numbers checked" in page and "signed (terms v1) by sara" in page
    post(client, C2 + "/renew", ends_at="2026-06-01")
    assert "Refused: contract C-2.ends_at: a renewal must end after the current period (2027-01-01)" in flash_of(
        client, C2)
    post(client, C2 + "/renew", ends_at="next year")
    assert ("Refused: ends_at: give a date as YYYY-MM-DD (or an ISO 8601 date-time), not 'next year'"
            in flash_of(client, C2))
    post(client, C2 + "/renew", ends_at="2028-01-01")
    page = flash_of(client, C2)
    assert "Contract C-2 is renewed now." in page
    assert "Version 2 " in page and "starts: 2026-01-01 → 2027-01-01 ends: 2027-01-01 → 2028-01-01" in page
    post(client, C2 + "/terminate", reason="")
    assert "Refused: contract C-2: a termination needs a reason" in flash_of(client, C2)
    post(client, C2 + "/terminate", reason="customer went bankrupt")
    page = flash_of(client, C2)
    assert "Contract C-2 is terminated now." in page and "takes no more actions" in page
    session.expire_all()
    assert get_contract(session, "C-2").reason == "customer went bankrupt"
    assert [c.state for c in summarise(session, "C-2").history] == ["draft", "approved", "signed", "active", "renewed",
                                                                      "terminated"]


def test_expiry_before_the_end_is_refused(contracts: None, signed_in: SignedIn) -> None:
    client = signed_in("sales_manager")
    post(client, C1 + "/expire")
    assert "Refused: contract C-1: contract C-1 runs until 2027-01-01: it cannot expire on" in flash_of(client, C1)


def test_a_post_without_the_csrf_token_changes_nothing(contracts: None, signed_in: SignedIn, session: Session) -> None:
    response = signed_in("sales").post(C2 + "/approve", data={})
    assert response.status_code == 400
    session.expire_all()
    assert get_contract(session, "C-2").status.value == "draft"


def test_who_may_open_and_act(app: Flask, session: Session, contracts: None) -> None:
    for url in ("/sales/contracts", C1, "/sales/contracts/new", C2 + "/terms", C1 + "/terms"):
        check_access(app, session, "GET", url, SALES_ROLES)
    for action in ("approve", "sign", "activate", "renew", "expire", "terminate"):
        check_access(app, session, "POST", f"{C2}/{action}", SALES_ROLES)


def test_pages_cost_a_fixed_number_of_statements(contracts: None, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales")
    pages = ("/sales/contracts", C1, "/sales/contracts/new", C2 + "/terms")
    before = [page_statements(session, client, url) for url in pages]
    for n in range(3, 7):
        world.contract(session, f"C-{n}", customer=world.CUSTOMER_B, warranties={world.PUMP: 12, world.MOTOR: n},
                       plans=[{"plan": "CHECK-12"}])
    c1 = get_contract(session, "C-1")
    world.sell(session, c1, "SO2", [world.pump(3), world.pump(4), world.motor(1)], shipped=world.day(2026, 3, 3))
    change_terms(session, "C-2", warranties={world.PUMP: 24, world.MOTOR: 6},
                 plans=[{"plan": "GOLD-36", "product": world.PUMP}, {"plan": "CHECK-12"}])
    after = [page_statements(session, client, url) for url in pages]
    assert after == before


def test_a_long_list_of_units_is_cut_and_counted(app: Flask, contracts: None, signed_in: SignedIn) -> None:
    app.jinja_env.globals["units_shown"] = 1  # as if a contract covered more units than a page lists
    page = text(signed_in("sales").get(C1, headers=HTML))
    assert "Units covered (2) Pump #P1" in page and "and 1 more (the first 1 are listed)." in page
    assert "Pump #P2" not in page


def _draft_form(**changes: str) -> dict[str, str]:
    """The new-contract form as a salesperson fills it in for Beta: 1 Feb 2026 to 1 Feb 2028, 45 days to pay, pumps
    under warranty for 24 months, GOLD-36 on pumps from delivery; a spare row of each left empty."""
    form = {"customer": world.CUSTOMER_B, "currency": "EUR", "number": "", "starts_at": "2026-02-01",
            "ends_at": "2028-02-01", "price_list": "", "payment_terms_days": "45", "renewal_notice_days": "90",
            "note": "framework agreement",
            "warranty-0-product": world.PUMP, "warranty-0-months": "24", "warranty-1-product": "",
            "warranty-1-months": "", "plan-0-plan": "GOLD-36", "plan-0-product": world.PUMP, "plan-0-starts_at": "",
            "plan-1-plan": "", "plan-1-product": "", "plan-1-starts_at": ""}
    return {**form, **changes}


def test_drafting_a_contract_through_its_form(contracts: None, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales", name="sara")
    assert 'href="/sales/contracts/new"' in client.get("/sales/contracts", headers=HTML).get_data(as_text=True)
    form = client.get("/sales/contracts/new", headers=HTML).get_data(as_text=True)
    assert f'<option value="{world.CUSTOMER_B}">Beta</option>' in form, "known customers are offered"
    assert '<option value="GOLD-36">GOLD-36: Gold service (36 months, EUR)</option>' in form
    assert f'<option value="{world.PUMP}">Pump</option>' in form, "a product some contract names"
    response = post(client, "/sales/contracts/new", **_draft_form())
    # C-1 and C-2 were typed by hand: the CT series starts at CT-000001.
    assert response.status_code == 303 and response.headers["Location"] == "/sales/contracts/CT-000001"
    page = flash_of(client, "/sales/contracts/CT-000001")
    assert "Contract CT-000001 drafted." in page and "Contract CT-000001 draft Customer Beta" in page
    assert "Version 1 " in page and "by sara: framework agreement Period 2026-02-01 to 2028-02-01" in page
    assert "Payment terms 45 days Renewal notice 90 days Warranties Pump 09506000134352: 24 months" in page
    assert "Service plans GOLD-36 Gold service: Pump, 36 months from delivery" in page
    assert "draft (terms v1) by sara: framework agreement" in page


@pytest.mark.parametrize(("changes", "says"), [
    ({"warranty-0-months": "two"}, "Refused: warranties row 1.months: months are a whole number from 1 to 1200"),
    # The empty first row is dropped: the form comes back with the row refused first, as the message numbers it.
    ({"plan-0-plan": "", "plan-0-product": "", "plan-1-product": world.PUMP},
     "Refused: plans row 1.plan: give the plan's code"),
    ({"ends_at": "2026-01-01"}, "Refused: contract CT-000001.ends_at: the period must end after it starts"),
    ({"number": "C-1"}, "Refused: number: contract C-1 exists already: negotiate its terms, or give another number"),
    ({"customer": "urn:example:nobody"}, "Refused: party: no party 'urn:example:nobody'"),
    ({"currency": "USD"}, "Refused: contract CT-000001.plans[0]: plan GOLD-36 is priced in EUR, the contract in USD"),
])
def test_a_draft_the_core_refuses_comes_back_as_typed(contracts: None, signed_in: SignedIn, session: Session,
                                                      changes: dict[str, str], says: str) -> None:
    client = signed_in("sales")
    response = post(client, "/sales/contracts/new", **_draft_form(**changes))
    assert response.status_code == 422
    page, body = text(response), response.get_data(as_text=True)
    assert "Not saved: " + says in page
    for name, value in {**changes, "note": "framework agreement"}.items():
        name = name.replace("plan-1-", "plan-0-")  # the rows as shown again
        if value:
            assert re.search(f'name="{name}"[^>]* value="{re.escape(value)}"', body) or (
                f'<option value="{value}" selected>' in body), name
    with pytest.raises(NotFound):
        get_contract(session, "CT-000001")


def _terms_form(**changes: str) -> dict[str, str]:
    """C-2's terms as its form shows them (1 Jan 2026 to 1 Jan 2027, 45 days, notice 60 days, pumps 24 months),
    with ``changes``."""
    form = {"starts_at": "2026-01-01", "ends_at": "2027-01-01", "price_list": "", "payment_terms_days": "45",
            "renewal_notice_days": "60", "note": "",
            "warranty-0-product": world.PUMP, "warranty-0-months": "24", "warranty-1-product": "",
            "warranty-1-months": "", "plan-0-plan": "", "plan-0-product": "", "plan-0-starts_at": ""}
    return {**form, **changes}


def test_negotiating_the_terms_through_the_form(contracts: None, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales", name="sara")
    assert 'href="/sales/contracts/C-2/terms"' in client.get(C2, headers=HTML).get_data(as_text=True)
    form = client.get(C2 + "/terms", headers=HTML)
    body = form.get_data(as_text=True)
    assert 'name="starts_at" type="date" value="2026-01-01"' in body and 'name="payment_terms_days" value="45"' in body
    assert f'name="warranty-0-product" list="products" value="{world.PUMP}"' in body
    assert 'name="warranty-0-months" value="24"' in body
    assert "Save as version 2" in text(form) and "the draft contract goes into negotiation" in text(form)

    # 60 days to pay and the yearly inspection of all products from 1 March: version 2, in negotiation.
    response = post(client, C2 + "/terms", **_terms_form(
        payment_terms_days="60", note="60 days agreed, inspections added",
        **{"plan-0-plan": "CHECK-12", "plan-0-starts_at": "2026-03-01"}))
    assert response.status_code == 303 and response.headers["Location"] == C2
    page = flash_of(client, C2)
    assert "Contract C-2: terms v2 saved; the contract is in negotiation." in page
    assert "Contract C-2 negotiation" in page and "negotiation (terms v2) by sara: 60 days agreed" in page
    # The new version shows what changed from version 1 (term_changes), and only that; dated today.
    assert re.search(r"Version 2 \d{4}-\d\d-\d\d by sara: 60 days agreed, inspections added payment terms: 45 → 60 "
                     r"days plan CHECK-12 \(Yearly inspection\) for all products from 2026-03-01 added Period", page)
    session.expire_all()
    assert [t.payment_terms_days for t in versions(session, get_contract(session, "C-2"))] == [45, 60]

    # The same terms again: nothing changed, no version 3; the form comes back as typed.
    again = post(client, C2 + "/terms", **_terms_form(payment_terms_days="60", note="once more",
                                                       **{"plan-0-plan": "CHECK-12", "plan-0-starts_at": "2026-03-01"}))
    assert again.status_code == 422
    assert "Not saved: Refused: contract C-2: nothing changed: these are the terms of version 2" in text(again)
    assert 'name="note" value="once more"' in again.get_data(as_text=True)
    wrong = post(client, C2 + "/terms", **_terms_form(renewal_notice_days="two months"))
    assert wrong.status_code == 422 and "Refused: renewal_notice_days: days are a whole number" in text(wrong)
    assert 'name="renewal_notice_days" value="two months"' in wrong.get_data(as_text=True)
    session.expire_all()
    assert len(versions(session, get_contract(session, "C-2"))) == 2


def test_an_approved_contract_goes_back_to_negotiation(contracts: None, signed_in: SignedIn) -> None:
    client = signed_in("sales_manager")
    post(client, C2 + "/approve")
    assert "the approved contract goes into negotiation: its approval was of other terms" in text(
        client.get(C2 + "/terms", headers=HTML))
    post(client, C2 + "/terms", **_terms_form(ends_at="2027-07-01", note="half a year more"))
    page = flash_of(client, C2)
    assert "Contract C-2 negotiation" in page and "ends: 2027-01-01 → 2027-07-01" in page
    assert "Note (optional) Approve" in actions(page), "approved again after the negotiation"


def test_signed_terms_are_frozen(contracts: None, signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales")
    assert "Change the terms" not in actions(text(client.get(C1, headers=HTML)))
    frozen = "The terms cannot change: contract C-1 is active, so it cannot have its terms changed"
    page = client.get(C1 + "/terms", headers=HTML)
    assert page.status_code == 200 and frozen in text(page) and "renew the contract to amend them" in text(page)
    assert 'action="/sales/contracts/C-1/terms"' not in page.get_data(as_text=True), "no form"
    refused = post(client, C1 + "/terms", **_terms_form(payment_terms_days="90", note="too late"))
    assert refused.status_code == 422 and frozen in text(refused)
    session.expire_all()
    assert len(versions(session, get_contract(session, "C-1"))) == 2
