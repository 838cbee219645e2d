"""Browser tests in Debian's headless Chromium (Playwright, never `playwright install`): the public
passport hides restricted data, sign-in, search by element string, the as-of date changes the
composition, a lineage node leads to its own page. Screenshots go to tests/artifacts/ (git-ignored).

Skipped when no browser is installed, unless CRADLETRACE_REQUIRE_BROWSER=1 (CI), where a missing
browser fails.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

import passport_world as world
from cradletrace import migrate
from cradletrace.compliance import add_certificate, declare_substances
from cradletrace.db import create_db_engine
from web_support import PASSWORD, build_app, create_user

CHROMIUM = os.environ.get("CRADLETRACE_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
RESTRICTED = (world.CUSTOMER_NAME, world.PLANT_NAME, world.DEPOT_NAME, "INV-7781", "PO-4410", "Packs Ltd")


def _require_browser() -> Any:
    required = os.environ.get("CRADLETRACE_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("CRADLETRACE_REQUIRE_BROWSER=1 but the playwright package is not installed")
        pytest.skip("playwright is not installed")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        if required:
            pytest.fail(f"CRADLETRACE_REQUIRE_BROWSER=1 but there is no browser at {CHROMIUM} "
                        "(apt-get install chromium)")
        pytest.skip(f"no browser at {CHROMIUM}")
    return sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the module: a werkzeug server thread on a SQLite file holding the passport world."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        world.build(session)
        declare_substances(session, world.AL, [], declared_at=world.at(0))  # a compliance section to show
        add_certificate(session, world.G_PACK, "EU_DoC", "DoC-2025-7", valid_from=world.at(0))
        create_user(session, "staff", "compliance", "finance", "supply_chain")
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = _require_browser()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # A phone-sized viewport: the warehouse and the public use phones.
    context = browser.new_context(viewport={"width": 412, "height": 915}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(60_000)  # generous: CI machines are shared
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_public_passport_shows_the_unit_and_hides_restricted_data(server: str, page: Any) -> None:
    page.goto(server + "/01/09506000134352/21/P1")
    text = page.inner_text("body")
    assert "Battery pack 48 V" in text and "09506000134352" in text and "(01)09506000134352(21)P1" in text
    assert "Public view" in text
    for secret in RESTRICTED:
        assert secret not in page.content(), secret
    assert page.locator("svg.lineage a").count() >= 3
    shot(page, "public_passport")


def test_the_footprint_chart_and_compliance_status_render(server: str, page: Any) -> None:
    page.goto(server + "/01/09506000134352/21/P1")
    chart = page.locator("#footprint svg.bars")
    assert chart.is_visible() and chart.locator("rect").count() == 6
    assert chart.bounding_box()["width"] <= 412, "the chart fits a phone"
    assert "Missing data" in page.inner_text("#footprint")
    assert "Incomplete data" in page.inner_text("#compliance .badge")
    assert "Visible to" in page.inner_text("#commercial_chain"), "the public sees a locked heading only"
    page.locator("#footprint summary").click()  # the explanation rows open without JavaScript (details)
    page.locator("#footprint").screenshot(path=str(ARTIFACTS / "passport_footprint.png"))
    page.locator("#compliance").screenshot(path=str(ARTIFACTS / "passport_compliance.png"))
    shot(page, "public_passport_sections")


def test_an_unknown_identifier_is_not_registered(server: str, page: Any) -> None:
    response = page.goto(server + "/01/09506000134413/21/FAKE1")
    assert response.status == 404
    assert "Not registered here" in page.inner_text("h1")
    assert "counterfeit" in page.inner_text("body")
    shot(page, "not_registered")


def test_staff_sign_in_search_as_of_and_lineage(server: str, page: Any) -> None:
    page.goto(server + "/login")
    shot(page, "login")
    page.fill("#name", "staff")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(server + "/")
    assert "signed in as" in page.inner_text("header")

    page.fill("#q", "(01)09506000134352(21)P1")
    page.press("#q", "Enter")
    page.wait_for_url("**/01/09506000134352/21/P1")
    text = page.inner_text("body")
    assert world.CUSTOMER_NAME in text and "INV-7781" in text, "staff see the customer and the invoice"
    assert "Viewing as compliance, finance, supply_chain" in text

    page.fill("#as_of", world.BEFORE_SWAP)
    page.click("form.asof button")
    page.wait_for_url(f"**as_of={world.BEFORE_SWAP}")
    parts = page.inner_text("#composition table")
    assert "BMS board #B1" in parts and "BMS board #B3" not in parts

    page.fill("#as_of", world.AFTER_SWAP)
    page.click("form.asof button")
    page.wait_for_url(f"**as_of={world.AFTER_SWAP}")
    parts = page.inner_text("#composition table")
    assert "BMS board #B3" in parts and "replacement" in parts and "BMS board #B1" not in parts
    shot(page, "staff_passport")

    page.locator("svg.lineage a", has_text="BMS board #B3").first.click()
    page.wait_for_url("**/01/09506000134369/21/B3")
    assert "BMS board" in page.inner_text("h1")


def test_warehouse_downloads_a_label_and_prints_a_batch(server: str, page: Any) -> None:
    passport = server + "/01/09506000134352/21/P1"
    page.goto(passport)
    assert page.locator("a[href*='/labels/download']").count() == 0, "the public prints no labels"
    page.goto(server + "/login?next=/01/09506000134352/21/P1")
    page.fill("#name", "keeper")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(passport)
    assert page.locator("#labels a[href*='/labels/download']").count() == 4
    with page.expect_download() as download:
        page.click("#labels a:text('PDF')")
    assert download.value.suggested_filename == "01-09506000134352-21-P1.pdf"
    shot(page, "warehouse_passport")

    page.goto(server + "/labels/print")
    shot(page, "labels_print")
    page.fill("#identifiers", "(01)09506000134352(21)P1\n(01)09506000134353(21)P2")
    page.select_option("#layout", "2x7")
    page.click("form.wide button[type=submit]")
    alert = page.inner_text("[role=alert]")
    assert "line 2, (01)09506000134353(21)P2" in alert and "check digit" in alert
    assert page.input_value("#layout") == "2x7", "the form keeps what was chosen"
    shot(page, "labels_print_error")
