"""The README's walkthrough, in Debian's headless Chromium on the demo world: the passport as the public and as
staff, its lineage graph, a held pack's recall banner, a lot's recall list (the "Where used" section of its passport,
as the supply-chain login sees it, on a desk and on a phone), a report, and the quote-to-cash pages.

Screenshots go to tests/artifacts/ (git-ignored); with ``CRADLETRACE_SCREENSHOTS=FOLDER`` they are also
written there, which is how ``scripts/screenshots`` refreshes docs/screenshots/. Skipped when no browser
is installed, unless CRADLETRACE_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from cradletrace.cli import main
from cradletrace.db import create_db_engine
from cradletrace.demo import STORY_UNITS
from cradletrace.demo.catalogue import MAKER
from cradletrace.web.auth import ROLES
from cradletrace.web.demo import demo_users
from cradletrace.web.resolver import path_of
from demo_support import H, build_demo
from test_web_browser import ARTIFACTS, browser  # noqa: F401 - the browser fixture, shared
from web_support import PASSWORD, build_app, create_user, serving

pytestmark = pytest.mark.xdist_group("demo")
DOCS = os.environ.get("CRADLETRACE_SCREENSHOTS")


def shot(target: Any, name: str) -> None:
    """Screenshot a page (what the window shows) or an element to tests/artifacts/NAME.png, and to
    $CRADLETRACE_SCREENSHOTS when set."""
    folders = [ARTIFACTS, *([Path(DOCS)] if DOCS else [])]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(folder / f"{name}.png"))


SUPPLY_CHAIN = "demo-supply_chain"
"""The demo's supply-chain login (``cradletrace demo`` makes it), who works the recall."""


@pytest.fixture(scope="module")
def demo_url(make_database: Callable[..., str]) -> str:
    url = build_demo(make_database("sqlite"), units=STORY_UNITS)
    engine = create_db_engine(url)
    with Session(engine) as session:
        create_user(session, "demo", *ROLES)
        create_user(session, SUPPLY_CHAIN, *demo_users()[SUPPLY_CHAIN])
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def server(demo_url: str) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CRADLETRACE_SELLER", MAKER.party)  # as scripts/run sets it: the maker is "us"
        with serving(build_app(demo_url)) as url:
            yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # A laptop-sized window: the walkthrough is read on one; the phone layout is test_web_browser's.
    context = browser.new_context(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def test_the_public_passport_of_the_swapped_pack(server: str, page: Any) -> None:
    page.goto(server + path_of(H["swapped_pack"]))
    text = page.inner_text("body")
    assert "Voltwerk P48" in text and "Public view" in text and "VeloFleet" not in text
    shot(page, "passport-public")


def test_staff_see_the_swap_the_chain_and_the_lineage_graph(server: str, page: Any) -> None:
    page.goto(server + "/login?next=" + path_of(H["swapped_pack"]))
    page.fill("#name", "demo")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**" + path_of(H["swapped_pack"]))
    text = page.inner_text("body")
    assert "VeloFleet Rentals SAS" in text and "SO-0001" in text and "replacement" in page.inner_text("#composition")
    shot(page, "passport-staff")
    shot(page.locator("#commercial_chain"), "passport-staff-chain")
    graph = page.locator("#lineage svg.lineage")
    assert graph.locator("a").count() >= 5
    shot(graph, "lineage")
    page.goto(server + path_of(H["recycled_content_pack"]))
    assert "CC2609R" in page.inner_text("#lineage")
    shot(page.locator("#lineage svg.lineage"), "lineage-recycled")


def test_a_held_pack_shows_the_recall(server: str, page: Any) -> None:
    page.goto(server + path_of(H["held_pack"]))
    assert "Under recall" in page.inner_text("[role=alert]")
    shot(page, "passport-recall")


def test_the_recall_list_on_the_lots_passport(server: str, page: Any) -> None:
    lot = path_of(H["recalled_lot"])
    page.goto(server + "/login?next=" + lot)
    page.fill("#name", SUPPLY_CHAIN)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**" + lot)
    section = page.locator("#where_used")
    words = " ".join(section.inner_text().split())
    # Cellcore's lot CC2602B: 16 packs, all in service; the 7 the maker owns (6 held at the hub, 1 returned to its
    # service centre) are at our sites, the 9 of VeloFleet and Urban Bikes at customers (docs/demo.md)
    assert "Units affected 16 In service 16 of them at our sites 7 of them at customers 9 On recall hold 6" in words
    assert section.locator("tbody tr").count() == 16 and section.locator("tr.held").count() == 6
    assert "26B0005" in words and "VeloFleet Rentals SAS" in words and "EuroLog hub Venlo" in words
    shot(section, "recall-list")
    with page.expect_download() as download:
        section.locator("a", has_text="XLSX").click()
    assert download.value.suggested_filename == "recall-01_09521111000013_10_CC2602B.xlsx"
    page.set_viewport_size({"width": 412, "height": 915})  # a phone: the table scrolls in its box, not the page
    page.reload()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), "the page scrolls"
    box = section.locator(".table-scroll")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth"), "the wide table scrolls in its own box"
    assert box.bounding_box()["width"] <= 412
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "recall-list-phone.png"))
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    page.screenshot(path=str(ARTIFACTS / "recall-list-phone-scrolled.png"))


def test_a_report(demo_url: str, page: Any, tmp_path: Path) -> None:
    report = tmp_path / "compliance.html"
    result = CliRunner().invoke(main, ["report", "compliance", "--format", "html", "-o", str(report),
                                       "--database", demo_url])
    assert result.exit_code == 0, result.output
    page.goto(report.as_uri())
    assert "non_compliant" in page.inner_text("body").replace("-", "_").replace(" ", "_").lower()
    shot(page, "report-compliance")


def test_quote_to_cash_pages_for_sales_and_finance(server: str, page: Any) -> None:
    page.goto(server + "/login?next=/sales/quotes/" + H["revised_quote"])
    page.fill("#name", "demo")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/sales/quotes/" + H["revised_quote"] + "**")
    text = page.inner_text("body")
    # 16 packs at VeloFleet's 505.00 less 5 % and 3 %: 7,445.72 net (the demo's quote test works it out)
    assert "7,445.72" in text and "VELOFLEET-2026" in text and "SO-0008" in text
    shot(page, "quote")
    page.goto(server + "/sales/contracts/" + H["contract"])
    text = page.inner_text("body")
    assert "FLEETCARE-36" in text and "negotiation" in text and "26D0001" in text
    shot(page, "contract")
    page.goto(server + "/finance/revenue?from=2026-01-01&to=2027-01-01")
    assert "Recognised" in page.inner_text("body") and page.locator("svg").count() >= 1
    shot(page, "revenue")
