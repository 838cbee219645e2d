"""When control of each unit passed to its customer: the one definition that entitlement and revenue share.

STAND-IN, written on the revenue branch so that revenue recognition can be built and tested before the
contracts branch is merged: the lead takes the contracts engineer's version of this module at merge.
What revenue expects of it (docs/quote-to-cash.md, "Revenue"): ``control_passed(session, units)`` answers
for many units at once (a fixed number of statements), keyed by the canonical identifier of each unit it
can answer for, with a :class:`ControlTransfer` whose ``at`` is a naive UTC datetime and whose
``event_id`` names the event; units (or lots) it cannot answer for are left out.

Here: the customer of a unit is the party of the order of its latest allocation (an allocation ended by
a return counts; one ended by a cancellation does not). Control passed at the unit's first live receiving
event (bizStep ``receiving``, not a return) at a location of that customer at or after the allocation;
failing one, its first ``accepting``, ``arriving``, ``installing`` or ``retail_selling`` event there. Events
are taken in event time, ties broken by their content hash, so the answer does not depend on the order in
which the events arrived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.lifecycle.common import instance_id
from cradletrace.models import Allocation, Document, Event, EventObject, Line, Location, Node

RECEIVING = "receiving"
DELIVERY_STEPS = ("accepting", "arriving", "installing", "retail_selling")


@dataclass(frozen=True)
class ControlTransfer:
    """The moment control of a unit passed to the customer, the event that shows it, and where."""

    at: datetime
    event_id: str
    location: str | None


def control_passed(session: Session, units: Iterable[str]) -> dict[str, ControlTransfer]:
    """When control of each unit passed to its customer (see the module's docstring); units without one are left out.

    Parameters
    ----------
    units : iterable of str
        Unit (or lot) identifiers in any form.

    Returns
    -------
    dict
        Canonical identifier -> :class:`ControlTransfer`.
    """
    idents = list(dict.fromkeys(instance_id(u) for u in units))
    if not idents:
        return {}
    nodes: dict[int, str] = {}
    for chunk in chunks(idents):
        nodes.update(session.execute(select(Node.id, Node.identifier).where(Node.identifier.in_(list(chunk)))).all())
    customer: dict[int, tuple[int | None, datetime]] = {}
    for chunk in chunks(list(nodes)):
        rows = session.execute(
            select(Allocation.object_id, Document.party_id, Allocation.allocated_at)
            .join(Line, Line.id == Allocation.line_id).join(Document, Document.id == Line.document_id)
            .where(Allocation.object_id.in_(list(chunk)),
                   or_(Allocation.active, Allocation.shipment_id.is_not(None)))
            .order_by(Allocation.allocated_at, Allocation.id))
        for node_id, party, allocated_at in rows:
            customer[node_id] = (party, allocated_at)  # the latest allocation wins
    place = Node.__table__.alias("place")
    found: dict[int, tuple[int, datetime, str, str, str | None]] = {}
    for chunk in chunks(list(customer)):
        rows = session.execute(
            select(EventObject.node_id, Event.event_time, Event.event_hash, Event.event_id, Event.biz_step,
                   Location.party_id, place.c.identifier)
            .join(Event, Event.id == EventObject.event_id)
            .join(Location, Location.node_id == func.coalesce(Event.biz_location_id, Event.read_point_id))
            .join(place, place.c.id == Location.node_id)
            .where(EventObject.node_id.in_(list(chunk)), Event.retracted_by.is_(None), Event.declares_error.is_(False),
                   or_(and_(Event.biz_step == RECEIVING,
                            or_(Event.disposition.is_(None), Event.disposition != "returned")),
                       Event.biz_step.in_(DELIVERY_STEPS)))
            .order_by(Event.event_time, Event.event_hash))
        for node_id, when, _hash, event_id, step, party, location in rows:
            want_party, since = customer[node_id]
            if party is None or party != want_party or when < since:
                continue
            rank = 0 if step == RECEIVING else 1
            if node_id not in found or rank < found[node_id][0]:
                found[node_id] = (rank, when, event_id, step, location)
    return {nodes[n]: ControlTransfer(when, event_id, location) for n, (_r, when, event_id, _s, location) in found.items()}


__all__ = ["ControlTransfer", "control_passed"]
