"""A contract with 10 units and a three-year service plan, for the revenue tests, every value worked out by hand.

Not a test module: the revenue tests import it by name (conftest puts this folder on the path).

The contract is written to its tables here (a signed ``contract`` document, terms version 1 with the plan
CARE3 for the pump, a ``follows`` edge to the order): the contracts branch's ``create_contract`` does the
same through its lifecycle, and can replace :func:`contract` once merged.

* Pump: standalone selling price 1 500.00 EUR. CARE3: 36 months, standalone 540.00 EUR per unit.
* SO1 (1 March, Alpha, under contract C1): 10 pumps at 1 360.00 less a 5 % document discount, 20 % VAT:
  net 10 x 1 360 x 0.95 = 12 920.00, tax 2 584.00.
* Allocation: pumps 10 x 1 500 = 15 000, plans 10 x 540 = 5 400, together 20 400; pumps get
  12 920 x 15 000 / 20 400 = 9 500.00 (950.00 a unit), plans 12 920 x 5 400 / 20 400 = 3 420.00
  (342.00 a unit, 342 / 36 = 9.50 a month).
* P1-P6 ship on 5 March (SH1), Alpha receives them at its site on 10 March 14:00; INV-000001 on
  6 March bills them: 6 x 1 292 = 7 752.00 + 1 550.40 tax. P7-P10 ship on 15 April (SH2), received
  20 April 09:00; INV-000002 on 16 April: 4 x 1 292 = 5 168.00 + 1 033.60 tax.
* P10 comes back on 10 June (RMA1, at the seller's returns site); CN-000001 on 12 June credits
  1 292.00 + 258.40 tax and reverses P10's 950.00; P10's plan stops (it recognised 9.50 on 19 May).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.commerce.documents import link, new_document
from cradletrace.lifecycle import add_location, add_party, add_product, commission_units, receive
from cradletrace.models import (
    ContractPlan,
    ContractTerms,
    Document,
    DocumentKind,
    DocumentStatus,
    Product,
    ServicePlan,
)

SELLER = "https://id.gs1.org/417/9520999999990"
ALPHA = "https://id.gs1.org/417/9520999999983"
BETA = "https://id.gs1.org/417/9520999999976"
ALPHA_SITE = "https://id.gs1.org/414/9520999999945"
BETA_SITE = "https://id.gs1.org/414/9520999999938"
RETURNS = "https://id.gs1.org/414/9520999999952"
WAREHOUSE = "https://id.gs1.org/414/9520999999921"
PUMP = "09506000134352"
VALVE = "09506000134369"
CARE_ITEM = "09506000134376"


def unit(n: int, gtin: str = PUMP) -> str:
    return f"https://id.gs1.org/01/{gtin}/21/P{n}"


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def naive(month: int, day: int, hour: int = 0, year: int = 2026) -> datetime:
    """The database form (naive UTC) of a moment."""
    return datetime(year, month, day, hour)


@dataclass
class World:
    """What :func:`build` made: the receive events' IDs (P1-P6, P7-P10) and the documents."""

    received: dict[str, str] = field(default_factory=dict)
    docs: dict[str, Document] = field(default_factory=dict)


def setup(session: Session) -> None:
    """Parties, sites, products with standalone prices, the plan, and 12 commissioned pumps."""
    add_party(session, SELLER, "Seller")
    add_party(session, ALPHA, "Alpha")
    add_party(session, BETA, "Beta")
    add_location(session, ALPHA_SITE, "Alpha plant", party=ALPHA)
    add_location(session, BETA_SITE, "Beta depot", party=BETA)
    add_location(session, RETURNS, "Returns desk", party=SELLER)
    add_location(session, WAREHOUSE, "Warehouse", party=SELLER)
    add_product(session, PUMP, "Pump")
    add_product(session, VALVE, "Valve")
    add_product(session, CARE_ITEM, "Care plan, 3 years")
    set_ssp(session, PUMP, "1500.00")
    session.add(ServicePlan(code="CARE3", name="Care, 3 years", coverage=["repair", "parts"], months=36,
                            standalone_price=Decimal("540.00"), currency="EUR",
                            product_id=_product(session, CARE_ITEM)))
    commerce.set_account(session, ALPHA, currency="EUR", payment_terms_days=30)
    commission_units(session, [unit(n) for n in range(1, 13)], when=at(1, 5))
    session.flush()


def set_ssp(session: Session, gtin: str, amount: str | None, currency: str = "EUR") -> None:
    product = session.execute(select(Product).where(Product.gtin == gtin)).scalar_one()
    product.standalone_price = None if amount is None else Decimal(amount)
    product.standalone_currency = None if amount is None else currency
    session.flush()


def _product(session: Session, gtin: str) -> int:
    return session.execute(select(Product.id).where(Product.gtin == gtin)).scalar_one()


def contract(session: Session, number: str = "C1", *, party: str = ALPHA, plans: dict[str, str | None] | None = None,
             status: DocumentStatus = DocumentStatus.ACTIVE, when: datetime | None = None,
             starts_at: datetime | None = None) -> Document:
    """A contract (by its tables) with terms version 1 and the plans ``{plan code: GTIN covered or None}``."""
    when = when or at(2, 20)
    doc = new_document(session, DocumentKind.CONTRACT, number, status=status, when=when, party=party,
                       currency="EUR")
    terms = ContractTerms(contract_id=doc.id, version=1, payment_terms_days=30, starts_at=datetime(2026, 3, 1),
                          ends_at=datetime(2029, 3, 1), renewal_notice_days=60, changed_at=datetime(2026, 2, 20))
    session.add(terms)
    session.flush()
    for code, gtin in (plans if plans is not None else {"CARE3": PUMP}).items():
        plan, price, currency = session.execute(select(ServicePlan.id, ServicePlan.standalone_price,
                                                       ServicePlan.currency).where(ServicePlan.code == code)).one()
        # As contracts.terms writes it: the plan's standalone price as agreed, when it is in the contract's currency.
        session.add(ContractPlan(terms_id=terms.id, plan_id=plan, product_id=_product(session, gtin) if gtin else None,
                                 starts_at=starts_at, standalone_price=price if currency == "EUR" else None))
    session.flush()
    return doc


def build(session: Session, *, with_return: bool = True) -> World:
    """The contract C1 and its order SO1 through delivery, invoicing and (unless told) the return of P10."""
    w = World()
    setup(session)
    w.docs["C1"] = contract(session)
    order = commerce.create_order(session, "SO1", party=ALPHA, currency="EUR", when=at(3, 1),
                                  lines=[{"product": PUMP, "quantity": 10, "unit_price": "1360.00",
                                          "tax_rate": "0.20"}])
    order.discount = Decimal("0.05")
    commerce.lines.set_totals(order, commerce.lines.lines_of(session, order))
    session.flush()
    w.docs["SO1"] = order
    link(session, [w.docs["C1"]], [order], when=order.created_at)
    commerce.allocate(session, "SO1", units=[unit(n) for n in range(1, 11)], when=at(3, 2))
    commerce.ship_order(session, "SO1", "SH1", from_party=SELLER, to_party=ALPHA, from_location=WAREHOUSE,
                        to_location=ALPHA_SITE, units=[unit(n) for n in range(1, 7)], when=at(3, 5))
    commerce.invoice_order(session, "SO1", when=at(3, 6))
    report = receive(session, [unit(n) for n in range(1, 7)], location=ALPHA_SITE, by_party=ALPHA,
                     from_party=SELLER, when=at(3, 10, 14))
    w.received.update({unit(n): report.event_ids[0] for n in range(1, 7)})
    commerce.ship_order(session, "SO1", "SH2", from_party=SELLER, to_party=ALPHA, from_location=WAREHOUSE,
                        to_location=ALPHA_SITE, when=at(4, 15))
    commerce.invoice_order(session, "SO1", when=at(4, 16))
    report = receive(session, [unit(n) for n in range(7, 11)], location=ALPHA_SITE, by_party=ALPHA,
                     from_party=SELLER, when=at(4, 20))
    w.received.update({unit(n): report.event_ids[0] for n in range(7, 11)})
    if with_return:
        commerce.receive_return(session, "RMA1", [unit(10)], location=RETURNS, by_party=SELLER, from_party=ALPHA,
                                reason="leaks", when=at(6, 10))
        w.docs["CN"] = commerce.credit_note(session, "RMA1", when=at(6, 12))
    return w
