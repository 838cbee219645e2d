"""A small life for the passport, resolver and browser tests, written through the lifecycle services.

Not a test module: the web and passport tests import it by name. A pack P1 is made from cells
and aluminium with board B1 fitted (2025-01-07), sold to the customer "Fleet Co" with an invoice
and an order (2025-01-10), and has its board swapped for B3 (2025-03-01). Before the swap its
composition holds B1, after it B3. The customer's name, the documents and the plant's name are
what the public must not see.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from cradletrace.lifecycle import (
    add_location, add_party, add_product, install, lgtin, location, manufacture, party, register_lot,
    replace_component, sell, sgtin,
)

T0 = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
G_PACK, G_BOARD, G_CELL, G_AL = "09506000134352", "09506000134369", "09506000134383", "09506000134390"
G_UNUSED = "09506000134406"
US, CUSTOMER = party("9520222222222"), party("9520333333336")
PLANT, DEPOT = location("9520555555554"), location("9520666666668")
CELLS, AL = lgtin(G_CELL, "C-1"), lgtin(G_AL, "AL-1")
B1, B3 = sgtin(G_BOARD, "B1"), sgtin(G_BOARD, "B3")
P1 = sgtin(G_PACK, "P1")
INVOICE, ORDER = "urn:example:inv:INV-7781", "urn:example:po:PO-4410"
PLANT_NAME, CUSTOMER_NAME, DEPOT_NAME = "Plant Nord-7", "Fleet Co", "Depot Quai 3"
BEFORE_SWAP, AFTER_SWAP = "2025-02-01", "2025-04-01"


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def build(session: Session) -> None:
    """Write the world (flushes, never commits)."""
    add_product(session, G_PACK, "Battery pack 48 V", mass_kg=12.0, description="Traction battery")
    add_product(session, G_BOARD, "BMS board", mass_kg=0.3)
    add_product(session, G_UNUSED, "Spare cable")
    add_party(session, US, "Packs Ltd")
    add_party(session, CUSTOMER, CUSTOMER_NAME)
    add_location(session, PLANT, PLANT_NAME, party=US, country="DE")
    add_location(session, DEPOT, DEPOT_NAME, party=CUSTOMER, country="FR")
    common = dict(supplier=US, owner=US, location=PLANT)
    register_lot(session, CELLS, quantity=100, uom="EA", mass_kg=7.0, material="NMC cells", when=at(0), **common)
    register_lot(session, AL, quantity=20, material="aluminium", when=at(0), **common)
    manufacture(session, [B1, B3], materials={AL: 0.5}, location=PLANT, when=at(0.5))
    manufacture(session, [P1], materials={CELLS: (32, "EA"), AL: 8}, components={P1: [B1]}, location=PLANT,
                when=at(1))
    sell(session, [P1], customer=CUSTOMER, seller=US, location=PLANT, inv=INVOICE, po=ORDER, when=at(4))
    install(session, [P1], location=DEPOT, owner=CUSTOMER, when=at(5))
    replace_component(session, P1, B1, B3, reason="BMS fault", location=DEPOT, when=at(54))
