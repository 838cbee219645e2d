"""Material metrics of a unit at a time: mass by material, recycled content, battery metals, recovery at end of life.

From the same composition as the footprint (:func:`cradletrace.metrics.graph.gather`): each
material lot drawn into the unit or into a part fitted in it at ``at``, with the mass allocated
along its ``input_of`` edge.

* recycled content = recycled mass / total mass, the recycled mass of a lot being its mass x
  its recycled fraction (ILMD ``recycledContentPre`` + ``recycledContentPost``); a lot that
  declares none counts as 0 and is listed in :attr:`MaterialMetrics.undeclared` (never assumed);
* per battery metal (cobalt, lithium, nickel, lead; EU 2023/1542 Art. 8): lots declare ILMD
  ``metal`` entries ``{name, massFraction, recycledFraction}``; the share is
  sum(mass x massFraction x recycledFraction) / sum(mass x massFraction), where declared;
* recovery rate = mass recovered at disassembly (the recovered lots) / the unit's mass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.lineage.resolve import resolve
from cradletrace.metrics.graph import World, gather
from cradletrace.metrics.footprint import lot_mass, recycled_fraction
from cradletrace.timestamps import naive_utc, utc_now
from cradletrace.units import mass_kg as to_kg

BATTERY_METALS = ("cobalt", "lithium", "nickel", "lead")


@dataclass(frozen=True)
class MaterialMetrics:
    """What a unit is made of at ``at``."""

    unit: str
    at: datetime
    mass_kg: float | None
    by_material: dict[str, float]
    material_mass_kg: float
    recycled_share: float | None
    recycled_pre_share: float | None
    recycled_post_share: float | None
    metals: dict[str, float | None]
    recovered_kg: float | None
    recovery_rate: float | None
    undeclared: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def material_rows(world: World) -> list[dict[str, Any]]:
    """One row per material draw of every unit gathered: unit, lot, material, mass and recycled shares. Pure."""
    out = []
    for root in world.roots:
        unit = world.nodes.get(root)
        if unit is None:
            continue
        for edge in world.edges.get(root, ()):
            lot = world.nodes.get(edge.src)
            if lot is None or lot.kind != "lot" or edge.kind != "input_of":
                continue
            mass = lot_mass(world, edge.quantity, edge.uom, edge.mass_kg, lot)
            share = recycled_fraction(lot)
            metals = {str(m.get("name", "")).lower(): m for m in _as_list(lot.ilmd.get("metal"))}
            out.append({"unit": unit.identifier, "gtin": unit.gtin, "lot": lot.identifier,
                        "material": lot.ilmd.get("material") or lot.product_attributes.get("material") or "(undeclared)",
                        "supplier": lot.ilmd.get("supplier"), "mass_kg": mass,
                        "recycled_fraction": share, "recycled_pre": lot.ilmd.get("recycledContentPre"),
                        "recycled_post": lot.ilmd.get("recycledContentPost"), "event_id": edge.event_id,
                        **{f"{m}_fraction": _float(metals.get(m, {}).get("massFraction")) for m in BATTERY_METALS},
                        **{f"{m}_recycled": _float(metals.get(m, {}).get("recycledFraction")) for m in BATTERY_METALS}})
    return out


def recovery_rows(world: World) -> list[dict[str, Any]]:
    """One row per unit gathered: its mass and the mass recovered at its disassembly (by ``at``). Pure."""
    out = []
    for root in world.roots:
        unit = world.nodes.get(root)
        if unit is None:
            continue
        recovered = None
        for e in world.events.get(root, ()):
            if e.biz_step == "disassembling" and e.role == "input":
                recovered = (recovered or 0.0) + sum(to_kg(q.get("quantity"), q.get("uom") or "KGM") or 0.0
                                                     for q in e.payload.get("outputQuantityList") or ())
        out.append({"unit": unit.identifier, "gtin": unit.gtin, "mass_kg": unit.product_mass_kg,
                    "recovered_kg": recovered})
    return out


def _as_list(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def materials(session: Session, unit: str, at: datetime | None = None) -> MaterialMetrics:
    """Mass by material, recycled content and recovery rate of ``unit`` at ``at`` (default now).

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    """
    moment = naive_utc(at) or utc_now()
    start = resolve(session, unit, where="unit")
    world = gather(session, [start.id], moment)
    rows = material_rows(world)
    recovery = recovery_rows(world)
    mass = recovery[0]["mass_kg"] if recovery else None
    recovered = recovery[0]["recovered_kg"] if recovery else None
    return summarise_materials(start.identifier, moment, rows, mass, recovered)


def _share(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def summarise_materials(unit: str, at: datetime, rows: list[dict[str, Any]], mass: float | None,
                        recovered: float | None) -> MaterialMetrics:
    """The :class:`MaterialMetrics` of one unit's material rows."""
    by_material: dict[str, float] = defaultdict(float)
    total = recycled = pre = post = 0.0
    undeclared = []
    metal_num: dict[str, float] = defaultdict(float)
    metal_den: dict[str, float] = defaultdict(float)
    declared: set[str] = set()
    for r in rows:
        m = r["mass_kg"]
        if m is None:
            continue
        by_material[r["material"]] += m
        total += m
        if r["recycled_fraction"] is None:
            undeclared.append(r["lot"])
        recycled += m * (r["recycled_fraction"] or 0.0)
        pre += m * (r["recycled_pre"] or 0.0)
        post += m * (r["recycled_post"] or 0.0)
        for metal in BATTERY_METALS:
            fraction = r[f"{metal}_fraction"]
            if fraction:
                metal_den[metal] += m * fraction
                if r[f"{metal}_recycled"] is not None:
                    metal_num[metal] += m * fraction * r[f"{metal}_recycled"]
                    declared.add(metal)
    metals = {metal: _share(metal_num[metal], metal_den[metal]) if metal in declared else None
              for metal in BATTERY_METALS if metal_den[metal]}
    rate = recovered / mass if recovered is not None and mass else None
    return MaterialMetrics(unit, at, mass, dict(by_material), total, _share(recycled, total), _share(pre, total),
                           _share(post, total), metals, recovered, rate, tuple(dict.fromkeys(undeclared)),
                           tuple(rows))
