"""GS1 Digital Link URIs: parsing any host's URI into AI pairs, and building URIs from them.

Parsing follows the GS1 Digital Link URI syntax as GS1's reference implementation (the
gs1-syntax-engine) applies it: ``http``/``https`` only, a plain host, the **rightmost** primary
key in the path with its qualifiers in their fixed order, a stem before it that may hold
anything, numeric query keys that are known AIs allowed as data attributes, and everything
else in the query (``linkType``, custom keys, singletons) and the fragment ignored.
Two deprecated input forms can be switched on: zero-suppressed GTIN-8/12/13 in ``/01/``
(padded to 14 digits) and convenience alphas such as ``/gtin/``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers.ai_table import lookup, table
from cradletrace.identifiers.ai_values import validate_ai_value
from cradletrace.identifiers.escaping import escape_path, escape_query, unescape_path, unescape_query

CANONICAL_HOST = "https://id.gs1.org"

CONVENIENCE_ALPHAS = {
    "sscc": "00", "gtin": "01", "lot": "10", "ser": "21", "cpv": "22", "gdti": "253", "glnx": "254",
    "gcn": "255", "ginc": "401", "gsin": "402", "gln": "414", "party": "417", "grai": "8003", "giai": "8004",
    "itip": "8006", "cpid": "8010", "cpsn": "8011", "gmn": "8013", "gsrnp": "8017", "gsrn": "8018", "srin": "8019",
}

_SCHEMES = ("http://", "https://", "HTTP://", "HTTPS://")
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_HOST = re.compile(r"[A-Za-z0-9\-._~:\[\]]+")
_WHERE = "Digital Link"


@dataclass(frozen=True, slots=True)
class ParsedLink:
    """A parsed Digital Link: the path's key and qualifiers, and the query's data attributes, in order."""

    path: tuple[tuple[str, str], ...]
    attributes: tuple[tuple[str, str], ...]


def looks_like_digital_link(text: str) -> bool:
    """Whether ``text`` is an http(s) URI (a candidate Digital Link).

    Examples
    --------
    >>> looks_like_digital_link("https://example.com/01/09506000134352")
    True
    >>> looks_like_digital_link("urn:uuid:1234")
    False
    """
    return text.startswith(_SCHEMES)


def parse_digital_link(uri: str, *, zero_suppressed_gtin: bool = False,
                       convenience_alphas: bool = False) -> ParsedLink:
    """Parse a Digital Link URI on any host into its path AIs and query data attributes.

    Parameters
    ----------
    uri : str
        The URI.
    zero_suppressed_gtin : bool
        Accept GTIN-8/12/13 after ``/01/`` (and in ``?01=``) and pad them to 14 digits.
    convenience_alphas : bool
        Accept deprecated names such as ``/gtin/`` and ``/ser/`` for AIs in the path.

    Raises
    ------
    InvalidIdentifier
        Saying what is wrong and where: scheme, host, illegal characters, no primary key,
        qualifier order, unknown or misplaced AIs, duplicates, empty or invalid values.

    Examples
    --------
    >>> parse_digital_link("https://example.com/shop/01/09506000134352/10/L1/21/7?17=261231&linkType=gs1:pip")
    ParsedLink(path=(('01', '09506000134352'), ('10', 'L1'), ('21', '7')), attributes=(('17', '261231'),))
    >>> parse_digital_link("https://example.com/01/09506000134352/21/7/10/L1")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: Digital Link path: AI (10) BATCH/LOT must come before (21) SERIAL
    """
    rest = _strip_scheme(uri)
    if not _URI_CHARS.fullmatch(rest):
        bad = next(c for c in rest if not _URI_CHARS.fullmatch(c))
        raise InvalidIdentifier(f"character {bad!r} is not allowed in a URI", where=_WHERE)
    rest = rest.split("#", 1)[0]
    rest, _, query = rest.partition("?")
    host, slash, path = rest.partition("/")
    if not _HOST.fullmatch(host):
        raise InvalidIdentifier(f"host {host!r} is empty or has characters a domain cannot have", where=_WHERE)
    pairs = _path_pairs("/" + path if slash else "", zero_suppressed_gtin, convenience_alphas)
    attributes = _query_pairs(query, pairs, zero_suppressed_gtin)
    return ParsedLink(pairs, attributes)


def _strip_scheme(uri: str) -> str:
    for scheme in _SCHEMES:
        if uri.startswith(scheme):
            return uri[len(scheme):]
    raise InvalidIdentifier(f"{uri[:40]!r} is not an http:// or https:// URI", where=_WHERE)


def _path_pairs(path: str, zero_suppressed_gtin: bool, alphas: bool) -> tuple[tuple[str, str], ...]:
    where = f"{_WHERE} path"
    if len(path) <= 1:
        raise InvalidIdentifier("the path is empty: a primary key such as /01/{GTIN} is required", where=where)
    if path.endswith("/"):
        raise InvalidIdentifier(f"the path {path!r} must not end with '/'", where=where)
    segments = path[1:].split("/")
    start = _rightmost_key(segments, alphas)
    if start is None:
        raise InvalidIdentifier(f"no primary key (such as /01/{{GTIN}} or /00/{{SSCC}}) in {path!r}", where=where)
    pairs = []
    for i in range(start, len(segments), 2):
        ai = _ai_name(segments[i], alphas)
        value = unescape_path(segments[i + 1], where=where)
        if ai == "01" and zero_suppressed_gtin:
            value = pad_gtin(value)
        validate_ai_value(ai, value, where=where)
        pairs.append((ai, value))
    check_qualifier_order([ai for ai, _ in pairs], where=where)
    return tuple(pairs)


def _ai_name(segment: str, alphas: bool) -> str:
    return CONVENIENCE_ALPHAS.get(segment, segment) if alphas else segment


def _rightmost_key(segments: Sequence[str], alphas: bool) -> int | None:
    """Index of the rightmost primary key, scanning /AI/value pairs back from the end of the path."""
    entries = table()
    i = len(segments) - 2
    while i >= 0:
        entry = entries.get(_ai_name(segments[i], alphas))
        if entry is None:
            return None
        if entry.is_primary_key:
            return i
        i -= 2
    return None


def pad_gtin(value: str) -> str:
    """Pad a zero-suppressed GTIN-8/12/13 to 14 digits; other values are returned unchanged.

    Examples
    --------
    >>> pad_gtin("614141123452")
    '00614141123452'
    """
    return value.zfill(14) if value.isdigit() and len(value) in (8, 12, 13) else value


def check_qualifier_order(ais: Sequence[str], *, where: str = f"{_WHERE} path") -> None:
    """Check that ``ais`` is a primary key followed by permitted qualifiers in their fixed order.

    Raises
    ------
    InvalidIdentifier
        Naming the qualifier that is not allowed or out of order.

    Examples
    --------
    >>> check_qualifier_order(["01", "22", "10", "21"])
    >>> check_qualifier_order(["01", "21", "10"])
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: Digital Link path: AI (10) BATCH/LOT must come before (21) SERIAL
    """
    key = lookup(ais[0], where=where)
    if not key.is_primary_key:
        raise InvalidIdentifier(f"AI ({ais[0]}) {key.title} is not a Digital Link primary key", where=where)
    chains = key.dl_qualifier_chains or ((),)
    qualifiers = list(ais[1:])
    if any(_is_subsequence(qualifiers, chain) for chain in chains):
        return
    raise InvalidIdentifier(_order_problem(ais[0], qualifiers, chains), where=where)


def _is_subsequence(items: Sequence[str], chain: Sequence[str]) -> bool:
    positions = [chain.index(q) if q in chain else -1 for q in items]
    return all(p >= 0 for p in positions) and positions == sorted(set(positions))


def _order_problem(key: str, qualifiers: list[str], chains: tuple[tuple[str, ...], ...]) -> str:
    allowed = {q for chain in chains for q in chain}
    name = lookup(key).title
    for q in qualifiers:
        if q not in allowed:
            options = " or ".join(", ".join(chain) for chain in chains if chain) or "none"
            return f"AI ({q}) {lookup(q).title} is not a qualifier of ({key}) {name} (allowed: {options})"
    if len(set(qualifiers)) < len(qualifiers):
        return "a qualifier appears twice"
    for chain in chains:
        if set(qualifiers) <= set(chain):
            for a, b in zip(qualifiers, qualifiers[1:]):
                if chain.index(a) > chain.index(b):
                    return f"AI ({b}) {lookup(b).title} must come before ({a}) {lookup(a).title}"
    return f"qualifiers {', '.join(qualifiers)} cannot be combined after ({key}) {name}"


def _query_pairs(query: str, path: tuple[tuple[str, str], ...],
                 zero_suppressed_gtin: bool) -> tuple[tuple[str, str], ...]:
    where = f"{_WHERE} query"
    seen = {ai for ai, _ in path}
    path_ais = [ai for ai, _ in path]
    pairs = []
    for item in query.split("&"):
        key, eq, raw = item.partition("=")
        if not eq or not key.isdigit() or not key.isascii():
            continue  # singleton flags, linkType and other non-AI parameters are ignored
        entry = lookup(key, where=where)
        value = unescape_query(raw, where=where)
        if key == "01" and zero_suppressed_gtin:
            value = pad_gtin(value)
        if key in seen:
            raise InvalidIdentifier(f"AI ({key}) {entry.title} appears more than once", where=where)
        if _belongs_in_path(path_ais, key):
            raise InvalidIdentifier(f"AI ({key}) {entry.title} qualifies ({path_ais[0]}) and must be in the path, "
                                    "not the query", where=where)
        if not entry.dl_attribute:
            raise InvalidIdentifier(f"AI ({key}) {entry.title} is not allowed as a data attribute", where=where)
        validate_ai_value(key, value, where=where)
        seen.add(key)
        pairs.append((key, value))
    return tuple(pairs)


def _belongs_in_path(path_ais: list[str], ai: str) -> bool:
    chains = lookup(path_ais[0]).dl_qualifier_chains or ()
    wanted = set(path_ais[1:]) | {ai}
    return any(ai in chain and wanted <= set(chain) for chain in chains)


def build_digital_link(path: Sequence[tuple[str, str]], attributes: Sequence[tuple[str, str]] = (),
                       *, stem: str = CANONICAL_HOST) -> str:
    """Render a Digital Link URI from path pairs (key first) and query data attributes.

    Examples
    --------
    >>> build_digital_link([("01", "09506000134352"), ("21", "A/1")], [("17", "261231")])
    'https://id.gs1.org/01/09506000134352/21/A%2F1?17=261231'
    """
    uri = stem.rstrip("/") + "".join(f"/{ai}/{escape_path(value)}" for ai, value in path)
    if attributes:
        uri += "?" + "&".join(f"{ai}={escape_query(value)}" for ai, value in attributes)
    return uri


def from_ai_pairs(pairs: Sequence[tuple[str, str]], *, stem: str = CANONICAL_HOST) -> str:
    """Build the Digital Link URI for element-string data, the way GS1's reference encoder does.

    The first primary key becomes the path; of its qualifier chains the one with the most AIs
    present is used (the first on a tie); every other AI becomes a query attribute, those of
    predefined length first. Identical repeated AIs are dropped.

    Raises
    ------
    InvalidIdentifier
        With no primary key, an AI repeated with different values, or a leftover AI that may
        not be a Digital Link data attribute.

    Examples
    --------
    >>> from_ai_pairs([("21", "XYZ"), ("01", "12312312312333"), ("10", "ABC123"), ("99", "XYZ")],
    ...               stem="https://example.com")
    'https://example.com/01/12312312312333/10/ABC123/21/XYZ?99=XYZ'
    """
    unique = _deduplicate(pairs)
    key = next((ai for ai in unique if lookup(ai).is_primary_key), None)
    if key is None:
        raise InvalidIdentifier("no primary key AI in the data: cannot build a Digital Link", where=_WHERE)
    chain = max(lookup(key).dl_qualifier_chains or ((),), key=lambda c: sum(q in unique for q in c))
    path = [(key, unique[key])] + [(q, unique[q]) for q in chain if q in unique]
    used = {ai for ai, _ in path}
    rest = [(ai, v) for ai, v in unique.items() if ai not in used]
    for ai, _ in rest:
        if not lookup(ai).dl_attribute:
            raise InvalidIdentifier(f"AI ({ai}) {lookup(ai).title} cannot be a Digital Link data attribute",
                                    where=_WHERE)
    rest.sort(key=lambda pair: not lookup(pair[0]).fixed_length)
    return build_digital_link(path, rest, stem=stem)


def _deduplicate(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    unique: dict[str, str] = {}
    for ai, value in pairs:
        if unique.setdefault(ai, value) != value:
            raise InvalidIdentifier(f"AI ({ai}) {lookup(ai).title} appears twice with different values",
                                    where=_WHERE)
    return unique
