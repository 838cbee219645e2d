"""A small recall for the where-used tests (the passport's section, its downloads), written through the lifecycle
services.

Not a test module: the tests import it by name. Cell lot CELLS went into three packs at Packs Ltd's plant
(2025-01-07), P1 with the BMS board B1 fitted. P1 was sold to Fleet Co and installed at its depot (2025-01-11);
P2 was disassembled into the recovered lot RL (2025-02-15); P3 is in stock at the plant (received by Packs Ltd,
our party) and on recall hold (2025-02-05). ``build(session, packs)`` makes more packs of the lot, in stock as P3.
The ``seller`` fixture makes Packs Ltd our party.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from cradletrace.lifecycle import (
    add_location, add_party, add_product, disassemble, hold_for_recall, install, lgtin, location, manufacture, party,
    receive, register_lot, sell, sgtin,
)

T0 = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
G_PACK, G_BOARD, G_CELL, G_AL = "09506000134352", "09506000134369", "09506000134383", "09506000134390"
US, CUSTOMER = party("9520222222222"), party("9520333333336")
PLANT, DEPOT = location("9520555555554"), location("9520666666668")
CELLS, AL, RL = lgtin(G_CELL, "C-7"), lgtin(G_AL, "AL-1"), lgtin(G_CELL, "RL-1")
B1 = sgtin(G_BOARD, "B1")
P1, P2, P3 = (sgtin(G_PACK, f"P{i}") for i in (1, 2, 3))


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def build(session: Session, packs: int = 3) -> list[str]:
    """The world of the module docstring (with ``packs`` packs of the lot, P1 to P3 as told, the rest in stock);
    returns the packs."""
    add_product(session, G_PACK, "Battery pack 48 V", mass_kg=12.0)
    add_product(session, G_BOARD, "BMS board", mass_kg=0.3)
    add_party(session, US, "Packs Ltd")
    add_party(session, CUSTOMER, "Fleet Co")
    add_location(session, PLANT, "Plant Nord-7", party=US, country="DE")
    add_location(session, DEPOT, "Depot Quai 3", party=CUSTOMER, country="FR")
    common = dict(supplier=US, owner=US, location=PLANT)
    register_lot(session, CELLS, quantity=32 * packs, uom="EA", mass_kg=7.0, material="NMC cells", when=at(0), **common)
    register_lot(session, AL, quantity=20, material="aluminium", when=at(0), **common)
    manufacture(session, [B1], materials={AL: 0.5}, location=PLANT, when=at(0.5))
    made = [sgtin(G_PACK, f"P{i}") for i in range(1, packs + 1)]
    manufacture(session, made, materials={CELLS: (32 * packs, "EA")}, components={P1: [B1]}, location=PLANT,
                when=at(1))
    receive(session, made[2:], location=PLANT, by_party=US, when=at(2))
    sell(session, [P1], customer=CUSTOMER, seller=US, location=PLANT, when=at(4))
    install(session, [P1], location=DEPOT, owner=CUSTOMER, when=at(5))
    hold_for_recall(session, [P3], reason="separator defect", recall_id="R-1", location=PLANT, when=at(30))
    disassemble(session, P2, {RL: 10.0}, location=PLANT, when=at(40))
    return made


@pytest.fixture
def seller(monkeypatch: pytest.MonkeyPatch) -> str:
    """Packs Ltd is our party (``CRADLETRACE_SELLER``), given by its GLN as a deployment sets it."""
    monkeypatch.setenv("CRADLETRACE_SELLER", "9520222222222")
    return US
