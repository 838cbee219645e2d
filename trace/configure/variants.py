"""Which variant GTIN a configuration resolves to, and the definition check that keeps the answer unique (pure).

A variant is a product (GTIN) with a set of options. It matches a configuration that holds all of
its options; a variant with no options matches every configuration (a default). Of the matches,
the configuration resolves to the most specific one: the match whose options include every other
match's options. No match: the configuration is of the model's base product.

Two variants that could match one configuration with neither more specific (for example ``{10
kWh}`` and ``{red}``, or two variants of the same options) would make the answer depend on the
order of the rows, so :func:`ambiguities` finds such pairs and the model is refused when it is
defined. Two variants can meet unless a single-choice group or an ``excludes`` rule keeps their
options apart; a pair that can meet is fine when one contains the other, or when a third variant
has exactly the options of both together (it is then the more specific match). That is enough: the
options of all the matches of a valid configuration then form a variant too, which contains them all.
"""

from __future__ import annotations

from collections.abc import Sequence, Set as AbstractSet
from dataclasses import dataclass
from itertools import combinations

from cradletrace.configure.rules import Definition
from cradletrace.errors import Conflict


@dataclass(frozen=True)
class Variant:
    """A variant GTIN and the options a configuration must hold to resolve to it."""

    product: str
    options: frozenset[str]


def resolve(variants: Sequence[Variant], chosen: AbstractSet[str]) -> Variant | None:
    """The most specific variant whose options are all chosen, or ``None`` when none is.

    Raises
    ------
    Conflict
        When two matches are equally specific (a definition :func:`ambiguities` refuses).

    Examples
    --------
    >>> v = [Variant("A", frozenset()), Variant("B", frozenset({"c10"})), Variant("C", frozenset({"c10", "red"}))]
    >>> resolve(v, {"c10", "red", "hv"}).product, resolve(v, {"c10", "blue"}).product, resolve(v, {"c5"}).product
    ('C', 'B', 'A')
    >>> resolve(v[1:], {"c5"}) is None
    True
    """
    matches = [v for v in variants if v.options <= chosen]
    if not matches:
        return None
    best = max(matches, key=lambda v: len(v.options))
    tied = next((m for m in matches if not m.options <= best.options), None)
    if tied is not None:
        raise Conflict(f"variants {best.product} and {tied.product} both match options {', '.join(sorted(chosen))}",
                       where="variants")
    return best


def ambiguities(definition: Definition, variants: Sequence[Variant]) -> list[tuple[Variant, Variant]]:
    """The pairs of variants that could both match one configuration with neither more specific.

    Examples
    --------
    >>> from cradletrace.configure.rules import Group
    >>> d = Definition("BAT", (Group("cap", "Capacity", ("c5", "c10")), Group("col", "Colour", ("red", "blue"))))
    >>> a, b = Variant("A", frozenset({"c10"})), Variant("B", frozenset({"red"}))
    >>> [(x.product, y.product) for x, y in ambiguities(d, [a, b])]
    [('A', 'B')]
    >>> ambiguities(d, [a, b, Variant("AB", frozenset({"c10", "red"}))])
    []
    >>> ambiguities(d, [a, Variant("C", frozenset({"c5"}))])  # one capacity only: they never meet
    []
    """
    combined = {v.options for v in variants}
    found = []
    for a, b in combinations(variants, 2):
        both = a.options | b.options
        nested = a.options <= b.options or b.options <= a.options
        if a.options == b.options or (not nested and definition.can_meet(both) and both not in combined):
            found.append((a, b))
    return found
