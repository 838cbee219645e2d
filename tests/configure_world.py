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
    commerce.accept_quote(session, f"Q-{number}", when=day(3))
    return commerce.create_order(session, f"SO-{number}", quote=f"Q-{number}", when=day(3, 10))
