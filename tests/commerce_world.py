"""A realistic order-to-cash world for the commerce and report tests, with every KPI worked out by hand.

Not a test module: the commerce tests import it by name (conftest puts this folder on the path).

Three customers in EUR (A: 30 days, limit 10 000; B: 14 days, limit 1 000; C: 30 days, no limit),
four leads (two won, one lost, one disqualified), three quotes (two accepted, one rejected):

* SO1 (A, from Q1): 3 pumps at 100.00 + 20 % VAT, requested 10 Feb. Shipped in two parts
  (2 units on 3 Feb, 1 on 8 Feb), delivered 5 and 12 Feb (late), invoiced 4 Feb (INV-000001,
  240.00) and 10 Feb (INV-000002, 120.00). PAY1 (20 Feb, 320.00) pays INV-000001 and 60.00 of
  INV-000002; 20.00 stays unapplied.
* SO2 (B, from Q3): 10 kg of a resin lot at 150.00, 1 500.00, over B's limit: held on 2 Feb,
  released by finance on 3 Feb; shipped 4 Feb, delivered 6 Feb, invoiced 5 Feb (INV-000003, due
  19 Feb, overdue). PAY2 (10 Mar) pays 500.00 of it.
* SO3 (C, direct): 2 pumps at 100.00 less 10 %, 180.00, requested 20 Feb; shipped 12 Feb, delivered
  14 Feb damaged, invoiced 13 Feb (INV-000004). One unit comes back (RMA1, 20 Feb); its credit
  note CN-000001 (90.00) is applied to INV-000004; PAY3 (25 Feb, 90.00) pays the rest.

:func:`another_open_invoice` adds, for the payment forms, SO4 (A, direct): 1 pump (P6) at 100.00 without tax,
shipped 2 Mar, invoiced 3 Mar (INV-000005, 100.00, due 2 Apr): Alpha then owes INV-000002 (60.00, due 12 Mar)
and INV-000005 (100.00).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.lifecycle import add_party, add_product, commission_units

SELLER = "https://id.gs1.org/417/9520999999990"
CUSTOMER_A = "https://id.gs1.org/417/9520999999983"
CUSTOMER_B = "https://id.gs1.org/417/9520999999976"
CUSTOMER_C = "https://id.gs1.org/417/9520999999969"
PUMP = "09506000134352"
RESIN = "09506000134369"
RESIN_LOT = f"https://id.gs1.org/01/{RESIN}/10/R1"
RETURNS_SITE = "https://id.gs1.org/414/9520999999952"


def unit(n: int) -> str:
    return f"https://id.gs1.org/01/{PUMP}/21/P{n}"


def day(month: int, d: int, hour: int = 9) -> datetime:
    return datetime(2026, month, d, hour, tzinfo=timezone.utc)


@dataclass
class World:
    docs: dict[str, object] = field(default_factory=dict)


def build(session: Session) -> World:
    w = World()
    add_party(session, SELLER, "Seller")
    for ident, name in ((CUSTOMER_A, "Alpha"), (CUSTOMER_B, "Beta"), (CUSTOMER_C, "Gamma")):
        add_party(session, ident, name)
    add_product(session, PUMP, "Pump")
    add_product(session, RESIN, "Resin")
    commerce.set_account(session, CUSTOMER_A, currency="EUR", credit_limit="10000", payment_terms_days=30)
    commerce.set_account(session, CUSTOMER_B, currency="EUR", credit_limit="1000", payment_terms_days=14)
    commerce.set_account(session, CUSTOMER_C, currency="EUR", payment_terms_days=30)
    commission_units(session, [unit(n) for n in range(1, 6)], when=day(1, 2))
    commission_units(session, [RESIN_LOT], when=day(1, 2))

    # Lead to opportunity to quote.
    commerce.create_lead(session, "L1", source="web", owner="ann", when=day(1, 5))
    commerce.create_lead(session, "L2", source="fair", owner="ann", when=day(1, 6))
    commerce.create_lead(session, "L3", source="web", owner="bob", when=day(1, 7))
    commerce.create_lead(session, "L4", source="referral", owner="bob", when=day(1, 10))
    commerce.disqualify_lead(session, "L3", reason="no budget", when=day(1, 8))
    commerce.create_opportunity(session, "O1", lead="L1", party=CUSTOMER_A, expected_value="1000", currency="EUR",
                                when=day(1, 6))
    commerce.create_opportunity(session, "O2", lead="L2", party=CUSTOMER_C, expected_value="500", currency="EUR",
                                when=day(1, 7))
    commerce.create_opportunity(session, "O3", lead="L4", party=CUSTOMER_B, expected_value="2000", currency="EUR",
                                when=day(1, 11))
    pump_line = {"product": PUMP, "quantity": 3, "unit_price": "100.00", "tax_rate": "0.20"}
    commerce.create_quote(session, "Q1", party=CUSTOMER_A, currency="EUR", opportunity="O1", lines=[pump_line],
                          when=day(1, 12))
    commerce.send_quote(session, "Q1", when=day(1, 13))
    commerce.accept_quote(session, "Q1", when=day(1, 20), order=False)
    commerce.win_opportunity(session, "O1", when=day(1, 25))
    commerce.create_quote(session, "Q2", party=CUSTOMER_C, currency="EUR", opportunity="O2",
                          lines=[{"product": PUMP, "quantity": 5, "unit_price": "100.00"}], when=day(1, 12))
    commerce.send_quote(session, "Q2", when=day(1, 13))
    commerce.reject_quote(session, "Q2", reason="price", when=day(1, 20))
    commerce.lose_opportunity(session, "O2", reason="price", when=day(1, 21))
    commerce.create_quote(session, "Q3", party=CUSTOMER_B, currency="EUR", opportunity="O3",
                          lines=[{"product": RESIN, "quantity": 10, "unit_price": "150.00"}], when=day(1, 15))
    commerce.send_quote(session, "Q3", when=day(1, 16))
    commerce.accept_quote(session, "Q3", when=day(1, 30), order=False)
    commerce.win_opportunity(session, "O3", when=day(2, 1))

    # SO1: two shipments, two invoices, one payment with cash left unapplied.
    commerce.create_order(session, "SO1", quote="Q1", requested_at=day(2, 10), when=day(2, 1))
    commerce.allocate(session, "SO1", units=[unit(1), unit(2), unit(3)], when=day(2, 2))
    commerce.ship_order(session, "SO1", "SH1", units=[unit(1), unit(2)], from_party=SELLER, to_party=CUSTOMER_A,
                        when=day(2, 3))
    commerce.deliver(session, "SH1", when=day(2, 5))
    commerce.invoice_order(session, "SO1", when=day(2, 4))
    commerce.ship_order(session, "SO1", "SH2", from_party=SELLER, to_party=CUSTOMER_A, when=day(2, 8))
    commerce.deliver(session, "SH2", when=day(2, 12))
    commerce.invoice_order(session, "SO1", when=day(2, 10))
    commerce.receive_payment(session, "PAY1", party=CUSTOMER_A, amount="320.00", currency="EUR",
                             applications={"INV-000001": "240.00", "INV-000002": "60.00"}, when=day(2, 20))

    # SO2: over the credit limit, held, released by finance; a lot quantity; overdue, partly paid.
    w.docs["SO2"] = commerce.create_order(session, "SO2", quote="Q3", requested_at=day(2, 15), when=day(2, 2))
    commerce.release_hold(session, "SO2", by="fiona", roles=["finance"], reason="prepayment promised",
                          when=day(2, 3))
    commerce.allocate(session, "SO2", lots={RESIN_LOT: 10}, when=day(2, 3))
    commerce.ship_order(session, "SO2", "SH3", from_party=SELLER, to_party=CUSTOMER_B, when=day(2, 4))
    commerce.deliver(session, "SH3", when=day(2, 6))
    commerce.invoice_order(session, "SO2", when=day(2, 5))
    commerce.receive_payment(session, "PAY2", party=CUSTOMER_B, amount="500.00", currency="EUR",
                             applications={"INV-000003": "500.00"}, when=day(3, 10))

    # SO3: direct order, delivered damaged, one unit returned and credited.
    commerce.create_order(session, "SO3", party=CUSTOMER_C, currency="EUR", requested_at=day(2, 20),
                          lines=[{"product": PUMP, "quantity": 2, "unit_price": "100.00", "discount": "0.1"}],
                          when=day(2, 10))
    commerce.allocate(session, "SO3", units=[unit(4), unit(5)], when=day(2, 11))
    commerce.ship_order(session, "SO3", "SH4", from_party=SELLER, to_party=CUSTOMER_C, when=day(2, 12))
    commerce.deliver(session, "SH4", when=day(2, 14), damaged=True)
    commerce.invoice_order(session, "SO3", when=day(2, 13))
    commerce.receive_return(session, "RMA1", [unit(5)], location=RETURNS_SITE, by_party=SELLER,
                            from_party=CUSTOMER_C, reason="damaged", when=day(2, 20))
    commerce.credit_note(session, "RMA1", when=day(2, 21))
    commerce.receive_payment(session, "PAY3", party=CUSTOMER_C, amount="90.00", currency="EUR",
                             applications={"INV-000004": "90.00"}, when=day(2, 25))
    session.flush()
    return w


def another_open_invoice(session: Session) -> None:
    """INV-000005 for Alpha (module docstring), after :func:`build`."""
    commission_units(session, [unit(6)], when=day(1, 2))
    commerce.create_order(session, "SO4", party=CUSTOMER_A, currency="EUR", when=day(3, 1),
                          lines=[{"product": PUMP, "quantity": 1, "unit_price": "100.00"}])
    commerce.allocate(session, "SO4", units=[unit(6)], when=day(3, 1, 10))
    commerce.ship_order(session, "SO4", "SH5", from_party=SELLER, to_party=CUSTOMER_A, when=day(3, 2))
    commerce.invoice_order(session, "SO4", when=day(3, 3))
    session.flush()
