"""What one canonical event means for the projections: pure functions, no database.

Capture and ``rebuild`` both project events through :func:`effects_of`, so a
rebuild reproduces exactly what capture wrote. The lineage rules follow DESIGN's
lineage model:

* TransformationEvent: an ``input_of`` edge from every input to every output. A
  quantified input is shared equally among the outputs, so the edge carries the
  quantity (and mass, for mass units) allocated to that output; when the input is a
  serialized object and the output is quantified (disassembly into recovered lots),
  the edge carries the output's quantity and mass instead. A transformation split over
  several events by a shared ``transformationID`` (inputs in one, outputs in another)
  goes through a node of that ID: ``input -> transformationID -> output``.
* AggregationEvent and AssociationEvent: ADD opens a ``part_of`` edge child -> parent;
  DELETE closes the named children, or every child when none is named.
* Any event with a bizTransactionList: a ``documented_by`` edge from each object to
  each business document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cradletrace.models import LifecycleStatus, ObjectRole
from cradletrace.units import mass_kg

_EPC_FIELDS = (("epcList", ObjectRole.EPC), ("childEPCs", ObjectRole.CHILD),
               ("inputEPCList", ObjectRole.INPUT), ("outputEPCList", ObjectRole.OUTPUT))
_QTY_FIELDS = (("quantityList", ObjectRole.EPC), ("childQuantityList", ObjectRole.CHILD),
               ("inputQuantityList", ObjectRole.INPUT), ("outputQuantityList", ObjectRole.OUTPUT))
_STATUS_BY_BIZ_STEP = {
    "decommissioning": LifecycleStatus.DECOMMISSIONED,
    "destroying": LifecycleStatus.DESTROYED,
    "disassembling": LifecycleStatus.DISASSEMBLED,
}
_STATUS_BY_DISPOSITION = {
    "destroyed": LifecycleStatus.DESTROYED,
    "disposed": LifecycleStatus.DISPOSED,
    "inactive": LifecycleStatus.DECOMMISSIONED,
}


@dataclass
class StateDelta:
    """What one event says about one object's state; ``None`` fields say nothing."""

    status: LifecycleStatus | None = None
    commissioned: bool = False
    disposition: str | None = None
    biz_step: str | None = None
    biz_location: str | None = None
    read_point: str | None = None
    owner: str | None = None
    possessor: str | None = None


@dataclass
class EdgeOpen:
    """An edge the event creates."""

    kind: str
    src: str
    dst: str
    quantity: float | None = None
    uom: str | None = None
    mass_kg: float | None = None


@dataclass
class Effects:
    """Everything one event contributes to the projections."""

    objects: dict[tuple[str, ObjectRole], tuple[float | None, str | None]] = field(default_factory=dict)
    documents: list[tuple[str, str | None]] = field(default_factory=list)
    opens: list[EdgeOpen] = field(default_factory=list)
    closes: list[tuple[str | None, str]] = field(default_factory=list)
    states: dict[str, StateDelta] = field(default_factory=dict)
    ilmd: dict[str, Any] | None = None
    ilmd_targets: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    transformations: list[str] = field(default_factory=list)

    def identifiers(self) -> set[str]:
        """Every identifier the effects refer to (so their nodes can be resolved at once)."""
        found = {ident for ident, _role in self.objects}
        found.update(doc for doc, _type in self.documents)
        found.update(self.places)
        found.update(self.parties)
        found.update(self.transformations)
        return found


def effects_of(event: dict[str, Any]) -> Effects:
    """The projection effects of one canonical event (docs/event-form.md).

    Error declarations (events with ``errorDeclaration``) only index their objects:
    they retract another event, they do not add lineage or state.

    Examples
    --------
    >>> fx = effects_of({"type": "AggregationEvent", "action": "ADD", "bizStep": "assembling",
    ...                  "parentID": "urn:p", "childEPCs": ["urn:c1", "urn:c2"],
    ...                  "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00"})
    >>> [(e.kind, e.src, e.dst) for e in fx.opens]
    [('part_of', 'urn:c1', 'urn:p'), ('part_of', 'urn:c2', 'urn:p')]
    >>> fx.states["urn:c1"].biz_step
    'assembling'
    """
    fx = Effects()
    for name, role in _EPC_FIELDS:
        for epc in event.get(name) or ():
            fx.objects[(epc, role)] = (None, None)
    parent = event.get("parentID")
    if parent:
        fx.objects[(parent, ObjectRole.PARENT)] = (None, None)
    for name, role in _QTY_FIELDS:
        for entry in event.get(name) or ():
            key = (entry["epcClass"], role)
            quantity, uom = entry.get("quantity"), entry.get("uom")
            previous = fx.objects.get(key)
            if previous and previous[0] is not None and quantity is not None and previous[1] == uom:
                quantity = previous[0] + quantity  # the same class listed twice: one row, summed
            fx.objects[key] = (quantity, uom)
    if event.get("errorDeclaration"):
        return fx

    for entry in event.get("bizTransactionList") or ():
        fx.documents.append((entry["bizTransaction"], entry.get("type")))
    event_type = event["type"]
    action = event.get("action")
    if event_type == "TransformationEvent":
        _transformation_edges(event, fx)
    elif event_type in ("AggregationEvent", "AssociationEvent") and parent:
        children = [c for c in event.get("childEPCs") or ()]
        children += [q["epcClass"] for q in event.get("childQuantityList") or ()]
        if action == "ADD":
            fx.opens.extend(EdgeOpen("part_of", child, parent) for child in children)
        elif action == "DELETE":
            fx.closes.extend([(child, parent) for child in children] or [(None, parent)])
    if fx.documents:
        subjects = list(dict.fromkeys(ident for ident, role in fx.objects))
        fx.opens.extend(EdgeOpen("documented_by", s, doc) for s in subjects for doc, _t in fx.documents)

    _state_effects(event, fx)
    if event.get("ilmd"):
        fx.ilmd = event["ilmd"]
        fx.ilmd_targets = list(event.get("epcList") or ()) + list(event.get("outputEPCList") or ())
        fx.ilmd_targets += [q["epcClass"] for q in event.get("quantityList") or ()]
        fx.ilmd_targets += [q["epcClass"] for q in event.get("outputQuantityList") or ()]
    return fx


def _transformation_edges(event: dict[str, Any], fx: Effects) -> None:
    outputs: list[tuple[str, float | None, str | None]] = [(o, None, None) for o in event.get("outputEPCList") or ()]
    outputs += [(q["epcClass"], q.get("quantity"), q.get("uom")) for q in event.get("outputQuantityList") or ()]
    inputs: list[tuple[str, float | None, str | None]] = [(i, None, None) for i in event.get("inputEPCList") or ()]
    inputs += [(q["epcClass"], q.get("quantity"), q.get("uom")) for q in event.get("inputQuantityList") or ()]
    if not (inputs and outputs):
        _split_transformation_edges(event, fx, inputs, outputs)
        return
    share = 1.0 / len(outputs)
    for src, in_qty, in_uom in inputs:
        for dst, out_qty, out_uom in outputs:
            if in_qty is not None:
                quantity, uom = in_qty * share, in_uom
            else:
                quantity, uom = out_qty, out_uom
            fx.opens.append(EdgeOpen("input_of", src, dst, quantity, uom, mass_kg(quantity, uom)))


def _split_transformation_edges(event: dict[str, Any], fx: Effects,
                                inputs: list[tuple[str, float | None, str | None]],
                                outputs: list[tuple[str, float | None, str | None]]) -> None:
    """A transformation recorded across events: the inputs in one, the outputs in another.

    EPCIS 2.0 makes TransformationEvents that share a ``transformationID`` one transformation.
    An event that has inputs but no outputs (or the reverse) links them through the
    transformation's own node, ``input -> transformationID -> output``, so the events meet in
    the graph whatever their order, with no lookup of the other events.
    """
    link = event.get("transformationID")
    if not link:
        return
    fx.transformations.append(link)
    fx.opens.extend(EdgeOpen("input_of", src, link, qty, uom, mass_kg(qty, uom)) for src, qty, uom in inputs)
    fx.opens.extend(EdgeOpen("input_of", link, dst, qty, uom, mass_kg(qty, uom)) for dst, qty, uom in outputs)


def _state_effects(event: dict[str, Any], fx: Effects) -> None:
    biz_step = event.get("bizStep")
    disposition = event.get("disposition")
    location = (event.get("bizLocation") or {}).get("id")
    read_point = (event.get("readPoint") or {}).get("id")
    owner = possessor = None
    for entry in event.get("destinationList") or ():
        if entry.get("type") == "owning_party":
            owner = entry.get("destination")
        elif entry.get("type") == "possessing_party":
            possessor = entry.get("destination")
    fx.places.extend(p for p in (location, read_point) if p)
    fx.parties.extend(p for p in (owner, possessor) if p)
    for entry in (event.get("sourceList") or ()):
        if entry.get("source"):
            fx.parties.append(entry["source"])
    for entry in (event.get("destinationList") or ()):
        if entry.get("destination"):
            fx.parties.append(entry["destination"])

    base_status = _STATUS_BY_BIZ_STEP.get(biz_step or "") or _STATUS_BY_DISPOSITION.get(disposition or "")
    event_type, action = event["type"], event.get("action")
    # A quantified input is a draw from a lot or class, which lives on with what remains.
    drawn = {q["epcClass"] for q in event.get("inputQuantityList") or ()}
    for (ident, role), _qty in fx.objects.items():
        status, commissioned = base_status, False
        if event_type == "TransformationEvent":
            if role is ObjectRole.INPUT:
                if ident in drawn:
                    status = None
                else:
                    status = LifecycleStatus.DISASSEMBLED if biz_step == "disassembling" else LifecycleStatus.CONSUMED
            else:
                # Outputs begin their life here (recovered lots of a disassembly included):
                # only a disposition that ends them overrides that.
                status = _STATUS_BY_DISPOSITION.get(disposition or "") or LifecycleStatus.ACTIVE
                commissioned = True
        elif event_type == "ObjectEvent" and action == "ADD":
            status, commissioned = base_status or LifecycleStatus.ACTIVE, True
        elif event_type == "ObjectEvent" and action == "DELETE" and status is None:
            status = LifecycleStatus.DECOMMISSIONED
        fx.states[ident] = StateDelta(
            status=status, commissioned=commissioned, disposition=disposition, biz_step=biz_step,
            biz_location=location, read_point=read_point, owner=owner, possessor=possessor,
        )


@dataclass
class State:
    """The folded state of one object (node ids, not identifiers)."""

    status: LifecycleStatus = LifecycleStatus.ACTIVE
    disposition: str | None = None
    biz_step: str | None = None
    biz_location_id: int | None = None
    read_point_id: int | None = None
    owner_id: int | None = None
    possessor_id: int | None = None
    commissioned_at: datetime | None = None
    last_event_id: int = 0
    last_event_time: datetime = datetime.min
    # The rest of the last event's order key (event hash, eventID): not a column, read with the state.
    last_order: tuple[str, str] = ("", "")

    @property
    def key(self) -> EventKey:
        """The order key of the last event folded in."""
        return (self.last_event_time, *self.last_order)


EventKey = tuple[datetime, str, str]
"""Where an event stands in the projections' order: ``(eventTime as naive UTC, event hash, eventID)``.

Events are applied in event time; events with the same eventTime are ordered by their event
hash, then by eventID (two events can share a hash only if they differ in eventID). Never
by arrival: the same set of events gives the same projections whatever order it came in.
"""


def event_key(event_time: datetime, event_hash: str, event_id: str) -> EventKey:
    """The order key of an event (:data:`EventKey`).

    Examples
    --------
    >>> a = event_key(datetime(2025, 1, 1), "ni:///sha-256;aa", "e2")
    >>> b = event_key(datetime(2025, 1, 1), "ni:///sha-256;ab", "e1")
    >>> a < b < event_key(datetime(2025, 1, 2), "ni:///sha-256;00", "e0")
    True
    """
    return (event_time, event_hash, event_id)


def fold(state: State | None, delta: StateDelta, ids: dict[str, int], event_id: int, key: EventKey) -> State:
    """Apply one event's delta to an object's state; an event before the state's last one changes nothing.

    ``event_id`` is the event's log position, ``key`` its :data:`EventKey`. Callers fold an
    object's events in key order; one that comes before the state's last event (a late
    event) must refold the object from its events instead.

    Examples
    --------
    >>> s = fold(None, StateDelta(status=LifecycleStatus.ACTIVE, commissioned=True, disposition="active"),
    ...          {}, 1, event_key(datetime(2025, 1, 1), "h1", "e1"))
    >>> s = fold(s, StateDelta(disposition="in_transit", biz_step="shipping"), {}, 2,
    ...          event_key(datetime(2025, 2, 1), "h2", "e2"))
    >>> (s.status.value, s.disposition, s.commissioned_at)
    ('active', 'in_transit', datetime.datetime(2025, 1, 1, 0, 0))
    """
    state = state or State()
    if key < state.key:
        return state
    event_time = key[0]
    if delta.status is not None:
        state.status = delta.status
    if delta.commissioned and state.commissioned_at is None:
        state.commissioned_at = event_time
    if delta.disposition is not None:
        state.disposition = delta.disposition
    if delta.biz_step is not None:
        state.biz_step = delta.biz_step
    if delta.biz_location is not None:
        state.biz_location_id = ids[delta.biz_location]
    if delta.read_point is not None:
        state.read_point_id = ids[delta.read_point]
    if delta.owner is not None:
        state.owner_id = ids[delta.owner]
    if delta.possessor is not None:
        state.possessor_id = ids[delta.possessor]
    state.last_event_id, state.last_event_time, state.last_order = event_id, event_time, (key[1], key[2])
    return state
