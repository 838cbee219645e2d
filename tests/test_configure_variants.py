"""cradletrace.configure.variants: the most specific match, and definitions that could not say which one is."""

from __future__ import annotations

from itertools import chain, combinations, product

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cradletrace.configure.rules import EXCLUDES, Definition, Group, Rule
from cradletrace.configure.variants import Variant, ambiguities, resolve
from cradletrace.errors import Conflict

D = Definition("PACK", (Group("cap", "Capacity", ("c5", "c10")), Group("chem", "Chemistry", ("nmc", "lfp")),
                        Group("acc", "Accessories", ("mount", "heater"), required=False, multiple=True)),
               (Rule("C5-NO-HEATER", EXCLUDES, "c5", "heater"),))


def v(product: str, *options: str) -> Variant:
    return Variant(product, frozenset(options))


def test_the_most_specific_match_wins() -> None:
    variants = [v("PACK10", "c10"), v("PACK10L", "c10", "lfp"), v("PACK5", "c5"), v("ANY")]
    assert resolve(variants, {"c10", "lfp", "mount"}) == v("PACK10L", "c10", "lfp")  # 2 options beat 1 and 0
    assert resolve(variants, {"c10", "nmc"}) == v("PACK10", "c10")
    assert resolve(variants, {"c5", "lfp"}) == v("PACK5", "c5")
    assert resolve(variants[:3], {"c5"}).product == "PACK5"
    assert resolve(variants[:2], {"c5", "nmc"}) is None  # the base product


def test_an_ambiguous_resolution_is_a_conflict() -> None:
    with pytest.raises(Conflict, match="variants A and B both match"):
        resolve([v("A", "c10"), v("B", "lfp")], {"c10", "lfp"})


def test_ambiguous_definitions() -> None:
    a, b = v("A", "c10"), v("B", "lfp")
    assert ambiguities(D, [a, b]) == [(a, b)]  # {c10, lfp} matches both, equally specific
    assert ambiguities(D, [a, b, v("AB", "c10", "lfp")]) == []  # ... unless a variant holds both
    assert ambiguities(D, [a, v("C", "c5")]) == []  # one capacity: they never meet
    assert ambiguities(D, [v("C", "c5"), v("H", "heater")]) == []  # an excludes rule keeps them apart
    assert ambiguities(D, [v("M", "mount"), v("H", "heater")]) == [(v("M", "mount"), v("H", "heater"))]  # several
    assert ambiguities(D, [v("X", "lfp"), v("Y", "lfp")]) == [(v("X", "lfp"), v("Y", "lfp"))]  # the same options


@st.composite
def variant_sets(draw: st.DrawFn) -> list[Variant]:
    options = [o for g in D.groups for o in g.options]
    sets = draw(st.lists(st.frozensets(st.sampled_from(options), max_size=3), max_size=5, unique=True))
    return [Variant(f"V{i}", s) for i, s in enumerate(sets)]


def configurations() -> list[frozenset[str]]:
    caps, chems = ("c5", "c10"), ("nmc", "lfp")
    accs = list(chain.from_iterable(combinations(("mount", "heater"), n) for n in range(3)))
    return [frozenset((c, m, *a)) for c, m, a in product(caps, chems, accs) if not (c == "c5" and "heater" in a)]


@settings(max_examples=200, deadline=None)
@given(variants=variant_sets(), order=st.randoms(use_true_random=False))
def test_without_ambiguities_every_configuration_resolves_whatever_the_order(  # type: ignore[no-untyped-def]
        variants, order) -> None:
    assume(not ambiguities(D, variants))
    shuffled = list(variants)
    order.shuffle(shuffled)
    for chosen in configurations():
        best = resolve(variants, chosen)
        assert resolve(shuffled, chosen) == best
        matches = [x for x in variants if x.options <= chosen]
        assert (best is None) == (not matches)
        assert all(x.options <= best.options for x in matches)  # it holds every other match's options
