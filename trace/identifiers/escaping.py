"""Percent-encoding of AI values in Digital Link paths and query strings.

Everything except the unreserved characters ``A-Z a-z 0-9 - . _ ~`` is escaped as ``%HH``
(upper-case hex). In a path ``+`` is a literal plus; in a query a space is written ``+``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from cradletrace.errors import InvalidIdentifier

_UNRESERVED = "-._~"
_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def escape_path(value: str) -> str:
    """Percent-encode an AI value for a Digital Link path segment.

    Examples
    --------
    >>> escape_path("ABC+1/2 x")
    'ABC%2B1%2F2%20x'
    """
    return quote(value, safe=_UNRESERVED)


def escape_query(value: str) -> str:
    """Percent-encode an AI value for a Digital Link query string (a space becomes ``+``).

    Examples
    --------
    >>> escape_query("ABC+1 x")
    'ABC%2B1+x'
    """
    return quote(value, safe=_UNRESERVED + " ").replace(" ", "+")


def unescape_path(value: str, *, where: str | None = None) -> str:
    """Decode ``%HH`` escapes in a path segment (``+`` stays a plus).

    A ``%`` that does not start a ``%HH`` escape is kept as it is.

    Raises
    ------
    InvalidIdentifier
        For an encoded NUL (``%00``) or escaped bytes that are not UTF-8.

    Examples
    --------
    >>> unescape_path("A%20B+C")
    'A B+C'
    """
    return _unescape(value, where=where)


def unescape_query(value: str, *, where: str | None = None) -> str:
    """Decode a query-string value: ``+`` is a space, then ``%HH`` escapes.

    Examples
    --------
    >>> unescape_query("A+B%2BC")
    'A B+C'
    """
    return _unescape(value.replace("+", " "), where=where)


def _unescape(value: str, *, where: str | None) -> str:
    """Decode each well-formed run of ``%HH`` escapes; a ``%`` not followed by two hex digits stays literal."""
    if "%" not in value:
        return value
    return _ESCAPE_RUN.sub(lambda m: _decode_run(m.group(0), value, where), value)


def _decode_run(run: str, value: str, where: str | None) -> str:
    raw = bytes.fromhex(run.replace("%", ""))
    if b"\x00" in raw:
        raise InvalidIdentifier(f"percent-encoded NUL (%00) in {value!r}", where=where)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidIdentifier(f"percent-escapes in {value!r} are not UTF-8", where=where) from None
