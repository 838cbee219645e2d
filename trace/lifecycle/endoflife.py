"""End of life: decommission, collect, disassemble into recovered-material lots, destroy, dispose.

Event shapes:

* decommission: ObjectEvent DELETE ``decommissioning`` / ``inactive`` (status
  ``decommissioned``). A decommissioned unit may still be collected, shipped to and
  received by a recycler, disassembled, destroyed or disposed of, nothing else.
* collect: ObjectEvent OBSERVE ``collecting`` / ``non_sellable_other`` ("collected for
  disposal, recycling or re-use"), source = the last owner, destination = the collector.
* disassemble: components taken out for re-use (``harvested``) are first removed
  (AggregationEvent DELETE ``removing``, so they stay live); then one TransformationEvent
  ``disassembling`` with the unit and every other object still inside it as inputs and
  the recovered-material lots as ``outputQuantityList`` (masses, ``KGM`` by default), ILMD
  on the outputs ``recoveredFrom``, ``recycledContentPost`` = ``recycledFraction`` = 1.0.
  Those lots can be consumed by a new manufacture (cradle to cradle).
* destroy: ObjectEvent OBSERVE ``destroying`` / ``destroyed``; dispose: ObjectEvent
  OBSERVE cradletrace ``BizStep-disposing`` / ``disposed`` with ``disposalMethod``.
  Both also name what is still fitted inside the unit, which shares its fate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.log.capture import CaptureReport
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.lifecycle.common import (
    class_id,
    instance_id,
    instance_ids,
    observe,
    optional_id,
    submit,
)
from cradletrace.lifecycle.events import (
    DISPOSING,
    aggregation_event,
    object_event,
    quantity,
    source_destination,
    transformation_event,
)
from cradletrace.lifecycle.rules import END_OF_LIFE_ALLOWED, active_units, contents, load_objects, require_active
from cradletrace.timestamps import aware, naive_utc
from cradletrace.units import mass_kg


def decommission(
    session: Session,
    units: Iterable[str],
    *,
    reason: str | None = None,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Take units out of service for good: ObjectEvent DELETE ``decommissioning`` / ``inactive``.

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or already ended.
    """
    when, ids = active_units(session, units, when, step="decommissioned")
    place = optional_id(location)
    event = object_event("DELETE", ids, when=when, biz_step="decommissioning", disposition="inactive",
                         location=place, read_point=place, extensions={"decommissioningReason": reason})
    return submit(session, [event], name="lifecycle.decommission")


def collect(
    session: Session,
    units: Iterable[str],
    *,
    location: str,
    collector: str | None = None,
    from_party: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Collect units for recycling, re-use or disposal: ``collecting`` / ``non_sellable_other``.

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or ended (decommissioned units may be collected).
    """
    when, ids = active_units(session, units, when, step="collected", allow=END_OF_LIFE_ALLOWED)
    place = optional_id(location)
    event = object_event(
        "OBSERVE", ids, when=when, biz_step="collecting", disposition="non_sellable_other", location=place,
        read_point=place,
        **source_destination(from_party=optional_id(from_party), to_party=optional_id(collector), to_location=place,
                             to_possessor=optional_id(collector)),
    )
    return submit(session, [event], name="lifecycle.collect")


def disassemble(
    session: Session,
    unit: str,
    recovered: Mapping[str, float],
    *,
    uom: str = "KGM",
    harvested: Iterable[str] = (),
    location: str | None = None,
    work_order: str | None = None,
    energy_kwh: float | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Disassemble a unit into recovered-material lots ``{lot: mass}``, keeping ``harvested`` parts for re-use.

    Raises
    ------
    RuleViolation
        If the unit is not commissioned or ended (a decommissioned unit may be disassembled),
        or a harvested part is not inside it.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> from cradletrace.lifecycle.common import lgtin, sgtin
    >>> from cradletrace.lifecycle.manufacturing import commission_units
    >>> from sqlalchemy.orm import Session
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> unit = sgtin("09506000134352", "EOL-1")
    >>> _ = commission_units(session, [unit], when=datetime(2020, 1, 1, tzinfo=timezone.utc))
    >>> disassemble(session, unit, {lgtin("09506000134369", "RCU-1"): 1.25},
    ...             when=datetime(2030, 1, 1, tzinfo=timezone.utc)).captured
    1
    >>> session.rollback()
    """
    when = aware(when)
    unit_id = instance_id(unit)
    kept = instance_ids(harvested) if harvested else []
    lots = {class_id(lot): mass for lot, mass in recovered.items()}
    if not lots:
        raise InvalidInput("disassembly recovers at least one lot", where="recovered")
    require_active(load_objects(session, [unit_id]), [unit_id], naive_utc(when), step="disassembled",
                   allow=END_OF_LIFE_ALLOWED)
    inside = contents(session, [unit_id])
    by_id = {c.identifier: c for c in inside}
    missing = [k for k in kept if k not in by_id or k == unit_id]
    if missing:
        raise RuleViolation(f"{missing[0]} is not inside {unit_id}", where="rule only a fitted component is removed")
    parents = {c.identifier: c.parent for c in inside if c.parent is not None}
    kept_subtrees = _subtrees(kept, parents)
    consumed = [c.identifier for c in inside if c.identifier not in kept_subtrees]
    place = optional_id(location)
    events: list[dict[str, Any]] = []
    by_parent: dict[str, list[str]] = {}
    for part in kept:
        by_parent.setdefault(parents[part], []).append(part)
    for holder, parts in by_parent.items():
        events.append(aggregation_event("DELETE", holder, parts, when=when, biz_step="removing", location=place,
                                        read_point=place))
    total = sum(mass_kg(m, uom) or 0.0 for m in lots.values()) or None
    events.append(transformation_event(
        inputs=consumed, output_quantities=[quantity(lot, m, uom) for lot, m in lots.items()], when=when,
        biz_step="disassembling", location=place, read_point=place, transformation_id=work_order,
        ilmd={"recoveredFrom": unit_id, "recycledContentPost": 1.0, "recycledFraction": 1.0},
        extensions={"energyKWh": energy_kwh, "recoveredMassKg": total},
    ))
    return submit(session, events, name="lifecycle.disassemble")


def _subtrees(roots: list[str], parents: dict[str, str]) -> set[str]:
    keep = set(roots)
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in keep and child not in keep:
                keep.add(child)
                changed = True
    return keep


def _end(session: Session, units: Iterable[str], when: datetime | None, *, biz_step: str, disposition: str,
         step: str, location: str | None, extensions: Mapping[str, Any], name: str) -> CaptureReport:
    when, ids = active_units(session, units, when, step=step, allow=END_OF_LIFE_ALLOWED)
    everything = list(dict.fromkeys([*ids, *(c.identifier for c in contents(session, ids))]))
    return observe(session, everything, when, location, name=name, biz_step=biz_step, disposition=disposition,
                   extensions=extensions)


def destroy(
    session: Session,
    units: Iterable[str],
    *,
    method: str | None = None,
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Destroy units (and what is fitted in them): ``destroying`` / ``destroyed``.

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or ended (decommissioned units may be destroyed).
    """
    return _end(session, units, when, biz_step="destroying", disposition="destroyed", step="destroyed",
                location=location, extensions={"destructionMethod": method}, name="lifecycle.destroy")


def dispose(
    session: Session,
    units: Iterable[str],
    *,
    method: str = "landfill",
    location: str | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Dispose of units (landfill, incineration, energy_recovery): cradletrace ``BizStep-disposing`` / ``disposed``.

    Raises
    ------
    RuleViolation
        If a unit is not commissioned or ended (decommissioned units may be disposed of).
    """
    return _end(session, units, when, biz_step=DISPOSING, disposition="disposed", step="disposed of",
                location=location, extensions={"disposalMethod": method}, name="lifecycle.dispose")
