"""cradletrace.epcis.limits: hostile documents are refused by the readers with one clear error, never a traceback.

Nesting, value length, events per document and document size, in JSON-LD and XML, read in
process and in capture's reader process; at the limit a document is captured, one past it
is refused naming the event index and the field.
"""

from __future__ import annotations

import io
import multiprocessing
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.epcis import read_document, read_event
from cradletrace.errors import LimitExceeded
from cradletrace.log.capture import capture_document
from cradletrace.models import Event
from cradletrace.settings import Limits

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "urn:ex:"}]
FORMATS = ["json", "xml"]
# In process, and in the forked reader process that `cradletrace capture` uses for large files.
READERS = [False] + ([True] if "fork" in multiprocessing.get_all_start_methods() else [])
JSON_FIELD, XML_FIELD = "ex:deep", "{urn:ex:}deep"


def _json_event(i: int, extra: str = "") -> str:
    return ('{"type": "ObjectEvent", "action": "OBSERVE", "epcList": ["urn:epc:id:sgtin:9506000.013435.%d"], '
            '"eventTime": "2025-01-01T00:00:%02dZ", "eventTimeZoneOffset": "+00:00"%s}' % (i, i % 60, extra))


def _xml_event(i: int, extra: str = "") -> str:
    return ("<ObjectEvent><eventTime>2025-01-01T00:00:%02dZ</eventTime><eventTimeZoneOffset>+00:00"
            "</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:9506000.013435.%d</epc></epcList>"
            "<action>OBSERVE</action>%s</ObjectEvent>" % (i % 60, i, extra))


def document(fmt: str, count: int = 3, *, special: int = 2, extra: str = "", header: str = "") -> bytes:
    """``count`` events; event ``special`` carries ``extra`` (JSON members or XML elements)."""
    if fmt == "json":
        events = ",".join(_json_event(i, extra if i == special else "") for i in range(count))
        return ('{"@context": %s, "type": "EPCISDocument", "schemaVersion": "2.0", '
                '"creationDate": "2025-01-01T00:00:00Z"%s, "epcisBody": {"eventList": [%s]}}'
                % (orjson.dumps(CONTEXT).decode(), header, events)).encode()
    events = "".join(_xml_event(i, extra if i == special else "") for i in range(count))
    return ('<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:ex="urn:ex:" schemaVersion="2.0" '
            'creationDate="2025-01-01T00:00:00Z">%s<EPCISBody><EventList>%s</EventList></EPCISBody>'
            '</epcis:EPCISDocument>' % (header, events)).encode()


def nested(fmt: str, levels: int) -> str:
    """An extension field whose deepest object, array or element is at ``levels`` (the event is level 1)."""
    if fmt == "json":
        inner = levels - 2  # the event (1) and the outer object (2) hold arrays down to ``levels``
        return ', "ex:deep": {"ex:x": %s1%s}' % ("[" * inner, "]" * inner)
    return "<ex:deep>" + "<ex:x>" * (levels - 2) + "1" + "</ex:x>" * (levels - 2) + "</ex:deep>"


def long_value(fmt: str, size: int, *, attribute: bool = False) -> str:
    if fmt == "json":
        return ', "ex:deep": "%s"' % ("a" * size)
    if attribute:
        return '<ex:deep v="%s"/>' % ("a" * size)
    return "<ex:deep>%s</ex:deep>" % ("a" * size)


def _field(fmt: str) -> str:
    return JSON_FIELD if fmt == "json" else XML_FIELD


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Event))


# --- nesting -------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_nesting_at_the_limit_is_captured(session: Session, fmt: str, reader: bool) -> None:
    report = capture_document(session, document(fmt, extra=nested(fmt, 64)), reader_process=reader)
    assert report.captured == 3
    payload = orjson.loads(session.scalars(select(Event.payload).order_by(Event.id)).all()[2])
    value, levels = payload["{urn:ex:}deep"], 2
    while isinstance(value, (dict, list)) and value:
        value = value["{urn:ex:}x"] if isinstance(value, dict) else value[0]
        levels += isinstance(value, (dict, list))
    assert levels in (63, 64)  # an XML element holding only text becomes a string, one level less


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_one_level_past_the_limit_is_refused_naming_event_and_field(session: Session, fmt: str, reader: bool) -> None:
    with pytest.raises(LimitExceeded) as caught:
        capture_document(session, document(fmt, extra=nested(fmt, 65)), reader_process=reader)
    message = str(caught.value)
    assert message.startswith(f"document event[2].{_field(fmt)}")
    assert "nested deeper than 64 levels" in message and "CRADLETRACE_MAX_NESTING" in message
    assert _count(session) == 0


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("fmt", "levels"), [("json", 255), ("json", 300), ("json", 5000), ("json", 200_000),
                                             ("xml", 256), ("xml", 5000)])
def test_hostile_nesting_is_one_clear_error(session: Session, fmt: str, levels: int, reader: bool) -> None:
    # Before: RecursionError, orjson's "Recursion limit reached", libxml2's "use XML_PARSE_HUGE",
    # or (200,000 levels in a 1 MB document) ijson taking gigabytes of memory.
    with pytest.raises(LimitExceeded, match=r"^document event\[2\].*nested deeper than 64 levels"):
        capture_document(session, document(fmt, count=4, extra=nested(fmt, levels)), reader_process=reader)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_deep_header_field_is_refused(fmt: str) -> None:
    header = (', "ex:deep": %s1%s' % ("[" * 100, "]" * 100) if fmt == "json"
              else "<ex:deep>" + "<ex:x>" * 100 + "</ex:x>" * 100 + "</ex:deep>")
    with pytest.raises(LimitExceeded, match=r"^document header.*nested deeper than 64 levels"):
        list(read_document(document(fmt, header=header)).events)


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_event_read_alone_has_the_same_limits(fmt: str) -> None:
    def one(levels: int) -> bytes:
        if fmt == "json":
            return _json_event(0, nested(fmt, levels)).replace("{", '{"@context": {"ex": "urn:ex:"}, ', 1).encode()
        return _xml_event(0, nested(fmt, levels)).replace("<ObjectEvent>", '<ObjectEvent xmlns:ex="urn:ex:">').encode()

    for levels in (65, 2000):
        with pytest.raises(LimitExceeded, match=r"^document event\[0\].*nested deeper than 64 levels"):
            read_event(one(levels))
    assert read_event(one(64))["{urn:ex:}deep"]


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = '"[[[[{{{{\\\\\\"[[[[' + "[" * 3000 + '"'
    events = list(read_document(document("json", extra=f', "ex:s": {text}')).events)
    assert [errors for _, _, errors in events] == [[], [], []]


# --- value length --------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("fmt", "size", "attribute"), [("json", 2 << 20, False), ("json", 50 << 20, False),
                                                        ("xml", 8 << 20, True), ("xml", 12 << 20, False)])
def test_a_huge_value_is_refused_with_our_message(session: Session, fmt: str, size: int, attribute: bool,
                                                  reader: bool) -> None:
    # 12 MB of XML text is past libxml2's own limit: its advice (XML_PARSE_HUGE) must not reach the user.
    # A JSON string of more than 6 MiB is stopped before ijson builds it (50 MB took ijson 40 s):
    # the event is named, not the field.
    data = document(fmt, extra=long_value(fmt, size, attribute=attribute))
    with pytest.raises(LimitExceeded) as caught:
        capture_document(session, data, reader_process=reader)
    message = str(caught.value)
    place = "document event[2]" if size > 6 << 20 and fmt == "json" else f"document event[2].{_field(fmt)}"
    place += ".@v" if attribute else ""
    assert message.startswith(place + ": ")
    assert "longer than the limit of 1,048,576 bytes" in message and "CRADLETRACE_MAX_VALUE_BYTES" in message
    assert "huge" not in message.lower()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_value_at_the_limit_is_read_and_one_byte_more_is_refused(fmt: str) -> None:
    limits = Limits(max_value_bytes=1000)
    assert len(list(read_document(document(fmt, extra=long_value(fmt, 1000)), limits=limits).events)) == 3
    with pytest.raises(LimitExceeded, match=r"a value of 1,001 bytes, longer than the limit of 1,000 bytes"):
        list(read_document(document(fmt, extra=long_value(fmt, 1001)), limits=limits).events)


def test_value_length_counts_utf8_bytes() -> None:
    limits = Limits(max_value_bytes=1000)
    with pytest.raises(LimitExceeded, match="a value of 1,002 bytes"):
        list(read_document(document("json", extra=', "ex:deep": "%s"' % ("é" * 501)), limits=limits).events)


def test_an_xml_name_past_the_parser_limit_is_our_error() -> None:
    with pytest.raises(LimitExceeded, match=r"^document event\[2\].*longer than the XML parser accepts \(50,000"):
        list(read_document(document("xml", extra="<ex:%s/>" % ("a" * 60_000))).events)


# --- events and document size --------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_too_many_events_are_refused(session: Session, fmt: str, reader: bool) -> None:
    limits = Limits(max_events=5)
    assert capture_document(session, document(fmt, count=5), reader_process=reader, limits=limits).captured == 5
    with pytest.raises(LimitExceeded, match=r"^document event\[5\]: more than 5 events in one document; "
                                            "CRADLETRACE_MAX_EVENTS raises the limit"):
        capture_document(session, document(fmt, count=6), reader_process=reader, limits=limits)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_oversize_document_is_refused_before_it_is_read(tmp_path: Path, fmt: str) -> None:
    data = document(fmt)
    path = tmp_path / "doc"
    path.write_bytes(data)
    exact, under = Limits(max_document_bytes=len(data)), Limits(max_document_bytes=len(data) - 1)
    for source in (lambda: data, lambda: path, lambda: io.BytesIO(data)):
        assert len(list(read_document(source(), limits=exact).events)) == 3
        with pytest.raises(LimitExceeded, match=f"the document is {len(data):,} bytes, larger than the limit of "
                                                f"{len(data) - 1:,} bytes; CRADLETRACE_MAX_DOCUMENT_BYTES"):
            read_document(source(), limits=under)


def test_an_oversize_stream_of_unknown_size_is_refused_as_it_is_read() -> None:
    class Pipe(io.RawIOBase):  # not seekable: its size is only known once read
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            chunk = self.data.read(min(len(buffer), 1000))
            buffer[:len(chunk)] = chunk
            return len(chunk)

    data = document("json", count=50)
    with pytest.raises(LimitExceeded, match="larger than the limit of 2,000 bytes"):
        read_document(Pipe(data), limits=Limits(max_document_bytes=2000))
    assert len(list(read_document(Pipe(data), limits=Limits(max_document_bytes=len(data))).events)) == 50


@pytest.mark.parametrize("reader", READERS)
def test_the_settings_raise_the_limits(session: Session, monkeypatch: pytest.MonkeyPatch, reader: bool) -> None:
    data = document("xml", extra=nested("xml", 70))
    with pytest.raises(LimitExceeded):
        capture_document(session, data, reader_process=reader)
    monkeypatch.setenv("CRADLETRACE_MAX_NESTING", "70")
    assert capture_document(session, data, reader_process=reader).captured == 3
    monkeypatch.setenv("CRADLETRACE_MAX_EVENTS", "2")
    with pytest.raises(LimitExceeded, match="more than 2 events"):
        capture_document(session, data, reader_process=reader)


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["deep json", "deep xml", "long json in the reader process"])
def test_capture_command_prints_the_refusal_without_a_traceback(tmp_path: Path, make_database, case: str) -> None:  # type: ignore[no-untyped-def]
    from cradletrace.cli import main

    fmt = case.split()[1]
    # 50 MB is past the reader process threshold: `cradletrace capture` reads it in a second process.
    extra = nested(fmt, 300) if case.startswith("deep") else long_value(fmt, 50 << 20)
    path = tmp_path / f"hostile.{fmt}"
    path.write_bytes(document(fmt, extra=extra))
    result = CliRunner().invoke(main, ["capture", str(path), "--database", make_database("sqlite")])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "XML_PARSE_HUGE" not in result.output
    reasons = [line for line in result.output.splitlines() if f"hostile.{fmt} event[2]" in line]
    assert len(reasons) == 1 and ("nested deeper than 64" in reasons[0] or "longer than the limit" in reasons[0])
