"""Fast normalisation of EPCIS identifiers to canonical Digital Links, and their lineage-graph kind.

Capture calls :func:`normalize_epc` on every identifier of every event, so an already
canonical SGTIN takes a regex fast path and everything else is cached.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers.ai_table import table
from cradletrace.identifiers.checkdigit import is_valid_check_digit
from cradletrace.identifiers.digital_link import (
    CANONICAL_HOST,
    CONVENIENCE_ALPHAS,
    build_digital_link,
    looks_like_digital_link,
    parse_digital_link,
)
from cradletrace.identifiers.epc_urn import company_prefix_of, is_epc_urn, urn_to_ai_pairs
from cradletrace.identifiers.parsing import parse

_CACHE_SIZE = 1 << 16
_CANONICAL_SGTIN = re.compile(r"https://id\.gs1\.org/01/([0-9]{14})/21/[A-Za-z0-9._-]{1,20}")
_GCP_START = re.compile(r"[0-9]{4}")
# Qualifiers that do not belong to the instance-level (EPC) identity when a serial is present.
_NOT_INSTANCE = {"01": {"22", "10"}, "8006": {"22", "10"}}


@functools.lru_cache(maxsize=4096)
def _gtin_ok(gtin: str) -> bool:
    return is_valid_check_digit(gtin)


def normalize_epc(value: str) -> str:
    """The canonical Digital Link of an EPC: EPC URNs and Digital Links on any host; other URIs unchanged.

    The result keeps only the key and the qualifiers of the instance identity (GTIN + serial,
    not lot or CPV when a serial is present), on ``https://id.gs1.org``, without a query.
    An SGLN extension of ``0`` means "no extension".

    Parameters
    ----------
    value : str
        ``urn:epc:id:...``, a Digital Link, or any other URI.

    Returns
    -------
    str

    Raises
    ------
    InvalidIdentifier
        For a value that claims to be GS1 (an EPC URN, or a URL with a key-like path such as
        ``/01/{digits}``) but is invalid.

    Examples
    --------
    >>> normalize_epc("urn:epc:id:sgtin:9506000.013435.4711")
    'https://id.gs1.org/01/09506000134352/21/4711'
    >>> normalize_epc("https://brand.example/p/01/9506000134352/10/L1/21/4711?17=261231")
    'https://id.gs1.org/01/09506000134352/21/4711'
    >>> normalize_epc("urn:epc:id:sgln:4012345.00001.0")
    'https://id.gs1.org/414/4012345000016'
    >>> normalize_epc("urn:epc:id:sgln:4012345.00001.12")
    'https://id.gs1.org/414/4012345000016/254/12'
    >>> normalize_epc("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8")
    'urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8'
    >>> normalize_epc("https://id.gs1.org/01/09506000134353/21/1")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: Digital Link path: AI (01) GTIN '09506000134353': check digit should be 2
    """
    m = _CANONICAL_SGTIN.fullmatch(value)
    if m and _gtin_ok(m.group(1)):
        return value
    return _normalize(value, class_level=False)


def normalize_epc_class(value: str) -> str:
    """The canonical Digital Link of an EPC class: ``urn:epc:class:lgtin``, ``urn:epc:idpat:...:*`` or a Digital Link.

    Other URIs are returned unchanged.

    Raises
    ------
    InvalidIdentifier
        For an invalid GS1 value, an instance URN (``urn:epc:id:...``), or a pattern with
        more than the last field wild.

    Examples
    --------
    >>> normalize_epc_class("urn:epc:class:lgtin:9506000.013435.L1")
    'https://id.gs1.org/01/09506000134352/10/L1'
    >>> normalize_epc_class("urn:epc:idpat:sgtin:9506000.013435.*")
    'https://id.gs1.org/01/09506000134352'
    >>> normalize_epc_class("https://example.com/01/09506000134352/10/L1?17=261231")
    'https://id.gs1.org/01/09506000134352/10/L1'
    >>> normalize_epc_class("urn:example:class:1")
    'urn:example:class:1'
    """
    if value.startswith("urn:epc:id:"):
        raise InvalidIdentifier(f"{value!r} identifies one instance, not a class: use urn:epc:class:lgtin:... "
                                "or urn:epc:idpat:...:*", where="EPC class")
    return _normalize(value, class_level=True)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _normalize(value: str, *, class_level: bool) -> str:
    if is_epc_urn(value):
        pairs = urn_to_ai_pairs(value)
        return value if pairs is None else _key_uri(pairs, class_level)
    if looks_like_digital_link(value):
        try:
            link = parse_digital_link(value, zero_suppressed_gtin=True, convenience_alphas=True)
        except InvalidIdentifier:
            if _claims_gs1(value):
                raise
            return value
        return _key_uri(link.path, class_level)
    return value


def _key_uri(path: tuple[tuple[str, str], ...], class_level: bool) -> str:
    ais = {ai for ai, _ in path}
    dropped = _NOT_INSTANCE.get(path[0][0], set()) if not class_level and "21" in ais else set()
    return build_digital_link([p for p in path if p[0] not in dropped], stem=CANONICAL_HOST)


def _claims_gs1(uri: str) -> bool:
    """Whether a URL that failed to parse still looks like a Digital Link: /{key AI}/{value starting with 4 digits}."""
    path = uri.split("?", 1)[0].split("#", 1)[0].split("/")[3:]
    entries = table()
    for segment, value in zip(path, path[1:]):
        entry = entries.get(CONVENIENCE_ALPHAS.get(segment, segment))
        if entry is not None and entry.is_primary_key and _GCP_START.match(value):
            return True
    return False


_NODE_KINDS = [
    (re.compile(r"https://id\.gs1\.org/01/[0-9]{14}(?:/22/[^/]+)?(?:/10/[^/]+)?/(?:21|235)/[^/]+"), "unit"),
    (re.compile(r"https://id\.gs1\.org/01/[0-9]{14}(?:/22/[^/]+)?/10/[^/]+"), "lot"),
    (re.compile(r"https://id\.gs1\.org/01/[0-9]{14}(?:/22/[^/]+)?"), "product"),
    (re.compile(r"https://id\.gs1\.org/8006/[0-9]{18}(?:/22/[^/]+)?(?:/10/[^/]+)?/21/[^/]+"), "unit"),
    (re.compile(r"https://id\.gs1\.org/8006/[0-9]{18}(?:/22/[^/]+)?/10/[^/]+"), "lot"),
    (re.compile(r"https://id\.gs1\.org/8006/[0-9]{18}(?:/22/[^/]+)?"), "product"),
    (re.compile(r"https://id\.gs1\.org/00/[0-9]{18}"), "logistic_unit"),
    (re.compile(r"https://id\.gs1\.org/(?:401|402)/[^/]+"), "logistic_unit"),
    (re.compile(r"https://id\.gs1\.org/414/[0-9]{13}(?:/(?:254|7040)/[^/]+)?"), "location"),
    (re.compile(r"https://id\.gs1\.org/(?:417/[0-9]{13}(?:/7040/[^/]+)?|415/[0-9]{13}(?:/8020/[^/]+)?)"), "party"),
    (re.compile(r"https://id\.gs1\.org/8003/[0-9]{14}[^/]+"), "unit"),
    (re.compile(r"https://id\.gs1\.org/8004/[^/]+(?:/7040/[^/]+)?"), "unit"),
    (re.compile(r"https://id\.gs1\.org/8010/[^/]+/8011/[^/]+"), "unit"),
    (re.compile(r"https://id\.gs1\.org/8013/[^/]+"), "product"),
    (re.compile(r"https://id\.gs1\.org/253/[^/]+"), "document"),
]
_GS1_CANONICAL = re.compile(r"https://id\.gs1\.org/[0-9]{2,4}/")


def node_kind(canonical: str) -> str:
    """The lineage-graph kind of a canonical identifier (as :func:`normalize_epc` returns it).

    ``'unit'`` (serialised instances: SGTIN, UPUI, ITIP + serial, GRAI with serial, GIAI, CPI +
    serial), ``'lot'``, ``'product'`` (GTIN, ITIP or GMN class), ``'logistic_unit'`` (SSCC,
    GINC, GSIN), ``'location'`` (414), ``'party'`` (417, 415), ``'document'`` (GDTI, and any
    non-GS1 URI such as a business transaction), ``'other'`` (any other GS1 key: GSRN, GCN,
    GRAI or CPI without serial).

    Examples
    --------
    >>> node_kind("https://id.gs1.org/01/09506000134352/21/4711")
    'unit'
    >>> node_kind("https://id.gs1.org/01/09506000134352/10/L1"), node_kind("https://id.gs1.org/01/09506000134352")
    ('lot', 'product')
    >>> node_kind("https://id.gs1.org/414/4012345000016/254/7"), node_kind("https://id.gs1.org/00/095060001343520017")
    ('location', 'logistic_unit')
    >>> node_kind("urn:example:po:1"), node_kind("https://id.gs1.org/8018/123456789012345675")
    ('document', 'other')
    """
    for pattern, kind in _NODE_KINDS:
        if pattern.fullmatch(canonical):
            return kind
    return "other" if _GS1_CANONICAL.match(canonical) else "document"


def canonical(text: str) -> str:
    """The canonical key URI of any identifier form: ``parse(text).key_uri`` (all path qualifiers, no query).

    Examples
    --------
    >>> canonical("(01)09506000134352(10)L1(17)261231")
    'https://id.gs1.org/01/09506000134352/10/L1'
    >>> canonical("9506000134352")
    'https://id.gs1.org/01/09506000134352'
    """
    return parse(text).key_uri


def to_epc_urn(value: str, company_prefixes: Iterable[str]) -> str | None:
    """The EPC URN of any identifier form, or ``None`` when none of ``company_prefixes`` matches its key.

    Raises
    ------
    InvalidIdentifier
        If ``value`` is not a valid GS1 identifier, or its key has no EPC URN form.

    Examples
    --------
    >>> to_epc_urn("https://id.gs1.org/01/09506000134352/21/4711", ["9506000"])
    'urn:epc:id:sgtin:9506000.013435.4711'
    >>> to_epc_urn("https://id.gs1.org/414/4012345000016", ["4012345"])
    'urn:epc:id:sgln:4012345.00001.0'
    >>> to_epc_urn("https://id.gs1.org/01/09506000134352/21/4711", ["4012345"]) is None
    True
    """
    prefixes = list(company_prefixes)
    identifier = parse(value)
    if company_prefix_of(identifier.path, prefixes) is None:
        return None
    return identifier.to_epc_urn(prefixes)
