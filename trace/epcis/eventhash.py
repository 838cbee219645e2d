"""The CBV 2.0 EPCIS Event Hash ID: a syntax-independent fingerprint of an event.

``event_hash(event)`` is ``ni:///sha-256;{hex}?ver=CBV2.0`` over the UTF-8 *pre-hash
string* that :func:`prehash` builds from an event in the canonical event form
(``docs/event-form.md``). The same event gives the same hash whether it arrived as
JSON-LD or XML, with EPC URNs or Digital Links, CBV URNs or bare words.

The pre-hash string is ``eventType=...`` followed by two sections:

1. **Standard fields**, in the fixed order of :data:`EVENT_ORDER`: ``key=value`` for a
   value, the bare ``key`` for a container followed by its children (for example
   ``epcListepc=...epc=...``). Repeated children are sorted by their rendered text.
   Inside readPoint, bizLocation and the sensor parts, user extensions whose namespace
   ends in ``/`` are appended to their parent (sorted).
2. **Everything else**, rendered generically and sorted as whole strings: ilmd,
   bizTransactionList, sourceList, destinationList, top-level user extensions, and
   whatever part of a standard container the fixed order did not consume (an unknown
   child of a sensorReport, an extension whose namespace lacks the trailing ``/``).

Values are trimmed and normalised: timestamps to UTC with exactly 3 decimals and ``Z``;
CBV values to ``https://ref.gs1.org/cbv/...`` web URIs; ``gs1:``/``cbv:`` CURIEs
expanded; numbers without trailing zeros; EPC URNs and Digital Links on any host to
the canonical Digital Link (finest granularity, no query). Excluded: ``recordTime``,
``eventID``, ``errorDeclaration``, comments.

Why this shape and not the README's prose: the reference implementation
(RalphTro/epcis-event-hash-generator, whose test vectors are the only executable
definition of the algorithm) differs from its README in several places, and every
other implementation that wants matching hashes follows the code. Where they differ,
this module follows the vectors:

* bizTransactionList, sourceList and destinationList are not in the standard-field
  section; they sort with the extensions (``bizTransactionList...destinationList...
  ilmd...sourceList...{ns}ext``), and each entry is ``type=...`` *before* its value.
* certificationInfo comes right after eventTimeZoneOffset.
* An extension is attached to its parent only if its namespace ends in ``/``.
* Only timestamps of the standard time fields are normalised, never extension values.
* Values of any field that look like numbers are written the way Python prints the float
  (``01.50`` -> ``1.5``), extension values included.
* A Digital Link keeps ``'``, ``;`` and ``=`` unescaped (the reference implementation's
  URN-to-DL conversion does; :func:`~cradletrace.identifiers.normalize_epc` escapes them).

Deliberate deviations (where the reference implementation is accidental or unsafe):
booleans are ``true``/``false`` in both syntaxes; a timestamp without an offset is
taken as UTC (the reference uses the machine's local zone); sub-millisecond rounding
is half-up on the exact decimal digits; a ``bizTransaction`` without a type hashes as
its value alone (the reference crashes).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from cradletrace.errors import InvalidInput
from cradletrace.identifiers import normalize_epc
from cradletrace.identifiers.cbv import to_web_uri

__all__ = ["EVENT_ORDER", "event_hash", "prehash"]

# --------------------------------------------------------------------------------------
# Value normalisation
# --------------------------------------------------------------------------------------

_CBV_URN_TO_WEB = (
    ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
    ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
    ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
    ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
    ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
)
# The two CURIE prefixes the vectors expand in any value (XML binding convention).
_CURIES = (("gs1:", "https://gs1.org/voc/"), ("cbv:", "https://ref.gs1.org/cbv/"))
_CANONICAL_DL = "https://id.gs1.org/"
_DL_RAW = (("%27", "'"), ("%3B", ";"), ("%3D", "="))
# First characters of a finite number float() accepts; skips the try for URIs and words.
_NUMERIC_START = frozenset("0123456789+-.")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?\s*(?:([Zz])|([+-])(\d\d)(?::?(\d\d))?)?")


def _text(value: Any) -> str:
    """The lexical form of a scalar: booleans as in XML (``true``), numbers as Python prints them."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def _number(text: str) -> str:
    """``1.0`` -> ``1``, ``+05`` -> ``5``, ``12.10`` -> ``12.1``; non-numbers unchanged.

    Uses float semantics on purpose: the reference implementation does, so hashes agree.
    """
    try:
        number = float(text)
    except ValueError:
        return text
    if number != number or number in (float("inf"), float("-inf")):
        return text  # nan/inf: keep as written (the reference implementation cannot format them)
    return str(int(number)) if number.is_integer() else str(number)


@functools.lru_cache(maxsize=1 << 16)
def _canonical_value(text: str) -> str:
    """Trimmed value with CBV URNs as web URIs, gs1:/cbv: CURIEs expanded, numbers and GS1 identifiers normalised."""
    text = text.strip()
    if not text:
        return text
    if "urn:epcglobal:cbv:" in text:
        for urn, web in _CBV_URN_TO_WEB:
            text = text.replace(urn, web)
    for prefix, namespace in _CURIES:
        if text.startswith(prefix):
            text = namespace + text[len(prefix):]
            break
    if text[0] in _NUMERIC_START:
        text = _number(text)
    if text.startswith("urn:epc:") or text[:4].lower() == "http":
        try:
            text = normalize_epc(text)
        except InvalidInput:
            return text  # not a valid GS1 identifier: hashed as written, like any other URI
        if "%" in text and text.startswith(_CANONICAL_DL):
            # The reference implementation keeps the sub-delimiters ' ; = of a URN serial
            # unescaped in the Digital Link; normalize_epc escapes everything but unreserved.
            for escaped, raw in _DL_RAW:
                text = text.replace(escaped, raw)
    return text


@functools.lru_cache(maxsize=1 << 14)
def _timestamp(text: str) -> str:
    """ISO 8601 date-time in UTC with exactly 3 decimals (half-up) and ``Z``; unparseable text trimmed only."""
    text = text.strip()
    m = _TIMESTAMP.fullmatch(text)
    if m is None:
        return text
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = m.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return text
    millis = 0
    if fraction:
        digits = (fraction + "000")[:4]
        millis = int(digits[:3]) + (digits[3] >= "5")
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m or 0))
        moment = moment - offset if sign == "+" else moment + offset
    moment += timedelta(milliseconds=millis)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond // 1000:03d}Z"


def _value(value: Any) -> str:
    return _canonical_value(_text(value))


def _time(value: Any) -> str:
    return _timestamp(_text(value))


def _cbv(kind: str) -> Callable[[Any], str]:
    """Normaliser for a CBV-valued field: bare word, URN or web URI to the web URI."""

    def convert(value: Any) -> str:
        text = _text(value).strip()
        try:
            text = to_web_uri(text, kind)
        except InvalidInput:
            pass  # an unknown term in CBV spelling: hashed as written (capture rejects it anyway)
        return _canonical_value(text)

    return convert


# --------------------------------------------------------------------------------------
# The canonical property order
# --------------------------------------------------------------------------------------

# An order is a tuple of (child name, value normaliser, nested order or None).
_Order = tuple[tuple[str, Callable[[Any], str], "tuple | None"], ...]

_QUANTITY_ELEMENT: _Order = (("epcClass", _value, None), ("quantity", _value, None), ("uom", _value, None))
_LOCATION: _Order = (("id", _value, None),)
_PERSISTENT_DISPOSITION: _Order = (("set", _cbv("disposition"), None), ("unset", _cbv("disposition"), None))
_SENSOR_METADATA: _Order = tuple((name, _time if "time" in name.lower() else _value, None) for name in (
    "time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules"))
_SENSOR_REPORT: _Order = tuple((name, _time if name == "time" else _value, None) for name in (
    "type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "time",
    "microorganism", "chemicalSubstance", "value", "component", "stringValue", "booleanValue",
    "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue",
    "uom", "coordinateReferenceSystem"))
_SENSOR_ELEMENT: _Order = (("sensorMetadata", _value, _SENSOR_METADATA), ("sensorReport", _value, _SENSOR_REPORT))

# Keys that are never children: the element's own text, and comments.
_NOT_CHILDREN = frozenset({"#text", "comment", "rdfs:comment"})
# Top-level keys left out of the hash entirely.
_EXCLUDED = frozenset({"type", "eventID", "recordTime", "errorDeclaration"}) | _NOT_CHILDREN


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------

def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _child_name(key: str) -> str:
    """Child name of a key: an XML attribute (``@name``) counts as a child element of that name."""
    return key[1:] if key.startswith("@") else key


def _generic(name: str, value: Any) -> list[str]:
    """Render a node with no prescribed order: ``name[=value]`` then its children, sorted."""
    if isinstance(value, list):
        return [s for item in value for s in _generic(name, item)]
    if isinstance(value, Mapping):
        children = [s for key, v in value.items() if key not in _NOT_CHILDREN for s in _generic(_child_name(key), v)]
        children.sort()
        text = _value(value["#text"]) if "#text" in value else ""
        return [name + ("=" + text if text else "") + "".join(children)]
    text = _value(value)
    return [name + ("=" + text if text else "")]


def _nodes(name: str, value: Any, normalise: Callable[[Any], str], sub: _Order | None) -> tuple[list[str], list[str]]:
    """Each item of ``value`` rendered by :func:`_node` as ``name``: the sorted strings and the leftovers."""
    rendered, left = [], []
    for item in _items(value):
        text, rest = _node(name, item, normalise, sub)
        if text:
            rendered.append(text)
        if rest is not None:
            left.append(rest)
    rendered.sort()
    return rendered, left


def _node(name: str, item: Any, normalise: Callable[[Any], str], order: _Order | None) -> tuple[str, str | None]:
    """One child in the standard section: (its string or "", the generic string of what it left over or None)."""
    if not isinstance(item, Mapping):
        text = normalise(item)
        return (name + "=" + text if text else ""), None
    text = normalise(item["#text"]) if "#text" in item else ""
    if order is not None:
        inner, left = _struct(item, order)
    else:
        inner, left = "", [s for k, v in item.items() if k not in _NOT_CHILDREN for s in _generic(_child_name(k), v)]
    rendered = name + ("=" + text if text else "") + inner if text or inner else ""
    if not left:
        return rendered, None
    left.sort()
    # The reference implementation re-emits a partly consumed element, text included, with what is left.
    leftover_text = _value(item["#text"]) if "#text" in item else ""
    return rendered, name + ("=" + leftover_text if leftover_text else "") + "".join(left)


def _struct(mapping: Mapping[str, Any], order: _Order) -> tuple[str, list[str]]:
    """Render a container's children in ``order``; returns (string, generic strings of the rest)."""
    names = [_child_name(k) for k in mapping if k not in _NOT_CHILDREN]
    count = sum(len(v) if isinstance(v, list) else 1 for k, v in mapping.items() if k not in _NOT_CHILDREN)
    # Extensions with a namespace ending in "/" join their parent's string; the reference
    # implementation's test for "is a user extension" is exactly that, and it skips
    # containers of a single child and any container with a child named like *action*/*eventTime*.
    attach = count > 1 and not any("eventTime" in n or "action" in n for n in names)
    parts: list[str] = []
    left: list[str] = []
    ordered: set[str] = set()
    for name, normalise, sub in order:
        if name not in mapping:
            continue
        ordered.add(name)
        rendered, rests = _nodes(name, mapping[name], normalise, sub)
        parts.extend(rendered)
        left.extend(rests)
    attached: list[str] = []
    for key, value in mapping.items():
        if key in ordered or key in _NOT_CHILDREN:
            continue
        name = _child_name(key)
        (attached if attach and "{" in name and "/}" in name else left).extend(_generic(name, value))
    attached.sort()
    parts.extend(attached)
    return "".join(parts), left


# Field renderers of the standard section: (key, value) -> (string or "", leftover string or None).
_Renderer = Callable[[str, Any], tuple[str, str | None]]


def _r_value(normalise: Callable[[Any], str]) -> _Renderer:
    def render(key: str, value: Any) -> tuple[str, str | None]:
        rendered = sorted(key + "=" + t for t in map(normalise, _items(value)) if t)
        return "".join(rendered), None

    return render


def _r_epcs(key: str, value: Any) -> tuple[str, str | None]:
    epcs = sorted("epc=" + t for t in map(_value, _items(value)) if t)
    return (key + "".join(epcs) if epcs else ""), None


def _r_container(order: _Order) -> _Renderer:
    """readPoint, bizLocation, persistentDisposition: one object with ordered children."""

    def render(key: str, value: Any) -> tuple[str, str | None]:
        return _node(key, value, _value, order)

    return render


def _r_list_of(item_name: str, order: _Order) -> _Renderer:
    """quantity lists and sensorElementList: a list of objects, each rendered as ``item_name`` + children."""

    def render(key: str, value: Any) -> tuple[str, str | None]:
        rendered, left = _nodes(item_name, value, _value, order)
        left.sort()
        return (key + "".join(rendered) if rendered else ""), (key + "".join(left) if left else None)

    return render


#: The standard section, in hash order: (field, renderer). Any other field goes to the generic section.
EVENT_ORDER: tuple[tuple[str, _Renderer], ...] = (
    ("eventTime", _r_value(_time)),
    ("eventTimeZoneOffset", _r_value(_value)),
    ("certificationInfo", _r_value(_value)),
    ("parentID", _r_value(_value)),
    ("epcList", _r_epcs),
    ("inputEPCList", _r_epcs),
    ("childEPCs", _r_epcs),
    ("quantityList", _r_list_of("quantityElement", _QUANTITY_ELEMENT)),
    ("childQuantityList", _r_list_of("quantityElement", _QUANTITY_ELEMENT)),
    ("inputQuantityList", _r_list_of("quantityElement", _QUANTITY_ELEMENT)),
    ("outputEPCList", _r_epcs),
    ("outputQuantityList", _r_list_of("quantityElement", _QUANTITY_ELEMENT)),
    ("action", _r_value(_value)),
    ("transformationID", _r_value(_value)),
    ("bizStep", _r_value(_cbv("bizStep"))),
    ("disposition", _r_value(_cbv("disposition"))),
    ("persistentDisposition", _r_container(_PERSISTENT_DISPOSITION)),
    ("readPoint", _r_container(_LOCATION)),
    ("bizLocation", _r_container(_LOCATION)),
    ("sensorElementList", _r_list_of("sensorElement", _SENSOR_ELEMENT)),
)
_ORDERED_KEYS = frozenset(key for key, _ in EVENT_ORDER)

_BTT = _cbv("bizTransactionType")
_SDT = _cbv("sourceDestType")
# The typed lists: (value key, type normaliser). They sort with the extensions.
_TYPED_LISTS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "bizTransactionList": ("bizTransaction", _BTT),
    "sourceList": ("source", _SDT),
    "destinationList": ("destination", _SDT),
}


def _typed_list(key: str, value: Any) -> list[str]:
    """``bizTransactionListtype=...bizTransaction=...`` with entries sorted, type first in each entry."""
    value_key, normalise_type = _TYPED_LISTS[key]
    entries = []
    for item in _items(value):
        if not isinstance(item, Mapping):
            continue
        entry = ""
        if "type" in item:
            text = normalise_type(item["type"])
            entry = "type=" + text if text else "type"
        if value_key in item:
            text = _value(item[value_key])
            entry += value_key + "=" + text if text else value_key
        entries.append(entry)
    if not entries:
        return []
    entries.sort()
    return [key + "".join(entries)]


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------

def prehash(event: Mapping[str, Any], *, ignore_fields: Iterable[str] = ()) -> str:
    """The canonical pre-hash string of an event in the canonical event form.

    Parameters
    ----------
    event : mapping
        One event as ``docs/event-form.md`` describes it. Identifiers may be canonical
        Digital Links, EPC URNs or Digital Links on any host; CBV values bare words, URNs
        or web URIs: all are normalised here.
    ignore_fields : iterable of str, optional
        Clark names (``{ns}local``) of top-level extension fields to leave out: the
        non-standard ``ignoreFields`` document header of the reference implementation.

    Returns
    -------
    str

    Examples
    --------
    >>> prehash({"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30+01:00",
    ...          "eventTimeZoneOffset": "+01:00", "action": "OBSERVE", "bizStep": "shipping",
    ...          "epcList": ["urn:epc:id:sscc:4012345.0000000111"],
    ...          "{https://ns.example.com/epcis/}note": " 1.50 "})
    'eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00epcListepc=https://id.gs1.org/00/040123450000001112action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shipping{https://ns.example.com/epcis/}note=1.5'
    """
    ignore = frozenset(ignore_fields)
    parts = ["eventType=" + _text(event.get("type", ""))]
    generic: list[str] = []
    for key, render in EVENT_ORDER:
        if key not in event:
            continue
        text, rest = render(key, event[key])
        parts.append(text)
        if rest is not None:
            generic.append(rest)
    for key, value in event.items():
        if key in _ORDERED_KEYS or key in _EXCLUDED or key in ignore or key.startswith("@"):
            continue  # "@..." at event level are JSON-LD keywords (@context, @id), not event content
        if key in _TYPED_LISTS:
            generic.extend(_typed_list(key, value))
        else:
            generic.extend(_generic(key, value))
    generic.sort()
    parts.extend(generic)
    return "".join(parts)


def event_hash(event: Mapping[str, Any], *, ignore_fields: Iterable[str] = ()) -> str:
    """The EPCIS Event Hash ID (CBV 2.0): ``ni:///sha-256;<hex>?ver=CBV2.0``.

    Parameters
    ----------
    event : mapping
        One event in the canonical event form (see :func:`prehash`).
    ignore_fields : iterable of str, optional
        Clark names of top-level extension fields to leave out (see :func:`prehash`).

    Returns
    -------
    str

    Examples
    --------
    >>> event = {"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30.000+01:00",
    ...          "eventTimeZoneOffset": "+01:00", "action": "OBSERVE", "bizStep": "departing",
    ...          "epcList": ["https://id.gs1.org/00/040123450000001112"],
    ...          "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"}}
    >>> event_hash(event)
    'ni:///sha-256;be41b1d4173b1b693f253742e268a5bec71f5b7eb1366c42936eb7d754169a0e?ver=CBV2.0'
    >>> event_hash(event) == event_hash({**event, "bizStep": "urn:epcglobal:cbv:bizstep:departing",
    ...                                  "eventTime": "2020-03-04T10:00:30Z", "recordTime": "2020-03-05T00:00:00Z"})
    True
    """
    digest = hashlib.sha256(prehash(event, ignore_fields=ignore_fields).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"
