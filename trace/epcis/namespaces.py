"""Namespaces of EPCIS 2.0: the standard prefixes, Clark notation, CURIE expansion, prefix allocation.

User extensions are keyed in Clark notation (``{namespace}localName``) in the canonical
event form, whichever syntax they came from. This module converts between Clark keys,
JSON-LD CURIEs (``example:myField``) and XML qualified names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: The XML namespace of EPCIS 2.0 documents.
EPCIS_XML_NS = "urn:epcglobal:epcis:xsd:2"
#: The XML namespace of EPCIS 2.0 query documents.
EPCIS_QUERY_XML_NS = "urn:epcglobal:epcis-query:xsd:2"
#: Namespace of the XML EPCISMasterDataDocument root.
EPCIS_MASTERDATA_XML_NS = "urn:epcglobal:epcis-masterdata:xsd:2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
GS1_VOC = "https://gs1.org/voc/"
#: The ratified EPCIS 2.0 JSON-LD context; never fetched, its terms are fixed keys here.
EPCIS_CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

#: Prefixes the EPCIS 2.0 context defines. They are *protected* there, so a document cannot
#: give them another meaning; a redefinition is ignored (see :func:`context_prefixes`).
STANDARD_PREFIXES: Mapping[str, str] = {
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": "https://ref.gs1.org/cbv/",
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": GS1_VOC,
    "rdfs": RDFS_NS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}

#: Prefixes the XML writer declares on the root, so QName values such as ``xsi:type="xsd:integer"`` resolve.
XML_STANDARD_PREFIXES: Mapping[str, str] = {"xsi": XSI_NS, "xsd": XSD_NS, "rdfs": RDFS_NS, "gs1": GS1_VOC}

#: Clark key of ``rdfs:comment``; both readers store it under the plain key ``comment``.
RDFS_COMMENT = "{" + RDFS_NS + "}comment"

_PREFIX_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_NCNAME_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*$")


def clark(namespace: str | None, local: str) -> str:
    """The Clark-notation key of a namespaced name.

    Examples
    --------
    >>> clark("https://ns.example.com/epcis/", "myField")
    '{https://ns.example.com/epcis/}myField'
    >>> clark(None, "plain")
    'plain'
    """
    return "{" + namespace + "}" + local if namespace else local


def split_clark(key: str) -> tuple[str | None, str]:
    """``(namespace, local)`` of a Clark key; the namespace is ``None`` for a plain name.

    Examples
    --------
    >>> split_clark("{https://ns.example.com/epcis/}myField")
    ('https://ns.example.com/epcis/', 'myField')
    >>> split_clark("id")
    (None, 'id')
    """
    if key.startswith("{"):
        end = key.find("}")
        if end > 0:
            return key[1:end], key[end + 1:]
    return None, key


def is_clark(key: str) -> bool:
    """Whether ``key`` is a namespaced Clark key.

    Examples
    --------
    >>> is_clark("{urn:x:}a"), is_clark("bizStep")
    (True, False)
    """
    return key.startswith("{") and "}" in key


def iri_to_clark(iri: str) -> str:
    """Split an absolute IRI into Clark notation at its last ``#``, ``/`` or ``:``.

    The local part is the longest trailing XML name, so the same IRI always gives the
    same key (JSON-LD keys that are full IRIs, and CURIEs of undeclared prefixes).

    Examples
    --------
    >>> iri_to_clark("https://ns.example.com/epcis/myField")
    '{https://ns.example.com/epcis/}myField'
    >>> iri_to_clark("urn:example:field")
    '{urn:example:}field'
    """
    m = _NCNAME_TAIL.search(iri)
    if not m or m.start() == 0:
        return "{" + iri + "}"
    return "{" + iri[:m.start()] + "}" + iri[m.start():]


def expand_curie(term: str, prefixes: Mapping[str, str]) -> str | None:
    """The IRI of a CURIE whose prefix ``prefixes`` defines, else ``None``.

    Examples
    --------
    >>> expand_curie("gs1:Temperature", STANDARD_PREFIXES)
    'https://gs1.org/voc/Temperature'
    >>> expand_curie("https://example.com/x", STANDARD_PREFIXES) is None
    True
    """
    prefix, sep, local = term.partition(":")
    if not sep or local.startswith("//"):
        return None
    namespace = prefixes.get(prefix)
    return namespace + local if namespace is not None else None


def context_prefixes(context: object, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The prefix map of a JSON-LD ``@context`` (a URL, an object or a list of them), on top of ``base``.

    Only prefix definitions (``"ex": "https://ex.com/"``) and term definitions with an
    ``@id`` are read; remote contexts are never fetched (the EPCIS context's terms are
    fixed keys). ``@vocab`` is kept under the key ``"@vocab"``. Redefining a protected
    standard prefix is ignored, so ``cbvmda`` keeps its standard meaning.

    Examples
    --------
    >>> ctx = [EPCIS_CONTEXT_URL, {"example": "http://ns.example.com/epcis/"}]
    >>> context_prefixes(ctx)["example"]
    'http://ns.example.com/epcis/'
    >>> context_prefixes({"cbvmda": "http://other/"})["cbvmda"]
    'urn:epcglobal:cbv:mda:'
    """
    prefixes = dict(STANDARD_PREFIXES if base is None else base)
    items = context if isinstance(context, list) else [context]
    for item in items:
        if not isinstance(item, dict):
            continue  # a context URL: the standard one, or one we cannot fetch anyway
        for name, value in item.items():
            if name == "@vocab" and isinstance(value, str):
                prefixes["@vocab"] = value
                continue
            if name.startswith("@") or name in STANDARD_PREFIXES:
                continue
            if isinstance(value, dict):
                value = value.get("@id")
            if isinstance(value, str):
                prefixes[name] = value
    # A term may be defined by a CURIE of a prefix defined in the same context.
    for name, value in list(prefixes.items()):
        expanded = expand_curie(value, prefixes) if name != "@vocab" else None
        if expanded is not None and expanded != value and ":" not in name:
            prefixes[name] = expanded
    return prefixes


def key_to_clark(key: str, prefixes: Mapping[str, str]) -> str | None:
    """The Clark key of a JSON-LD extension key (CURIE, IRI or term), or ``None`` when it names nothing.

    Examples
    --------
    >>> key_to_clark("example:myField", {"example": "https://ns.example.com/epcis/"})
    '{https://ns.example.com/epcis/}myField'
    >>> key_to_clark("https://ns.example.com/epcis/myField", {})
    '{https://ns.example.com/epcis/}myField'
    >>> key_to_clark("myField", {}) is None
    True
    """
    if ":" in key:
        prefix, _, local = key.partition(":")
        namespace = prefixes.get(prefix) if not local.startswith("//") else None
        # A declared prefix is the namespace itself (XML namespaces need not end in / or #).
        return clark(namespace, local) if namespace is not None else iri_to_clark(key)
    term = prefixes.get(key)
    if term is not None and ":" in term:
        return iri_to_clark(term)
    vocab = prefixes.get("@vocab")
    if vocab is not None:
        return clark(vocab, key)
    return None


class PrefixAllocator:
    """Gives every extension namespace a stable prefix, preferring the caller's and the document's own.

    Parameters
    ----------
    preferred : mapping of str to str, optional
        ``{prefix: namespace}`` to use first (for example a read document's header namespaces).
    standard : mapping of str to str
        Prefixes that are always taken (the JSON-LD context's by default).

    Examples
    --------
    >>> alloc = PrefixAllocator({"example": "https://ns.example.com/epcis/"})
    >>> alloc.prefix_for("https://ns.example.com/epcis/")
    'example'
    >>> alloc.prefix_for("https://other.example.org/v#")
    'ext1'
    >>> alloc.prefix_for("https://gs1.org/voc/")
    'gs1'
    """

    def __init__(self, preferred: Mapping[str, str] | None = None,
                 standard: Mapping[str, str] = STANDARD_PREFIXES) -> None:
        self.by_namespace: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.standard = standard
        for prefix, namespace in standard.items():
            self._take(prefix, namespace)
        for prefix, namespace in (preferred or {}).items():
            if (prefix and _PREFIX_NAME.fullmatch(prefix) and prefix not in self.used
                    and namespace not in self.by_namespace):
                self._take(prefix, namespace)
        self._counter = 0

    def _take(self, prefix: str, namespace: str) -> None:
        self.by_namespace[namespace] = prefix
        self.used[prefix] = namespace

    def prefix_for(self, namespace: str) -> str:
        """The prefix of ``namespace``, allocating ``extN`` for a new one."""
        prefix = self.by_namespace.get(namespace)
        if prefix is None:
            while True:
                self._counter += 1
                prefix = f"ext{self._counter}"
                if prefix not in self.used:
                    break
            self._take(prefix, namespace)
        return prefix

    def extension_prefixes(self) -> dict[str, str]:
        """``{prefix: namespace}`` of every non-standard namespace allocated or preferred."""
        return {p: ns for p, ns in self.used.items() if p not in self.standard}
