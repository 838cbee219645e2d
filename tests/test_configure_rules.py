"""cradletrace.configure.rules: a choice is accepted exactly when it is one of the valid configurations."""

from __future__ import annotations

from itertools import chain, combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cradletrace.configure.rules import EXCLUDES, REQUIRES, Definition, Group, Rule, check, violations
from cradletrace.errors import RuleViolation

PACK = Definition("PACK", (
    Group("cap", "Capacity", ("c5", "c10")),
    Group("chem", "Cell chemistry", ("nmc", "lfp")),
    Group("conn", "Connector", ("lv", "hv")),
    Group("acc", "Accessories", ("mount", "heater"), required=False, multiple=True),
), (Rule("LFP-HV", REQUIRES, "lfp", "hv", "LFP packs charge at 58 V"),
    Rule("C5-NO-HEATER", EXCLUDES, "c5", "heater", "the 5 kWh housing has no room for a heater")))


def test_a_valid_configuration_is_accepted_once_per_option() -> None:
    assert check(PACK, ["c10", "lfp", "hv", "mount", "heater", "hv"]) == {"c10", "lfp", "hv", "mount", "heater"}
    assert violations(PACK, ["c5", "nmc", "lv"]) == []


@pytest.mark.parametrize(("chosen", "where", "says"), [
    (["c10", "lfp", "lv"], "rule LFP-HV", "option lfp requires option hv (LFP packs charge at 58 V)"),
    (["c5", "nmc", "lv", "heater"], "rule C5-NO-HEATER",
     "option c5 excludes option heater (the 5 kWh housing has no room for a heater)"),
    (["c5", "lv"], "group chem", "Cell chemistry needs a choice: one of nmc, lfp"),
    (["c5", "c10", "nmc", "lv"], "group cap", "Capacity takes one option, not c5 and c10"),
    (["c5", "nmc", "lv", "xl"], "option xl", "model PACK has no option 'xl'"),
])
def test_each_kind_of_fault_is_refused_naming_what_it_breaks(chosen: list[str], where: str, says: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        check(PACK, chosen)
    assert (caught.value.where, caught.value.message) == (where, says)


def test_every_fault_is_listed_in_order() -> None:
    # xl is unknown; every group has its choice; lfp without hv and c5 with heater break both rules.
    found = violations(PACK, ["c5", "lfp", "lv", "heater", "xl"])
    assert [v.where for v in found] == ["option xl", "rule LFP-HV", "rule C5-NO-HEATER"]
    assert [v.where for v in violations(PACK, [])] == ["group cap", "group chem", "group conn"]


# -- property: accepted iff the brute-force reference accepts ---------------------------------------

def reference(definition: Definition) -> set[frozenset[str]]:
    """Every valid configuration, enumerated: each group's allowed selections, crossed, then filtered by the rules."""
    def selections(group: Group) -> list[tuple[str, ...]]:
        if group.multiple:
            picks = list(chain.from_iterable(combinations(group.options, n) for n in range(len(group.options) + 1)))
        else:
            picks = [()] + [(o,) for o in group.options]
        return [p for p in picks if p or not group.required]

    valid = set()
    for picks in product(*(selections(g) for g in definition.groups)):
        chosen = frozenset(chain.from_iterable(picks))
        if all(not (r.option in chosen and ((r.kind == REQUIRES) != (r.other in chosen))) for r in definition.rules):
            valid.add(chosen)
    return valid


@st.composite
def definitions(draw: st.DrawFn) -> Definition:
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    groups, n = [], 0
    for i, size in enumerate(sizes):
        options = tuple(f"o{n + k}" for k in range(size))
        n += size
        groups.append(Group(f"g{i}", f"Group {i}", options, draw(st.booleans()), draw(st.booleans())))
    codes = [o for g in groups for o in g.options]
    pairs = st.tuples(st.sampled_from(codes), st.sampled_from(codes)).filter(lambda p: p[0] != p[1])
    rules = [Rule(f"R{i}", draw(st.sampled_from([REQUIRES, EXCLUDES])), a, b)
             for i, (a, b) in enumerate(draw(st.lists(pairs, max_size=4)))] if len(codes) > 1 else []
    return Definition("M", tuple(groups), tuple(rules))


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_accepted_iff_the_reference_accepts(data: st.DataObject) -> None:
    definition = data.draw(definitions())
    known = [o for g in definition.groups for o in g.options]
    valid = reference(definition)
    # Half the time a valid configuration (when there is one), else any choice: both answers get tried.
    anything = st.lists(st.sampled_from([*known, "unknown"]), max_size=6).map(frozenset)
    chosen = data.draw(st.sampled_from(sorted(valid, key=sorted)) | anything if valid else anything)
    accepted = not violations(definition, chosen)
    assert accepted == (chosen in valid)
    if accepted:
        assert check(definition, chosen) == chosen
    else:
        with pytest.raises(RuleViolation):
            check(definition, chosen)
