"""cradletrace.epcis.fields: the field tables agree with the EPCIS 2.0 XSD sequences."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from cradletrace.epcis.fields import COMMON_FIELDS, TYPE_FIELDS

XSD = Path("epcis") / "xsd" / "EPCglobal-epcis-2_0.xsd"
NS = {"xsd": "http://www.w3.org/2001/XMLSchema"}


def _sequence(conformance: Path, type_name: str) -> tuple[str, ...]:
    tree = etree.parse(str(conformance / XSD))
    names = tree.xpath(f"//xsd:complexType[@name='{type_name}']//xsd:sequence/xsd:element/@name", namespaces=NS)
    return tuple(n for n in names if n not in ("extension", "baseExtension"))


def test_field_order_matches_the_xsd(conformance: Path) -> None:
    assert _sequence(conformance, "EPCISEventType") == COMMON_FIELDS
    for event_type, fields in TYPE_FIELDS.items():
        assert _sequence(conformance, f"{event_type}Type") == fields, event_type


def test_every_standard_field_has_one_xml_form() -> None:
    # The XML reader and writer build their converter tables from XML_FORMS (xml_field_table).
    from cradletrace.epcis.fields import FIELD_ORDER, XML_FORMS
    from cradletrace.epcis.xml_reader import _CONVERTERS
    from cradletrace.epcis.xml_writer import _WRITERS

    every = {name for names in FIELD_ORDER.values() for name in names}
    assert set(XML_FORMS) == every == set(_CONVERTERS) == set(_WRITERS)
