"""Configured products: the configurable battery pack (capacity, cell chemistry, housing colour, connector), and
the packs Leipzig builds to VeloFleet's configuration, one of them coated from the wrong lot.

The model goes through :func:`cradletrace.configure.define_model`: each option puts its rows into the
bill of materials (the demo's own component GTINs: the cells, the AluPol housing, the copper busbar,
the end caps and the carton of every pack, the BMS board its cell chemistry needs, a connector, a
powder coating), rules tie options across groups (``requires``, ``excludes``), and each capacity
resolves to a variant GTIN (P48, P36, P36L). Configurations are saved on quote lines by
:mod:`cradletrace.demo.quotes`; the order made from the quote carries them to the packs allocated to
it, which :func:`cradletrace.findings.findings` then compares with how each pack was built
(``configuration_mismatch``).

The packs are made by :func:`cradletrace.demo.manufacturing.make_packs` like every other, with the
connector and the coating drawn on top. Of VeloFleet's 16 signal-orange packs, the 16th was made the
morning after the others, when the orange lot had run out, and coated from the black lot: built
otherwise than sold. A pack that gets a part the configuration does not call for in service is
:mod:`cradletrace.demo.contracts`' story (the wrong BMS board fitted under warranty).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cradletrace.configure import define_model
from cradletrace.demo.catalogue import (
    BMS, BMS_LFP, BUSBAR, CARTON, CELL, COAT_BLACK, COAT_ORANGE, ENDCAP, HOUSING, LFP_CELL, P36, P36L, P48, RAIL,
    XT60,
)
from cradletrace.demo.clock import ago
from cradletrace.demo.manufacturing import Materials, make_boards, make_packs, serials
from cradletrace.demo.suppliers import (
    BLACK_D, BOARDS_A, BUSBAR_A, CARTONS_B, CELLS_D, ENDCAPS_A, HOUSING_B, ORANGE_D, RAILS_D,
)

MODEL = "VW-PACK"
"""The configurable pack's code."""


def rows(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    """Bill-of-materials rows from ``(GTIN, quantity)`` pairs (quantities as exact decimal strings).

    Examples
    --------
    >>> rows((CELL.gtin, "52"))
    [{'product': '09521111000013', 'quantity': '52'}]
    """
    return [{"product": gtin, "quantity": quantity} for gtin, quantity in pairs]


# Capacity is the cell block and the housing that holds it (cells counted, metals and plastics in kg as a work
# order draws them); the chemistry brings the board whose voltage limits suit its cells.
GROUPS = [
    {"code": "capacity", "name": "Capacity", "options": [
        {"code": "wh672", "name": "672 Wh: 48 V 14 Ah, frame-mounted (13S4P)",
         "components": rows((CELL.gtin, "52"), (HOUSING.gtin, "0.62"), (BUSBAR.gtin, "0.08"), (ENDCAP.gtin, "0.14"))},
        {"code": "wh378", "name": "378 Wh: 36 V 10.5 Ah, rack-mounted (10S3P)",
         "components": rows((CELL.gtin, "30"), (HOUSING.gtin, "0.45"), (BUSBAR.gtin, "0.05"), (ENDCAP.gtin, "0.10"))},
        {"code": "wh346", "name": "346 Wh: 38.4 V 9 Ah, rack-mounted (12S3P)",
         "components": rows((LFP_CELL.gtin, "36"), (HOUSING.gtin, "0.45"), (BUSBAR.gtin, "0.05"),
                            (ENDCAP.gtin, "0.10"))}]},
    {"code": "chemistry", "name": "Cell chemistry", "options": [
        {"code": "nmc", "name": "NMC 811: high energy", "components": rows((BMS.gtin, "1"))},
        {"code": "lfp", "name": "LFP (LiFePO4): long cycle life", "components": rows((BMS_LFP.gtin, "1"))}]},
    {"code": "colour", "name": "Housing colour", "options": [
        {"code": "silver", "name": "Anodised silver"},
        {"code": "black", "name": "Jet black (RAL 9005)", "components": rows((COAT_BLACK.gtin, "0.04"))},
        {"code": "orange", "name": "Signal orange (RAL 2004)", "components": rows((COAT_ORANGE.gtin, "0.04"))}]},
    {"code": "connector", "name": "Connector", "options": [
        {"code": "rail", "name": "Frame rail connector", "components": rows((RAIL.gtin, "1"))},
        {"code": "xt60", "name": "XT60 cable connector", "components": rows((XT60.gtin, "1"))}]},
]
RULES = [
    {"code": "LFP-BLOCK", "kind": "requires", "option": "wh346", "other": "lfp",
     "message": "the 346 Wh block is LFP cells, which need the BMS-12L's voltage limits"},
    {"code": "NMC-FRAME", "kind": "excludes", "option": "wh672", "other": "lfp",
     "message": "the 48 V frame pack is built with NMC 811 cells only"},
    {"code": "NMC-RACK", "kind": "excludes", "option": "wh378", "other": "lfp",
     "message": "the 378 Wh rack block is NMC 811 cells"},
    {"code": "RAIL-FRAME", "kind": "requires", "option": "rail", "other": "wh672",
     "message": "the rail connector is on the frame-mounted pack only"},
]
VARIANTS = [{"product": P48.gtin, "options": ["wh672"]}, {"product": P36.gtin, "options": ["wh378"]},
            {"product": P36L.gtin, "options": ["wh346"]}]

FLEET = ("wh672", "nmc", "orange", "rail")
"""VeloFleet's configuration: the 48 V frame pack in its fleet colour, on the frame rail."""
CARGO = ("wh346", "lfp", "black", "xt60")
"""Cargobike's: LFP for its cargo bikes' daily full cycles, black, on a cable."""
DISTRIBUTOR = ("wh672", "nmc", "silver", "rail")
"""Bike Parts Distribution's: the standard pack."""

PACKS_D = serials(P48, "26D", 1, 16)
"""VeloFleet's configured packs (quote Q-0004, order SO-0008, contract CT-0001)."""
BOARDS_D = serials(BMS, "BD", 1, 16)
BOARDS_LFP = serials(BMS_LFP, "BL", 1, 5)
"""BMS-12L boards made for Cargobike's LFP packs; one ends up in an NMC pack in service."""
MISBUILT = PACKS_D[15]
"""The pack coated black from the wrong lot: its configuration calls for signal orange."""
MATERIALS_D = Materials(CELLS_D.lot, HOUSING_B.lot, BUSBAR_A.lot, ENDCAPS_A.lot, CARTONS_B.lot)
RAIL_EACH = (1, "EA")


def define(session: Session) -> None:
    """The configurable pack, defined by the product manager before the 2026 price lists."""
    define_model(session, MODEL, name="Voltwerk e-bike battery, configurable", product=P48.gtin, groups=GROUPS,
                 components=rows((CARTON.gtin, "1")), rules=RULES, variants=VARIANTS,
                 description="Capacity, cell chemistry, housing colour and connector, built to order in Leipzig",
                 when=ago(350))


def fleet_packs(session: Session) -> None:
    """VeloFleet's 16 packs in two work orders (10, then 6); the orange runs out on the 16th, coated black."""
    make_boards(session, BOARDS_D, BOARDS_A.lot, work_order="urn:voltwerk:wo:WO-BMS-2603D", when=ago(270, 7))
    orange = {RAILS_D.lot: RAIL_EACH, ORANGE_D.lot: 0.04}
    make_packs(session, P48, PACKS_D[:10], BOARDS_D[:10], MATERIALS_D, work_order="urn:voltwerk:wo:WO-P48-2603D",
               when=ago(262, 7), fittings=orange)
    make_packs(session, P48, PACKS_D[10:15], BOARDS_D[10:15], MATERIALS_D,
               work_order="urn:voltwerk:wo:WO-P48-2605D", when=ago(205, 7), fittings=orange)
    make_packs(session, P48, PACKS_D[15:], BOARDS_D[15:], MATERIALS_D, work_order="urn:voltwerk:wo:WO-P48-2605E",
               when=ago(204, 7), fittings={RAILS_D.lot: RAIL_EACH, BLACK_D.lot: 0.04})


def lfp_boards(session: Session) -> None:
    """Five BMS-12L boards for Cargobike's LFP packs, made in Grenoble and sent to Leipzig."""
    make_boards(session, BOARDS_LFP, BOARDS_A.lot, work_order="urn:voltwerk:wo:WO-BMS12L-2609", when=ago(85, 7))
