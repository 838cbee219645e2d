"""Streaming writer of EPCIS 2.0 XML documents from canonical events (lxml ``xmlfile``).

Standard fields are written in the XSD sequence of each event type
(:data:`cradletrace.epcis.fields.FIELD_ORDER`), CBV values as URNs
(``urn:epcglobal:cbv:bizstep:shipping``), identifiers as given (canonical Digital Links),
and extensions as namespaced elements after the standard fields. XML has no types for
extension values: a JSON number or boolean in an extension is written as its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from lxml import etree

from cradletrace.epcis.masterdata import Description, xml_vocabulary_list
from cradletrace.epcis.fields import FIELD_ORDER, SENSOR_METADATA_FIELDS, SENSOR_REPORT_ORDER, xml_field_table
from cradletrace.epcis.namespaces import (
    EPCIS_QUERY_XML_NS,
    EPCIS_XML_NS,
    RDFS_COMMENT,
    XML_STANDARD_PREFIXES,
    PrefixAllocator,
)
from cradletrace.errors import InvalidInput
from cradletrace.timestamps import to_iso, utc_now
from cradletrace.identifiers.cbv import to_urn

_SUB = etree.SubElement


def write_xml(events: Iterable[Mapping[str, Any]], fp: IO[bytes], *, query: bool = False,
              namespaces: Mapping[str, str] | None = None, creation_date: str | None = None,
              masterdata: Sequence[Description] = ()) -> int:
    """Write canonical events as an EPCIS 2.0 XML EPCISDocument (or EPCISQueryDocument), one event at a time.

    Parameters
    ----------
    events : iterable of dict
        Events in the canonical form.
    fp : binary file
        Where to write.
    query : bool
        Write an ``epcisq:EPCISQueryDocument`` with ``QueryResults/resultsBody/EventList``.
    namespaces : mapping of str to str, optional
        ``{prefix: namespace}`` declared on the root element; other extension namespaces are
        declared on the events that use them, with ``extN`` prefixes.
    creation_date : str, optional
        The creationDate attribute; now (UTC) by default.
    masterdata : sequence of Description, optional
        Master data to write in ``EPCISHeader/extension/EPCISMasterData``.

    Returns
    -------
    int
        The number of events written.

    Examples
    --------
    >>> import io
    >>> buf = io.BytesIO()
    >>> write_xml([{"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
    ...             "action": "OBSERVE", "bizStep": "shipping", "epcList": ["https://id.gs1.org/01/09506000134352/21/1"]}],
    ...           buf, creation_date="2025-01-02T00:00:00Z")
    1
    >>> print(buf.getvalue().decode())
    <?xml version='1.0' encoding='UTF-8'?>
    <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:gs1="https://gs1.org/voc/" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" schemaVersion="2.0" creationDate="2025-01-02T00:00:00Z"><EPCISBody><EventList><ObjectEvent><eventTime>2025-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><epcList><epc>https://id.gs1.org/01/09506000134352/21/1</epc></epcList><action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>
    """
    own = "epcisq" if query else "epcis"
    allocator = PrefixAllocator({p: ns for p, ns in (namespaces or {}).items() if p != own},
                                standard=XML_STANDARD_PREFIXES)
    root_map: dict[str | None, str] = {own: EPCIS_QUERY_XML_NS if query else EPCIS_XML_NS}
    root_map.update(allocator.used)
    attributes = {"schemaVersion": "2.0", "creationDate": creation_date or to_iso(utc_now())}
    root_tag = "{%s}EPCISQueryDocument" % EPCIS_QUERY_XML_NS if query else "{%s}EPCISDocument" % EPCIS_XML_NS
    with etree.xmlfile(fp, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(root_tag, attributes, nsmap=root_map):
            if masterdata:
                with xf.element("EPCISHeader"), xf.element("extension"), xf.element("EPCISMasterData"):
                    xf.write(xml_vocabulary_list(masterdata))
            count = _write_body(xf, events, allocator, query)
    return count


def _write_body(xf: Any, events: Iterable[Mapping[str, Any]], allocator: PrefixAllocator, query: bool) -> int:
    count = 0
    with xf.element("EPCISBody"):
        if query:
            with xf.element("{%s}QueryResults" % EPCIS_QUERY_XML_NS):
                xf.write(_element("queryName", "SimpleEventQuery"))
                with xf.element("resultsBody"), xf.element("EventList"):
                    for event in events:
                        xf.write(event_to_xml(event, allocator))
                        count += 1
        else:
            with xf.element("EventList"):
                for event in events:
                    xf.write(event_to_xml(event, allocator))
                    count += 1
    return count


def _element(tag: str, text: str) -> Any:
    elem = etree.Element(tag)
    elem.text = text
    return elem


def event_to_xml(event: Mapping[str, Any], allocator: PrefixAllocator | None = None) -> Any:
    """The XML element of one canonical event, its children in the XSD order of its type.

    Examples
    --------
    >>> elem = event_to_xml({"type": "TransactionEvent", "action": "ADD", "eventTime": "2025-01-01T00:00:00Z",
    ...     "eventTimeZoneOffset": "+00:00", "bizTransactionList": [{"type": "po", "bizTransaction": "urn:x:po:1"}],
    ...     "epcList": []})
    >>> print(etree.tostring(elem).decode())
    <TransactionEvent><eventTime>2025-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><bizTransactionList><bizTransaction type="urn:epcglobal:cbv:btt:po">urn:x:po:1</bizTransaction></bizTransactionList><epcList/><action>ADD</action></TransactionEvent>
    """
    event_type = event.get("type")
    order = FIELD_ORDER.get(event_type)  # type: ignore[arg-type]
    if order is None:
        raise InvalidInput(f"cannot write an event of type {event_type!r} as XML", where="event.type")
    elem = etree.Element(event_type)
    for name in order:
        if name in event:
            _WRITERS[name](elem, name, event[name])
    for key, value in event.items():
        if key == "comment":
            _extension(elem, RDFS_COMMENT, value)
        elif key.startswith("{"):
            _extension(elem, key, value)
    _declare_namespaces(elem, allocator or PrefixAllocator(standard=XML_STANDARD_PREFIXES))
    return elem


def _declare_namespaces(elem: Any, allocator: PrefixAllocator) -> None:
    """Declare the extension namespaces of an event on it, with the allocator's (the root's) prefixes.

    An element written into ``xmlfile`` does not see the root's declarations, so the namespaces
    it uses are declared on it again, under the same prefixes, rather than as ``ns0``.
    """
    used: dict[str, str] = {}
    for node in elem.iter():
        for name in (node.tag, *node.attrib):
            if isinstance(name, str) and name.startswith("{"):
                ns = name[1:name.index("}")]
                used[allocator.prefix_for(ns)] = ns
    if used:
        etree.cleanup_namespaces(elem, top_nsmap=used)


def _text_field(parent: Any, name: str, value: Any) -> None:
    _SUB(parent, name).text = str(value)


def _cbv(parent: Any, name: str, value: Any) -> None:
    _SUB(parent, name).text = to_urn(value, name)  # bizStep, disposition: the field is the CBV kind


def _certification(parent: Any, name: str, value: Any) -> None:
    for item in value if isinstance(value, list) else [value]:
        _SUB(parent, name).text = item


def _epc_list(parent: Any, name: str, value: Any) -> None:
    elem = _SUB(parent, name)
    for epc in value:
        _SUB(elem, "epc").text = epc


def number_text(value: Any) -> str:
    """An XML decimal/double text for a number, without an exponent.

    Examples
    --------
    >>> number_text(200), number_text(26.2), number_text(1e-7), number_text(True)
    ('200', '26.2', '0.0000001', 'true')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def _quantity_list(parent: Any, name: str, value: Any) -> None:
    elem = _SUB(parent, name)
    for item in value:
        q = _SUB(elem, "quantityElement")
        _SUB(q, "epcClass").text = item["epcClass"]
        if "quantity" in item:
            _SUB(q, "quantity").text = number_text(item["quantity"])
            if "uom" in item:
                _SUB(q, "uom").text = item["uom"]


def _location(parent: Any, name: str, value: Any) -> None:
    elem = _SUB(parent, name)
    _SUB(elem, "id").text = value["id"]
    for key, v in value.items():
        if key != "id":
            _extension(elem, key, v)


def _biz_transactions(parent: Any, name: str, value: Any) -> None:
    elem = _SUB(parent, name)
    for item in value:
        bt = _SUB(elem, "bizTransaction")
        if "type" in item:
            bt.set("type", to_urn(item["type"], "bizTransactionType"))
        bt.text = item["bizTransaction"]


def _source_dest(child: str) -> Any:
    def write(parent: Any, name: str, value: Any) -> None:
        elem = _SUB(parent, name)
        for item in value:
            sd = _SUB(elem, child)
            sd.set("type", to_urn(item["type"], "sourceDestType"))
            sd.text = item[child]

    return write


def _persistent_disposition(parent: Any, name: str, value: Any) -> None:
    elem = _SUB(parent, name)
    for key in ("unset", "set"):  # the XSD sequence: unset before set
        for disposition in value.get(key, ()):
            _SUB(elem, key).text = to_urn(disposition, "disposition")


def _ilmd(parent: Any, name: str, value: Any) -> None:
    elem = _SUB(parent, name)
    for key, v in value.items():
        _extension(elem, key, v)


def _error_declaration(parent: Any, name: str, value: Any) -> None:
    elem = _SUB(parent, name)
    if "declarationTime" in value:
        _SUB(elem, "declarationTime").text = value["declarationTime"]
    if "reason" in value:
        _SUB(elem, "reason").text = to_urn(value["reason"], "errorReason")
    if "correctiveEventIDs" in value:
        ids = _SUB(elem, "correctiveEventIDs")
        for event_id in value["correctiveEventIDs"]:
            _SUB(ids, "correctiveEventID").text = event_id
    for key, v in value.items():
        if key not in ("declarationTime", "reason", "correctiveEventIDs"):
            _extension(elem, key, v)


def _attribute_text(value: Any) -> str:
    return value if isinstance(value, str) else number_text(value)


def _sensor_attributes(elem: Any, values: Mapping[str, Any], order: Iterable[str]) -> None:
    for key in order:
        if key in values:
            elem.set(key, _attribute_text(values[key]))
    for key, value in values.items():
        if key.startswith("{") and not isinstance(value, (dict, list)):
            elem.set(key, _attribute_text(value))


def _sensor_elements(parent: Any, name: str, value: Any) -> None:
    elem = _SUB(parent, name)
    for element in value:
        se = _SUB(elem, "sensorElement")
        if "sensorMetadata" in element:
            _sensor_attributes(_SUB(se, "sensorMetadata"), element["sensorMetadata"], SENSOR_METADATA_FIELDS)
        for report in element.get("sensorReport", ()):
            _sensor_attributes(_SUB(se, "sensorReport"), report, SENSOR_REPORT_ORDER)
        for key, v in element.items():
            if key.startswith("{"):
                _extension(se, key, v)


def _extension(parent: Any, key: str, value: Any) -> None:
    """Write an extension value as element(s) named ``key`` (Clark), repeating it for a list."""
    if isinstance(value, list):
        for item in value:
            _extension(parent, key, item)
        return
    elem = _SUB(parent, key)
    if isinstance(value, dict):
        for k, v in value.items():
            if k.startswith("@"):
                elem.set(k[1:], _attribute_text(v))
            elif k == "#text":
                elem.text = _attribute_text(v)
            else:
                _extension(elem, k, v)
    elif value is not None:
        elem.text = _attribute_text(value)


_WRITERS: dict[str, Any] = xml_field_table({
    "text": _text_field, "cbv": _cbv, "certification": _certification, "epcs": _epc_list,
    "quantities": _quantity_list, "location": _location, "bizTransactions": _biz_transactions,
    "sources": _source_dest("source"), "destinations": _source_dest("destination"), "ilmd": _ilmd,
    "persistentDisposition": _persistent_disposition, "errorDeclaration": _error_declaration,
    "sensorElements": _sensor_elements})
