"""Validation of one AI value against the syntax dictionary: character set, length, and linters per component."""

from __future__ import annotations

import re

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers.ai_table import AIEntry, Component, lookup
from cradletrace.identifiers.linters import lint

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CSET39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CHARSETS = {
    "N": (re.compile(r"[0-9]*"), "digits 0-9"),
    "X": (re.compile("[" + re.escape(CSET82) + "]*"), "CSET 82 characters"),
    "Y": (re.compile("[" + re.escape(CSET39) + "]*"), "CSET 39 characters (0-9 A-Z # - /)"),
    "Z": (re.compile(r"[A-Za-z0-9_-]*"), "base64url characters"),
}


def validate_ai_value(ai: str, value: str, *, where: str | None = None) -> AIEntry:
    """Check ``value`` against everything the syntax dictionary says about ``ai``; return the entry.

    Parameters
    ----------
    ai : str
        The Application Identifier, for example ``"01"``.
    value : str
        Its value, unescaped.
    where : str, optional
        Location for the error (for example ``"Digital Link path"``).

    Raises
    ------
    InvalidIdentifier
        Naming the AI and what is wrong: unknown AI, empty value, wrong length, a character
        outside the character set, or a failed content check such as the check digit.

    Examples
    --------
    >>> validate_ai_value("01", "09506000134352").title
    'GTIN'
    >>> validate_ai_value("01", "09506000134353")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: AI (01) GTIN '09506000134353': check digit should be 2
    >>> validate_ai_value("10", "")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: AI (10) BATCH/LOT has an empty value
    """
    entry = lookup(ai, where=where)
    if not value:
        raise InvalidIdentifier(f"AI ({ai}) {entry.title} has an empty value", where=where)
    problem = _problem(entry, value)
    if problem:
        raise InvalidIdentifier(f"AI ({ai}) {entry.title} {value!r}: {problem}", where=where)
    return entry


def _problem(entry: AIEntry, value: str) -> str | None:
    if len(value) > entry.max_length:
        return f"too long ({len(value)} characters, at most {entry.max_length})"
    position = 0
    for component in entry.components:
        if position >= len(value) and component.optional:
            break
        part = value[position:position + component.max_length]
        problem = _component_problem(component, part)
        if problem:
            return problem
        position += len(part)
    if position < len(value):
        return f"too long ({len(value)} characters, at most {position})"
    return None


def _component_problem(component: Component, part: str) -> str | None:
    if len(part) < component.min_length:
        return f"too short (a part needs {component.min_length} characters, got {len(part)})"
    if component.charset == "Z":
        problem = _base64url_problem(part)
        if problem:
            return problem
    else:
        pattern, what = _CHARSETS[component.charset]
        if not pattern.fullmatch(part):
            bad = next(c for c in part if not pattern.fullmatch(c))
            return f"{bad!r} is not allowed: only {what}"
    for name in component.linters:
        problem = lint(name, part)
        if problem:
            return problem
    return None


def _base64url_problem(part: str) -> str | None:
    data = part.rstrip("=")
    pads = len(part) - len(data)
    if pads > 2 or (pads and len(part) % 3):
        return "bad base64url padding"
    pattern, what = _CHARSETS["Z"]
    if not pattern.fullmatch(data):
        bad = next(c for c in data if not pattern.fullmatch(c))
        return f"{bad!r} is not allowed: only {what}"
    return None
