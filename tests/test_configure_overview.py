"""cradletrace.configure.overview: every model as plain data, in the shape define_model takes, in six statements; one
model by its code; the latest configurations."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from configure_world import BMS, GROUPS, PACK, PACK5, RULES, VARIANTS, day, one, pack_model, setup
from cradletrace.configure import configure, describe_model, describe_models, latest_configurations
from cradletrace.configure.catalogue import define_model
from cradletrace.errors import NotFound


def test_a_model_reads_back_as_it_was_defined(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    setup(session)
    define_model(session, "MINI", name="Mini pack", product=PACK5, when=day(1),
                 groups=[{"code": "only", "name": "Only", "options": [{"code": "one", "name": "One",
                                                                     "components": one(BMS)}]}])
    with count_statements(session) as sent:
        models = describe_models(session)
    assert len(sent) == 6
    assert [m.code for m in models] == ["MINI", "PACK"]
    pack = models[1].to_dict()
    assert (pack["name"], pack["product"], pack["product_name"]) == ("Battery pack", PACK, "Battery pack")
    # The groups as configure_world gave them, with names and quantities as decimal strings.
    assert [g["code"] for g in pack["groups"]] == [g["code"] for g in GROUPS]
    assert pack["groups"][3] == {"code": "acc", "name": "Accessories", "required": False, "multiple": True, "options": [
        {"code": "mount", "name": "Wall mount", "components": [
            {"product": "09506000135083", "name": "Wall mount", "quantity": "1"}]},
        {"code": "heater", "name": "Heater", "components": [
            {"product": "09506000135090", "name": "Heater", "quantity": "1"}]}]}
    assert pack["groups"][1]["options"][0]["components"][0]["quantity"] == "0.35"
    assert pack["components"] == [{"product": BMS, "name": "BMS board", "quantity": "1"}]
    assert pack["rules"] == RULES
    assert [(v["product"], v["options"]) for v in pack["variants"]] == [(v["product"], v["options"]) for v in VARIANTS]
    assert pack["variants"][2]["name"] == "Battery pack 10 kWh LFP"
    assert [m.code for m in describe_models(session, ["PACK", "NONE"])] == ["PACK"]


def test_what_it_reads_can_define_the_model_again(session: Session) -> None:
    setup(session)
    before = describe_models(session, ["PACK"])[0].to_dict()
    pack_model(session, groups=before["groups"], components=before["components"], rules=before["rules"],
               variants=before["variants"])
    assert describe_models(session, ["PACK"])[0].to_dict() == before


def test_one_model_by_its_code_and_the_configurations_saved(session: Session) -> None:
    setup(session)
    assert describe_model(session, "PACK") == describe_models(session, ["PACK"])[0]
    with pytest.raises(NotFound, match="no configurable model 'NONE'"):
        describe_model(session, "NONE")
    assert describe_model(session, "PACK").configurations == 0
    configure(session, "PACK", ["c5", "nmc", "lv"], by="sam", when=day(2))
    configure(session, "PACK", ["c10", "lfp", "hv"], by="sam", when=day(3))
    assert describe_model(session, "PACK").configurations == 2
    assert "configurations" not in describe_model(session, "PACK").to_dict(), "not part of a definition"


def test_the_latest_configurations_newest_first(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    setup(session)
    made = [configure(session, "PACK", options, when=day(d)).id
            for d, options in ((2, ["c5", "nmc", "lv"]), (3, ["c10", "lfp", "hv"]), (4, ["c10", "nmc", "hv"]))]
    with count_statements(session) as sent:
        latest = latest_configurations(session, 2)
    assert len(sent) == 4, "the ids, then describe_many's three"
    # Saved on days 2, 3 and 4: the two newest, newest first; c10 + lfp resolves to the variant PACK10L.
    assert [c.id for c in latest] == [made[2], made[1]]
    assert latest[1].gtin == "09506000135038" and latest[1].model_code == "PACK"
