"""Validation and normalisation of one event in the canonical form: the single code path of both readers and capture.

The readers only translate syntax (JSON-LD keys and CURIEs, XML elements and attributes)
into the JSON-shaped dict of ``docs/event-form.md``; :func:`validate_event` then checks it
with the package's own rules, which mirror the EPCIS 2.0 JSON Schema and XSD (the GS1
files carry no open-source licence and are used by the tests only), and normalises it:
identifiers to canonical Digital Links, CBV values to bare words, integral numbers to int.

How the rules mirror the schemas
--------------------------------
* Both: event type, required fields per type, ``action`` enum, date-times with a zone
  offset (the XSD ``DateTimeStamp`` pattern), the ``eventTimeZoneOffset`` pattern, URI-shaped
  identifiers, quantity elements, ``persistentDisposition`` with ``set``/``unset``, source and
  destination with a ``type``, sensor attribute types, ``errorDeclaration.declarationTime``,
  ILMD only on ObjectEvent ``ADD`` and TransformationEvent, fields allowed per type (the
  XSD sequences), extension keys namespaced.
* JSON only (the JSON Schema's own restrictions): CBV values must not be URNs
  (``urn:epcglobal:cbv:...``) and bare words must be CBV words; sensor types must not be
  ``https://gs1.org/voc/`` IRIs (bare words or ``gs1:`` CURIEs); ``sensorReport.type`` is required.
* Stricter than both, on purpose: AggregationEvent needs ``parentID`` unless the action is
  ``OBSERVE`` (EPCIS 2.0 section 7.4.3), ObjectEvent/AggregationEvent/TransactionEvent need
  objects (the JSON Schema's rule, applied to XML too), ``uom`` must be a UN/ECE code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from cradletrace.epcis.fields import (
    ACTIONS,
    ALERT_TYPES,
    COMPONENTS,
    EPC_LISTS,
    EVENT_TYPES,
    FIELD_POSITION,
    MEASUREMENT_TYPES,
    META_KEYS,
    QUANTITY_LISTS,
    SENSOR_METADATA_FIELDS,
    SENSOR_REPORT_FIELDS,
    UNIQUE_EPC_LISTS,
)
from cradletrace.epcis.namespaces import GS1_VOC, STANDARD_PREFIXES, expand_curie, is_clark
from cradletrace.errors import InvalidInput, TraceError
from cradletrace.identifiers import normalize_epc, normalize_epc_class
from cradletrace.identifiers.cbv import TERMS, to_bare

# The XSD's DateTimeStamp pattern: a date-time that always carries Z or an offset.
_TIME = re.compile(r"[0-9]{4}-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])T(2[0-3]|[01][0-9]):[0-5][0-9]:[0-5][0-9]"
                   r"(\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))")
_OFFSET = re.compile(r"[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+")
_UOM = re.compile(r"[A-Z0-9]{2,3}")
_HEX = re.compile(r"[A-Fa-f0-9]+")
_CBV_URI_IN_JSON = re.compile(r"urn:epcglobal:cbv:|https?://ns\.gs1\.org/cbv/")
_GS1_VOC_IRI = re.compile(r"https?://(www\.)?gs1\.org/voc/")
_ALL_FIELDS = frozenset(f for positions in FIELD_POSITION.values() for f in positions)

JSON = "json"
XML = "xml"
#: Integers are stored as 64-bit values in the event payload (orjson); larger ones stay floats or are refused.
INT64_LIMIT = 2 ** 63


class _Checker:
    """Collects the faults of one event; ``where`` is ``event[i]``."""

    __slots__ = ("errors", "json", "where")

    def __init__(self, where: str, syntax: str | None) -> None:
        self.where = where
        self.errors: list[TraceError] = []
        self.json = syntax == JSON

    def fail(self, path: str, message: str) -> None:
        self.errors.append(InvalidInput(message, where=f"{self.where}.{path}"))


def validate_event(event: Mapping[str, Any], index: int = 0, *,
                   syntax: str | None = None) -> tuple[dict[str, Any], list[TraceError]]:
    """Validate one event in the canonical form and return it normalised, with every fault found.

    Parameters
    ----------
    event : mapping
        An event shaped as ``docs/event-form.md`` describes (values may still be in any
        input form: EPC URNs, CBV URNs or web URIs). It is not modified.
    index : int
        Its position in the document, for the ``where`` of each fault (``event[3].bizStep``).
    syntax : {'json', 'xml'}, optional
        The syntax it was read from, which adds that binding's own restrictions (the JSON
        schema rejects CBV URNs, for example). ``None`` for events built in Python.

    Returns
    -------
    (dict, list of TraceError)
        The normalised event (or, with faults, the best-effort normalisation) and the faults,
        each an :class:`~cradletrace.errors.InvalidInput` naming the event and field.

    Examples
    --------
    >>> ev = {"type": "ObjectEvent", "eventTime": "2025-03-01T10:00:00.000+01:00",
    ...       "eventTimeZoneOffset": "+01:00", "action": "OBSERVE",
    ...       "epcList": ["urn:epc:id:sgtin:9506000.013435.4711"],
    ...       "bizStep": "urn:epcglobal:cbv:bizstep:shipping"}
    >>> out, errors = validate_event(ev, 0)
    >>> out["epcList"], out["bizStep"], errors
    (['https://id.gs1.org/01/09506000134352/21/4711'], 'shipping', [])
    >>> _, errors = validate_event(ev, 3, syntax="json")
    >>> print(errors[0])
    event[3].bizStep: 'urn:epcglobal:cbv:bizstep:shipping' is a CBV URN, which the JSON binding does not allow: use the bare word 'shipping'
    >>> _, errors = validate_event({**ev, "action": "ADDED"}, 1)
    >>> print(errors[0])
    event[1].action: 'ADDED' is not an action: use ADD, OBSERVE or DELETE
    """
    ck = _Checker(f"event[{index}]", syntax)
    event_type = event.get("type")
    if not isinstance(event_type, str) or event_type not in EVENT_TYPES:  # a list or object is no type (nor hashable)
        if event_type is None:
            ck.fail("type", "missing: every event needs a type (ObjectEvent, AggregationEvent, "
                            "TransactionEvent, TransformationEvent or AssociationEvent)")
        else:
            ck.fail("type", f"unknown event type {event_type!r}: use ObjectEvent, AggregationEvent, "
                            "TransactionEvent, TransformationEvent or AssociationEvent")
        return dict(event), ck.errors
    allowed = FIELD_POSITION[event_type]
    out: dict[str, Any] = {}
    for key, value in event.items():
        handler = _HANDLERS.get(key)
        if key in allowed:
            out[key] = handler(ck, key, value) if handler else value
        elif key in META_KEYS:
            if key == "comment" and not isinstance(value, str):
                ck.fail(key, "must be text")
            out[key] = value
        elif is_clark(key):
            out[key] = value
        elif key in _ALL_FIELDS:
            ck.fail(key, f"is not a field of {event_type}")
            out[key] = value
        else:
            ck.fail(key, f"unknown field {key!r}: user extensions need a namespace "
                         "(a prefix:name CURIE in JSON-LD, a namespaced element in XML)")
            out[key] = value
    _check_event_rules(ck, event_type, out)
    return out, ck.errors


def _check_event_rules(ck: _Checker, event_type: str, ev: dict[str, Any]) -> None:
    """The rules that tie fields together: required fields per type, ILMD only with ADD, objects present."""
    for key in ("eventTime", "eventTimeZoneOffset"):
        if key not in ev:
            ck.fail(key, "missing: every event needs eventTime and eventTimeZoneOffset")
    action = ev.get("action")
    if event_type != "TransformationEvent" and "action" not in ev:
        ck.fail("action", f"missing: a {event_type} needs an action (ADD, OBSERVE or DELETE)")
    if event_type == "ObjectEvent":
        if not ("epcList" in ev or ev.get("quantityList")
                or (ev.get("sensorElementList") and "readPoint" in ev)):
            ck.fail("epcList", "an ObjectEvent needs an epcList or a quantityList "
                               "(or a sensorElementList with a readPoint)")
        if "ilmd" in ev and action in ("OBSERVE", "DELETE"):
            ck.fail("ilmd", f"ILMD is only allowed on ObjectEvent ADD and TransformationEvent, not {action}")
    elif event_type in ("AggregationEvent", "AssociationEvent"):
        if event_type == "AssociationEvent" and "parentID" not in ev:
            ck.fail("parentID", "missing: an AssociationEvent needs a parentID")
        if event_type == "AggregationEvent" and "parentID" not in ev and action in ("ADD", "DELETE"):
            ck.fail("parentID", f"missing: an AggregationEvent with action {action} needs a parentID")
        if not (ev.get("childEPCs") or ev.get("childQuantityList") or action == "DELETE"):
            ck.fail("childEPCs", f"a {event_type} needs childEPCs or a childQuantityList "
                                 "(both may be omitted only for DELETE)")
    elif event_type == "TransactionEvent":
        if not ev.get("bizTransactionList"):
            ck.fail("bizTransactionList", "missing: a TransactionEvent needs at least one bizTransaction")
        if not ("epcList" in ev or ev.get("quantityList") or action == "DELETE"):
            ck.fail("epcList", "a TransactionEvent needs an epcList or a quantityList (unless DELETE)")
    elif event_type == "TransformationEvent":
        inputs = bool(ev.get("inputEPCList") or ev.get("inputQuantityList"))
        outputs = bool(ev.get("outputEPCList") or ev.get("outputQuantityList"))
        if not ((inputs and outputs) or ((inputs or outputs) and "transformationID" in ev)):
            ck.fail("inputEPCList", "a TransformationEvent needs inputs and outputs, or a transformationID "
                                    "with inputs or outputs")


# --- field handlers: each checks one value and returns it normalised ---------------------------


def _is_text(ck: _Checker, path: str, value: Any) -> bool:
    if isinstance(value, str):
        return True
    ck.fail(path, f"must be text, not {type(value).__name__}")
    return False


def _time(ck: _Checker, path: str, value: Any) -> Any:
    if _is_text(ck, path, value) and not _TIME.fullmatch(value):
        ck.fail(path, f"{value!r} is not a date-time with a time zone offset "
                      "(for example 2025-03-01T10:00:00.000+01:00 or ...Z)")
    return value


def _offset(ck: _Checker, path: str, value: Any) -> Any:
    if _is_text(ck, path, value) and not _OFFSET.fullmatch(value):
        ck.fail(path, f"{value!r} is not a time zone offset: use +hh:mm or -hh:mm between -13:59 and +14:00")
    return value


def _uri(ck: _Checker, path: str, value: Any) -> Any:
    if _is_text(ck, path, value) and not _URI.fullmatch(value):
        ck.fail(path, f"{value!r} is not a URI (scheme:..., without spaces)")
    return value


def _text(ck: _Checker, path: str, value: Any) -> Any:
    _is_text(ck, path, value)
    return value


def _action(ck: _Checker, path: str, value: Any) -> Any:
    if not isinstance(value, str) or value not in ACTIONS:  # a list is no action (nor hashable)
        ck.fail(path, f"{value!r} is not an action: use ADD, OBSERVE or DELETE")
    return value


def _identifier(ck: _Checker, path: str, value: Any, normalize: Callable[[str], str] = normalize_epc) -> Any:
    if not _is_text(ck, path, value):
        return value
    if not _URI.fullmatch(value):
        ck.fail(path, f"{value!r} is not a URI (an EPC URN, a Digital Link or another URI)")
        return value
    try:
        return normalize(value)
    except InvalidInput as exc:
        ck.fail(path, f"invalid identifier {value!r}: {exc}")
        return value


_Handler = Callable[[_Checker, str, Any], Any]


def _list_of(check: _Handler, what: str, *, non_empty: bool = False, unique: str | None = None) -> _Handler:
    """A handler for a list of ``what``: each item checked by ``check`` at ``path[i]``.

    ``non_empty`` refuses an empty list; ``unique`` is the fault for an item listed twice.
    """
    shape = f"must be a {'non-empty ' if non_empty else ''}list of {what}"

    def handler(ck: _Checker, path: str, value: Any) -> Any:
        if not isinstance(value, list) or (non_empty and not value):
            ck.fail(path, shape)
            return value
        if unique and len(set(map(str, value))) != len(value):
            ck.fail(path, unique)
        return [check(ck, f"{path}[{i}]", item) for i, item in enumerate(value)]

    return handler


def _object(fields: Mapping[str, _Handler], shape: str, *, required: Mapping[str, str] | None = None,
            closed: str | None = None, after: Callable[[_Checker, str, dict[str, Any]], None] | None = None
            ) -> _Handler:
    """A handler for an object: each key of ``fields`` checked by its handler at ``path.key``.

    ``shape`` is the fault for a value that is not an object; ``required`` maps a missing key to its
    fault. Other keys are extensions (namespaced, kept) or, with ``closed`` (the fault's text), faults
    that are dropped. ``after`` checks what ties the fields together, given the value.
    """
    def handler(ck: _Checker, path: str, value: Any) -> Any:
        if not isinstance(value, dict):
            ck.fail(path, shape)
            return value
        out: dict[str, Any] = {}
        for key, v in value.items():
            check = fields.get(key)
            if check is not None:
                out[key] = check(ck, f"{path}.{key}", v)
            elif closed is not None:
                ck.fail(f"{path}.{key}", closed)
            else:
                _extension_key(ck, f"{path}.{key}", key)
                out[key] = v
        for key, fault in (required or {}).items():
            if key not in value:
                ck.fail(f"{path}.{key}", fault)
        if after is not None:
            after(ck, path, value)
        return out

    return handler


def integral(value: float) -> int | float:
    """An integral float as int, when it fits in 64 bits; any other float as it is.

    Examples
    --------
    >>> integral(26.0), integral(12.5), integral(1e20)
    (26, 12.5, 1e+20)
    """
    return int(value) if value.is_integer() and abs(value) < INT64_LIMIT else value


def _number(ck: _Checker, path: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        ck.fail(path, f"{value!r} is not a number")
        return value
    if isinstance(value, int):
        if abs(value) >= INT64_LIMIT:
            ck.fail(path, f"{value} is too large: integers must fit in 64 bits")
        return value
    return integral(float(value))


def _uom(ck: _Checker, path: str, value: Any) -> Any:
    if _is_text(ck, path, value) and not _UOM.fullmatch(value):
        ck.fail(path, f"{value!r} is not a UN/ECE Rec 20 unit code (2 or 3 capitals or digits)")
    return value


def _uom_needs_quantity(ck: _Checker, path: str, value: dict[str, Any]) -> None:
    if "uom" in value and "quantity" not in value:
        ck.fail(f"{path}.quantity", "missing: a uom needs a quantity")


_quantity_list = _list_of(_object(
    {"epcClass": lambda ck, path, v: _identifier(ck, path, v, normalize_epc_class), "quantity": _number, "uom": _uom},
    "must be an object with epcClass, quantity and uom",
    required={"epcClass": "missing: every quantity element needs an epcClass"},
    closed="is not a field of a quantity element (epcClass, quantity, uom)", after=_uom_needs_quantity),
    "quantity elements")


def _cbv(kind: str) -> Callable[[_Checker, str, Any], Any]:
    """A handler for a CBV-valued field: bare word or URI in, bare word (or the non-CBV URI) out."""
    terms = TERMS[kind]

    def handler(ck: _Checker, path: str, value: Any) -> Any:
        if not _is_text(ck, path, value):
            return value
        if ck.json and _CBV_URI_IN_JSON.match(value):
            try:
                hint = f": use the bare word {to_bare(value, kind)!r}"
            except InvalidInput:
                hint = ""
            ck.fail(path, f"{value!r} is a CBV URN, which the JSON binding does not allow{hint}")
            return value
        if ":" in value and not _URI.fullmatch(value):
            ck.fail(path, f"{value!r} is neither a CBV word nor a URI")
            return value
        try:
            bare = to_bare(value, kind)
        except InvalidInput as exc:
            ck.fail(path, exc.message)
            return value
        if ":" not in bare and bare not in terms:
            ck.fail(path, f"{value!r} is not a CBV 2.0 {kind}: use a CBV word or, for a private value, a URI")
        return bare

    return handler


_biz_step = _cbv("bizStep")
_disposition = _cbv("disposition")
_btt = _cbv("bizTransactionType")
_sdt = _cbv("sourceDestType")
_error_reason = _cbv("errorReason")


_location = _object({"id": _identifier}, "must be an object with an id", required={"id": "missing"})


def _extension_key(ck: _Checker, path: str, key: str) -> None:
    if not is_clark(key):
        ck.fail(path, f"unknown field {key!r}: extensions need a namespace")


def _needs_set_or_unset(ck: _Checker, path: str, value: dict[str, Any]) -> None:
    if not value:
        ck.fail(path, "needs set or unset")


_dispositions = _list_of(_disposition, "dispositions", non_empty=True, unique="lists a disposition more than once")
_persistent_disposition = _object({"set": _dispositions, "unset": _dispositions},
                                  "must be an object with set and/or unset lists",
                                  closed="is not a field of persistentDisposition (set, unset)",
                                  after=_needs_set_or_unset)
_biz_transactions = _list_of(_object(
    {"type": _btt, "bizTransaction": _identifier}, "must be an object with type and bizTransaction",
    required={"bizTransaction": "missing"}, closed="is not a field of a bizTransaction (type, bizTransaction)"),
    "{type, bizTransaction}")


def _source_dest(name: str) -> _Handler:
    return _list_of(_object({"type": _sdt, name: _identifier}, f"must be an object with type and {name}",
                            required={"type": "missing", name: "missing"},
                            closed=f"is not a field of a {name} (type, {name})"),
                    f"{{type, {name}}}")


_ilmd = _object({}, "must be an object of namespaced fields")


def _certification_info(ck: _Checker, path: str, value: Any) -> Any:
    return _event_ids_or_uris(ck, path, value) if isinstance(value, list) else _uri(ck, path, value)


_event_ids_or_uris = _list_of(_uri, "URIs")
_error_declaration = _object(
    {"declarationTime": _time, "reason": _error_reason, "correctiveEventIDs": _list_of(_uri, "event IDs")},
    "must be an object with declarationTime",
    required={"declarationTime": "missing: an errorDeclaration needs its declarationTime"})


def _gs1_term(ck: _Checker, path: str, value: str, words: frozenset[str], what: str) -> str:
    """A sensor measurement/alert type: bare word or ``gs1:`` CURIE to its GS1 vocabulary IRI."""
    if ":" not in value:
        if ck.json and value not in words:
            ck.fail(path, f"{value!r} is not a GS1 {what}")
        return GS1_VOC + value
    if ck.json and _GS1_VOC_IRI.match(value):
        ck.fail(path, f"{value!r}: the JSON binding writes GS1 vocabulary terms as bare words "
                      f"({value.rsplit('/', 1)[-1]!r}), not as IRIs")
        return value
    expanded = expand_curie(value, STANDARD_PREFIXES)
    if expanded is not None:
        return expanded
    if not _URI.fullmatch(value):
        ck.fail(path, f"{value!r} is not a URI")
    return value


def _sensor_value(ck: _Checker, path: str, kind: str, value: Any) -> Any:
    if kind == "number":
        return _number(ck, path, value)
    if kind == "boolean":
        if not isinstance(value, bool):
            ck.fail(path, f"{value!r} is not true or false")
        return value
    if not _is_text(ck, path, value):
        return value
    if kind == "uri":
        return _uri(ck, path, value)
    if kind == "time":
        return _time(ck, path, value)
    if kind == "hex":
        if not _HEX.fullmatch(value):
            ck.fail(path, f"{value!r} is not hexadecimal")
        return value
    if kind == "measurement":
        return _gs1_term(ck, path, value, MEASUREMENT_TYPES, "measurement type")
    if kind == "alert":
        return _gs1_term(ck, path, value, ALERT_TYPES, "sensor alert type")
    if kind == "component":
        if ":" not in value:
            if ck.json and value not in COMPONENTS:
                ck.fail(path, f"{value!r} is not a sensor component")
            return value
        if ck.json and _CBV_URI_IN_JSON.match(value):
            ck.fail(path, f"{value!r} is a CBV URN, which the JSON binding does not allow")
        expanded = expand_curie(value, STANDARD_PREFIXES)
        return expanded if expanded is not None else _uri(ck, path, value)
    return value


def _sensor_part(fields: Mapping[str, str]) -> _Handler:
    """A handler for sensorMetadata or a sensorReport: attributes of the kinds ``fields`` gives."""
    def of_kind(kind: str) -> _Handler:
        return lambda ck, path, value: _sensor_value(ck, path, kind, value)

    return _object({key: of_kind(kind) for key, kind in fields.items()}, "must be an object")


_sensor_report_fields = _sensor_part(SENSOR_REPORT_FIELDS)


def _sensor_report(ck: _Checker, path: str, value: Any) -> Any:
    out = _sensor_report_fields(ck, path, value)
    # The JSON schema requires a type; the abstract model and the XML binding let an alert-only
    # report (an exception) go without one. Such reports are accepted in JSON too, so that what
    # was captured from XML exports to JSON-LD and comes back with the same hash.
    if ck.json and isinstance(value, dict) and "type" not in value and "exception" not in value:
        ck.fail(f"{path}.type", "missing: the JSON binding requires a type on a sensorReport "
                                "that is not an alert (no exception)")
    return out


_sensor_elements = _list_of(_object(
    {"sensorMetadata": _sensor_part(SENSOR_METADATA_FIELDS),
     "sensorReport": _list_of(_sensor_report, "sensor reports", non_empty=True)},
    "must be an object with sensorReport",
    required={"sensorReport": "missing: a sensorElement needs at least one sensorReport"}),
    "sensor elements")


_HANDLERS: dict[str, Callable[[_Checker, str, Any], Any]] = {
    "eventTime": _time,
    "recordTime": _time,
    "eventTimeZoneOffset": _offset,
    "eventID": _uri,
    "certificationInfo": _certification_info,
    "errorDeclaration": _error_declaration,
    "action": _action,
    "parentID": _identifier,
    "transformationID": _uri,
    "bizStep": _biz_step,
    "disposition": _disposition,
    "persistentDisposition": _persistent_disposition,
    "readPoint": _location,
    "bizLocation": _location,
    "bizTransactionList": _biz_transactions,
    "sourceList": _source_dest("source"),
    "destinationList": _source_dest("destination"),
    "sensorElementList": _sensor_elements,
    "ilmd": _ilmd,
    **{name: _list_of(_identifier, "identifiers",
                      unique="lists an identifier more than once" if name in UNIQUE_EPC_LISTS else None)
       for name in EPC_LISTS},
    **{name: _quantity_list for name in QUANTITY_LISTS},
}
