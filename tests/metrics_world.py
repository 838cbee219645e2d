"""A small product whose footprint, materials and compliance the metrics tests work out by hand.

Not a test module: the metrics, compliance and report tests import it by name.

Packs (10 kg, 100 W rated, duty cycle 0.5) from 8 kg of aluminium (25 % post-consumer recycled,
100 km inbound by road) and 1 kg of copper (a factor gap), shared by two packs; BMS boards
(0.5 kg) from 1 kg of PCB with a supplier PCF of 20 kg CO2e/kg (10 % pre-consumer recycled),
shared by two boards. Made in Germany (4 kWh for the boards, 10 kWh for the packs), P1 shipped
500 km by road to a French site and installed on day 10; its board B1 is replaced by B2 on day 60.
P2 stays at the plant and is disassembled on day 200 into 3.5 kg of recovered aluminium.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from cradletrace.lifecycle import (
    add_location,
    add_party,
    add_product,
    disassemble,
    install,
    lgtin,
    location,
    manufacture,
    party,
    register_lot,
    replace_component,
    sgtin,
    ship,
)

T0 = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
G_PACK, G_BOARD, G_AL, G_CU, G_PCB, G_RAL = ("09506000134352", "09506000134369", "09506000134376",
                                             "09506000134383", "09506000134390", "09506000134406")
SUPPLIER, US, CUSTOMER = party("9520111111118"), party("9520222222222"), party("9520333333336")
PLANT, SITE = location("9520555555554"), location("9520666666668")
AL, CU, PCB, R_AL = lgtin(G_AL, "AL-1"), lgtin(G_CU, "CU-1"), lgtin(G_PCB, "PCB-1"), lgtin(G_RAL, "RAL-1")
B1, B2 = sgtin(G_BOARD, "B1"), sgtin(G_BOARD, "B2")
P1, P2 = sgtin(G_PACK, "P1"), sgtin(G_PACK, "P2")


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def build(session: Session, *, swap: bool = True, end_of_life: bool = True) -> None:
    add_product(session, G_PACK, "Battery pack", mass_kg=10.0, attributes={"ratedPowerW": 100, "dutyCycle": 0.5})
    add_product(session, G_BOARD, "BMS board", mass_kg=0.5)
    add_product(session, G_RAL, "Recovered aluminium", attributes={"material": "aluminium"})
    for ident, name in ((SUPPLIER, "Metals AG"), (US, "Packs Ltd"), (CUSTOMER, "Fleet Co")):
        add_party(session, ident, name)
    add_location(session, PLANT, "Plant", party=US, country="DE")
    add_location(session, SITE, "Depot", party=CUSTOMER, country="FR")
    common = dict(supplier=SUPPLIER, owner=US, location=PLANT, when=day(0))
    register_lot(session, AL, quantity=100, material="aluminium", recycled_post=0.25, transport_mode="road",
                 distance_km=100, **common)
    register_lot(session, CU, quantity=10, material="copper", **common)
    register_lot(session, PCB, quantity=10, material="electronics", pcf_kg_co2e_per_kg=20.0, recycled_pre=0.1,
                 **common)
    manufacture(session, [B1, B2], materials={PCB: 1.0}, energy_kwh=4, location=PLANT, when=day(1))
    manufacture(session, [P1, P2], materials={AL: 8, CU: 1}, components={P1: [B1]}, energy_kwh=10, location=PLANT,
                when=day(2))
    ship(session, [P1], from_party=US, to_party=CUSTOMER, from_location=PLANT, to_location=SITE,
         transport_mode="road", distance_km=500, when=day(3))
    install(session, [P1], location=SITE, owner=CUSTOMER, when=day(10))
    if swap:
        replace_component(session, P1, B1, B2, location=SITE, when=day(60))
    if end_of_life:
        disassemble(session, P2, {R_AL: 3.5}, location=PLANT, when=day(200))
