"""Streaming reader of EPCIS 2.0 XML documents (lxml iterparse), producing canonical events.

Security: the prolog is checked before parsing, and a DOCTYPE with an internal subset
(entity declarations) or an external DTD is refused; the parser never resolves entities,
never loads a DTD and never touches the network. A bare ``<!DOCTYPE name>`` (which some GS1
examples carry) declares nothing and is accepted.

Streaming: each event element is converted when its end tag is parsed, then cleared and
removed from the tree, so memory does not grow with the number of events.

Limits (:mod:`cradletrace.epcis.limits`): elements are counted as they open, so an event
nested too deep is refused before libxml2's own depth limit is reached; value lengths are
checked on each converted event. libxml2's own limits (10,000,000 bytes of text, 50,000 of
a name; lifted with ``huge_tree`` only when the value limit is set above them) are reported
as our limit, naming the event and the open element, never as libxml2's advice to set
XML_PARSE_HUGE.

The conversion follows ``docs/event-form.md``: namespaced extension elements become Clark
keys; ``epcList/epc`` a list; ``quantityList/quantityElement`` a list of dicts with the
quantity as a number; ``bizTransaction type=`` ``{type, bizTransaction}``; sensor attributes
dict keys typed as the XSD types them; ``extension``/``baseExtension`` wrappers are unwrapped.
Element order and repetition are checked against the XSD sequence of the event type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from lxml import etree

from cradletrace.epcis.source import EventItem, ParsedDocument, Stream
from cradletrace.epcis.limits import (
    check_value,
    events_error,
    format_path,
    nesting_error,
    resolve_limits,
    value_error,
)
from cradletrace.epcis.fields import (
    EVENT_TYPES,
    FIELD_POSITION,
    SENSOR_METADATA_FIELDS,
    SENSOR_REPORT_FIELDS,
    xml_field_table,
)
from cradletrace.epcis.masterdata import xml_vocabularies
from cradletrace.epcis.namespaces import (
    EPCIS_MASTERDATA_XML_NS,
    EPCIS_QUERY_XML_NS,
    EPCIS_XML_NS,
    RDFS_COMMENT,
    XSI_NS,
)
from cradletrace.epcis.rules import INT64_LIMIT, XML, integral, validate_event
from cradletrace.errors import InvalidInput, LimitExceeded, TraceError
from cradletrace.settings import Limits

_ROOTS = {
    "{" + EPCIS_XML_NS + "}EPCISDocument": "EPCISDocument",
    "{" + EPCIS_QUERY_XML_NS + "}EPCISQueryDocument": "EPCISQueryDocument",
    "{" + EPCIS_MASTERDATA_XML_NS + "}EPCISMasterDataDocument": "EPCISMasterDataDocument",
}
_PROLOG_LIMIT = 1 << 16
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_DOCTYPE = re.compile(rb"<!DOCTYPE\b([^>\[]*)(\[)?", re.IGNORECASE)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_WRAPPERS = frozenset({"extension", "baseExtension"})
_XSI_NIL = "{" + XSI_NS + "}nil"
_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False, "no_network": True, "load_dtd": False, "dtd_validation": False,
    "huge_tree": False, "remove_comments": True, "remove_pis": True,
}
_PARSER_TEXT_LIMIT = 10_000_000  # libxml2's XML_MAX_TEXT_LENGTH, without huge_tree
_PARSER_HUGE_LIMIT = 1_000_000_000  # XML_MAX_HUGE_LENGTH, with it
_PARSER_NAME_LIMIT = 50_000  # XML_MAX_NAME_LENGTH
_PARSER_LIMIT_ERRORS = frozenset({"ERR_RESOURCE_LIMIT", "ERR_NAME_TOO_LONG"})


def _parser_options(limits: Limits) -> dict[str, Any]:
    # huge_tree lifts libxml2's length limits (and its depth limit of 256, which the
    # nesting limit keeps us far below); only a value limit above libxml2's needs it.
    return {**_PARSER_OPTIONS, "huge_tree": limits.max_value_bytes > _PARSER_TEXT_LIMIT}


def check_prolog(head: bytes, name: str) -> None:
    """Refuse entity declarations and external DTDs before the parser sees them.

    Examples
    --------
    >>> check_prolog(b'<?xml version="1.0"?><!DOCTYPE project><a/>', "doc")
    >>> check_prolog(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "doc")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: doc byte 0: DTDs with declarations are not allowed (entity expansion and external entities are attack vectors): remove the DOCTYPE
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput("UTF-16 XML is not supported: send UTF-8", where=f"{name} byte 0")
    root = _ROOT_START.search(head)
    prolog = head if root is None else head[:root.start()]
    doctype = _DOCTYPE.search(prolog)
    if doctype is not None:
        declared = doctype.group(1).upper()
        if doctype.group(2) or b"SYSTEM" in declared or b"PUBLIC" in declared:
            raise InvalidInput("DTDs with declarations are not allowed (entity expansion and external "
                               "entities are attack vectors): remove the DOCTYPE",
                               where=f"{name} byte {doctype.start()}")
    if b"<!ENTITY" in head:
        raise InvalidInput("entity declarations are not allowed", where=f"{name} byte {head.find(b'<!ENTITY')}")
    if root is None and len(head) >= _PROLOG_LIMIT:
        raise InvalidInput(f"no root element in the first {_PROLOG_LIMIT} bytes", where=name)


def _syntax_error(exc: etree.XMLSyntaxError, name: str, log: Any = None) -> InvalidInput:
    # iterparse sometimes raises a generic "no element found" at (0, 0); the parser's log has the real fault.
    logged = [e for e in (log if log is not None else getattr(exc, "error_log", ())) if e.line > 0]
    if logged:
        first = logged[0]
        line, column, message = first.line, first.column, first.message
    else:
        (line, column), message = (exc.position or (exc.lineno, 0)), exc.msg
    return InvalidInput(f"malformed XML: {message}", where=f"{name} line {line} column {column}")


def _parser_limit_error(exc: etree.XMLSyntaxError, log: Any, where: str, limits: Limits) -> LimitExceeded | None:
    """libxml2's refusal of a value too long or nested too deep, as our own limit's message; ``None`` for other faults."""
    messages = [e.message for e in (log if log is not None else ()) if e.type_name in _PARSER_LIMIT_ERRORS
                or "too big" in e.message or "XML_PARSE_HUGE" in e.message]
    if "XML_PARSE_HUGE" in (exc.msg or ""):
        messages.append(exc.msg)
    if not messages:
        return None
    if any("depth" in m.lower() for m in messages):
        return nesting_error(where, limits)
    if any("name too long" in m.lower() for m in messages):
        return value_error(where, limits, parser_limit=_PARSER_NAME_LIMIT)
    parser_limit = _PARSER_HUGE_LIMIT if limits.max_value_bytes > _PARSER_TEXT_LIMIT else _PARSER_TEXT_LIMIT
    return value_error(where, limits, parser_limit=parser_limit)


def _tags(elements: list[Any]) -> list[str | int]:
    return [e.tag for e in elements]


def read_xml_document(stream: Stream, limits: Limits | None = None) -> ParsedDocument:
    """Read the header of an XML EPCIS document and return it with its events as a lazy iterator.

    Examples
    --------
    >>> from cradletrace.epcis.document import open_source
    >>> doc = read_xml_document(open_source(b'''<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"
    ...   xmlns:ex="urn:ex:" schemaVersion="2.0" creationDate="2025-01-01T00:00:00Z">
    ...   <EPCISBody><EventList/></EPCISBody></epcis:EPCISDocument>'''))
    >>> doc.kind, doc.header["schemaVersion"], doc.header["namespaces"]["ex"], list(doc.events)
    ('EPCISDocument', '2.0', 'urn:ex:', [])
    """
    check_prolog(stream.peek(_PROLOG_LIMIT), stream.name)
    reader = _DocumentReader(stream, resolve_limits(limits))
    try:
        reader.read_header()
    except etree.XMLSyntaxError as exc:
        raise reader.parse_error(exc, None) from None
    return ParsedDocument(name=stream.name, format="xml", kind=reader.kind, header=reader.header,
                          events=reader.events())


_CHUNK_BYTES = 32768


def _pull(stream: Stream, parser: Any) -> Iterator[tuple[str, Any]]:
    """The parser's (action, element) pairs as the stream is fed to it, a chunk at a time.

    A fault in a chunk still hands out the pairs parsed before it, then raises: the reader sees how far
    the document got, so an element nested past the limit is named by its event and field rather
    than by where the chunk began. (lxml's iterparse drops those pairs since lxml 6.)
    """
    while True:
        data = stream.read(_CHUNK_BYTES)
        try:
            if data:
                parser.feed(data)
            else:
                parser.close()
        except etree.XMLSyntaxError:
            yield from parser.read_events()
            raise
        yield from parser.read_events()
        if not data:
            return


class _DocumentReader:
    def __init__(self, stream: Stream, limits: Limits) -> None:
        self.stream = stream
        self.name = stream.name
        self.limits = limits
        etree.clear_error_log()  # the log is per thread; keep only this document's faults in it
        self.context = etree.XMLPullParser(events=("start", "end"), **_parser_options(limits))
        self.parse = _pull(stream, self.context)
        self.header: dict[str, Any] = {}
        self.kind = ""
        self.depth = 0
        self.event_depth = 0  # depth of the event elements, once the EventList is open
        self.event_list: Any = None
        self.in_header = False
        self.seen_body = False
        self.root: Any = None

    def read_header(self) -> None:
        action, root = next(self.parse)
        self.depth = 1
        kind = _ROOTS.get(root.tag)
        if kind is None:
            raise InvalidInput(f"the root element is {root.tag}, not an EPCIS document "
                               f"({{{EPCIS_XML_NS}}}EPCISDocument, {{{EPCIS_QUERY_XML_NS}}}EPCISQueryDocument "
                               f"or {{{EPCIS_MASTERDATA_XML_NS}}}EPCISMasterDataDocument)",
                               where=f"{self.name} line {root.sourceline}")
        docinfo = root.getroottree().docinfo
        if docinfo.internalDTD is not None and docinfo.internalDTD.entities():
            raise InvalidInput("entity declarations are not allowed", where=self.name)
        self.kind = kind
        self.root = root
        header = self.header
        for key, value in root.attrib.items():
            if key in ("schemaVersion", "creationDate"):
                header[key] = value
            elif not key.startswith("{" + XSI_NS):
                header["@" + key] = value
        header["namespaces"] = {p: ns for p, ns in root.nsmap.items() if p}
        problems = [f"missing the {a} attribute" for a in ("schemaVersion", "creationDate") if a not in root.attrib]
        if problems:
            raise InvalidInput("; ".join(problems), where=f"{self.name} line {root.sourceline}")
        deepest = self.limits.max_nesting + 2  # a header field is level 1 below the root or EPCISHeader
        for action, elem in self.parse:
            if action == "start":
                self.depth += 1
                if self.depth > deepest:
                    raise self._too_deep(elem, -1)
                if elem.tag == "EventList" and not self.in_header:
                    self.event_list = elem
                    self.event_depth = self.depth + 1
                    return
                if elem.tag == "EPCISHeader" and self.depth == 2:
                    self.in_header = True
            else:
                self._end(elem)
        self._require_body()

    def _end(self, elem: Any) -> None:
        """Handle the end of an element outside the event list (header parts, document extensions)."""
        depth = self.depth
        self.depth -= 1
        if depth == 2:
            tag = elem.tag
            if tag == "EPCISHeader":
                self.in_header = False
                found = elem.find("extension/EPCISMasterData/VocabularyList")
                if found is not None:
                    self._masterdata(found)
            elif tag == "EPCISBody":
                self.seen_body = True
                if self.kind == "EPCISMasterDataDocument":
                    found = elem.find("VocabularyList")
                    if found is not None:
                        self._masterdata(found)
            elif isinstance(tag, str) and tag.startswith("{"):
                value = extension_value(elem)
                check_value({tag: value}, self.limits, f"{self.name} header", nesting=False)
                _add(self.header, tag, value)
            elif tag in ("queryName", "subscriptionID"):
                self.header[tag] = (elem.text or "").strip()
            elem.clear()
            parent = elem.getparent()
            if parent is not None:
                parent.remove(elem)
        elif depth > 2 and elem.tag in ("queryName", "subscriptionID") and not self.in_header:
            self.header[elem.tag] = (elem.text or "").strip()

    def _masterdata(self, vocabulary_list: Any) -> None:
        """Keep a VocabularyList in the header, in the JSON-LD shape (:mod:`cradletrace.epcis.masterdata`)."""
        vocabularies = xml_vocabularies(vocabulary_list, self.name)
        check_value(vocabularies, self.limits, f"{self.name} header", nesting=False)
        held = self.header.setdefault("epcisHeader", {}).setdefault("epcisMasterData", {})
        held.setdefault("vocabularyList", []).extend(vocabularies)

    def _require_body(self) -> None:
        if self.event_list is None and not self.seen_body:
            raise InvalidInput("missing EPCISBody: an EPCIS document keeps its events in EPCISBody/EventList",
                               where=self.name)

    def events(self) -> Iterator[EventItem]:
        index = 0
        try:
            if self.event_list is None:
                return
            event_depth = self.event_depth
            limits, name = self.limits, self.name
            deepest = event_depth - 1 + limits.max_nesting  # the event element is level 1
            max_events = limits.max_events
            for action, elem in self.parse:
                if action == "start":
                    self.depth += 1
                    if self.depth > deepest:
                        raise self._too_deep(elem, index)
                    continue
                if self.depth == event_depth:
                    self.depth -= 1
                    if index >= max_events:
                        raise events_error(name, limits)
                    if elem.getparent() is not self.event_list:
                        # The events of a second EventList (or EPCISBody) would be taken from a list
                        # the reader does not hold: the document has one EventList.
                        raise InvalidInput("a second EventList: an EPCIS document keeps all its events in one "
                                           "EPCISBody/EventList", where=f"{self.name} line {elem.sourceline}")
                    yield xml_event_item(elem, index, limits=limits, document=name)
                    index += 1
                    elem.clear()
                    self.event_list.remove(elem)
                elif self.depth > event_depth:
                    self.depth -= 1
                else:
                    self._end(elem)
        except etree.XMLSyntaxError as exc:
            raise self.parse_error(exc, index) from None
        finally:
            self.stream.close()

    def parse_error(self, exc: etree.XMLSyntaxError, index: int | None) -> InvalidInput:
        """The error for a parse that failed while event ``index`` was being read (``None``: the header)."""
        # The pull parser keeps the faults on the exception; its own log stays empty.
        log = self.context.error_log or exc.error_log
        return _parser_limit_error(exc, log, self._open_place(index), self.limits) or _syntax_error(exc, self.name, log)

    def _open_place(self, index: int | None) -> str:
        """Where the parser stopped: the innermost element of the tree built so far, named by its event and field
        (or header field).

        The parser reads ahead of the events handed out, by as much as lxml buffers (it differs between
        releases), so the place is found in the tree itself, not from the start and end events consumed:
        the event is the EventList's child being built, counted after the ``index`` events already
        handed out (and removed from the list).
        """
        chain = []
        node = self.root
        while node is not None and len(node):
            node = node[-1]
            chain.append(node)
        event_list = self.event_list
        if event_list is None:
            event_list = next((e for e in chain if e.tag == "EventList"), None)
        if event_list is not None and event_list in chain:
            at = chain.index(event_list)
            if at + 1 < len(chain):
                event = chain[at + 1]
                position = (index or 0) + list(event_list).index(event)
                return f"{self.name} event[{position}]" + format_path(_tags(chain[at + 2:]))
        return f"{self.name} header" + format_path(_tags(chain))

    def _too_deep(self, elem: Any, index: int) -> LimitExceeded:
        """The refusal of ``elem``, one level deeper than the nesting limit allows, naming its event and field."""
        chain = []
        node = elem
        while node is not None and node is not self.event_list and node is not self.root:
            chain.append(node)
            node = node.getparent()
        chain.reverse()
        if node is self.event_list and chain:
            return nesting_error(f"{self.name} event[{index}]" + format_path(_tags(chain[1:])), self.limits)
        return nesting_error(f"{self.name} header" + format_path(_tags(chain)), self.limits)


def xml_event_item(elem: Any, index: int, *, limits: Limits | None = None, document: str | None = None) -> EventItem:
    """Convert one XML event element to the canonical form, then validate and normalise it.

    Raises :class:`~cradletrace.errors.LimitExceeded` (naming ``document``, the event and the
    field) for a text or attribute longer than ``limits.max_value_bytes``; the nesting of the
    elements is the parser's to check, as they open.
    """
    raw, errors = xml_event_to_canonical(elem, index)
    if raw is None:
        return index, {}, errors
    where = f"{document} event[{index}]" if document else f"event[{index}]"
    check_value(raw, resolve_limits(limits), where, nesting=False)
    event, rule_errors = validate_event(raw, index, syntax=XML)
    return index, event, errors + rule_errors


def xml_event_to_canonical(elem: Any, index: int) -> tuple[dict[str, Any] | None, list[TraceError]]:
    """The canonical-form dict of an XML event element, before validation, and the XML-level faults.

    Examples
    --------
    >>> from lxml import etree
    >>> ev, errors = xml_event_to_canonical(etree.fromstring(
    ...     '<ObjectEvent xmlns:ex="urn:ex:"><eventTime>2025-01-01T00:00:00Z</eventTime>'
    ...     '<epcList><epc>urn:x:1</epc></epcList><action>ADD</action>'
    ...     '<quantityList><quantityElement><epcClass>urn:x:c</epcClass><quantity>2.0</quantity>'
    ...     '</quantityElement></quantityList><ex:lot a="1">L1</ex:lot></ObjectEvent>'), 0)
    >>> ev
    {'type': 'ObjectEvent', 'eventTime': '2025-01-01T00:00:00Z', 'epcList': ['urn:x:1'], 'action': 'ADD', 'quantityList': [{'epcClass': 'urn:x:c', 'quantity': 2}], '{urn:ex:}lot': {'@a': '1', '#text': 'L1'}}
    >>> errors
    []
    """
    errors: list[TraceError] = []
    where = f"event[{index}]"
    tag = elem.tag
    event_type = tag if isinstance(tag, str) and not tag.startswith("{") else None
    if event_type not in EVENT_TYPES:
        if tag == "extension":
            message = "EventList/extension (EPCIS 1.x style event wrapper) is not supported"
        else:
            message = (f"unknown event type <{tag}>: use ObjectEvent, AggregationEvent, TransactionEvent, "
                       "TransformationEvent or AssociationEvent")
        errors.append(InvalidInput(message, where=f"{where}.type"))
        return None, errors
    out: dict[str, Any] = {"type": event_type}
    _event_fields(elem, out, errors, where, FIELD_POSITION[event_type], ordered=True)
    return out, errors


def _event_fields(parent: Any, out: dict[str, Any], errors: list[TraceError], where: str,
                  positions: Mapping[str, int], *, ordered: bool) -> None:
    last = -1
    extensions_started = False
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag[0] == "{":
            if tag.startswith("{" + EPCIS_XML_NS + "}"):
                errors.append(InvalidInput(f"element {tag} is in the EPCIS namespace: standard fields are "
                                           "unqualified and extensions need their own namespace",
                                           where=f"{where}.{tag}"))
                continue
            extensions_started = True
            if tag == RDFS_COMMENT:
                out["comment"] = (child.text or "").strip()
            else:
                _add(out, tag, extension_value(child))
            continue
        if tag in _WRAPPERS:
            # EPCIS 2.0 keeps <extension> for compatibility; its content belongs to the event itself.
            _event_fields(child, out, errors, where, positions, ordered=False)
            extensions_started = True
            continue
        position = positions.get(tag)
        if position is None:
            errors.append(InvalidInput(f"unexpected element <{tag}> in {out['type']}", where=f"{where}.{tag}"))
            continue
        if tag in out:
            errors.append(InvalidInput(f"<{tag}> appears more than once", where=f"{where}.{tag}"))
            continue
        if ordered and (extensions_started or position < last):
            errors.append(InvalidInput(f"<{tag}> is out of order: the XSD sequence of {out['type']} puts it "
                                       "earlier (standard fields in schema order, extensions last)",
                                       where=f"{where}.{tag}"))
        last = max(last, position)
        out[tag] = _CONVERTERS[tag](child, errors, f"{where}.{tag}")


# --- converters of the standard elements -------------------------------------------------------


def _text(elem: Any) -> str:
    return (elem.text or "").strip()


def _text_field(elem: Any, errors: list[TraceError], where: str) -> Any:
    return _text(elem)


def _children(elem: Any, name: str, errors: list[TraceError], where: str) -> list[Any]:
    """The child elements named ``name``; any other child element is a fault."""
    found = []
    for child in elem:
        if not isinstance(child.tag, str):
            continue
        if child.tag == name:
            found.append(child)
        else:
            errors.append(InvalidInput(f"unexpected element <{child.tag}> (expected <{name}>)",
                                       where=f"{where}"))
    return found


def _epc_list(elem: Any, errors: list[TraceError], where: str) -> Any:
    return [_text(c) for c in _children(elem, "epc", errors, where)]


def xml_number(text: str) -> Any:
    """An XML decimal or double as int when integral, else float; the text itself when not a number.

    Examples
    --------
    >>> xml_number("200"), xml_number("26.0"), xml_number("12.5"), xml_number("1e3"), xml_number("n/a")
    (200, 26, 12.5, 1000, 'n/a')
    >>> xml_number("1e20"), xml_number("99999999999999999999")  # beyond 64 bits: a float
    (1e+20, 1e+20)
    >>> xml_number("9" * 5000) == "9" * 5000  # beyond any float: the text
    True
    """
    # The length test first: int() refuses text of more than 4,300 digits, and 19 digits hold 64 bits.
    if _INTEGER.fullmatch(text) and len(text.lstrip("+-")) <= 19 and abs(int(text)) < INT64_LIMIT:
        return int(text)
    try:
        value = float(text)
    except ValueError:
        return text
    if value != value or value in (float("inf"), float("-inf")):
        return text
    return integral(value)


def _quantity_list(elem: Any, errors: list[TraceError], where: str) -> Any:
    out = []
    for i, q in enumerate(_children(elem, "quantityElement", errors, where)):
        item: dict[str, Any] = {}
        for child in q:
            tag = child.tag
            if tag == "epcClass":
                item["epcClass"] = _text(child)
            elif tag == "quantity":
                if child.get(_XSI_NIL) not in ("true", "1"):
                    item["quantity"] = xml_number(_text(child))
            elif tag == "uom":
                item["uom"] = _text(child)
            elif isinstance(tag, str):
                errors.append(InvalidInput(f"unexpected element <{tag}> in a quantityElement",
                                           where=f"{where}[{i}]"))
        out.append(item)
    return out


def _location(elem: Any, errors: list[TraceError], where: str) -> Any:
    out: dict[str, Any] = {}
    _extensible(elem, out, errors, where, ("id",))
    return out


def _extensible(elem: Any, out: dict[str, Any], errors: list[TraceError], where: str,
                standard: tuple[str, ...], converters: Mapping[str, Callable[[Any], Any]] | None = None) -> None:
    """Standard children (as text unless a converter is given) and namespaced extension children."""
    for child in elem:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag in standard:
            out[tag] = converters[tag](child) if converters and tag in converters else _text(child)
        elif tag in _WRAPPERS:
            _extensible(child, out, errors, where, standard, converters)
        elif tag[0] == "{":
            _add(out, tag, extension_value(child))
        else:
            errors.append(InvalidInput(f"unexpected element <{tag}>", where=f"{where}.{tag}"))


def _biz_transactions(elem: Any, errors: list[TraceError], where: str) -> Any:
    out = []
    for child in _children(elem, "bizTransaction", errors, where):
        item: dict[str, Any] = {}
        if "type" in child.attrib:
            item["type"] = child.get("type").strip()
        item["bizTransaction"] = _text(child)
        out.append(item)
    return out


def _source_dest(name: str) -> Callable[[Any, list[TraceError], str], Any]:
    def convert(elem: Any, errors: list[TraceError], where: str) -> Any:
        out = []
        for child in _children(elem, name, errors, where):
            item: dict[str, Any] = {}
            if "type" in child.attrib:
                item["type"] = child.get("type").strip()
            item[name] = _text(child)
            out.append(item)
        return out

    return convert


def _persistent_disposition(elem: Any, errors: list[TraceError], where: str) -> Any:
    out: dict[str, list[str]] = {}
    for child in elem:
        if child.tag in ("set", "unset"):
            out.setdefault(child.tag, []).append(_text(child))
        elif isinstance(child.tag, str):
            errors.append(InvalidInput(f"unexpected element <{child.tag}> (expected <set> or <unset>)",
                                       where=where))
    # The canonical form lists set before unset, as the JSON binding does.
    return {k: out[k] for k in ("set", "unset") if k in out}


def _ilmd(elem: Any, errors: list[TraceError], where: str) -> Any:
    out: dict[str, Any] = {}
    _extensible(elem, out, errors, where, ())
    return out


def _error_declaration(elem: Any, errors: list[TraceError], where: str) -> Any:
    out: dict[str, Any] = {}
    _extensible(elem, out, errors, where, ("declarationTime", "reason", "correctiveEventIDs"),
                {"correctiveEventIDs": lambda e: [_text(c) for c in e if c.tag == "correctiveEventID"]})
    return out


def _sensor_attributes(elem: Any, fields: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in elem.attrib.items():
        kind = fields.get(key)
        if kind == "number":
            out[key] = xml_number(value.strip())
        elif kind == "boolean":
            out[key] = {"true": True, "1": True, "false": False, "0": False}.get(value.strip(), value)
        elif kind in ("measurement", "alert", "component"):
            out[key] = value.strip()  # kept as written, as in the JSON reader (see _sensor_report there)
        else:
            out[key] = value.strip() if kind else value
    return out


def _sensor_elements(elem: Any, errors: list[TraceError], where: str) -> Any:
    out = []
    for i, element in enumerate(_children(elem, "sensorElement", errors, where)):
        item: dict[str, Any] = {}
        reports = []
        for child in element:
            tag = child.tag
            if tag == "sensorMetadata":
                item["sensorMetadata"] = _sensor_attributes(child, SENSOR_METADATA_FIELDS)
            elif tag == "sensorReport":
                reports.append(_sensor_attributes(child, SENSOR_REPORT_FIELDS))
            elif tag in _WRAPPERS:
                _extensible(child, item, errors, f"{where}[{i}]", ())
            elif isinstance(tag, str) and tag[0] == "{":
                _add(item, tag, extension_value(child))
            elif isinstance(tag, str):
                errors.append(InvalidInput(f"unexpected element <{tag}> in a sensorElement", where=f"{where}[{i}]"))
        if reports:
            # sensorReport follows sensorMetadata in the canonical (JSON) order.
            item = {**({"sensorMetadata": item.pop("sensorMetadata")} if "sensorMetadata" in item else {}),
                    "sensorReport": reports, **item}
        out.append(item)
    return out


# CBV values and certificationInfo are read as written; the validator (rules.py) normalises them.
_CONVERTERS: dict[str, Callable[[Any, list[TraceError], str], Any]] = xml_field_table({
    "text": _text_field, "cbv": _text_field, "certification": _text_field, "epcs": _epc_list,
    "quantities": _quantity_list, "location": _location, "bizTransactions": _biz_transactions,
    "sources": _source_dest("source"), "destinations": _source_dest("destination"), "ilmd": _ilmd,
    "persistentDisposition": _persistent_disposition, "errorDeclaration": _error_declaration,
    "sensorElements": _sensor_elements})


# --- extensions -----------------------------------------------------------------------------


def _add(out: dict[str, Any], key: str, value: Any) -> None:
    """Set ``out[key]``, turning a repeated element into a list."""
    if key in out:
        current = out[key]
        if isinstance(current, list):
            current.append(value)
        else:
            out[key] = [current, value]
    else:
        out[key] = value


def extension_value(elem: Any) -> Any:
    """The canonical value of an extension element: its text, or a dict of children and ``@`` attributes.

    Examples
    --------
    >>> from lxml import etree
    >>> extension_value(etree.fromstring('<a xmlns:x="urn:x:"><x:b>1</x:b><x:b>2</x:b><c/></a>'))
    {'{urn:x:}b': ['1', '2'], 'c': ''}
    """
    attrib = elem.attrib
    has_children = False
    out: dict[str, Any] = {}
    for key, value in attrib.items():
        out["@" + key] = value
    for child in elem:
        if isinstance(child.tag, str):
            has_children = True
            _add(out, child.tag, extension_value(child))
    text = (elem.text or "").strip()
    if not has_children:
        if not attrib:
            return text
        if text:
            out["#text"] = text
    return out


def read_xml_event(stream: Stream, limits: Limits | None = None) -> tuple[dict[str, Any], list[TraceError]]:
    """One XML event element, validated and normalised."""
    limits = resolve_limits(limits)
    data = stream.read()
    check_prolog(data[:_PROLOG_LIMIT], stream.name)
    parser = etree.XMLParser(**_parser_options(limits))
    where = f"{stream.name} event[0]"
    try:
        elem = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _parser_limit_error(exc, parser.error_log, where, limits) or _syntax_error(
            exc, stream.name, parser.error_log) from None
    _check_nesting(elem, limits, where)
    _, event, errors = xml_event_item(elem, 0, limits=limits, document=stream.name)
    return event, errors


def _check_nesting(elem: Any, limits: Limits, where: str) -> None:
    """Refuse an element tree deeper than ``limits.max_nesting`` (for a tree parsed whole, not streamed)."""
    stack = [(elem, 1)]
    while stack:
        node, level = stack.pop()
        if level > limits.max_nesting:
            chain = []
            while node is not None and node is not elem:
                chain.append(node)
                node = node.getparent()
            raise nesting_error(where + format_path(_tags(chain[::-1])), limits)
        stack.extend((child, level + 1) for child in node if isinstance(child.tag, str))

