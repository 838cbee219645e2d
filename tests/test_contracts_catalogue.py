"""The service plan catalogue: define, update, and the months and coverage that contracts' terms freeze."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from contracts_world import GOLD, PUMP, contract, setup
from cradletrace.contracts import define_service_plan
from cradletrace.errors import InvalidInput, NotFound, RuleViolation


def test_a_plan_is_defined_and_updated_by_its_code(session: Session) -> None:
    setup(session)
    plan = define_service_plan(session, "SILVER-24", name="Silver", product=None, coverage=["Repair", "parts"],
                               months=24, standalone_price="450.5", currency="eur")
    assert (plan.coverage, plan.months, plan.standalone_price, plan.currency, plan.product_id) == (
        ["repair", "parts"], 24, Decimal("450.50"), "EUR", None)
    again = define_service_plan(session, "SILVER-24", name="Silver plus", coverage=["repair", "parts", "labour"],
                                months=12, standalone_price="500", currency="EUR")
    assert again.id == plan.id and (again.name, again.months, again.coverage) == (
        "Silver plus", 12, ["repair", "parts", "labour"])


def test_months_and_coverage_are_frozen_once_a_contract_names_the_plan(session: Session) -> None:
    setup(session)
    contract(session, plans=[{"plan": "GOLD-36", "product": PUMP}])
    # Name and price may change ...
    define_service_plan(session, "GOLD-36", name="Gold", product=GOLD, coverage=["repair", "parts", "labour"],
                        months=36, standalone_price="950.00", currency="EUR")
    # ... months and coverage may not.
    with pytest.raises(RuleViolation, match="plan GOLD-36 is in contracts' terms, so its months and coverage cannot"):
        define_service_plan(session, "GOLD-36", name="Gold", coverage=["repair", "parts", "labour"], months=48,
                            standalone_price="950.00", currency="EUR")
    with pytest.raises(RuleViolation, match="cannot change"):
        define_service_plan(session, "GOLD-36", name="Gold", coverage=["repair"], months=36,
                            standalone_price="950.00", currency="EUR")


@pytest.mark.parametrize(("fields", "error", "message"), [
    ({"code": " "}, InvalidInput, "a service plan code is 1 to 40 characters"),
    ({"name": ""}, InvalidInput, "a service plan needs a name"),
    ({"months": 0}, InvalidInput, "months must be a positive whole number, got 0"),
    ({"months": 1.5}, InvalidInput, "months must be a positive whole number"),
    ({"standalone_price": 9.99}, InvalidInput, "not a float"),
    ({"standalone_price": "-1"}, InvalidInput, "a standalone price cannot be negative"),
    ({"currency": "euro"}, InvalidInput, "not an ISO 4217 currency code"),
    ({"coverage": []}, InvalidInput, "covers at least one kind of service"),
    ({"coverage": ["repair & parts"]}, InvalidInput, "is not a kind of service"),
    ({"product": "09506000134390"}, NotFound, "no product with GTIN 09506000134390"),
])
def test_bad_plans_are_refused(session: Session, fields: dict, error: type, message: str) -> None:
    setup(session)
    values = dict(code="X-1", name="X", coverage=["repair"], months=12, standalone_price="1.00", currency="EUR")
    values.update(fields)
    code = values.pop("code")
    with pytest.raises(error, match=message):
        define_service_plan(session, code, **values)
