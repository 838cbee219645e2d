"""``parse``: any identifier a person or scanner produces, to one :class:`GS1Identifier`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers.ai_table import lookup
from cradletrace.identifiers.checkdigit import require_check_digit
from cradletrace.identifiers.digital_link import looks_like_digital_link, parse_digital_link
from cradletrace.identifiers.element_string import GS, GS1_SYMBOLOGY_IDS, parse_bracketed, parse_fnc1
from cradletrace.identifiers.epc_urn import is_epc_urn, urn_to_ai_pairs
from cradletrace.identifiers.model import GS1Identifier, kind_of

_PLAIN_GTIN = re.compile(r"[0-9]{8}|[0-9]{12,14}")
_OTHER_SYMBOLOGY_ID = re.compile(r"\][A-Za-z][0-9]")


def parse(text: str) -> GS1Identifier:
    """Parse a Digital Link (any host), element string, EPC URN or plain GTIN.

    Accepted forms: ``https://{any host}/{stem}/01/{gtin}/10/{lot}/21/{serial}?17=...`` (the
    rightmost key chain; zero-suppressed GTINs and convenience alphas such as ``/gtin/`` are
    accepted and normalised), ``(01)...(21)...``, barcode data with FNC1 as ``^`` or GS and an
    optional symbology identifier (``]d2``, ``]Q3``, ...), ``urn:epc:id:...``,
    ``urn:epc:class:lgtin:...``, ``urn:epc:idpat:...:*``, and a GTIN-8/12/13/14.

    Parameters
    ----------
    text : str
        The identifier; surrounding whitespace is ignored.

    Returns
    -------
    GS1Identifier

    Raises
    ------
    InvalidIdentifier
        Saying what is wrong with which part.

    Examples
    --------
    >>> parse("https://example.com/01/9506000134352/10/L1/21/4711?17=261231").canonical_uri
    'https://id.gs1.org/01/09506000134352/10/L1/21/4711?17=261231'
    >>> parse("(01)09506000134352(21)4711").kind
    'sgtin'
    >>> parse("]d20109506000134352104711\\x1d17261231").attributes
    (('17', '261231'),)
    >>> parse("urn:epc:id:sgln:4012345.00001.7").key_uri
    'https://id.gs1.org/414/4012345000016/254/7'
    >>> parse("9506000134352").gtin
    '09506000134352'
    >>> parse("09506000134353")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: GTIN: check digit of GTIN 09506000134353 should be 2
    """
    value = text.strip(" \t\r\n")
    if not value:
        raise InvalidIdentifier("empty identifier")
    if looks_like_digital_link(value):
        link = parse_digital_link(value, zero_suppressed_gtin=True, convenience_alphas=True)
        return _identifier(link.path, link.attributes)
    if is_epc_urn(value):
        return _from_urn(value)
    if value.startswith("("):
        return from_ai_data(parse_bracketed(value))
    if value.startswith(("^", GS, *GS1_SYMBOLOGY_IDS)):
        return from_ai_data(parse_fnc1(value))
    if _OTHER_SYMBOLOGY_ID.match(value):
        return parse(value[3:])
    if _PLAIN_GTIN.fullmatch(value):
        return _plain_gtin(value)
    raise InvalidIdentifier(f"{value[:60]!r} is not a GS1 identifier: expected a Digital Link URI, an element "
                            "string such as (01)...(21)..., an EPC URN or a GTIN")


def _plain_gtin(digits: str) -> GS1Identifier:
    require_check_digit(digits, "GTIN", where="GTIN")
    return GS1Identifier("gtin", "01", digits.zfill(14))


def _from_urn(urn: str) -> GS1Identifier:
    pairs = urn_to_ai_pairs(urn)
    if pairs is None:
        raise InvalidIdentifier(f"{urn!r} is a valid EPC but not a GS1 key: it has no Digital Link", where="EPC URN")
    return _identifier(pairs, ())


def _identifier(path: Sequence[tuple[str, str]], attributes: Sequence[tuple[str, str]]) -> GS1Identifier:
    (key_ai, key), *qualifiers = path
    return GS1Identifier(kind_of(key_ai, (ai for ai, _ in qualifiers)), key_ai, key, tuple(qualifiers),
                         tuple(attributes))


def from_ai_data(pairs: Sequence[tuple[str, str]]) -> GS1Identifier:
    """Build the identifier of element-string data: the first primary key, its qualifiers, the rest as attributes.

    Of the key's qualifier chains, the one with the most AIs present is used (the first on a
    tie); identical repeated AIs are dropped.

    Raises
    ------
    InvalidIdentifier
        If there is no primary key or an AI repeats with a different value.

    Examples
    --------
    >>> from_ai_data([("17", "261231"), ("01", "09506000134352"), ("10", "L1")]).key_uri
    'https://id.gs1.org/01/09506000134352/10/L1'
    """
    unique: dict[str, str] = {}
    for ai, value in pairs:
        if unique.setdefault(ai, value) != value:
            raise InvalidIdentifier(f"AI ({ai}) {lookup(ai).title} appears twice with different values",
                                    where="element string")
    key = next((ai for ai in unique if lookup(ai).is_primary_key), None)
    if key is None:
        raise InvalidIdentifier("no GS1 primary key (such as (01) GTIN or (00) SSCC) in the data",
                                where="element string")
    chains = lookup(key).dl_qualifier_chains or ((),)
    chain = max(chains, key=lambda c: sum(q in unique for q in c))
    path = [(key, unique[key])] + [(q, unique[q]) for q in chain if q in unique]
    used = {ai for ai, _ in path}
    return _identifier(path, [(ai, v) for ai, v in unique.items() if ai not in used])
