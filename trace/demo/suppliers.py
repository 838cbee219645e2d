"""Suppliers and their material lots: received through :func:`cradletrace.lifecycle.register_lot` with origin,
recycled content, carbon footprint, substance declarations and certificates, plus the compliance evidence
recorded apart (declarations, conflict-minerals sources, the packs' EU declarations of conformity).

Four waves of lots. Wave A (about 16 months ago) is clean, except that the aluminium lot's ASI
chain-of-custody certificate has expired since. Wave B (about 9 months ago) holds the problems: the
cell lot later recalled, a copper lot delivered without any substance declaration, and a
polypropylene lot whose declaration shows 0.25 % lead (over the RoHS limit of 0.1 %, and an SVHC
above 0.1 % of the article with no SCIP notification). Wave C is the aluminium of the packs made
from recycled-content cells (the cells themselves come from :mod:`cradletrace.demo.partners`). Wave D
(about 9 months ago, clean) is what the configured packs add: cells, connectors and powder coatings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.compliance import add_certificate, declare_minerals, declare_substances
from cradletrace.demo.catalogue import (
    ALUPOL, BMS, BMS_LFP, BOARDTRONIC, BUSBAR, CARTON, CELL, CELLCORE, COAT_BLACK, COAT_ORANGE, ENDCAP, GRENOBLE,
    HOUSING, KARTONWERK, KONTAKT, KUPFERWERK, LEIPZIG, MAKER, P36, P36L, P48, PCB, POLYFORM, PULVERLACK, RAIL, XT60,
    Company, Product,
)
from cradletrace.demo.clock import ago
from cradletrace.lifecycle import register_lot
from cradletrace.timestamps import naive_utc, to_iso

# What each material declares (IPC-1752A style: substance, CAS, homogeneous material, mass fraction in it).
# Nothing here is restricted: the non-compliant lot adds its lead on top.
DECLARED: dict[str, list[dict[str, Any]]] = {
    "cells": [
        {"name": "lithium nickel manganese cobalt oxide", "cas": "346417-97-8", "material": "cathode",
         "massFraction": 0.92},
        {"name": "graphite", "cas": "7782-42-5", "material": "anode", "massFraction": 0.95},
        {"name": "lithium hexafluorophosphate", "cas": "21324-40-3", "material": "electrolyte", "massFraction": 0.12},
    ],
    "aluminium": [{"name": "aluminium", "cas": "7429-90-5", "material": "alloy 6063", "massFraction": 0.985},
                  {"name": "magnesium", "cas": "7439-95-4", "material": "alloy 6063", "massFraction": 0.007}],
    "copper": [{"name": "copper", "cas": "7440-50-8", "material": "Cu-ETP", "massFraction": 0.999}],
    "pcb": [{"name": "tin", "cas": "7440-31-5", "material": "solder SAC305", "massFraction": 0.965},
            {"name": "silver", "cas": "7440-22-4", "material": "solder SAC305", "massFraction": 0.03},
            {"name": "gold", "cas": "7440-57-5", "material": "ENIG finish", "massFraction": 0.05},
            {"name": "glass fibre", "cas": "65997-17-3", "material": "FR-4 laminate", "massFraction": 0.6}],
    "polypropylene": [{"name": "polypropylene", "cas": "9003-07-0", "material": "PP compound", "massFraction": 0.97},
                      {"name": "carbon black", "cas": "1333-86-4", "material": "PP compound", "massFraction": 0.02}],
    # Lead-free brass contacts (no tin, so no 3TG) in a glass-filled polyamide body.
    "connector": [{"name": "copper", "cas": "7440-50-8", "material": "contact CuZn37", "massFraction": 0.63},
                  {"name": "zinc", "cas": "7440-66-6", "material": "contact CuZn37", "massFraction": 0.37},
                  {"name": "polyamide 66", "cas": "32131-17-2", "material": "body PA66-GF30", "massFraction": 0.7},
                  {"name": "glass fibre", "cas": "65997-17-3", "material": "body PA66-GF30", "massFraction": 0.3}],
    "coating": [{"name": "polyester resin", "material": "powder coating", "massFraction": 0.6},
                {"name": "barium sulfate", "cas": "7727-43-7", "material": "powder coating", "massFraction": 0.25},
                {"name": "titanium dioxide", "cas": "13463-67-7", "material": "powder coating", "massFraction": 0.1}],
}
LEAD = {"name": "lead", "cas": "7439-92-1", "material": "PP compound", "ppm": 2500, "articleFraction": 0.0025}
"""The lead stabiliser in lot PP2602: 2,500 ppm, over RoHS's 1,000 ppm; lead is also a REACH SVHC."""

# Conflict minerals of the PCB assemblies (tin and gold), from Boardtronic's CMRT, by part number.
SMELTERS = [
    {"metal": "tin", "smelter_id": "CID001070", "smelter_name": "Thaisarco", "country": "TH", "conformant": True},
    {"metal": "gold", "smelter_id": "CID000019", "smelter_name": "Aida Chemical Industries", "country": "JP",
     "conformant": True},
]


@dataclass(frozen=True)
class Supply:
    """A supplier lot as it arrives: what, how much, from whom, to which site, and how it travelled."""

    product: Product
    number: str
    quantity: float
    uom: str
    supplier: Company
    site: str
    mode: str
    distance_km: float
    material: str
    declared: str | None
    master: Mapping[str, Any]

    @property
    def lot(self) -> str:
        """The lot's identifier."""
        return self.product.lot(self.number)


def supply(product: Product, number: str, quantity: float, supplier: Company, *, uom: str = "KGM",
           site: str = LEIPZIG, mode: str = "road", distance_km: float, material: str,
           declared: str | None, **master: Any) -> Supply:
    """A :class:`Supply`; ``declared`` names its :data:`DECLARED` substances (``None``: nothing declared)."""
    return Supply(product, number, quantity, uom, supplier, site, mode, distance_km, material, declared, master)


def cells(number: str, quantity: int = 1200) -> Supply:
    """A lot of Cellcore's cells (counted, 0.068 kg each), shipped by sea from Korea, with its UN38.3 test summary.

    Examples
    --------
    >>> cells("CC1", 100).master["mass_kg"]
    6.8
    """
    return supply(CELL, number, quantity, CELLCORE, uom="EA", mode="sea", distance_km=19800, material="li-ion battery",
                  declared="cells", origin_country="KR", pcf_kg_co2e_per_kg=11.2, mass_kg=round(quantity * 0.068, 3),
                  certificates=[{"type": "UN38.3", "id": f"UN383-{number}", "issuer": "TUV Rheinland Korea"}])


def housing(number: str, quantity: float, **master: Any) -> Supply:
    """A lot of AluPol's aluminium extrusion (kg), 10 % pre- and 35 % post-consumer recycled."""
    return supply(HOUSING, number, quantity, ALUPOL, distance_km=460, material="aluminium", declared="aluminium",
                  origin_country="PL", recycled_pre=0.1, recycled_post=0.35, **master)


def busbar(number: str, quantity: float, *, declared: str | None = "copper") -> Supply:
    """A lot of Kupferwerk's copper strip (kg), 40 % recycled; ``declared=None`` for one without declaration."""
    return supply(BUSBAR, number, quantity, KUPFERWERK, distance_km=75, material="copper", declared=declared,
                  origin_country="DE", recycled_post=0.4)


def endcaps(number: str, quantity: float) -> Supply:
    """A lot of PolyForm's polypropylene end caps (kg), 20 % pre-consumer recycled."""
    return supply(ENDCAP, number, quantity, POLYFORM, distance_km=880, material="polypropylene",
                  declared="polypropylene", origin_country="IT", recycled_pre=0.2)


def cartons(number: str, quantity: int = 100) -> Supply:
    """A lot of Kartonwerk's cartons (counted), 80 % recycled, declared for their part number."""
    return supply(CARTON, number, quantity, KARTONWERK, uom="EA", distance_km=110, material="cardboard",
                  declared=None, origin_country="DE", recycled_post=0.8)


def connectors(product: Product, number: str, quantity: int) -> Supply:
    """A lot of Kontakt Systeme's connectors (counted), by road from Switzerland.

    Examples
    --------
    >>> connectors(RAIL, "RC1", 100).master["mass_kg"]  # 100 x 0.03 kg
    3.0
    """
    return supply(product, number, quantity, KONTAKT, uom="EA", distance_km=720, material="electronics_small",
                  declared="connector", origin_country="CH", mass_kg=round(quantity * (product.mass_kg or 0), 3))


def coating(product: Product, number: str, quantity: float) -> Supply:
    """A lot of Pulverlack's polyester powder coating (kg) in one colour."""
    return supply(product, number, quantity, PULVERLACK, distance_km=520, material="plastic_average",
                  declared="coating", origin_country="AT")


def boards(number: str, quantity: float) -> Supply:
    """A lot of Boardtronic's BMS circuit boards (kg), shipped by sea from Taiwan to Grenoble."""
    return supply(PCB, number, quantity, BOARDTRONIC, site=GRENOBLE, mode="sea", distance_km=18500,
                  material="pcb", declared="pcb", origin_country="TW", pcf_kg_co2e_per_kg=38.0)


# The aluminium of wave A carries an ASI chain-of-custody certificate that expired 95 days ago.
EXPIRED_ASI = {"type": "ASI-CoC", "id": "ASI-CoC-2025-0412", "issuer": "Aluminium Stewardship Initiative",
               "validFrom": to_iso(naive_utc(ago(800))), "validUntil": to_iso(naive_utc(ago(95)))}

WAVE_A = ago(470)
CELLS_A, HOUSING_A, BUSBAR_A = cells("CC2505A"), housing("AL2505", 40, certificates=[EXPIRED_ASI]), busbar("CU2505", 8)
ENDCAPS_A, CARTONS_A, BOARDS_A = endcaps("PP2505", 10), cartons("BOX2505"), boards("PCB2505", 5)

WAVE_B = ago(290)
CELLS_B, HOUSING_B = cells("CC2602B"), housing("AL2602", 30)
BUSBAR_B = busbar("CU2602", 3, declared=None)  # delivered without any substance declaration
ENDCAPS_B, CARTONS_B, BOARDS_B = endcaps("PP2602", 5), cartons("BOX2602"), boards("PCB2602", 3)

WAVE_C = ago(90)
HOUSING_C = housing("AL2609", 10)

# Wave D: what the configured packs (cradletrace.demo.configurations) need beyond the stock: cells, the two
# connectors, and the coatings. The orange is just enough for 15 packs (15 x 0.04 kg): the 16th is coated black.
WAVE_D = ago(285)
CELLS_D = cells("CC2603D")
RAILS_D, XT60S_D = connectors(RAIL, "RC2603", 100), connectors(XT60, "XT2603", 100)
ORANGE_D, BLACK_D = coating(COAT_ORANGE, "RAL2004-2603", 0.6), coating(COAT_BLACK, "RAL9005-2603", 2)

WAVES: dict[datetime, tuple[Supply, ...]] = {
    WAVE_A: (CELLS_A, HOUSING_A, BUSBAR_A, ENDCAPS_A, CARTONS_A, BOARDS_A),
    WAVE_B: (CELLS_B, HOUSING_B, BUSBAR_B, ENDCAPS_B, CARTONS_B, BOARDS_B),
    WAVE_C: (HOUSING_C,),
    WAVE_D: (CELLS_D, RAILS_D, XT60S_D, ORANGE_D, BLACK_D),
}
NON_COMPLIANT_LOT = ENDCAPS_B.lot
UNDECLARED_LOT = BUSBAR_B.lot
EXPIRED_CERTIFICATE_LOT = HOUSING_A.lot
RECALLED_LOT = CELLS_B.lot


def receive_lot(session: Session, item: Supply, when: datetime, *, po: str | None = None,
                desadv: str | None = None) -> None:
    """Register one supplier lot as received (ADD with its master data, then receiving at the site).

    The supplier's despatch advice (``desadv``) stands for its shipment, which is not in this log.
    """
    substances = [dict(s) for s in DECLARED[item.declared]] if item.declared else []
    if item.lot == NON_COMPLIANT_LOT:
        substances.append(dict(LEAD))
    register_lot(session, item.lot, quantity=item.quantity, uom=item.uom, supplier=item.supplier.party,
                 owner=MAKER.party, location=item.site, supplier_location=item.supplier.site("plant"),
                 material=item.material, substances=substances, transport_mode=item.mode,
                 distance_km=item.distance_km, po=po, desadv=desadv, when=when, **item.master)


def register_lots(session: Session) -> None:
    """Receive every story lot, and record the evidence that is not in the lots' own master data."""
    for n, (when, items) in enumerate(WAVES.items()):
        for m, item in enumerate(items):
            receive_lot(session, item, when.replace(hour=7 + m), po=f"urn:voltwerk:po:PO-{2500 + 10 * n + m}",
                        desadv=f"urn:{item.supplier.key}:desadv:{item.number}")
    record_evidence(session)


def record_evidence(session: Session) -> None:
    """Declarations by part number, conflict minerals, and the EU declarations of conformity of the packs and of
    the BMS boards (sold as spare parts too).

    The cartons are declared once for their part number ("nothing declarable": an empty list), so
    every carton lot inherits it; the PCB's CMRT names its tin and gold smelters.
    """
    declared = ago(600)
    declare_substances(session, CARTON.gtin, [], declared_at=declared, source="Kartonwerk full material declaration")
    declare_minerals(session, PCB.gtin, SMELTERS, declared_at=declared, source="Boardtronic CMRT 6.4")
    add_certificate(session, PCB.gtin, "CMRT", "CMRT-BT-2025", valid_from=declared, issuer="Boardtronic Ltd.")
    for product, number in ((P48, "DoC-P48-2025-01"), (P36, "DoC-P36-2025-01"), (BMS, "DoC-BMS-2025-01"),
                            (P36L, "DoC-P36L-2026-01"), (BMS_LFP, "DoC-BMS12L-2026-01")):
        add_certificate(session, product.gtin, "EU_DoC", number, valid_from=ago(520), issuer=MAKER.name)
