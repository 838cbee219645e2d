"""The quote-to-cash pages in Debian's headless Chromium (Playwright, as tests/test_web_browser.py): a quote with
its prices explained and its discount approved and sent through the forms, a quote drafted and changed through its
form, a contract page, a contract drafted and its terms changed through the forms, the configure form refusing a
rule, the revenue dashboard, a payment recorded against two invoices through its form, and a passport's
entitlement section as staff and as the public, on a phone and on a desk. Screenshots go to tests/artifacts/
(git-ignored).

Skipped without a browser, unless CRADLETRACE_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

import configure_world
import contracts_world as world
from cradletrace import commerce, migrate
from cradletrace.configure import configure
from cradletrace.contracts import change_terms
from cradletrace.db import create_db_engine
from test_web_browser import ARTIFACTS, browser, page, shot  # noqa: F401 - the browser fixtures, one definition
from web_support import PASSWORD, build_app, create_user

PASSPORT = "/01/09506000134352/21/P1"


def build(session: Session) -> None:
    """Contract C-1 (Alpha) in force with GOLD-36 on pumps; SO1 ships P1-P3, Alpha receives them, INV-000001 bills
    them and PAY1 pays part; SO2 ships P4, INV-000002 bills it; quote Q-7 for Alpha (six pumps at the tier price and a configured battery pack, 20 %
    off: its approval is pending); the PACK model with a configuration."""
    world.setup(session)
    configure_world.products(session)
    configure_world.pack_model(session)
    conf = configure(session, "PACK", ["c10", "lfp", "hv", "mount"], by="sam", when=world.day(2026, 3, 1))
    commerce.define_price_list(
        session, "GEN-2026", name="General 2026", currency="EUR", valid_from=world.day(2026, 1, 1, 0),
        items=[{"product": world.PUMP, "unit_price": "1000.00"},
               {"product": world.PUMP, "unit_price": "900.00", "min_quantity": 5},
               {"product": configure_world.PACK10L, "unit_price": "4200.00"}],
        surcharges=[{"model": "PACK", "option": "mount", "amount": "80.00"}])
    commerce.set_standalone_price(session, world.PUMP, "1000.00", "EUR")
    c1 = world.contract(session, "C-1", plans=[{"plan": "GOLD-36", "product": world.PUMP}])
    change_terms(session, c1, payment_terms_days=60, by="sam", note="60 days agreed", when=world.day(2025, 12, 5))
    world.in_force(session, c1)
    world.sell(session, c1, "SO1", [world.pump(n) for n in (1, 2, 3)], shipped=world.day(2026, 2, 3),
               received=world.day(2026, 2, 5))
    commerce.invoice_order(session, "SO1", when=world.day(2026, 2, 4))
    commerce.receive_payment(session, "PAY1", party=world.CUSTOMER_A, amount="2000.00", currency="EUR",
                             applications={"INV-000001": "2000.00"}, when=world.day(2026, 3, 1))
    # SO2: one more pump for Alpha, outside the contract, invoiced on 11 Feb (INV-000002, 1 000.00, open).
    world.sell(session, None, "SO2", [world.pump(4)], shipped=world.day(2026, 2, 10))
    commerce.invoice_order(session, "SO2", when=world.day(2026, 2, 11))
    commerce.create_quote(session, "Q-7", party=world.CUSTOMER_A, currency="EUR", when=world.day(2026, 3, 2),
                          discount="0.20", by="sam",
                          lines=[{"product": world.PUMP, "quantity": 6, "tax_rate": "0.20"},
                                 {"configuration_id": conf.id, "quantity": 1, "tax_rate": "0.20"}])
    world.contract(session, "C-2", customer=world.CUSTOMER_B)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser_q2c') / 'q2c.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        build(session)
        create_user(session, "mia", "sales", "sales_manager")
        create_user(session, "fiona", "finance")
        create_user(session, "keeper", "warehouse")
        session.commit()
    engine.dispose()
    app = build_app(url)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    app.extensions["cradletrace.engine"].dispose()


def sign_in(page: Any, server: str, name: str, target: str) -> None:  # noqa: F811
    page.goto(f"{server}/login?next={quote(target, safe='/')}")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(server + target)


def fits(page: Any) -> None:  # noqa: F811
    """Nothing makes the whole page scroll sideways (wide tables scroll in their own box)."""
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not wide, "the page is wider than the screen"


def test_a_quote_is_explained_approved_and_sent(server: str, page: Any) -> None:  # noqa: F811
    quote = "/sales/quotes/Q-7/v1"
    sign_in(page, server, "mia", quote)
    text = page.inner_text("main")
    # Six pumps at the tier from 5, 900.00: 5 400.00 less 20 % = 4 320.00; the pack, the variant PACK10L at 4 200.00
    # with the wall mount's 80.00: 4 280.00 less 20 % = 3 424.00.
    assert "The discount of 20 % is above the approval threshold of 15 %" in text
    assert "4,320.00" in text and "3,424.00" in text and "Wall mount" in text
    fits(page)
    shot(page, "q2c_quote_phone")
    page.fill("#approve-note", "strategic account")
    page.click("text=Approve the discount")
    page.wait_for_url(server + quote)
    assert "approved." in page.inner_text("[role=status]")
    page.click("text=Send to the customer")
    page.wait_for_url(server + quote)
    assert "sent." in page.inner_text("[role=status]") and "frozen" in page.inner_text("#versions")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "q2c_quote_desk")
    page.goto(server + "/sales/quotes")
    shot(page, "q2c_quotes")


def test_a_quote_is_drafted_and_changed_through_its_form(server: str, page: Any) -> None:  # noqa: F811
    sign_in(page, server, "mia", "/sales/quotes")
    page.click("text=New quote")
    page.wait_for_url(server + "/sales/quotes/new")
    page.fill("#customer", world.CUSTOMER_B)
    page.fill("input[name=line-0-product]", world.PUMP)
    page.fill("input[name=line-0-quantity]", "5")
    page.fill("input[name=line-1-quantity]", "2")  # a quantity, no product: refused, the form comes back as typed
    fits(page)
    shot(page, "q2c_quote_new_phone")
    page.click("form.quote-form button[type=submit]")
    assert "lines line 2: a line needs a product or a configuration" in page.inner_text("[role=alert]")
    assert page.input_value("input[name=line-0-quantity]") == "5", "what was typed is kept"
    page.fill("input[name=line-1-quantity]", "")
    page.click("form.quote-form button[type=submit]")
    page.wait_for_url(server + "/sales/quotes/Q-000001/v1")
    # Five pumps at the tier from 5 on GEN-2026 (open-ended): 5 x 900.00 = 4 500.00, no discount, no tax.
    assert "Quote Q-000001 v1 drafted." in page.inner_text("[role=status]")
    assert "4,500.00" in page.inner_text("#lines")
    page.click("text=Change this draft")
    page.wait_for_url(server + "/sales/quotes/Q-000001/v1/revise")
    assert page.input_value("input[name=line-0-quantity]") == "5"
    page.fill("input[name=line-0-quantity]", "4")  # below the tier: 4 x 1 000.00
    page.fill("#discount", "5")  # 4 000.00 less 5 % = 3 800.00
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "q2c_quote_change_desk")
    page.click("form.quote-form button[type=submit]")
    page.wait_for_url(server + "/sales/quotes/Q-000001/v1")
    assert "Quote Q-000001 changed." in page.inner_text("[role=status]")
    assert "3,800.00" in page.inner_text("#lines")


def test_the_configure_form_refuses_a_rule(server: str, page: Any) -> None:  # noqa: F811
    target = "/sales/configurations/models/PACK"
    sign_in(page, server, "mia", target)
    page.check("input[name=group-cap][value=c10]")
    page.check("input[name=group-chem][value=lfp]")
    page.check("input[name=group-conn][value=lv]")
    page.click("form.configure button[type=submit]")
    assert "rule LFP-HV: option lfp requires option hv" in page.inner_text("[role=alert]")
    assert page.is_checked("input[name=group-chem][value=lfp]"), "the form keeps the choice"
    fits(page)
    shot(page, "q2c_configure_refused")
    page.check("input[name=group-conn][value=hv]")
    page.click("form.configure button[type=submit]")
    page.wait_for_url("**/sales/configurations/*")
    assert "Battery pack 10 kWh LFP" in page.inner_text("main")
    shot(page, "q2c_configuration")


def test_a_contract_page(server: str, page: Any) -> None:  # noqa: F811
    sign_in(page, server, "mia", "/sales/contracts")
    assert "C-1" in page.inner_text("main")
    shot(page, "q2c_contracts")
    page.click("text=C-1 >> nth=0")
    page.wait_for_url("**/sales/contracts/C-1")
    text = page.inner_text("main")
    assert "payment terms: 45 → 60 days" in text and "Units covered (3)" in text
    fits(page)
    shot(page, "q2c_contract_phone")
    page.click("#units a >> nth=0")
    page.wait_for_url("**/01/09506000134352/21/P1")
    assert "Under warranty" in page.inner_text("#entitlement")


def test_a_contract_is_drafted_and_its_terms_changed_through_the_forms(server: str, page: Any) -> None:  # noqa: F811
    sign_in(page, server, "mia", "/sales/contracts")
    page.click("text=New contract")
    page.wait_for_url(server + "/sales/contracts/new")
    page.fill("#customer", world.CUSTOMER_B)
    page.fill("#starts_at", "2026-02-01")
    page.fill("#ends_at", "2028-02-01")
    page.fill("input[name=warranty-0-product]", world.PUMP)
    page.fill("input[name=warranty-0-months]", "two years")  # refused: the form comes back as typed
    fits(page)
    shot(page, "q2c_contract_new_phone")
    page.click("form.contract-form button[type=submit]")
    assert "warranties row 1.months: months are a whole number" in page.inner_text("[role=alert]")
    assert page.input_value("#customer") == world.CUSTOMER_B, "what was typed is kept"
    page.fill("input[name=warranty-0-months]", "24")
    page.click("form.contract-form button[type=submit]")
    # C-1 and C-2 were numbered by hand: the first of the CT series.
    page.wait_for_url(server + "/sales/contracts/CT-000001")
    assert "Contract CT-000001 drafted." in page.inner_text("[role=status]")
    assert "Pump 09506000134352: 24 months from delivery" in page.inner_text("#terms")
    page.click("text=Change the terms")
    page.wait_for_url(server + "/sales/contracts/CT-000001/terms")
    assert page.input_value("#payment_terms_days") == "30" and page.input_value("input[name=warranty-0-months]") == "24"
    page.fill("#payment_terms_days", "60")
    page.select_option("select[name=plan-0-plan]", "GOLD-36")
    page.fill("input[name=plan-0-product]", world.PUMP)
    page.fill("#note", "60 days and the gold service agreed")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "q2c_contract_terms_desk")
    page.click("form.contract-form button[type=submit]")
    page.wait_for_url(server + "/sales/contracts/CT-000001")
    assert "terms v2 saved; the contract is in negotiation." in page.inner_text("[role=status]")
    version = page.inner_text("#terms-v2")
    assert "60 days and the gold service agreed" in version and "payment terms: 30 → 60 days" in version
    assert "plan GOLD-36 (Gold service) for Pump added" in version
    shot(page, "q2c_contract_negotiated_desk")
    page.set_viewport_size({"width": 412, "height": 915})
    page.goto(server + "/sales/contracts/C-1/terms")
    assert "The terms cannot change: contract C-1 is active" in page.inner_text("[role=alert]")
    assert page.locator("form.contract-form").count() == 0
    fits(page)
    shot(page, "q2c_contract_terms_frozen_phone")


def test_the_revenue_dashboard(server: str, page: Any) -> None:  # noqa: F811
    target = "/finance/revenue?from=2026-01-01&to=2027-01-01"
    sign_in(page, server, "fiona", target)
    chart = page.locator("svg.bars-v")
    assert chart.is_visible() and chart.locator("rect.billed").count() == 12
    assert chart.bounding_box()["width"] <= 412, "the chart fits a phone"
    assert "2026-02" in page.inner_text("table.numbers")
    fits(page)
    shot(page, "q2c_revenue_phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "q2c_revenue_desk")
    with page.expect_download() as download:
        page.click("#downloads a:text('XLSX') >> nth=0")
    assert download.value.suggested_filename == "revenue-schedule_2026-01-01_2027-01-01.xlsx"
    page.goto(server + "/finance/invoices/INV-000001")
    shot(page, "q2c_invoice")


def test_a_payment_is_recorded_against_two_invoices_through_its_form(server: str, page: Any) -> None:  # noqa: F811
    sign_in(page, server, "fiona", "/finance/payments")
    page.click("text=Record a payment")
    page.wait_for_url(server + "/finance/payments/new")
    page.fill("#customer", world.CUSTOMER_A)
    page.click("form.payment-form button[type=submit]")
    page.wait_for_url("**/finance/payments/new?customer=*")
    # Alpha's open invoices, the oldest due first: INV-000001 (3 x 1 000.00 = 3 000.00 less PAY1's 2 000.00 =
    # 1 000.00 open, due 4 Feb + 30 days = 6 Mar) and INV-000002 (1 000.00, due 11 Feb + 30 days = 13 Mar).
    rows = page.inner_text("table.apply-rows tbody")
    assert rows.index("INV-000001") < rows.index("INV-000002") and "2026-03-06" in rows and "2026-03-13" in rows
    page.fill("#amount", "1500")
    page.fill("input[name=apply-0-amount]", "1000")
    page.fill("input[name=apply-1-amount]", "600")  # 1 000.00 + 600.00 is more than the 1 500.00 received
    fits(page)
    shot(page, "q2c_payment_new_phone")
    page.click("form.payment-form button[type=submit]")
    assert ("applications row 2: 600.00 for invoice INV-000002 is more than the 500.00 left unapplied on payment "
            "PAY-000001") in page.inner_text("[role=alert]")
    assert page.input_value("input[name=apply-1-amount]") == "600", "what was typed is kept"
    page.fill("input[name=apply-1-amount]", "500")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "q2c_payment_new_desk")
    page.click("form.payment-form button[type=submit]")
    page.wait_for_url(server + "/finance/payments/PAY-000001")
    assert "Payment PAY-000001 of 1,500.00 EUR recorded." in page.inner_text("[role=status]")
    # 1 000.00 + 500.00 applied: nothing unapplied; INV-000001 paid, INV-000002 with 500.00 still open.
    applied = page.inner_text("#applications")
    assert "INV-000001" in applied and "paid of 3,000.00" in applied and "partially paid of 1,000.00" in applied
    assert page.inner_text("dl.facts dd:nth-of-type(5)") == "0.00", "nothing unapplied"
    shot(page, "q2c_payment_desk")
    page.goto(server + "/finance/invoices/INV-000002")
    assert page.input_value("#write-off-amount") == "500.00", "the write-off offers what is open"
    page.set_viewport_size({"width": 412, "height": 915})
    fits(page)
    shot(page, "q2c_invoice_write_off_phone")


def test_the_entitlement_on_the_passport_for_staff_and_the_public(server: str, page: Any) -> None:  # noqa: F811
    sign_in(page, server, "keeper", PASSPORT)
    section = page.inner_text("#entitlement")
    assert "Under warranty" in section and "Alpha" not in section
    page.locator("#entitlement").screenshot(path=str(ARTIFACTS / "q2c_entitlement_warehouse.png"))
    shot(page, "q2c_passport_warehouse")
    page.goto(server + PASSPORT + "?view=public")
    locked = page.inner_text("#entitlement")
    assert "Visible to finance, sales, sales manager, warehouse" in locked and "warranty" not in locked.lower()[30:]
    shot(page, "q2c_passport_public")
