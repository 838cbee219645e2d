"""cradletrace.epcis.rules: one test per validation rule, and the normalisation."""

from __future__ import annotations

from typing import Any

import pytest

from cradletrace.epcis import validate_event


def base(**fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "ObjectEvent", "eventTime": "2025-03-01T10:00:00.000+01:00",
                             "eventTimeZoneOffset": "+01:00", "action": "OBSERVE",
                             "epcList": ["urn:epc:id:sgtin:9506000.013435.4711"]}
    event.update(fields)
    return {k: v for k, v in event.items() if v is not None}


def faults(event: dict[str, Any], syntax: str | None = None) -> list[tuple[str, str]]:
    _, errors = validate_event(event, 3, syntax=syntax)
    return [(e.where or "", e.message) for e in errors]


def test_a_valid_event_is_normalised_and_not_modified() -> None:
    event = base(bizStep="urn:epcglobal:cbv:bizstep:shipping", disposition="https://ref.gs1.org/cbv/Disp-in_transit",
                 quantityList=[{"epcClass": "urn:epc:class:lgtin:9506000.013435.L1", "quantity": 2.0, "uom": "KGM"}],
                 readPoint={"id": "urn:epc:id:sgln:9506000.00001.0", "{urn:ex:}door": "3"})
    before = repr(event)
    out, errors = validate_event(event, 0)
    assert errors == []
    assert repr(event) == before
    assert out["bizStep"] == "shipping" and out["disposition"] == "in_transit"
    assert out["quantityList"] == [{"epcClass": "https://id.gs1.org/01/09506000134352/10/L1", "quantity": 2,
                                    "uom": "KGM"}]
    assert out["readPoint"] == {"id": "https://id.gs1.org/414/9506000000015", "{urn:ex:}door": "3"}


def test_normalising_twice_changes_nothing() -> None:
    once, _ = validate_event(base(bizStep="shipping"), 0)
    twice, errors = validate_event(once, 0)
    assert twice == once and errors == []


@pytest.mark.parametrize("event, where, words", [
    (base(action=None), "event[3].action", "missing"),
    (base(action="ADDED"), "event[3].action", "not an action"),
    (base(eventTimeZoneOffset="+1:00"), "event[3].eventTimeZoneOffset", "not a time zone offset"),
    (base(eventTimeZoneOffset="+14:30"), "event[3].eventTimeZoneOffset", "not a time zone offset"),
    (base(eventTime="2025-03-01T10:00:00"), "event[3].eventTime", "time zone offset"),
    (base(eventTime=None), "event[3].eventTime", "missing"),
    (base(ilmd={"{urn:ex:}lot": "L1"}), "event[3].ilmd", "only allowed on ObjectEvent ADD"),
    (base(action="DELETE", ilmd={"{urn:ex:}lot": "L1"}), "event[3].ilmd", "not DELETE"),
    (base(type="QuantityEvent"), "event[3].type", "unknown event type 'QuantityEvent'"),
    (base(type=None), "event[3].type", "missing"),
    (base(epcList=None), "event[3].epcList", "needs an epcList or a quantityList"),
    (base(epcList=["urn:x:1", "urn:x:1"]), "event[3].epcList", "more than once"),
    (base(epcList=["not a uri"]), "event[3].epcList[0]", "not a URI"),
    (base(epcList=["urn:epc:id:sgtin:9506000.013435"]), "event[3].epcList[0]", "invalid identifier"),
    (base(bizStep="shiping"), "event[3].bizStep", "not a CBV 2.0 bizStep"),
    (base(bizStep="urn:epcglobal:cbv:bizstep:shiping"), "event[3].bizStep", "not a CBV 2.0 bizStep"),
    (base(disposition=7), "event[3].disposition", "must be text"),
    (base(myField="x"), "event[3].myField", "need a namespace"),
    (base(parentID="urn:epc:id:sscc:9506000.0000000001"), "event[3].parentID", "not a field of ObjectEvent"),
    (base(quantityList=[{"quantity": 1}]), "event[3].quantityList[0].epcClass", "missing"),
    (base(quantityList=[{"epcClass": "urn:x:c", "quantity": "12"}]), "event[3].quantityList[0].quantity",
     "not a number"),
    (base(quantityList=[{"epcClass": "urn:x:c", "quantity": 1, "uom": "kg"}]), "event[3].quantityList[0].uom",
     "UN/ECE"),
    (base(readPoint={"{urn:ex:}a": "1"}), "event[3].readPoint.id", "missing"),
    (base(sourceList=[{"source": "urn:x:1"}]), "event[3].sourceList[0].type", "missing"),
    (base(bizTransactionList=[{"type": "po"}]), "event[3].bizTransactionList[0].bizTransaction", "missing"),
    (base(persistentDisposition={"set": []}), "event[3].persistentDisposition.set", "non-empty"),
    (base(persistentDisposition={"keep": ["active"]}), "event[3].persistentDisposition.keep", "not a field"),
    (base(errorDeclaration={"reason": "did_not_occur"}), "event[3].errorDeclaration.declarationTime", "missing"),
    (base(sensorElementList=[{"sensorMetadata": {}}]), "event[3].sensorElementList[0].sensorReport", "missing"),
    (base(sensorElementList=[{"sensorReport": [{"type": "Temperature", "value": "hot"}]}]),
     "event[3].sensorElementList[0].sensorReport[0].value", "not a number"),
    (base(sensorElementList=[{"sensorReport": [{"type": "Temperature", "hexBinaryValue": "xyz"}]}]),
     "event[3].sensorElementList[0].sensorReport[0].hexBinaryValue", "not hexadecimal"),
    (base(certificationInfo=["https://x.example/c", "no uri"]), "event[3].certificationInfo[1]", "not a URI"),
    (base(comment=5), "event[3].comment", "must be text"),
])
def test_rule(event: dict[str, Any], where: str, words: str) -> None:
    found = faults(event)
    assert any(w == where and words in m for w, m in found), found


@pytest.mark.parametrize("event, where, words", [
    ({"type": "AggregationEvent", "action": "ADD", "childEPCs": ["urn:x:1"]}, "parentID", "needs a parentID"),
    ({"type": "AggregationEvent", "action": "ADD", "parentID": "urn:x:p"}, "childEPCs", "needs childEPCs"),
    ({"type": "AssociationEvent", "action": "OBSERVE", "childEPCs": ["urn:x:1"]}, "parentID", "needs a parentID"),
    ({"type": "TransactionEvent", "action": "ADD", "epcList": []}, "bizTransactionList", "at least one"),
    ({"type": "TransactionEvent", "action": "ADD", "bizTransactionList": [{"bizTransaction": "urn:x:po"}]},
     "epcList", "needs an epcList"),
    ({"type": "TransformationEvent", "inputEPCList": ["urn:x:1"]}, "inputEPCList", "inputs and outputs"),
    ({"type": "TransformationEvent", "action": "ADD", "inputEPCList": ["urn:x:1"], "outputEPCList": ["urn:x:2"]},
     "action", "not a field of TransformationEvent"),
    ({"type": "AggregationEvent", "action": "ADD", "parentID": "urn:x:p", "childEPCs": ["urn:x:1"],
      "ilmd": {"{urn:ex:}a": "1"}}, "ilmd", "not a field of AggregationEvent"),
])
def test_type_rule(event: dict[str, Any], where: str, words: str) -> None:
    event = {"eventTime": "2025-03-01T10:00:00Z", "eventTimeZoneOffset": "+00:00", **event}
    found = faults(event)
    assert any(w == f"event[3].{where}" and words in m for w, m in found), found


def test_valid_variants_of_each_type() -> None:
    common = {"eventTime": "2025-03-01T10:00:00Z", "eventTimeZoneOffset": "+00:00"}
    valid = [
        {"type": "AggregationEvent", "action": "OBSERVE", "childEPCs": ["urn:x:1"]},
        {"type": "AggregationEvent", "action": "DELETE", "parentID": "urn:x:p"},
        {"type": "TransactionEvent", "action": "DELETE", "bizTransactionList": [{"bizTransaction": "urn:x:po"}]},
        {"type": "TransformationEvent", "transformationID": "urn:x:t", "outputEPCList": ["urn:x:2"],
         "ilmd": {"{urn:ex:}lot": "L1"}},
        {"type": "AssociationEvent", "action": "ADD", "parentID": "urn:x:p", "childQuantityList": [
            {"epcClass": "urn:x:c"}]},
        {"type": "ObjectEvent", "action": "ADD", "epcList": [], "ilmd": {"{urn:ex:}lot": "L1"}},
        {"type": "ObjectEvent", "action": "OBSERVE", "readPoint": {"id": "urn:x:r"},
         "sensorElementList": [{"sensorReport": [{"exception": "ALARM_CONDITION"}]}]},
    ]
    for event in valid:
        assert faults({**common, **event}) == [], event


def test_json_binding_restrictions() -> None:
    event = base(bizStep="urn:epcglobal:cbv:bizstep:shipping",
                 sensorElementList=[{"sensorReport": [{"value": 1}, {"type": "https://gs1.org/voc/Temperature"}]}])
    found = dict(faults(event, syntax="json"))
    assert "use the bare word 'shipping'" in found["event[3].bizStep"]
    assert "missing" in found["event[3].sensorElementList[0].sensorReport[0].type"]
    assert "bare words" in found["event[3].sensorElementList[0].sensorReport[1].type"]
    # The XML binding takes all three (the XSD types them as anyURI and makes type optional).
    assert faults(event, syntax="xml") == []


def test_sensor_terms_become_gs1_vocabulary_iris() -> None:
    event = base(sensorElementList=[{"sensorReport": [
        {"type": "Temperature", "value": 26.0, "uom": "CEL"}, {"type": "gs1:RelativeHumidity"},
        {"type": "Length", "exception": "ERROR_CONDITION", "component": "cbv:Comp-latitude"}]}])
    out, errors = validate_event(event, 0, syntax="json")
    reports = out["sensorElementList"][0]["sensorReport"]
    assert errors == []
    assert reports == [{"type": "https://gs1.org/voc/Temperature", "value": 26, "uom": "CEL"},
                       {"type": "https://gs1.org/voc/RelativeHumidity"},
                       {"type": "https://gs1.org/voc/Length", "exception": "https://gs1.org/voc/ERROR_CONDITION",
                        "component": "https://ref.gs1.org/cbv/Comp-latitude"}]


def test_cbv_values_in_every_field_become_bare_words() -> None:
    event = base(persistentDisposition={"set": ["urn:epcglobal:cbv:disp:completeness_verified"],
                                        "unset": ["cbv:Disp-completeness_inferred"]},
                 bizTransactionList=[{"type": "urn:epcglobal:cbv:btt:po", "bizTransaction": "urn:x:po:1"}],
                 sourceList=[{"type": "urn:epcglobal:cbv:sdt:owning_party",
                              "source": "urn:epc:id:pgln:9506000.00001"}],
                 errorDeclaration={"declarationTime": "2025-03-02T00:00:00Z",
                                   "reason": "urn:epcglobal:cbv:er:incorrect_data", "{urn:ex:}by": "QA"})
    out, errors = validate_event(event, 0)
    assert errors == []
    assert out["persistentDisposition"] == {"set": ["completeness_verified"], "unset": ["completeness_inferred"]}
    assert out["bizTransactionList"] == [{"type": "po", "bizTransaction": "urn:x:po:1"}]
    assert out["sourceList"] == [{"type": "owning_party", "source": "https://id.gs1.org/417/9506000000015"}]
    assert out["errorDeclaration"]["reason"] == "incorrect_data"


def test_private_uris_pass_unchanged() -> None:
    event = base(bizStep="https://example.com/voc/bizstep/recycling", disposition="urn:example:disp:x")
    out, errors = validate_event(event, 0, syntax="json")
    assert errors == [] and out["bizStep"] == event["bizStep"] and out["disposition"] == event["disposition"]


def test_json_takes_an_alert_report_without_a_type() -> None:
    """An alert-only report captured from XML must come back from a JSON-LD export."""
    alert = base(sensorElementList=[{"sensorReport": [{"exception": "ALARM_CONDITION", "booleanValue": True}]}])
    assert faults(alert, syntax="json") == []
    reading = base(sensorElementList=[{"sensorReport": [{"value": 3.5, "uom": "CEL"}]}])
    assert [w for w, _ in faults(reading, syntax="json")] == ["event[3].sensorElementList[0].sensorReport[0].type"]


@pytest.mark.parametrize("field, shape, item", [
    ("epcList", "must be a list of identifiers", None),
    ("quantityList", "must be a list of quantity elements", "must be an object with epcClass, quantity and uom"),
    ("bizTransactionList", "must be a list of {type, bizTransaction}", "must be an object with type and bizTransaction"),
    ("sourceList", "must be a list of {type, source}", "must be an object with type and source"),
    ("destinationList", "must be a list of {type, destination}", "must be an object with type and destination"),
    ("sensorElementList", "must be a list of sensor elements", "must be an object with sensorReport"),
])
def test_every_list_of_objects_names_the_list_and_the_item(field: str, shape: str, item: str | None) -> None:
    # One function checks every list (rules._list_of): the same faults, at the list and at item [i].
    assert (f"event[3].{field}", shape) in faults(base(**{field: "x"}))
    if item is not None:
        assert (f"event[3].{field}[1]", item) in faults(base(**{field: [{}, "x"]}))


def test_nested_lists_are_checked_item_by_item() -> None:
    found = faults(base(persistentDisposition={"set": [], "unset": ["active", "active"]},
                        sensorElementList=[{"sensorReport": []}],
                        errorDeclaration={"declarationTime": "2025-01-01T00:00:00Z", "correctiveEventIDs": ["a b"]}))
    assert ("event[3].persistentDisposition.set", "must be a non-empty list of dispositions") in found
    assert ("event[3].persistentDisposition.unset", "lists a disposition more than once") in found
    assert ("event[3].sensorElementList[0].sensorReport", "must be a non-empty list of sensor reports") in found
    assert any(w == "event[3].errorDeclaration.correctiveEventIDs[0]" for w, _ in found)
