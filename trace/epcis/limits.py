"""The readers' limits enforced: nesting depth, value length, events per document, document size.

The limits are settings (:class:`cradletrace.settings.Limits`, ``CRADLETRACE_MAX_*``); this
module holds the checks both readers share and the one message per limit, which names the
document, the event index, the field and the setting that raises the limit. Every refusal
is a :class:`~cradletrace.errors.LimitExceeded`, raised as soon as it is found: a hostile
document is not read further (and never reaches a ``RecursionError``).

The value check runs once per event on the value the parser built: a recursive walk that
stops one level past the nesting limit (so it cannot recurse far) and compares lengths
only; the exact path is worked out again only for a value that fails.
"""

from __future__ import annotations

from typing import Any

from cradletrace.errors import LimitExceeded
from cradletrace.settings import LIMIT_VARIABLES, Limits, load_limits

_UNLIMITED_NESTING = 1 << 30
_SHOWN_PARTS = 6  # path parts shown in full; a deeper path shows its start and its end


def resolve_limits(limits: Limits | None) -> Limits:
    """``limits``, or the configured ones (``CRADLETRACE_MAX_*``) when ``None``.

    Examples
    --------
    >>> resolve_limits(Limits(max_events=3)).max_events
    3
    """
    return load_limits() if limits is None else limits


def check_value(value: Any, limits: Limits, where: str, *, nesting: bool = True) -> None:
    """Raise :class:`LimitExceeded` when ``value`` (a JSON-shaped dict or list) nests or holds too much.

    ``value`` itself is level 1. ``nesting=False`` checks value lengths only (the XML reader
    counts elements while parsing, and its dicts and lists are not elements).

    Examples
    --------
    >>> check_value({"ex:a": [[1]]}, Limits(max_nesting=3), "doc event[0]")
    >>> check_value({"ex:a": [[[1]]]}, Limits(max_nesting=3), "doc event[0]")
    Traceback (most recent call last):
    ...
    cradletrace.errors.LimitExceeded: doc event[0].ex:a[0][0]: nested deeper than 3 levels (objects and arrays, or elements, within one event or header field); CRADLETRACE_MAX_NESTING raises the limit
    >>> check_value({"ex:a": ["x" * 11]}, Limits(max_value_bytes=10), "doc event[4]")
    Traceback (most recent call last):
    ...
    cradletrace.errors.LimitExceeded: doc event[4].ex:a[0]: a value of 11 bytes, longer than the limit of 10 bytes; CRADLETRACE_MAX_VALUE_BYTES raises the limit
    """
    room = limits.max_nesting - 1 if nesting else _UNLIMITED_NESTING
    # Fast path: a string of at most a quarter of the limit in characters fits in UTF-8 for sure.
    if _fits(value, room, limits.max_value_bytes // 4):
        return
    found = _first_excess(value, room, limits.max_value_bytes, [])
    if found is None:
        return  # long strings whose UTF-8 form is within the limit
    path, size = found
    place = where + format_path(path)
    if size is None:
        raise nesting_error(place, limits)
    raise value_error(place, limits, size=size)


def _fits(value: Any, room: int, max_chars: int) -> bool:
    if type(value) is dict:
        if any(len(key) > max_chars for key in value):
            return False
        value = value.values()
    for item in value:
        kind = type(item)
        if kind is str:
            if len(item) > max_chars:
                return False
        elif kind is dict or kind is list:
            if room <= 0 or not _fits(item, room - 1, max_chars):
                return False
    return True


def _first_excess(value: Any, room: int, max_bytes: int,
                  path: list[str | int]) -> tuple[list[str | int], int | None] | None:
    """The path of the first value too long (with its size) or too deep (size ``None``), in document order."""
    items = value.items() if type(value) is dict else enumerate(value)
    for key, item in items:
        here = [*path, key]
        if isinstance(key, str) and (size := _utf8_size(key, max_bytes)) is not None:
            return here, size
        kind = type(item)
        if kind is str:
            if (size := _utf8_size(item, max_bytes)) is not None:
                return here, size
        elif kind is dict or kind is list:
            if room <= 0:
                return here, None
            found = _first_excess(item, room - 1, max_bytes, here)
            if found is not None:
                return found
    return None


def _utf8_size(text: str, max_bytes: int) -> int | None:
    """The UTF-8 size of ``text`` when it is over ``max_bytes``, else ``None``."""
    if len(text) > max_bytes:
        return len(text.encode("utf-8", "surrogatepass"))
    if 4 * len(text) <= max_bytes:
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > max_bytes else None


def format_path(path: list[str | int]) -> str:
    """A field path as ``.key[0].other``, its middle elided when it is long.

    Examples
    --------
    >>> format_path(["ex:deep", 0, "ex:x"]), format_path(["ex:a"] * 9)
    ('.ex:deep[0].ex:x', '.ex:a.ex:a.ex:a….ex:a.ex:a')
    """
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in path]
    if len(parts) <= _SHOWN_PARTS:
        return "".join(parts)
    return "".join(parts[:3]) + "…" + "".join(parts[-2:])


def _raise_hint(attribute: str) -> str:
    return f"{LIMIT_VARIABLES[attribute]} raises the limit"


def nesting_error(where: str, limits: Limits) -> LimitExceeded:
    """The refusal of a value nested deeper than ``limits.max_nesting``."""
    return LimitExceeded(f"nested deeper than {limits.max_nesting} levels (objects and arrays, or elements, within "
                         f"one event or header field); {_raise_hint('max_nesting')}", where=where)


def value_error(where: str, limits: Limits, *, size: int | None = None, parser_limit: int | None = None) -> LimitExceeded:
    """The refusal of a value longer than ``limits.max_value_bytes`` (``size`` when known)."""
    if parser_limit is not None and parser_limit < limits.max_value_bytes:
        return LimitExceeded(f"a value longer than the XML parser accepts ({parser_limit:,} bytes), below the limit "
                             f"of {limits.max_value_bytes:,} bytes", where=where)
    what = f"a value of {size:,} bytes," if size is not None else "a value"
    return LimitExceeded(f"{what} longer than the limit of {limits.max_value_bytes:,} bytes; "
                         f"{_raise_hint('max_value_bytes')}", where=where)


def events_error(name: str, limits: Limits) -> LimitExceeded:
    """The refusal of a document with more than ``limits.max_events`` events."""
    return LimitExceeded(f"more than {limits.max_events:,} events in one document; {_raise_hint('max_events')}",
                         where=f"{name} event[{limits.max_events}]")


def document_error(name: str, limits: Limits, size: int | None = None) -> LimitExceeded:
    """The refusal of a document larger than ``limits.max_document_bytes`` (``size`` when known)."""
    what = f"the document is {size:,} bytes," if size is not None else "the document is"
    return LimitExceeded(f"{what} larger than the limit of {limits.max_document_bytes:,} bytes; "
                         f"{_raise_hint('max_document_bytes')}", where=name)
