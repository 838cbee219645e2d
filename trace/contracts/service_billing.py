"""Repairs through the service step, billed only when no warranty or service plan covers them.

:func:`record_repair` asks :func:`~cradletrace.contracts.entitlement.entitlement` about the unit at the
time of the repair, then always writes a **service order** (``commerce_documents`` of kind
``service_order``, number from the ``SVC`` series) and records the repair through
:func:`cradletrace.lifecycle.repair` with the service order as its business transaction, so the unit's
history names the order and the order names the unit (``documented_by``, written by capture):

* **Covered** (a warranty, or a plan whose coverage includes ``repair``): the service order is
  for 0.00, and says which warranty or plan covered it and why (``reason``; ``attributes`` keep the
  charge it would have been, for the cost of warranty). Nothing is billed. A zero order rather than
  none, so warranty work is as visible and countable as paid work, and every repair event names an order.
* **Not covered**: the service order carries the charge, and an **invoice** follows it (``follows``
  edge), numbered from its series (:func:`cradletrace.commerce.invoices.next_number`), due after the
  contract's payment terms (or the customer's account's, or 30 days). A TransactionEvent names the
  invoice (``inv``) for the unit, as every invoice of cradletrace does.

The customer billed is the one given, else the contract's, else the unit's current owner, else the
customer of its sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import (
    currency_code,
    identifier_of,
    money,
    new_document,
    party_id,
    record_transaction,
)
from cradletrace.commerce.invoices import DEFAULT_TERMS_DAYS, next_number
from cradletrace.commerce.lines import add_lines, carried
from cradletrace.contracts.entitlement import Coverage, Entitlement, entitlement
from cradletrace.contracts.lifecycle import get_contract, terms_in_force
from cradletrace.errors import InvalidInput
from cradletrace.lifecycle import repair
from cradletrace.lifecycle.rules import active_units
from cradletrace.models import Account, Document, DocumentKind, DocumentStatus, Node, Party, UnitState
from cradletrace.timestamps import naive_utc

SERVICE_SERIES = "SVC"


@dataclass(frozen=True)
class RepairRecord:
    """A recorded repair: its event, whether it was covered (and by what), its service order and invoice."""

    unit: str
    event_id: str
    covered: bool
    basis: Coverage | None
    entitlement: Entitlement
    service_order: Document
    invoice: Document | None


def record_repair(
    session: Session, unit: str, *, description: str, amount: Any, currency: str, customer: str | None = None,
    tax_rate: Any = 0, service_product: str | None = None, needs_replacement: bool = False,
    location: str | None = None, number: str | None = None, series: str = SERVICE_SERIES,
    invoice_series: str = "INV", when: datetime | None = None,
) -> RepairRecord:
    """Record a repair of ``unit`` and bill it unless a warranty or plan covers it (see the module); flush.

    Parameters
    ----------
    amount : Decimal or str
        The charge for the repair, net of tax, in ``currency`` (floats are refused).
    service_product : str, optional
        The GTIN of the repair service as a trade item, for the order and invoice line.
    number : str, optional
        The service order's number (default: the next of ``series``).

    Raises
    ------
    RuleViolation
        If the unit is not commissioned or has ended (nothing is written).
    InvalidInput
        A negative or float amount, a bad currency, or no customer to bill an uncovered repair to.
    NotFound
        An unknown unit, customer or service product.
    """
    where = f"repair of {unit}"
    charge = money(amount, where=f"{where}.amount")
    if charge < 0:
        raise InvalidInput(f"a repair's charge cannot be negative, got {charge}", where=f"{where}.amount")
    code = currency_code(currency, where=f"{where}.currency")
    if not (description and description.strip()):
        raise InvalidInput("a repair needs a description", where=where)
    when, (identifier,) = active_units(session, [unit], when, step="repaired")
    found = entitlement(session, identifier, when)
    basis = found.covers("repair")
    payer = _payer(session, found, customer)
    if basis is None and payer is None:
        raise InvalidInput(f"no customer to bill for the repair of {identifier}: give customer=", where=where)
    order = new_document(
        session, DocumentKind.SERVICE_ORDER, number or next_number(session, series), status=DocumentStatus.CLOSED,
        when=when, party=payer, currency=code, series=None if number else series, closed_at=naive_utc(when),
        reason=(basis.reason if basis else "not covered: " + "; ".join(found.reasons))[:500])
    order.attributes = {"unit": identifier, "description": description.strip(), "covered": basis is not None,
                        "coverage": None if basis is None else basis.code or basis.kind, "charge": str(charge),
                        "contract": found.contract, "terms_version": found.terms_version}
    lines = add_lines(session, order, [{"product": service_product, "quantity": 1, "tax_rate": tax_rate,
                                        "unit_price": "0" if basis else charge}])
    report = repair(session, [identifier], description=description.strip(), needs_replacement=needs_replacement,
                    service_order=identifier_of(session, order), location=location, when=when)
    event_id = (report.event_ids or report.duplicates)[0]
    order.attributes = {**order.attributes, "repair_event": event_id}
    invoice = None
    if basis is None:
        invoice = new_document(session, DocumentKind.INVOICE, next_number(session, invoice_series),
                               status=DocumentStatus.ISSUED, when=when, party=payer, currency=code,
                               series=invoice_series, follows=[order],
                               due_at=naive_utc(when + timedelta(days=_terms_days(session, found, payer))))
        add_lines(session, invoice, [carried(ln) for ln in lines])
        record_transaction(session, [identifier], [(invoice, identifier_of(session, invoice))], when=when,
                           name="contracts.repair_invoice")
    session.flush()
    return RepairRecord(identifier, event_id, basis is not None, basis, found, order, invoice)


def _payer(session: Session, found: Entitlement, customer: str | None) -> int | None:
    if customer is not None:
        return party_id(session, customer)
    if found.contract is not None:
        return get_contract(session, found.contract).party_id
    owner = session.execute(select(Party.id).join(UnitState, UnitState.owner_id == Party.node_id)
                            .join(Node, Node.id == UnitState.node_id).where(Node.identifier == found.unit)).scalar()
    if owner is not None:
        return owner
    return party_id(session, found.control.customer) if found.control is not None else None


def _terms_days(session: Session, found: Entitlement, payer: int | None) -> int:
    if found.contract is not None:
        terms = terms_in_force(session, found.contract, found.at)
        if terms is not None:
            return terms.payment_terms_days
    account = session.get(Account, payer) if payer is not None else None
    return account.payment_terms_days if account is not None else DEFAULT_TERMS_DAYS


__all__ = ["SERVICE_SERIES", "RepairRecord", "record_repair"]
