"""cradletrace.epcis.xml_writer: round trips of every GS1 example, XSD validity, element order, namespaces."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from cradletrace.epcis import read_document, write_xml
from cradletrace.epcis.xml_writer import event_to_xml, number_text

NOT_EVENT_DOCUMENTS = ("CaptureJob/", "CBV-11.4", "Example-masterData", "masterdata_all_possible_fields")


def examples(conformance: Path) -> list[Path]:
    epcis = conformance / "epcis"
    files = sorted((epcis / "json").rglob("*.json*")) + sorted((epcis / "xml").rglob("*.xml"))
    return [f for f in files if not any(s in str(f.relative_to(epcis)) for s in NOT_EVENT_DOCUMENTS)]


@lru_cache(maxsize=1)
def _xsd(conformance: Path):  # type: ignore[no-untyped-def]
    import xmlschema

    return xmlschema.XMLSchema(str(conformance / "epcis" / "xsd" / "EPCglobal-epcis-2_0.xsd"))


def as_xml_text(value: Any) -> Any:
    """What XML can carry of an extension value: its text (XML has no number or boolean types)."""
    if isinstance(value, dict):
        return {k: as_xml_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_xml_text(v) for v in value]
    if isinstance(value, (bool, int, float)):
        return number_text(value)
    return value


def untyped_extensions(event: dict[str, Any]) -> dict[str, Any]:
    return {k: as_xml_text(v) if k.startswith("{") or k == "ilmd" else v for k, v in event.items()}


@pytest.mark.conformance_files(select=examples)
def test_round_trip_and_xsd_validity(conformance_file: Path, conformance: Path) -> None:
    rel = str(conformance_file.relative_to(conformance / "epcis"))
    doc = read_document(conformance_file)
    events = [event for _, event, errors in doc.events if not errors]
    if not events:
        pytest.skip("no valid events (the schema rejects this example)")
    buffer = io.BytesIO()
    assert write_xml(iter(events), buffer, namespaces=doc.header["namespaces"]) == len(events)
    data = buffer.getvalue()
    errors = [str(e.reason) for e in _xsd(conformance).iter_errors(io.BytesIO(data))]
    assert errors == []
    back = list(read_document(data).events)
    assert [errs for _, _, errs in back] == [[]] * len(events)
    back_events = [event for _, event, _ in back]
    if rel.startswith("json/"):
        # Extension values typed in JSON (numbers, booleans) come back as their text.
        assert back_events == [untyped_extensions(e) for e in events]
    else:
        assert back_events == events


def test_query_document_validates_against_the_query_xsd(conformance: Path) -> None:
    import xmlschema

    events = [e for _, e, _ in read_document(conformance / "epcis/json/EPCISQueryDocument.jsonld").events]
    buffer = io.BytesIO()
    write_xml(events, buffer, query=True)
    schema = xmlschema.XMLSchema(str(conformance / "epcis" / "xsd" / "EPCglobal-epcis-query-2_0.xsd"))
    assert [str(e.reason) for e in schema.iter_errors(io.BytesIO(buffer.getvalue()))] == []
    doc = read_document(buffer.getvalue())
    assert doc.kind == "EPCISQueryDocument" and [e for _, e, _ in doc.events] == events


def test_children_follow_the_xsd_sequence_whatever_the_dict_order() -> None:
    event = {"persistentDisposition": {"set": ["active"], "unset": ["inactive"]}, "action": "ADD",
             "{urn:ex:}z": "1", "parentID": "urn:x:p", "childEPCs": ["urn:x:c"], "type": "AggregationEvent",
             "eventTimeZoneOffset": "+00:00", "eventTime": "2025-01-01T00:00:00Z", "bizStep": "packing"}
    elem = event_to_xml(event)
    assert [etree.QName(c).localname for c in elem] == [
        "eventTime", "eventTimeZoneOffset", "parentID", "childEPCs", "action", "bizStep", "persistentDisposition",
        "z"]
    assert [c.tag for c in elem.find("persistentDisposition")] == ["unset", "set"]
    assert elem.find("persistentDisposition/set").text == "urn:epcglobal:cbv:disp:active"


def test_extension_namespaces_are_declared_on_the_event_with_stable_prefixes() -> None:
    events = [{"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
               "action": "OBSERVE", "epcList": [], "{urn:a:}x": {"@{urn:b:}unit": "kg", "#text": "5"},
               "comment": "c"}] * 2
    buffer = io.BytesIO()
    write_xml(events, buffer)
    text = buffer.getvalue().decode()
    assert text.count('xmlns:ext1="urn:a:"') == 2 and '<ext1:x ext2:unit="kg">5</ext1:x>' in text
    assert "<rdfs:comment>c</rdfs:comment>" in text
    assert [e for _, e, _ in read_document(buffer.getvalue()).events] == events
