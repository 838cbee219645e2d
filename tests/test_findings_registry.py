"""cradletrace.findings.registry: every check of every family module is run, once, in report order."""

from __future__ import annotations

from cradletrace.findings import CHECKS
from cradletrace.findings.registry import FAMILIES, REPORT_ORDER


def test_every_family_check_is_in_the_report_order_once() -> None:
    kinds = [kind for family in FAMILIES.values() for kind in family]
    assert len(kinds) == len(set(kinds)), "a kind belongs to one family"
    assert sorted(kinds) == sorted(REPORT_ORDER), "a check missing from REPORT_ORDER would never run"
    assert list(CHECKS) == list(REPORT_ORDER)
    assert all(CHECKS[kind] is family[kind] for family in FAMILIES.values() for kind in family)
