"""A configurable battery pack for the configure and configuration-finding tests.

Not a test module: the tests import it by name (conftest puts this folder on the path).

Model PACK ("Battery pack", base product PACK), every configuration with one BMS board:

=========  ======================  ==========================================================
group      options                 bill of materials each puts in
=========  ======================  ==========================================================
cap        c5 "5 kWh"              1 module MOD
(req.)     c10 "10 kWh"            2 modules MOD
chem       nmc "NMC"               0.35 (kg) of NMC cathode material (a lot)
(req.)     lfp "LFP"               0.40 (kg) of LFP cathode material (a lot)
conn       lv "Low voltage"        1 LV connector
(req.)     hv "High voltage"       1 HV connector
acc        mount "Wall mount"      1 wall mount
(optional, heater "Heater"         1 heater
 several)
=========  ======================  ==========================================================

Rules: LFP-HV (lfp requires hv: "LFP packs charge at 58 V"), C5-NO-HEATER (c5 excludes heater:
"the 5 kWh housing has no room for a heater"). Variants: PACK5 {c5}, PACK10 {c10}, PACK10L {c10, lfp}.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.configure import define_model
from cradletrace.lifecycle import add_party, add_product
from cradletrace.models import ConfigModel

PACK, PACK5, PACK10, PACK10L = "09506000135007", "09506000135014", "09506000135021", "09506000135038"
MOD, BMS, LV, HV = "09506000135045", "09506000135052", "09506000135069", "09506000135076"
MOUNT, HEATER, NMC, LFP = "09506000135083", "09506000135090", "09506000135106", "09506000135113"
GLUE = "09506000135120"
NAMES = {PACK: "Battery pack", PACK5: "Battery pack 5 kWh", PACK10: "Battery pack 10 kWh",
         PACK10L: "Battery pack 10 kWh LFP", MOD: "Module 5 kWh", BMS: "BMS board", LV: "LV connector",
         HV: "HV connector", MOUNT: "Wall mount", HEATER: "Heater", NMC: "NMC cathode", LFP: "LFP cathode",
         GLUE: "Adhesive"}

SELLER = "https://id.gs1.org/417/9520999999990"
CUSTOMER = "https://id.gs1.org/417/9520999999983"


def day(d: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, d, hour, tzinfo=timezone.utc)


def part(gtin: str, serial: str) -> str:
    return f"https://id.gs1.org/01/{gtin}/21/{serial}"


def lot(gtin: str, number: str) -> str:
    return f"https://id.gs1.org/01/{gtin}/10/{number}"


def one(gtin: str, quantity: object = 1) -> list[dict[str, object]]:
    return [{"product": gtin, "quantity": quantity}]


GROUPS = [
    {"code": "cap", "name": "Capacity", "options": [
        {"code": "c5", "name": "5 kWh", "components": one(MOD)},
        {"code": "c10", "name": "10 kWh", "components": one(MOD, 2)}]},
    {"code": "chem", "name": "Cell chemistry", "options": [
        {"code": "nmc", "name": "NMC", "components": one(NMC, "0.35")},
        {"code": "lfp", "name": "LFP", "components": one(LFP, "0.40")}]},
    {"code": "conn", "name": "Connector", "options": [
        {"code": "lv", "name": "Low voltage", "components": one(LV)},
        {"code": "hv", "name": "High voltage", "components": one(HV)}]},
    {"code": "acc", "name": "Accessories", "required": False, "multiple": True, "options": [
        {"code": "mount", "name": "Wall mount", "components": one(MOUNT)},
        {"code": "heater", "name": "Heater", "components": one(HEATER)}]},
]
RULES = [
    {"code": "LFP-HV", "kind": "requires", "option": "lfp", "other": "hv", "message": "LFP packs charge at 58 V"},
    {"code": "C5-NO-HEATER", "kind": "excludes", "option": "c5", "other": "heater",
     "message": "the 5 kWh housing has no room for a heater"},
]
VARIANTS = [{"product": PACK5, "options": ["c5"]}, {"product": PACK10, "options": ["c10"]},
            {"product": PACK10L, "options": ["c10", "lfp"]}]


def products(session: Session) -> None:
    for gtin, name in NAMES.items():
        add_product(session, gtin, name)


def pack_model(session: Session, **changes: object) -> ConfigModel:
    """Define PACK (after :func:`products`); ``changes`` replace arguments of define_model."""
    arguments: dict[str, object] = {"name": "Battery pack", "product": PACK, "groups": GROUPS,
                                    "components": one(BMS), "rules": RULES, "variants": VARIANTS, "when": day(1)}
    return define_model(session, "PACK", **{**arguments, **changes})  # type: ignore[arg-type]


def setup(session: Session) -> ConfigModel:
    """Products, parties and the PACK model."""
    products(session)
    add_party(session, SELLER, "Seller")
    add_party(session, CUSTOMER, "Alpha")
    commerce.set_account(session, CUSTOMER, currency="EUR")
    return pack_model(session)


def sell(session: Session, number: str, lines: list[dict[str, object]]) -> object:
    """Quote ``lines`` to the customer, accept, and order from the quote (``SO-{number}``)."""
    commerce.create_quote(session, f"Q-{number}", party=CUSTOMER, currency="EUR", lines=lines, when=day(2))
    commerce.send_quote(session, f"Q-{number}", when=day(2, 10))
    commerce.accept_quote(session, f"Q-{number}", when=day(3), order=False)
    return commerce.create_order(session, f"SO-{number}", quote=f"Q-{number}", when=day(3, 10))


# -- units sold configured, built and serviced ---------------------------------------------------------

FACTORY = "https://id.gs1.org/414/9520999999952"
U1, U2, U3, U4, U5, U6 = (part(PACK10L, f"U{n}") for n in range(1, 7))
U5 = part(PACK10, "U5")
LFP_LOT, NMC_LOT, GLUE_LOT = lot(LFP, "LFP-1"), lot(NMC, "NMC-1"), lot(GLUE, "G-1")


def build(session: Session) -> dict[str, list[str]]:
    """Six packs of order SO-1 (line 1: five PACK10L configured c10 + lfp + hv; line 2: one PACK10, not configured).

    Expected of line 1: 1 BMS, 2 modules, LFP (0.4 kg), 1 HV connector.

    * U1 as expected, with 0.01 kg of adhesive (a material the model never names), built 4 March 9:00;
    * U2 built 4 March 10:00 with an LV connector instead of the HV one, and NMC instead of LFP;
    * U3 as expected, built 4 March 11:00; on 20 March its HV connector is swapped for an LV one;
    * U4 made to order: commissioned 3 March, allocated, then assembled 5 March with no LFP drawn;
    * U5 (line 2, not configured) built with an LV connector; U6 commissioned, never built.

    Returns the eventIDs of each build and of the swap: ``{"U1": [...], ..., "swap": [removing, replacing]}``.
    """
    from cradletrace import lifecycle
    from cradletrace.configure import configure

    setup(session)
    conf = configure(session, "PACK", ["c10", "lfp", "hv"], when=day(1))
    parts = [part(g, f"{g[-3:]}-{n}") for g in (MOD, BMS, HV, LV) for n in range(1, 13)]
    lifecycle.commission_units(session, parts, location=FACTORY, when=day(1))
    for material in (LFP_LOT, NMC_LOT, GLUE_LOT):
        lifecycle.register_lot(session, material, quantity=10, supplier=SELLER, owner=SELLER, location=FACTORY,
                               when=day(1))

    def kit(n: int, connector: str = HV) -> list[str]:
        return [part(MOD, f"045-{2 * n - 1}"), part(MOD, f"045-{2 * n}"), part(BMS, f"052-{n}"),
                part(connector, f"{connector[-3:]}-{n}")]

    events: dict[str, list[str]] = {}
    made = [(U1, {LFP_LOT: 0.4, GLUE_LOT: 0.01}, kit(1), day(4, 9)), (U2, {NMC_LOT: 0.35}, kit(2, LV), day(4, 10)),
            (U3, {LFP_LOT: 0.4}, kit(3), day(4, 11)), (U5, {NMC_LOT: 0.35}, kit(5, LV), day(4, 12))]
    for unit, materials, components, when in made:
        events[unit[-2:]] = lifecycle.manufacture(session, [unit], materials=materials, components={unit: components},
                                                  location=FACTORY, when=when).event_ids
    lifecycle.commission_units(session, [U4, U6], location=FACTORY, when=day(3))
    sell(session, "1", [{"configuration_id": conf.id, "quantity": 5, "unit_price": "4200.00"},
                        {"product": PACK10, "quantity": 1, "unit_price": "4000.00"}])
    commerce.allocate(session, "SO-1", units=[U1, U2, U3, U4, U5, U6], when=day(4, 13))
    events["U4"] = lifecycle.assemble(session, U4, kit(4), location=FACTORY, when=day(5)).event_ids
    events["swap"] = lifecycle.replace_component(session, U3, part(HV, "076-3"), part(LV, "069-6"),
                                                 reason="no HV connector in stock", when=day(20)).event_ids
    return events
