"""The carbon footprint of a unit at a time, stage by stage, every figure explained by the rows it was summed from.

Stages (EN 15804 modules in brackets; docs/metrics.md):

* ``materials`` (A1): each material lot's mass allocated to the unit along ``input_of`` edges
  (capture shares a work order's draw equally among its outputs) x the lot's factor: its
  supplier PCF (ILMD ``pcfKgCO2ePerKg``, or the lot product's attribute), else the material's
  default factor, blended primary / recycled by the lot's recycled fraction where the set has both;
* ``manufacturing`` (A3): a work order's ``energyKWh`` shared equally among its outputs x the grid
  factor of the country of the event's location;
* ``transport`` (A2 inbound lots, A4 to the customer, B2 in service, C2 after the end of use):
  tonne-km (unit or lot mass x distance declared on the event, else between the locations'
  coordinates) x the mode's factor;
* ``use`` (B6): the product's ``useEnergyKWhPerYear``, or ``ratedPowerW`` x ``dutyCycle``, x the
  time installed (installation to the end of use, or ``at``) x the grid factor where installed;
* ``service`` (B4): everything of a part fitted in service (``replacing``/``installing``): its
  materials, manufacture and transport;
* ``end_of_life`` (C3/C4): recovered mass x the recycling factor, disposed mass x its route's factor;
* ``credits`` (D): net secondary material recovered x (primary - recycled factor), negative,
  reported apart and never added to the total.

The composition is the one at ``at``: a part removed before then takes its footprint with it.
Every figure is a row of :attr:`Footprint.rows` (lot or unit, mass, factor with its source,
year and licence, event); a figure that cannot be computed is a row with ``kg_co2e`` ``None``
and ``missing`` saying why (a gap, never a zero).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.identifiers.own_vocabulary import DISPOSING
from cradletrace.lineage.resolve import resolve
from cradletrace.metrics.factors import (
    FACTOR_SET,
    Factor,
    convert,
    eol_key,
    factor,
    grid_key,
    material_key,
    recycled_key,
    transport_key,
)
from cradletrace.metrics.graph import SERVICE_FIT_STEPS, EventInfo, NodeInfo, World, gather
from cradletrace.timestamps import naive_utc, utc_now
from cradletrace.units import mass_kg as to_kg

STAGES = ("materials", "manufacturing", "transport", "use", "service", "end_of_life")
"""The stages of the total (A-C), in life order; ``credits`` (D) is reported apart."""
CREDITS = "credits"
GHG_STAGES = {"materials": "material acquisition and pre-processing", "manufacturing": "production",
              "transport": "distribution and storage", "use": "use", "service": "use", "end_of_life": "end of life",
              CREDITS: "(not in the total)"}
"""Each stage's GHG Protocol Product Standard stage."""

ROW_FIELDS = ("unit", "stage", "module", "subject", "via", "event_id", "activity", "activity_unit", "factor_key",
              "factor", "factor_unit", "factor_source", "factor_year", "factor_license", "factor_set", "kg_co2e",
              "method", "missing")
"""The columns of an explanation row."""

HOURS_PER_YEAR = 8760.0


@dataclass(frozen=True)
class Footprint:
    """A unit's footprint at ``at``: kg CO2e by stage, the A-C total, D apart, and every row behind them."""

    unit: str
    at: datetime
    stages: dict[str, float]
    total: float
    credits: float
    rows: tuple[dict[str, Any], ...]
    mass_kg: float | None

    @property
    def gaps(self) -> tuple[dict[str, Any], ...]:
        """The rows that could not be computed (missing data), each saying why."""
        return tuple(r for r in self.rows if r["kg_co2e"] is None)

    @property
    def complete(self) -> bool:
        """No gap: every figure behind the total was computed."""
        return not self.gaps

    @property
    def per_kg(self) -> float | None:
        """The total per kg of product (``None`` without the product's mass)."""
        return self.total / self.mass_kg if self.mass_kg else None

    def explain(self, stage: str) -> list[dict[str, Any]]:
        """The rows one stage's figure was summed from."""
        return [r for r in self.rows if r["stage"] == stage]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the figures, the GHG Protocol stages, the rows and the gaps."""
        return {"unit": self.unit, "at": self.at, "factor_set": FACTOR_SET, "stages": dict(self.stages),
                "ghg_stages": {s: GHG_STAGES[s] for s in self.stages}, "total_kg_co2e": self.total,
                "credits_kg_co2e": self.credits, "mass_kg": self.mass_kg, "per_kg": self.per_kg,
                "complete": self.complete, "rows": [dict(r) for r in self.rows], "gaps": [dict(r) for r in self.gaps]}


def footprint(session: Session, unit: str, at: datetime | None = None) -> Footprint:
    """The cradle-to-grave footprint of ``unit`` at ``at`` (default now), by stage, with its explanation rows.

    A constant number of statements (one recursive query, then the nodes, events and
    locations it reached), whatever the size of the unit's tree.

    Parameters
    ----------
    session : Session
        Read only.
    unit : str
        The unit in any identifier form.
    at : datetime, optional
        The moment (naive = UTC); the composition, the events and the time in service are those up to it.

    Returns
    -------
    Footprint

    Raises
    ------
    NotFound
        For an identifier that was never recorded.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> from cradletrace.lifecycle import commission_units, sgtin
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> _ = commission_units(session, [sgtin("09506000134352", "FP-1")])
    >>> fp = footprint(session, sgtin("09506000134352", "FP-1"))
    >>> fp.total, fp.stages["materials"], fp.rows
    (0.0, 0.0, ())
    >>> session.rollback()
    """
    moment = naive_utc(at) or utc_now()
    start = resolve(session, unit, where="unit")
    rows = footprint_rows(gather(session, [start.id], moment))
    return summarise(start.identifier, moment, rows, gather_mass(rows))


def gather_mass(rows: Sequence[dict[str, Any]]) -> float | None:
    """The unit mass the rows were computed with (``None`` when unknown)."""
    return next((r["_unit_mass"] for r in rows if r.get("_unit_mass") is not None), None)


def summarise(unit: str, at: datetime, rows: Sequence[dict[str, Any]], mass: float | None) -> Footprint:
    """Sum explanation rows into a :class:`Footprint` (gaps count as nothing, and are kept as rows)."""
    stages = {s: 0.0 for s in STAGES}
    credits = 0.0
    for r in rows:
        if r["kg_co2e"] is None:
            continue
        if r["stage"] == CREDITS:
            credits += r["kg_co2e"]
        else:
            stages[r["stage"]] += r["kg_co2e"]
    clean = tuple({k: r.get(k) for k in ROW_FIELDS} for r in rows)
    return Footprint(unit, at, stages, math.fsum(stages.values()), credits, clean, mass)


# -- the rows -----------------------------------------------------------------------------------

def _row(unit: NodeInfo, stage: str, module: str, *, subject: str, via: str | None = None, event_id: str | None = None,
         activity: float | None, activity_unit: str, fac: Factor | None, method: str, factor_key: str | None = None,
         missing: str | None = None, sign: float = 1.0) -> dict[str, Any]:
    row: dict[str, Any] = {"unit": unit.identifier, "stage": stage, "module": module, "subject": subject, "via": via,
                           "event_id": event_id, "activity": activity, "activity_unit": activity_unit,
                           "method": method, "_unit_mass": unit.product_mass_kg}
    if fac is not None:
        row.update(fac.explain())
    else:
        row.update({"factor_key": factor_key, "factor": None, "factor_unit": None, "factor_source": None,
                    "factor_year": None, "factor_license": None, "factor_set": None})
    if missing is None and fac is not None and fac.value is None:
        missing = f"factor {fac.category}.{fac.key} is a gap in {FACTOR_SET}: {fac.source}"
    if missing is None and activity is None:
        missing = "activity not recorded"
    row["missing"] = missing
    row["kg_co2e"] = None if missing else sign * activity * row["factor"]  # type: ignore[operator]
    return row


def _own_factor(node: NodeInfo) -> Factor | None:
    """A supplier-specific factor of a lot (its ILMD, else its product's master data)."""
    for where, attrs in (("lot ILMD", node.ilmd), ("product master data", node.product_attributes)):
        value = attrs.get("pcfKgCO2ePerKg")
        if value is not None:
            source = attrs.get("pcfSource") or f"supplier PCF ({where} pcfKgCO2ePerKg of {node.identifier})"
            year = attrs.get("pcfYear")
            return Factor("supplier", node.identifier, float(value), "kg CO2e/kg", str(source),
                          int(year) if year else None, attrs.get("pcfLicense"), factor_set="supplier")
    return None


def _material(node: NodeInfo) -> str | None:
    return node.ilmd.get("factorKey") or node.product_attributes.get("factorKey") or \
        node.ilmd.get("material") or node.product_attributes.get("material")


def recycled_fraction(node: NodeInfo) -> float | None:
    """A lot's recycled fraction (pre- + post-consumer) from its ILMD or product, ``None`` when undeclared."""
    value = node.ilmd.get("recycledFraction")
    if value is None and (node.ilmd.get("recycledContentPre") is not None
                          or node.ilmd.get("recycledContentPost") is not None):
        value = (node.ilmd.get("recycledContentPre") or 0.0) + (node.ilmd.get("recycledContentPost") or 0.0)
    if value is None:
        value = node.product_attributes.get("recycledFraction")
    return None if value is None else float(value)


def lot_mass(world: World, edge_quantity: float | None, uom: str | None, edge_mass: float | None,
             lot: NodeInfo) -> float | None:
    """The mass in kg drawn along an ``input_of`` edge: its own, else its count x the lot's mass per item."""
    if edge_mass is not None:
        return edge_mass
    if edge_quantity is None:
        return None
    if lot.product_mass_kg:
        return edge_quantity * lot.product_mass_kg
    registered = [e for e in world.events.get(lot.id, ()) if e.biz_step == "commissioning" and e.uom == uom
                  and e.quantity]
    total = lot.ilmd.get("massKg")
    if registered and total:
        return edge_quantity * float(total) / sum(e.quantity for e in registered)  # type: ignore[misc]
    return None


def _material_rows(world: World, unit: NodeInfo, lot: NodeInfo, mass: float | None, stage: str, via: str,
                   event_id: str | None) -> list[dict[str, Any]]:
    own = _own_factor(lot)
    common = dict(subject=lot.identifier, via=via, event_id=event_id, activity_unit="kg")
    if mass is None:
        return [_row(unit, stage, "A1", activity=None, fac=own, method="mass drawn x factor",
                     missing=f"no mass for the draw from {lot.identifier} (no mass unit, no mass per item)", **common)]
    if own is not None:
        return [_row(unit, stage, "A1", activity=mass, fac=own, method="mass drawn x supplier PCF", **common)]
    name = _material(lot)
    key = material_key(name)
    if key is None:
        why = f"lot {lot.identifier} declares no material" if not name else \
            f"material {name!r} of {lot.identifier} has no factor in {FACTOR_SET}"
        return [_row(unit, stage, "A1", activity=mass, fac=None, method="mass drawn x material factor",
                     missing=why, **common)]
    primary = factor("material", key)
    share = recycled_fraction(lot)
    rkey = recycled_key(key)
    recycled = factor("material", rkey) if rkey else None
    if share and recycled is not None and recycled.value is not None:
        rows = [_row(unit, stage, "A1", activity=mass * share, fac=recycled,
                     method=f"recycled share {share:g} of the mass drawn x recycled-content factor", **common)]
        if share < 1.0:
            rows.append(_row(unit, stage, "A1", activity=mass * (1.0 - share), fac=primary,
                             method=f"primary share {1 - share:g} of the mass drawn x primary factor", **common))
        return rows
    method = "mass drawn x material factor" + (" (no recycled-content factor: primary applied)" if share else "")
    return [_row(unit, stage, "A1", activity=mass, fac=primary, method=method, **common)]


def _distance(world: World, event: EventInfo) -> tuple[float | None, str]:
    declared = event.extension("distanceKm")
    if declared is not None:
        return float(declared), "distance declared on the event"
    ends = {}
    for name, key in (("sourceList", "source"), ("destinationList", "destination")):
        for e in event.payload.get(name) or ():
            if e.get("type") == "location" and e.get(key):
                ends[key] = world.locations.get(e[key], (None, {}))[1]
    a, b = ends.get("source") or {}, ends.get("destination") or {}
    try:
        points = [(float(x["latitude"]), float(x["longitude"])) for x in (a, b)]
    except (KeyError, TypeError, ValueError):
        return None, "no distance declared and no coordinates for both locations"
    return great_circle_km(*points[0], *points[1]), "great-circle distance between the locations' coordinates"


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle (haversine) distance in km between two points in degrees.

    Examples
    --------
    >>> round(great_circle_km(48.8566, 2.3522, 52.5200, 13.4050))  # Paris - Berlin
    877
    """
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def _legs(world: World, node: NodeInfo, end_of_use: datetime | None, installed: datetime | None,
          root: bool) -> list[tuple[EventInfo, str]]:
    """The transport legs of a unit or lot, each with its EN 15804 module."""
    legs = []
    for e in world.events.get(node.id, ()):
        if e.biz_step not in ("shipping", "receiving") or e.role != "epc":
            continue
        if e.biz_step == "receiving" and e.extension("distanceKm") is None:
            continue  # a receipt counts only when it declares its leg; a shipment is the leg otherwise
        if node.kind == "lot":
            module = "A2"
        elif not root:
            module = "A2"
        elif end_of_use is not None and e.event_time >= end_of_use:
            module = "C2"
        elif installed is not None and e.event_time > installed:
            module = "B2"
        else:
            module = "A4"
        legs.append((e, module))
    return legs


def _transport_rows(world: World, unit: NodeInfo, node: NodeInfo, mass: float | None, stage: str,
                    end_of_use: datetime | None, installed: datetime | None, root: bool,
                    via: str | None) -> list[dict[str, Any]]:
    rows = []
    for e, module in _legs(world, node, end_of_use, installed, root):
        mode = e.extension("transportMode")
        key = transport_key(mode)
        fac = factor("transport", key) if key else None
        distance, how = _distance(world, e)
        missing = None
        if fac is None:
            missing = f"transport mode {mode!r} has no factor in {FACTOR_SET}" if mode else "no transport mode declared"
        elif distance is None:
            missing = how
        elif mass is None:
            missing = f"no mass for {node.identifier} (product mass_kg or lot massKg)"
        tkm = convert(mass * distance, "kg * km", "t * km") if mass is not None and distance is not None else None
        rows.append(_row(unit, stage, module, subject=node.identifier, via=via, event_id=e.event_id, activity=tkm,
                         activity_unit="t.km", fac=fac, factor_key=f"transport.{mode}" if mode else None,
                         method=f"mass x {how} x mode factor", missing=missing))
    return rows


def _lot_transport_rows(world: World, unit: NodeInfo, lot: NodeInfo, mass: float | None, stage: str,
                        via: str) -> list[dict[str, Any]]:
    return _transport_rows(world, unit, lot, mass, stage, None, None, False, via)


def _production_rows(world: World, unit: NodeInfo, node: NodeInfo, stage: str, via: str | None
                     ) -> list[dict[str, Any]]:
    rows = []
    for e in world.events.get(node.id, ()):
        if e.biz_step != "commissioning" or e.role not in ("output", "epc"):
            continue
        energy = e.extension("energyKWh")
        if energy is None:
            continue
        country = world.locations.get(e.location or "", (None, {}))[0]
        key = grid_key(country)
        fac = factor("electricity", key) if key else None
        missing = None
        if fac is None:
            missing = (f"no grid factor for country {country!r} in {FACTOR_SET}" if country else
                       f"no country for the production location {e.location or '(none)'}")
        share = float(energy) / max(e.outputs, 1)
        rows.append(_row(unit, stage, "A3", subject=node.identifier, via=via, event_id=e.event_id, activity=share,
                         activity_unit="kWh", fac=fac, factor_key=f"electricity.{country}" if country else None,
                         method=f"work order energy {float(energy):g} kWh / {max(e.outputs, 1)} outputs x grid factor",
                         missing=missing))
    return rows


def _end_of_use(world: World, node: NodeInfo) -> datetime | None:
    ends = [e.event_time for e in world.events.get(node.id, ()) if e.biz_step in
            ("decommissioning", "disassembling", "destroying", DISPOSING)]
    return min(ends) if ends else None


def _installed(world: World, node: NodeInfo) -> EventInfo | None:
    return next((e for e in world.events.get(node.id, ()) if e.biz_step == "installing" and e.role == "epc"), None)


def _use_rows(world: World, unit: NodeInfo, end_of_use: datetime | None) -> list[dict[str, Any]]:
    install = _installed(world, unit)
    if install is None:
        return []
    until = min(end_of_use, world.at) if end_of_use else world.at
    hours = max((until - install.event_time).total_seconds() / 3600.0, 0.0)
    attrs = unit.product_attributes
    country = world.locations.get(install.location or "", (None, {}))[0]
    key = grid_key(country)
    fac = factor("electricity", key) if key else None
    if attrs.get("useEnergyKWhPerYear") is not None:
        kwh = float(attrs["useEnergyKWhPerYear"]) * hours / HOURS_PER_YEAR
        method = f"useEnergyKWhPerYear {attrs['useEnergyKWhPerYear']:g} x {hours / HOURS_PER_YEAR:.4g} years installed"
    elif attrs.get("ratedPowerW") is not None:
        duty = float(attrs.get("dutyCycle", 1.0))
        kwh = convert(float(attrs["ratedPowerW"]) * duty * hours, "W * h", "kWh")
        method = f"ratedPowerW {attrs['ratedPowerW']:g} x dutyCycle {duty:g} x {hours:.6g} h installed"
    else:
        kwh, method = None, "rated power or energy use x time installed"
    missing = None
    if kwh is None:
        missing = f"product {unit.gtin} declares no ratedPowerW or useEnergyKWhPerYear"
    elif fac is None:
        missing = f"no grid factor for country {country!r}" if country else "no country for the installation site"
    return [_row(unit, "use", "B6", subject=unit.identifier, event_id=install.event_id, activity=kwh,
                 activity_unit="kWh", fac=fac, factor_key=f"electricity.{country}" if country else None,
                 method=method + " x grid factor where installed", missing=missing)]


def _end_rows(world: World, unit: NodeInfo, recycled_in: dict[str, float]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    mass = unit.product_mass_kg
    for e in world.events.get(unit.id, ()):
        if e.biz_step == "disassembling" and e.role == "input":
            recovered_total = 0.0
            for q in e.payload.get("outputQuantityList") or ():
                kg = to_kg(q.get("quantity"), q.get("uom") or "KGM")
                recovered_total += kg or 0.0
                fac = factor("eol", "recycling_open_loop")
                rows.append(_row(unit, "end_of_life", "C3", subject=q["epcClass"], event_id=e.event_id, activity=kg,
                                 activity_unit="kg", fac=fac, method="mass recovered for recycling x recycling factor"))
                rows += _credit_rows(world, unit, q["epcClass"], kg, e.event_id, recycled_in)
            if mass is None:
                rows.append(_row(unit, "end_of_life", "C4", subject=unit.identifier, event_id=e.event_id,
                                 activity=None, activity_unit="kg", fac=None, method="residual mass x route factor",
                                 missing=f"product {unit.gtin} has no mass: the residual after recovery is unknown"))
            elif mass - recovered_total > 1e-9:
                rows.append(_row(unit, "end_of_life", "C4", subject=unit.identifier, event_id=e.event_id,
                                 activity=mass - recovered_total, activity_unit="kg", fac=None,
                                 method="residual mass x route factor",
                                 missing=f"route of the residual {mass - recovered_total:g} kg not recorded"))
        elif e.biz_step in (DISPOSING, "destroying") and e.role == "epc":
            route = e.extension("disposalMethod") or e.extension("destructionMethod")
            key = eol_key(route)
            fac = factor("eol", key) if key else None
            missing = None if fac is not None else (
                f"route {route!r} has no factor in {FACTOR_SET}" if route else "no disposal route recorded")
            rows.append(_row(unit, "end_of_life", "C4", subject=unit.identifier, event_id=e.event_id, activity=mass,
                             activity_unit="kg", fac=fac, factor_key=f"eol.{route}" if route else None,
                             method=f"unit mass x {route or 'route'} factor",
                             missing=missing or (None if mass is not None else f"product {unit.gtin} has no mass")))
    return rows


def _credit_rows(world: World, unit: NodeInfo, lot_identifier: str, kg: float | None, event_id: str,
                 recycled_in: dict[str, float]) -> list[dict[str, Any]]:
    lot = world.by_identifier.get(lot_identifier)
    key = material_key(_material(lot)) if lot else None
    rkey = recycled_key(key) if key else None
    if kg is None or key is None or rkey is None:
        return []  # no material with a recycled-content factor: no credit claimed
    primary, recycled = factor("material", key), factor("material", rkey)
    if primary is None or recycled is None or primary.value is None or recycled.value is None:
        return []
    net = kg - recycled_in.get(key, 0.0)
    recycled_in[key] = max(recycled_in.get(key, 0.0) - kg, 0.0)
    if net <= 0:
        return []
    delta = Factor("material", f"{key}-{rkey}", primary.value - recycled.value, "kg CO2e/kg",
                   f"{primary.source} minus {recycled.source}", primary.year, primary.license)
    return [_row(unit, CREDITS, "D", subject=lot_identifier, event_id=event_id, activity=net, activity_unit="kg",
                 fac=delta, sign=-1.0,
                 method="net secondary material (recovered - recycled content) x (primary - recycled factor)")]


def footprint_rows(world: World) -> list[dict[str, Any]]:
    """Every explanation row of every unit ``world`` was gathered for (pure: no database).

    Walks each unit's edge rows once, in depth order; a part fitted in service
    (:data:`~cradletrace.metrics.graph.SERVICE_FIT_STEPS`) takes everything below it to the
    ``service`` stage.
    """
    out: list[dict[str, Any]] = []
    for root in world.roots:
        unit = world.nodes.get(root)
        if unit is None:
            continue
        end_of_use = _end_of_use(world, unit)
        install = _installed(world, unit)
        in_service = {root: False}
        recycled_in: dict[str, float] = defaultdict(float)
        units = [(unit, False, None)]
        for edge in world.edges.get(root, ()):
            if edge.src in in_service and edge.kind == "part_of":
                continue  # reached twice (a diamond): counted once
            service = in_service.get(edge.dst, False) or (edge.kind == "part_of" and edge.biz_step in SERVICE_FIT_STEPS)
            node = world.nodes.get(edge.src)
            if node is None:
                continue
            via = world.nodes[edge.dst].identifier if edge.dst in world.nodes else None
            stage = "service" if service else "materials"
            if node.kind == "lot" and edge.kind == "input_of":
                mass = lot_mass(world, edge.quantity, edge.uom, edge.mass_kg, node)
                rows = _material_rows(world, unit, node, mass, stage, via or "", edge.event_id)
                share = recycled_fraction(node)
                key = material_key(_material(node))
                if key and share and mass:
                    recycled_in[key] += mass * share
                out += rows
                out += _lot_transport_rows(world, unit, node, mass, "service" if service else "transport", via or "")
            elif node.kind == "unit":
                in_service[edge.src] = service
                units.append((node, service, via))
        for node, service, via in units:
            out += _production_rows(world, unit, node, "service" if service else "manufacturing", via)
            if node is not unit:
                out += _transport_rows(world, unit, node, node.product_mass_kg, "service" if service else "transport",
                                       None, None, False, via)
        out += _transport_rows(world, unit, unit, unit.product_mass_kg, "transport", end_of_use,
                               install.event_time if install else None, True, None)
        out += _use_rows(world, unit, end_of_use)
        out += _end_rows(world, unit, recycled_in)
    return out


__all__ = ["CREDITS", "Footprint", "GHG_STAGES", "ROW_FIELDS", "STAGES", "footprint", "footprint_rows", "lot_mass",
           "recycled_fraction", "summarise"]
