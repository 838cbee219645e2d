"""Price and quote in the demo: the customer's list before the general one, a quote revised and accepted into an
order, a discount above the threshold approved by the sales manager, a quote expired."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from cradletrace.commerce import price_lines
from cradletrace.commerce.approvals import approvals_of
from cradletrace.commerce.lines import lines_of
from cradletrace.commerce.pricing import explain
from cradletrace.commerce.quotes import quote_version
from cradletrace.demo import quotes
from cradletrace.demo.catalogue import CARGOBIKE, VELOFLEET
from cradletrace.demo.clock import ago
from cradletrace.models import Document, DocumentKind, DocumentStatus
from cradletrace.timestamps import naive_utc
from demo_support import H, reading

pytestmark = pytest.mark.xdist_group("demo")


def order(session, number: str) -> Document:  # type: ignore[no-untyped-def]
    return session.scalars(select(Document).where(Document.kind == DocumentKind.ORDER, Document.number == number)).one()


def test_the_fleet_quote_was_revised_then_accepted_into_its_order(demo_database: str) -> None:
    with reading(demo_database) as session:
        first, second = (quote_version(session, H["revised_quote"], v) for v in (1, 2))
        priced = explain(session, second)
        (line,) = priced.lines
        made = order(session, H["configured_order"])
        (ordered,) = lines_of(session, made)
        (quoted,) = lines_of(session, second)
        (asked,) = lines_of(session, first)
    assert (first.status, second.status) == (DocumentStatus.SUPERSEDED, DocumentStatus.ACCEPTED)
    # v1: 12 x 525.00 on VeloFleet's list (its orange at 0.00) = 6,300.00 net + 20 % = 7,560.00
    assert (asked.quantity, asked.unit_price, first.amount) == (12, Decimal("525.00"), Decimal("7560.00"))
    # v2: 16 packs reach VeloFleet's tier from 15 (505.00); 16 x 505.00 = 8,080.00, less 5 % = 7,676.00,
    # less 3 % = 7,445.72 net; tax 20 % = 1,489.14; effective discount 1 - 0.95 x 0.97 = 7.85 %
    assert (line.terms.price_list, line.terms.tier, line.terms.list_price) == (
        quotes.VELOFLEET_LIST, Decimal(15), Decimal("505.00"))
    assert (priced.gross, priced.net, priced.tax, priced.total, priced.discount) == (
        Decimal("8080.00"), Decimal("7445.72"), Decimal("1489.14"), Decimal("8934.86"), Decimal("0.0785"))
    # the order is the accepted version, line for line, configuration and all; it was delivered
    assert (made.amount, made.discount, made.status) == (Decimal("8934.86"), Decimal("0.03"), DocumentStatus.DELIVERED)
    assert (ordered.configuration_id, ordered.discount) == (quoted.configuration_id, Decimal("0.05"))
    assert asked.configuration_id == quoted.configuration_id


def test_the_customer_list_comes_before_the_general_one(demo_database: str) -> None:
    with reading(demo_database) as session:
        (quoted,) = lines_of(session, quote_version(session, H["revised_quote"]))
        fleet = [{"configuration_id": quoted.configuration_id, "quantity": 16}]
        velofleet, cargobike = (price_lines(session, customer=c.party, currency="EUR", at=ago(100), lines=fleet)
                                for c in (VELOFLEET, CARGOBIKE))
    # VeloFleet: its own list, 505.00 from 15 packs, orange 0.00; 16 x 505.00 = 8,080.00
    assert (velofleet.lines[0].unit_price, velofleet.net) == (Decimal("505.00"), Decimal("8080.00"))
    # Cargobike: the general list's tier from 10, 540.00, and orange at 14.00: 16 x 554.00 = 8,864.00
    (general,) = cargobike.lines
    assert (general.terms.price_list, general.terms.list_price, general.surcharge) == (
        quotes.GENERAL, Decimal("540.00"), Decimal("14.00"))
    assert cargobike.net == Decimal("8864.00")


def test_the_discount_above_the_threshold_was_approved_by_the_sales_manager(demo_database: str) -> None:
    with reading(demo_database) as session:
        quote = quote_version(session, H["approved_quote"])
        (approval,) = approvals_of(session, quote)
        made = order(session, H["open_order"])
    # 4 x (470.00 + black 9.00 + XT60 4.00) = 1,932.00, less 18 % = 1,584.24 net, + 21 % (332.69) = 1,916.93
    assert (quote.status, quote.amount) == (DocumentStatus.ACCEPTED, Decimal("1916.93"))
    assert (approval.discount, approval.threshold, approval.approved) == (Decimal("0.18"), Decimal("0.15"), True)
    assert (approval.requested_by, approval.decided_by) == (quotes.SALES_USER, "demo-sales_manager")
    assert approval.decided_at < naive_utc(datetime.fromisoformat(quote.attributes["sent_at"])), "approved, then sent"
    # within Cargobike's 3,000.00 limit, the order is confirmed and waits for its packs
    assert (made.amount, made.status) == (Decimal("1916.93"), DocumentStatus.CONFIRMED)


def test_a_quote_nobody_answered_expired(demo_database: str) -> None:
    with reading(demo_database) as session:
        quote = quote_version(session, H["expired_quote"])
    # 40 x 520.00 (the general list from 25) = 20,800.00, less 4 % = 19,968.00 net, + 19 % = 23,761.92
    assert (quote.status, quote.amount, quote.version) == (DocumentStatus.EXPIRED, Decimal("23761.92"), 1)
    assert quote.valid_until < naive_utc(ago(79))
