"""Units in service: installation at the customer, repair, component replacement, returns, refurbishment, resale.

Event shapes:

* install: ObjectEvent OBSERVE ``installing`` / ``active`` at the customer's location.
* repair: ObjectEvent OBSERVE ``repairing`` / ``conformant`` (or ``needs_replacement``),
  extension ``repairDescription``, service order as an untyped bizTransaction.
* replace a component: AggregationEvent DELETE ``removing`` of the old part, then
  AggregationEvent ADD ``replacing`` of the new one, both at the same time in one
  capture call. Capture closes the old ``part_of`` edge and opens a new one; the removed
  part keeps its identity and history (it can be inspected, refurbished, fitted elsewhere).
* return (RMA): ObjectEvent OBSERVE ``receiving`` / ``returned``, bizTransaction ``rma``,
  extension ``returnReason``.
* refurbish: ObjectEvent OBSERVE with the cradletrace bizStep ``BizStep-refurbishing``
  (CBV 2.0 has none) / ``sellable_not_accessible``.
* resell: :func:`cradletrace.lifecycle.logistics.sell` with ``saleKind`` = ``resale``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.log.capture import CaptureReport
from cradletrace.errors import InvalidInput
from cradletrace.lifecycle.common import instance_id, observe, optional_id, submit
from cradletrace.lifecycle.events import REFURBISHING, aggregation_event, biz_transactions, object_event, source_destination
from cradletrace.lifecycle.logistics import sell
from cradletrace.lifecycle.rules import (
    active_units,
    load_objects,
    open_parents,
    require_active,
    require_fitted,
    require_not_fitted,
)
from cradletrace.timestamps import aware, naive_utc


def _service_order(uri: str | None) -> list[dict[str, str]]:
    return [{"bizTransaction": uri}] if uri else []


def install(
    session: Session,
    units: Iterable[str],
    *,
    location: str,
    owner: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Install units at the customer's site: ``installing`` / ``active``.

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or ended.
    """
    when, ids = active_units(session, units, when, step="installed")
    return observe(session, ids, when, location, name="lifecycle.install", biz_step="installing",
                   disposition="active",
                   **source_destination(to_party=optional_id(owner), to_location=optional_id(location)))


def repair(
    session: Session,
    units: Iterable[str],
    *,
    description: str | None = None,
    needs_replacement: bool = False,
    service_order: str | None = None,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Record a repair: ``repairing`` / ``conformant`` (``needs_replacement`` if it could not be fixed).

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or ended.
    """
    when, ids = active_units(session, units, when, step="repaired")
    return observe(session, ids, when, location, name="lifecycle.repair", biz_step="repairing",
                   disposition="needs_replacement" if needs_replacement else "conformant",
                   documents=_service_order(service_order), extensions={"repairDescription": description})


def replace_component(
    session: Session,
    parent: str,
    old: str,
    new: str,
    *,
    reason: str | None = None,
    service_order: str | None = None,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Swap a fitted component: DELETE ``removing`` of ``old``, ADD ``replacing`` of ``new``.

    Raises
    ------
    RuleViolation
        If the parent or the new part is not commissioned or ended, ``old`` is not fitted in
        ``parent``, or ``new`` is in a parent already.
    """
    when = aware(when)
    parent_id, old_id, new_id = instance_id(parent), instance_id(old), instance_id(new)
    if old_id == new_id:
        raise InvalidInput(f"{old_id} cannot replace itself", where="new")
    objects = load_objects(session, [parent_id, old_id, new_id])
    require_active(objects, [parent_id, new_id], naive_utc(when), step="serviced")
    parents = open_parents(session, [old_id, new_id])
    require_fitted(parents, [old_id], parent_id)
    require_not_fitted(session, [new_id], parents=parents)
    place = optional_id(location)
    documents = _service_order(service_order)
    extensions: dict[str, Any] = {"replacementReason": reason}
    events = [
        aggregation_event("DELETE", parent_id, [old_id], when=when, biz_step="removing", location=place,
                          read_point=place, documents=documents, extensions=extensions),
        aggregation_event("ADD", parent_id, [new_id], when=when, biz_step="replacing", location=place,
                          read_point=place, documents=documents, extensions=extensions),
    ]
    return submit(session, events, name="lifecycle.replace_component")


def return_unit(
    session: Session,
    units: Iterable[str],
    *,
    rma: str,
    location: str,
    by_party: str,
    from_party: str | None = None,
    reason: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Receive a returned unit under an RMA: ``receiving`` / ``returned``, bizTransaction ``rma``.

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or ended.
    """
    when, ids = active_units(session, units, when, step="returned")
    place = optional_id(location)
    event = object_event(
        "OBSERVE", ids, when=when, biz_step="receiving", disposition="returned", location=place, read_point=place,
        documents=biz_transactions(rma=rma), extensions={"returnReason": reason},
        **source_destination(from_party=optional_id(from_party), to_party=optional_id(by_party), to_location=place,
                             to_possessor=optional_id(by_party)),
    )
    return submit(session, [event], name="lifecycle.return_unit")


def refurbish(
    session: Session,
    units: Iterable[str],
    *,
    description: str | None = None,
    service_order: str | None = None,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Refurbish units for resale: cradletrace bizStep ``BizStep-refurbishing`` / ``sellable_not_accessible``.

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or ended.
    """
    when, ids = active_units(session, units, when, step="refurbished")
    return observe(session, ids, when, location, name="lifecycle.refurbish", biz_step=REFURBISHING,
                   disposition="sellable_not_accessible", documents=_service_order(service_order),
                   extensions={"refurbishmentDescription": description})


def resell(session: Session, units: Iterable[str], *, customer: str, **options: Any) -> CaptureReport:
    """Sell units again after a return or refurbishment (a sale with ``saleKind`` = ``resale``)."""
    return sell(session, units, customer=customer, resale=True, **options)
