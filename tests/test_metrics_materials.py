"""Material metrics: mass by material, the recycled content of a product with mixed recycled inputs worked out by
hand, battery metals where declared, and the recovery rate at end of life."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from cradletrace.lifecycle import lgtin, manufacture, register_lot, sgtin
from cradletrace.metrics import materials
from metrics_world import CU, P1, P2, PLANT, SUPPLIER, US, build, day


def test_recycled_content_of_mixed_inputs(session: Session) -> None:
    build(session)
    m = materials(session, P1, at=day(50))
    # 4 kg aluminium (25 % post-consumer), 0.5 kg copper (undeclared: 0, flagged), 0.5 kg PCB (10 % pre-consumer).
    assert m.by_material == pytest.approx({"aluminium": 4.0, "copper": 0.5, "electronics": 0.5})
    assert m.material_mass_kg == pytest.approx(5.0)
    assert m.recycled_share == pytest.approx((1.0 + 0.05) / 5.0)
    assert m.recycled_post_share == pytest.approx(1.0 / 5.0) and m.recycled_pre_share == pytest.approx(0.05 / 5.0)
    assert m.undeclared == (CU,)
    assert m.recovered_kg is None and m.recovery_rate is None


def test_recovery_rate(session: Session) -> None:
    build(session)
    m = materials(session, P2, at=day(300))
    assert m.recovered_kg == pytest.approx(3.5) and m.recovery_rate == pytest.approx(0.35)


def test_battery_metals_where_declared(session: Session) -> None:
    build(session, swap=False, end_of_life=False)
    cathode = lgtin("09506000134420", "CAT-1")
    register_lot(session, cathode, quantity=10, material="NMC cathode", supplier=SUPPLIER, owner=US, location=PLANT,
                 ilmd={"metal": [{"name": "cobalt", "massFraction": 0.2, "recycledFraction": 0.16},
                                 {"name": "nickel", "massFraction": 0.6}]}, when=day(0))
    other = lgtin("09506000134420", "CAT-2")
    register_lot(session, other, quantity=10, material="NMC cathode", supplier=SUPPLIER, owner=US, location=PLANT,
                 ilmd={"metal": [{"name": "cobalt", "massFraction": 0.1, "recycledFraction": 0.5}]}, when=day(0))
    cell = sgtin("09506000134437", "C1")
    manufacture(session, [cell], materials={cathode: 2.0, other: 1.0}, location=PLANT, when=day(1))
    m = materials(session, cell, at=day(2))
    # cobalt: (2 x 0.2 x 0.16 + 1 x 0.1 x 0.5) / (2 x 0.2 + 1 x 0.1); nickel declared, recycled share not.
    assert m.metals["cobalt"] == pytest.approx((0.064 + 0.05) / 0.5)
    assert m.metals["nickel"] is None and "lithium" not in m.metals
