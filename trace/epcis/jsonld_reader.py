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
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import ijson
import orjson

from cradletrace.epcis.document import EventItem, ParsedDocument, Stream
from cradletrace.epcis.fields import FIELD_POSITION, SENSOR_METADATA_FIELDS, SENSOR_REPORT_FIELDS
from cradletrace.epcis.namespaces import (
    RDFS_COMMENT,
    STANDARD_PREFIXES,
    context_prefixes,
    key_to_clark,
)
from cradletrace.epcis.rules import JSON, integral, validate_event
from cradletrace.errors import InvalidInput, TraceError

_DOCUMENT_KINDS = ("EPCISDocument", "EPCISQueryDocument")
_LIST_PREFIX = {"EPCISDocument": "epcisBody.eventList",
                "EPCISQueryDocument": "epcisBody.queryResults.resultsBody.eventList"}
_KIND_OF_PREFIX = {v: k for k, v in _LIST_PREFIX.items()}
_STANDARD_KEYS = frozenset(f for fs in FIELD_POSITION.values() for f in fs) | {"type"}
_NESTED_EXTENSIBLE = frozenset({"readPoint", "bizLocation", "errorDeclaration", "ilmd"})
_VERSION = re.compile(r"\d+(\.\d+)*")
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_EXACT_POSITION_LIMIT = 64 << 20  # re-parse up to this size to report the exact position of a syntax error


def read_json_document(stream: Stream) -> ParsedDocument:
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
    reader = _DocumentReader(stream)
    try:
        reader.read_header()
    except (ijson.JSONError, ValueError) as exc:
        raise reader.syntax_error(exc) from None
    return ParsedDocument(name=stream.name, format="json", kind=reader.kind, header=reader.header,
                          events=reader.events())


class _DocumentReader:
    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.name = stream.name
        self.tokens = iter(ijson.parse(stream, use_float=True))
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
                self.top[value] = _build(self.tokens)
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
                self.query_extensions[value] = _build(self.tokens)
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
            tokens = iter(ijson.parse(raw, use_float=True))
            next(tokens, None)
            for prefix, event, value in tokens:
                if prefix == "" and event == "map_key":
                    if value == "epcisBody":
                        _skip(tokens)
                    else:
                        self.top[value] = _build(tokens)
        finally:
            raw.close()

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
                items = ijson.items(raw, self.list_prefix + ".item", use_float=True)
                prefixes = self.prefixes
                for index, obj in enumerate(items):
                    yield read_event_object(obj, index, prefixes)
            finally:
                raw.close()
            if not self.complete:
                self._prescan_top_level()
                self.complete = True
            self._apply_top()
            self._check_header(final=True)
        except (ijson.JSONError, ValueError) as exc:
            raise self.syntax_error(exc, after=index) from None
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


def read_event_object(obj: Any, index: int, prefixes: Mapping[str, str]) -> EventItem:
    """Convert one parsed JSON event to the canonical form, then validate and normalise it.

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


def read_json_event(stream: Stream) -> tuple[dict[str, Any], list[TraceError]]:
    """One JSON event object (with its own ``@context``), validated and normalised."""
    data = stream.read()
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"malformed JSON: {exc.msg}",
                           where=f"{stream.name} line {exc.lineno} column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise InvalidInput(f"an event must be a JSON object, not {type(obj).__name__}", where=stream.name)
    _, event, errors = read_event_object(obj, 0, STANDARD_PREFIXES)
    return event, errors
