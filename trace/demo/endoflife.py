"""End of life, and back to the cradle: a crashed pack is decommissioned, collected by ReCell, disassembled into
recovered-material lots (its BMS board kept for re-use), and the black mass is refined into a cathode
precursor, from which Cellcore makes a new cell lot (:func:`cradletrace.demo.partners.recycled_cells`)
that Leipzig builds new packs from (:func:`cradletrace.demo.manufacturing.wave_c`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cradletrace.demo.catalogue import BLACK_MASS, RECELL, RECOVERED_AL, RECOVERED_CU, VELOFLEET
from cradletrace.demo.clock import ago
from cradletrace.demo.manufacturing import BOARDS_A_SERIALS, REWORKED
from cradletrace.demo.partners import PRECURSOR_LOT
from cradletrace.demo.sales import site_of
from cradletrace.lifecycle import collect, decommission, disassemble, receive, recycle, ship

CRASHED = REWORKED
"""The pack that crashed (the one reworked at the factory): it ends as recovered material."""
HARVESTED_BOARD = BOARDS_A_SERIALS[6]
BLACK_MASS_LOT, ALUMINIUM_LOT, COPPER_LOT = (BLACK_MASS.lot("BM2607"), RECOVERED_AL.lot("RAL2607"),
                                             RECOVERED_CU.lot("RCU2607"))
PRECURSOR_KG = 1.2


def crash_to_precursor(session: Session) -> None:
    """Decommission, collect, ship to ReCell, disassemble, and refine the black mass into precursor."""
    depot, plant = site_of(VELOFLEET), RECELL.site("plant")
    decommission(session, [CRASHED], reason="crash damage: housing breached", location=depot, when=ago(140, 15))
    collect(session, [CRASHED], location=depot, collector=RECELL.party, from_party=VELOFLEET.party,
            when=ago(137, 8))
    ship(session, [CRASHED], from_party=RECELL.party, to_party=RECELL.party, from_location=depot, to_location=plant,
         transport_mode="road", distance_km=850, mass_kg=5.2, allow_decommissioned=True, when=ago(137, 9))
    receive(session, [CRASHED], location=plant, by_party=RECELL.party, from_party=RECELL.party, from_location=depot,
            allow_decommissioned=True, when=ago(135, 10))
    disassemble(session, CRASHED, {BLACK_MASS_LOT: 2.3, ALUMINIUM_LOT: 0.55, COPPER_LOT: 0.07},
                harvested=[HARVESTED_BOARD], location=plant, work_order="urn:recell:wo:DIS-2607-118", energy_kwh=4.5,
                when=ago(120, 9))
    recycle(session, {BLACK_MASS_LOT: 2.3}, PRECURSOR_LOT, output_quantity=PRECURSOR_KG, location=plant,
            material="battery metals", work_order="urn:recell:wo:HYD-2608-07", energy_kwh=15, when=ago(110, 9))
