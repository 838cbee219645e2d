"""cradletrace.configure.configurations: saving a valid configuration, refusing an invalid one, the variant, the
bill-of-materials snapshot, describe, and the configuration travelling from quote line to order line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from configure_world import (
    BMS,
    GROUPS,
    HV,
    LFP,
    LV,
    MOD,
    MOUNT,
    NMC,
    PACK,
    PACK5,
    PACK10,
    PACK10L,
    day,
    one,
    pack_model,
    sell,
    setup,
)
from cradletrace import commerce
from cradletrace.commerce.documents import get
from cradletrace.commerce.lines import lines_of
from cradletrace.configure import configure, configured_products, describe, describe_many
from cradletrace.configure.configurations import ChosenOption
from cradletrace.errors import InvalidInput, NotFound, RuleViolation
from cradletrace.models import Configuration, ConfigurationOption, DocumentKind, Product


def product_id(session: Session, gtin: str) -> int:
    return session.scalar(select(Product.id).where(Product.gtin == gtin))


def test_a_valid_configuration_is_saved_with_its_variant_and_bill_of_materials(session: Session) -> None:
    setup(session)
    conf = configure(session, "PACK", ["mount", "hv", "lfp", "c10"], by="sam", when=day(2))
    # Base first (1 BMS), then the options in group order: c10 (2 modules), lfp (0.40 kg), hv (1), mount (1).
    assert conf.bom == [{"gtin": BMS, "quantity": "1"}, {"gtin": MOD, "quantity": "2"},
                        {"gtin": LFP, "quantity": "0.4"}, {"gtin": HV, "quantity": "1"},
                        {"gtin": MOUNT, "quantity": "1"}]
    assert conf.variant_product_id == product_id(session, PACK10L)  # {c10, lfp} is more specific than {c10}
    assert (conf.created_by, conf.created_at.day) == ("sam", 2)
    assert session.scalar(select(func.count()).select_from(ConfigurationOption)
                          .where(ConfigurationOption.configuration_id == conf.id)) == 4


@pytest.mark.parametrize(("options", "where", "says"), [
    (["c10", "lfp", "lv"], "rule LFP-HV", "option lfp requires option hv (LFP packs charge at 58 V)"),
    (["c5", "nmc", "lv", "heater"], "rule C5-NO-HEATER",
     "option c5 excludes option heater (the 5 kWh housing has no room for a heater)"),
    (["c10", "nmc"], "group conn", "Connector needs a choice: one of lv, hv"),
    (["c10", "nmc", "lv", "hv"], "group conn", "Connector takes one option, not lv and hv"),
    (["c10", "nmc", "lv", "usb"], "option usb", "model PACK has no option 'usb'"),
])
def test_an_invalid_configuration_is_refused_naming_the_rule(session: Session, options: list[str], where: str,
                                                             says: str) -> None:
    setup(session)
    with pytest.raises(RuleViolation) as caught:
        configure(session, "PACK", options)
    assert (caught.value.where, caught.value.message) == (where, says)
    assert session.scalar(select(func.count()).select_from(Configuration)) == 0


def test_options_are_a_list_and_the_model_must_exist(session: Session) -> None:
    setup(session)
    with pytest.raises(InvalidInput, match="a list of option codes"):
        configure(session, "PACK", "c10")
    with pytest.raises(NotFound, match="no configurable model 'BIKE'"):
        configure(session, "BIKE", ["c10"])


def test_variant_resolution(session: Session) -> None:
    setup(session)
    gtin_of = {product_id(session, g): g for g in (PACK, PACK5, PACK10, PACK10L)}
    resolved = {tuple(options): gtin_of.get(configure(session, "PACK", options).variant_product_id)
                for options in (["c10", "lfp", "hv"], ["c10", "nmc", "lv"], ["c5", "nmc", "lv", "mount"])}
    assert resolved == {("c10", "lfp", "hv"): PACK10L, ("c10", "nmc", "lv"): PACK10, ("c5", "nmc", "lv", "mount"): PACK5}
    # With PACK10L as the only variant, a 5 kWh pack matches none: it is sold as the base product.
    pack_model(session, variants=[{"product": PACK10L, "options": ["c10", "lfp"]}])
    small = configure(session, "PACK", ["c5", "nmc", "lv"])
    assert small.variant_product_id is None
    assert configured_products(session, [small.id]) == {small.id: product_id(session, PACK)}
    with pytest.raises(NotFound, match="no configuration 999999"):
        configured_products(session, [small.id, 999999])


def test_the_snapshot_stays_when_the_model_is_redefined(session: Session) -> None:
    setup(session)
    sold = configure(session, "PACK", ["c10", "nmc", "lv"])
    groups = [{**g} for g in GROUPS]
    groups[0] = {**GROUPS[0], "options": [GROUPS[0]["options"][0],  # type: ignore[index]
                                          {"code": "c10", "name": "10 kWh", "components": one(MOD, 3)}]}
    pack_model(session, groups=groups, components=())  # 3 modules for 10 kWh, and no BMS any more
    session.expire_all()
    assert sold.bom == [{"gtin": BMS, "quantity": "1"}, {"gtin": MOD, "quantity": "2"},
                        {"gtin": NMC, "quantity": "0.35"}, {"gtin": LV, "quantity": "1"}]
    assert [(r.gtin, r.quantity) for r in describe(session, sold).bom][:2] == [(BMS, Decimal(1)), (MOD, Decimal(2))]
    again = configure(session, "PACK", ["c10", "nmc", "lv"])
    assert again.bom == [{"gtin": MOD, "quantity": "3"}, {"gtin": NMC, "quantity": "0.35"},
                         {"gtin": LV, "quantity": "1"}]


def test_describe(session: Session) -> None:
    setup(session)
    conf = configure(session, "PACK", ["mount", "hv", "lfp", "c10", "heater"], by="sam", when=day(2))
    summary = describe(session, conf.id)
    assert (summary.model_code, summary.model_name) == ("PACK", "Battery pack")
    assert (summary.variant_gtin, summary.variant_name, summary.gtin) == (PACK10L, "Battery pack 10 kWh LFP", PACK10L)
    assert (summary.base_gtin, summary.base_name) == (PACK, "Battery pack")
    assert summary.options == (ChosenOption("Capacity", "c10", "10 kWh"), ChosenOption("Cell chemistry", "lfp", "LFP"),
                               ChosenOption("Connector", "hv", "High voltage"),
                               ChosenOption("Accessories", "mount", "Wall mount"),
                               ChosenOption("Accessories", "heater", "Heater"))
    assert [(r.name, r.quantity) for r in summary.bom] == [
        ("BMS board", Decimal(1)), ("Module 5 kWh", Decimal(2)), ("LFP cathode", Decimal("0.4")),
        ("HV connector", Decimal(1)), ("Wall mount", Decimal(1)), ("Heater", Decimal(1))]
    data = summary.to_dict()
    assert data["gtin"] == PACK10L and data["bom"][2] == {"gtin": LFP, "name": "LFP cathode", "quantity": "0.4"}
    assert data["options"][0] == {"group": "Capacity", "code": "c10", "name": "10 kWh"}
    with pytest.raises(NotFound, match="no configuration 999999"):
        describe(session, 999999)


def test_describe_many_in_three_statements(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    setup(session)
    confs = [configure(session, "PACK", options, when=day(2)) for options in
             (["c5", "nmc", "lv"], ["c10", "lfp", "hv"], ["c10", "nmc", "lv", "mount"])]
    with count_statements(session) as sent:
        found = describe_many(session, [c.id for c in reversed(confs)] + [confs[0].id])
    assert len(sent) == 3
    # In the order asked, once each: PACK5 (c5), PACK10L (c10 + lfp), PACK10 (c10 without lfp).
    assert list(found) == [confs[2].id, confs[1].id, confs[0].id]
    assert [found[c.id].gtin for c in confs] == [PACK5, PACK10L, PACK10]
    assert found[confs[1].id] == describe(session, confs[1])
    assert describe_many(session, []) == {}
    with pytest.raises(NotFound, match="no configuration 999999"):
        describe_many(session, [confs[0].id, 999999])


def test_the_configuration_travels_from_quote_line_to_order_line(session: Session) -> None:
    setup(session)
    big = configure(session, "PACK", ["c10", "lfp", "hv"])
    small = configure(session, "PACK", ["c5", "nmc", "lv"])
    order = sell(session, "1", [
        {"configuration_id": big.id, "quantity": 2, "unit_price": "4200.00"},  # the product comes from it
        {"product": PACK5, "configuration_id": small.id, "quantity": 1, "unit_price": "2100.00"},
        {"product": MOD, "quantity": 1, "unit_price": "900.00"}])
    quote_lines = lines_of(session, get(session, DocumentKind.QUOTE, "Q-1"))
    order_lines = lines_of(session, order)
    expected = [(product_id(session, PACK10L), big.id), (product_id(session, PACK5), small.id),
                (product_id(session, MOD), None)]
    assert [(ln.product_id, ln.configuration_id) for ln in quote_lines] == expected
    assert [(ln.product_id, ln.configuration_id) for ln in order_lines] == expected
    assert [ln.source_line_id for ln in order_lines] == [ln.id for ln in quote_lines]
    # 2 x 4200 + 2100 + 900 = 11 400.00
    assert order.amount == Decimal("11400.00")


def test_a_configured_line_for_another_product_is_refused(session: Session) -> None:
    setup(session)
    big = configure(session, "PACK", ["c10", "lfp", "hv"])
    with pytest.raises(InvalidInput) as caught:
        commerce.create_quote(session, "Q-2", party="https://id.gs1.org/417/9520999999983", currency="EUR",
                              lines=[{"product": PACK10, "configuration_id": big.id, "quantity": 1}])
    assert caught.value.where == "quote Q-2 line 1.product"
    assert f"not configuration {big.id}'s" in caught.value.message
    with pytest.raises(NotFound, match="no configuration 999999"):
        commerce.create_quote(session, "Q-3", party="https://id.gs1.org/417/9520999999983", currency="EUR",
                              lines=[{"configuration_id": 999999, "quantity": 1}])
