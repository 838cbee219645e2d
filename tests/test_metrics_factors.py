"""The shipped factor set: every value with its source, year and licence, gaps kept as gaps, units converted by pint."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from cradletrace.metrics.factors import (
    FACTOR_SET,
    VERSION,
    convert,
    eol_key,
    factor,
    factor_set,
    grid_key,
    material_key,
    recycled_key,
    transport_key,
)


def test_every_value_has_source_year_and_licence() -> None:
    for (category, key), f in factor_set().items():
        assert f.source, (category, key)
        if f.value is not None:
            assert f.license and (f.year or category == "gwp"), (category, key)
            assert f.value >= 0


def test_gaps_are_kept_and_never_zero() -> None:
    text = resources.files("cradletrace.data").joinpath(f"factors-{VERSION}.csv").read_text(encoding="utf-8")
    empty = {(r["category"], r["key"]) for r in csv.DictReader(text.splitlines()) if not r["value"].strip()}
    assert {("material", "copper"), ("material", "stainless_steel"), ("material", "plastic_abs")} <= empty
    for key in empty:
        assert factor(*key).gap and factor(*key).value is None


def test_values_in_the_canonical_units() -> None:
    assert factor("material", "steel_primary").value == pytest.approx(2.86390131)
    assert factor("electricity", "DE").unit == "kg CO2e/kWh"
    assert factor("transport", "rail_freight").value == pytest.approx(0.02779)
    assert factor("transport", "rail_freight").unit == "kg CO2e/t.km"
    assert factor("material", "aluminium_primary").factor_set == FACTOR_SET


def test_pint_converts() -> None:
    assert convert(2.0, "t", "kg") == 2000.0
    assert convert(3.6, "MJ", "kWh") == pytest.approx(1.0)
    assert convert(1.0, "lb", "kg") == pytest.approx(0.45359237)


def test_names_map_to_keys() -> None:
    assert material_key("Aluminium") == "aluminium_primary" and material_key("glass_recycled") == "glass_recycled"
    assert recycled_key("steel_primary") == "steel_recycled_content" and recycled_key("copper") is None
    assert transport_key("sea") == "sea_container_avg" and transport_key("teleport") is None
    assert eol_key("landfill") == "landfill_inert" and grid_key("uk") == "GB" and grid_key(None) is None
