"""Canonical key URIs: built from their parts with every value checked, and read back without regexes.

The builders (:func:`sgtin_uri`, :func:`lgtin_uri`, :func:`sscc_uri`,
:func:`location_uri`, :func:`party_uri`, and :func:`key_uri` for any key) are how
cradletrace writes an identifier of its own: each value goes through the syntax
dictionary's checks (length, character set, check digit) and the qualifiers through
the Digital Link order rules, so a GLN with a wrong check digit is refused here
rather than stored. :func:`key_pairs` and :func:`read_key_uri` are the reverse for a
URI in that canonical form (as :func:`~cradletrace.identifiers.normalize_epc` returns
it): a split, not a full parse, because capture calls it for every identifier it has
not seen before.

Examples
--------
>>> sgtin_uri("9506000134352", "A/1")
'https://id.gs1.org/01/09506000134352/21/A%2F1'
>>> party_uri("9520999999991")
Traceback (most recent call last):
...
cradletrace.errors.InvalidIdentifier: party: AI (417) PARTY '9520999999991': check digit should be 0
>>> read_key_uri("https://id.gs1.org/01/09506000134352/21/A%2F1").serial
'A/1'
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers.ai_table import table
from cradletrace.identifiers.ai_values import validate_ai_value
from cradletrace.identifiers.checkdigit import check_digit
from cradletrace.identifiers.digital_link import CANONICAL_HOST, build_digital_link, check_qualifier_order
from cradletrace.identifiers.escaping import unescape_path
from cradletrace.identifiers.model import GS1Identifier, kind_of

__all__ = ["gtin14", "key_pairs", "key_uri", "lgtin_uri", "location_uri", "party_uri", "read_key_uri", "sgtin_uri",
           "sscc_uri"]

_PREFIX = CANONICAL_HOST + "/"
_PREFIX_LENGTH = len(_PREFIX)
_NO_EXTENSION = (None, "", "0")  # an SGLN extension of 0 means the GLN itself


def key_uri(path: Sequence[tuple[str, str]], *, where: str | None = None) -> str:
    """The canonical Digital Link of a key and its qualifiers, after checking every value and their order.

    Parameters
    ----------
    path : sequence of (str, str)
        ``(AI, value)`` pairs, the primary key first, then its qualifiers in Digital Link order.
    where : str, optional
        What the identifier is, for the error (``"unit"``, ``"location"``, ...).

    Raises
    ------
    InvalidIdentifier
        Naming the AI and the value: unknown AI, wrong length, a character outside the AI's
        character set, a failed check digit, or qualifiers not allowed or out of order.

    Examples
    --------
    >>> key_uri([("8004", "9520123456ABC")])
    'https://id.gs1.org/8004/9520123456ABC'
    >>> key_uri([("01", "09506000134352"), ("21", "X 1")], where="unit")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: unit: AI (21) SERIAL 'X 1': ' ' is not allowed: only CSET 82 characters
    """
    if not path:
        raise InvalidIdentifier("no key given", where=where)
    pairs = [(ai, str(value)) for ai, value in path]
    for ai, value in pairs:
        validate_ai_value(ai, value, where=where)
    check_qualifier_order([ai for ai, _ in pairs], where=where)
    return build_digital_link(pairs, stem=CANONICAL_HOST)


def gtin14(gtin: str, *, where: str = "GTIN") -> str:
    """A GTIN-8, -12, -13 or -14 as the 14 digits GS1 keys carry, its check digit verified.

    Examples
    --------
    >>> gtin14("9506000134352")
    '09506000134352'
    >>> gtin14("9506000134353")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: GTIN: AI (01) GTIN '09506000134353': check digit should be 2
    >>> gtin14("12345")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: GTIN: '12345' is not a GTIN: it needs 8, 12, 13 or 14 digits
    """
    text = str(gtin)
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)):
        raise InvalidIdentifier(f"{text!r} is not a GTIN: it needs 8, 12, 13 or 14 digits", where=where)
    validate_ai_value("01", text.zfill(14), where=where)
    return text.zfill(14)


def sgtin_uri(gtin: str, serial: str) -> str:
    """The canonical Digital Link of a serialized unit (GTIN + serial).

    Examples
    --------
    >>> sgtin_uri("09506000134352", "A/1")
    'https://id.gs1.org/01/09506000134352/21/A%2F1'
    """
    return key_uri([("01", gtin14(gtin, where="unit")), ("21", serial)], where="unit")


def lgtin_uri(gtin: str, lot: str) -> str:
    """The canonical Digital Link of a lot (batch) of a trade item.

    Examples
    --------
    >>> lgtin_uri("9506000134352", "CU-2025-01")
    'https://id.gs1.org/01/09506000134352/10/CU-2025-01'
    """
    return key_uri([("01", gtin14(gtin, where="lot")), ("10", lot)], where="lot")


def sscc_uri(digits: str) -> str:
    """The canonical Digital Link of an SSCC: 17 digits (the check digit is added) or all 18 (it is verified).

    Examples
    --------
    >>> sscc_uri("09506000100000001")
    'https://id.gs1.org/00/095060001000000012'
    >>> sscc_uri("095060001000000013")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: SSCC: AI (00) SSCC '095060001000000013': check digit should be 2
    """
    text = str(digits)
    if not (text.isascii() and text.isdigit() and len(text) in (17, 18)):
        raise InvalidIdentifier(f"{text!r} is not an SSCC: give 17 digits (before the check digit) or 18",
                                where="SSCC")
    return key_uri([("00", text + check_digit(text) if len(text) == 17 else text)], where="SSCC")


def location_uri(gln: str, extension: str | None = None) -> str:
    """The canonical Digital Link of a location: a GLN (AI 414), with an optional extension (AI 254).

    Examples
    --------
    >>> location_uri("9520123456788", "DOCK1")
    'https://id.gs1.org/414/9520123456788/254/DOCK1'
    >>> location_uri("9520123456788", "0")
    'https://id.gs1.org/414/9520123456788'
    >>> location_uri("1234")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: location: AI (414) LOC No. '1234': too short (a part needs 13 ...
    """
    path = [("414", str(gln))]
    if extension not in _NO_EXTENSION:
        path.append(("254", str(extension)))
    return key_uri(path, where="location")


def party_uri(gln: str) -> str:
    """The canonical Digital Link of a party GLN (AI 417).

    Examples
    --------
    >>> party_uri("9520999999990")
    'https://id.gs1.org/417/9520999999990'
    """
    return key_uri([("417", str(gln))], where="party")


def key_pairs(uri: str) -> tuple[tuple[str, str], ...] | None:
    """The ``(AI, value)`` pairs of a canonical key URI (``https://id.gs1.org/{AI}/{value}...``), else ``None``.

    The reverse of :func:`key_uri` for URIs already in canonical form, as
    :func:`~cradletrace.identifiers.normalize_epc` and the builders return them: the path is
    split into known AIs (a primary key first) and unescaped values; the values are not
    checked again (use :func:`~cradletrace.identifiers.parse` for text from outside). Anything
    else, such as a business-transaction URI or a URI with a query, gives ``None``. A split,
    not a parse, because capture calls it for every identifier it has not seen before.

    Examples
    --------
    >>> key_pairs("https://id.gs1.org/01/09506000134352/10/CU%2F1")
    (('01', '09506000134352'), ('10', 'CU/1'))
    >>> key_pairs("urn:example:po:1") is None, key_pairs("https://id.gs1.org/99/1") is None
    (True, True)
    """
    if not uri.startswith(_PREFIX) or "?" in uri or "#" in uri:
        return None
    segments = uri[_PREFIX_LENGTH:].split("/")
    ais = tuple(segments[0::2])
    if len(segments) % 2 or not _is_key_path(ais):
        return None
    values = segments[1::2]
    if "%" in uri:  # most serials have no escape: skip the decoder for them
        try:
            values = [unescape_path(value) for value in values]
        except InvalidIdentifier:
            return None
    if not all(values):
        return None
    return tuple(zip(ais, values))


@functools.lru_cache(maxsize=256)
def _is_key_path(ais: tuple[str, ...]) -> bool:
    """Whether ``ais`` is a primary key AI followed by known AIs (few distinct shapes: cached)."""
    entries = table()
    key = entries.get(ais[0])
    return key is not None and key.is_primary_key and all(ai in entries for ai in ais[1:])


def read_key_uri(uri: str) -> GS1Identifier | None:
    """The key of a canonical key URI as a :class:`~cradletrace.identifiers.GS1Identifier`, else ``None``.

    :func:`key_pairs`, typed: ``kind``, ``gtin``, ``serial``, ``lot`` and the other accessors.

    Examples
    --------
    >>> key = read_key_uri("https://id.gs1.org/01/09506000134352/21/A%2F1")
    >>> key.kind, key.gtin, key.serial
    ('sgtin', '09506000134352', 'A/1')
    >>> read_key_uri("https://example.com/01/09506000134352") is None
    True
    """
    pairs = key_pairs(uri)
    if pairs is None:
        return None
    (primary_ai, primary_value), *qualifiers = pairs
    return GS1Identifier(kind_of(primary_ai, [ai for ai, _ in qualifiers]), primary_ai, primary_value,
                         tuple(qualifiers))
