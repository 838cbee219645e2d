"""Terms versions as people read them (codes, GTINs, names), what a change copies, and what a version refuses."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from contracts_world import MOTOR, PUMP, contract, day, naive, setup
from cradletrace.contracts import change_terms, versions
from cradletrace.contracts.terms import KEEP, PlanTerm, Warranty
from cradletrace.errors import InvalidInput
from cradletrace.models import PriceList


def test_a_version_reads_with_codes_and_names_and_a_change_copies_the_rest(session: Session) -> None:
    setup(session)
    session.add(PriceList(code="EUR-2026", name="Euro list", currency="EUR", valid_from=naive(2026, 1, 1),
                          created_at=naive(2025, 11, 1)))
    session.flush()
    doc = contract(session, starts_at=date(2026, 1, 1), price_list="EUR-2026", warranties={PUMP: 24, MOTOR: 12},
                   plans=[{"plan": "GOLD-36", "product": PUMP}, {"plan": "CHECK-12", "starts_at": day(2026, 3, 1)}])
    # Only the payment terms change; KEEP is the same as leaving a term out.
    change_terms(session, doc, payment_terms_days=60, price_list=KEEP, by="ann", when=day(2025, 12, 2))
    first, second = versions(session, doc)
    assert first.warranties == second.warranties == (Warranty(PUMP, "Pump", 24), Warranty(MOTOR, "Motor", 12))
    assert first.plans == second.plans == (
        PlanTerm("GOLD-36", "Gold service", PUMP, "Pump", None, 36, ("repair", "parts", "labour")),
        PlanTerm("CHECK-12", "Yearly inspection", None, None, naive(2026, 3, 1), 12, ("inspection",)))
    assert (first.price_list, second.price_list, first.starts_at) == ("EUR-2026", "EUR-2026", naive(2026, 1, 1, 0))
    assert (first.payment_terms_days, second.payment_terms_days) == (45, 60)
    assert second.warranty_months(MOTOR) == 12 and second.warranty_months("09506000134390") is None
    # Dropping the price list and the plans is a change too (None and [] are values).
    change_terms(session, doc, price_list=None, plans=[], by="ann", when=day(2025, 12, 3))
    third = versions(session, doc)[-1]
    assert (third.price_list, third.plans, len(third.warranties)) == (None, (), 2)
    assert third.to_dict()["warranties"][0] == {"gtin": PUMP, "product": "Pump", "months": 24}


@pytest.mark.parametrize(("changes", "message"), [
    ({"plans": [{"plan": "GOLD-36", "product": PUMP}, {"plan": "GOLD-36", "product": PUMP}]},
     "plan GOLD-36 is named twice for the same product"),
    ({"plans": [{"product": PUMP}]}, r"a plan entry is \{'plan': code"),
    ({"starts_at": "2026-01-01"}, "give a date or datetime"),
    ({"payment_terms_days": -1}, "a number of days is a whole number from 0"),
    ({"renewal_notice_days": "60"}, "a number of days is a whole number from 0"),
    ({"ends_at": day(2025, 1, 1)}, r"the period must end after it starts \(2026-01-01 to 2025-01-01\)"),
])
def test_a_version_is_checked_whole(session: Session, changes: dict, message: str) -> None:
    setup(session)
    doc = contract(session)
    with pytest.raises(InvalidInput, match=message):
        change_terms(session, doc, **changes)
    assert len(versions(session, doc)) == 1


def test_a_plan_keeps_its_standalone_price_as_agreed(session: Session) -> None:
    """Revenue allocates by the standalone prices at the contract's inception (IFRS 15): a plan's row keeps the
    catalogue's price when it is agreed, later versions carry it though the catalogue's changes, and a plan added
    later takes the price of its day."""
    from decimal import Decimal

    from sqlalchemy import select

    from cradletrace.contracts import define_service_plan
    from cradletrace.models import ContractPlan, ContractTerms, ServicePlan

    setup(session)
    doc = contract(session, plans=[{"plan": "GOLD-36", "product": PUMP}])
    define_service_plan(session, "GOLD-36", name="Gold service", coverage=["repair", "parts", "labour"], months=36,
                        standalone_price="1200.00", currency="EUR")
    define_service_plan(session, "CHECK-12", name="Yearly inspection", coverage=["inspection"], months=12,
                        standalone_price="150.00", currency="EUR")
    change_terms(session, doc, payment_terms_days=60, by="ann", when=day(2025, 12, 2))
    change_terms(session, doc, plans=[{"plan": "GOLD-36", "product": PUMP}, {"plan": "CHECK-12"}], by="ann",
                 when=day(2025, 12, 3))

    def agreed(version: int) -> list[tuple[str, Decimal]]:
        return [(code, price) for code, price in session.execute(
            select(ServicePlan.code, ContractPlan.standalone_price)
            .join(ContractPlan, ContractPlan.plan_id == ServicePlan.id)
            .join(ContractTerms, ContractTerms.id == ContractPlan.terms_id)
            .where(ContractTerms.contract_id == doc.id, ContractTerms.version == version)
            .order_by(ContractPlan.id))]

    # v1 agreed GOLD-36 at 900.00; v2 (payment terms) and v3 (CHECK-12 added) carry it; CHECK-12 comes at 150.00.
    assert agreed(1) == agreed(2) == [("GOLD-36", Decimal("900.00"))]
    assert agreed(3) == [("GOLD-36", Decimal("900.00")), ("CHECK-12", Decimal("150.00"))]
