"""A small world for the contract tests: a seller with its warehouse, two customers with their sites, pumps
and motors, two service plans, and helpers to draft a contract, put it in force and sell units under it.

Not a test module: the contract tests import it by name (conftest puts this folder on the path).

* Alpha (customer A, site SITE_A) and Beta (customer B, site SITE_B) buy from the seller, who ships from
  WAREHOUSE. Pumps P1..P6 and motors M1..M2 are commissioned on 1 Dec 2025.
* Plans: GOLD-36 (repair, parts, labour; 36 months; 900.00 EUR; a trade item of its own) and CHECK-12
  (inspection; 12 months; 100.00 EUR).
* :func:`contract` drafts C-1 for Alpha by default: 1 Jan 2026 to 1 Jan 2027, payment 45 days, notice 60
  days, pumps under warranty for 24 months.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.db import create_db_engine

from cradletrace import commerce
from cradletrace.contracts import activate, approve, create_contract, define_service_plan, link_documents, sign
from cradletrace.lifecycle import add_location, add_party, add_product, commission_units, receive
from cradletrace.models import Document

SELLER = "https://id.gs1.org/417/9520999999990"
CUSTOMER_A = "https://id.gs1.org/417/9520999999983"
CUSTOMER_B = "https://id.gs1.org/417/9520999999976"
WAREHOUSE = "https://id.gs1.org/414/9520999999945"
SITE_A = "https://id.gs1.org/414/9520999999938"
SITE_B = "https://id.gs1.org/414/9520999999921"
HUB = "https://id.gs1.org/414/9520999999914"  # a carrier's hub: nobody's customer site
PUMP = "09506000134352"
MOTOR = "09506000134369"
GOLD = "09506000134376"


def pump(n: int) -> str:
    return f"https://id.gs1.org/01/{PUMP}/21/P{n}"


def motor(n: int) -> str:
    return f"https://id.gs1.org/01/{MOTOR}/21/M{n}"


def day(year: int, month: int, d: int, hour: int = 9) -> datetime:
    return datetime(year, month, d, hour, tzinfo=timezone.utc)


def naive(year: int, month: int, d: int, hour: int = 9) -> datetime:
    """The naive UTC form the database gives back."""
    return datetime(year, month, d, hour)


def setup(session: Session) -> None:
    add_party(session, SELLER, "Seller")
    add_party(session, CUSTOMER_A, "Alpha")
    add_party(session, CUSTOMER_B, "Beta")
    add_location(session, WAREHOUSE, "Seller warehouse", party=SELLER)
    add_location(session, SITE_A, "Alpha plant", party=CUSTOMER_A)
    add_location(session, SITE_B, "Beta plant", party=CUSTOMER_B)
    add_location(session, HUB, "Carrier hub")
    add_product(session, PUMP, "Pump")
    add_product(session, MOTOR, "Motor")
    add_product(session, GOLD, "Gold service, 36 months")
    commission_units(session, [pump(n) for n in range(1, 7)] + [motor(1), motor(2)], when=day(2025, 12, 1))
    define_service_plan(session, "GOLD-36", name="Gold service", product=GOLD, coverage=["repair", "parts", "labour"],
                        months=36, standalone_price="900.00", currency="EUR")
    define_service_plan(session, "CHECK-12", name="Yearly inspection", coverage=["inspection"], months=12,
                        standalone_price="100.00", currency="EUR")


def contract(session: Session, number: str = "C-1", *, customer: str = CUSTOMER_A, **terms: Any) -> Document:
    values: dict[str, Any] = dict(currency="EUR", starts_at=day(2026, 1, 1, 0), ends_at=day(2027, 1, 1, 0),
                                  payment_terms_days=45, warranties={PUMP: 24}, renewal_notice_days=60)
    values.update(terms)
    return create_contract(session, number, customer=customer, by="sam", when=day(2025, 12, 1), **values)


def in_force(session: Session, doc: Document) -> Document:
    """Approve, sign and activate a drafted contract (on 10, 15 Dec 2025 and 1 Jan 2026)."""
    approve(session, doc, by="mia", when=day(2025, 12, 10))
    sign(session, doc, by="carl", when=day(2025, 12, 15))
    return activate(session, doc, when=day(2026, 1, 1, 0))


def sell(session: Session, contract_doc: Document | None, number: str, units: Sequence[str], *,
         shipped: datetime, received: datetime | None = None, customer: str = CUSTOMER_A, site: str = SITE_A,
         price: str = "1000.00") -> Document:
    """An order for ``units`` (linked to the contract when one is given), created two days and allocated one day
    before it ships from the warehouse to ``site``; received there by the customer at ``received``."""
    by_product: dict[str, int] = {}
    for u in units:
        gtin = u.split("/01/")[1].split("/")[0]
        by_product[gtin] = by_product.get(gtin, 0) + 1
    order = commerce.create_order(session, number, party=customer, currency="EUR",
                                  lines=[{"product": g, "quantity": q, "unit_price": price} for g, q in by_product.items()],
                                  when=shipped - timedelta(days=2))
    if contract_doc is not None:
        link_documents(session, contract_doc, [order], when=shipped - timedelta(days=2))
    commerce.allocate(session, order, units=list(units), when=shipped - timedelta(days=1))
    commerce.ship_order(session, order, f"SH-{number}", from_party=SELLER, to_party=customer,
                        from_location=WAREHOUSE, to_location=site, when=shipped)
    if received is not None:
        receive(session, list(units), location=site, by_party=customer, from_party=SELLER, when=received)
    return order


def build(session: Session) -> None:
    """A committed world for the CLI tests: C-1 in force for Alpha with GOLD-36 on pumps; P1 received on
    5 Feb 2026, P2 shipped and not received; C-2 (Beta) still a draft."""
    setup(session)
    c1 = in_force(session, contract(session, "C-1", plans=[{"plan": "GOLD-36", "product": PUMP}]))
    sell(session, c1, "SO1", [pump(1), pump(2)], shipped=day(2026, 2, 3))
    receive(session, [pump(1)], location=SITE_A, by_party=CUSTOMER_A, from_party=SELLER, when=day(2026, 2, 5))
    contract(session, "C-2", customer=CUSTOMER_B)


def committed(url: str) -> str:
    """The database at ``url`` with :func:`build`'s world committed (for the CLI tests)."""
    engine = create_db_engine(url)
    with Session(engine) as session:
        build(session)
        session.commit()
    engine.dispose()
    return url
