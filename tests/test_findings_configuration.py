"""cradletrace.findings.configuration: units built, or maintained, otherwise than their configuration as sold."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from configure_world import BMS, HV, LFP, LV, MOD, NMC, U1, U2, U3, U4, U5, U6, build
from cradletrace.findings import CONFIGURATION_MISMATCH, findings
from cradletrace.findings.configuration import (
    AS_BUILT,
    AS_MAINTAINED,
    Fitted,
    Moment,
    UnitCheck,
    check_unit,
    unit_checks,
)

EXPECTED = {BMS: "1", MOD: "2", LFP: "0.4", HV: "1"}  # c10 (2 modules) + lfp (0.40 kg) + hv, and the base BMS


def mismatch_findings(session: Session) -> dict[str, object]:
    return {f.identifiers[0]: f for f in findings(session, checks=[CONFIGURATION_MISMATCH])}


def test_a_unit_built_with_what_its_configuration_does_not_call_for_is_flagged(session: Session) -> None:
    events = build(session)
    found = mismatch_findings(session)
    assert sorted(found) == [U2, U3, U4]  # U1 conforms; U5 is not configured; U6 was never built
    u2 = found[U2]
    assert (u2.kind, u2.check_id, u2.severity) == (CONFIGURATION_MISMATCH, "CC-12", "warn")
    # The work order's two events: the transformation (NMC drawn) and the assembling (the parts).
    assert u2.event_ids == events["U2"]
    assert u2.detail["expected"] == EXPECTED
    (moment,) = u2.detail["moments"]
    assert (moment["moment"], moment["at"]) == ("as_built", "2026-03-04T10:00:00")
    # Fitted: 2 modules, 1 BMS, 1 LV connector; drawn: 0.35 kg of NMC (glue is not drawn into U2).
    assert moment["actual"] == {MOD: "2", BMS: "1", LV: "1", NMC: "0.35"}
    assert moment["differences"] == {LFP: {"expected": "0.4", "actual": "0"}, HV: {"expected": "1", "actual": "0"},
                                     LV: {"expected": "0", "actual": "1"}, NMC: {"expected": "0", "actual": "0.35"}}
    assert u2.message.startswith(f"{U2} differs from its configuration {u2.detail['configuration_id']} "
                                 "(order SO-1 line 1): as built 2026-03-04 10:00, LFP cathode (09506000135113) 0.4 "
                                 "expected 0 found, HV connector (09506000135076) 1 expected 0 found")


def test_a_unit_that_gets_such_a_part_in_service_is_flagged_naming_the_swap(session: Session) -> None:
    events = build(session)
    u3 = mismatch_findings(session)[U3]
    assert u3.event_ids == events["swap"]  # removing, then replacing; the (conforming) build is not involved
    (moment,) = u3.detail["moments"]
    assert (moment["moment"], moment["at"]) == ("as_maintained", "2026-03-20T09:00:00")
    assert moment["actual"] == {MOD: "2", BMS: "1", LV: "1", LFP: "0.4"}
    assert moment["differences"] == {HV: {"expected": "1", "actual": "0"}, LV: {"expected": "0", "actual": "1"}}
    assert "after a change 2026-03-20 09:00" in u3.message


def test_a_material_missing_from_a_unit_made_to_order(session: Session) -> None:
    events = build(session)
    u4 = mismatch_findings(session)[U4]
    assert u4.event_ids == events["U4"]  # the assembling after allocation; commissioning put nothing in
    (moment,) = u4.detail["moments"]
    assert moment["at"] == "2026-03-05T09:00:00" and moment["differences"] == {LFP: {"expected": "0.4", "actual": "0"}}


def test_conforming_unconfigured_and_unbuilt_units(session: Session) -> None:
    build(session)
    checks = {c.unit: c for c in unit_checks(session)}
    assert sorted(checks) == [U1, U2, U3, U4, U6]  # U5's line sells no configuration
    u1 = checks[U1]
    assert u1.built and not u1.differs and not u1.built_differs
    # The adhesive lot is drawn too, but the model never names adhesive: it is outside the comparison.
    assert u1.moments[0].actual == {MOD: Decimal(2), BMS: Decimal(1), HV: Decimal(1), LFP: Decimal("0.4")}
    assert not checks[U6].built and not checks[U6].differs
    assert checks[U3].built_differs is False and checks[U3].differs is True


def test_the_check_is_set_based(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    build(session)
    with count_statements(session) as sent:
        checks = unit_checks(session)
    assert len(checks) == 5 and len(sent) == 3  # the sold units, their edges, the models' catalogues


def test_no_configured_units_costs_one_query(session: Session,
                                             count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(session) as sent:
        assert unit_checks(session) == []
    assert len(sent) == 1


# -- pure ----------------------------------------------------------------------------------------------

def t(day: int) -> datetime:
    return datetime(2026, 3, day, 9)


def fitted(identifier: str, product: str, start: int, end: int | None = None, *, opened: str, step: str,
           closed: str | None = None) -> Fitted:
    return Fitted(identifier, product, False, t(start), t(end) if end else None, None, opened, step, closed)


def test_a_wrong_build_carried_through_an_unrelated_swap_is_reported_once() -> None:
    # Built on the 4th with an LV connector instead of HV; on the 10th module M1 is swapped for M3.
    rows = [fitted("M1", "MOD", 4, 10, opened="B", step="assembling", closed="S1"),
            fitted("M2", "MOD", 4, opened="B", step="assembling"),
            fitted("L", "LV", 4, opened="B", step="assembling"),
            fitted("M3", "MOD", 10, opened="S2", step="replacing")]
    check = check_unit("U", 1, "SO", 1, {"MOD": Decimal(2), "HV": Decimal(1)}, rows, ())
    assert [m.moment for m in check.moments] == [AS_BUILT, AS_MAINTAINED]
    assert [m.at.day for m in check.reported] == [4] and check.built_differs


def test_a_later_fix_does_not_erase_the_wrong_build_and_a_new_fault_is_reported_again() -> None:
    wrong = {"HV": (Decimal(1), Decimal(0))}
    moments = (Moment(AS_BUILT, t(4), {}, wrong, ("B",)), Moment(AS_MAINTAINED, t(10), {}, {}, ("S1",)),
               Moment(AS_MAINTAINED, t(12), {}, wrong, ("S2",)))
    check = UnitCheck("U", 1, "SO", 1, {"HV": Decimal(1)}, moments)
    assert [m.at.day for m in check.reported] == [4, 12] and check.differs


def test_parts_fitted_and_removed_in_the_build_count_as_they_were_at_its_end() -> None:
    # Rework on the line: the LV connector fitted on the 3rd is replaced by HV at the last assembling (4th).
    rows = [fitted("L", "LV", 3, 4, opened="A1", step="assembling", closed="A2"),
            fitted("H", "HV", 4, opened="A3", step="assembling")]
    check = check_unit("U", 1, "SO", 1, {"HV": Decimal(1)}, rows, ())
    assert [(m.moment, m.at.day, m.event_ids) for m in check.moments] == [(AS_BUILT, 4, ("A1", "A2", "A3"))]
    assert not check.differs
