"""cradletrace.epcis.xml_reader: secure parsing, element conversion, order checks, streaming memory."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from cradletrace.epcis import read_document
from cradletrace.errors import InvalidInput

HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:ex="https://ns.example.com/epcis/"'
        b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"'
        b' schemaVersion="2.0" creationDate="2025-01-01T00:00:00Z"><EPCISBody><EventList>')
TAIL = b"</EventList></EPCISBody></epcis:EPCISDocument>"
OBJECT_EVENT = (b"<ObjectEvent><eventTime>2025-01-01T01:00:00+01:00</eventTime>"
                b"<eventTimeZoneOffset>+01:00</eventTimeZoneOffset>"
                b"<epcList><epc>urn:epc:id:sgtin:9506000.013435.1</epc></epcList><action>OBSERVE</action>"
                b"<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep></ObjectEvent>")


def items(body: bytes) -> list[tuple[int, dict[str, Any], list[Any]]]:
    return list(read_document(HEAD + body + TAIL).events)


def only_event(body: bytes) -> dict[str, Any]:
    (_, event, errors), = items(body)
    assert errors == [], errors
    return event


def test_billion_laughs_is_refused_before_parsing() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2">&lol2;</epcis:EPCISDocument>')
    with pytest.raises(InvalidInput, match="DTDs with declarations are not allowed") as caught:
        read_document(bomb, name="bomb.xml")
    assert caught.value.where == "bomb.xml byte 21"


def test_external_entity_and_external_dtd_are_refused() -> None:
    xxe = b'<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>'
    with pytest.raises(InvalidInput, match="DTDs with declarations"):
        read_document(xxe)
    with pytest.raises(InvalidInput, match="not allowed"):
        read_document(b'<?xml version="1.0"?>\n<!DOCTYPE a PUBLIC "-//x//y" "http://example.com/a.dtd"><a/>')


def test_a_bare_doctype_declares_nothing_and_is_accepted() -> None:
    data = HEAD.replace(b"?>\n", b"?>\n<!DOCTYPE project>\n") + OBJECT_EVENT + TAIL
    (_, _, errors), = list(read_document(data).events)
    assert errors == []


def test_undefined_entity_reference_is_a_syntax_error() -> None:
    with pytest.raises(InvalidInput, match="malformed XML: Entity 'secret' not defined") as caught:
        list(read_document(HEAD + b"<ObjectEvent>&secret;</ObjectEvent>" + TAIL, name="d").events)
    assert caught.value.where.startswith("d line 2 column")


@pytest.mark.parametrize("data, words", [
    (b'<epcis:EPCISMasterDataDocument xmlns:epcis="urn:epcglobal:epcis-masterdata:xsd:2"/>',
     "missing the schemaVersion attribute"),
    (b'<epcis:EPCISCaptureJob xmlns:epcis="urn:epcglobal:epcis:xsd:2"/>', "not an EPCIS document"),
    (b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"/>',
     "missing the creationDate attribute"),
    (b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"'
     b' creationDate="2025-01-01T00:00:00Z"></epcis:EPCISDocument>', "missing EPCISBody"),
    (HEAD + b"<ObjectEvent></Object>" + TAIL, "malformed XML"),
])
def test_document_faults(data: bytes, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        list(read_document(data).events)


def test_conversion_of_every_standard_element() -> None:
    event = only_event(
        b"<ObjectEvent><eventTime>2025-01-01T01:00:00+01:00</eventTime>"
        b"<eventTimeZoneOffset>+01:00</eventTimeZoneOffset><eventID>urn:uuid:1</eventID>"
        b"<errorDeclaration><declarationTime>2025-01-02T00:00:00Z</declarationTime>"
        b"<reason>urn:epcglobal:cbv:er:incorrect_data</reason><correctiveEventIDs>"
        b"<correctiveEventID>urn:uuid:2</correctiveEventID></correctiveEventIDs><ex:by>QA</ex:by></errorDeclaration>"
        b"<epcList/><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>"
        b"<disposition>https://ref.gs1.org/cbv/Disp-active</disposition>"
        b"<readPoint><id>urn:epc:id:sgln:9506000.00001.0</id><ex:gate>4</ex:gate></readPoint>"
        b"<bizTransactionList><bizTransaction type=\"urn:epcglobal:cbv:btt:po\">urn:x:po:1</bizTransaction>"
        b"<bizTransaction>urn:x:any</bizTransaction></bizTransactionList>"
        b"<quantityList><quantityElement><epcClass>urn:epc:class:lgtin:9506000.013435.L1</epcClass>"
        b"<quantity>12.50</quantity><uom>KGM</uom></quantityElement></quantityList>"
        b"<sourceList><source type=\"urn:epcglobal:cbv:sdt:location\">urn:epc:id:sgln:9506000.00001.0</source>"
        b"</sourceList>"
        b"<sensorElementList><sensorElement><sensorMetadata time=\"2025-01-01T00:00:00Z\" ex:m=\"1\"/>"
        b"<sensorReport type=\"gs1:Temperature\" value=\"26.0\" booleanValue=\"true\" uom=\"CEL\"/>"
        b"<ex:probe>p1</ex:probe></sensorElement></sensorElementList>"
        b"<persistentDisposition><unset>urn:epcglobal:cbv:disp:completeness_inferred</unset>"
        b"<set>urn:epcglobal:cbv:disp:completeness_verified</set></persistentDisposition>"
        b"<ilmd><ex:lot>L1</ex:lot><ex:best xsi:type=\"xsd:date\">2026-01-01</ex:best></ilmd>"
        b"<ex:tag>a</ex:tag><ex:tag>b</ex:tag><ex:empty/><rdfs:comment>note</rdfs:comment></ObjectEvent>")
    ns = "{https://ns.example.com/epcis/}"
    assert event == {
        "type": "ObjectEvent", "eventTime": "2025-01-01T01:00:00+01:00", "eventTimeZoneOffset": "+01:00",
        "eventID": "urn:uuid:1",
        "errorDeclaration": {"declarationTime": "2025-01-02T00:00:00Z", "reason": "incorrect_data",
                             "correctiveEventIDs": ["urn:uuid:2"], ns + "by": "QA"},
        "epcList": [], "action": "ADD", "bizStep": "commissioning", "disposition": "active",
        "readPoint": {"id": "https://id.gs1.org/414/9506000000015", ns + "gate": "4"},
        "bizTransactionList": [{"type": "po", "bizTransaction": "urn:x:po:1"}, {"bizTransaction": "urn:x:any"}],
        "quantityList": [{"epcClass": "https://id.gs1.org/01/09506000134352/10/L1", "quantity": 12.5,
                          "uom": "KGM"}],
        "sourceList": [{"type": "location", "source": "https://id.gs1.org/414/9506000000015"}],
        "sensorElementList": [{"sensorMetadata": {"time": "2025-01-01T00:00:00Z", ns + "m": "1"},
                               "sensorReport": [{"type": "https://gs1.org/voc/Temperature", "value": 26,
                                                 "booleanValue": True, "uom": "CEL"}],
                               ns + "probe": "p1"}],
        "persistentDisposition": {"set": ["completeness_verified"], "unset": ["completeness_inferred"]},
        "ilmd": {ns + "lot": "L1", ns + "best": {"@{http://www.w3.org/2001/XMLSchema-instance}type": "xsd:date",
                                                 "#text": "2026-01-01"}},
        ns + "tag": ["a", "b"], ns + "empty": "", "comment": "note",
    }


def test_extension_wrappers_are_unwrapped() -> None:
    event = only_event(OBJECT_EVENT.replace(b"</ObjectEvent>", b"<extension><ex:x>1</ex:x></extension></ObjectEvent>"))
    assert event["{https://ns.example.com/epcis/}x"] == "1"


@pytest.mark.parametrize("body, where, words", [
    (OBJECT_EVENT.replace(b"<action>OBSERVE</action>", b"").replace(b"<epcList>", b"<action>OBSERVE</action><epcList>"),
     "event[0].epcList", "out of order"),
    (OBJECT_EVENT.replace(b"<action>", b"<ex:a/><action>"), "event[0].action", "out of order"),
    (OBJECT_EVENT.replace(b"<action>", b"<parentID>urn:x:p</parentID><action>"), "event[0].parentID",
     "unexpected element <parentID>"),
    (OBJECT_EVENT.replace(b"<action>OBSERVE</action>", b"<action>OBSERVE</action><action>ADD</action>"),
     "event[0].action", "more than once"),
    (b"<QuantityEvent/>", "event[0].type", "unknown event type <QuantityEvent>"),
    (OBJECT_EVENT.replace(b"</ObjectEvent>", b"<ilmd><ex:lot>L</ex:lot></ilmd></ObjectEvent>"), "event[0].ilmd",
     "only allowed on ObjectEvent ADD"),
    (OBJECT_EVENT.replace(b"+01:00</eventTimeZoneOffset>", b"CET</eventTimeZoneOffset>"),
     "event[0].eventTimeZoneOffset", "not a time zone offset"),
])
def test_event_faults(body: bytes, where: str, words: str) -> None:
    (_, _, errors), = items(body)
    assert any(e.where == where and words in e.message for e in errors), errors


def test_events_after_a_bad_one_are_still_read() -> None:
    found = items(OBJECT_EVENT + b"<QuantityEvent/>" + OBJECT_EVENT)
    assert [(i, bool(errs)) for i, _, errs in found] == [(0, False), (1, True), (2, False)]


def test_query_document() -> None:
    data = (b'<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2" schemaVersion="2.0"'
            b' creationDate="2025-01-01T00:00:00Z"><EPCISBody><epcisq:QueryResults><queryName>SimpleEventQuery'
            b"</queryName><resultsBody><EventList>" + OBJECT_EVENT +
            b"</EventList></resultsBody></epcisq:QueryResults></EPCISBody></epcisq:EPCISQueryDocument>")
    doc = read_document(data)
    assert doc.kind == "EPCISQueryDocument"
    assert [errs for _, _, errs in doc.events] == [[]]
    assert doc.header["queryName"] == "SimpleEventQuery"


def _big_document(n: int) -> Iterator[bytes]:
    yield HEAD
    for i in range(n):
        yield OBJECT_EVENT.replace(b"</ObjectEvent>", b"<ex:n>%d</ex:n></ObjectEvent>" % i)
    yield TAIL


def test_streaming_memory_stays_bounded() -> None:
    data = b"".join(_big_document(20_000))
    gc.collect()
    tracemalloc.start()
    count = sum(1 for _, _, errors in read_document(data).events if not errors)
    streamed = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    tracemalloc.start()
    everything = [event for _, event, _ in read_document(data).events]
    loaded = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == len(everything) == 20_000
    assert streamed < loaded / 10, (streamed, loaded)
