"""The service plan catalogue: what a plan covers, for how many months, and its standalone selling price.

A plan (``service_plans``) is defined once and put under contracts' terms (``contract_plans``) for the units of
one product or of all products. Its ``coverage`` names the kinds of service it includes (``repair``, ``parts``,
``labour``, ``inspection``, ...: lower-case words); a repair is free under a plan whose coverage includes
``repair`` (:mod:`cradletrace.contracts.service_billing`). ``product`` is the plan itself as a trade item
(its GTIN), so a plan can be a line of a quote, order or invoice; the standalone selling price is what revenue
allocation weighs it by (IFRS 15 / ASC 606).

A plan's months and coverage are part of every contract whose terms name it: once a contract names the plan
they cannot change (define a new plan instead); its name, description and price can.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import currency_code, money
from cradletrace.commerce.lines import product_ids
from cradletrace.errors import InvalidInput, NotFound, RuleViolation
from cradletrace.models import ContractPlan, ServicePlan


def coverage_list(values: Iterable[str] | str, *, where: str = "coverage") -> list[str]:
    """The kinds of service a plan covers: lower-case words, each once, in the order given.

    Examples
    --------
    >>> coverage_list(["Repair", "parts", " labour ", "parts"])
    ['repair', 'parts', 'labour']
    >>> coverage_list([])
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: coverage: a service plan covers at least one kind of service (e.g. repair)
    """
    if isinstance(values, str):
        values = [values]
    found: list[str] = []
    for value in values:
        word = str(value).strip().lower()
        if not word or len(word) > 40 or not all(ch.isalnum() or ch in "_-" for ch in word):
            raise InvalidInput(f"{value!r} is not a kind of service (a word such as repair, parts, labour)",
                               where=where)
        if word not in found:
            found.append(word)
    if not found:
        raise InvalidInput("a service plan covers at least one kind of service (e.g. repair)", where=where)
    return found


def define_service_plan(session: Session, code: str, *, name: str, product: str | int | None = None,
                        coverage: Iterable[str], months: int, standalone_price: Any, currency: str,
                        description: str | None = None) -> ServicePlan:
    """Create a service plan, or update the one of that code; flush.

    Parameters
    ----------
    code : str
        The plan's code (``GOLD-36``), by which contracts' terms name it.
    product : str or int, optional
        The plan as a trade item: its GTIN (the product must exist).
    coverage : iterable of str
        What the plan covers (``["repair", "parts", "labour"]``).
    months : int
        How long it runs, from its start under a contract.
    standalone_price : Decimal or str
        What the plan sells for on its own, in ``currency`` (floats are refused).

    Raises
    ------
    InvalidInput
        A blank code or name, months not positive, a negative or float price, a bad currency or coverage.
    RuleViolation
        Changing the months or coverage of a plan that a contract's terms name.
    """
    code = (code or "").strip()
    where = f"service plan {code or '?'}"
    if not code or len(code) > 40:
        raise InvalidInput(f"a service plan code is 1 to 40 characters, got {code!r}", where="code")
    if not (name or "").strip():
        raise InvalidInput("a service plan needs a name", where=where)
    if not isinstance(months, int) or isinstance(months, bool) or months <= 0:
        raise InvalidInput(f"months must be a positive whole number, got {months!r}", where=f"{where}.months")
    price = money(standalone_price, where=f"{where}.standalone_price")
    if price < 0:
        raise InvalidInput(f"a standalone price cannot be negative, got {price}", where=f"{where}.standalone_price")
    kinds = coverage_list(coverage, where=f"{where}.coverage")
    product_id = product_ids(session, [product])[product] if product is not None else None
    plan = session.execute(select(ServicePlan).where(ServicePlan.code == code)).scalar()
    if plan is None:
        plan = ServicePlan(code=code)
        session.add(plan)
    elif (plan.months, list(plan.coverage or [])) != (months, kinds) and _named_by_terms(session, plan.id):
        raise RuleViolation(f"plan {code} is in contracts' terms, so its months and coverage cannot change "
                            "(define a new plan)", where=where)
    plan.name, plan.product_id, plan.coverage, plan.months = name.strip(), product_id, kinds, months
    plan.standalone_price, plan.currency, plan.description = price, currency_code(currency), description
    session.flush()
    return plan


def _named_by_terms(session: Session, plan_id: int) -> bool:
    return session.execute(select(ContractPlan.id).where(ContractPlan.plan_id == plan_id).limit(1)).first() is not None


def plans_by_code(session: Session, codes: Sequence[str]) -> dict[str, ServicePlan]:
    """The plans of ``codes``, one query.

    Raises
    ------
    NotFound
        Naming the first code that is not in the catalogue.
    """
    wanted = {str(c).strip() for c in codes}
    found = {p.code: p for p in session.execute(select(ServicePlan).where(ServicePlan.code.in_(wanted))).scalars()}
    missing = sorted(wanted - set(found))
    if missing:
        raise NotFound(f"no service plan {missing[0]!r} (define it with define_service_plan)", where="plan")
    return found


__all__ = ["coverage_list", "define_service_plan", "plans_by_code"]
