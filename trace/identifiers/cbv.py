"""CBV 2.0 vocabulary: the standard terms and conversions among their four spellings.

Every CBV 2.0 term has four spellings, and EPCIS documents use all of them:

======================  ==============================================
bare word (JSON)        ``shipping``
URN (XML, EPCIS 1.x)    ``urn:epcglobal:cbv:bizstep:shipping``
web URI (XML, hash)     ``https://ref.gs1.org/cbv/BizStep-shipping``
CURIE (JSON-LD)         ``cbv:BizStep-shipping``
======================  ==============================================

The five kinds are ``bizStep``, ``disposition``, ``bizTransactionType``,
``sourceDestType`` and ``errorReason``. Wherever a ``kind`` is asked for, the
EPCIS field names that hold such a value (``bizTransaction``, ``source``,
``reason``, ...) and the short names of the URN and web URI forms (``btt``,
``BTT``, ``sdt``, ...) are accepted too. ``kind=None`` infers the kind from a
URN, web URI or CURIE; a bare word then passes through, since it could be any kind.

Rules, applied by :func:`to_bare`, :func:`to_urn` and :func:`to_web_uri`:

* A known term in any spelling converts; surrounding whitespace is ignored
  (``xsd:anyURI`` collapses it).
* A value that is not CBV (a private URI, a private bare word, ``""``) is
  returned unchanged, so callers can apply the functions to every value.
* A value in a CBV spelling that names no CBV 2.0 term of the kind
  (``urn:epcglobal:cbv:bizstep:shiping``) raises
  :class:`~cradletrace.errors.InvalidInput`: it is a typo, not a private term.

The functions are cached, because capture calls them on every event.

Examples
--------
>>> to_bare("urn:epcglobal:cbv:bizstep:shipping", "bizStep")
'shipping'
>>> to_web_uri("in_transit", "disposition")
'https://ref.gs1.org/cbv/Disp-in_transit'
>>> to_urn("cbv:SDT-owning_party", "source")
'urn:epcglobal:cbv:sdt:owning_party'
>>> to_bare("https://example.com/voc/bizstep/recycling", "bizStep")
'https://example.com/voc/bizstep/recycling'
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from cradletrace.errors import InvalidInput

__all__ = [
    "BIZ_STEPS",
    "BIZ_TRANSACTION_TYPES",
    "DISPOSITIONS",
    "ERROR_REASONS",
    "KINDS",
    "SOURCE_DEST_TYPES",
    "TERMS",
    "canonical_kind",
    "is_cbv",
    "to_bare",
    "to_urn",
    "to_web_uri",
]

BIZ_STEPS: frozenset[str] = frozenset({
    "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
    "creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying",
    "disassembling", "dispensing", "encoding", "entering_exiting", "holding", "inspecting",
    "installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing",
    "repackaging", "repairing", "replacing", "reserving", "retail_selling", "sampling",
    "sensor_reporting", "shipping", "staging_outbound", "stock_taking", "stocking", "storing",
    "transporting", "unloading", "unpacking", "void_shipping",
})
"""The 41 business steps of CBV 2.0."""

DISPOSITIONS: frozenset[str] = frozenset({
    "active", "available", "completeness_inferred", "completeness_verified", "conformant",
    "container_closed", "container_open", "damaged", "destroyed", "dispensed", "disposed",
    "encoded", "expired", "in_progress", "in_transit", "inactive", "mismatch_class",
    "mismatch_instance", "mismatch_quantity", "needs_replacement", "no_pedigree_match",
    "non_conformant", "non_sellable_other", "partially_dispensed", "recalled", "reserved",
    "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
    "unavailable", "unknown",
})
"""The 33 dispositions of CBV 2.0."""

BIZ_TRANSACTION_TYPES: frozenset[str] = frozenset({
    "bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma",
    "testprd", "testres", "upevt",
})
"""The 13 business transaction types of CBV 2.0."""

SOURCE_DEST_TYPES: frozenset[str] = frozenset({"owning_party", "possessing_party", "location"})
"""The 3 source/destination types of CBV 2.0."""

ERROR_REASONS: frozenset[str] = frozenset({"did_not_occur", "incorrect_data"})
"""The 2 error reasons of CBV 2.0."""


class _Kind(NamedTuple):
    name: str  # the canonical kind name, used in messages and as the key of TERMS
    label: str  # the infix of web URIs and CURIEs: BizStep, Disp, BTT, SDT, ER
    urn_prefix: str
    web_prefix: str
    curie_prefix: str
    terms: frozenset[str]


def _kind(name: str, urn_word: str, label: str, terms: frozenset[str]) -> _Kind:
    return _Kind(name, label, f"urn:epcglobal:cbv:{urn_word}:", f"https://ref.gs1.org/cbv/{label}-",
                 f"cbv:{label}-", terms)


_KINDS: dict[str, _Kind] = {k.name: k for k in (
    _kind("bizStep", "bizstep", "BizStep", BIZ_STEPS),
    _kind("disposition", "disp", "Disp", DISPOSITIONS),
    _kind("bizTransactionType", "btt", "BTT", BIZ_TRANSACTION_TYPES),
    _kind("sourceDestType", "sdt", "SDT", SOURCE_DEST_TYPES),
    _kind("errorReason", "er", "ER", ERROR_REASONS),
)}

KINDS: tuple[str, ...] = tuple(_KINDS)
"""The canonical kind names: bizStep, disposition, bizTransactionType, sourceDestType, errorReason."""

TERMS: dict[str, frozenset[str]] = {k.name: k.terms for k in _KINDS.values()}
"""The terms of each kind, by canonical kind name."""

# Every name a caller may pass as ``kind``: canonical names, the EPCIS fields (JSON and XML
# element names) that carry the value, and the short names of the URN and web URI forms.
_ALIASES: dict[str, str] = {
    **{name: name for name in _KINDS},
    "bizstep": "bizStep", "BizStep": "bizStep",
    "disp": "disposition", "Disp": "disposition", "persistentDisposition": "disposition",
    "set": "disposition", "unset": "disposition",
    "btt": "bizTransactionType", "BTT": "bizTransactionType", "bizTransaction": "bizTransactionType",
    "bizTransactionList": "bizTransactionType",
    "sdt": "sourceDestType", "SDT": "sourceDestType", "source": "sourceDestType",
    "destination": "sourceDestType", "sourceList": "sourceDestType", "destinationList": "sourceDestType",
    "er": "errorReason", "ER": "errorReason", "reason": "errorReason", "errorDeclaration": "errorReason",
}

# Every URN, web URI and CURIE of every term, to (kind, bare word): one dict lookup per value.
_SPELLINGS: dict[str, tuple[str, str]] = {
    prefix + term: (k.name, term)
    for k in _KINDS.values()
    for term in k.terms
    for prefix in (k.urn_prefix, k.web_prefix, k.curie_prefix)
}
# (prefix, kind) pairs: a value starting with one of these is in a CBV spelling.
_PREFIXES: tuple[tuple[str, _Kind], ...] = tuple(
    (prefix, k) for k in _KINDS.values() for prefix in (k.urn_prefix, k.web_prefix, k.curie_prefix)
)
_URN_CBV = "urn:epcglobal:cbv:"
_WEB_CBV = "https://ref.gs1.org/cbv/"


def canonical_kind(kind: str) -> str:
    """The canonical kind name for a kind name, field name or form label.

    Raises
    ------
    ValueError
        For a name that is no kind of CBV value (a programming error, not bad input).

    Examples
    --------
    >>> canonical_kind("bizTransaction")
    'bizTransactionType'
    >>> canonical_kind("SDT")
    'sourceDestType'
    """
    try:
        return _ALIASES[kind]
    except KeyError:
        raise ValueError(f"unknown CBV vocabulary kind {kind!r}; expected one of {', '.join(KINDS)}") from None


@functools.lru_cache(maxsize=4096)
def _resolve(value: str, kind: str | None) -> tuple[_Kind, str] | None:
    """(kind, bare word) of a CBV value, ``None`` for a non-CBV value; raises for an unknown term.

    ``kind`` is canonical or ``None`` (infer it from the spelling).
    """
    text = value.strip()
    hit = _SPELLINGS.get(text)
    if hit is not None:
        found, bare = hit
        if kind is not None and found != kind:
            raise InvalidInput(f"{value!r} is a CBV {found}, not a {kind}", where=kind)
        return _KINDS[found], bare
    if kind is not None and text in _KINDS[kind].terms:
        return _KINDS[kind], text
    if text.startswith((_URN_CBV, _WEB_CBV, "cbv:")):
        for prefix, k in _PREFIXES:
            if text.startswith(prefix):
                term = text[len(prefix):]
                if kind is not None and k.name != kind:
                    raise InvalidInput(f"{value!r} is in the CBV {k.name} form, not a {kind}", where=kind)
                raise InvalidInput(f"{term!r} is not a CBV 2.0 {k.name} (in {value!r})", where=k.name)
    return None


def _lookup(value: str, kind: str | None) -> tuple[_Kind, str] | None:
    return _resolve(value, None if kind is None else canonical_kind(kind))


def to_bare(value: str, kind: str | None) -> str:
    """The bare word of a CBV value (the JSON binding's form); other values unchanged.

    Parameters
    ----------
    value : str
        A bare word, URN, web URI or CURIE, or any non-CBV value.
    kind : str or None
        ``bizStep``, ``disposition``, ``bizTransactionType``, ``sourceDestType``,
        ``errorReason`` or a field name that carries one; ``None`` to infer it from the spelling.

    Raises
    ------
    InvalidInput
        For a CBV spelling that names no CBV 2.0 term of that kind.

    Examples
    --------
    >>> to_bare("https://ref.gs1.org/cbv/Disp-in_transit", "disposition")
    'in_transit'
    >>> to_bare("cbv:BTT-po", None)
    'po'
    >>> to_bare("urn:epcglobal:cbv:bizstep:shiping", "bizStep")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: bizStep: 'shiping' is not a CBV 2.0 bizStep (in 'urn:epcglobal:cbv:bizstep:shiping')
    """
    hit = _lookup(value, kind)
    return value if hit is None else hit[1]


def to_urn(value: str, kind: str | None) -> str:
    """The ``urn:epcglobal:cbv:...`` form of a CBV value; other values unchanged.

    Parameters and errors as for :func:`to_bare`.

    Examples
    --------
    >>> to_urn("shipping", "bizStep")
    'urn:epcglobal:cbv:bizstep:shipping'
    >>> to_urn("https://ref.gs1.org/cbv/ER-did_not_occur", "reason")
    'urn:epcglobal:cbv:er:did_not_occur'
    >>> to_urn("urn:example:rail:btt:passage", "bizTransactionType")
    'urn:example:rail:btt:passage'
    """
    hit = _lookup(value, kind)
    return value if hit is None else hit[0].urn_prefix + hit[1]


def to_web_uri(value: str, kind: str | None) -> str:
    """The ``https://ref.gs1.org/cbv/...`` form of a CBV value (the event-hash form); other values unchanged.

    Parameters and errors as for :func:`to_bare`.

    Examples
    --------
    >>> to_web_uri("urn:epcglobal:cbv:sdt:location", "sourceDestType")
    'https://ref.gs1.org/cbv/SDT-location'
    >>> to_web_uri("prodorder", "bizTransaction")
    'https://ref.gs1.org/cbv/BTT-prodorder'
    >>> to_web_uri("shipping", None)  # a bare word needs its kind
    'shipping'
    """
    hit = _lookup(value, kind)
    return value if hit is None else hit[0].web_prefix + hit[1]


def is_cbv(value: str, kind: str | None) -> bool:
    """Whether ``value`` is a CBV 2.0 term of ``kind`` in any of its spellings.

    Never raises for a value: a CBV spelling with an unknown term is simply not CBV.

    Examples
    --------
    >>> is_cbv("retail_selling", "bizStep"), is_cbv("recycling", "bizStep")
    (True, False)
    >>> is_cbv("urn:epcglobal:cbv:disp:active", "bizStep")
    False
    >>> is_cbv("urn:epcglobal:cbv:bizstep:shiping", None)
    False
    """
    try:
        return _lookup(value, kind) is not None
    except InvalidInput:
        return False
