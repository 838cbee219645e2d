"""GS1 element strings: bracketed ``(01)...(21)...`` text and FNC1-separated barcode data (``^`` or GS).

An element string is a sequence of (AI, value) pairs. Bracketed text escapes a literal ``(``
in a value as ``\\(``. In barcode data, FNC1 (written ``^`` here, GS ``\\x1d`` in scanner
output) starts the data and ends every AI value whose length is not predefined. Scanner
output may begin with a symbology identifier such as ``]d2`` (GS1 DataMatrix) instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers.ai_table import ai_prefix_of, lookup
from cradletrace.identifiers.ai_values import validate_ai_value

AIPairs = tuple[tuple[str, str], ...]

FNC1 = "^"
GS = "\x1d"
# Symbology identifiers of GS1 carriers: GS1-128, DataBar, GS1 DataMatrix, GS1 QR Code, DotCode, Composite.
GS1_SYMBOLOGY_IDS = ("]C1", "]e0", "]e1", "]e2", "]d2", "]Q3", "]J1", "]z1")
_BRACKETED_AI = re.compile(r"\((\d{2,4})\)")
_WHERE = "element string"


def parse_bracketed(text: str) -> AIPairs:
    """Parse a bracketed element string such as ``(01)09506000134352(21)4711``.

    Every value is checked against the syntax dictionary.

    Raises
    ------
    InvalidIdentifier
        For text that does not start with ``(AI)``, a malformed or unknown AI, an empty
        value, or a value that breaks its AI's rules.

    Examples
    --------
    >>> parse_bracketed("(01)09506000134352(10)LOT\\\\(1)")
    (('01', '09506000134352'), ('10', 'LOT(1)'))
    >>> parse_bracketed("(01)09506000134352(10)")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: element string: AI (10) BATCH/LOT has an empty value
    """
    if not text.startswith("("):
        raise InvalidIdentifier(f"{text!r} does not start with a bracketed AI such as (01)", where=_WHERE)
    pairs = []
    for ai, value in _split_bracketed(text):
        validate_ai_value(ai, value, where=_WHERE)
        pairs.append((ai, value))
    return tuple(pairs)


def _split_bracketed(text: str) -> list[tuple[str, str]]:
    parts, position = [], 0
    while position < len(text):
        m = _BRACKETED_AI.match(text, position)
        if not m:
            raise InvalidIdentifier(f"expected a bracketed AI of 2-4 digits at {text[position:]!r}", where=_WHERE)
        value, position = _read_bracketed_value(text, m.end())
        parts.append((m.group(1), value))
    return parts


def _read_bracketed_value(text: str, start: int) -> tuple[str, int]:
    chars, i = [], start
    while i < len(text) and text[i] != "(":
        if text.startswith("\\(", i):
            chars.append("(")
            i += 2
        else:
            chars.append(text[i])
            i += 1
    return "".join(chars), i


def parse_fnc1(data: str) -> AIPairs:
    """Parse barcode data: FNC1 (``^`` or GS) or a GS1 symbology identifier first, then AIs.

    Raises
    ------
    InvalidIdentifier
        For data without a leading FNC1 or symbology identifier, an unknown AI, a value of the
        wrong length or character set, or a failed check such as the check digit.

    Examples
    --------
    >>> parse_fnc1("^010950600013435210LOT1^2112")
    (('01', '09506000134352'), ('10', 'LOT1'), ('21', '12'))
    >>> parse_fnc1("]d2010950600013435221ABC\\x1d17261231")
    (('01', '09506000134352'), ('21', 'ABC'), ('17', '261231'))
    """
    body = _strip_start(data).replace(GS, FNC1)
    pairs, position = [], 0
    while position < len(body):
        if body[position] == FNC1:
            position += 1
            continue
        ai, value, position = _read_fnc1_element(body, position)
        validate_ai_value(ai, value, where=_WHERE)
        pairs.append((ai, value))
    if not pairs:
        raise InvalidIdentifier("no AI data after the FNC1", where=_WHERE)
    return tuple(pairs)


def _strip_start(data: str) -> str:
    if data[:1] in (FNC1, GS):
        return data[1:]
    if data.startswith(GS1_SYMBOLOGY_IDS):
        return data[3:]
    raise InvalidIdentifier("barcode data must start with FNC1 (^) or a GS1 symbology identifier such as ]d2",
                            where=_WHERE)


def _read_fnc1_element(body: str, position: int) -> tuple[str, str, int]:
    ai = ai_prefix_of(body[position:position + 4])
    if ai is None:
        raise InvalidIdentifier(f"no known AI at {body[position:position + 8]!r}", where=_WHERE)
    entry = lookup(ai)
    start = position + len(ai)
    if entry.fixed_length:
        end = start + entry.max_length
        value = body[start:end]
        if FNC1 in value or len(value) < entry.max_length:
            raise InvalidIdentifier(f"AI ({ai}) {entry.title} needs exactly {entry.max_length} characters",
                                    where=_WHERE)
        return ai, value, end
    end = body.find(FNC1, start)
    end = len(body) if end < 0 else end
    return ai, body[start:end], end


def to_bracketed(pairs: Iterable[tuple[str, str]]) -> str:
    """Render pairs as a bracketed element string (``(`` in a value escaped as ``\\(``).

    Examples
    --------
    >>> to_bracketed([("01", "09506000134352"), ("21", "A(1)")])
    '(01)09506000134352(21)A\\\\(1)'
    """
    return "".join(f"({ai}){value.replace('(', chr(92) + '(')}" for ai, value in pairs)


def to_fnc1(pairs: Iterable[tuple[str, str]]) -> str:
    """Render pairs as barcode data with ``^`` for FNC1: first, and after each variable-length value but the last.

    Examples
    --------
    >>> to_fnc1([("01", "09506000134352"), ("10", "L1"), ("21", "7")])
    '^010950600013435210L1^217'
    """
    out = [FNC1]
    items = list(pairs)
    for index, (ai, value) in enumerate(items):
        out.append(ai + value)
        if index < len(items) - 1 and not lookup(ai).fixed_length:
            out.append(FNC1)
    return "".join(out)
