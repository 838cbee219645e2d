"""cradletrace.configure.catalogue: defining a model, refusing a malformed one, redefining it in place."""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from configure_world import BMS, GROUPS, HV, LFP, MOD, PACK, PACK5, PACK10, PACK10L, RULES, one, pack_model, products
from cradletrace.configure import catalogue, configure, define_model, model_of
from cradletrace.errors import Conflict, InvalidInput, NotFound
from cradletrace.models import ConfigOption, ConfigOptionGroup, PriceList, PriceSurcharge


def test_a_model_reads_back_as_defined(session: Session) -> None:
    products(session)
    pack_model(session)
    cat = catalogue(session, "PACK")
    assert [(g.code, g.options, g.required, g.multiple) for g in cat.definition.groups] == [
        ("cap", ("c5", "c10"), True, False), ("chem", ("nmc", "lfp"), True, False),
        ("conn", ("lv", "hv"), True, False), ("acc", ("mount", "heater"), False, True)]
    assert [(r.code, r.kind, r.option, r.other) for r in cat.definition.rules] == [
        ("LFP-HV", "requires", "lfp", "hv"), ("C5-NO-HEATER", "excludes", "c5", "heater")]
    assert cat.base == ((BMS, Decimal(1)),)
    assert cat.by_option["c10"] == ((MOD, Decimal(2)),) and cat.by_option["lfp"] == ((LFP, Decimal("0.4")),)
    assert {(x.product, x.options) for x in cat.variants} == {
        (PACK5, frozenset({"c5"})), (PACK10, frozenset({"c10"})), (PACK10L, frozenset({"c10", "lfp"}))}
    assert list(cat.option_ids) == ["c5", "c10", "nmc", "lfp", "lv", "hv", "mount", "heater"]
    assert model_of(session, "PACK").name == "Battery pack"
    with pytest.raises(NotFound, match="no configurable model 'BIKE'"):
        catalogue(session, "BIKE")


def groups_with(change: Any) -> list[dict[str, Any]]:
    groups = copy.deepcopy(GROUPS)
    change(groups)
    return groups


def setitem(path: list[Any], value: Any) -> Any:
    def change(groups: list[dict[str, Any]]) -> None:
        target: Any = groups
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


@pytest.mark.parametrize(("changes", "where", "says"), [
    ({"groups": groups_with(setitem([1, "options", 0, "code"], "c5"))}, "model PACK.groups[1].options[0].code",
     "option code 'c5' is used twice"),
    ({"groups": groups_with(setitem([2, "code"], "cap"))}, "model PACK.groups[2].code",
     "group code 'cap' is used twice"),
    ({"groups": groups_with(setitem([0, "options"], []))}, "model PACK.groups[0].options", "needs at least one entry"),
    ({"groups": groups_with(setitem([0, "options", 0, "components", 0, "quantity"], 0))},
     "model PACK.groups[0].options[0].components[0].quantity", "quantity must be positive, got 0"),
    ({"components": one(BMS, 1.0)}, "model PACK.components[0].quantity", "not a float"),
    ({"rules": [*RULES, {"code": "X", "kind": "requires", "option": "lfp", "other": "xl"}]},
     "model PACK.rules[2].other", "model PACK has no option 'xl'"),
    ({"rules": [*RULES, {"code": "X", "kind": "implies", "option": "lfp", "other": "hv"}]},
     "model PACK.rules[2].kind", "requires or excludes, not 'implies'"),
    ({"rules": [*RULES, {"code": "X", "kind": "requires", "option": "lv", "other": "hv"}]},
     "model PACK.rules[2]", "lv can never be chosen: it requires hv, of the same single-choice group conn"),
    ({"rules": [*RULES, {"code": "LFP-HV", "kind": "excludes", "option": "nmc", "other": "hv"}]},
     "model PACK.rules[2].code", "rule code 'LFP-HV' is used twice"),
    ({"variants": [{"product": PACK10, "options": ["c10"]}, {"product": PACK10L, "options": ["lfp"]}]},
     "model PACK.variants", f"variants {PACK10} and {PACK10L} could both match one configuration, neither more "
                            "specific: add a variant with options c10, lfp"),
    ({"variants": [{"product": PACK10, "options": ["c10", "xl"]}]}, "model PACK.variants[0].options",
     "model PACK has no option 'xl'"),
])
def test_a_malformed_definition_is_refused_naming_where(session: Session, changes: dict[str, Any], where: str,
                                                        says: str) -> None:
    products(session)
    with pytest.raises(InvalidInput) as caught:
        pack_model(session, **changes)
    assert caught.value.where == where and says in caught.value.message


def test_unknown_products_and_taken_variants(session: Session) -> None:
    products(session)
    with pytest.raises(NotFound, match="no product with GTIN 09506000135137"):
        pack_model(session, components=one("09506000135137"))
    pack_model(session)
    with pytest.raises(Conflict, match=f"GTIN {PACK5} is already a variant of model PACK"):
        define_model(session, "MINI", name="Mini pack", product=PACK, groups=GROUPS[:1],
                     variants=[{"product": PACK5, "options": ["c5"]}])


def test_redefining_keeps_options_by_code_and_replaces_the_rest(session: Session) -> None:
    products(session)
    pack_model(session)
    before = dict(session.execute(select(ConfigOption.code, ConfigOption.id)).all())
    # c10 takes three modules now; the heater goes; hv moves to a new group "power" and conn goes with lv.
    groups = groups_with(setitem([0, "options", 1, "components"], one(MOD, 3)))
    groups[3]["options"] = groups[3]["options"][:1]
    groups[2] = {"code": "power", "name": "Power", "options": [{"code": "hv", "name": "High voltage",
                                                                  "components": one(HV)}]}
    pack_model(session, groups=groups, rules=RULES[:1], variants=[{"product": PACK10, "options": ["c10"]}])
    cat = catalogue(session, "PACK")
    assert [g.code for g in cat.definition.groups] == ["cap", "chem", "power", "acc"]
    assert cat.by_option["c10"] == ((MOD, Decimal(3)),) and "heater" not in cat.option_ids
    assert cat.option_ids["hv"] == before["hv"] and cat.option_ids["c10"] == before["c10"]  # kept by code
    assert [r.code for r in cat.definition.rules] == ["LFP-HV"] and len(cat.variants) == 1
    assert session.scalar(select(func.count()).select_from(ConfigOptionGroup)) == 4


def test_an_option_that_was_sold_stays(session: Session) -> None:
    products(session)
    pack_model(session)
    configure(session, "PACK", ["c10", "nmc", "hv", "heater"])
    groups = copy.deepcopy(GROUPS)
    groups[3]["options"] = groups[3]["options"][:1]
    with pytest.raises(Conflict, match="option heater is in configuration .*: an option that was sold stays"):
        pack_model(session, name="Pack II", groups=groups, rules=RULES[:1])
    cat = catalogue(session, "PACK")  # refused before anything was written
    assert "heater" in cat.option_ids and len(cat.definition.rules) == 2 and cat.model.name == "Battery pack"


def test_an_option_on_a_price_list_stays(session: Session) -> None:
    products(session)
    pack_model(session)
    listed = PriceList(code="EUR-2026", name="List 2026", currency="EUR", valid_from=datetime(2026, 1, 1),
                       created_at=datetime(2026, 1, 1))
    session.add(listed)
    session.flush()
    session.add(PriceSurcharge(price_list_id=listed.id, option_id=catalogue(session, "PACK").option_ids["heater"],
                               amount=Decimal("150")))
    session.flush()
    groups = copy.deepcopy(GROUPS)
    groups[3]["options"] = groups[3]["options"][:1]
    with pytest.raises(Conflict, match="option heater has a surcharge on price list EUR-2026: take it off the list"):
        pack_model(session, groups=groups, rules=RULES[:1])
