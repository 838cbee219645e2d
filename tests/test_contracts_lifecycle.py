"""The contract state machine: every legal transition recorded with who, when, why and the terms version;
every illegal one refused naming the state and the action; negotiation keeps every version; signed terms
are frozen and change only by renewal; expiry and activation wait for the calendar."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts_world import MOTOR, PUMP, contract, day, in_force, naive, setup
from cradletrace.contracts import (
    activate,
    advance_contracts,
    approve,
    change_terms,
    expire,
    history,
    renew,
    sign,
    terminate,
    terms_in_force,
    versions,
)
from cradletrace.contracts.lifecycle import TRANSITIONS, next_state
from cradletrace.errors import InvalidInput, NotFound, RuleViolation
from cradletrace.models import ContractStateChange, ContractTerms, Document, DocumentStatus, PriceList


def test_a_contract_from_draft_through_negotiation_to_renewal_and_expiry(session: Session) -> None:
    setup(session)
    doc = contract(session)
    assert doc.status is DocumentStatus.DRAFT and doc.valid_until == naive(2027, 1, 1, 0)
    change_terms(session, doc, warranties={PUMP: 24, MOTOR: 12}, by="sam", when=day(2025, 12, 3), note="motors too")
    assert doc.status is DocumentStatus.NEGOTIATION
    change_terms(session, doc, payment_terms_days=30, by="ann", when=day(2025, 12, 4), note="customer asks 30 days")
    approve(session, doc, by="mia", when=day(2025, 12, 5))
    # A change after approval reopens the negotiation: the approval was of other terms.
    change_terms(session, doc, plans=[{"plan": "GOLD-36", "product": PUMP}], by="ann", when=day(2025, 12, 6))
    assert doc.status is DocumentStatus.NEGOTIATION
    approve(session, doc, by="mia", when=day(2025, 12, 8), note="margin fine")
    sign(session, doc, by="carl", when=day(2025, 12, 15))
    assert doc.approved_by == "mia" and doc.decided_at == naive(2025, 12, 15)
    activate(session, doc, when=day(2026, 1, 1, 0))
    renew(session, doc, ends_at=day(2028, 1, 1, 0), warranties={PUMP: 36, MOTOR: 12}, by="sam",
          when=day(2026, 11, 20), note="second year, longer warranty")
    assert doc.status is DocumentStatus.RENEWED and doc.valid_until == naive(2028, 1, 1, 0)
    activate(session, doc, when=day(2027, 1, 1, 0))
    expire(session, doc, when=day(2028, 1, 2))
    assert doc.status is DocumentStatus.EXPIRED and doc.closed_at == naive(2028, 1, 2)

    # Every state entered, with who, when and the version; the second change in negotiation is a version only.
    assert [(c.state, c.by, c.version, c.at) for c in history(session, "C-1")] == [
        ("draft", "sam", 1, naive(2025, 12, 1)),
        ("negotiation", "sam", 2, naive(2025, 12, 3)),
        ("approved", "mia", 3, naive(2025, 12, 5)),
        ("negotiation", "ann", 4, naive(2025, 12, 6)),
        ("approved", "mia", 4, naive(2025, 12, 8)),
        ("signed", "carl", 4, naive(2025, 12, 15)),
        ("active", None, 4, naive(2026, 1, 1, 0)),
        ("renewed", "sam", 5, naive(2026, 11, 20)),
        ("active", None, 5, naive(2027, 1, 1, 0)),
        ("expired", None, 5, naive(2028, 1, 2)),
    ]
    # Every version kept, each with who changed what and why.
    kept = versions(session, doc)
    assert [(t.version, t.changed_by, t.note, t.payment_terms_days, dict((w.gtin, w.months) for w in t.warranties),
             [p.code for p in t.plans], t.starts_at, t.ends_at) for t in kept] == [
        (1, "sam", "drafted", 45, {PUMP: 24}, [], naive(2026, 1, 1, 0), naive(2027, 1, 1, 0)),
        (2, "sam", "motors too", 45, {PUMP: 24, MOTOR: 12}, [], naive(2026, 1, 1, 0), naive(2027, 1, 1, 0)),
        (3, "ann", "customer asks 30 days", 30, {PUMP: 24, MOTOR: 12}, [], naive(2026, 1, 1, 0), naive(2027, 1, 1, 0)),
        (4, "ann", None, 30, {PUMP: 24, MOTOR: 12}, ["GOLD-36"], naive(2026, 1, 1, 0), naive(2027, 1, 1, 0)),
        # The renewal runs from the old end; the plan carries on.
        (5, "sam", "second year, longer warranty", 30, {PUMP: 36, MOTOR: 12}, ["GOLD-36"],
         naive(2027, 1, 1, 0), naive(2028, 1, 1, 0)),
    ]
    # In force: nothing before signing; the signed version (4) in the first year; the renewal (5) in the second.
    assert terms_in_force(session, doc, day(2026, 6, 1)).version == 4
    assert terms_in_force(session, doc, day(2027, 6, 1)).version == 5


def _to(session: Session, number: str, state: str) -> Document:
    """A contract brought to ``state`` by the legal path."""
    doc = contract(session, number)
    steps: dict[str, list[Callable[[], object]]] = {
        "draft": [],
        "negotiation": [lambda: change_terms(session, doc, payment_terms_days=10, when=day(2025, 12, 2))],
        "approved": [lambda: approve(session, doc, by="mia", when=day(2025, 12, 10))],
        "signed": [lambda: approve(session, doc, by="mia", when=day(2025, 12, 10)),
                   lambda: sign(session, doc, by="carl", when=day(2025, 12, 15))],
        "active": [lambda: in_force(session, doc)],
        "renewed": [lambda: in_force(session, doc), lambda: renew(session, doc, ends_at=day(2028, 1, 1),
                                                                  when=day(2026, 12, 1))],
        "expired": [lambda: in_force(session, doc), lambda: expire(session, doc, when=day(2027, 1, 1, 0))],
        "terminated": [lambda: terminate(session, doc, reason="customer went bust", when=day(2025, 12, 2))],
    }
    for step in steps[state]:
        step()
    assert doc.status.value == state
    return doc


ACTIONS: dict[str, Callable[[Session, Document], object]] = {
    "change terms": lambda s, d: change_terms(s, d, payment_terms_days=5, when=day(2026, 2, 1)),
    "approve": lambda s, d: approve(s, d, by="mia", when=day(2026, 2, 1)),
    "sign": lambda s, d: sign(s, d, by="carl", when=day(2026, 2, 1)),
    "activate": lambda s, d: activate(s, d, when=day(2027, 6, 1)),
    "renew": lambda s, d: renew(s, d, ends_at=day(2029, 1, 1), when=day(2026, 12, 1)),
    "expire": lambda s, d: expire(s, d, when=day(2029, 6, 1)),
    "terminate": lambda s, d: terminate(s, d, reason="why not", when=day(2026, 2, 1)),
}


def test_every_illegal_transition_is_refused_naming_the_state_and_the_action(session: Session) -> None:
    setup(session)
    assert set(ACTIONS) == set(TRANSITIONS)
    refused = 0
    for n, state in enumerate(("draft", "negotiation", "approved", "signed", "active", "renewed", "expired",
                               "terminated")):
        doc = _to(session, f"C-{n}", state)
        changes = session.scalar(select(func.count()).select_from(ContractStateChange)
                                 .where(ContractStateChange.contract_id == doc.id))
        for action, run in ACTIONS.items():
            if state in TRANSITIONS[action][0]:
                continue
            with pytest.raises(RuleViolation, match=rf"contract C-{n} is {state}, so it cannot .* \({action} needs"):
                run(session, doc)
            refused += 1
            assert doc.status.value == state
        # Nothing refused left a trace.
        assert session.scalar(select(func.count()).select_from(ContractStateChange)
                              .where(ContractStateChange.contract_id == doc.id)) == changes
    # 8 states x 7 actions = 56, less the 16 legal pairs of TRANSITIONS (3 + 2 + 1 + 2 + 1 + 1 + 6).
    assert refused == 56 - 16


@pytest.mark.parametrize("state", ["signed", "active", "renewed"])
def test_signed_terms_are_frozen_and_the_refusal_says_to_renew(session: Session, state: str) -> None:
    setup(session)
    doc = _to(session, "C-1", state)
    with pytest.raises(RuleViolation, match="signed terms are frozen: renew the contract to amend them"):
        change_terms(session, doc, warranties={PUMP: 60})
    assert session.scalar(select(func.count()).select_from(ContractTerms)
                          .where(ContractTerms.contract_id == doc.id)) == (2 if state == "renewed" else 1)


def test_the_calendar_rules(session: Session) -> None:
    setup(session)
    doc = contract(session)
    approve(session, doc, by="mia", when=day(2025, 12, 10))
    sign(session, doc, by="carl", when=day(2025, 12, 15))
    with pytest.raises(RuleViolation, match="C-1's period starts on 2026-01-01: it cannot be active on 2025-12-20"):
        activate(session, doc, when=day(2025, 12, 20))
    activate(session, doc, when=day(2026, 1, 1, 0))
    with pytest.raises(RuleViolation, match="runs until 2027-01-01: it cannot expire on 2026-06-01 .terminate it"):
        expire(session, doc, when=day(2026, 6, 1))
    with pytest.raises(RuleViolation, match="a renewal must end after the current period .2027-01-01., not on 2026-12-31"):
        renew(session, doc, ends_at=day(2026, 12, 31))
    with pytest.raises(InvalidInput, match="a termination needs a reason"):
        terminate(session, doc, reason=" ")
    assert doc.status is DocumentStatus.ACTIVE
    terminate(session, doc, reason="plant closed", by="carl", when=day(2026, 3, 1))
    assert (doc.status, doc.reason, doc.closed_at) == (DocumentStatus.TERMINATED, "plant closed", naive(2026, 3, 1))
    assert history(session, doc)[-1].note == "plant closed"


def test_advance_contracts_expires_ended_periods_and_starts_renewed_ones(session: Session) -> None:
    setup(session)
    ending = in_force(session, contract(session, "C-1"))
    renewed = in_force(session, contract(session, "C-2"))
    renew(session, renewed, ends_at=day(2028, 1, 1, 0), when=day(2026, 12, 1))
    running = in_force(session, contract(session, "C-3", ends_at=day(2027, 6, 1)))
    assert advance_contracts(session, day(2026, 12, 31)) == []
    # On 1 Jan 2027 C-1's period is over and C-2's renewal begins; C-3 runs to June.
    assert [d.number for d in advance_contracts(session, day(2027, 1, 1, 0))] == ["C-1", "C-2"]
    assert (ending.status, renewed.status, running.status) == (DocumentStatus.EXPIRED, DocumentStatus.ACTIVE,
                                                               DocumentStatus.ACTIVE)
    assert [(c.state, c.note) for c in history(session, renewed)][-2:] == [("renewed", None),
                                                                            ("active", "renewal period started")]


def test_bad_terms_are_refused_and_leave_nothing(session: Session) -> None:
    setup(session)
    with pytest.raises(InvalidInput, match="the period must end after it starts"):
        contract(session, ends_at=day(2025, 6, 1))
    with pytest.raises(NotFound, match="no service plan 'PLATINUM'"):
        contract(session, plans=[{"plan": "PLATINUM"}])
    with pytest.raises(InvalidInput, match=r"warranty months must be a positive whole number, got 0"):
        contract(session, warranties={PUMP: 0})
    with pytest.raises(NotFound, match="no price list 'LIST-X'"):
        contract(session, price_list="LIST-X")
    with pytest.raises(NotFound, match="no party"):
        contract(session, customer="https://id.gs1.org/417/9520999999907")
    session.add(PriceList(code="USD-2026", name="US list", currency="USD", valid_from=naive(2026, 1, 1),
                          created_at=naive(2025, 11, 1)))
    session.flush()
    with pytest.raises(RuleViolation, match="price list USD-2026 is in USD, the contract in EUR"):
        contract(session, price_list="USD-2026")
    with pytest.raises(RuleViolation, match="plan GOLD-36 is priced in EUR, the contract in USD"):
        contract(session, currency="USD", plans=[{"plan": "GOLD-36"}])
    # Terms are checked before the document is made: nothing of a refused draft is left.
    assert session.scalar(select(func.count()).select_from(Document)) == 0
    doc = contract(session)
    with pytest.raises(RuleViolation, match="contract C-1 exists already"):
        contract(session)
    with pytest.raises(InvalidInput, match="a change of terms needs at least one term"):
        change_terms(session, doc)
    with pytest.raises(InvalidInput, match="no term 'discount'"):
        change_terms(session, doc, discount="0.1")
    with pytest.raises(InvalidInput, match="say who approved the contract"):
        approve(session, doc, by="")
    assert doc.status is DocumentStatus.DRAFT and len(versions(session, doc)) == 1


def test_next_state_knows_only_its_actions() -> None:
    with pytest.raises(InvalidInput, match="no contract action 'cancel'"):
        next_state("C-1", "draft", "cancel")
