"""Price and quote: the 2026 price lists (a general EUR list with volume tiers and option surcharges, and
VeloFleet's own), and the quotes of configured packs: VeloFleet's fleet quote revised once and accepted,
Cargobike's with a discount deep enough to need the sales manager, and Bike Parts Distribution's left
to expire.

Everything goes through :mod:`cradletrace.commerce`: lines carry a saved configuration
(:func:`cradletrace.configure.configure`) and no price, so :func:`~cradletrace.commerce.price_lines`
prices them from the lists (list or tier, surcharges per option, the line's and the quote's
discounts) and each quote keeps how. Accepting a version converts it into the sales order
(:func:`~cradletrace.commerce.accept_quote`), configurations and all.

Worked out (VAT of the customer's country, prices net per pack):

* Q-0004 v1 (VeloFleet): 12 x 525.00 (VeloFleet's list; its fleet orange at 0.00) = 6,300.00.
  v2: 16 packs reach VeloFleet's tier from 15, 505.00; 5 % off the line and 3 % off the quote:
  16 x 505.00 x 0.95 x 0.97 = 7,445.72 net, + 20 % = 8,934.86; accepted as SO-0008.
* Q-0005 (Cargobike): 4 x (470.00 + black 9.00 + XT60 4.00) = 1,932.00, 18 % off the line: 1,584.24 net,
  + 21 % = 1,916.93. 18 % is above the 15 % threshold: approved by the sales manager, then sent;
  accepted as SO-0009, which waits for its LFP packs.
* Q-0006 (Bike Parts): 40 x 520.00 (the general list's tier from 25) less 4 % = 19,968.00 net; sent,
  never answered, expired.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.commerce.approvals import SALES_MANAGER_ROLE
from cradletrace.commerce.documents import get
from cradletrace.commerce.lines import lines_of
from cradletrace.configure import configure
from cradletrace.contracts import link_documents
from cradletrace.demo.catalogue import BIKEPARTS, CARGOBIKE, P36, P36L, P48, VELOFLEET, Company
from cradletrace.demo.clock import ago
from cradletrace.demo.configurations import CARGO, DISTRIBUTOR, FLEET, MODEL
from cradletrace.demo.sales import VAT
from cradletrace.models import Document, DocumentKind

SALES_USER = "demo-sales"
"""Who drafts the quotes and configures the packs (a demo login of the web app)."""
SALES_MANAGER = "demo-sales_manager"
"""Who approves the discount above the threshold (a demo login of the web app)."""
THRESHOLD = Decimal("0.15")
"""The discount approval threshold the demo is built with (the setting's default), whatever the setting says."""
GENERAL, VELOFLEET_LIST = "EUR-2026", "VELOFLEET-2026"
FLEET_QUOTE, CARGO_QUOTE, EXPIRED_QUOTE = "Q-0004", "Q-0005", "Q-0006"
FLEET_ORDER, CARGO_ORDER = "SO-0008", "SO-0009"
CARGO_CONTRACT = "CT-0002"
"""Cargobike's framework contract (:mod:`cradletrace.demo.contracts`), which its quote is made under."""
STANDALONE = {P48: "560.00", P36: "430.00", P36L: "470.00"}
"""Standalone selling prices (revenue allocation between a pack and its service plan)."""


def price_lists(session: Session) -> None:
    """The general 2026 list (tiers, surcharges) and VeloFleet's (its fleet price, its colour free)."""
    for product, price in STANDALONE.items():
        commerce.set_standalone_price(session, product.gtin, price, "EUR")
    year = ago(333, 0)  # 1 January 2026
    commerce.define_price_list(
        session, GENERAL, name="Voltwerk price list 2026 (EUR)", currency="EUR", valid_from=year,
        items=[{"product": P48.gtin, "unit_price": "560.00"},
               {"product": P48.gtin, "unit_price": "540.00", "min_quantity": 10},
               {"product": P48.gtin, "unit_price": "520.00", "min_quantity": 25},
               {"product": P36.gtin, "unit_price": "430.00"},
               {"product": P36.gtin, "unit_price": "415.00", "min_quantity": 10},
               {"product": P36L.gtin, "unit_price": "470.00"}],
        surcharges=[{"model": MODEL, "option": "black", "amount": "9.00"},
                    {"model": MODEL, "option": "orange", "amount": "14.00"},
                    {"model": MODEL, "option": "xt60", "amount": "4.00"}],
        when=ago(345))
    commerce.define_price_list(
        session, VELOFLEET_LIST, name="VeloFleet fleet prices 2026", currency="EUR", customer=VELOFLEET.party,
        valid_from=year, valid_until=ago(-32, 0),  # to 1 January 2027
        items=[{"product": P48.gtin, "unit_price": "525.00"},
               {"product": P48.gtin, "unit_price": "505.00", "min_quantity": 15}],
        surcharges=[{"model": MODEL, "option": "orange", "amount": "0.00"}], when=ago(345))


def configured_line(session: Session, options: tuple[str, ...], quantity: int, customer: Company, *, days_ago: int,
                    discount: str | None = None) -> dict[str, object]:
    """A quote line of a configuration saved now (by the sales user), unpriced: the lists price it."""
    conf = configure(session, MODEL, options, by=SALES_USER, when=ago(days_ago))
    out: dict[str, object] = {"configuration_id": conf.id, "quantity": quantity, "tax_rate": VAT[customer.country]}
    if discount:
        out["discount"] = discount
    return out


def fleet_quote(session: Session) -> Document:
    """VeloFleet asks for 12 packs in its orange: version 1 at its own list price, sent the next day."""
    line = configured_line(session, FLEET, 12, VELOFLEET, days_ago=323)
    commerce.create_quote(session, FLEET_QUOTE, party=VELOFLEET.party, currency="EUR", lines=[line],
                          valid_until=ago(292), by=SALES_USER, threshold=THRESHOLD, when=ago(322))
    return commerce.send_quote(session, FLEET_QUOTE, threshold=THRESHOLD, when=ago(321))


def fleet_order(session: Session) -> Document:
    """Negotiated with the contract: version 2 for 16 packs, 5 % off the line and 3 % off the quote; accepted,
    it becomes SO-0008 (delivered in three lots from March)."""
    (first,) = lines_of(session, get(session, DocumentKind.QUOTE, FLEET_QUOTE))
    line = {"configuration_id": first.configuration_id, "quantity": 16, "discount": "0.05",
            "tax_rate": VAT[VELOFLEET.country]}  # the same saved configuration, more of it
    quote = commerce.revise_quote(session, FLEET_QUOTE, lines=[line], discount="0.03", by=SALES_USER,
                                  threshold=THRESHOLD, when=ago(306))
    commerce.send_quote(session, quote, threshold=THRESHOLD, when=ago(305))
    accepted = commerce.accept_quote(session, quote, order_number=FLEET_ORDER, requested_at=ago(255), when=ago(303))
    assert accepted.order is not None  # asked for
    return accepted.order


def later_quotes(session: Session) -> None:
    """Bike Parts' quote, sent and never answered (expired by the daily job); Cargobike's LFP quote under its
    framework contract, 18 % off: approved by the sales manager, sent, accepted as SO-0009."""
    line = configured_line(session, DISTRIBUTOR, 40, BIKEPARTS, days_ago=111)
    commerce.create_quote(session, EXPIRED_QUOTE, party=BIKEPARTS.party, currency="EUR", lines=[line],
                          discount="0.04", valid_until=ago(80), by=SALES_USER, threshold=THRESHOLD, when=ago(110))
    commerce.send_quote(session, EXPIRED_QUOTE, threshold=THRESHOLD, when=ago(109))
    commerce.expire_quotes(session, at=ago(79, 2))

    line = configured_line(session, CARGO, 4, CARGOBIKE, days_ago=77, discount="0.18")
    quote = commerce.create_quote(session, CARGO_QUOTE, party=CARGOBIKE.party, currency="EUR", lines=[line],
                                  valid_until=ago(45), by=SALES_USER, threshold=THRESHOLD, when=ago(76))
    link_documents(session, CARGO_CONTRACT, [quote], when=ago(76))
    commerce.approve_discount(session, quote, by=SALES_MANAGER, roles=[SALES_MANAGER_ROLE], threshold=THRESHOLD,
                              note="Cargobike's first LFP fleet; matches the competing offer", when=ago(75, 11))
    commerce.send_quote(session, quote, threshold=THRESHOLD, when=ago(75, 15))
    commerce.accept_quote(session, quote, order_number=CARGO_ORDER, requested_at=ago(-21), when=ago(68))
