"""The quote pages: the list, a quote's versions and its prices explained line by line, the approvals, the
actions (send, approve or refuse the discount, accept into an order, reject) with their refusals, CSRF and
roles, the PDF, and a fixed number of statements per page. Both databases."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import pricing_world as world
from cradletrace import commerce
from cradletrace.commerce.quotes import quote_version
from cradletrace.models import Approval, Document, DocumentKind, DocumentStatus
from cradletrace.web.commercial import APPROVER_ROLES, ORDER_ROLES, SALES_ROLES
from q2c_web_support import HTML, SignedIn, check_access, flash_of, page_statements, post, text
from web_support import app, signed_in  # noqa: F401

QUOTE = "/sales/quotes/Q-100/v1"
DEEP = "/sales/quotes/Q-200/v1"


@pytest.fixture
def quotes(session: Session) -> dict[str, object]:
    """Q-100 for Alpha (10 pumps and a configured battery, 10 % off the quote) and Q-200 (a pump, 20 % off:
    above the 15 % threshold, so a request for approval is open), both drafted on 2 March 2026."""
    model = world.build(session)
    conf = world.configuration(session, model, ["15KWH", "LFP"])
    q100 = commerce.create_quote(
        session, "Q-100", party=world.CUSTOMER_A, currency="EUR", when=world.at(2026, 3, 2), discount="0.10",
        by="sam", lines=[{"product": world.PUMP, "quantity": 10, "tax_rate": "0.20"},
                         {"configuration_id": conf.id, "quantity": 1, "discount": "0.05"}])
    q200 = commerce.create_quote(session, "Q-200", party=world.CUSTOMER_B, currency="EUR", when=world.at(2026, 3, 3),
                                 discount="0.20", by="sam", lines=[{"product": world.PUMP, "quantity": 1}])
    return {"Q-100": q100, "Q-200": q200, "configuration": conf.id}


def test_the_list_shows_the_latest_version_of_each_quote_and_filters(
        quotes: dict[str, Any], signed_in: SignedIn) -> None:
    client = signed_in("sales")
    page = text(client.get("/sales/quotes", headers=HTML))
    # net 1 962.00 + tax 153.00 = 2 115.00 (worked out below); Q-200: 100.00 less 20 % = 80.00, no tax.
    assert "Q-100 1 Alpha 2,115.00 EUR draft" in page
    assert "Q-200 1 Beta 80.00 EUR draft - pending" in page
    only_alpha = text(client.get(f"/sales/quotes?customer={world.CUSTOMER_A}", headers=HTML))
    assert "Q-100" in only_alpha and "Q-200" not in only_alpha
    assert "No quotes match the filter" in text(client.get("/sales/quotes?status=sent", headers=HTML))


def test_a_quote_page_explains_each_price(quotes: dict[str, Any], signed_in: SignedIn) -> None:
    page = text(signed_in("sales").get(QUOTE, headers=HTML))
    # Line 1: 10 pumps, Alpha's own list from 10 at 85.00: gross 850.00; the quote's 10 % takes 85.00: net 765.00,
    # 20 % tax 153.00.
    assert "List price (ALPHA-2026, tier from 10) 85.00 Unit price 85.00 × 10 = gross 850.00" in page
    assert "− quote discount 10 % −85.00 Net 765.00 Tax at 20 % 153.00" in page
    # Line 2: the battery from the general list at 1 000.00; 15 kWh +300.00 (general list), LFP +100.00 (Alpha's list
    # wins over the general 120.00): unit price 1 400.00; 5 % off the line (70.00) leaves 1 330.00, 10 % off the quote
    # (133.00) leaves 1 197.00; effective discount 1 - 0.95 x 0.90 = 14.5 %.
    assert "List price (GEN-2026, tier from 1) 1,000.00" in page
    assert "+ 15 kWh 15KWH (GEN-2026) 300.00 + Lithium iron phosphate LFP (ALPHA-2026) 100.00" in page
    assert "Unit price 1,400.00 × 1 = gross 1,400.00 − line discount 5 % −70.00 − quote discount 10 % −133.00" in page
    assert "Net 1,197.00 Tax at 0 % 0.00 Discount against the list 14.5 %" in page
    # Its configuration, under the line: model, each group's option.
    assert f"Configuration {quotes['configuration']}: Battery pack" in page
    assert "Capacity: 15 kWh 15KWH Cell chemistry: Lithium iron phosphate LFP" in page
    # Totals: gross 850 + 1 400 = 2 250.00; line discounts 70.00; quote discounts 85 + 133 = 218.00; net 1 962.00;
    # tax 153.00; total 2 115.00; the largest discount 14.5 % is not above 15 %: no approval.
    assert ("Gross 2,250.00 Line discounts −70.00 Quote discount (10 %) −218.00 Net 1,962.00 Tax 153.00 "
            "Total 2,115.00 EUR Largest discount against the list 14.5 %") in page
    assert "No discount of this quote needed an approval" in page
    assert "v1 draft dated 2026-03-02" in page


def test_sending_freezes_the_version_and_a_second_send_is_refused(
        quotes: dict[str, Any], signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales")
    response = post(client, QUOTE + "/send")
    assert response.status_code == 303 and response.headers["Location"] == QUOTE
    page = flash_of(client, QUOTE)
    assert "Quote Q-100 v1 sent." in page and "v1 sent frozen" in page
    session.expire_all()
    assert quote_version(session, "Q-100").status is DocumentStatus.SENT
    post(client, QUOTE + "/send")
    assert ("Refused: quote Q-100 v1: quote Q-100 v1 is sent: only a draft can be sent (a sent version is frozen; "
            "revise it for a new version)") in flash_of(client, QUOTE)


def test_a_deep_discount_needs_a_sales_managers_approval(
        quotes: dict[str, Any], signed_in: SignedIn, session: Session) -> None:
    seller = signed_in("sales", name="sam")
    page = text(seller.get(DEEP, headers=HTML))
    assert "The discount of 20 % is above the approval threshold of 15 %: a sales manager must approve it" in page
    assert "Approve the discount" not in page, "a salesperson is offered no approval"
    assert post(seller, DEEP + "/approve-discount").status_code == 403
    post(seller, DEEP + "/send")
    assert ("Refused: quote Q-200 v1: its discount of 20 % is above the approval threshold of 15 %; a sales "
            "manager must approve it first (approve_discount)") in flash_of(seller, DEEP)
    session.expire_all()
    assert quote_version(session, "Q-200").status is DocumentStatus.DRAFT

    manager = signed_in("sales_manager", name="mia")
    assert "Approve the discount" in text(manager.get(DEEP, headers=HTML))
    post(manager, DEEP + "/approve-discount", note="key account")
    page = flash_of(manager, DEEP)
    assert "Discount of quote Q-200 v1 approved." in page
    assert "v1 20 % 15 %" in page and "by sam approved by mia" in page and "key account" in page
    session.expire_all()
    (approval,) = session.execute(select(Approval)).scalars()
    assert (approval.decided_by, approval.approved, approval.discount) == ("mia", True, Decimal("0.200000"))
    post(seller, DEEP + "/send")
    assert "Quote Q-200 v1 sent." in flash_of(seller, DEEP)


def test_a_refused_discount_blocks_sending_and_says_who_refused(quotes: dict[str, Any], signed_in: SignedIn) -> None:
    manager = signed_in("sales_manager", name="mia")
    post(manager, DEEP + "/refuse-discount", note="")
    assert "Refused: note: a refusal needs a reason" in flash_of(manager, DEEP)
    post(manager, DEEP + "/refuse-discount", note="margin too thin")
    assert "refused by mia" in flash_of(manager, DEEP)
    post(manager, DEEP + "/send")
    assert "mia refused it on" in flash_of(manager, DEEP) and "margin too thin" in flash_of(manager, DEEP)


def test_accepting_makes_the_order_and_links_it(quotes: dict[str, Any], signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales")
    post(client, QUOTE + "/accept")
    assert "Refused: quote Q-100 is draft; it must be sent to be accepted" in flash_of(client, QUOTE)
    post(client, QUOTE + "/send")
    post(client, QUOTE + "/accept")
    page = flash_of(client, QUOTE)
    assert "Quote Q-100 v1 accepted: order SO-000001." in page and "accepted and ordered: SO-000001" in page
    order = text(client.get("/sales/orders/SO-000001", headers=HTML))
    assert "Order SO-000001 confirmed" in order and "Alpha" in order and "Total 2,115.00 EUR" in order
    assert "quote Q-100" in order, "the order links back to its quote"
    session.expire_all()
    made = session.execute(select(Document).where(Document.kind == DocumentKind.ORDER)).scalar_one()
    assert made.amount == Decimal("2115.00")


def test_rejecting_a_sent_quote_records_the_reason(
        quotes: dict[str, Any], signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales_manager")
    post(client, QUOTE + "/send")
    post(client, QUOTE + "/reject", reason="too dear")
    assert "Quote Q-100 v1 rejected by the customer." in flash_of(client, QUOTE)
    session.expire_all()
    doc = quote_version(session, "Q-100")
    assert (doc.status, doc.reason) == (DocumentStatus.REJECTED, "too dear")


def test_a_post_without_the_csrf_token_changes_nothing(
        quotes: dict[str, Any], signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales")
    response = client.post(QUOTE + "/send", data={})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    session.expire_all()
    assert quote_version(session, "Q-100").status is DocumentStatus.DRAFT


def test_versions_are_linked_and_the_frozen_ones_marked(
        quotes: dict[str, Any], signed_in: SignedIn, session: Session) -> None:
    commerce.send_quote(session, "Q-100", when=world.at(2026, 3, 4))
    commerce.revise_quote(session, "Q-100", discount="0.05", when=world.at(2026, 3, 9))
    client = signed_in("sales")
    page = text(client.get("/sales/quotes/Q-100", headers=HTML))
    assert "Quote Q-100 v2 draft" in page
    assert "v1 superseded frozen dated 2026-03-02, sent 2026-03-04" in page and "v2 draft dated 2026-03-09" in page
    old = text(client.get(QUOTE, headers=HTML))
    assert "This is not the latest version: see v2" in old and "nothing more to do with it" in old


def test_the_pdf_for_the_customer(quotes: dict[str, Any], signed_in: SignedIn) -> None:
    response = signed_in("sales").get(QUOTE + "/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="quote-Q-100-v1.pdf"'
    pages = world.pdf_text(response.get_data())
    assert "Q-100" in pages[0] and "2,115.00" in "".join(pages)


def _draft_form(conf: int, **changes: str) -> dict[str, str]:
    """The new-quote form as Beta's buyer's salesperson fills it in: 10 pumps, a configured battery 5 % off,
    10 % off the quote, valid 30 days; two rows left empty."""
    form = {"customer": world.CUSTOMER_B, "currency": "EUR", "number": "", "price_list": "",
            "valid_until": f"{date.today() + timedelta(days=30):%Y-%m-%d}", "discount": "10",
            "line-0-product": world.PUMP, "line-0-configuration": "", "line-0-quantity": "10", "line-0-discount": "",
            "line-0-unit_price": "",
            "line-1-product": "", "line-1-configuration": str(conf), "line-1-quantity": "1", "line-1-discount": "5",
            "line-1-unit_price": ""}
    for i in (2, 3):
        form.update({f"line-{i}-{name}": "" for name in ("product", "configuration", "quantity", "discount",
                                                          "unit_price")})
    return {**form, **changes}


def test_drafting_changing_and_revising_a_quote_through_its_forms(
        quotes: dict[str, Any], signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales", name="sam")
    form = client.get("/sales/quotes/new", headers=HTML).get_data(as_text=True)
    assert f'<option value="{world.CUSTOMER_B}">Beta</option>' in form, "known customers are offered"
    assert f'<option value="{world.PUMP}">' in form and f'value="{quotes["configuration"]}"' in form
    assert 'href="/sales/quotes/new"' in client.get("/sales/quotes", headers=HTML).get_data(as_text=True)
    response = post(client, "/sales/quotes/new", **_draft_form(quotes["configuration"]))
    assert response.status_code == 303 and response.headers["Location"] == "/sales/quotes/Q-000001/v1"
    page = flash_of(client, "/sales/quotes/Q-000001/v1")
    # Priced today on the general list (GEN-2026, open-ended; Beta has no list of its own): 10 pumps at the tier
    # from 10, 90.00: 900.00, less 10 % = 810.00. The battery 1 000.00 + 15 kWh 300.00 + LFP 120.00 = 1 420.00,
    # less 5 % (71.00) = 1 349.00, less 10 % (134.90) = 1 214.10. Net 2 024.10, no tax.
    assert "Quote Q-000001 v1 drafted." in page and "Quote Q-000001 v1 draft" in page
    assert "Net 2,024.10" in page and "No discount of this quote needed an approval" in page

    # The draft changed in place: 20 pumps (1 800.00 less 10 % = 1 620.00): net 2 834.10, still v1.
    edit = client.get("/sales/quotes/Q-000001/v1/revise", headers=HTML).get_data(as_text=True)
    assert 'name="line-0-quantity" value="10"' in edit and 'name="discount" value="10"' in edit
    assert f'<option value="{quotes["configuration"]}" selected>' in edit
    post(client, "/sales/quotes/Q-000001/v1/revise", **_draft_form(quotes["configuration"], **{"line-0-quantity": "20"}))
    page = flash_of(client, "/sales/quotes/Q-000001/v1")
    assert "Quote Q-000001 changed." in page and "Net 2,834.10" in page

    # Sent, v1 is frozen: a revision with 12 % off the quote is v2. Pumps 1 800.00 x 0.88 = 1 584.00; the battery
    # 1 349.00 less 12 % (161.88) = 1 187.12: net 2 771.12. The battery's discount against the list is now
    # 1 - 0.95 x 0.88 = 16.4 %, above 15 %: v2 needs a sales manager before it can be sent.
    post(client, "/sales/quotes/Q-000001/v1/send")
    assert "Save as v2" in text(client.get("/sales/quotes/Q-000001/v1/revise", headers=HTML))
    response = post(client, "/sales/quotes/Q-000001/v1/revise",
                    **_draft_form(quotes["configuration"], **{"line-0-quantity": "20", "discount": "12"}))
    assert response.headers["Location"] == "/sales/quotes/Q-000001/v2"
    page = flash_of(client, "/sales/quotes/Q-000001/v2")
    assert "Quote Q-000001 revised: v2 drafted." in page and "Net 2,771.12" in page
    assert "a sales manager must approve it before the quote is sent" in page
    assert "v1 superseded frozen" in page
    session.expire_all()
    assert quote_version(session, "Q-000001", 1).status is DocumentStatus.SUPERSEDED
    stale = post(client, "/sales/quotes/Q-000001/v1/revise", **_draft_form(quotes["configuration"]))
    assert stale.status_code == 422 and "has a newer version (v2)" in text(stale)


@pytest.mark.parametrize(("changes", "says"), [
    ({"line-0-quantity": "ten"}, "Refused: lines line 1.quantity: 'ten' is not a number"),
    ({"line-1-discount": "five"}, "Refused: line 2 discount: 'five' is not a percentage"),
    ({"line-0-configuration": "CONF"}, "Refused: lines line 1: a line sells a product or a configuration, not both"),
    ({"customer": "urn:example:nobody"}, "Refused: "),
    ({"number": "Q-100"}, "Refused: number: quote Q-100 exists already"),
])
def test_a_draft_the_core_refuses_comes_back_as_typed(quotes: dict[str, Any], signed_in: SignedIn,
                                                      session: Session, changes: dict[str, str], says: str) -> None:
    client = signed_in("sales")
    changes = {name: str(quotes["configuration"]) if value == "CONF" else value for name, value in changes.items()}
    response = post(client, "/sales/quotes/new", **_draft_form(quotes["configuration"], **changes))
    assert response.status_code == 422
    page, body = text(response), response.get_data(as_text=True)
    assert "Not saved: " + says in page
    for name, value in changes.items():
        assert re.search(f'name="{name}"[^>]* value="{re.escape(value)}"', body) or (
            f'<option value="{value}" selected>' in body), name
    assert session.scalar(select(func.count()).select_from(Document).where(Document.kind == DocumentKind.QUOTE)) == 2


def test_who_may_open_and_act(app: Flask, session: Session, quotes: dict[str, Any]) -> None:
    for url in ("/sales/quotes", QUOTE, "/sales/quotes/Q-100", QUOTE + "/pdf", "/sales/quotes/new", QUOTE + "/revise"):
        check_access(app, session, "GET", url, SALES_ROLES)
    check_access(app, session, "POST", DEEP + "/approve-discount", APPROVER_ROLES)
    check_access(app, session, "POST", DEEP + "/refuse-discount", APPROVER_ROLES)
    for action in ("send", "accept", "reject"):
        check_access(app, session, "POST", f"{DEEP}/{action}", SALES_ROLES)
    commerce.create_order(session, "SO-9", party=world.CUSTOMER_A, currency="EUR",
                          lines=[{"product": world.PUMP, "quantity": 1, "unit_price": "10.00"}])
    check_access(app, session, "GET", "/sales/orders/SO-9", ORDER_ROLES)


def test_pages_cost_a_fixed_number_of_statements(quotes: dict[str, Any], signed_in: SignedIn, session: Session) -> None:
    client = signed_in("sales")
    latest = "/sales/quotes/Q-100"
    before = (page_statements(session, client, "/sales/quotes"), page_statements(session, client, latest))
    for n in range(5):
        commerce.create_quote(session, f"Q-3{n}", party=world.CUSTOMER_A, currency="EUR", when=world.at(2026, 3, 2),
                              lines=[{"product": world.PUMP, "quantity": 1}] * 2)
    more = [{"product": world.PUMP, "quantity": q} for q in range(1, 6)]
    commerce.revise_quote(session, "Q-100", lines=[*more, {"configuration_id": quotes["configuration"], "quantity": 2}],
                          when=world.at(2026, 3, 5))
    after = (page_statements(session, client, "/sales/quotes"), page_statements(session, client, latest))
    assert after == before, "more quotes, versions and lines, the same number of statements"


def test_a_number_with_slashes_is_addressable(session: Session, signed_in: SignedIn) -> None:
    """ERPs number their documents "SQ/2026/0007": the pages take a number whole, slashes and all, and their
    links and redirects lead back to the same page."""
    world.build(session)
    commerce.create_quote(session, "SQ/2026/0007", party=world.CUSTOMER_A, currency="EUR", when=world.at(2026, 3, 4),
                          lines=[{"product": world.PUMP, "quantity": 1}])
    client = signed_in("sales")
    listing = client.get("/sales/quotes", headers=HTML).get_data(as_text=True)
    assert 'href="/sales/quotes/SQ/2026/0007' in listing
    page = text(client.get("/sales/quotes/SQ/2026/0007", headers=HTML))
    assert "SQ/2026/0007" in page and "v1 draft dated 2026-03-04" in page
    response = post(client, "/sales/quotes/SQ/2026/0007/v1/send")
    assert response.status_code == 303 and response.headers["Location"] == "/sales/quotes/SQ/2026/0007/v1"
    post(client, "/sales/quotes/SQ/2026/0007/v1/accept")
    assert "Quote SQ/2026/0007 v1 accepted: order SO-000001." in flash_of(client, "/sales/quotes/SQ/2026/0007/v1")
    pdf = client.get("/sales/quotes/SQ/2026/0007/v1/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert client.get("/sales/quotes/SQ/2026/0008", headers=HTML).status_code == 404
