"""Customers, lead to cash: leads won and lost, quotes, orders under credit limits (one held, then released by
finance), shipments from the EuroLog hub, deliveries the carrier confirms, invoices, and payments on time,
late, partial and written off. All through :mod:`cradletrace.commerce`; the units move through
:func:`~cradletrace.commerce.ship_order` (the order and the shipment on the ``shipping`` event) and the
customer's receipt through :func:`~cradletrace.commerce.deliver` at the customer's site (the event that
passes control of the packs).

Prices are net per pack in EUR with each country's VAT; every customer pays in EUR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.demo.catalogue import (
    BIKEPARTS, CARGOBIKE, CICLO, CITYCOURIERS, HUB, LEIPZIG, MAKER, NORDICPEDAL, P36, P48, TRAILSPORTS, URBANBIKES,
    VELOFLEET, Company, Product, mass_of,
)
from cradletrace.demo.clock import ago
from cradletrace.demo.manufacturing import (
    PACKS_A, PACKS_B36, PACKS_B48, PACKS_C, PALLET_A1, PALLET_A2, PALLET_B1, PALLET_B2, PALLET_C1,
)
from cradletrace.lifecycle import install, unpack
from cradletrace.models import Document

FINANCE_USER = "demo-finance"
"""Who releases the held order and approves the write-off (a demo login of the web app)."""

# (currency, credit limit or None, payment terms in days) per customer.
ACCOUNTS: dict[Company, tuple[str | None, int]] = {
    VELOFLEET: ("60000", 30), CARGOBIKE: ("3000", 14), URBANBIKES: ("10000", 30), TRAILSPORTS: ("5000", 30),
    BIKEPARTS: (None, 45), CICLO: (None, 60),
}
VAT = {"FR": "0.20", "NL": "0.21", "DE": "0.19", "AT": "0.20", "ES": "0.21"}
# Road distances from the hub (Venlo) and from Leipzig to each customer's site, in km.
FROM_HUB_KM = {VELOFLEET: 720, CARGOBIKE: 170, URBANBIKES: 650, TRAILSPORTS: 800, BIKEPARTS: 95, CICLO: 1850}
FROM_LEIPZIG_KM = {VELOFLEET: 900}


def site_of(customer: Company) -> str:
    """The customer's one site (depot, store, shop or warehouse).

    Examples
    --------
    >>> site_of(VELOFLEET)
    'https://id.gs1.org/414/9521301000106'
    """
    return customer.site(next(iter(customer.sites)))


def open_accounts(session: Session) -> None:
    """Credit limits and payment terms of the customers."""
    for customer, (limit, terms) in ACCOUNTS.items():
        commerce.set_account(session, customer.party, currency="EUR", credit_limit=limit, payment_terms_days=terms)


def line(product: Product, quantity: int, price: str, customer: Company) -> dict[str, object]:
    """An order line at a net unit price, with the VAT of the customer's country.

    Examples
    --------
    >>> line(P36, 6, "390.00", URBANBIKES)["tax_rate"]
    '0.19'
    """
    return {"product": product.gtin, "quantity": quantity, "unit_price": price, "tax_rate": VAT[customer.country]}


@dataclass
class Sale:
    """One order's documents, as the story refers to them."""

    order: Document
    shipment: Document
    invoice: Document


def fulfil(session: Session, order: Document, shipment: str, customer: Company, units: Sequence[str], *,
           when: datetime, unpack_from: Mapping[str, Sequence[str]] | None = None, origin: str = HUB) -> Sale:
    """Allocate, pick (unpack from pallets), ship, deliver (the customer's receipt) and invoice an order.

    The order is placed some days before ``when`` (the shipping day); delivery takes two days, the
    invoice goes out the day after shipping.
    """
    commerce.allocate(session, order, units=units, when=when - timedelta(days=1))
    for sscc, picked in (unpack_from or {}).items():
        unpack(session, sscc, picked, location=origin, when=when - timedelta(hours=3))
    km = FROM_HUB_KM[customer] if origin == HUB else FROM_LEIPZIG_KM[customer]
    mass = mass_of(units)
    shipped = commerce.ship_order(session, order, shipment, from_party=MAKER.party, to_party=customer.party,
                                  from_location=origin, to_location=site_of(customer), transport_mode="road",
                                  distance_km=km, mass_kg=mass, when=when)
    arrived = when + timedelta(days=2)
    commerce.deliver(session, shipped, when=arrived, location=site_of(customer), from_party=MAKER.party,
                     from_location=origin)
    invoice = commerce.invoice_order(session, order, when=when + timedelta(days=1))
    return Sale(order, shipped, invoice)


def pay(session: Session, number: str, customer: Company, invoice: Document, when: datetime,
        amount: Decimal | None = None) -> Document:
    """A payment of ``invoice`` (all of it by default) on ``when``."""
    value = invoice.amount if amount is None else amount
    return commerce.receive_payment(session, number, party=customer.party, amount=value, currency="EUR",
                                    applications={invoice.number: value}, when=when)


def pipeline(session: Session) -> None:
    """Leads to quotes: two won (VeloFleet, Cargobike), one lost on price (Nordic Pedal), one disqualified."""
    commerce.create_lead(session, "L-0001", source="web", owner="demo-sales", party=VELOFLEET.party, when=ago(520))
    commerce.create_lead(session, "L-0002", source="Eurobike fair", owner="demo-sales", party=CARGOBIKE.party,
                         when=ago(505))
    commerce.create_lead(session, "L-0003", source="Eurobike fair", owner="demo-sales", party=NORDICPEDAL.party,
                         when=ago(505))
    commerce.create_lead(session, "L-0004", source="web", owner="demo-sales", party=CITYCOURIERS.party,
                         when=ago(480))
    commerce.disqualify_lead(session, "L-0004", reason="no budget this year", when=ago(474))
    for number, lead, customer, value, when in (("O-0001", "L-0001", VELOFLEET, "8000", 515),
                                                ("O-0002", "L-0002", CARGOBIKE, "3500", 500),
                                                ("O-0003", "L-0003", NORDICPEDAL, "12000", 498)):
        commerce.create_opportunity(session, number, lead=lead, expected_value=value, currency="EUR",
                                    owner="demo-sales", when=ago(when))
    quotes = (("Q-0001", "O-0001", VELOFLEET, 10, "520.00", 505), ("Q-0002", "O-0002", CARGOBIKE, 6, "520.00", 495),
              ("Q-0003", "O-0003", NORDICPEDAL, 25, "495.00", 490))
    for number, opportunity, customer, quantity, price, when in quotes:
        vat = VAT.get(customer.country, "0.25")
        commerce.create_quote(session, number, party=customer.party, currency="EUR", opportunity=opportunity,
                              lines=[{"product": P48.gtin, "quantity": quantity, "unit_price": price, "tax_rate": vat}],
                              valid_until=ago(when - 60), when=ago(when))
        commerce.send_quote(session, number, when=ago(when - 1))
    commerce.accept_quote(session, "Q-0001", when=ago(490), order=False)
    commerce.win_opportunity(session, "O-0001", when=ago(488))
    commerce.accept_quote(session, "Q-0002", when=ago(470), order=False)
    commerce.win_opportunity(session, "O-0002", when=ago(468))
    commerce.reject_quote(session, "Q-0003", reason="price: a competitor offered 455.00", when=ago(470))
    commerce.lose_opportunity(session, "O-0003", reason="price", when=ago(466))


def wave_a(session: Session) -> dict[str, Sale]:
    """The first packs: VeloFleet (on time), Cargobike (held over its limit, released, on time), Urban Bikes
    (paid 27 days late) and Trail Sports (part paid, the rest written off when it went insolvent)."""
    sales = {}
    order = commerce.create_order(session, "SO-0001", quote="Q-0001", requested_at=ago(435), when=ago(450))
    sales["SO-0001"] = fulfil(session, order, "SH-0001", VELOFLEET, PACKS_A[:10], when=ago(448),
                              unpack_from={PALLET_A1: PACKS_A[:10]})
    install(session, PACKS_A[:10], location=site_of(VELOFLEET), owner=VELOFLEET.party, when=ago(440))
    pay(session, "PAY-0001", VELOFLEET, sales["SO-0001"].invoice, ago(420))

    # 6 x 520.00 + 21 % VAT = 3,775.20, over Cargobike's limit of 3,000.00: held until finance releases it.
    order = commerce.create_order(session, "SO-0002", quote="Q-0002", requested_at=ago(430), when=ago(445))
    commerce.release_hold(session, order, by=FINANCE_USER, roles=["finance"],
                          reason="bank guarantee of 4,000 EUR received", when=ago(443))
    sales["SO-0002"] = fulfil(session, order, "SH-0002", CARGOBIKE, PACKS_A[10:16], when=ago(442),
                              unpack_from={PALLET_A2: PACKS_A[10:16]})
    pay(session, "PAY-0002", CARGOBIKE, sales["SO-0002"].invoice, ago(431))

    order = commerce.create_order(session, "SO-0003", party=URBANBIKES.party, currency="EUR", requested_at=ago(425),
                                  lines=[line(P48, 2, "560.00", URBANBIKES)], when=ago(430))
    sales["SO-0003"] = fulfil(session, order, "SH-0003", URBANBIKES, PACKS_A[16:18], when=ago(428),
                              unpack_from={PALLET_A2: PACKS_A[16:18]})
    pay(session, "PAY-0003", URBANBIKES, sales["SO-0003"].invoice, ago(370))  # due 30 days after ago(427)

    order = commerce.create_order(session, "SO-0004", party=TRAILSPORTS.party, currency="EUR", requested_at=ago(410),
                                  lines=[line(P48, 2, "560.00", TRAILSPORTS)], when=ago(420))
    sales["SO-0004"] = fulfil(session, order, "SH-0004", TRAILSPORTS, PACKS_A[18:], when=ago(418),
                              unpack_from={PALLET_A2: PACKS_A[18:]})
    pay(session, "PAY-0004", TRAILSPORTS, sales["SO-0004"].invoice, ago(380), Decimal("300.00"))
    commerce.write_off(session, sales["SO-0004"].invoice, approver=FINANCE_USER,
                       reason="customer insolvent (Landesgericht Innsbruck, case 12 S 31/26); no dividend expected",
                       when=ago(200))
    return sales


def wave_b(session: Session) -> dict[str, Sale]:
    """Packs of the lots that later turn out bad: VeloFleet's repeat order, Urban Bikes' P36s (paid late)."""
    sales = {}
    order = commerce.create_order(session, "SO-0005", party=VELOFLEET.party, currency="EUR", requested_at=ago(240),
                                  lines=[line(P48, 4, "505.00", VELOFLEET)], when=ago(250))
    sales["SO-0005"] = fulfil(session, order, "SH-0005", VELOFLEET, PACKS_B48[:4], when=ago(248),
                              unpack_from={PALLET_B1: PACKS_B48[:4]})
    install(session, PACKS_B48[:4], location=site_of(VELOFLEET), owner=VELOFLEET.party, when=ago(240))
    pay(session, "PAY-0005", VELOFLEET, sales["SO-0005"].invoice, ago(215))

    order = commerce.create_order(session, "SO-0006", party=URBANBIKES.party, currency="EUR", requested_at=ago(238),
                                  lines=[line(P36, 6, "390.00", URBANBIKES)], when=ago(245))
    sales["SO-0006"] = fulfil(session, order, "SH-0006", URBANBIKES, PACKS_B36[:6], when=ago(243),
                              unpack_from={PALLET_B2: PACKS_B36[:6]})
    pay(session, "PAY-0006", URBANBIKES, sales["SO-0006"].invoice, ago(180))  # due 30 days after ago(242)
    return sales


def wave_c(session: Session) -> dict[str, Sale]:
    """Three packs with recycled-content cells to VeloFleet, straight from Leipzig; invoiced, not paid yet (overdue)."""
    order = commerce.create_order(session, "SO-0007", party=VELOFLEET.party, currency="EUR", requested_at=ago(50),
                                  lines=[line(P48, 3, "505.00", VELOFLEET)], when=ago(58))
    sale = fulfil(session, order, "SH-0007", VELOFLEET, PACKS_C[:3], when=ago(55), unpack_from={PALLET_C1: PACKS_C[:3]},
                  origin=LEIPZIG)
    install(session, PACKS_C[:3], location=site_of(VELOFLEET), owner=VELOFLEET.party, when=ago(50))
    return {"SO-0007": sale}
