"""EPCIS master data: vocabularies read from XML or JSON-LD, checked and normalised to one form.

Master data arrives in an ``EPCISMasterDataDocument`` (XML: ``EPCISBody/VocabularyList``) or
in the header of an ``EPCISDocument`` (XML ``EPCISHeader/extension/EPCISMasterData``, JSON-LD
``epcisHeader.epcisMasterData``). Both readers put it in the document header as
``header["epcisHeader"]["epcisMasterData"]["vocabularyList"]``, in the JSON-LD shape
(``[{"type", "vocabularyElementList": [{"id", "attributes": [{"id", "attribute"}], "children"}]}]``);
an XML attribute whose content is XML keeps it as its XML text, flagged ``"xml": True``.

:func:`validate_masterdata` checks that shape with the masterdata XSD's rules (a vocabulary
has a type URI, an element an id URI, an attribute an id URI and at most one value; children
are URIs) and returns one :class:`Description` per vocabulary element, its identifiers
normalised through :mod:`cradletrace.identifiers` as events' are (a location's SGLN becomes
its ``/414/`` Digital Link, an EPC class its ``/01/`` one), with every fault named
``vocabulary[i].element[j]...`` in the style of event faults.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from lxml import etree

from cradletrace.epcis.namespaces import STANDARD_PREFIXES, expand_curie
from cradletrace.errors import InvalidInput, TraceError
from cradletrace.identifiers import normalize_epc, normalize_epc_class

VTYPE = "urn:epcglobal:epcis:vtype:"
BUSINESS_LOCATION = VTYPE + "BusinessLocation"
READ_POINT = VTYPE + "ReadPoint"
EPC_CLASS = VTYPE + "EPCClass"
#: Vocabulary types whose elements are places (``Location`` is an older name some partners send).
LOCATION_VTYPES = frozenset({BUSINESS_LOCATION, READ_POINT, VTYPE + "Location"})
#: Vocabulary types whose element ids are EPC classes (GTINs, LGTINs, patterns).
CLASS_VTYPES = frozenset({EPC_CLASS})

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_MDA = re.compile(r"^(?:urn:epcglobal:cbv:mda[#:]|https?://ref\.gs1\.org/cbv/mda[#/:]?|cbvmda:)(.+)$")


@dataclass(frozen=True)
class Description:
    """One vocabulary element as a document describes it.

    Attributes
    ----------
    vtype : str
        The vocabulary type URI (``urn:epcglobal:epcis:vtype:BusinessLocation``, ...).
    id : str
        The canonical identifier of the element.
    attributes : list of dict
        ``{"id", "value"}`` in document order (``"xml": True`` for XML content); an attribute
        given twice (an array) appears twice.
    children : list of str
        Canonical identifiers of the element's children (its sub-locations).
    where : str
        Its place in the document (``vocabulary[0].element[2]``) for messages; not part of its value.
    """

    vtype: str
    id: str
    attributes: list[dict[str, Any]] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    where: str = field(default="", compare=False, repr=False)

    @property
    def digest(self) -> str:
        """SHA-256 of the attributes and children: equal descriptions have equal digests."""
        body = orjson.dumps([self.attributes, self.children], option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(body).hexdigest()

    def mapped(self) -> dict[str, Any]:
        """The CBV attributes by their short name (``name``, ``city``, ``sst``...), the first value of each.

        Examples
        --------
        >>> Description(READ_POINT, "urn:x", [{"id": "urn:epcglobal:cbv:mda#name", "value": "Dock 1"},
        ...     {"id": "urn:epcglobal:cbv:mda:sst", "value": "201"}, {"id": "urn:ex:a", "value": "b"}]).mapped()
        {'name': 'Dock 1', 'sst': '201'}
        """
        out: dict[str, Any] = {}
        for attribute in self.attributes:
            match = _MDA.match(attribute["id"])
            if match and not attribute.get("xml"):
                out.setdefault(match.group(1), attribute["value"])
        return out


def masterdata_field(header: Mapping[str, Any]) -> Any:
    """The vocabulary list a document header holds (``None`` when it has no master data).

    Examples
    --------
    >>> masterdata_field({"epcisHeader": {"epcisMasterData": {"vocabularyList": []}}})
    []
    >>> masterdata_field({"schemaVersion": "2.0"}) is None
    True
    """
    epcis_header = header.get("epcisHeader")
    if not isinstance(epcis_header, Mapping):
        return None
    masterdata = epcis_header.get("epcisMasterData")
    if not isinstance(masterdata, Mapping):
        return masterdata
    return masterdata.get("vocabularyList")


def validate_masterdata(vocabularies: Any, *, prefixes: Mapping[str, str] | None = None,
                        syntax: str | None = None) -> tuple[list[Description], list[TraceError]]:
    """Check a vocabulary list (the JSON-LD shape) and normalise it to :class:`Description` s.

    Parameters
    ----------
    vocabularies : list
        ``header["epcisHeader"]["epcisMasterData"]["vocabularyList"]`` as a reader left it.
    prefixes : mapping, optional
        The document's namespace prefixes, to expand attribute ids given as CURIEs (JSON-LD).
    syntax : {'json', 'xml'}, optional
        Only XML may mark a value as XML content.

    Examples
    --------
    >>> found, errors = validate_masterdata([{"type": "urn:epcglobal:epcis:vtype:BusinessLocation",
    ...     "vocabularyElementList": [{"id": "urn:epc:id:sgln:0614141.00300.0",
    ...         "attributes": [{"id": "cbvmda:sst", "attribute": "201"}],
    ...         "children": ["urn:epc:id:sgln:0614141.00300.1"]}]}])
    >>> found[0].id, found[0].attributes, found[0].children, errors
    ('https://id.gs1.org/414/0614141003006', [{'id': 'urn:epcglobal:cbv:mda:sst', 'value': '201'}], ['https://id.gs1.org/414/0614141003006/254/1'], [])
    >>> validate_masterdata([{"vocabularyElementList": [{"id": "not a uri"}]}])[1]
    [InvalidInput('vocabulary[0].type: missing: every vocabulary needs a type URI'), InvalidInput("vocabulary[0].element[0].id: 'not a uri' is not a URI")]
    """
    names = {**STANDARD_PREFIXES, **(prefixes or {})}
    errors: list[TraceError] = []
    out: list[Description] = []

    def fail(where: str, message: str) -> None:
        errors.append(InvalidInput(message, where=where))

    if not isinstance(vocabularies, list):
        fail("vocabularyList", "must be a list of vocabularies")
        return out, errors
    for v, vocabulary in enumerate(vocabularies):
        where = f"vocabulary[{v}]"
        if not isinstance(vocabulary, Mapping):
            fail(where, "must be an object with a type and a vocabularyElementList")
            continue
        vtype = vocabulary.get("type")
        if vtype is None:
            fail(f"{where}.type", "missing: every vocabulary needs a type URI")
        elif not _is_uri(vtype):
            fail(f"{where}.type", f"{vtype!r} is not a URI")
        elements = vocabulary.get("vocabularyElementList", [])
        if not isinstance(elements, list):
            fail(f"{where}.vocabularyElementList", "must be a list of vocabulary elements")
            continue
        normalize = normalize_epc_class if vtype in CLASS_VTYPES else normalize_epc
        for e, element in enumerate(elements):
            described = _element(element, f"{where}.element[{e}]", str(vtype), normalize, names, syntax, fail)
            if described is not None:
                out.append(described)
    return out, errors


def _is_uri(value: Any) -> bool:
    return isinstance(value, str) and _URI.fullmatch(value) is not None


def _identifier(value: Any, where: str, normalize: Any, fail: Any) -> str | None:
    if not _is_uri(value):
        fail(where, f"{value!r} is not a URI")
        return None
    try:
        return str(normalize(value))
    except InvalidInput as exc:
        fail(where, f"invalid identifier {value!r}: {exc.message}")
        return None


def _element(element: Any, where: str, vtype: str, normalize: Any, names: Mapping[str, str],
             syntax: str | None, fail: Any) -> Description | None:
    if not isinstance(element, Mapping):
        fail(where, "must be an object with an id")
        return None
    if "id" not in element:
        fail(f"{where}.id", "missing: every vocabulary element needs an id")
        return None
    identifier = _identifier(element["id"], f"{where}.id", normalize, fail)
    attributes: list[dict[str, Any]] = []
    raw_attributes = element.get("attributes", [])
    if not isinstance(raw_attributes, list):
        fail(f"{where}.attributes", "must be a list of {id, attribute} objects")
        raw_attributes = []
    for a, attribute in enumerate(raw_attributes):
        at = f"{where}.attribute[{a}]"
        if not isinstance(attribute, Mapping) or "id" not in attribute:
            fail(f"{at}.id", "missing: every attribute needs an id URI")
            continue
        attribute_id = attribute["id"]
        if isinstance(attribute_id, str):
            attribute_id = expand_curie(attribute_id, names) or attribute_id
        if not _is_uri(attribute_id):
            fail(f"{at}.id", f"{attribute_id!r} is not a URI")
            continue
        value = attribute.get("attribute")
        if isinstance(value, list):
            fail(f"{at}.attribute", "must be a number, text or an object (repeat the attribute for several values)")
            continue
        entry = {"id": attribute_id, "value": value}
        if syntax == "xml" and attribute.get("xml"):
            entry["xml"] = True
        attributes.append(entry)
    children: list[str] = []
    raw_children = element.get("children", [])
    if not isinstance(raw_children, list):
        fail(f"{where}.children", "must be a list of identifiers")
        raw_children = []
    for c, child in enumerate(raw_children):
        canonical = _identifier(child, f"{where}.children[{c}]", normalize, fail)
        if canonical is not None and canonical not in children:
            children.append(canonical)
    if identifier is None:
        return None
    return Description(vtype, identifier, attributes, children, where)


# --- XML ------------------------------------------------------------------------------------


def xml_vocabularies(vocabulary_list: Any, document: str) -> list[dict[str, Any]]:
    """The JSON-LD shape of an XML ``VocabularyList`` element (structure checked as the XSD has it).

    Raises
    ------
    InvalidInput
        For an element out of place, naming its line.

    Examples
    --------
    >>> xml = etree.fromstring('''<VocabularyList><Vocabulary type="urn:epcglobal:epcis:vtype:ReadPoint">
    ...   <VocabularyElementList><VocabularyElement id="urn:x:1">
    ...     <attribute id="urn:epcglobal:cbv:mda:sst">201</attribute>
    ...     <attribute id="urn:ex:addr"><ex:Address xmlns:ex="urn:ex:"><City>Fancy</City></ex:Address></attribute>
    ...     <children><id>urn:x:2</id></children></VocabularyElement></VocabularyElementList>
    ...   </Vocabulary></VocabularyList>''')
    >>> xml_vocabularies(xml, "doc")[0]["vocabularyElementList"][0]["attributes"][1]
    {'id': 'urn:ex:addr', 'attribute': '<ex:Address xmlns:ex="urn:ex:"><City>Fancy</City></ex:Address>', 'xml': True}
    """
    out = []
    for vocabulary in _elements(vocabulary_list, document, ("Vocabulary",)):
        elements: list[dict[str, Any]] = []
        entry: dict[str, Any] = {"vocabularyElementList": elements}
        if "type" in vocabulary.attrib:
            entry["type"] = vocabulary.attrib["type"]
        for element_list in _elements(vocabulary, document, ("VocabularyElementList", "extension")):
            if element_list.tag != "VocabularyElementList":
                continue
            for element in _elements(element_list, document, ("VocabularyElement",)):
                elements.append(_xml_element(element, document))
        out.append(entry)
    return out


def _elements(parent: Any, document: str, allowed: tuple[str, ...]) -> list[Any]:
    found = []
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        if child.tag not in allowed:
            raise InvalidInput(f"{child.tag} is not allowed in {parent.tag} (expected {' or '.join(allowed)})",
                               where=f"{document} line {child.sourceline}")
        found.append(child)
    return found


def _xml_text(elem: Any) -> str:
    """``elem`` as XML text, declaring only the namespaces it uses (and those its ``xsi:type`` values name)."""
    # tostring declares every namespace in scope; a re-parsed copy can then drop the unused ones.
    copy = etree.fromstring(etree.tostring(elem, with_tail=False), _PARSER)
    qnames = {value.partition(":")[0] for e in copy.iter() if isinstance(e.tag, str)
              for value in e.attrib.values() if ":" in value and "/" not in value}
    etree.cleanup_namespaces(copy, keep_ns_prefixes=sorted(qnames))
    return etree.tostring(copy, encoding="unicode")


def _xml_element(element: Any, document: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "id" in element.attrib:
        out["id"] = element.attrib["id"]
    attributes: list[dict[str, Any]] = []
    children: list[str] = []
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag == "extension" or tag.startswith("{"):
            continue  # the XSD's extension point and ##other elements carry nothing of ours
        if tag == "attribute":
            entry: dict[str, Any] = {}
            if "id" in child.attrib:
                entry["id"] = child.attrib["id"]
            content = [c for c in child if isinstance(c.tag, str)]
            if content:
                entry["attribute"] = "".join(_xml_text(c) for c in content)
                entry["xml"] = True
            else:
                entry["attribute"] = (child.text or "").strip()
            attributes.append(entry)
        elif tag == "children":
            for item in _elements(child, document, ("id",)):
                children.append((item.text or "").strip())
        else:
            raise InvalidInput(f"{tag} is not allowed in VocabularyElement (expected attribute, children or "
                               "extension)", where=f"{document} line {child.sourceline}")
    out["attributes"] = attributes
    out["children"] = children
    return out


# --- writing --------------------------------------------------------------------------------


def vocabulary_list(descriptions: Iterable[Description]) -> list[dict[str, Any]]:
    """Descriptions in the JSON-LD shape of ``epcisMasterData.vocabularyList``, grouped by type in first-seen order.

    XML content is given as its XML text (JSON-LD has no XML values).

    Examples
    --------
    >>> vocabulary_list([Description(READ_POINT, "urn:x:1", [{"id": "urn:a", "value": "b"}], ["urn:x:2"])])
    [{'type': 'urn:epcglobal:epcis:vtype:ReadPoint', 'vocabularyElementList': [{'id': 'urn:x:1', 'attributes': [{'id': 'urn:a', 'attribute': 'b'}], 'children': ['urn:x:2']}]}]
    """
    grouped: dict[str, list[dict[str, Any]]] = {}
    for d in descriptions:
        element: dict[str, Any] = {"id": d.id}
        if d.attributes:
            element["attributes"] = [{"id": a["id"], "attribute": a["value"]} for a in d.attributes]
        if d.children:
            element["children"] = list(d.children)
        grouped.setdefault(d.vtype, []).append(element)
    return [{"type": vtype, "vocabularyElementList": elements} for vtype, elements in grouped.items()]


def xml_vocabulary_list(descriptions: Iterable[Description]) -> Any:
    """Descriptions as an XML ``VocabularyList`` element; XML content is written back as XML.

    Examples
    --------
    >>> etree.tostring(xml_vocabulary_list([Description(READ_POINT, "urn:x:1",
    ...     [{"id": "urn:a", "value": "<b>c</b>", "xml": True}])])).decode()
    '<VocabularyList><Vocabulary type="urn:epcglobal:epcis:vtype:ReadPoint"><VocabularyElementList><VocabularyElement id="urn:x:1"><attribute id="urn:a"><b>c</b></attribute></VocabularyElement></VocabularyElementList></Vocabulary></VocabularyList>'
    """
    root = etree.Element("VocabularyList")
    lists: dict[str, Any] = {}
    for d in descriptions:
        element_list = lists.get(d.vtype)
        if element_list is None:
            vocabulary = etree.SubElement(root, "Vocabulary", type=d.vtype)
            element_list = lists[d.vtype] = etree.SubElement(vocabulary, "VocabularyElementList")
        element = etree.SubElement(element_list, "VocabularyElement", id=d.id)
        for a in d.attributes:
            attribute = etree.SubElement(element, "attribute", id=a["id"])
            value = a["value"]
            if a.get("xml") and isinstance(value, str):
                for child in etree.fromstring(f"<x>{value}</x>", _PARSER):
                    attribute.append(child)
            elif value is not None:
                attribute.text = value if isinstance(value, str) else orjson.dumps(value).decode()
        if d.children:
            children = etree.SubElement(element, "children")
            for child_id in d.children:
                etree.SubElement(children, "id").text = child_id
    return root
