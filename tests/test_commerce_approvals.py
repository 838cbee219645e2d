"""Discount approvals: over the threshold a quote is sent only after a sales manager approved its discount;
the approval covers that discount on later versions, not a larger one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.commerce.approvals import (
    approvals_of,
    discount_of,
    pending_approvals,
    request_approval,
    threshold_of,
)
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import DocumentStatus
from pricing_world import CUSTOMER_A, CUSTOMER_B, PUMP, at, build

MANAGER = ["sales", "sales_manager"]


def _quote(session: Session, discount: str = "0.20", document_discount: str = "0",  # type: ignore[no-untyped-def]
           number: str = "Q1"):
    return commerce.create_quote(session, number, party=CUSTOMER_B, currency="EUR", when=at(2026, 4, 1), by="sam",
                                 discount=document_discount,
                                 lines=[{"product": PUMP, "quantity": 2, "discount": "0.05"},
                                        {"product": PUMP, "quantity": 1, "discount": discount, "line_no": 2}])


def test_a_discount_over_the_threshold_cannot_be_sent_until_a_sales_manager_approves(session: Session) -> None:
    build(session)
    quote = _quote(session)
    # Line 2: 20 % off 100.00, so 1 - 80 / 100 = 0.2 > 0.15 (line 1, 5 %, is below). A request is open.
    assert discount_of(session, "Q1") == Decimal("0.2")
    (request,) = approvals_of(session, quote)
    assert (request.discount, request.threshold, request.requested_by, request.requested_at, request.approved) == (
        Decimal("0.2"), Decimal("0.15"), "sam", at(2026, 4, 1).replace(tzinfo=None), None)
    assert pending_approvals(session) == [request]
    with pytest.raises(RuleViolation, match=r"quote Q1 v1: its discount of 20 % is above the approval threshold "
                                            r"of 15 %; a sales manager must approve it first"):
        commerce.send_quote(session, "Q1", when=at(2026, 4, 2))
    with pytest.raises(RuleViolation, match="sid cannot decide on the discount of quote Q1 v1: that needs the "
                                            "sales_manager role"):
        commerce.approve_discount(session, "Q1", by="sid", roles=["sales", "finance"])
    approval = commerce.approve_discount(session, "Q1", by="mia", roles=MANAGER, note="strategic account",
                                         when=at(2026, 4, 3))
    assert approval is request  # the open request is decided: its cycle time runs from 1 to 3 April
    assert (approval.decided_by, approval.decided_at, approval.approved, approval.note) == (
        "mia", at(2026, 4, 3).replace(tzinfo=None), True, "strategic account")
    assert pending_approvals(session) == []
    assert commerce.send_quote(session, "Q1", when=at(2026, 4, 4)).status is DocumentStatus.SENT


def test_a_discount_at_the_threshold_needs_no_approval(session: Session) -> None:
    build(session)
    _quote(session, discount="0.15")
    assert approvals_of(session, commerce.send_quote(session, "Q1", when=at(2026, 4, 2))) == []
    _quote(session, discount="0.10", number="Q2")
    with pytest.raises(RuleViolation, match="its discount of 10 % is not above the threshold of 15 %: it needs no "
                                            "approval"):
        commerce.approve_discount(session, "Q2", by="mia", roles=MANAGER)


def test_the_document_discount_counts_with_the_line_discount(session: Session) -> None:
    build(session)
    # 5 % off the line and 10 % off the quote: 1 - 0.95 x 0.90 = 0.145, not above 15 %; with 12 % off the
    # quote: 1 - 0.95 x 0.88 = 0.164, above.
    _quote(session, discount="0.05", document_discount="0.10")
    assert discount_of(session, "Q1") == Decimal("0.145")
    _quote(session, discount="0.05", document_discount="0.12", number="Q2")
    assert discount_of(session, "Q2") == Decimal("0.164")
    with pytest.raises(RuleViolation, match="16.4 % is above"):
        commerce.send_quote(session, "Q2")


def test_an_approval_covers_its_discount_on_later_versions_but_not_a_larger_one(session: Session) -> None:
    build(session)
    _quote(session)
    commerce.approve_discount(session, "Q1", by="mia", roles=MANAGER, when=at(2026, 4, 2))
    commerce.send_quote(session, "Q1", when=at(2026, 4, 2))
    # Version 2 with 18 %: covered by the approval of 20 %; no request, it can be sent.
    v2 = commerce.revise_quote(session, "Q1", when=at(2026, 4, 5),
                               lines=[{"product": PUMP, "quantity": 3, "discount": "0.18"}])
    assert approvals_of(session, v2) == []
    commerce.send_quote(session, "Q1", when=at(2026, 4, 5))
    # Version 3 with 25 %: larger than approved, so a new request and no sending without its approval.
    v3 = commerce.revise_quote(session, "Q1", when=at(2026, 4, 6), by="sam",
                               lines=[{"product": PUMP, "quantity": 3, "discount": "0.25"}])
    (request,) = approvals_of(session, v3)
    assert (request.discount, request.approved) == (Decimal("0.25"), None)
    with pytest.raises(RuleViolation, match="25 % is above the approval threshold"):
        commerce.send_quote(session, "Q1", when=at(2026, 4, 6))
    commerce.approve_discount(session, "Q1", by="mia", roles=MANAGER, when=at(2026, 4, 7))
    commerce.send_quote(session, "Q1", when=at(2026, 4, 7))


def test_a_refused_discount_is_named_when_sending(session: Session) -> None:
    build(session)
    _quote(session)
    with pytest.raises(InvalidInput, match="a refusal needs a reason"):
        commerce.reject_discount(session, "Q1", by="mia", roles=MANAGER, note=" ")
    refusal = commerce.reject_discount(session, "Q1", by="mia", roles=MANAGER, note="too deep", when=at(2026, 4, 2))
    assert (refusal.approved, refusal.decided_by) == (False, "mia")
    with pytest.raises(RuleViolation, match="mia refused it on 2026-04-02: too deep"):
        commerce.send_quote(session, "Q1")


def test_changing_a_draft_updates_its_open_request(session: Session) -> None:
    build(session)
    quote = _quote(session)
    commerce.update_quote(session, "Q1", lines=[{"product": PUMP, "quantity": 1, "discount": "0.3"}],
                          when=at(2026, 4, 2))
    (request,) = approvals_of(session, quote)
    assert (request.discount, request.requested_at) == (Decimal("0.3"), at(2026, 4, 1).replace(tzinfo=None))


def test_the_threshold_comes_from_the_setting_or_the_call(session: Session,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    build(session)
    monkeypatch.setenv("CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD", "0.25")
    assert threshold_of() == Decimal("0.25")
    quote = _quote(session)
    assert approvals_of(session, quote) == []  # 20 % is within 25 %
    with pytest.raises(RuleViolation, match="20 % is above the approval threshold of 10 %"):
        commerce.send_quote(session, "Q1", threshold="0.10")
    assert request_approval(session, "Q1", threshold="0.10").threshold == Decimal("0.10")
    commerce.send_quote(session, "Q1")


def test_approval_services_refuse_a_sent_version(session: Session) -> None:
    build(session)
    commerce.create_quote(session, "Q1", party=CUSTOMER_A, currency="EUR", when=at(2026, 4, 1),
                          lines=[{"product": PUMP, "quantity": 1}])
    commerce.send_quote(session, "Q1", when=at(2026, 4, 1))
    with pytest.raises(RuleViolation, match="quote Q1 is sent; it must be draft to be approved"):
        commerce.approve_discount(session, "Q1", by="mia", roles=MANAGER)
    with pytest.raises(RuleViolation, match="quote Q1 is sent; it must be draft to be submitted for approval"):
        request_approval(session, "Q1")
