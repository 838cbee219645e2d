"""Returns through the lifecycle, credit notes linked to the RMA, the invoice and the units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, SELLER, day, order, setup, unit
from cradletrace import commerce
from cradletrace.errors import RuleViolation
from cradletrace.models import DocumentStatus

SITE = "https://id.gs1.org/414/9520999999952"


def test_return_and_credit_note(session: Session) -> None:
    setup(session)
    order(session, "SO1", quantity=2, tax_rate="0.2")
    commerce.allocate(session, "SO1", units=[unit(1), unit(2)], when=day(2, 2))
    commerce.ship_order(session, "SO1", "SH1", from_party=SELLER, to_party=CUSTOMER_A, when=day(2, 3))
    with pytest.raises(RuleViolation, match="no invoiced units"):
        commerce.credit_note(session, commerce.receive_return(session, "RMA0", [unit(2)], location=SITE,
                                                               by_party=SELLER, when=day(2, 4)))
    commerce.invoice_order(session, "SO1", when=day(2, 5))
    rma = commerce.receive_return(session, "RMA1", [unit(1)], location=SITE, by_party=SELLER,
                                  from_party=CUSTOMER_A, reason="faulty", when=day(2, 10))
    assert rma.status is DocumentStatus.RECEIVED
    note = commerce.credit_note(session, "RMA1", when=day(2, 11))
    assert (note.number, note.amount) == ("CN-000001", Decimal("120.00"))
    invoice = commerce.documents.get(session, commerce.documents.DocumentKind.INVOICE, "INV-000001")
    assert commerce.balance(session, invoice) == Decimal("0.00")  # the invoice billed only P1 (P2 came back first)
    assert [(c.kind, c.number) for c in commerce.for_unit(session, unit(1))][-3:] == [
        ("invoice", "INV-000001"), ("rma", "RMA1"), ("credit_note", "CN-000001")]
    # The returned unit can be sold again.
    order(session, "SO2", quantity=1)
    commerce.allocate(session, "SO2", units=[unit(1)], when=day(3, 1))
    with pytest.raises(RuleViolation, match="not shipped on an open order"):
        commerce.receive_return(session, "RMA2", [unit(3)], location=SITE, by_party=SELLER)


def test_credit_beyond_the_open_balance_stays_unapplied(session: Session) -> None:
    setup(session)
    order(session, "SO1", quantity=1)
    commerce.allocate(session, "SO1", units=[unit(1)], when=day(2, 2))
    commerce.ship_order(session, "SO1", "SH1", from_party=SELLER, to_party=CUSTOMER_A, when=day(2, 3))
    commerce.invoice_order(session, "SO1", when=day(2, 4))
    commerce.receive_payment(session, "PAY1", party=CUSTOMER_A, amount="100", currency="EUR",
                             applications={"INV-000001": "100"})
    commerce.receive_return(session, "RMA1", [unit(1)], location=SITE, by_party=SELLER, when=day(2, 9))
    note = commerce.credit_note(session, "RMA1", when=day(2, 10))
    assert commerce.unapplied(session, note) == Decimal("100.00")
