"""A small commerce fixture for the service tests: a seller, two customers, a pump, five commissioned units.

Not a test module: the commerce tests import it by name (conftest puts this folder on the path).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from commerce_world import CUSTOMER_A, CUSTOMER_B, PUMP, RESIN, RESIN_LOT, SELLER, day, unit
from cradletrace import commerce
from cradletrace.lifecycle import add_party, add_product, commission_units
from cradletrace.models import Document

__all__ = ["CUSTOMER_A", "CUSTOMER_B", "PUMP", "RESIN", "RESIN_LOT", "SELLER", "day", "order", "setup", "unit"]


def setup(session: Session, *, limit: str | None = None, terms: int = 30) -> None:
    add_party(session, SELLER, "Seller")
    add_party(session, CUSTOMER_A, "Alpha")
    add_party(session, CUSTOMER_B, "Beta")
    add_product(session, PUMP, "Pump")
    add_product(session, RESIN, "Resin")
    commerce.set_account(session, CUSTOMER_A, currency="EUR", credit_limit=limit, payment_terms_days=terms)
    commission_units(session, [unit(n) for n in range(1, 6)], when=day(1, 2))


def order(session: Session, number: str = "SO1", quantity: int = 3, price: str = "100.00", **options) -> Document:
    return commerce.create_order(session, number, party=CUSTOMER_A, currency="EUR",
                                 lines=[{"product": PUMP, "quantity": quantity, "unit_price": price, **options}],
                                 when=day(2, 1))
