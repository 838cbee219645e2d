"""Entitlement of a unit on a date: warranty from the moment control passed, plans from their start, the terms
in force at that moment, and the reason why or why not."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest
from sqlalchemy.orm import Session

from contracts_world import (
    CUSTOMER_A,
    MOTOR,
    PUMP,
    SELLER,
    SITE_A,
    WAREHOUSE,
    contract,
    day,
    in_force,
    motor,
    naive,
    pump,
    sell,
    setup,
)
from cradletrace import commerce
from cradletrace.contracts import activate, entitlement, renew, terminate
from cradletrace.errors import NotFound

PLANS = [{"plan": "GOLD-36", "product": PUMP}, {"plan": "CHECK-12", "product": None, "starts_at": day(2026, 1, 1, 0)}]


def _state(ent: object) -> tuple:
    """(warranty active, its end), then (code, active, end) per plan."""
    w = ent.warranty  # type: ignore[attr-defined]
    return ((w.active, w.ends_at) if w else None,
            [(p.code, p.active, p.ends_at) for p in ent.plans])  # type: ignore[attr-defined]


def test_warranty_and_plans_over_the_life_of_a_unit(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session, plans=PLANS))
    # P1 and M1 ship on 3 Feb 2026 and Alpha receives them on 5 Feb at 09:00; P2 ships and is not received yet.
    sell(session, c1, "SO1", [pump(1), motor(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    sell(session, c1, "SO2", [pump(2)], shipped=day(2026, 2, 3))
    # The pump's warranty: 24 months from 5 Feb 2026 09:00 -> 5 Feb 2028 09:00. GOLD-36 from the same moment (later
    # than the terms' start, 1 Jan 2026): 36 months -> 5 Feb 2029. CHECK-12 from its fixed start 1 Jan 2026 -> 1 Jan 2027.
    warranty_end, gold_end, check_end = naive(2028, 2, 5), naive(2029, 2, 5), naive(2027, 1, 1, 0)

    early = entitlement(session, pump(1), day(2026, 1, 20))
    assert _state(early) == ((False, warranty_end), [("GOLD-36", False, gold_end), ("CHECK-12", True, check_end)])
    assert early.covered and not early.under_warranty and early.covers("repair") is None
    assert early.covers("inspection").code == "CHECK-12"
    assert "not under warranty on 2026-01-20: the warranty of 24 months (contract C-1, terms v1) starts on " \
           "2026-02-05" in early.reasons

    mid = entitlement(session, pump(1), day(2027, 6, 1))
    assert _state(mid) == ((True, warranty_end), [("GOLD-36", True, gold_end), ("CHECK-12", False, check_end)])
    assert mid.covers("repair").kind == "warranty"  # the warranty first
    assert mid.control.at == naive(2026, 2, 5) and mid.control.location == SITE_A
    assert (mid.contract, mid.contract_status, mid.customer, mid.terms_version) == ("C-1", "active", "Alpha", 1)
    assert mid.reasons[:2] == (
        "contract C-1 (active) for Alpha",
        f"control passed to the customer on 2026-02-05 (receiving at {SITE_A}, event {mid.control.event_id})")
    assert "under warranty until 2028-02-05: 24 months (contract C-1, terms v1) from 2026-02-05" in mid.reasons

    late = entitlement(session, pump(1), day(2028, 3, 1))
    assert _state(late) == ((False, warranty_end), [("GOLD-36", True, gold_end), ("CHECK-12", False, check_end)])
    assert late.covers("repair").code == "GOLD-36"
    assert "warranty ended on 2028-02-05 (24 months (contract C-1, terms v1) from 2026-02-05)" in late.reasons
    assert "plan CHECK-12 (Yearly inspection, 12 months, inspection) ended on 2027-01-01" in late.reasons

    # The half-open end: at 5 Feb 2029 09:00 sharp, GOLD-36 has ended.
    over = entitlement(session, pump(1), day(2029, 2, 5))
    assert not over.covered and _state(over)[1][0] == ("GOLD-36", False, gold_end)

    # The motor has no warranty under C-1's terms, and GOLD-36 is for pumps: only CHECK-12 covers it.
    m1 = entitlement(session, motor(1), day(2026, 6, 1))
    assert m1.warranty is None and [p.code for p in m1.plans] == ["CHECK-12"] and m1.gtin == MOTOR
    assert f"terms v1 of contract C-1 give product {MOTOR} no warranty" in m1.reasons

    # P2 has not reached Alpha: its warranty and GOLD-36 wait for control to pass.
    waiting = entitlement(session, pump(2), day(2026, 6, 1))
    assert waiting.control is None and _state(waiting) == ((False, None), [("GOLD-36", False, None),
                                                                         ("CHECK-12", True, check_end)])
    assert "control has not passed to the customer (no receiving or installing at the customer yet)" in waiting.reasons

    # A page renders it; JSON carries the verdicts.
    data = orjson.loads(orjson.dumps(mid.to_dict()))
    assert (data["covered"], data["under_warranty"], data["warranty"]["months"]) == (True, True, 24)


def test_no_entitlement_without_a_contract_in_force(session: Session) -> None:
    setup(session)
    sell(session, None, "SO1", [pump(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    none = entitlement(session, pump(1), day(2026, 6, 1))
    assert (none.covered, none.contract, none.reasons) == (False, None, (
        "no contract: none of the unit's documents leads to one",))
    draft = contract(session, "C-1")
    sell(session, draft, "SO2", [pump(2)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    assert entitlement(session, pump(2), day(2026, 6, 1)).reasons == (
        "contract C-1 is draft: its terms are not in force until it is signed",)
    terminate(session, draft, reason="lost to a competitor", when=day(2026, 2, 10))
    assert entitlement(session, pump(2), day(2026, 6, 1)).reasons == (
        "contract C-1 was terminated before it was signed",)


def test_termination_ends_plans_and_not_warranties(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session, plans=PLANS[:1]))
    sell(session, c1, "SO1", [pump(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    terminate(session, c1, reason="plant closed", when=day(2026, 6, 1))
    ent = entitlement(session, pump(1), day(2026, 7, 1))
    assert _state(ent) == ((True, naive(2028, 2, 5)), [("GOLD-36", False, naive(2026, 6, 1))])
    assert ent.under_warranty and ent.contract_status == "terminated"
    assert ("plan GOLD-36 (Gold service, 36 months, repair, parts, labour) ended on 2026-06-01 when contract C-1 "
            "was terminated") in ent.reasons


def test_units_delivered_after_a_renewal_get_the_renewed_terms(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session, plans=PLANS[:1]))
    sell(session, c1, "SO1", [pump(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    # Renewed for 2027 with 36 months of warranty; GOLD-36 carried on.
    renew(session, c1, ends_at=day(2028, 1, 1, 0), warranties={PUMP: 36}, when=day(2026, 12, 1))
    activate(session, c1, when=day(2027, 1, 1, 0))
    sell(session, c1, "SO2", [pump(2)], shipped=day(2027, 1, 30), received=day(2027, 2, 1))
    old, new = entitlement(session, pump(1), day(2027, 6, 1)), entitlement(session, pump(2), day(2027, 6, 1))
    # P1: control passed under v1 -> 24 months to 5 Feb 2028. P2: under v2 -> 36 months from 1 Feb 2027 to 1 Feb 2030.
    assert (old.terms_version, old.warranty.ends_at) == (1, naive(2028, 2, 5))
    assert (new.terms_version, new.warranty.ends_at) == (2, naive(2030, 2, 1))
    # The plan carried on by the renewal is the same plan for the same unit, not a second one.
    assert [(p.code, p.starts_at) for p in old.plans] == [("GOLD-36", naive(2026, 2, 5))]
    assert [(p.code, p.starts_at) for p in new.plans] == [("GOLD-36", naive(2027, 2, 1))]


def test_a_plan_added_by_a_renewal_does_not_reach_back(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session))
    sell(session, c1, "SO1", [pump(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    renew(session, c1, ends_at=day(2028, 1, 1, 0), plans=PLANS[:1], when=day(2026, 12, 1))
    # GOLD-36 comes with the renewal's period: for P1 (delivered in 2026) it starts with that period, 1 Jan 2027.
    ent = entitlement(session, pump(1), day(2026, 12, 15))
    assert [(p.code, p.active, p.starts_at, p.ends_at) for p in ent.plans] == [
        ("GOLD-36", False, naive(2027, 1, 1, 0), naive(2030, 1, 1, 0))]


def test_an_unknown_unit_is_not_found(session: Session) -> None:
    setup(session)
    with pytest.raises(NotFound, match="is not a recorded unit"):
        entitlement(session, "https://id.gs1.org/01/09506000134352/21/NOPE")


def test_without_detail_the_reasons_name_no_customer_place_event_or_credit_note(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session, plans=PLANS))
    # P1 reaches Alpha's plant on 5 Feb 2026, is billed, comes back on 1 March and is credited on 2 March.
    sell(session, c1, "SO1", [pump(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    commerce.invoice_order(session, "SO1", when=day(2026, 2, 4))
    commerce.receive_return(session, "RMA1", [pump(1)], location=WAREHOUSE, by_party=SELLER, from_party=CUSTOMER_A,
                            reason="leaks", when=day(2026, 3, 1))
    note = commerce.credit_note(session, "RMA1", when=day(2026, 3, 2))
    full = entitlement(session, pump(1), day(2026, 6, 1))
    plain = entitlement(session, pump(1), day(2026, 6, 1), detail=False)
    assert full.reasons[:2] == (
        "contract C-1 (active) for Alpha",
        f"control passed to the customer on 2026-02-05 (receiving at {SITE_A}, event {full.control.event_id})")
    assert f"warranty ended on 2026-03-02: the unit was returned and credited (credit note {note.number})" \
        in full.reasons
    # The same verdicts and periods, in words without the customer, the site, the event or the credit note.
    assert (plain.covered, plain.warranty, plain.plans, plain.control, plain.customer) == (
        full.covered, replace(full.warranty, reason=plain.warranty.reason),
        tuple(replace(p, reason=q.reason) for p, q in zip(full.plans, plain.plans)), full.control, "Alpha")
    assert plain.reasons[:3] == ("contract C-1 (active)", "control passed to the customer on 2026-02-05 (receiving)",
                                 "warranty ended on 2026-03-02: the unit was returned and credited")
    assert "plan GOLD-36 (Gold service, 36 months, repair, parts, labour) ended on 2026-03-02 when the unit was " \
           "returned and credited" in plain.reasons
    text = " ".join(plain.reasons)
    for hidden in ("Alpha", SITE_A, full.control.event_id, note.number):
        assert hidden not in text, hidden
