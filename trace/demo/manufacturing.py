"""Manufacturing at two sites: BMS boards made in Grenoble (France) and shipped to Leipzig (Germany), where
work orders turn cells, housings, busbars, end caps and cartons into packs with a board fitted, test them
(one pack of wave A fails, is reworked and passes), and pack them onto pallets (SSCCs).

All through the lifecycle services: :func:`~cradletrace.lifecycle.manufacture` (with the work order's
energy, which the metrics turn into the manufacturing stage by the site's grid factor),
:func:`~cradletrace.lifecycle.inspect`, :func:`~cradletrace.lifecycle.repair`,
:func:`~cradletrace.lifecycle.pack`, :func:`~cradletrace.lifecycle.ship` and
:func:`~cradletrace.lifecycle.receive`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from cradletrace.demo.catalogue import BMS, GRENOBLE, HUB, LEIPZIG, MAKER, P36, P48, Product, pallet
from cradletrace.demo.clock import ago
from cradletrace.demo.suppliers import (
    BOARDS_A, BOARDS_B, BUSBAR_A, BUSBAR_B, CARTONS_A, CARTONS_B, CELLS_A, CELLS_B, ENDCAPS_A, ENDCAPS_B, HOUSING_A,
    HOUSING_B, HOUSING_C,
)
from cradletrace.lifecycle import inspect, manufacture, pack, receive, repair, ship


@dataclass(frozen=True)
class Recipe:
    """What one pack draws: cells (EA), aluminium, copper and polypropylene (kg), one carton; and energy (kWh)."""

    cells: int
    aluminium: float
    copper: float
    polypropylene: float
    energy_kwh: float


RECIPES = {P48.gtin: Recipe(52, 0.62, 0.08, 0.14, 3.2), P36.gtin: Recipe(30, 0.45, 0.05, 0.10, 2.4)}
BOARD_PCB_KG, BOARD_ENERGY_KWH = 0.09, 0.6
GRENOBLE_LEIPZIG_KM, LEIPZIG_HUB_KM = 880, 540


@dataclass(frozen=True)
class Materials:
    """The lots one work order draws from (cells, housing, busbar, end caps, cartons)."""

    cells: str
    aluminium: str
    copper: str
    polypropylene: str
    cartons: str

    def draws(self, recipe: Recipe, count: int) -> dict[str, float | tuple[float, str]]:
        """The order's draw from each lot for ``count`` packs (the service shares it among them).

        Examples
        --------
        >>> lots = Materials("cells", "al", "cu", "pp", "box")
        >>> lots.draws(RECIPES[P48.gtin], 10)  # 52 cells, 0.62 / 0.08 / 0.14 kg and a carton a pack
        {'cells': (520, 'EA'), 'al': 6.2, 'cu': 0.8, 'pp': 1.4, 'box': (10, 'EA')}
        """
        return {self.cells: (recipe.cells * count, "EA"), self.aluminium: round(recipe.aluminium * count, 3),
                self.copper: round(recipe.copper * count, 3),
                self.polypropylene: round(recipe.polypropylene * count, 3), self.cartons: (count, "EA")}


def serials(product: Product, prefix: str, first: int, count: int) -> list[str]:
    """``count`` unit identifiers of ``product``: ``prefix`` and a four-digit number from ``first``.

    Examples
    --------
    >>> serials(P48, "25A", 1, 2)
    ['https://id.gs1.org/01/09521234000013/21/25A0001', 'https://id.gs1.org/01/09521234000013/21/25A0002']
    """
    return [product.unit(f"{prefix}{n:04d}") for n in range(first, first + count)]


def make_boards(session: Session, boards: Sequence[str], pcb_lot: str, *, work_order: str, when: datetime) -> None:
    """A Grenoble work order of BMS boards, their functional test, and their trip to Leipzig."""
    manufacture(session, boards, materials={pcb_lot: round(BOARD_PCB_KG * len(boards), 3)},
                energy_kwh=round(BOARD_ENERGY_KWH * len(boards), 2), location=GRENOBLE, work_order=work_order,
                when=when)
    inspect(session, boards, passed=True, test="BMS functional test", location=GRENOBLE,
            report=f"{work_order}:test", when=when + timedelta(hours=5))
    ship(session, boards, from_party=MAKER.party, to_party=MAKER.party, from_location=GRENOBLE, to_location=LEIPZIG,
         transport_mode="road", distance_km=GRENOBLE_LEIPZIG_KM, mass_kg=round(0.1 * len(boards), 2),
         when=when + timedelta(days=1))
    receive(session, boards, location=LEIPZIG, by_party=MAKER.party, from_party=MAKER.party,
            from_location=GRENOBLE, when=when + timedelta(days=3))


def make_packs(session: Session, product: Product, packs: Sequence[str], boards: Sequence[str], lots: Materials, *,
               work_order: str, when: datetime, failed: Mapping[str, str] | None = None,
               fittings: Mapping[str, float | tuple[float, str]] | None = None) -> None:
    """A Leipzig work order: packs with one board each, then the end-of-line test.

    ``failed`` maps packs that fail the test to the rework that makes them pass the next day;
    ``fittings`` are further lots each pack draws from, per pack (a configured pack's connector and
    coating: :mod:`cradletrace.demo.configurations`).
    """
    recipe = RECIPES[product.gtin]
    draws = lots.draws(recipe, len(packs))
    for lot, per_pack in (fittings or {}).items():
        amount, uom = per_pack if isinstance(per_pack, tuple) else (per_pack, None)
        draws[lot] = (amount * len(packs), uom) if uom else round(amount * len(packs), 3)
    manufacture(session, packs, materials=draws,
                components={p: [b] for p, b in zip(packs, boards, strict=True)},
                energy_kwh=round(recipe.energy_kwh * len(packs), 2), location=LEIPZIG, work_order=work_order,
                when=when)
    failed = dict(failed or {})
    test = f"end-of-line test {product.attributes['nominalVoltageV']} V"
    good = [p for p in packs if p not in failed]
    inspect(session, good, passed=True, test=test, results={"capacityAh": product.attributes["capacityAh"]},
            report=f"{work_order}:eol", location=LEIPZIG, when=when + timedelta(hours=6))
    if failed:
        inspect(session, list(failed), passed=False, test=test, results={"capacityAh": 12.1},
                report=f"{work_order}:eol", location=LEIPZIG, when=when + timedelta(hours=6))
        for unit, rework in failed.items():
            repair(session, [unit], description=rework, location=LEIPZIG, when=when + timedelta(days=1))
        inspect(session, list(failed), passed=True, test=test, results={"capacityAh": product.attributes["capacityAh"]},
                report=f"{work_order}:eol-retest", location=LEIPZIG, when=when + timedelta(days=1, hours=4))


def palletise(session: Session, pallets: Mapping[str, Sequence[str]], when: datetime) -> None:
    """Pack each pallet (SSCC) at Leipzig."""
    for sscc, packs in pallets.items():
        pack(session, sscc, packs, location=LEIPZIG, when=when)


def ship_to_hub(session: Session, pallets: Sequence[str], when: datetime, mass_kg: float) -> None:
    """Send pallets from Leipzig to the EuroLog hub (the hub's receipt is EuroLog's own EPCIS document)."""
    ship(session, pallets, from_party=MAKER.party, to_party=MAKER.party, from_location=LEIPZIG, to_location=HUB,
         transport_mode="road", distance_km=LEIPZIG_HUB_KM, mass_kg=mass_kg,
         desadv=f"urn:voltwerk:desadv:DA-{when:%y%m%d}", when=when)


# -- the story's production --------------------------------------------------------------------------
PACKS_A = serials(P48, "25A", 1, 20)
BOARDS_A_SERIALS = serials(BMS, "BA", 1, 24)  # 20 fitted, 4 spares for service
PACKS_B48, PACKS_B36 = serials(P48, "26B", 1, 8), serials(P36, "26B", 9, 8)
BOARDS_B_SERIALS = serials(BMS, "BB", 1, 18)
PACKS_C = serials(P48, "26C", 1, 8)
BOARDS_C_SERIALS = serials(BMS, "BC", 1, 8)
PALLET_A1, PALLET_A2, PALLET_B1, PALLET_B2, PALLET_C1 = (pallet(n) for n in range(1, 6))
REWORKED = PACKS_A[6]
"""The pack that failed its end-of-line test (a weak cell group), was reworked and passed."""
SPARE_BOARDS = BOARDS_A_SERIALS[20:]

MATERIALS_A = Materials(CELLS_A.lot, HOUSING_A.lot, BUSBAR_A.lot, ENDCAPS_A.lot, CARTONS_A.lot)
# Wave B: the P48s get the undeclared copper, the P36s the polypropylene with lead; both the cells later recalled.
MATERIALS_B48 = Materials(CELLS_B.lot, HOUSING_B.lot, BUSBAR_B.lot, ENDCAPS_A.lot, CARTONS_B.lot)
MATERIALS_B36 = Materials(CELLS_B.lot, HOUSING_B.lot, BUSBAR_A.lot, ENDCAPS_B.lot, CARTONS_B.lot)


def wave_a(session: Session) -> None:
    """Wave A: 24 boards, 20 P48 packs (one reworked), two pallets to the hub."""
    make_boards(session, BOARDS_A_SERIALS, BOARDS_A.lot, work_order="urn:voltwerk:wo:WO-BMS-2507", when=ago(465, 7))
    make_packs(session, P48, PACKS_A, BOARDS_A_SERIALS[:20], MATERIALS_A, work_order="urn:voltwerk:wo:WO-P48-2508",
               when=ago(455, 7), failed={REWORKED: "cell group 7 re-welded; capacity restored"})
    palletise(session, {PALLET_A1: PACKS_A[:10], PALLET_A2: PACKS_A[10:]}, ago(453, 8))
    ship_to_hub(session, [PALLET_A1, PALLET_A2], ago(452, 6), mass_kg=round(20 * P48.mass_kg + 50, 1))


def wave_b(session: Session) -> None:
    """Wave B: 18 boards, 8 P48 and 8 P36 packs from the problem lots, two pallets to the hub."""
    make_boards(session, BOARDS_B_SERIALS, BOARDS_B.lot, work_order="urn:voltwerk:wo:WO-BMS-2603", when=ago(282, 7))
    make_packs(session, P48, PACKS_B48, BOARDS_B_SERIALS[:8], MATERIALS_B48, work_order="urn:voltwerk:wo:WO-P48-2603",
               when=ago(272, 7))
    make_packs(session, P36, PACKS_B36, BOARDS_B_SERIALS[8:16], MATERIALS_B36,
               work_order="urn:voltwerk:wo:WO-P36-2603", when=ago(272, 12))
    palletise(session, {PALLET_B1: PACKS_B48, PALLET_B2: PACKS_B36}, ago(271, 8))
    ship_to_hub(session, [PALLET_B1, PALLET_B2], ago(270, 6), mass_kg=round(8 * P48.mass_kg + 8 * P36.mass_kg + 50, 1))


def wave_c(session: Session, cells_lot: str) -> None:
    """Wave C: 8 P48 packs from cells with recycled content (``cells_lot``), one pallet kept at Leipzig."""
    make_boards(session, BOARDS_C_SERIALS, BOARDS_A.lot, work_order="urn:voltwerk:wo:WO-BMS-2609", when=ago(72, 7))
    lots = Materials(cells_lot, HOUSING_C.lot, BUSBAR_A.lot, ENDCAPS_A.lot, CARTONS_A.lot)
    make_packs(session, P48, PACKS_C, BOARDS_C_SERIALS, lots, work_order="urn:voltwerk:wo:WO-P48-2609",
               when=ago(65, 7))
    palletise(session, {PALLET_C1: PACKS_C}, ago(64, 8))
