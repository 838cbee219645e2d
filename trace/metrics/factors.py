"""Emission factors: the versioned factor set shipped with the package, its lookups, and unit conversion.

The factor set is ``cradletrace/data/factors-<version>.csv`` (columns ``category, key, unit,
value, source, year, license``), written from public factor sets (UK DESNZ 2025, Ember, IPCC;
METRICS §2). A row with an empty ``value`` is a **gap**: it is kept (so a lookup can say the
factor is known to be missing, and why) but never read as zero. Every value is converted on
load, with pint, to the unit the footprint multiplies with: kg CO2e per kg (materials, end of
life), per kWh (electricity) and per tonne-kilometre (transport).

A lot's own factor (ILMD ``pcfKgCO2ePerKg``, or ``pcfKgCO2ePerKg`` in its product's
attributes) overrides the default: see :mod:`cradletrace.metrics.footprint`.

Examples
--------
>>> f = factor("material", "aluminium_primary")
>>> round(f.value, 5), f.unit, f.year, f.license
(9.1159, 'kg CO2e/kg', 2025, 'OGL-3.0')
>>> factor("material", "copper").value is None  # a gap, not zero
True
>>> material_key("Aluminum"), recycled_key("aluminium_primary")
('aluminium_primary', 'aluminium_recycled')
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

VERSION = "2025.1"
"""Version of the shipped factor set (the file ``factors-<VERSION>.csv``)."""
FACTOR_SET = f"cradletrace-factors-{VERSION}"

# The unit each category's values are converted to on load (pint expressions, CO2e left out).
CANONICAL = {"material": ("kg", "kg CO2e/kg"), "eol": ("kg", "kg CO2e/kg"),
             "electricity": ("kWh", "kg CO2e/kWh"), "transport": ("t * km", "kg CO2e/t.km"),
             "gwp": ("kg", "kg CO2e/kg gas")}

# Common material names -> factor keys (a lot's ILMD ``material`` may also be a key itself).
MATERIAL_ALIASES = {
    "steel": "steel_primary", "sheet steel": "steel_primary", "stainless steel": "stainless_steel",
    "aluminium": "aluminium_primary", "aluminum": "aluminium_primary", "copper": "copper",
    "pp": "plastic_pp", "polypropylene": "plastic_pp", "pet": "plastic_pet", "hdpe": "plastic_hdpe",
    "pvc": "plastic_pvc", "ps": "plastic_ps", "abs": "plastic_abs", "pc": "plastic_pc",
    "polycarbonate": "plastic_pc", "plastic": "plastic_average", "glass": "glass_primary",
    "li-ion battery": "battery_li_ion", "lithium-ion battery": "battery_li_ion", "battery": "battery_li_ion",
    "pcb": "electronics_it", "electronics": "electronics_it", "cardboard": "cardboard_primary",
    "board": "cardboard_primary", "rubber": "rubber_tyres",
}
RECYCLED_VARIANT = {
    "steel_primary": "steel_recycled_content", "aluminium_primary": "aluminium_recycled",
    "plastic_pp": "plastic_pp_recycled", "plastic_pet": "plastic_pet_recycled", "glass_primary": "glass_recycled",
    "cardboard_primary": "cardboard_recycled",
}
TRANSPORT_MODES = {
    "road": "road_hgv_diesel_all_avg_laden", "truck": "road_hgv_diesel_all_avg_laden",
    "van": "road_van_diesel_avg", "rail": "rail_freight", "sea": "sea_container_avg",
    "ship": "sea_container_avg", "air": "air_longhaul_with_rf",
}
EOL_ROUTES = {
    "recycling": "recycling_open_loop", "recycled": "recycling_open_loop", "closed_loop": "recycling_closed_loop",
    "energy_recovery": "incineration_energy_recovery", "incineration": "incineration_energy_recovery",
    "landfill": "landfill_inert", "landfill_paper": "landfill_paper_board",
}


@dataclass(frozen=True)
class Factor:
    """One factor of the set: ``value`` in ``unit`` (``None`` for a gap), with where it came from."""

    category: str
    key: str
    value: float | None
    unit: str
    source: str
    year: int | None
    license: str | None
    factor_set: str = FACTOR_SET

    @property
    def gap(self) -> bool:
        """No value: the set names the factor but knows none (never read as zero)."""
        return self.value is None

    def explain(self) -> dict[str, Any]:
        """The factor's columns of an explanation row."""
        return {"factor_key": f"{self.category}.{self.key}", "factor": self.value, "factor_unit": self.unit,
                "factor_source": self.source, "factor_year": self.year, "factor_license": self.license,
                "factor_set": self.factor_set}


@lru_cache(maxsize=1)
def units() -> Any:
    """The pint unit registry (built once, on first use: it costs about a second)."""
    import pint

    return pint.UnitRegistry()


def convert(value: float, unit: str, to: str) -> float:
    """``value`` in ``unit`` converted to ``to`` (pint expressions).

    Examples
    --------
    >>> convert(1500, "kg * km", "t * km"), convert(250, "W * h", "kWh")
    (1.5, 0.25)
    """
    return value * ratio(unit, to)


@lru_cache(maxsize=256)
def ratio(unit: str, to: str) -> float:
    """How many ``to`` one ``unit`` is (pint, once per pair: rows of a large report reuse it).

    Examples
    --------
    >>> ratio("t", "kg")
    1000.0
    """
    return float(units().Quantity(1.0, unit).to(to).magnitude)


def _per(unit: str) -> str:
    """The denominator of a factor unit (``kg CO2e/t.km`` -> ``t * km``)."""
    _num, _sep, den = unit.partition("/")
    den = den.strip().replace("kg gas", "kg").replace(".", " * ")
    return den or "1"


def _canonical(category: str, value: float, unit: str) -> float:
    # kg CO2e per <denominator> -> kg CO2e per the category's canonical denominator.
    target, _label = CANONICAL.get(category, (_per(unit), unit))
    return value * convert(1.0, target, _per(unit))


@lru_cache(maxsize=1)
def factor_set() -> dict[tuple[str, str], Factor]:
    """Every factor of the shipped set by ``(category, key)``, values in the canonical units."""
    text = resources.files("cradletrace.data").joinpath(f"factors-{VERSION}.csv").read_text(encoding="utf-8")
    out: dict[tuple[str, str], Factor] = {}
    for row in csv.DictReader(text.splitlines()):
        category, key, raw = row["category"], row["key"], (row["value"] or "").strip()
        value = _canonical(category, float(raw), row["unit"]) if raw else None
        unit = CANONICAL.get(category, ("", row["unit"]))[1]
        year = int(row["year"]) if (row.get("year") or "").strip() else None
        out[category, key] = Factor(category, key, value, unit, row["source"], year, row.get("license") or None)
    return out


def factor(category: str, key: str) -> Factor | None:
    """The factor ``key`` of ``category``, or ``None`` when the set does not name it."""
    return factor_set().get((category, key))


def material_key(material: str | None) -> str | None:
    """The material factor key of a material name or key (``None`` when the set names neither).

    Examples
    --------
    >>> material_key("plastic_pp"), material_key("PP"), material_key("unobtainium")
    ('plastic_pp', 'plastic_pp', None)
    """
    if not material:
        return None
    name = material.strip().lower()
    if ("material", name) in factor_set():
        return name
    return MATERIAL_ALIASES.get(name)


def recycled_key(key: str) -> str | None:
    """The key of the recycled-content (closed-loop source) factor of a primary material, if the set has one."""
    return RECYCLED_VARIANT.get(key)


def transport_key(mode: str | None) -> str | None:
    """The transport factor key of a mode (``road``, ``rail``, ``sea``, ``air``, or a factor key)."""
    if not mode:
        return None
    name = mode.strip().lower()
    if ("transport", name) in factor_set():
        return name
    return TRANSPORT_MODES.get(name)


def eol_key(route: str | None) -> str | None:
    """The end-of-life factor key of a treatment route (``recycling``, ``landfill``, ``incineration``, a key)."""
    if not route:
        return None
    name = route.strip().lower()
    if ("eol", name) in factor_set():
        return name
    return EOL_ROUTES.get(name)


def grid_key(country: str | None) -> str | None:
    """The electricity factor key of a country (ISO 3166 alpha-2; ``UK`` is ``GB``)."""
    if not country:
        return None
    code = country.strip().upper()
    return "GB" if code == "UK" else code
