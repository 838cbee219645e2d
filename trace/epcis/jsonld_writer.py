"""Streaming writer of EPCIS 2.0 JSON-LD documents from canonical events.

The document ``@context`` comes first and declares the standard context plus a prefix
for each namespace in ``namespaces``. An event that uses a namespace not declared there
carries its own event-level ``@context`` for it (EPCIS 2.0 allows one on every event), so
the writer never needs to see all events before writing the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

import orjson

from cradletrace.epcis.fields import ALERT_TYPES, MEASUREMENT_TYPES
from cradletrace.epcis.masterdata import Description, vocabulary_list
from cradletrace.epcis.namespaces import EPCIS_CONTEXT_URL, GS1_VOC, PrefixAllocator, split_clark
from cradletrace.timestamps import to_iso, utc_now

_NESTED_EXTENSIBLE = ("readPoint", "bizLocation", "errorDeclaration", "ilmd")


def write_jsonld(events: Iterable[Mapping[str, Any]], fp: IO[bytes], *, query: bool = False,
                 namespaces: Mapping[str, str] | None = None, creation_date: str | None = None,
                 masterdata: Sequence[Description] = ()) -> int:
    """Write canonical events as an EPCISDocument (or EPCISQueryDocument) in JSON-LD, one event at a time.

    Parameters
    ----------
    events : iterable of dict
        Events in the canonical form (``docs/event-form.md``).
    fp : binary file
        Where to write.
    query : bool
        Write an EPCISQueryDocument (``epcisBody.queryResults.resultsBody.eventList``).
    namespaces : mapping of str to str, optional
        ``{prefix: namespace}`` to declare in the document ``@context`` (for example a read
        document's ``header["namespaces"]``). Other namespaces get ``extN`` prefixes declared
        in the ``@context`` of the events that use them.
    creation_date : str, optional
        The document's creationDate; now (UTC) by default.
    masterdata : sequence of Description, optional
        Master data to write in ``epcisHeader.epcisMasterData`` (XML values as their XML text).

    Returns
    -------
    int
        The number of events written.

    Examples
    --------
    >>> import io
    >>> buf = io.BytesIO()
    >>> write_jsonld([{"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00Z",
    ...                "eventTimeZoneOffset": "+00:00", "action": "OBSERVE", "epcList": [],
    ...                "{https://ns.example.com/}batch": "B1"}], buf,
    ...               namespaces={"ex": "https://ns.example.com/"}, creation_date="2025-01-02T00:00:00Z")
    1
    >>> doc = orjson.loads(buf.getvalue())
    >>> doc["@context"], doc["epcisBody"]["eventList"][0]["ex:batch"]
    (['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', {'ex': 'https://ns.example.com/'}], 'B1')
    """
    allocator = PrefixAllocator(namespaces)
    declared = dict(allocator.by_namespace)  # namespaces the document context covers
    context: list[Any] = [EPCIS_CONTEXT_URL]
    if allocator.extension_prefixes():
        context.append(allocator.extension_prefixes())
    head = {"@context": context, "type": "EPCISQueryDocument" if query else "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": creation_date or to_iso(utc_now())}
    if masterdata:
        head["epcisHeader"] = {"epcisMasterData": {"vocabularyList": vocabulary_list(masterdata)}}
    fp.write(orjson.dumps(head)[:-1])
    if query:
        fp.write(b',"epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","resultsBody":{"eventList":[')
    else:
        fp.write(b',"epcisBody":{"eventList":[')
    count = 0
    for event in events:
        fp.write(b"\n" if count == 0 else b",\n")
        fp.write(orjson.dumps(event_to_jsonld(event, allocator, declared)))
        count += 1
    fp.write(b"\n]}}}}" if query else b"\n]}}")
    return count


class _Converter:
    """Renders Clark keys as CURIEs and records the namespaces an event needs that the document lacks."""

    __slots__ = ("allocator", "declared", "local")

    def __init__(self, allocator: PrefixAllocator, declared: Mapping[str, str]) -> None:
        self.allocator = allocator
        self.declared = declared
        self.local: dict[str, str] = {}

    def key(self, key: str) -> str:
        attribute = key.startswith("@{")
        namespace, local = split_clark(key[1:] if attribute else key)
        if namespace is None:
            return key
        prefix = self.allocator.prefix_for(namespace)
        if namespace not in self.declared:
            self.local[prefix] = namespace
        return ("@" if attribute else "") + prefix + ":" + local

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {self.key(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def object(self, value: Mapping[str, Any], standard: Any = ()) -> dict[str, Any]:
        return {(k if k in standard or "{" not in k else self.key(k)):
                (v if k in standard else self.value(v)) for k, v in value.items()}


def event_to_jsonld(event: Mapping[str, Any], allocator: PrefixAllocator,
                    declared: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The JSON-LD object of one canonical event (extension keys as CURIEs, ``comment`` as ``rdfs:comment``).

    Examples
    --------
    >>> event_to_jsonld({"type": "ObjectEvent", "comment": "hi", "{urn:x:}a": {"{urn:x:}b": 1}},
    ...                 PrefixAllocator())
    {'@context': {'ext1': 'urn:x:'}, 'type': 'ObjectEvent', 'rdfs:comment': 'hi', 'ext1:a': {'ext1:b': 1}}
    """
    conv = _Converter(allocator, dict(allocator.by_namespace) if declared is None else declared)
    out: dict[str, Any] = {}
    for key, value in event.items():
        if key == "comment":
            out["rdfs:comment"] = value
        elif key.startswith("{"):
            out[conv.key(key)] = conv.value(value)
        elif key in _NESTED_EXTENSIBLE and isinstance(value, dict):
            out[key] = conv.object(value)
        elif key == "sensorElementList" and isinstance(value, list):
            out[key] = [_sensor_element(e, conv) for e in value]
        else:
            out[key] = value
    if conv.local:
        return {"@context": conv.local, **out}
    return out


def _sensor_element(element: Mapping[str, Any], conv: _Converter) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in element.items():
        if key == "sensorMetadata" and isinstance(value, dict):
            out[key] = conv.object(value)
        elif key == "sensorReport" and isinstance(value, list):
            out[key] = [_sensor_report(r, conv) for r in value]
        else:
            out[conv.key(key)] = conv.value(value)
    return out


def _sensor_report(report: Mapping[str, Any], conv: _Converter) -> dict[str, Any]:
    out = conv.object(report)
    for key, words in (("type", MEASUREMENT_TYPES), ("exception", ALERT_TYPES)):
        value = out.get(key)
        if isinstance(value, str) and value.startswith(GS1_VOC):
            # The JSON schema takes GS1 vocabulary terms as bare words or gs1: CURIEs, never as IRIs.
            local = value[len(GS1_VOC):]
            out[key] = local if local in words else "gs1:" + local
    return out
