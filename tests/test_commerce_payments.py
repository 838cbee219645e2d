"""Payments matched to invoices, unapplied cash, write-offs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, CUSTOMER_B, SELLER, day, order, setup, unit
from cradletrace import commerce
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.commerce.documents import get
from cradletrace.models import DocumentKind, DocumentStatus


def _two_invoices(session: Session) -> None:
    setup(session)
    order(session, "SO1", quantity=2)
    commerce.allocate(session, "SO1", units=[unit(1), unit(2)], when=day(2, 2))
    for n, u in ((1, unit(1)), (2, unit(2))):
        commerce.ship_order(session, "SO1", f"SH{n}", units=[u], from_party=SELLER, to_party=CUSTOMER_A,
                            when=day(2, 2 + n))
        commerce.invoice_order(session, "SO1", when=day(2, 3 + n))


def test_one_payment_for_two_invoices_with_cash_left(session: Session) -> None:
    _two_invoices(session)
    pay = commerce.receive_payment(session, "PAY1", party=CUSTOMER_A, amount="150", currency="EUR",
                                   applications={"INV-000001": "100"}, when=day(2, 10))
    inv1 = commerce.documents.get(session, commerce.documents.DocumentKind.INVOICE, "INV-000001")
    assert inv1.status is DocumentStatus.PAID and inv1.closed_at is not None
    assert commerce.unapplied(session, pay) == Decimal("50.00")
    commerce.apply_payment(session, "PAY1", "INV-000002", "50", when=day(2, 11))
    inv2 = commerce.documents.get(session, commerce.documents.DocumentKind.INVOICE, "INV-000002")
    assert inv2.status is DocumentStatus.PARTIALLY_PAID and commerce.balance(session, inv2) == Decimal("50.00")
    with pytest.raises(RuleViolation, match="more than the 0.00 left unapplied"):
        commerce.apply_payment(session, "PAY1", "INV-000002", "1")
    with pytest.raises(RuleViolation, match="more than the 50.00 open"):
        commerce.receive_payment(session, "PAY2", party=CUSTOMER_A, amount="80", currency="EUR",
                                 applications={"INV-000002": "80"})
    with pytest.raises(RuleViolation, match="USD cannot pay an invoice in EUR"):
        commerce.receive_payment(session, "PAY3", party=CUSTOMER_A, amount="10", currency="USD",
                                 applications={"INV-000002": "10"})
    with pytest.raises(RuleViolation, match="different customers"):
        commerce.receive_payment(session, "PAY4", party=CUSTOMER_B, amount="10", currency="EUR",
                                 applications={"INV-000002": "10"})
    with pytest.raises(InvalidInput, match="positive"):
        commerce.receive_payment(session, "PAY5", party=CUSTOMER_A, amount="0", currency="EUR")
    # Cash applied in two steps: PAY6 pays 10.00 of INV-000002, then 5.00 more; two applications, 15.00 in all.
    commerce.receive_payment(session, "PAY6", party=CUSTOMER_A, amount="20", currency="EUR",
                             applications={"INV-000002": "10"})
    before = commerce.balance(session, "INV-000002")
    commerce.apply_payment(session, "PAY6", "INV-000002", "5")
    assert before - commerce.balance(session, "INV-000002") == Decimal("5.00")
    assert commerce.unapplied(session, get(session, DocumentKind.PAYMENT, "PAY6")) == Decimal("5.00")


def test_a_write_off_closes_the_balance_with_its_approver(session: Session) -> None:
    _two_invoices(session)
    commerce.receive_payment(session, "PAY1", party=CUSTOMER_A, amount="30", currency="EUR",
                             applications={"INV-000002": "30"})
    with pytest.raises(InvalidInput, match="approver and a reason"):
        commerce.write_off(session, "INV-000002", approver="", reason="insolvent")
    off = commerce.write_off(session, "INV-000002", approver="cfo", reason="customer insolvent", when=day(5, 1))
    assert (off.amount, off.approved_by, off.number) == (Decimal("70.00"), "cfo", "WO-000001")
    inv = commerce.documents.get(session, commerce.documents.DocumentKind.INVOICE, "INV-000002")
    assert inv.status is DocumentStatus.WRITTEN_OFF and commerce.balance(session, inv) == 0
    assert ("write_off", "WO-000001") in [(c.kind, c.number) for c in commerce.for_unit(session, unit(2))]


def test_two_applications_at_once_cannot_apply_more_than_is_left(make_database) -> None:  # type: ignore[no-untyped-def]
    """PAY9 has 20.00 unapplied. One clerk applies 15.00 of it to INV-000001 and has not committed yet; another
    applies 15.00 to INV-000002 at the same moment. The second waits for the first (the payment's row is locked),
    then sees 5.00 left and is refused: together they never apply 30.00 of 20.00. PostgreSQL only (SQLite lets
    one writer in at a time)."""
    import os
    import threading

    from sqlalchemy import text

    from cradletrace.db import create_db_engine

    if not os.environ.get("CRADLETRACE_TEST_POSTGRES_URL"):
        pytest.skip("CRADLETRACE_TEST_POSTGRES_URL is not set")
    engine = create_db_engine(make_database("postgresql"))
    with Session(engine) as setup_session:
        _two_invoices(setup_session)
        commerce.receive_payment(setup_session, "PAY9", party=CUSTOMER_A, amount="20", currency="EUR",
                                 when=day(2, 10))
        setup_session.commit()
    outcome: list[object] = []

    def second_clerk() -> None:
        with Session(engine) as other:
            other.execute(text("SET lock_timeout = '20s'"))
            try:
                commerce.apply_payment(other, "PAY9", "INV-000002", "15", when=day(2, 12))
                other.commit()
                outcome.append("applied")
            except RuleViolation as refused:
                other.rollback()
                outcome.append(refused.message)

    with Session(engine) as first:
        commerce.apply_payment(first, "PAY9", "INV-000001", "15", when=day(2, 11))
        clerk = threading.Thread(target=second_clerk)
        clerk.start()
        clerk.join(timeout=1.0)
        assert clerk.is_alive(), "the second application waits while the first holds the payment"
        first.commit()
    clerk.join(timeout=30)
    assert outcome == ["15.00 for invoice INV-000002 is more than the 5.00 left unapplied on payment PAY9"]
    with Session(engine) as check:
        assert commerce.unapplied(check, get(check, DocumentKind.PAYMENT, "PAY9")) == Decimal("5.00")
    engine.dispose()
