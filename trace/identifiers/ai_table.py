"""The table of GS1 Application Identifiers, read from the GS1 Barcode Syntax Dictionary in ``cradletrace/data``.

Each entry says how an AI's value is built (components with a character set, a length and
content checks called linters), whether the AI needs an FNC1 separator after it, whether it
may be a Digital Link query attribute, and, for primary keys, which qualifiers may follow it
in a Digital Link path and in which order.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from cradletrace.errors import InvalidIdentifier

DICTIONARY_FILE = "gs1-syntax-dictionary.txt"

_FLAG_CHARS = set("*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~")
_COMPONENT = re.compile(r"(\[)?([NXYZ])(\.\.)?(\d+)\]?((?:,[a-z0-9]+)*)\]?")
_AI_RANGE = re.compile(r"(\d{2,4})(?:-(\d{2,4}))?")


@dataclass(frozen=True, slots=True)
class Component:
    """One part of an AI's value: character set, length bounds, and the linters that check it.

    ``charset`` is ``N`` (digits), ``X`` (CSET 82), ``Y`` (CSET 39) or ``Z`` (base64url).
    """

    charset: str
    min_length: int
    max_length: int
    optional: bool
    linters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AIEntry:
    """What the syntax dictionary says about one Application Identifier."""

    ai: str
    title: str
    fixed_length: bool
    dl_attribute: bool
    components: tuple[Component, ...]
    dl_qualifier_chains: tuple[tuple[str, ...], ...] | None
    requires: tuple[tuple[tuple[str, ...], ...], ...]
    excludes: tuple[str, ...]

    @property
    def is_primary_key(self) -> bool:
        """Whether this AI can start a Digital Link path."""
        return self.dl_qualifier_chains is not None

    @property
    def max_length(self) -> int:
        """Longest value the AI allows."""
        return sum(c.max_length for c in self.components)

    @property
    def min_length(self) -> int:
        """Shortest value the AI allows (optional components left out)."""
        return sum(c.min_length for c in self.components if not c.optional)


def _parse_component(token: str) -> Component:
    m = _COMPONENT.fullmatch(token)
    if not m:
        raise ValueError(f"bad component {token!r} in the syntax dictionary")
    optional, charset, variable, length, linters = m.groups()
    max_length = int(length)
    return Component(charset, 1 if variable else max_length, max_length, bool(optional),
                     tuple(x for x in linters.split(",") if x))


def _parse_chains(value: str | None) -> tuple[tuple[str, ...], ...]:
    if not value:
        return ((),)
    return tuple(tuple(q for q in alt.split(",") if q) for alt in value.split("|"))


def _parse_line(line: str) -> list[AIEntry]:
    body, _, title = line.partition("#")
    tokens = body.split()
    ais = _AI_RANGE.fullmatch(tokens[0])
    if not ais:
        raise ValueError(f"bad AI {tokens[0]!r} in the syntax dictionary")
    rest = tokens[1:]
    flags = rest.pop(0) if rest and set(rest[0]) <= _FLAG_CHARS else ""
    components, chains, requires, excludes = [], None, [], []
    for token in rest:
        key, _, value = token.partition("=")
        if token[0] in "NXYZ[" and key == token:
            components.append(_parse_component(token))
        elif key == "dlpkey":
            chains = _parse_chains(value)
        elif key == "req":
            requires.append(tuple(tuple(alt.split("+")) for alt in value.split(",")))
        elif key == "ex":
            excludes.extend(value.split(","))
    first, last = ais.group(1), ais.group(2) or ais.group(1)
    width = len(first)
    return [AIEntry(str(n).zfill(width), title.strip(), "*" in flags, "?" in flags, tuple(components), chains,
                    tuple(requires), tuple(excludes))
            for n in range(int(first), int(last) + 1)]


@functools.cache
def table() -> dict[str, AIEntry]:
    """Every AI in the syntax dictionary, by its digits.

    Examples
    --------
    >>> table()["01"].title
    'GTIN'
    >>> table()["01"].dl_qualifier_chains
    (('22', '10', '21'), ('235',))
    >>> table()["3103"].fixed_length, table()["17"].dl_attribute
    (True, True)
    """
    text = resources.files("cradletrace").joinpath("data", DICTIONARY_FILE).read_text(encoding="utf-8")
    entries: dict[str, AIEntry] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            for entry in _parse_line(line):
                entries[entry.ai] = entry
    return entries


def lookup(ai: str, *, where: str | None = None) -> AIEntry:
    """The dictionary entry of ``ai``.

    Raises
    ------
    InvalidIdentifier
        If ``ai`` is not a known Application Identifier.

    Examples
    --------
    >>> lookup("21").title
    'SERIAL'
    >>> lookup("89")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: unknown Application Identifier (89)
    """
    entry = table().get(ai)
    if entry is None:
        raise InvalidIdentifier(f"unknown Application Identifier ({ai})", where=where)
    return entry


def ai_prefix_of(data: str) -> str | None:
    """The AI that ``data`` starts with (2, 3 or 4 digits), or ``None`` if it starts with no known AI.

    Examples
    --------
    >>> ai_prefix_of("0109506000134352")
    '01'
    >>> ai_prefix_of("3103000123")
    '3103'
    >>> ai_prefix_of("8912") is None
    True
    """
    entries = table()
    for width in (2, 3, 4):
        if data[:width] in entries and len(data) >= width:
            return data[:width]
    return None


def primary_keys() -> frozenset[str]:
    """The AIs that can start a Digital Link path.

    Examples
    --------
    >>> sorted(primary_keys())[:4]
    ['00', '01', '253', '255']
    """
    return frozenset(ai for ai, e in table().items() if e.is_primary_key)


@functools.cache
def qualifiers_of(primary_ai: str) -> frozenset[str]:
    """Every AI that may qualify ``primary_ai`` in a Digital Link path, in any of its chains.

    Examples
    --------
    >>> sorted(qualifiers_of("01"))
    ['10', '21', '22', '235']
    """
    chains = table()[primary_ai].dl_qualifier_chains or ()
    return frozenset(q for chain in chains for q in chain)
