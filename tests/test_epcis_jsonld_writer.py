"""cradletrace.epcis.jsonld_writer: round trips of every GS1 example, schema validity, prefixes, streaming."""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from cradletrace.epcis import read_document, write_jsonld

NOT_EVENT_DOCUMENTS = ("CaptureJob/", "CBV-11.4", "Example-masterData", "masterdata_all_possible_fields")
#: XML examples whose events have no JSON form the JSON Schema accepts: the XSD makes sensorReport's
#: type optional, the JSON Schema requires it (SensorDataExamples.xml event 8).
NO_VALID_JSON_FORM = {"xml/WithSensorData/SensorDataExamples.xml"}


def examples(conformance: Path) -> list[Path]:
    epcis = conformance / "epcis"
    files = sorted((epcis / "json").rglob("*.json*")) + sorted((epcis / "xml").rglob("*.xml"))
    return [f for f in files if not any(s in str(f.relative_to(epcis)) for s in NOT_EVENT_DOCUMENTS)]


@lru_cache(maxsize=1)
def _validator(conformance: Path):  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads((conformance / "epcis" / "EPCIS-JSON-Schema.json").read_text())
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def valid_events(path: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    doc = read_document(path)
    events = [event for _, event, errors in doc.events if not errors]
    return events, doc.header["namespaces"]


@pytest.mark.conformance_files(select=examples)
def test_round_trip_and_schema_validity(conformance_file: Path, conformance: Path) -> None:
    rel = str(conformance_file.relative_to(conformance / "epcis"))
    events, namespaces = valid_events(conformance_file)
    if not events:
        pytest.skip("no valid events (the schema rejects this example)")
    buffer = io.BytesIO()
    assert write_jsonld(iter(events), buffer, namespaces=namespaces) == len(events)
    data = buffer.getvalue()
    schema_errors = [e.message for e in _validator(conformance).iter_errors(json.loads(data))]
    back = list(read_document(data).events)
    if rel in NO_VALID_JSON_FORM:
        # Alert-only reports have no type: the JSON schema wants one, the abstract model does
        # not. The reader takes them back (rules.py), so the round trip still holds.
        assert schema_errors == ["'type' is a required property"] * 2
    else:
        assert schema_errors == []
    assert [errs for _, _, errs in back] == [[]] * len(events)
    assert [event for _, event, _ in back] == events


def test_without_namespaces_events_declare_their_own_prefixes() -> None:
    events = [{"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
               "action": "OBSERVE", "epcList": [], "{urn:a:}x": "1", "comment": "c"},
              {"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
               "action": "OBSERVE", "epcList": [], "{urn:a:}x": {"@{urn:b:}unit": "kg", "#text": "5"}}]
    buffer = io.BytesIO()
    write_jsonld(events, buffer, query=True, creation_date="2025-01-02T00:00:00Z")
    doc = orjson.loads(buffer.getvalue())
    written = doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert doc["type"] == "EPCISQueryDocument" and doc["@context"] == [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
    assert written[0]["@context"] == {"ext1": "urn:a:"} and written[0]["rdfs:comment"] == "c"
    assert written[1]["@context"] == {"ext1": "urn:a:", "ext2": "urn:b:"}
    assert written[1]["ext1:x"] == {"@ext2:unit": "kg", "#text": "5"}
    assert [e for _, e, _ in read_document(buffer.getvalue()).events] == events


def test_gs1_vocabulary_terms_are_written_as_the_json_binding_wants() -> None:
    event = {"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
             "action": "OBSERVE", "epcList": [], "sensorElementList": [{"sensorReport": [
                 {"type": "https://gs1.org/voc/Temperature"}, {"type": "https://gs1.org/voc/Smell"}]}]}
    buffer = io.BytesIO()
    write_jsonld([event], buffer)
    reports = orjson.loads(buffer.getvalue())["epcisBody"]["eventList"][0]["sensorElementList"][0]["sensorReport"]
    assert reports == [{"type": "Temperature"}, {"type": "gs1:Smell"}]


def test_events_are_consumed_one_at_a_time() -> None:
    seen: list[int] = []

    def events():  # type: ignore[no-untyped-def]
        for i in range(3):
            seen.append(i)
            yield {"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
                   "action": "OBSERVE", "epcList": []}

    class Recorder(io.BytesIO):
        def write(self, b):  # type: ignore[no-untyped-def]
            self.record.append((len(seen), bytes(b)))
            return super().write(b)

    out = Recorder()
    out.record = []  # type: ignore[attr-defined]
    write_jsonld(events(), out)
    event_writes = [n for n, b in out.record if b.startswith(b'{"type":"ObjectEvent"')]  # type: ignore[attr-defined]
    assert event_writes == [1, 2, 3]
