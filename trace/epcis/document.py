"""Reading EPCIS documents: format detection and the two entry points.

:func:`read_document` streams an EPCISDocument or EPCISQueryDocument in JSON-LD or XML;
:func:`read_event` reads one event. Both hand the syntax to
:mod:`~cradletrace.epcis.jsonld_reader` or :mod:`~cradletrace.epcis.xml_reader`, which
check and normalise every event with :func:`cradletrace.epcis.rules.validate_event`.
Both take the readers' :class:`~cradletrace.settings.Limits` (``CRADLETRACE_MAX_*`` by
default, :mod:`cradletrace.epcis.limits`); the document size is checked here, before parsing.
"""

from __future__ import annotations

from typing import Any

from cradletrace.epcis.jsonld_reader import read_json_document, read_json_event
from cradletrace.epcis.source import EventItem, ParsedDocument, Source, Stream, open_source
from cradletrace.epcis.xml_reader import read_xml_document, read_xml_event
from cradletrace.epcis.limits import resolve_limits
from cradletrace.errors import InvalidInput, ValidationFailed
from cradletrace.settings import Limits

__all__ = ["FORMATS", "EventItem", "ParsedDocument", "Source", "Stream", "detect_format", "open_source",
           "read_document", "read_event"]

FORMATS = ("json", "xml")


def detect_format(head: bytes) -> str | None:
    """``'json'`` or ``'xml'`` from the first non-whitespace byte (after a UTF-8 BOM), else ``None``.

    Examples
    --------
    >>> detect_format(b'\\n  {"type": "EPCISDocument"}'), detect_format(b"<?xml version='1.0'?>")
    ('json', 'xml')
    >>> detect_format(b"%PDF-1.7") is None
    True
    """
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    text = text.lstrip(b" \t\r\n")
    if not text:
        return None
    first = text[:1]
    if first in (b"{", b"["):
        return "json"
    if first == b"<":
        return "xml"
    return None


def _choose_format(stream: Stream, format: str | None) -> str:
    if format is not None:
        if format not in FORMATS:
            raise InvalidInput(f"unknown format {format!r}: use 'json' or 'xml'", where=stream.name)
        return format
    head = stream.peek()
    detected = detect_format(head)
    if detected is None:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InvalidInput("UTF-16 input is not supported: send UTF-8", where=f"{stream.name} byte 0")
        shown = head.lstrip()[:20]
        raise InvalidInput(f"neither JSON nor XML: starts with {shown!r} (expected '{{' or '<')"
                           if shown else "empty document", where=f"{stream.name} byte 0")
    return detected


def read_document(source: Source, *, format: str | None = None, name: str | None = None,
                  limits: Limits | None = None) -> ParsedDocument:
    """Open an EPCIS 2.0 document (JSON-LD or XML) and stream its events.

    Parameters
    ----------
    source : bytes, str, path or binary file
        The document.
    format : {'json', 'xml'}, optional
        Detected from the first non-whitespace byte when not given.
    name : str, optional
        Name used in messages; defaults to the file name.
    limits : Limits, optional
        Nesting, value length, events and size the readers accept; ``CRADLETRACE_MAX_*``
        (:func:`cradletrace.settings.load_limits`) when not given.

    Returns
    -------
    ParsedDocument
        With the header read and ``events`` a lazy iterator.

    Raises
    ------
    InvalidInput
        For input that is not a readable EPCIS document (now, or when iteration reaches the fault).
    LimitExceeded
        For a document beyond one of ``limits``, naming the event index and field.

    Examples
    --------
    >>> doc = read_document(b'''{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    ...   "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
    ...   "epcisBody": {"eventList": [{"type": "ObjectEvent", "action": "OBSERVE",
    ...     "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
    ...     "epcList": ["urn:epc:id:sgtin:9506000.013435.1"], "bizStep": "shipping"}]}}''')
    >>> doc.format, doc.kind, doc.header["schemaVersion"]
    ('json', 'EPCISDocument', '2.0')
    >>> [(i, ev["epcList"], errs) for i, ev, errs in doc.events]
    [(0, ['https://id.gs1.org/01/09506000134352/21/1'], [])]
    >>> read_document(b"hello")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: document byte 0: neither JSON nor XML: starts with b'hello' (expected '{' or '<')
    """
    limits = resolve_limits(limits)
    stream = open_source(source, name, limits)
    try:
        fmt = _choose_format(stream, format)
        if fmt == "json":
            return read_json_document(stream, limits)
        return read_xml_document(stream, limits)
    except BaseException:
        stream.close()
        raise


def read_event(source: Source, *, format: str | None = None, limits: Limits | None = None) -> dict[str, Any]:
    """Read, validate and normalise one event: a JSON object (with its own ``@context``) or an XML event element.

    Raises
    ------
    ValidationFailed
        When the event breaks a rule; ``errors`` lists each fault (``event[0].field``).
    InvalidInput
        When the input is not one JSON object or XML element.
    LimitExceeded
        When it is beyond ``limits`` (``CRADLETRACE_MAX_*`` when not given), as in :func:`read_document`.

    Examples
    --------
    >>> ev = read_event(b'''{"@context": [{"ex": "https://ns.example.com/"}], "type": "ObjectEvent",
    ...   "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD",
    ...   "epcList": [], "ex:batch": "B1"}''')
    >>> ev["{https://ns.example.com/}batch"]
    'B1'
    >>> read_event(b'<ObjectEvent><eventTime>2025-01-01T00:00:00Z</eventTime></ObjectEvent>')
    Traceback (most recent call last):
    ...
    cradletrace.errors.ValidationFailed: event: event[0].eventTimeZoneOffset: missing: ... (and 2 more)
    """
    limits = resolve_limits(limits)
    stream = open_source(source, limits=limits)
    try:
        fmt = _choose_format(stream, format)
        reader = read_json_event if fmt == "json" else read_xml_event
        event, errors = reader(stream, limits)
    finally:
        stream.close()
    if errors:
        raise ValidationFailed(errors, document="event")
    return event
