"""cradletrace.units: the Rec. 20 mass codes convert to kilograms as pint's definitions say."""

from __future__ import annotations

import pint
import pytest

from cradletrace.units import KG_PER_UOM, amount_unit, in_amount_unit, mass_kg

# UN/CEFACT Recommendation 20 common codes and the unit each names.
REC20 = {"KGM": "kilogram", "GRM": "gram", "MGM": "milligram", "TNE": "metric_ton", "LBR": "avoirdupois_pound"}


def test_the_mass_table_is_rec20_in_kilograms() -> None:
    registry = pint.UnitRegistry()
    assert set(KG_PER_UOM) == set(REC20)
    for code, unit in REC20.items():
        assert KG_PER_UOM[code] == pytest.approx(registry.Quantity(1, unit).to("kilogram").magnitude, rel=1e-12), code


def test_masses_convert_and_other_units_stay_their_own() -> None:
    assert mass_kg(2, "LBR") == pytest.approx(0.90718474)
    assert mass_kg(5, "EA") is None and mass_kg(None, "KGM") is None
    assert [amount_unit(u) for u in ("MGM", "TNE", "LTR", None)] == ["KGM", "KGM", "LTR", None]
    assert in_amount_unit(1500, "GRM") == pytest.approx(1.5) and in_amount_unit(4, "LTR") == 4
