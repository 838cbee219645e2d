"""Moving and selling units: ship, receive, sell, and recall holds.

Event shapes (ObjectEvent OBSERVE in each case):

* ship: ``shipping`` / ``in_transit``, readPoint = the origin, sourceList and
  destinationList with ``owning_party`` and ``location``, bizTransactions ``po``,
  ``desadv``, ``inv``, ``bol`` when given, extensions ``transportMode``,
  ``distanceKm``, ``shipmentMassKg`` (METRICS A4/C2). Goods packed in a shipped SSCC
  (recursively through logistic units only, not fitted components) are listed too, so
  their own custody and state follow the shipment. A recall override is recorded as
  the extension ``recallOverride`` {``reason``, ``object``: [held identifiers]}.
* receive: ``receiving`` / ``in_progress`` (or the disposition given), bizLocation and
  readPoint = the receiving location, source/destination (the receiver as ``owning_party`` and as
  ``possessing_party``: it has the goods in hand, whoever held them before), ``po`` / ``desadv`` / ``recadv``.
  A return (``return_unit``) and a collection (``collect``) name their receiver the possessor too.
* sell (and resell): ``retail_selling`` / ``retail_sold``, destination ``owning_party``
  = the customer, bizTransaction ``inv``; a resale carries ``saleKind`` = ``resale``.
* hold for recall: ``holding`` / ``recalled`` with ``recallReason`` / ``recallId``;
  release: ``inspecting`` / ``conformant`` with ``recallRelease``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from cradletrace.log.capture import CaptureReport
from cradletrace.errors import RuleViolation
from cradletrace.lifecycle.common import instance_ids, observe, optional_id, submit
from cradletrace.lifecycle.events import biz_transactions, object_event, source_destination
from cradletrace.lifecycle.rules import (
    END_OF_LIFE_ALLOWED,
    active_units,
    contents,
    load_objects,
    require_active,
    require_not_recalled,
)
from cradletrace.timestamps import aware, naive_utc


def _with_packed(session: Session, ids: list[str], include_contents: bool):  # type: ignore[no-untyped-def]
    inside = contents(session, ids)
    if not include_contents:
        return ids, inside
    packed = [c.identifier for c in inside if c.depth > 0 and c.packed]
    return list(dict.fromkeys([*ids, *packed])), inside


def ship(
    session: Session,
    items: Iterable[str],
    *,
    from_party: str,
    to_party: str,
    from_location: str | None = None,
    to_location: str | None = None,
    po: str | None = None,
    desadv: str | None = None,
    inv: str | None = None,
    bol: str | None = None,
    transport_mode: str | None = None,
    distance_km: float | None = None,
    mass_kg: float | None = None,
    override_reason: str | None = None,
    include_contents: bool = True,
    allow_decommissioned: bool = False,
    when: datetime | None = None,
) -> CaptureReport:
    """Ship units or SSCCs from one party and location to another.

    Parameters
    ----------
    items : iterable of str
        Units and/or SSCCs.
    override_reason : str, optional
        Ship even if something shipped is on recall hold; the reason and the held identifiers
        are recorded on the event (extension ``recallOverride``).
    include_contents : bool
        List the goods packed in shipped SSCCs on the event too (default).
    allow_decommissioned : bool
        Allow shipping decommissioned units (to a recycler).

    Raises
    ------
    RuleViolation
        If an item is not commissioned or ended, or anything shipped (including what is
        inside it) is on recall hold and no override reason is given.
    """
    allow = END_OF_LIFE_ALLOWED if allow_decommissioned else frozenset()
    when, ids = active_units(session, items, when, step="shipped", allow=allow)
    listed, inside = _with_packed(session, ids, include_contents)
    held = require_not_recalled(inside, override_reason=override_reason)
    override = {"reason": override_reason, "object": held} if held else None
    event = object_event(
        "OBSERVE", listed, when=when, biz_step="shipping", disposition="in_transit",
        read_point=optional_id(from_location),
        documents=biz_transactions(po=po, desadv=desadv, inv=inv, bol=bol),
        extensions={"transportMode": transport_mode, "distanceKm": distance_km, "shipmentMassKg": mass_kg,
                    "recallOverride": override},
        **source_destination(from_party=optional_id(from_party), from_location=optional_id(from_location),
                             to_party=optional_id(to_party), to_location=optional_id(to_location)),
    )
    return submit(session, [event], name="lifecycle.ship")


def receive(
    session: Session,
    items: Iterable[str],
    *,
    location: str,
    by_party: str,
    from_party: str | None = None,
    from_location: str | None = None,
    disposition: str = "in_progress",
    po: str | None = None,
    desadv: str | None = None,
    recadv: str | None = None,
    include_contents: bool = True,
    allow_decommissioned: bool = False,
    when: datetime | None = None,
) -> CaptureReport:
    """Receive units or SSCCs at a location; ``by_party`` becomes the owner and has them in hand (possessor).

    Raises
    ------
    RuleViolation
        If an item is not commissioned or ended.
    """
    allow = END_OF_LIFE_ALLOWED if allow_decommissioned else frozenset()
    when, ids = active_units(session, items, when, step="received", allow=allow)
    listed, _inside = _with_packed(session, ids, include_contents)
    place = optional_id(location)
    event = object_event(
        "OBSERVE", listed, when=when, biz_step="receiving", disposition=disposition, location=place,
        read_point=place, documents=biz_transactions(po=po, desadv=desadv, recadv=recadv),
        **source_destination(from_party=optional_id(from_party), from_location=optional_id(from_location),
                             to_party=optional_id(by_party), to_location=place, to_possessor=optional_id(by_party)),
    )
    return submit(session, [event], name="lifecycle.receive")


def sell(
    session: Session,
    units: Iterable[str],
    *,
    customer: str,
    seller: str | None = None,
    location: str | None = None,
    inv: str | None = None,
    po: str | None = None,
    override_reason: str | None = None,
    resale: bool = False,
    when: datetime | None = None,
) -> CaptureReport:
    """Sell units to a customer (the new owning party): ``retail_selling`` / ``retail_sold``.

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or ended, or it (or a component in it) is on recall hold
        and no override reason is given.
    """
    when, ids = active_units(session, units, when, step="sold")
    held = require_not_recalled(contents(session, ids), override_reason=override_reason)
    place = optional_id(location)
    event = object_event(
        "OBSERVE", ids, when=when, biz_step="retail_selling", disposition="retail_sold", location=place,
        read_point=place, documents=biz_transactions(po=po, inv=inv),
        extensions={"saleKind": "resale" if resale else None,
                    "recallOverride": {"reason": override_reason, "object": held} if held else None},
        **source_destination(from_party=optional_id(seller), to_party=optional_id(customer)),
    )
    return submit(session, [event], name="lifecycle.resell" if resale else "lifecycle.sell")


def hold_for_recall(
    session: Session,
    units: Iterable[str],
    *,
    reason: str | None = None,
    recall_id: str | None = None,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Put units on recall hold: ``holding`` / ``recalled``. Held units cannot be shipped or sold.

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or ended.
    """
    when, ids = active_units(session, units, when, step="held for recall")
    return observe(session, ids, when, location, name="lifecycle.hold_for_recall", biz_step="holding",
                   disposition="recalled", extensions={"recallReason": reason, "recallId": recall_id})


def release_recall_hold(
    session: Session,
    units: Iterable[str],
    *,
    reason: str,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Release units from recall hold after inspection: ``inspecting`` / ``conformant``, ``recallRelease``.

    Raises
    ------
    RuleViolation
        If a unit is not on recall hold.
    """
    when = aware(when)
    ids = instance_ids(units)
    objects = load_objects(session, ids)
    require_active(objects, ids, naive_utc(when), step="released")
    not_held = [i for i in ids if objects[i].disposition != "recalled"]
    if not_held:
        raise RuleViolation(f"{not_held[0]} is not on recall hold", where="rule only a held unit is released")
    return observe(session, ids, when, location, name="lifecycle.release_recall_hold", biz_step="inspecting",
                   disposition="conformant", extensions={"recallRelease": reason})
