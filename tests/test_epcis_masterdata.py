"""Master data read from GS1's examples (XML) and JSON-LD headers, checked, and written back."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from cradletrace.epcis import read_document, write_jsonld, write_xml
from cradletrace.epcis.masterdata import (
    BUSINESS_LOCATION,
    READ_POINT,
    Description,
    masterdata_field,
    validate_masterdata,
    vocabulary_list,
    xml_vocabularies,
    xml_vocabulary_list,
)
from cradletrace.errors import InvalidInput
from cradletrace.identifiers import normalize_epc

MASTERDATA_FILES = ("xml/CBV/CBV-11.4-2020-06-16a.xml", "xml/Mimasu/Example-masterData.xml",
                    "xml/WithFullCombinationOfFields/masterdata_all_possible_fields.xml")


def read(source: bytes | str | Path, events: int = 0) -> list[Description]:
    doc = read_document(source)
    assert len(list(doc.events)) == events
    found, errors = validate_masterdata(masterdata_field(doc.header), prefixes=doc.header["namespaces"],
                                        syntax=doc.format)
    assert errors == []
    return found


def texts(elem: etree._Element) -> list[str]:
    return [t.strip() for t in elem.itertext() if t.strip()]


def expected_from_file(path: Path) -> list[tuple[str, str, list[str], list[str]]]:
    """(vtype, id, attribute ids, children) of every VocabularyElement, read with lxml alone."""
    out = []
    for vocabulary in etree.parse(str(path)).iter("Vocabulary"):
        for element in vocabulary.iter("VocabularyElement"):
            out.append((vocabulary.get("type"), normalize_epc(element.get("id")),
                        [a.get("id") for a in element.findall("attribute")],
                        [normalize_epc(i.text.strip()) for i in element.findall("children/id")]))
    return out


@pytest.mark.parametrize("name", MASTERDATA_FILES)
def test_gs1_masterdata_examples_are_read_as_the_files_have_them(conformance: Path, name: str) -> None:
    path = conformance / "epcis" / name
    found = read(path)
    assert [(d.vtype, d.id, [a["id"] for a in d.attributes], d.children) for d in found] == expected_from_file(path)
    for d, element in zip(found, etree.parse(str(path)).iter("VocabularyElement")):
        for attribute, xml in zip(d.attributes, element.findall("attribute")):
            if len(xml):  # XML content is kept as XML: it parses back to the same elements
                assert attribute["xml"] is True
                again = etree.fromstring(f"<x>{attribute['value']}</x>")
                assert [etree.QName(c).localname for c in again] == [etree.QName(c).localname for c in xml]
                assert texts(again) == texts(xml)
            else:
                assert attribute["value"] == (xml.text or "").strip() and "xml" not in attribute


@pytest.mark.parametrize("name", MASTERDATA_FILES[:2])
def test_master_data_documents_the_masterdata_xsd_accepts_are_accepted(conformance: Path, name: str) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(conformance / "epcis" / "xsd" / "EPCglobal-epcis-masterdata-2_0.xsd"))
    assert schema.is_valid(str(conformance / "epcis" / name))
    assert read(conformance / "epcis" / name)


def test_the_cbv_example_names_its_sub_sites(conformance: Path) -> None:
    found = read(conformance / "epcis" / MASTERDATA_FILES[0])
    line1 = next(d for d in found if d.id.endswith("/254/1"))
    assert line1.vtype == READ_POINT
    assert line1.mapped() == {"site": "0614141003006", "ssd": "Line #1 at Manufacturing Plant 1"}


def test_json_ld_header_master_data_expands_curies() -> None:
    doc = orjson.dumps({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "https://ex.com/"}],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
        "epcisHeader": {"epcisMasterData": {"vocabularyList": [{
            "type": BUSINESS_LOCATION, "vocabularyElementList": [{
                "id": "urn:epc:id:sgln:0614141.00300.0",
                "attributes": [{"id": "cbvmda:sst", "attribute": "201"},
                               {"id": "ex:address", "attribute": {"ex:city": "Fancy"}}],
                "children": ["urn:epc:id:sgln:0614141.00300.1"]}]}]}},
        "epcisBody": {"eventList": []}})
    (d,) = read(doc)
    assert d.id == "https://id.gs1.org/414/0614141003006"
    assert d.attributes == [{"id": "urn:epcglobal:cbv:mda:sst", "value": "201"},
                            {"id": "https://ex.com/address", "value": {"ex:city": "Fancy"}}]
    assert d.children == ["https://id.gs1.org/414/0614141003006/254/1"]


@pytest.mark.parametrize("vocabularies, where", [
    ("nope", "vocabularyList"),
    ([{"type": "not a uri"}], "vocabulary[0].type"),
    ([{"type": READ_POINT, "vocabularyElementList": [{}]}], "vocabulary[0].element[0].id"),
    ([{"type": READ_POINT, "vocabularyElementList": [{"id": "urn:epc:id:sgln:123"}]}], "vocabulary[0].element[0].id"),
    ([{"type": READ_POINT, "vocabularyElementList": [{"id": "urn:x", "attributes": [{"attribute": 1}]}]}],
     "vocabulary[0].element[0].attribute[0].id"),
    ([{"type": READ_POINT, "vocabularyElementList": [{"id": "urn:x", "children": ["a b"]}]}],
     "vocabulary[0].element[0].children[0]"),
    ([{"type": READ_POINT, "vocabularyElementList": [{"id": "urn:x", "attributes": [{"id": "urn:a",
                                                                                    "attribute": [1]}]}]}],
     "vocabulary[0].element[0].attribute[0].attribute"),
])
def test_faults_name_the_vocabulary_element_and_field(vocabularies: object, where: str) -> None:
    _found, errors = validate_masterdata(vocabularies)
    assert [e.where for e in errors] == [where]


def test_json_cannot_claim_xml_content() -> None:
    (d,), _ = validate_masterdata([{"type": READ_POINT, "vocabularyElementList": [
        {"id": "urn:x", "attributes": [{"id": "urn:a", "attribute": "<b/>", "xml": True}]}]}], syntax="json")
    assert d.attributes == [{"id": "urn:a", "value": "<b/>"}]


def test_an_unexpected_xml_element_is_refused_with_its_line() -> None:
    with pytest.raises(InvalidInput, match=r"line 3: Thing is not allowed in VocabularyElement"):
        read_document(b"""<epcismd:EPCISMasterDataDocument xmlns:epcismd="urn:epcglobal:epcis-masterdata:xsd:2"
            schemaVersion="2.0" creationDate="2025-01-01T00:00:00Z"><EPCISBody><VocabularyList><Vocabulary type="urn:t">
            <VocabularyElementList><VocabularyElement id="urn:x"><Thing/></VocabularyElement></VocabularyElementList>
            </Vocabulary></VocabularyList></EPCISBody></epcismd:EPCISMasterDataDocument>""")


def test_a_master_data_document_without_a_body_is_refused() -> None:
    with pytest.raises(InvalidInput, match="missing EPCISBody"):
        read_document(b'<m:EPCISMasterDataDocument xmlns:m="urn:epcglobal:epcis-masterdata:xsd:2" '
                      b'schemaVersion="2.0" creationDate="2025-01-01T00:00:00Z"/>')


# (value, is XML): a text that merely starts with "<" is text, not markup.
_values = st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
                    .map(str.strip).filter(bool).map(lambda text: (text, False)),
                    st.sampled_from(["<ex:a xmlns:ex=\"urn:ex:\">1</ex:a>", "<b>c</b><b>d</b>"])
                    .map(lambda xml: (xml, True)))
_descriptions = st.lists(st.builds(
    lambda vtype, n, values, kids: Description(
        vtype, f"urn:x:{n}", [{"id": f"urn:a:{i}", "value": v, **({"xml": True} if xml else {})}
                              for i, (v, xml) in enumerate(values)], [f"urn:x:c{k}" for k in sorted(set(kids))]),
    st.sampled_from([BUSINESS_LOCATION, READ_POINT, "urn:ex:vtype"]), st.integers(0, 5), st.lists(_values, max_size=3),
    st.lists(st.integers(0, 3), max_size=3)), max_size=4)


@settings(max_examples=40, deadline=None)
@given(_descriptions)
@example([Description(READ_POINT, "urn:x:1", [{"id": "urn:a:0", "value": "<not markup & a < b"}], [])])
def test_xml_written_master_data_reads_back_the_same(descriptions: list[Description]) -> None:
    again, errors = validate_masterdata(xml_vocabularies(xml_vocabulary_list(descriptions), "doc"), syntax="xml")
    assert errors == []
    ordered = sorted(descriptions, key=lambda d: [x.vtype for x in descriptions].index(d.vtype))
    assert again == ordered


def test_exports_carry_master_data_and_validate_against_the_xsd(conformance: Path) -> None:
    import xmlschema

    found = read(conformance / "epcis" / MASTERDATA_FILES[1])
    event = {"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
             "action": "OBSERVE", "epcList": ["https://id.gs1.org/01/09506000134352/21/1"],
             "bizLocation": {"id": found[0].id}}
    out = io.BytesIO()
    write_xml([event], out, masterdata=found)
    schema = xmlschema.XMLSchema(str(conformance / "epcis" / "xsd" / "EPCglobal-epcis-2_0.xsd"))
    schema.validate(out.getvalue().decode())
    assert read(out.getvalue(), events=1) == found
    out = io.BytesIO()
    write_jsonld([event], out, masterdata=found)
    header = orjson.loads(out.getvalue())["epcisHeader"]["epcisMasterData"]
    assert header["vocabularyList"] == vocabulary_list(found)
    assert [(d.id, d.children) for d in read(out.getvalue(), events=1)] == [(d.id, d.children) for d in found]
