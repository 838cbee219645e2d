"""Warranty and service entitlement of a unit on a date, and why.

The answer comes from the unit's contract (:func:`cradletrace.contracts.links.contract_of`) and the moment
control of the unit passed to the customer (:func:`cradletrace.contracts.control.control_passed`):

* **No entitlement** without a contract, or while the contract is not signed (draft, negotiation,
  approved): its terms are not in force.
* **Warranty.** The terms in force when control passed (the signed version, or a renewal's if control
  passed in its period) give the product's warranty in months; it runs from the moment control passed
  for that many calendar months (:func:`cradletrace.contracts.periods.add_months`), half open. Before
  control passes there is no warranty yet. A warranty covers the remedy of defects: repair, parts,
  labour, replacement (:data:`WARRANTY_COVERS`). It outlives the contract: a unit delivered under it
  keeps its warranty when the contract expires or is terminated.
* **Service plans.** Every plan under the signed terms or a renewal's that covers the unit's product (or
  all products) runs for its months from its start: the start the terms give it, or else the moment
  control of the unit passed, or the start of the period of the terms that first name it if that is
  later (a plan added by a renewal does not reach back). A renewal that carries a plan on as it was
  names the same plan, which runs from where it began; to sell the plan again for the new period, give
  it a start. Termination ends plans at that moment; expiry does not (a plan
  runs the months it was sold for). A plan covers the kinds of service of its ``coverage``.
* **Returned and credited.** A unit that came back under an RMA and was credited
  (:func:`cradletrace.commerce.returns.credited`) is no longer the customer's: its warranty and plans end
  on the credit note's date, the day revenue reverses its sale too.

:class:`Entitlement` is a plain dataclass a page can render, with ``to_dict()`` for JSON; ``reasons``
says in words why the unit is covered or not.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.commerce.returns import credited
from cradletrace.contracts.control import ControlTransfer, control_passed
from cradletrace.contracts.lifecycle import TERMINATED, signed_version
from cradletrace.contracts.links import contracts_of
from cradletrace.contracts.periods import add_months, day_text
from cradletrace.contracts.terms import PlanTerm, Terms, in_force, versions
from cradletrace.lineage.resolve import resolve_many
from cradletrace.models import Document, Party, Product, Unit
from cradletrace.timestamps import aware, naive_utc

WARRANTY_COVERS = ("repair", "parts", "labour", "replacement")
"""The kinds of service a warranty covers (the remedy of a defect)."""


@dataclass(frozen=True)
class Coverage:
    """A warranty or a service plan of a unit: its period, what it covers, and whether it runs at the date asked.

    ``starts_at`` and ``ends_at`` are ``None`` while the period waits for control to pass.
    """

    kind: str
    name: str
    code: str | None
    months: int
    starts_at: datetime | None
    ends_at: datetime | None
    covers: tuple[str, ...]
    active: bool
    reason: str


@dataclass(frozen=True)
class Entitlement:
    """A unit's warranty and service entitlement at ``at``, and the reasons for it.

    Attributes
    ----------
    unit, gtin, product : str
        The unit's identifier, its product's GTIN and name.
    contract, contract_status, customer : str or None
        The unit's contract (number), its state and customer name; ``None`` without one.
    terms_version : int or None
        The terms version the warranty comes from (in force when control passed, or at ``at`` before).
    control : ControlTransfer or None
        When control passed to the customer, by which event; ``None`` if it has not.
    warranty : Coverage or None
        ``None`` when the terms give the product no warranty (or there are no terms in force).
    plans : tuple of Coverage
        The plans that cover the unit's product.
    reasons : tuple of str
        Why, in words: the contract, control, the warranty, each plan.
    """

    unit: str
    gtin: str | None
    product: str | None
    at: datetime
    contract: str | None
    contract_status: str | None
    customer: str | None
    terms_version: int | None
    control: ControlTransfer | None
    warranty: Coverage | None
    plans: tuple[Coverage, ...]
    reasons: tuple[str, ...]

    @property
    def under_warranty(self) -> bool:
        """Whether the warranty runs at ``at``."""
        return self.warranty is not None and self.warranty.active

    @property
    def covered(self) -> bool:
        """Whether the unit is under warranty or a service plan at ``at``."""
        return self.under_warranty or any(p.active for p in self.plans)

    def covers(self, service: str) -> Coverage | None:
        """The warranty or plan that covers ``service`` (``repair``, ``parts``, ...) at ``at``, if any
        (the warranty first)."""
        found = [c for c in (self.warranty, *self.plans) if c is not None and c.active and service in c.covers]
        return found[0] if found else None

    def to_dict(self) -> dict[str, Any]:
        """The entitlement as plain data (for JSON), with ``covered`` and ``under_warranty``."""
        return {**asdict(self), "covered": self.covered, "under_warranty": self.under_warranty}


def entitlement(session: Session, unit: str, at: datetime | None = None, *, detail: bool = True) -> Entitlement:
    """Is ``unit`` under warranty, or covered by a service plan, at ``at`` (default now)? And why.

    A fixed number of statements: the unit, its contract (one recursive walk), the contract's signed
    version, terms and customer, and :func:`~cradletrace.contracts.control.control_passed`.

    With ``detail`` (the default) the reasons name the customer, where and by which event control passed,
    and the credit note that ended the coverage; without, they name none of these, for a reader who may
    not see them all (the passport, whose visibility rules give each to the roles that may see it, as a
    field of its own).

    Raises
    ------
    NotFound
        If ``unit`` is not a recorded identifier.
    """
    moment = naive_utc(aware(at))
    node = resolve_many(session, [unit], where="unit")[0]
    gtin, product = _product(session, node.id)
    contract = contracts_of(session, [node.id]).get(node.id)
    base = dict(unit=node.identifier, gtin=gtin, product=product, at=moment)
    if contract is None:
        return Entitlement(**base, contract=None, contract_status=None, customer=None, terms_version=None,
                           control=None, warranty=None, plans=(),
                           reasons=("no contract: none of the unit's documents leads to one",))
    state = contract.status.value
    customer = session.execute(select(Party.name).where(Party.id == contract.party_id)).scalar()
    head = dict(contract=contract.number, contract_status=state, customer=customer)
    signed = signed_version(session, contract)
    if signed is None:
        why = "was terminated before it was signed" if state == TERMINATED else (
            f"is {state}: its terms are not in force until it is signed")
        return Entitlement(**base, **head, terms_version=None, control=None, warranty=None, plans=(),
                           reasons=(f"contract {contract.number} {why}",))
    history = versions(session, contract, since=signed)
    control = control_passed(session, [node.identifier]).get(node.identifier)
    reasons = [f"contract {contract.number} ({state})" + (f" for {customer}" if detail else ""),
               _control_reason(control, detail)]
    terms = in_force(history, signed, control.at if control else moment)
    assert terms is not None  # signed, so a version is in force
    undone = _credited_after(session, node.id, control, detail)
    warranty = _warranty(terms, gtin, control, moment, contract.number, undone)
    if warranty is None:
        reasons.append(f"terms v{terms.version} of contract {contract.number} give product {gtin} no warranty")
    else:
        reasons.append(warranty.reason)
    plans = _plans(history, gtin, control, moment, contract, undone)
    reasons += [p.reason for p in plans]
    return Entitlement(**base, **head, terms_version=terms.version, control=control, warranty=warranty,
                       plans=tuple(plans), reasons=tuple(reasons))


def _product(session: Session, node_id: int) -> tuple[str | None, str | None]:
    row = session.execute(select(Unit.gtin, Product.name).outerjoin(Product, Product.gtin == Unit.gtin)
                          .where(Unit.node_id == node_id)).first()
    return (row[0], row[1]) if row else (None, None)


def _control_reason(control: ControlTransfer | None, detail: bool = True) -> str:
    if control is None:
        return "control has not passed to the customer (no receiving or installing at the customer yet)"
    if not detail:
        return f"control passed to the customer on {day_text(control.at)} ({control.biz_step})"
    place = f" at {control.location}" if control.location else ""
    return f"control passed to the customer on {day_text(control.at)} ({control.biz_step}{place}, event {control.event_id})"


def _credited_after(session: Session, unit: int, control: ControlTransfer | None, detail: bool = True
                    ) -> tuple[datetime, str] | None:
    """The credit note that undid the sale control passed with, if any, as (date, how the reasons name it): an
    earlier sale's credit (the unit sold again since) does not count."""
    if control is None:
        return None
    notes = sorted((at, number) for at, number, _unit in credited(session, [unit]).values() if at >= control.at)
    if not notes:
        return None
    at, number = notes[0]
    return at, f"returned and credited (credit note {number})" if detail else "returned and credited"


def _warranty(terms: Terms, gtin: str | None, control: ControlTransfer | None, at: datetime,
              number: str, undone: tuple[datetime, str] | None = None) -> Coverage | None:
    months = terms.warranty_months(gtin)
    if months is None:
        return None
    source = f"{months} months (contract {number}, terms v{terms.version})"
    if control is None:
        return Coverage("warranty", "warranty", None, months, None, None, WARRANTY_COVERS, False,
                        f"warranty of {source} starts when control passes to the customer; it has not yet")
    start, end = control.at, add_months(control.at, months)
    cut = undone is not None and undone[0] < end
    if cut:
        end = max(start, undone[0])  # type: ignore[index]
    if at < start:
        reason = f"not under warranty on {day_text(at)}: the warranty of {source} starts on {day_text(start)}"
    elif at >= end and cut:
        reason = f"warranty ended on {day_text(end)}: the unit was {undone[1]}"  # type: ignore[index]
    elif at >= end:
        reason = f"warranty ended on {day_text(end)} ({source} from {day_text(start)})"
    else:
        reason = f"under warranty until {day_text(end)}: {source} from {day_text(start)}"
    return Coverage("warranty", "warranty", None, months, start, end, WARRANTY_COVERS, start <= at < end, reason)


def _plans(history: list[Terms], gtin: str | None, control: ControlTransfer | None, at: datetime,
           contract: Document, undone: tuple[datetime, str] | None = None) -> list[Coverage]:
    seen: set[tuple[str, str | None, datetime | None]] = set()
    found = []
    terminated = contract.closed_at if contract.status.value == TERMINATED else None
    # The earlier of the contract's termination and the unit's credited return ends its plans.
    ends = [(when, why) for when, why in ((terminated, f"when contract {contract.number} was terminated"),
                                          (undone[0] if undone else None,
                                           f"when the unit was {undone[1]}" if undone else "")) if when is not None]
    ended = min(ends) if ends else None
    for terms in history:
        for plan in terms.plans:
            key = (plan.code, plan.product, plan.starts_at)
            if key in seen or not plan.covers_product(gtin):
                continue  # a renewal that carries a plan on names the same plan again: it runs from where it began
            seen.add(key)
            found.append(_plan_coverage(plan, _plan_start(plan, terms, control), at, ended))
    return found


def _plan_start(plan: PlanTerm, terms: Terms, control: ControlTransfer | None) -> datetime | None:
    if plan.starts_at is not None:
        return plan.starts_at
    if control is None:
        return None
    return max(control.at, terms.starts_at)


def _plan_coverage(plan: PlanTerm, start: datetime | None, at: datetime,
                   ended: tuple[datetime, str] | None) -> Coverage:
    label = f"plan {plan.code} ({plan.name}, {plan.months} months, {', '.join(plan.coverage)})"
    if start is None:
        return Coverage("plan", plan.name, plan.code, plan.months, None, None, plan.coverage, False,
                        f"{label} starts when control passes to the customer; it has not yet")
    end = add_months(start, plan.months)
    cut = ended is not None and ended[0] < end
    if cut:
        end = max(start, ended[0])  # type: ignore[index]
    if at < start:
        reason = f"{label} starts on {day_text(start)}"
    elif at >= end:
        why = f" {ended[1]}" if cut else ""  # type: ignore[index]
        reason = f"{label} ended on {day_text(end)}{why}"
    else:
        reason = f"covered by {label} from {day_text(start)} until {day_text(end)}"
    return Coverage("plan", plan.name, plan.code, plan.months, start, end, plan.coverage, start <= at < end, reason)


__all__ = ["WARRANTY_COVERS", "Coverage", "Entitlement", "entitlement"]
