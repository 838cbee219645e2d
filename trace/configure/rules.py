"""Whether a set of chosen options is a valid configuration of a model: its option groups and its rules (pure).

A model's definition as plain data (:class:`Definition`: option groups with their options, and
:class:`Rule` s between options) and the checks a configuration must pass before it is saved:

* every option chosen is an option of the model;
* a required group has a choice, and a single-choice group has at most one;
* no rule is broken: ``A requires B`` is broken when A is chosen without B, ``A excludes B``
  when both are chosen.

:func:`violations` lists everything a choice breaks (a form shows them all); :func:`check` refuses
the first of them with a :class:`~cradletrace.errors.RuleViolation` whose ``where`` names what it
breaks (``rule CODE``, ``group CODE`` or ``option CODE``) and whose message says why, with the
rule's own message.
"""

from __future__ import annotations

from collections.abc import Iterable, Set as AbstractSet
from dataclasses import dataclass, field

from cradletrace.errors import RuleViolation

REQUIRES = "requires"
EXCLUDES = "excludes"
RULE_KINDS = (REQUIRES, EXCLUDES)


@dataclass(frozen=True)
class Group:
    """An option group: a choice to make (capacity, chemistry ...), required or not, of one option or several."""

    code: str
    name: str
    options: tuple[str, ...]
    required: bool = True
    multiple: bool = False


@dataclass(frozen=True)
class Rule:
    """``option`` requires, or excludes, ``other``; ``code`` names the rule in errors, ``message`` explains it."""

    code: str
    kind: str
    option: str
    other: str
    message: str | None = None

    def broken_by(self, chosen: AbstractSet[str]) -> bool:
        """Whether the chosen options break this rule.

        Examples
        --------
        >>> rule = Rule("R1", REQUIRES, "lfp", "hv")
        >>> rule.broken_by({"lfp"}), rule.broken_by({"lfp", "hv"}), rule.broken_by({"hv"})
        (True, False, False)
        >>> Rule("R2", EXCLUDES, "lfp", "red").broken_by({"lfp", "red"})
        True
        """
        if self.option not in chosen:
            return False
        return (self.other not in chosen) if self.kind == REQUIRES else (self.other in chosen)

    def explain(self) -> str:
        """The rule in words, with its message.

        Examples
        --------
        >>> Rule("R1", REQUIRES, "lfp", "hv", "LFP cells charge at 58 V").explain()
        'option lfp requires option hv (LFP cells charge at 58 V)'
        """
        text = f"option {self.option} {self.kind} option {self.other}"
        return f"{text} ({self.message})" if self.message else text


@dataclass(frozen=True)
class Definition:
    """A configurable model's choices: its code, its option groups in order and its rules."""

    model: str
    groups: tuple[Group, ...]
    rules: tuple[Rule, ...] = ()
    group_of: dict[str, Group] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "group_of", {o: g for g in self.groups for o in g.options})

    def can_meet(self, options: AbstractSet[str]) -> bool:
        """Whether some configuration could hold all of ``options`` together, as far as single-choice groups and
        ``excludes`` rules tell (``requires`` rules and required groups are not followed).

        Examples
        --------
        >>> d = Definition("BAT", (Group("cap", "Capacity", ("c5", "c10")), Group("col", "Colour", ("red", "blue"))),
        ...                (Rule("X", EXCLUDES, "c10", "red"),))
        >>> d.can_meet({"c5", "red"}), d.can_meet({"c5", "c10"}), d.can_meet({"c10", "red"})
        (True, False, False)
        """
        for group in self.groups:
            if not group.multiple and len(options & set(group.options)) > 1:
                return False
        return not any(r.kind == EXCLUDES and r.option in options and r.other in options for r in self.rules)


def violations(definition: Definition, chosen: Iterable[str]) -> list[RuleViolation]:
    """Everything a choice of options breaks: unknown options, then groups in order, then rules in order.

    Examples
    --------
    >>> d = Definition("BAT", (Group("cap", "Capacity", ("c5", "c10")), Group("conn", "Connector", ("hv", "lv"))),
    ...                (Rule("LFP-HV", REQUIRES, "c10", "hv", "10 kWh charges at 58 V"),))
    >>> violations(d, {"c5", "lv"})
    []
    >>> [str(v) for v in violations(d, {"c10", "lv"})]
    ['rule LFP-HV: option c10 requires option hv (10 kWh charges at 58 V)']
    >>> [v.where for v in violations(d, {"c5", "c10", "xl"})]
    ['option xl', 'group cap', 'group conn', 'rule LFP-HV']
    """
    picked = set(chosen)
    found = [RuleViolation(f"model {definition.model} has no option {code!r}", where=f"option {code}")
             for code in sorted(picked - definition.group_of.keys())]
    for group in definition.groups:
        taken = [o for o in group.options if o in picked]
        if group.required and not taken:
            found.append(RuleViolation(f"{group.name} needs a choice: one of {', '.join(group.options)}",
                                       where=f"group {group.code}"))
        elif not group.multiple and len(taken) > 1:
            found.append(RuleViolation(f"{group.name} takes one option, not {' and '.join(taken)}",
                                       where=f"group {group.code}"))
    found += [RuleViolation(rule.explain(), where=f"rule {rule.code}")
              for rule in definition.rules if rule.broken_by(picked)]
    return found


def check(definition: Definition, chosen: Iterable[str]) -> frozenset[str]:
    """The chosen options, once each, when they make a valid configuration.

    Raises
    ------
    RuleViolation
        The first of :func:`violations`: its ``where`` is ``rule CODE``, ``group CODE`` or ``option CODE``.

    Examples
    --------
    >>> d = Definition("BAT", (Group("col", "Colour", ("red", "blue"), required=False),
    ...                        Group("acc", "Accessories", ("mount", "cover"), required=False, multiple=True)),
    ...                (Rule("NO-RED-COVER", EXCLUDES, "cover", "red"),))
    >>> sorted(check(d, ["blue", "mount", "cover"]))
    ['blue', 'cover', 'mount']
    >>> check(d, ["red", "cover"])
    Traceback (most recent call last):
    ...
    cradletrace.errors.RuleViolation: rule NO-RED-COVER: option cover excludes option red
    """
    picked = frozenset(chosen)
    found = violations(definition, picked)
    if found:
        raise found[0]
    return picked
