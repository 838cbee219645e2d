"""cradletrace.epcis.document: sources, format detection, and the verdict on every GS1 example.

The official JSON Schema and XSD are used here only, as the oracle; the package ships its own rules.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path

import pytest

from cradletrace.epcis import ParsedDocument, detect_format, read_document, read_event
from cradletrace.errors import InvalidInput, ValidationFailed

#: Example files that are not event documents, and why they are not read as such.
OUT_OF_SCOPE = {
    "xml/CaptureJob/Example-CaptureJobRunning.xml": "EPCISCaptureJob: a capture job status, not an event document",
    "xml/CaptureJob/Example-CaptureJobSuccess.xml": "EPCISCaptureJob: a capture job status, not an event document",
    "xml/CaptureJob/Example-CaptureJobWithErrorFile.xml": "EPCISCaptureJob: a capture job status",
    "xml/CaptureJob/Example-CaptureJobWithErrors.xml": "EPCISCaptureJob: a capture job status",
    "xml/CBV/CBV-11.4-2020-06-16a.xml": "EPCISMasterDataDocument: CBV master data, validated by the masterdata XSD",
    "xml/Mimasu/Example-masterData.xml": "EPCISMasterDataDocument: master data, validated by the masterdata XSD",
    "xml/WithFullCombinationOfFields/masterdata_all_possible_fields.xml":
        "EPCISDocument that carries only header master data and no events",
}
#: The one example the official JSON Schema rejects, and the reason our reader must give.
EXPECTED_REJECTIONS = {
    "json/WithEventHashID/event_with_identical_hash_id_7.json": ("event[0].bizStep", "CBV URN"),
}


def example_files(conformance: Path) -> list[Path]:
    epcis = conformance / "epcis"
    return sorted((epcis / "json").rglob("*.json*")) + sorted((epcis / "xml").rglob("*.xml"))


def in_scope(conformance: Path) -> list[Path]:
    return [f for f in example_files(conformance) if _rel(f, conformance) not in OUT_OF_SCOPE]


def _rel(path: Path, conformance: Path) -> str:
    return str(path.relative_to(conformance / "epcis"))


@lru_cache(maxsize=1)
def _json_validator(conformance: Path):  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads((conformance / "epcis" / "EPCIS-JSON-Schema.json").read_text())
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


@lru_cache(maxsize=1)
def _xsd(conformance: Path):  # type: ignore[no-untyped-def]
    import xmlschema

    return xmlschema.XMLSchema(str(conformance / "epcis" / "xsd" / "EPCglobal-epcis-2_0.xsd"))


def official_verdict(path: Path, conformance: Path) -> bool:
    if path.suffix == ".xml":
        return _xsd(conformance).is_valid(str(path))
    return _json_validator(conformance).is_valid(json.loads(path.read_text()))


def our_verdict(path: Path) -> tuple[bool, list[str]]:
    try:
        doc = read_document(path)
        errors = [str(e) for _, _, errs in doc.events for e in errs]
    except InvalidInput as exc:
        return False, [str(exc)]
    return not errors, errors


@pytest.fixture
def conformance_dir(conformance: Path) -> Path:
    return conformance / "epcis"


def test_out_of_scope_files_exist_and_are_not_event_documents(conformance_dir: Path) -> None:
    for rel, reason in OUT_OF_SCOPE.items():
        head = (conformance_dir / rel).read_bytes()[:3000]
        assert reason and (b"EPCISCaptureJob" in head or b"MasterData" in head), rel


@pytest.mark.conformance_files(select=in_scope)
def test_verdict_equals_the_official_schema(conformance_file: Path, conformance: Path) -> None:
    rel = _rel(conformance_file, conformance)
    official = official_verdict(conformance_file, conformance)
    ours, errors = our_verdict(conformance_file)
    assert ours == official, f"{rel}: official {'valid' if official else 'invalid'}, ours: {errors[:3]}"
    if not official:
        where, words = EXPECTED_REJECTIONS[rel]
        assert any(e.startswith(where) and words in e for e in errors), errors


def test_verdict_summary(conformance: Path) -> None:
    files = in_scope(conformance)
    rejected = sorted(_rel(f, conformance) for f in files if not our_verdict(f)[0])
    assert len(files) == 78
    assert rejected == sorted(EXPECTED_REJECTIONS)


def test_the_rejected_example_names_event_field_and_fix(conformance_dir: Path) -> None:
    ok, errors = our_verdict(conformance_dir / "json/WithEventHashID/event_with_identical_hash_id_7.json")
    assert not ok
    assert ("event[0].bizStep: 'urn:epcglobal:cbv:bizstep:receiving' is a CBV URN, which the JSON binding "
            "does not allow: use the bare word 'receiving'") in errors
    assert any(e.startswith("event[0].bizTransactionList[0].type") for e in errors)


def test_sources_bytes_path_and_file_objects_give_the_same_events(conformance_dir: Path, tmp_path: Path) -> None:
    path = conformance_dir / "xml/Example_9.6.1-ObjectEvent-2020_06_18a.xml"
    data = path.read_bytes()

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, b):  # type: ignore[no-untyped-def]
            chunk = self.inner.read(len(b))
            b[:len(chunk)] = chunk
            return len(chunk)

    results = []
    for source in (data, path, str(path), io.BytesIO(data), Unseekable()):
        doc = read_document(source)
        results.append([ev for _, ev, _ in doc.events])
    assert all(r == results[0] for r in results) and len(results[0]) == 2
    assert read_document(path).name == path.name
    assert read_document(data, name="upload-7").name == "upload-7"


def test_parsed_document_fields() -> None:
    doc = read_document(b'{"@context": [{"ex": "urn:ex:"}], "type": "EPCISQueryDocument", "schemaVersion": "2.0",'
                        b' "creationDate": "2025-01-01T00:00:00Z", "epcisBody": {"queryResults": {'
                        b'"queryName": "SimpleEventQuery", "resultsBody": {"eventList": []}}}}')
    assert isinstance(doc, ParsedDocument)
    assert (doc.format, doc.kind, doc.header["queryName"], doc.header["namespaces"]) == \
        ("json", "EPCISQueryDocument", "SimpleEventQuery", {"ex": "urn:ex:"})
    assert list(doc.events) == []


@pytest.mark.parametrize("head, expected", [
    (b"{", "json"), (b"\n [", "json"), (b"\xef\xbb\xbf<?xml", "xml"), (b"  <a/>", "xml"), (b"abc", None), (b"", None),
])
def test_detect_format(head: bytes, expected: str | None) -> None:
    assert detect_format(head) == expected


def test_explicit_format_overrides_detection_and_is_checked() -> None:
    with pytest.raises(InvalidInput, match="unknown format 'yaml'"):
        read_document(b"{}", format="yaml")
    with pytest.raises(InvalidInput, match="malformed XML"):
        read_document(b'{"a": 1}', format="xml")


@pytest.mark.parametrize("data, message", [
    (b"", "empty document"),
    (b"PK\x03\x04", "neither JSON nor XML"),
    (b"\xff\xfe<\x00", "UTF-16"),
])
def test_not_a_document(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        read_document(data, name="upload")
    assert caught.value.where == "upload byte 0"


def test_missing_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot open"):
        read_document(tmp_path / "nope.json")


def test_read_event_json_and_xml() -> None:
    json_event = read_event(b'{"type": "AggregationEvent", "eventTime": "2025-01-01T00:00:00Z",'
                            b' "eventTimeZoneOffset": "+00:00", "action": "ADD",'
                            b' "parentID": "urn:epc:id:sscc:9506000.0000000001",'
                            b' "childEPCs": ["urn:epc:id:sgtin:9506000.013435.1"]}')
    xml_event = read_event(b"<AggregationEvent><eventTime>2025-01-01T00:00:00Z</eventTime>"
                           b"<eventTimeZoneOffset>+00:00</eventTimeZoneOffset>"
                           b"<parentID>urn:epc:id:sscc:9506000.0000000001</parentID>"
                           b"<childEPCs><epc>urn:epc:id:sgtin:9506000.013435.1</epc></childEPCs>"
                           b"<action>ADD</action></AggregationEvent>")
    assert json_event == xml_event
    assert json_event["parentID"] == "https://id.gs1.org/00/095060000000000015"


def test_read_event_raises_validation_failed_with_every_fault() -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_event(b'{"type": "ObjectEvent", "eventTime": "yesterday", "epcList": []}')
    wheres = [e.where for e in caught.value.errors]
    assert wheres == ["event[0].eventTime", "event[0].eventTimeZoneOffset", "event[0].action"]
    with pytest.raises(InvalidInput, match="line 1 column"):
        read_event(b'{"type": "ObjectEvent",')
    with pytest.raises(InvalidInput, match="must be a JSON object"):
        read_event(b"[1, 2]")
