"""Streaming reader of EPCIS 2.0 JSON-LD documents (ijson), producing canonical events.

The header keys before ``epcisBody`` are read eagerly; the events of
``epcisBody.eventList`` (or ``epcisBody.queryResults.resultsBody.eventList``) are then
built one at a time by ijson's C item builder, so memory does not grow with the number of
events. When ``@context`` (or ``type``) follows ``epcisBody`` a second, token-only pass
over the same bytes reads the top-level keys first, so extension keys are expanded with
the right prefixes whatever the key order.

Extension keys (CURIEs of ``@context`` prefixes, or full IRIs) become Clark keys;
standard terms are kept as they are; ``rdfs:comment`` becomes ``comment``; integral
numbers in extensions become int.

Limits (:mod:`cradletrace.epcis.limits`): each event, as ijson built it, and each header
value are checked for nesting and value length before anything else reads them; the
number of events is counted as they come. ijson's own cost grows with the square of the
depth (each level's prefix string repeats the ones above it: 30,000 levels, a 60 kB
document, take gigabytes) and of a string's length (50 MB: 40 s), so every pass reads
through :class:`_Guard`, which follows strings and brackets in the raw bytes at C speed and
stops the parse past :data:`HOSTILE_DEPTH` levels or at a string certainly longer than the
value limit, inside the event that holds it (named by its index only).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import accumulate
from typing import Any

import ijson
import orjson

from cradletrace.epcis.source import EventItem, ParsedDocument, Stream
from cradletrace.epcis.limits import check_value, events_error, nesting_error, resolve_limits, value_error
from cradletrace.epcis.fields import FIELD_POSITION, SENSOR_METADATA_FIELDS, SENSOR_REPORT_FIELDS
from cradletrace.epcis.namespaces import (
    RDFS_COMMENT,
    STANDARD_PREFIXES,
    context_prefixes,
    key_to_clark,
)
from cradletrace.epcis.rules import JSON, integral, validate_event
from cradletrace.errors import InvalidInput, LimitExceeded, TraceError
from cradletrace.settings import Limits

_DOCUMENT_KINDS = ("EPCISDocument", "EPCISQueryDocument")
_LIST_PREFIX = {"EPCISDocument": "epcisBody.eventList",
                "EPCISQueryDocument": "epcisBody.queryResults.resultsBody.eventList"}
_KIND_OF_PREFIX = {v: k for k, v in _LIST_PREFIX.items()}
_STANDARD_KEYS = frozenset(f for fs in FIELD_POSITION.values() for f in fs) | {"type"}
_NESTED_EXTENSIBLE = frozenset({"readPoint", "bizLocation", "errorDeclaration", "ilmd"})
_VERSION = re.compile(r"\d+(\.\d+)*")
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_EXACT_POSITION_LIMIT = 64 << 20  # re-parse up to this size to report the exact position of a syntax error
HOSTILE_DEPTH = 1000
"""Levels of the whole document past which ijson is stopped; below it ijson builds the event and
the nesting limit names its field (ijson needs about 2.5 MB for prefixes at this depth)."""
_STRING = re.compile(rb'"[^"\\]*(?:\\[\s\S][^"\\]*)*"')
_SIMPLE_STRING = re.compile(rb'"[^"]*"')
_STRING_REST = re.compile(rb'[^"\\]*(?:\\[\s\S][^"\\]*)*')  # a string's inside, up to its closing quote
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_NOT_BRACKETS_OR_QUOTES = bytes(b for b in range(256) if b not in b'[]{}"')
_ONE_KIND = bytes.maketrans(b"{}", b"[]")
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


class _Hostile(Exception):
    """Raised through ijson by :class:`_Guard`: nesting past :data:`HOSTILE_DEPTH`, or a string far too long."""

    def __init__(self, nesting: bool) -> None:
        super().__init__("nesting" if nesting else "value")
        self.nesting = nesting

    def error(self, where: str, limits: Limits) -> LimitExceeded:
        return nesting_error(where, limits) if self.nesting else value_error(where, limits)


class _Guard:
    """A reader that follows the JSON strings and nesting of the bytes it passes on, and stops hostile ones.

    It stops past ``limit`` levels, and at a string of more than six times ``max_value_bytes``
    raw bytes (an escape takes at most six bytes for one byte of the value, so that string is
    surely too long; shorter ones are measured exactly once ijson has built them).

    Strings are cut out with one regular expression per chunk and the brackets left are summed
    in C (``accumulate``), so the check costs a few per cent of parsing. The chunk that goes
    too deep is passed on up to that point; the next read raises :class:`_Hostile`, so the
    parser has yielded every event before the deep one.

    Examples
    --------
    >>> import io
    >>> guard = _Guard(io.BytesIO(b'{"a": "[[[", "b": [[[1]]]}'), Limits(), limit=3)
    >>> guard.read(100)
    b'{"a": "[[[", "b": [['
    >>> try:
    ...     guard.read(100)
    ... except _Hostile as stop:
    ...     print(stop)
    nesting
    """

    def __init__(self, raw: Any, limits: Limits, limit: int = HOSTILE_DEPTH) -> None:
        self.raw = raw
        self.limit = limit
        self.max_string = 6 * limits.max_value_bytes
        self.depth = 0
        self.in_string = False
        self.escaped = False  # inside a string, the last byte read was an unpaired backslash
        self.string_bytes = 0  # of the string still open, so far
        self.tripped: _Hostile | None = None

    def read(self, size: int = -1) -> bytes:
        if self.tripped:
            raise self.tripped
        data = self.raw.read(size)
        if not data:
            return data
        before = (self.depth, self.in_string, self.escaped)
        if self._peak(data) > self.limit:
            self.tripped = _Hostile(nesting=True)
            offset = self._offset(data, before)
            if offset == 0:  # nothing to pass on (an empty read would mean the end of the document)
                raise self.tripped
            return data[:offset]
        if self.in_string and self.string_bytes > self.max_string:
            # The string began chunks ago: ijson has yielded every event before the one it is in.
            self.tripped = _Hostile(nesting=False)
        return data

    def _peak(self, data: bytes) -> int:
        """Follow ``data``, updating the state; the deepest level reached, or a bound of it at most the limit."""
        if self.escaped or b"\\" in data:
            return self._peak_escaped(data)
        # Without backslashes every quote opens or closes a string: keep brackets and quotes only,
        # drop the adjacent quote pairs (empty strings, or two strings with no bracket between
        # them, which changes nothing), then the strings that hold brackets (few).
        marks = data.translate(None, _NOT_BRACKETS_OR_QUOTES)
        if self.in_string:
            marks = b'"' + marks
        marks = _SIMPLE_STRING.sub(b"", marks.replace(b'""', b""))
        structure, quote, _ = marks.partition(b'"')
        self.in_string = bool(quote)
        if quote:  # the last quote opened the string still open (no backslashes here escape one)
            last = data.rfind(b'"')
            self.string_bytes = self.string_bytes + len(data) if last < 0 else len(data) - last - 1
        brackets = structure.translate(_ONE_KIND)
        # Cancelling matched pairs n times leaves "]]..[[": the peak is at most start + n + openers left.
        passes = 0
        while b"[]" in brackets and passes <= self.limit:
            brackets = brackets.replace(b"[]", b"")
            passes += 1
        openers = brackets.count(b"[")
        start, self.depth = self.depth, self.depth - (len(brackets) - openers) + openers
        bound = start + passes + openers
        if bound <= self.limit:
            return bound
        return max(accumulate(map(_STEP.__getitem__, structure), initial=start))

    def _peak_escaped(self, data: bytes) -> int:
        """:meth:`_peak` for a chunk with backslashes: strings cut out by a regular expression."""
        start = 0
        if self.in_string:
            end = _STRING_REST.match(data, 1 if self.escaped else 0).end()
            if end >= len(data) or data[end] != 0x22:  # the string goes on into the next chunk
                self.escaped = end < len(data)  # a lone backslash at the very end
                self.string_bytes += len(data)
                return self.depth
            self.in_string = self.escaped = False
            start = end + 1
        structure, quote, rest = _STRING.sub(b"", data[start:] if start else data).partition(b'"')
        if quote:  # a string that ends in a later chunk: an unpaired backslash escapes the next byte
            self.in_string = True
            self.escaped = (len(rest) - len(rest.rstrip(b"\\"))) % 2 == 1
            self.string_bytes = len(rest)
        levels = list(accumulate(map(_STEP.__getitem__, structure.translate(None, _NOT_BRACKETS)),
                                 initial=self.depth))
        self.depth = levels[-1]
        return max(levels)

    def _offset(self, data: bytes, state: tuple[int, bool, bool]) -> int:
        """Where in ``data`` the nesting passes the limit (a byte-by-byte walk: only for a hostile chunk)."""
        depth, in_string, escaped = state
        for offset, byte in enumerate(data):
            if in_string:
                if escaped:
                    escaped = False
                elif byte == 0x5C:
                    escaped = True
                elif byte == 0x22:
                    in_string = False
            elif byte == 0x22:
                in_string = True
            elif byte in (0x5B, 0x7B):
                depth += 1
                if depth > self.limit:
                    return offset
            elif byte in (0x5D, 0x7D):
                depth -= 1
        return len(data)  # pragma: no cover - _peak found the passing point in this chunk


def read_json_document(stream: Stream, limits: Limits | None = None) -> ParsedDocument:
    """Read the header of a JSON-LD EPCIS document and return it with its events as a lazy iterator.

    Examples
    --------
    >>> from cradletrace.epcis.document import open_source
    >>> doc = read_json_document(open_source(b'''{"type": "EPCISDocument", "schemaVersion": "2.0",
    ...   "creationDate": "2025-01-01T00:00:00Z", "epcisBody": {"eventList": []},
    ...   "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "urn:ex:"}]}'''))
    >>> doc.header["namespaces"]["ex"], list(doc.events)
    ('urn:ex:', [])
    """
    reader = _DocumentReader(stream, resolve_limits(limits))
    try:
        reader.read_header()
    except (ijson.JSONError, ValueError) as exc:
        raise reader.syntax_error(exc) from None
    except _Hostile as stop:
        raise stop.error(f"{reader.name} header", reader.limits) from None
    return ParsedDocument(name=stream.name, format="json", kind=reader.kind, header=reader.header,
                          events=reader.events())


class _DocumentReader:
    def __init__(self, stream: Stream, limits: Limits) -> None:
        self.stream = stream
        self.name = stream.name
        self.limits = limits
        self.tokens = iter(ijson.parse(_Guard(stream, self.limits), use_float=True))
        self.top: dict[str, Any] = {}
        self.query_extensions: dict[str, Any] = {}  # CURIE keys of epcisBody.queryResults
        self.header: dict[str, Any] = {}
        self.prefixes: dict[str, str] = dict(STANDARD_PREFIXES)
        self.kind = ""
        self.list_prefix = ""
        self.complete = False  # whether self.top holds every top-level key

    # --- header ---------------------------------------------------------------------------

    def read_header(self) -> None:
        first = next(self.tokens, None)
        if first is None:
            raise InvalidInput("empty document", where=f"{self.name} byte 0")
        if first[1] != "start_map":
            raise InvalidInput(f"the document is a JSON {_json_kind(first[1])}: expected an EPCISDocument object",
                               where=f"{self.name} byte 0")
        for prefix, event, value in self.tokens:
            if prefix == "" and event == "map_key":
                if value == "epcisBody":
                    break
                self.top[value] = self._header_value(value, _build(self.tokens))
                if value == "type" and self.top[value] not in _DOCUMENT_KINDS:
                    raise InvalidInput(f"type is {self.top[value]!r}: expected EPCISDocument or "
                                       "EPCISQueryDocument", where=self.name)
            elif prefix == "" and event == "end_map":
                self._apply_top()
                raise InvalidInput("missing epcisBody: an EPCIS document keeps its events in "
                                   "epcisBody.eventList", where=self.name)
        before_body = set(self.top)
        self._find_event_list()
        if "@context" not in before_body or "type" not in before_body:
            self._prescan_top_level()
            self.complete = True
        self._apply_top()
        declared = self.top.get("type")
        if declared is not None and declared != self.kind:
            raise InvalidInput(f"type is {declared!r} but the events are in {self.list_prefix}", where=self.name)
        self._check_header(final=False)

    def _find_event_list(self) -> None:
        for prefix, event, value in self.tokens:
            if event == "start_array" and prefix in _KIND_OF_PREFIX:
                self.kind = _KIND_OF_PREFIX[prefix]
                self.list_prefix = prefix
                return
            if prefix in _KIND_OF_PREFIX and event in ("start_map", "string", "number", "null", "boolean"):
                raise InvalidInput(f"{prefix} must be a list of events", where=self.name)
            if prefix == "epcisBody.queryResults" and event == "map_key" and value in ("queryName", "subscriptionID"):
                self.header[value] = next(self.tokens)[2]
            elif prefix == "epcisBody.queryResults" and event == "map_key" and ":" in value:
                # A repository's own fields beside the results (e.g. ignoreFields) belong to the header.
                self.query_extensions[value] = self._header_value(value, _build(self.tokens))
            elif prefix == "epcisBody" and event == "end_map":
                raise InvalidInput("missing epcisBody.eventList (or epcisBody.queryResults.resultsBody.eventList)",
                                   where=self.name)
            elif prefix == "" and event in ("end_map", "map_key"):
                raise InvalidInput("epcisBody must be an object", where=self.name)
        raise InvalidInput("missing epcisBody.eventList", where=self.name)

    def _prescan_top_level(self) -> None:
        """Read the top-level keys other than epcisBody in a second, token-only pass."""
        if self.stream.reopen is None:  # pragma: no cover - every Stream from open_source can reopen
            return
        raw = self.stream.reopen()
        try:
            tokens = iter(ijson.parse(_Guard(raw, self.limits), use_float=True))
            next(tokens, None)
            for prefix, event, value in tokens:
                if prefix == "" and event == "map_key":
                    if value == "epcisBody":
                        _skip(tokens)
                    else:
                        self.top[value] = self._header_value(value, _build(tokens))
        except _Hostile as stop:
            raise stop.error(self.name, self.limits) from None
        finally:
            raw.close()

    def _header_value(self, key: str, value: Any) -> Any:
        """``value`` of the header field ``key``, once it is within the limits (the document is level 1)."""
        check_value({key: value}, self.limits, f"{self.name} header")
        return value

    def _apply_top(self) -> None:
        context = self.top.get("@context")
        if context is not None:
            self.prefixes = context_prefixes(context)
        header = self.header
        for key, value in (self.top | self.query_extensions).items():
            if key in ("@context", "type", "epcisBody"):
                continue
            if ":" in key:
                header[key_to_clark(key, self.prefixes) or key] = _extension_value(value, self.prefixes)
            else:
                header[key] = value
        header["namespaces"] = {p: ns for p, ns in self.prefixes.items()
                                if not p.startswith("@") and p not in STANDARD_PREFIXES}

    def _check_header(self, *, final: bool) -> None:
        top = self.top
        final = final or self.complete
        problems = []
        if "type" in top and top["type"] not in _DOCUMENT_KINDS:
            problems.append(f"type {top['type']!r} is not EPCISDocument or EPCISQueryDocument")
        for key in ("type", "@context"):
            if key not in top and final:
                problems.append(f"missing {key}")
        required = ("schemaVersion", "creationDate") if self.kind == "EPCISDocument" else ()
        for key in required:
            if key not in top and final:
                problems.append(f"missing {key}")
        version = top.get("schemaVersion")
        if version is not None and not (isinstance(version, str) and _VERSION.fullmatch(version)):
            problems.append(f"schemaVersion {version!r} is not a version number such as '2.0'")
        created = top.get("creationDate")
        if created is not None and not (isinstance(created, str) and _DATE_TIME.fullmatch(created)):
            problems.append(f"creationDate {created!r} is not an ISO 8601 date-time")
        if problems:
            raise InvalidInput("; ".join(problems), where=self.name)

    # --- events -------------------------------------------------------------------------

    def events(self) -> Iterator[EventItem]:
        index = -1
        try:
            # ijson's C backend builds each event from a fresh pass over the bytes (feeding it
            # our own token stream was ten times slower); a token-only pass then picks up
            # top-level keys written after epcisBody. Every Stream from open_source can reopen.
            raw = self.stream.reopen()
            try:
                items = ijson.items(_Guard(raw, self.limits), self.list_prefix + ".item", use_float=True)
                prefixes, limits, name = self.prefixes, self.limits, self.name
                max_events = limits.max_events
                for index, obj in enumerate(items):
                    if index >= max_events:
                        raise events_error(name, limits)
                    yield read_event_object(obj, index, prefixes, limits=limits, document=name)
            finally:
                raw.close()
            if not self.complete:
                self._prescan_top_level()
                self.complete = True
            self._apply_top()
            self._check_header(final=True)
        except (ijson.JSONError, ValueError) as exc:
            raise self.syntax_error(exc, after=index) from None
        except _Hostile as stop:
            # The guard stopped the parse inside the event after the last one yielded.
            raise stop.error(f"{self.name} event[{index + 1}]", self.limits) from None
        finally:
            self.stream.close()

    def syntax_error(self, exc: Exception, after: int | None = None) -> InvalidInput:
        """A document-level InvalidInput for malformed JSON, with the line and column when they can be found."""
        where = self.name
        position = self._exact_position()
        if position:
            where = f"{self.name} {position}"
        elif after is not None and after >= 0:
            where = f"{self.name} after event[{after}]"
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return InvalidInput(f"malformed JSON: {detail}", where=where)

    def _exact_position(self) -> str | None:
        if self.stream.reopen is None:  # pragma: no cover
            return None
        raw = self.stream.reopen()
        try:
            data = raw.read(_EXACT_POSITION_LIMIT + 1)
        finally:
            raw.close()
        if len(data) > _EXACT_POSITION_LIMIT:
            return None
        try:
            orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            return f"line {exc.lineno} column {exc.colno} (char {exc.pos})"
        return None


def _json_kind(event: str) -> str:
    return {"start_array": "array", "string": "string", "number": "number", "boolean": "boolean",
            "null": "null"}.get(event, event)


def _build(tokens: Iterator[tuple[str, str, Any]]) -> Any:
    """Build the value that starts at the next token (a small header value, not an event)."""
    builder = ijson.ObjectBuilder()
    depth = 0
    for _prefix, event, value in tokens:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
        if depth == 0:
            break
    return builder.value


def _skip(tokens: Iterator[tuple[str, str, Any]]) -> None:
    depth = 0
    for _prefix, event, _value in tokens:
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
        if depth == 0:
            return


# --- one event: JSON-LD keys to the canonical form --------------------------------------------


def read_event_object(obj: Any, index: int, prefixes: Mapping[str, str], *, limits: Limits | None = None,
                      document: str | None = None) -> EventItem:
    """Convert one parsed JSON event to the canonical form, then validate and normalise it.

    Raises :class:`~cradletrace.errors.LimitExceeded` (naming ``document``, the event and the
    field) for an event beyond ``limits`` (``CRADLETRACE_MAX_*`` when not given).

    Examples
    --------
    >>> _, ev, errors = read_event_object({"type": "ObjectEvent", "action": "OBSERVE",
    ...     "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "epcList": [],
    ...     "ex:temp": 21.0, "rdfs:comment": "hello"}, 0, {**STANDARD_PREFIXES, "ex": "urn:ex:"})
    >>> ev["{urn:ex:}temp"], ev["comment"], errors
    (21, 'hello', [])
    """
    if not isinstance(obj, dict):
        error = InvalidInput(f"an event must be a JSON object, not {type(obj).__name__}", where=f"event[{index}]")
        return index, {}, [error]
    where = f"{document} event[{index}]" if document else f"event[{index}]"
    check_value(obj, resolve_limits(limits), where)
    raw = json_event_to_canonical(obj, prefixes)
    event, errors = validate_event(raw, index, syntax=JSON)
    return index, event, errors


def json_event_to_canonical(obj: Mapping[str, Any], prefixes: Mapping[str, str]) -> dict[str, Any]:
    """The canonical-form dict of a JSON-LD event, before validation (CURIE keys to Clark, comments).

    Examples
    --------
    >>> json_event_to_canonical({"type": "ObjectEvent", "@context": {"ex": "urn:ex:"},
    ...                          "readPoint": {"id": "urn:x:1", "ex:gate": "G1"}}, STANDARD_PREFIXES)
    {'type': 'ObjectEvent', 'readPoint': {'id': 'urn:x:1', '{urn:ex:}gate': 'G1'}}
    """
    context = obj.get("@context")
    if context is not None:
        prefixes = context_prefixes(context, prefixes)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key in _STANDARD_KEYS:
            if key in _NESTED_EXTENSIBLE and isinstance(value, dict):
                value = _extensible(value, prefixes)
            elif key == "sensorElementList" and isinstance(value, list):
                value = [_sensor_element(e, prefixes) if isinstance(e, dict) else e for e in value]
            out[key] = value
        elif key == "@context":
            continue
        else:
            clark_key = _key(key, prefixes)
            if clark_key == RDFS_COMMENT:
                out["comment"] = value
            else:
                out[clark_key] = _extension_value(value, prefixes)
    return out


def _key(key: str, prefixes: Mapping[str, str]) -> str:
    if key.startswith("@") and ":" in key:
        return "@" + (key_to_clark(key[1:], prefixes) or key[1:])
    if ":" not in key and "@vocab" not in prefixes and key not in prefixes:
        return key  # a plain term: an unknown field unless the context defines it
    return key_to_clark(key, prefixes) or key


def _extensible(value: Mapping[str, Any], prefixes: Mapping[str, str], standard: Any = ()) -> dict[str, Any]:
    """A standard object (readPoint, ilmd, ...) with its extension keys in Clark notation."""
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key == "id" or key in standard or key in ("declarationTime", "reason", "correctiveEventIDs"):
            out[key] = v
        else:
            out[_key(key, prefixes)] = _extension_value(v, prefixes)
    return out


def _sensor_element(element: Mapping[str, Any], prefixes: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in element.items():
        if key == "sensorMetadata" and isinstance(v, dict):
            out[key] = _extensible(v, prefixes, SENSOR_METADATA_FIELDS)
        elif key == "sensorReport" and isinstance(v, list):
            out[key] = [_sensor_report(r, prefixes) if isinstance(r, dict) else r for r in v]
        elif key in ("sensorMetadata", "sensorReport"):
            out[key] = v
        else:
            out[_key(key, prefixes)] = _extension_value(v, prefixes)
    return out


def _sensor_report(report: Mapping[str, Any], prefixes: Mapping[str, str]) -> dict[str, Any]:
    # Values of type, exception and component stay as written: the rules turn standard terms
    # (gs1:Temperature, bare words) into GS1 IRIs, and a document's own CURIE is kept, as the
    # CBV event-hash vectors do in both bindings (SensorDataExamples.xml).
    return _extensible(report, prefixes, SENSOR_REPORT_FIELDS)


def _extension_value(value: Any, prefixes: Mapping[str, str]) -> Any:
    """An extension value with nested CURIE keys in Clark notation and integral floats as int."""
    if isinstance(value, dict):
        return {(_key(k, prefixes) if ":" in k else k): _extension_value(v, prefixes) for k, v in value.items()}
    if isinstance(value, list):
        return [_extension_value(v, prefixes) for v in value]
    if isinstance(value, float):
        return integral(value)
    return value


def read_json_event(stream: Stream, limits: Limits | None = None) -> tuple[dict[str, Any], list[TraceError]]:
    """One JSON event object (with its own ``@context``), validated and normalised."""
    limits = resolve_limits(limits)
    data = stream.read()
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "limit" in exc.msg.lower():  # orjson stops at 1024 levels ("depth limit exceeded"), far past ours
            raise nesting_error(f"{stream.name} event[0]", limits) from None
        raise InvalidInput(f"malformed JSON: {exc.msg}",
                           where=f"{stream.name} line {exc.lineno} column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise InvalidInput(f"an event must be a JSON object, not {type(obj).__name__}", where=stream.name)
    _, event, errors = read_event_object(obj, 0, STANDARD_PREFIXES, limits=limits, document=stream.name)
    return event, errors
