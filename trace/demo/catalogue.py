"""Who and what the demo world holds: the maker, its suppliers, partners and customers, their sites, and the
products (battery packs, BMS boards, the materials), each with a valid GS1 key, and their master data.

Every key is built from a company prefix in the range GS1 keeps for demonstrations and examples
(``952``), with its check digit computed, so labels scan and the resolver accepts every identifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.identifiers import check_digit, lgtin_uri, location_uri, party_uri, sgtin_uri, sscc_uri
from cradletrace.lifecycle import add_location, add_party, add_product


def gtin(prefix: str, item: int) -> str:
    """The GTIN-14 of item reference ``item`` under a 7-digit company prefix.

    Examples
    --------
    >>> gtin("9521234", 1)
    '09521234000013'
    """
    digits = f"0{prefix}{item:05d}"
    return digits + check_digit(digits)


def gln(prefix: str, reference: int) -> str:
    """The GLN of ``reference`` under a 7-digit company prefix.

    Examples
    --------
    >>> gln("9521234", 0)
    '9521234000006'
    """
    digits = f"{prefix}{reference:05d}"
    return digits + check_digit(digits)


@dataclass(frozen=True)
class Company:
    """A party of the demo, with its company prefix, its GLN as a party and its sites."""

    key: str
    name: str
    prefix: str
    country: str
    sites: dict[str, tuple[str, str, float, float]] = field(default_factory=dict, compare=False)
    """``{site key: (name, country, latitude, longitude)}``; the site's GLN follows the party's."""

    @property
    def party(self) -> str:
        """The company as a party (its GLN, reference 0)."""
        return party_uri(gln(self.prefix, 0))

    def site(self, key: str) -> str:
        """The location identifier of one of the company's sites."""
        return location_uri(gln(self.prefix, 10 * (list(self.sites).index(key) + 1)))


MAKER_PREFIX = "9521234"
MAKER = Company("voltwerk", "Voltwerk GmbH", MAKER_PREFIX, "DE", {
    "leipzig": ("Voltwerk pack plant Leipzig", "DE", 51.3397, 12.3731),
    "grenoble": ("Voltwerk electronics Grenoble", "FR", 45.1885, 5.7245),
    "service": ("Voltwerk service centre Leipzig", "DE", 51.3450, 12.4100),
})
CELLCORE = Company("cellcore", "Cellcore Energy Co., Ltd.", "9521111", "KR",
                   {"plant": ("Cellcore cell plant Cheongju", "KR", 36.6424, 127.4890)})
ALUPOL = Company("alupol", "AluPol Extrusion Sp. z o.o.", "9521112", "PL",
                 {"plant": ("AluPol extrusion Konin", "PL", 52.2230, 18.2511)})
KUPFERWERK = Company("kupferwerk", "Kupferwerk Hettstedt AG", "9521113", "DE",
                     {"plant": ("Kupferwerk rolling mill Hettstedt", "DE", 51.6500, 11.5000)})
BOARDTRONIC = Company("boardtronic", "Boardtronic Ltd.", "9521114", "TW",
                      {"plant": ("Boardtronic PCB fab Taoyuan", "TW", 24.9936, 121.3010)})
POLYFORM = Company("polyform", "PolyForm S.r.l.", "9521115", "IT",
                   {"plant": ("PolyForm moulding Brescia", "IT", 45.5416, 10.2118)})
KARTONWERK = Company("kartonwerk", "Kartonwerk Sachsen GmbH", "9521116", "DE",
                     {"plant": ("Kartonwerk Freiberg", "DE", 50.9119, 13.3428)})
KONTAKT = Company("kontakt", "Kontakt Systeme AG", "9521117", "CH",
                  {"plant": ("Kontakt Systeme connector plant Aarau", "CH", 47.3925, 8.0444)})
PULVERLACK = Company("pulverlack", "Pulverlack Wels GmbH", "9521118", "AT",
                     {"plant": ("Pulverlack powder coatings Wels", "AT", 48.1575, 14.0289)})
EUROLOG = Company("eurolog", "EuroLog 3PL B.V.", "9521200", "NL",
                  {"hub": ("EuroLog hub Venlo", "NL", 51.3704, 6.1724)})
RECELL = Company("recell", "ReCell Recycling NV", "9521400", "BE",
                 {"plant": ("ReCell battery recycling Hoboken", "BE", 51.1720, 4.3510)})
RADWERK = Company("radwerk", "Radwerk Graz e.U.", "9521500", "AT",
                  {"shop": ("Radwerk bike shop Graz", "AT", 47.0707, 15.4395)})
VELOFLEET = Company("velofleet", "VeloFleet Rentals SAS", "9521301", "FR",
                    {"depot": ("VeloFleet depot Lyon Gerland", "FR", 45.7277, 4.8320)})
CARGOBIKE = Company("cargobike", "Cargobike Logistics B.V.", "9521302", "NL",
                    {"depot": ("Cargobike depot Amsterdam Noord", "NL", 52.3990, 4.9180)})
URBANBIKES = Company("urbanbikes", "Urban Bikes Berlin GmbH", "9521303", "DE",
                     {"store": ("Urban Bikes store Kreuzberg", "DE", 52.4990, 13.4030)})
TRAILSPORTS = Company("trailsports", "Trail Sports Innsbruck GmbH", "9521304", "AT",
                      {"shop": ("Trail Sports shop Innsbruck", "AT", 47.2692, 11.4041)})
NORDICPEDAL = Company("nordicpedal", "Nordic Pedal AB", "9521305", "SE")
CITYCOURIERS = Company("citycouriers", "City Couriers SRL", "9521306", "BE")
BIKEPARTS = Company("bikeparts", "Bike Parts Distribution SE", "9521307", "DE",
                    {"warehouse": ("Bike Parts warehouse Cologne", "DE", 50.9375, 6.9603)})
CICLO = Company("ciclo", "Ciclo Iberia S.L.", "9521308", "ES",
                {"warehouse": ("Ciclo Iberia warehouse Valencia", "ES", 39.4699, -0.3763)})

COMPANIES = (MAKER, CELLCORE, ALUPOL, KUPFERWERK, BOARDTRONIC, POLYFORM, KARTONWERK, KONTAKT, PULVERLACK,
             EUROLOG, RECELL, RADWERK, VELOFLEET, CARGOBIKE, URBANBIKES, TRAILSPORTS, NORDICPEDAL, CITYCOURIERS,
             BIKEPARTS, CICLO)

LEIPZIG, GRENOBLE, SERVICE = MAKER.site("leipzig"), MAKER.site("grenoble"), MAKER.site("service")
HUB = EUROLOG.site("hub")


@dataclass(frozen=True)
class Product:
    """A trade item of the demo: GTIN, name, mass and the attributes the passport and the metrics read."""

    gtin: str
    name: str
    mass_kg: float | None = None
    description: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict, compare=False)

    def unit(self, serial: str) -> str:
        """The identifier of one unit of the product."""
        return sgtin_uri(self.gtin, serial)

    def lot(self, number: str) -> str:
        """The identifier of one lot of the product."""
        return lgtin_uri(self.gtin, number)


# The packs: 13S4P (48 V) and 10S3P (36 V) of 21700 cells. useEnergyKWhPerYear is the charging energy of
# a rental bike's year (about 250 charges); the metrics' use stage (B6) reads it.
P48 = Product(gtin(MAKER_PREFIX, 1), "Voltwerk P48 e-bike battery 48 V 14 Ah", 4.8,
              "Frame-mounted traction battery, 672 Wh, NMC 811 cells, IP67", {
                  "nominalVoltageV": 48, "capacityAh": 14, "energyWh": 672, "chemistry": "NMC 811",
                  "cells": "13S4P 21700", "warrantyMonths": 24, "useEnergyKWhPerYear": 170,
                  "batteryCategory": "LMT"})
P36 = Product(gtin(MAKER_PREFIX, 2), "Voltwerk P36 e-bike battery 36 V 10 Ah", 3.1,
              "Rack-mounted traction battery, 378 Wh, NMC 811 cells, IP65", {
                  "nominalVoltageV": 36, "capacityAh": 10.5, "energyWh": 378, "chemistry": "NMC 811",
                  "cells": "10S3P 21700", "warrantyMonths": 24, "useEnergyKWhPerYear": 95,
                  "batteryCategory": "LMT"})
BMS = Product(gtin(MAKER_PREFIX, 3), "Voltwerk BMS-13 battery management board", 0.09,
              "Battery management board: cell balancing, SoC and SoH, CAN bus")
# The configurable pack's LFP variant (cradletrace.demo.configurations) and the board its LFP cells need: the
# cell voltage limits of LiFePO4 (2.5 to 3.65 V) are not NMC's, so an NMC board must never run LFP cells and
# the other way round.
P36L = Product(gtin(MAKER_PREFIX, 4), "Voltwerk P36L e-bike battery 38.4 V 9 Ah LFP", 3.4,
               "Rack-mounted traction battery, 346 Wh, LFP cells, IP65", {
                   "nominalVoltageV": 38.4, "capacityAh": 9, "energyWh": 346, "chemistry": "LFP",
                   "cells": "12S3P 21700", "warrantyMonths": 24, "useEnergyKWhPerYear": 85,
                   "batteryCategory": "LMT"})
BMS_LFP = Product(gtin(MAKER_PREFIX, 5), "Voltwerk BMS-12L battery management board for LFP cells", 0.09,
                  "Battery management board for 12S LiFePO4 blocks: LFP voltage limits, balancing, CAN bus")
CELL = Product(gtin(CELLCORE.prefix, 1), "Cellcore 21700 Li-ion cell 3.5 Ah NMC 811", 0.068,
               attributes={"material": "li-ion battery"})
LFP_CELL = Product(gtin(CELLCORE.prefix, 2), "Cellcore 21700 LiFePO4 cell 3.0 Ah", 0.07,
                   attributes={"material": "li-ion battery"})
HOUSING = Product(gtin(ALUPOL.prefix, 1), "Aluminium housing extrusion 6063-T5", attributes={"material": "aluminium"})
BUSBAR = Product(gtin(KUPFERWERK.prefix, 1), "Copper busbar strip Cu-ETP", attributes={"material": "copper"})
PCB = Product(gtin(BOARDTRONIC.prefix, 1), "BMS printed circuit board assembly", attributes={"material": "pcb"})
ENDCAP = Product(gtin(POLYFORM.prefix, 1), "Polypropylene end caps and cable sleeves",
                 attributes={"material": "polypropylene"})
CARTON = Product(gtin(KARTONWERK.prefix, 1), "Corrugated shipping carton", 0.35, attributes={"material": "cardboard"})
RAIL = Product(gtin(KONTAKT.prefix, 1), "Frame rail connector, 2-pole 40 A", 0.03,
               attributes={"material": "electronics_small"})
XT60 = Product(gtin(KONTAKT.prefix, 2), "XT60 connector with 30 cm cable", 0.025,
               attributes={"material": "electronics_small"})
COAT_BLACK = Product(gtin(PULVERLACK.prefix, 1), "Polyester powder coating, jet black RAL 9005",
                     attributes={"material": "plastic_average"})
COAT_ORANGE = Product(gtin(PULVERLACK.prefix, 2), "Polyester powder coating, signal orange RAL 2004",
                      attributes={"material": "plastic_average"})
BLACK_MASS = Product(gtin(RECELL.prefix, 1), "Recovered black mass (cathode and anode material)",
                     attributes={"material": "black mass"})
RECOVERED_AL = Product(gtin(RECELL.prefix, 2), "Recovered aluminium scrap", attributes={"material": "aluminium"})
RECOVERED_CU = Product(gtin(RECELL.prefix, 3), "Recovered copper scrap", attributes={"material": "copper"})
PRECURSOR = Product(gtin(RECELL.prefix, 4), "Recycled NMC cathode precursor (pCAM)",
                    attributes={"material": "battery metals"})

PRODUCTS = (P48, P36, BMS, CELL, HOUSING, BUSBAR, PCB, ENDCAP, CARTON, BLACK_MASS, RECOVERED_AL, RECOVERED_CU,
            PRECURSOR, P36L, BMS_LFP, LFP_CELL, RAIL, XT60, COAT_BLACK, COAT_ORANGE)


PRODUCT_OF_GTIN = {product.gtin: product for product in PRODUCTS}


def mass_of(units: Sequence[str]) -> float:
    """The mass of some units (kg) from their products' masses.

    Examples
    --------
    >>> mass_of([P48.unit("1"), P48.unit("2"), P36.unit("3")])
    12.7
    """
    return round(sum(PRODUCT_OF_GTIN[u.split("/")[4]].mass_kg or 0.0 for u in units), 3)


def pallet(reference: int) -> str:
    """The SSCC of the maker's pallet ``reference`` (extension digit 3).

    Examples
    --------
    >>> pallet(1)
    'https://id.gs1.org/00/395212340000000014'
    """
    return sscc_uri(f"3{MAKER_PREFIX}{reference:09d}")


def register(session: Session) -> None:
    """Write the master data: every product, party and site (no events)."""
    for product in PRODUCTS:
        add_product(session, product.gtin, product.name, mass_kg=product.mass_kg, description=product.description,
                    attributes=product.attributes or None)
    for company in COMPANIES:
        add_party(session, company.party, company.name, country=company.country)
        for key, (name, country, latitude, longitude) in company.sites.items():
            add_location(session, company.site(key), name, party=company.party, country=country,
                         attributes={"latitude": latitude, "longitude": longitude})
