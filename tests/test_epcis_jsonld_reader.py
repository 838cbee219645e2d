"""cradletrace.epcis.jsonld_reader: context handling, key expansion, document faults, streaming memory."""

from __future__ import annotations

import gc
import io
import tracemalloc
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from cradletrace.epcis import read_document
from cradletrace.errors import InvalidInput

CTX = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
EVENT = {"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
         "action": "OBSERVE", "epcList": ["urn:epc:id:sgtin:9506000.013435.1"], "ex:batch": "B1",
         "ex:nested": {"ex:inner": 2.0, "plain": "p"}, "rdfs:comment": "a note"}


def document(*, context_last: bool = False, **extra: Any) -> bytes:
    head = {"@context": [CTX, {"ex": "https://ns.example.com/epcis/"}], "type": "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z"}
    body = {"epcisBody": {"eventList": [EVENT]}}
    doc = {**{k: v for k, v in head.items() if k != "@context"}, **body, "@context": head["@context"]} \
        if context_last else {**head, **body}
    doc.update(extra)
    return orjson.dumps(doc)


def only_event(data: bytes) -> dict[str, Any]:
    (_, event, errors), = list(read_document(data).events)
    assert errors == []
    return event


def test_extension_keys_become_clark_and_comment_is_kept() -> None:
    event = only_event(document())
    assert event["{https://ns.example.com/epcis/}batch"] == "B1"
    assert event["{https://ns.example.com/epcis/}nested"] == {"{https://ns.example.com/epcis/}inner": 2,
                                                                "plain": "p"}
    assert event["comment"] == "a note"


def test_context_after_epcis_body_gives_the_same_events_for_every_source() -> None:
    data = document(context_last=True)
    expected = only_event(document())
    assert only_event(data) == expected

    class Pipe(io.RawIOBase):  # a non-seekable stream, like a request body
        def __init__(self) -> None:
            self.inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, b):  # type: ignore[no-untyped-def]
            chunk = self.inner.read(len(b))
            b[:len(chunk)] = chunk
            return len(chunk)

    (_, event, _), = list(read_document(Pipe()).events)
    assert event == expected
    fp = io.BytesIO(b"   " + data)
    fp.seek(3)
    (_, event, _), = list(read_document(fp).events)
    assert event == expected


def test_event_level_context_adds_prefixes() -> None:
    event = {**EVENT, "@context": {"own": "urn:own:"}, "own:x": "1"}
    data = orjson.dumps({"@context": [CTX, {"ex": "urn:ex:"}], "type": "EPCISDocument", "schemaVersion": "2.0",
                         "creationDate": "2025-01-01T00:00:00Z", "epcisBody": {"eventList": [event]}})
    assert only_event(data)["{urn:own:}x"] == "1"


def test_document_extension_fields_are_in_the_header() -> None:
    doc = read_document(document(**{"ex:ignoreFields": ["ex:a"], "sender": "urn:x:s"}))
    assert "sender" not in doc.header  # these follow epcisBody: known once iteration reaches them
    list(doc.events)
    assert doc.header["{https://ns.example.com/epcis/}ignoreFields"] == ["ex:a"]
    assert doc.header["sender"] == "urn:x:s"
    assert doc.header["namespaces"] == {"ex": "https://ns.example.com/epcis/"}


def test_protected_prefix_keeps_its_standard_meaning() -> None:
    data = orjson.dumps({"@context": [CTX, {"cbvmda": "http://example.com/cbvmda/"}], "type": "EPCISDocument",
                         "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
                         "epcisBody": {"eventList": [{**EVENT, "ex:batch": None, "ex:nested": None,
                                                      "ilmd": {"cbvmda:lotNumber": "L1"}, "action": "ADD"}]}})
    data = data.replace(b'"ex:batch":null,"ex:nested":null,', b"")
    assert only_event(data)["ilmd"] == {"{urn:epcglobal:cbv:mda:}lotNumber": "L1"}


@pytest.mark.parametrize("data, where, words", [
    (b'{"type": "EPCISDocument", "epcisBody": {"eventList": [{"a": 1,, }]}}', "doc line 1 column 63 (char 62)",
     "malformed JSON"),
    (b'[{"type": "EPCISDocument"}]', "doc byte 0", "JSON array"),
    (b'{"@context": [], "type": "EPCISDocument", "schemaVersion": "2.0"}', "doc", "missing epcisBody"),
    (b'{"@context": [], "type": "EPCISDocument", "epcisBody": {"events": []}}', "doc", "missing epcisBody.eventList"),
    (b'{"@context": [], "type": "ObjectEvent", "epcisBody": {}}', "doc", "expected EPCISDocument"),
    (b'{"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",'
     b' "epcisBody": {"eventList": []}}', "doc", "missing @context"),
    (b'{"@context": [], "type": "EPCISDocument", "epcisBody": {"eventList": {}}}', "doc", "must be a list"),
])
def test_document_faults(data: bytes, where: str, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        doc = read_document(data, name="doc")
        list(doc.events)
    assert caught.value.where == where and words in caught.value.message, caught.value


def test_missing_creation_date_is_reported_when_iteration_reaches_the_end() -> None:
    data = (b'{"@context": [], "type": "EPCISDocument", "schemaVersion": "2.0", "epcisBody": {"eventList": []}}')
    doc = read_document(data, name="doc")
    with pytest.raises(InvalidInput, match="missing creationDate"):
        list(doc.events)


def test_a_broken_event_is_reported_and_the_others_still_read() -> None:
    bad = {**EVENT, "action": "MOVE"}
    data = orjson.dumps({"@context": [CTX, {"ex": "urn:ex:"}], "type": "EPCISDocument", "schemaVersion": "2.0",
                         "creationDate": "2025-01-01T00:00:00Z", "epcisBody": {"eventList": [EVENT, bad, 7]}})
    items = list(read_document(data).events)
    assert [i for i, _, _ in items] == [0, 1, 2]
    assert items[0][2] == []
    assert [str(e) for e in items[1][2]] == ["event[1].action: 'MOVE' is not an action: use ADD, OBSERVE or DELETE"]
    assert [e.where for e in items[2][2]] == ["event[2]"]


def _big_document(n: int) -> Iterator[bytes]:
    yield orjson.dumps({"@context": [CTX, {"ex": "urn:ex:"}], "type": "EPCISDocument", "schemaVersion": "2.0",
                        "creationDate": "2025-01-01T00:00:00Z"})[:-1] + b',"epcisBody":{"eventList":['
    for i in range(n):
        # Few distinct EPCs, so the identifier module's (bounded) cache does not blur the measurement.
        event = {**EVENT, "epcList": [f"urn:epc:id:sgtin:9506000.013435.{i % 50}"], "ex:batch": f"B{i}"}
        yield (b"," if i else b"") + orjson.dumps(event)
    yield b"]}}"


def test_streaming_memory_stays_bounded() -> None:
    data = b"".join(_big_document(20_000))
    gc.collect()
    tracemalloc.start()
    count = 0
    for _index, _event, errors in read_document(data).events:
        assert not errors
        count += 1
    streamed = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    tracemalloc.start()
    everything = [event for _, event, _ in read_document(data).events]
    loaded = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == len(everything) == 20_000
    assert streamed < loaded / 10, (streamed, loaded)
