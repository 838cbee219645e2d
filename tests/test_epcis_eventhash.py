"""The CBV 2.0 Event Hash ID against the reference vectors, plus the normalisation rules one by one.

Vectors: ``event-hash/examples`` (39 data files, each with ``NAME.hashes``: one hash per event in
document order) and ``event-hash/expected_equal`` (every event in a file must hash the same).
Events come from :func:`cradletrace.epcis.read_document`, so these tests cover the readers and
the hash together, exactly as capture uses them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from cradletrace.epcis.document import read_document
from cradletrace.epcis.eventhash import event_hash, prehash

EXAMPLES = Path("event-hash") / "examples"
EXPECTED_EQUAL = Path("event-hash") / "expected_equal"
DATA_SUFFIXES = (".xml", ".jsonld", ".json")


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in DATA_SUFFIXES) if folder.is_dir() else []


def example_files(conformance: Path) -> list[Path]:
    return _data_files(conformance / EXAMPLES)


def equal_files(conformance: Path) -> list[Path]:
    return _data_files(conformance / EXPECTED_EQUAL)


def _ignore_fields(header: Mapping[str, Any]) -> set[str]:
    """Clark names from a ``{ns}ignoreFields`` header: XML gives empty elements, JSON a list of CURIEs."""
    names: set[str] = set()
    for key, value in header.items():
        if not key.endswith("}ignoreFields"):
            continue
        if isinstance(value, Mapping):
            names.update(value)
        else:
            for curie in value if isinstance(value, list) else [value]:
                prefix, _, local = curie.partition(":")
                namespace = header.get("namespaces", {}).get(prefix)
                names.add(f"{{{namespace}}}{local}" if namespace else curie)
    return names


def _hashes(source: Path | bytes, fmt: str | None = None) -> list[str]:
    doc = read_document(source, format=fmt)
    events = [event for _, event, _ in doc.events]  # read first: header fields after the events come last
    ignore = _ignore_fields(doc.header)
    return [event_hash(event, ignore_fields=ignore) for event in events]


@pytest.mark.conformance_files(select=example_files)
def test_example_hashes(conformance_file: Path) -> None:
    expected = (conformance_file.with_suffix(".hashes")).read_text(encoding="utf-8").split()
    assert _hashes(conformance_file) == expected


def test_query_document_ignore_fields_given_explicitly(conformance: Path) -> None:
    """The hash side of the JSON query document's ignoreFields, independent of the reader's header."""
    path = conformance / EXAMPLES / "epcisQueryDocHavingEventWithIgnoreFields.jsonld"
    ignore = {"{https://repository-x.example.com/}hash", "{https://ns.example.com/epcis/}captureID"}
    hashes = [event_hash(event, ignore_fields=ignore) for _, event, _ in read_document(path).events]
    assert hashes == path.with_suffix(".hashes").read_text(encoding="utf-8").split()


def test_example_file_count(conformance: Path) -> None:
    files = example_files(conformance)
    assert len(files) == 39
    assert all(p.with_suffix(".hashes").is_file() for p in files)


@pytest.mark.conformance_files(select=equal_files)
def test_expected_equal(conformance_file: Path) -> None:
    path = conformance_file
    # These files use the EPCIS 1.2 namespace with schemaVersion 2.0 (an upstream shortcut);
    # the reader takes 2.0 documents only, and the event content is the same in both.
    data = path.read_bytes().replace(b"urn:epcglobal:epcis:xsd:1", b"urn:epcglobal:epcis:xsd:2")
    hashes = _hashes(data, "json" if path.suffix == ".json" else "xml")
    assert len(hashes) >= 2
    assert len(set(hashes)) == 1, hashes


def test_expected_equal_file_count(conformance: Path) -> None:
    assert len(equal_files(conformance)) == 11


def test_xml_example_hashes_are_distinct(conformance: Path) -> None:
    hashes = [h for p in example_files(conformance) if p.suffix == ".xml" for h in _hashes(p)]
    assert len(hashes) > 40
    assert len(set(hashes)) == len(hashes)


# --------------------------------------------------------------------------------------
# The rules, one at a time
# --------------------------------------------------------------------------------------

BASE: dict[str, Any] = {
    "type": "ObjectEvent",
    "eventTime": "2020-03-04T11:00:30.000+01:00",
    "eventTimeZoneOffset": "+01:00",
    "epcList": ["https://id.gs1.org/00/040123450000001112", "https://id.gs1.org/00/040123450000002225"],
    "action": "OBSERVE",
    "bizStep": "departing",
    "readPoint": {"id": "https://id.gs1.org/414/4012345000115/254/987"},
}
EX = "{https://ns.example.com/epcis/}"


def _with(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def test_readme_reference_event() -> None:
    """The worked example of the reference README (ReferenceEventHashAlgorithm)."""
    event = _with(**{
        "epcList": ["urn:epc:id:sscc:4012345.0000000333", "urn:epc:id:sscc:4012345.0000000111",
                    "urn:epc:id:sscc:4012345.0000000222"],
        "bizStep": "urn:epcglobal:cbv:bizstep:departing",
        "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
        f"{EX}myField1": {f"{EX}mySubField1": "2", f"{EX}mySubField2": "5"},
        f"{EX}myField2": "0",
        f"{EX}myField3": {f"{EX}mySubField3": ["3", "1"]},
    })
    assert event_hash(event) == "ni:///sha-256;6ae96341e0acc6d7a261364751f60e68278a81cdf51da0abb6b4e617014e39d7?ver=CBV2.0"


@pytest.mark.parametrize(("given", "expected"), [
    ("2020-03-04T11:00:30+01:00", "2020-03-04T10:00:30.000Z"),
    ("2020-03-04T10:00:30.1Z", "2020-03-04T10:00:30.100Z"),
    ("2020-03-04T10:00:30.1415Z", "2020-03-04T10:00:30.142Z"),
    ("2020-03-04T10:00:30.1414999Z", "2020-03-04T10:00:30.141Z"),
    ("2020-12-31T23:59:59.9996Z", "2021-01-01T00:00:00.000Z"),  # rounding carries into the next year
    ("2020-03-04T05:00:30-05:00", "2020-03-04T10:00:30.000Z"),
    ("2020-03-04T15:30:30+0530", "2020-03-04T10:00:30.000Z"),
    ("2020-03-04T10:00:30", "2020-03-04T10:00:30.000Z"),  # no offset: taken as UTC, not local time
    ("not a time", "not a time"),
])
def test_event_time_normalisation(given: str, expected: str) -> None:
    assert f"eventTime={expected}eventTimeZoneOffset" in prehash(_with(eventTime=given))


def test_cbv_spellings_hash_alike() -> None:
    spellings = ["departing", "urn:epcglobal:cbv:bizstep:departing", "https://ref.gs1.org/cbv/BizStep-departing",
                 " departing "]
    assert len({event_hash(_with(bizStep=s)) for s in spellings}) == 1
    assert "bizStep=https://ref.gs1.org/cbv/BizStep-departing" in prehash(BASE)
    # A private step is hashed as written; an unknown CBV word in URN form is not fatal here.
    assert "bizStep=https://example.com/voc/recycling" in prehash(_with(bizStep="https://example.com/voc/recycling"))
    assert "bizStep=https://ref.gs1.org/cbv/BizStep-shiping" in prehash(_with(bizStep="urn:epcglobal:cbv:bizstep:shiping"))


def test_identifier_spellings_hash_alike() -> None:
    urns = _with(epcList=["urn:epc:id:sscc:4012345.0000000222", "urn:epc:id:sscc:4012345.0000000111"],
                 readPoint={"id": "urn:epc:id:sgln:4012345.00011.987"})
    other_host = _with(epcList=["https://example.com/path/00/040123450000001112?17=201231",
                                "https://id.gs1.org/00/040123450000002225"])
    assert event_hash(urns) == event_hash(other_host) == event_hash(BASE)


def test_excluded_fields() -> None:
    noisy = _with(eventID="ni:///sha-256;00?ver=CBV2.0", recordTime="2024-01-01T00:00:00Z",
                  errorDeclaration={"declarationTime": "2024-01-01T00:00:00Z", "reason": "incorrect_data"},
                  comment="a remark", **{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]})
    assert prehash(noisy) == prehash(BASE)


def test_empty_lists_and_values_are_left_out() -> None:
    assert prehash(_with(childEPCs=[], quantityList=[], bizTransactionList=[], disposition="")) == prehash(BASE)


def test_numbers_without_trailing_zeros() -> None:
    q = [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 200.0, "uom": "KGM"}]
    a = prehash(_with(quantityList=q))
    b = prehash(_with(quantityList=[{**q[0], "quantity": 200, "epcClass": "https://id.gs1.org/01/04012345123456/10/998877"}]))
    assert a == b
    assert "quantityListquantityElementepcClass=https://id.gs1.org/01/04012345123456/10/998877quantity=200uom=KGM" in a
    assert f"{EX}x=1.5" in prehash(_with(**{f"{EX}x": "01.50"}))


def test_typed_lists_put_type_first_and_sort_with_extensions() -> None:
    event = _with(**{
        "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:PO1"}],
        "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00000"}],
        "destinationList": [{"type": "urn:epcglobal:cbv:sdt:location", "destination": "https://id.gs1.org/414/4000001000005"},
                            {"type": "owning_party", "destination": "https://id.gs1.org/417/4000001000005"}],
        "ilmd": {f"{EX}lot": "L1"},
        f"{EX}zeta": "z",
    })
    tail = prehash(event).split("readPointid=https://id.gs1.org/414/4012345000115/254/987", 1)[1]
    assert tail == (
        "bizTransactionListtype=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:epcglobal:cbv:bt:4012345000009:PO1"
        "destinationListtype=https://ref.gs1.org/cbv/SDT-locationdestination=https://id.gs1.org/414/4000001000005"
        "type=https://ref.gs1.org/cbv/SDT-owning_partydestination=https://id.gs1.org/417/4000001000005"
        f"ilmd{EX}lot=L1"
        "sourceListtype=https://ref.gs1.org/cbv/SDT-owning_partysource=https://id.gs1.org/417/4012345000009"
        f"{EX}zeta=z")


def test_extension_attaches_to_parent_only_with_slash_namespace() -> None:
    attached = prehash(_with(readPoint={"id": "urn:epc:id:sgln:4012345.00011.987", f"{EX}gate": "7"}))
    assert attached.endswith(f"readPointid=https://id.gs1.org/414/4012345000115/254/987{EX}gate=7")
    other = "{urn:example:ns}"
    detached = prehash(_with(readPoint={"id": "urn:epc:id:sgln:4012345.00011.987", f"{other}gate": "7"}))
    assert detached.endswith(f"readPointid=https://id.gs1.org/414/4012345000115/254/987readPoint{other}gate=7")


def test_xml_attributes_and_text_of_extensions() -> None:
    event = _with(**{f"{EX}measure": {"@unit": "KGM", f"@{EX}precision": "0.10", "#text": " 12.50 "}})
    assert prehash(event).endswith(f"{EX}measure=12.5unit=KGM{EX}precision=0.1")


def test_booleans_hash_like_xml() -> None:
    report = {"type": "https://gs1.org/voc/AT-Alarm_condition", "booleanValue": True}
    event = _with(sensorElementList=[{"sensorReport": [report]}])
    assert "sensorReporttype=https://gs1.org/voc/AT-Alarm_conditionbooleanValue=true" in prehash(event)
    assert event_hash(event) == event_hash(_with(sensorElementList=[{"sensorReport": [{**report, "booleanValue": "true"}]}]))


def test_unknown_sensor_report_child_is_re_emitted_at_the_end() -> None:
    """The reference renders what the fixed order did not consume as a trailing generic block."""
    event = _with(sensorElementList=[{"sensorReport": [{"type": "gs1:Temperature", "value": 21, "uom": "CEL",
                                                         "bizRules": "https://example.com/253/4012345000054987"}]}])
    assert prehash(event).endswith(
        "sensorElementListsensorElementsensorReporttype=https://gs1.org/voc/Temperaturevalue=21uom=CEL"
        "sensorElementListsensorElementsensorReportbizRules=https://id.gs1.org/253/4012345000054987")


def test_ignore_fields() -> None:
    event = _with(**{f"{EX}captureID": "c-1", "{https://repo.example/}hash": "x", f"{EX}keep": "k"})
    assert prehash(event, ignore_fields=[f"{EX}captureID", "{https://repo.example/}hash"]) == prehash(_with(**{f"{EX}keep": "k"}))


def test_input_is_not_modified() -> None:
    event = _with(readPoint={"id": "urn:epc:id:sgln:4012345.00011.987", f"{EX}gate": "7"},
                  sensorElementList=[{"sensorReport": [{"type": "Temperature", "value": 1.0}]}])
    before = copy.deepcopy(event)
    event_hash(event)
    assert event == before


def test_hash_format() -> None:
    value = event_hash(BASE)
    assert value.startswith("ni:///sha-256;") and value.endswith("?ver=CBV2.0")
    digest = value[len("ni:///sha-256;"):-len("?ver=CBV2.0")]
    assert len(digest) == 64 and digest == digest.lower()
