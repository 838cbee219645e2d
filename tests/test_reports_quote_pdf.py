"""The quote PDF: it opens, and its text shows the parties, the lines, each configuration, the totals and the
approval; long quotes run over pages; the same quote gives the same bytes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.errors import NotFound
from cradletrace.reports.quote_pdf import quote_pdf, quote_sheet
from pricing_world import BATTERY, CUSTOMER_A, PUMP, SELLER, at, build, configuration, pdf_text


def _quote(session: Session, extra_lines: int = 0):  # type: ignore[no-untyped-def]
    world = build(session)
    config = configuration(session, world, ["15KWH", "LFP", "RED"])
    lines = [{"product": BATTERY, "quantity": 2, "configuration_id": config.id, "tax_rate": "0.2"},
             {"product": PUMP, "quantity": 12, "discount": "0.2", "tax_rate": "0.2"}]
    lines += [{"product": PUMP, "quantity": 1, "unit_price": "1.00"} for _ in range(extra_lines)]
    quote = commerce.create_quote(session, "Q-17", party=CUSTOMER_A, currency="EUR", when=at(2026, 4, 1),
                                  discount="0.05", valid_until=at(2026, 5, 1), lines=lines)
    commerce.approve_discount(session, "Q-17", by="mia", roles=["sales_manager"], when=at(2026, 4, 2))
    return quote


def test_the_pdf_shows_parties_lines_configuration_totals_and_approval(session: Session) -> None:
    _quote(session)
    (page,) = pdf_text(quote_pdf(session, "Q-17", seller=SELLER))
    text = " ".join(page.split())
    # Battery: 1000.00 + 300.00 (15 kWh, general list) + 100.00 (LFP, Alpha's list) + 0 (red) = 1400.00 x 2 =
    # 2800.00. Pump: Alpha's tier from 10, 85.00 x 12 = 1020.00 less 20 % = 816.00. Subtotal 3616.00, less
    # 5 % = 180.80: net 3435.20; tax 20 % = 687.04; total 4122.24. Largest discount 1 - 0.8 x 0.95 = 24 %.
    for shown in ("Quote Q-17 version 1", "Seller", "Customer Alpha https://id.gs1.org/417/9520999999983",
                  "Date: 2026-04-01", "Valid until: 2026-05-01",
                  "1 Battery pack (09506000134376) 2 1,400.00 - 2,800.00",
                  "Configuration: Battery pack (BP)", "Capacity: 15 kWh (15KWH)",
                  "Cell chemistry: Lithium iron phosphate (LFP)", "Housing colour: Red (RED)",
                  "Unit price: list 1,000.00 + 15KWH 300.00 + LFP 100.00",
                  "2 Pump (09506000134352) 12 85.00 20 % 816.00",
                  "Subtotal 3,616.00", "Quote discount 5 % -180.80", "Net 3,435.20", "Tax 687.04",
                  "Total EUR 4,122.24", "Discount of up to 24 % approved by mia on 2026-04-02",
                  "from price list ALPHA-2026"):
        assert shown in text, (shown, text)


def test_a_long_quote_runs_over_pages_with_its_totals_together(session: Session) -> None:
    _quote(session, extra_lines=80)
    pages = pdf_text(quote_pdf(session, "Q-17"))
    assert len(pages) >= 2
    assert all("# Product Quantity Unit price Discount Amount" in " ".join(p.split()) for p in pages[:2])
    last = " ".join(pages[-1].split())
    # 80 more lines at 1.00: subtotal 3696.00 less 5 % (184.80) = 3511.20; tax as before 687.04; 4198.24.
    assert "Subtotal 3,696.00" in last and "Total EUR 4,198.24" in last
    assert f"page {len(pages)}" in last


def test_the_pdf_is_reproducible_and_picks_a_version(session: Session) -> None:
    _quote(session)
    first = quote_pdf(session, "Q-17")
    assert quote_pdf(session, "Q-17") == first
    commerce.revise_quote(session, "Q-17", when=at(2026, 4, 5), discount="0")
    assert quote_sheet(session, "Q-17").version == 2
    assert quote_pdf(session, "Q-17", version=1) == first
    assert "Total EUR 4,122.24" in " ".join(pdf_text(quote_pdf(session, "Q-17", version=1))[0].split())
    with pytest.raises(NotFound, match="quote Q-17 has no version 3"):
        quote_pdf(session, "Q-17", version=3)
    bare_gln = SELLER.rsplit("/", 1)[-1]  # a party's 13 digits alone are its GLN here, not a GTIN-13
    by_gln = quote_sheet(session, "Q-17", seller=bare_gln).seller
    assert by_gln is not None and by_gln == quote_sheet(session, "Q-17", seller=SELLER).seller
    with pytest.raises(NotFound, match="no party 'urn:example:nobody' .the seller"):
        quote_pdf(session, "Q-17", seller="urn:example:nobody")


def test_the_sheet_reads_a_fixed_number_of_statements(session: Session,
                                                       count_statements) -> None:  # type: ignore[no-untyped-def]
    _quote(session, extra_lines=20)

    def count(version: int) -> int:
        with count_statements(session) as sent:
            sheet = quote_sheet(session, "Q-17", version=version, seller=SELLER)
        assert sheet.pricing.net > Decimal(0)
        return len(sent)

    # Version 2: the same kinds of line (a configured one) and discount, 3 lines instead of 22.
    config = quote_sheet(session, "Q-17").pricing.lines[0].terms.configuration_id
    commerce.revise_quote(session, "Q-17", when=at(2026, 4, 5),
                          lines=[{"product": BATTERY, "quantity": 1, "configuration_id": config},
                                 {"product": PUMP, "quantity": 2}, {"product": PUMP, "quantity": 3}])
    commerce.revise_quote(session, "Q-17", when=at(2026, 4, 6))  # so that neither is the latest version
    assert count(1) == count(2)
