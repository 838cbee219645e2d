"""Making units: commissioning serials, work orders, assembly, tests, packing into and out of SSCCs.

Event shapes:

* commission: one ObjectEvent ADD (``commissioning`` / ``active``) naming every serial.
* manufacture (a work order): one TransformationEvent (``commissioning`` / ``active``)
  consuming material lots by quantity (``inputQuantityList``) and optionally serialized
  units that lose their identity (``inputEPCList``), producing serials
  (``outputEPCList``), with bizTransaction ``prodorder``, ``transformationID`` = the
  work order, extension ``energyKWh`` (METRICS A3) and optional ILMD on the outputs;
  then, in the same capture call, one AggregationEvent ADD (``assembling``) per
  output that gets serialized components. Components are fitted, not consumed: they keep
  their identity and history, so a later swap closes their ``part_of`` edge instead of
  leaving a permanent ``input_of`` edge behind.
* assemble / install a component: AggregationEvent ADD (``assembling`` for a new product,
  ``installing`` into one in service).
* inspect: ObjectEvent OBSERVE ``inspecting`` / ``conformant`` | ``non_conformant`` with the
  test name and results as extensions and the report as bizTransaction ``testres``.
* pack: ObjectEvent ADD ``commissioning`` of the SSCC the first time it is used, then
  AggregationEvent ADD ``packing`` / ``container_closed``; unpack: AggregationEvent DELETE
  ``unpacking`` naming the children it takes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.log.capture import CaptureReport
from cradletrace.errors import InvalidInput
from cradletrace.lifecycle.common import (
    instance_id,
    instance_ids,
    observe,
    optional_id,
    submit,
)
from cradletrace.lifecycle.events import (
    aggregation_event,
    biz_transactions,
    object_event,
    quantity,
    transformation_event,
)
from cradletrace.lifecycle.materials import Draws, parse_draws
from cradletrace.lifecycle.rules import (
    active_units,
    contents,
    load_objects,
    open_parents,
    require_active,
    require_fitted,
    require_lot_quantity,
    require_new,
    require_not_fitted,
)
from cradletrace.timestamps import aware, naive_utc


def commission_units(
    session: Session,
    units: Iterable[str],
    *,
    location: str | None = None,
    ilmd: Mapping[str, Any] | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Commission serials in bulk: one ObjectEvent ADD naming all of them, in one capture call.

    Raises
    ------
    RuleViolation
        If any serial is already commissioned (a serial is commissioned once).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> from cradletrace.lifecycle.common import sgtin
    >>> from sqlalchemy.orm import Session
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> units = [sgtin("09506000134352", f"S{i}") for i in range(1000)]
    >>> commission_units(session, units, when=datetime(2025, 1, 1, tzinfo=timezone.utc)).captured
    1
    >>> session.rollback()
    """
    when = aware(when)
    ids = instance_ids(units)
    require_new(load_objects(session, ids), ids)
    place = optional_id(location)
    event = object_event("ADD", ids, when=when, biz_step="commissioning", disposition="active", location=place,
                         read_point=place, ilmd=ilmd)
    return submit(session, [event], name="lifecycle.commission_units")


def _components_by_parent(components: Mapping[str, Iterable[str]] | None) -> dict[str, list[str]]:
    fitted: dict[str, list[str]] = {}
    seen: set[str] = set()
    for parent, children in (components or {}).items():
        kids = instance_ids(children)
        for kid in kids:
            if kid in seen:
                raise InvalidInput(f"component {kid} is listed for two parents", where="components")
            seen.add(kid)
        fitted[instance_id(parent)] = kids
    return fitted


def manufacture(
    session: Session,
    outputs: Iterable[str],
    *,
    materials: Draws | None = None,
    components: Mapping[str, Iterable[str]] | None = None,
    consumed_units: Iterable[str] = (),
    work_order: str | None = None,
    energy_kwh: float | None = None,
    location: str | None = None,
    ilmd: Mapping[str, Any] | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Record a work order: lots (and serialized inputs) consumed, serials produced, components fitted.

    Parameters
    ----------
    outputs : iterable of str
        The serials made; they must be new.
    materials : mapping, optional
        ``{lot: quantity}`` (kg) or ``{lot: (quantity, uom)}``: drawn from each lot for the whole
        order (capture shares a lot's draw equally among the outputs on the ``input_of`` edges).
    components : mapping, optional
        ``{output: [component serials]}`` fitted by assembling (``part_of``); each must be
        commissioned and in no other parent.
    consumed_units : iterable of str
        Serialized inputs that lose their identity (``inputEPCList``).
    work_order : str, optional
        URI of the production order (bizTransaction ``prodorder``, transformationID).
    energy_kwh : float, optional
        Energy used by the order (extension ``energyKWh``).

    Raises
    ------
    RuleViolation
        An output already commissioned; a lot or component not commissioned or ended; more
        drawn from a lot than remains; a component already in a parent.
    """
    when = aware(when)
    at = naive_utc(when)
    outs = instance_ids(outputs)
    draws = parse_draws(materials or {})
    fitted = _components_by_parent(components)
    strangers = [p for p in fitted if p not in outs]
    if strangers:
        raise InvalidInput(f"components are fitted to {strangers[0]}, which is not an output of this order",
                           where="components")
    consumed = list(dict.fromkeys(instance_id(u) for u in consumed_units))
    parts = [kid for kids in fitted.values() for kid in kids]
    if not (draws or consumed or parts):
        raise InvalidInput("a work order consumes lots or units or fits components", where="materials")
    objects = load_objects(session, [*outs, *draws, *consumed, *parts])
    require_new(objects, outs)
    require_active(objects, [*draws, *consumed, *parts], at, step="used in manufacture")
    if draws:
        require_lot_quantity(session, {lot: [draw] for lot, draw in draws.items()})
    if consumed or parts:
        require_not_fitted(session, [*consumed, *parts])
    place = optional_id(location)
    documents = biz_transactions(prodorder=work_order)
    events = []
    if draws or consumed:
        events.append(transformation_event(
            inputs=consumed, input_quantities=[quantity(lot, a, u) for lot, (a, u) in draws.items()],
            outputs=outs, when=when, biz_step="commissioning", disposition="active", location=place,
            read_point=place, documents=documents, transformation_id=work_order, ilmd=ilmd,
            extensions={"energyKWh": energy_kwh}))
    else:
        events.append(object_event("ADD", outs, when=when, biz_step="commissioning", disposition="active",
                                   location=place, read_point=place, documents=documents, ilmd=ilmd,
                                   extensions={"energyKWh": energy_kwh}))
    for parent, kids in fitted.items():
        events.append(aggregation_event("ADD", parent, kids, when=when, biz_step="assembling", location=place,
                                        read_point=place, documents=documents))
    return submit(session, events, name="lifecycle.manufacture")


def assemble(
    session: Session,
    parent: str,
    components: Iterable[str],
    *,
    installing: bool = False,
    location: str | None = None,
    work_order: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Fit serialized components into a parent: AggregationEvent ADD ``assembling`` (``installing`` in service).

    Raises
    ------
    RuleViolation
        If the parent or a component is not commissioned or ended, or a component is in a parent already.
    """
    when = aware(when)
    parent_id = instance_id(parent)
    kids = instance_ids(components)
    objects = load_objects(session, [parent_id, *kids])
    require_active(objects, [parent_id, *kids], naive_utc(when), step="assembled")
    require_not_fitted(session, kids, into=parent_id)
    place = optional_id(location)
    event = aggregation_event("ADD", parent_id, kids, when=when, biz_step="installing" if installing else "assembling",
                              location=place, read_point=place, documents=biz_transactions(prodorder=work_order))
    return submit(session, [event], name="lifecycle.assemble")


def _result_fields(results: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return dict(results) if results else None


def inspect(
    session: Session,
    units: Iterable[str],
    *,
    passed: bool,
    test: str | None = None,
    results: Mapping[str, Any] | None = None,
    report: str | None = None,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Record a test or inspection: ObjectEvent OBSERVE ``inspecting``, ``conformant`` or ``non_conformant``.

    ``test`` and ``results`` (``{name: value}``, names must be XML names) become the extensions
    ``test`` and ``result``; ``report`` is the test report URI (bizTransaction ``testres``).
    """
    when, ids = active_units(session, units, when, step="inspected")
    return observe(session, ids, when, location, name="lifecycle.inspect", biz_step="inspecting",
                   disposition="conformant" if passed else "non_conformant",
                   documents=biz_transactions(testres=report),
                   extensions={"test": test, "result": _result_fields(results)})


def pack(
    session: Session,
    container: str,
    items: Iterable[str],
    *,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Pack items into a logistic unit (SSCC): AggregationEvent ADD ``packing`` / ``container_closed``.

    The SSCC is commissioned first (ObjectEvent ADD) when the log has not seen it commissioned.

    Raises
    ------
    RuleViolation
        If an item is not commissioned or ended, or is already packed or fitted somewhere.
    """
    when = aware(when)
    at = naive_utc(when)
    sscc = instance_id(container)
    ids = instance_ids(items)
    objects = load_objects(session, [sscc, *ids])
    require_active(objects, ids, at, step="packed")
    require_not_fitted(session, ids, into=sscc)
    place = optional_id(location)
    events = []
    if objects[sscc].commissioned_at is None:
        events.append(object_event("ADD", [sscc], when=when, biz_step="commissioning", disposition="active",
                                   location=place, read_point=place))
    else:
        require_active(objects, [sscc], at, step="packed into")
    events.append(aggregation_event("ADD", sscc, ids, when=when, biz_step="packing", disposition="container_closed",
                                    location=place, read_point=place))
    return submit(session, events, name="lifecycle.pack")


def unpack(
    session: Session,
    container: str,
    items: Iterable[str] | None = None,
    *,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Take items (default: everything) out of a logistic unit: AggregationEvent DELETE ``unpacking``.

    Raises
    ------
    RuleViolation
        If the container is not commissioned or ended, or a named item is not in it.
    """
    when = aware(when)
    sscc = instance_id(container)
    require_active(load_objects(session, [sscc]), [sscc], naive_utc(when), step="unpacked")
    if items is None:
        ids = [c.identifier for c in contents(session, [sscc]) if c.depth == 1]
        if not ids:
            raise InvalidInput(f"{sscc} holds nothing to unpack")
    else:
        ids = instance_ids(items)
        require_fitted(open_parents(session, ids), ids, sscc)
    place = optional_id(location)
    event = aggregation_event("DELETE", sscc, ids, when=when, biz_step="unpacking", location=place,
                              read_point=place)
    return submit(session, [event], name="lifecycle.unpack")


__all__ = ["assemble", "commission_units", "inspect", "manufacture", "pack", "unpack"]
