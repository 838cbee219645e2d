"""Who may see what of a passport: the one place that decides it, section by section and field by field.

A rule names the roles that may see a section or a field; :data:`PUBLIC` means everyone, the
anonymous public included. :func:`for_viewer` applies the rules to a full passport; the web views
and the CLI both call it, so the public page, the staff page and ``cradletrace passport`` agree.

Field paths are dotted keys into a section's data; ``[]`` steps into every item of a list, so
``events[].location`` is the location of every timeline event. A field with no rule of its own
follows its section.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cradletrace.models import Role

PUBLIC: frozenset[str] = frozenset()
"""The rule "everyone": an empty set of required roles."""
STAFF: frozenset[str] = frozenset(role.value for role in Role)
"""Any signed-in role."""
COMMERCIAL = frozenset({"sales", "sales_manager", "finance", "compliance"})
"""Who may see customers, orders, invoices and prices."""
CUSTODY = frozenset({"warehouse", "supply_chain", "compliance"})
"""Who may see internal places and who recorded what."""
ENTITLEMENT = frozenset({"sales", "sales_manager", "finance", "warehouse"})
"""Who may see a unit's warranty and service-plan coverage: sales and sales managers (a customer's claim, a
plan to sell or renew), finance (whether a repair is billed) and the warehouse, whose service desk takes
units in for repair. Not compliance, supply chain or sustainability (no such work), nor the admin (users)."""
RECALL = frozenset({"supply_chain", "compliance"})
"""Who works recalls (DESIGN's roles): supply chain (lineage, recall) and compliance (full history, exports). Not
the warehouse (it scans and records; a recall hold is recorded through the services), sales, finance,
sustainability, nor the admin (users)."""


@dataclass(frozen=True)
class Visibility:
    """The roles that may see a section (:data:`PUBLIC` for everyone) and, within it, restricted fields.

    ``public_heading`` ``False`` keeps even the locked heading from the public (no roles): the section does not
    exist for them, and a public scan does not ask whether it has data. Signed-in staff who may not see it still
    get the locked heading.
    """

    roles: frozenset[str] = PUBLIC
    fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    public_heading: bool = True


def may_see(rule: frozenset[str], roles: Iterable[str]) -> bool:
    """Whether a viewer holding ``roles`` passes ``rule``.

    Examples
    --------
    >>> may_see(PUBLIC, []), may_see(COMMERCIAL, ["warehouse"]), may_see(COMMERCIAL, ["finance"])
    (True, False, True)
    """
    return not rule or bool(rule & set(roles))


def for_viewer(passport: Mapping[str, Any], roles: Iterable[str], visibilities: Mapping[str, Visibility]
               ) -> dict[str, Any]:
    """The passport as a viewer holding ``roles`` may see it (no roles: the public view).

    Sections the viewer may not see become ``{"name", "title", "locked": True, "roles": [...]}``
    (a locked heading that says which roles may), or nothing for the public when the section has no
    ``public_heading``; restricted fields are removed. ``passport`` is not changed.

    Examples
    --------
    >>> full = {"identifier": "u", "sections": [
    ...     {"name": "status", "title": "Status", "data": {"status": "active", "place": "Plant 1"}},
    ...     {"name": "orders", "title": "Orders", "data": {"orders": ["PO-1"]}}]}
    >>> rules = {"status": Visibility(fields={"place": CUSTODY}), "orders": Visibility(COMMERCIAL)}
    >>> [s.get("data") for s in for_viewer(full, [], rules)["sections"]]
    [{'status': 'active'}, None]
    >>> for_viewer(full, [], rules)["sections"][1]["locked"], for_viewer(full, ["finance"], rules)["sections"][1]["data"]
    (True, {'orders': ['PO-1']})
    >>> rules["orders"] = Visibility(COMMERCIAL, public_heading=False)
    >>> [s["name"] for s in for_viewer(full, [], rules)["sections"]], for_viewer(full, ["warehouse"], rules)["sections"][1]
    (['status'], {'name': 'orders', 'title': 'Orders', 'locked': True, 'roles': ['compliance', 'finance', 'sales', 'sales_manager']})
    """
    held = frozenset(roles)
    out = {key: value for key, value in passport.items() if key != "sections"}
    out["viewer"] = {"roles": sorted(held), "public": not held}
    sections = []
    for section in passport["sections"]:
        rule = visibilities.get(section["name"], Visibility(STAFF))  # a section without a rule is staff-only
        if not may_see(rule.roles, held):
            if not held and not rule.public_heading:
                continue
            sections.append({"name": section["name"], "title": section["title"], "locked": True,
                             "roles": sorted(rule.roles)})
            continue
        data = copy.deepcopy(section["data"])
        for path, field_rule in rule.fields.items():
            if not may_see(field_rule, held):
                _remove(data, path.split("."))
        sections.append({**section, "data": data})
    out["sections"] = sections
    return out


def _remove(value: Any, steps: list[str]) -> None:
    if not steps or value is None:
        return
    step, rest = steps[0], steps[1:]
    each = step.endswith("[]")
    key = step[:-2] if each else step
    if not isinstance(value, dict) or key not in value:
        return
    if each:
        for item in value[key] or ():
            if rest:
                _remove(item, rest)
        if not rest:
            del value[key]
    elif rest:
        _remove(value[key], rest)
    else:
        del value[key]
