"""Leads and opportunities: qualified or disqualified with a reason, won or lost with a reason."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, day, setup
from cradletrace import commerce
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import DocumentStatus


def test_lead_to_won_and_lost(session: Session) -> None:
    setup(session)
    commerce.create_lead(session, "L1", source="web", owner="ann", when=day(1, 1))
    opp = commerce.create_opportunity(session, "O1", lead="L1", party=CUSTOMER_A, expected_value="900",
                                      currency="eur", when=day(1, 2))
    assert opp.status is DocumentStatus.OPEN and opp.currency == "EUR"
    assert commerce.leads.get(session, commerce.leads.DocumentKind.LEAD, "L1").status is DocumentStatus.QUALIFIED
    assert commerce.win_opportunity(session, "O1", when=day(1, 9)).status is DocumentStatus.WON
    with pytest.raises(RuleViolation, match="opportunity O1 is won"):
        commerce.lose_opportunity(session, "O1", reason="late")
    commerce.create_lead(session, "L2", when=day(1, 1))
    assert commerce.disqualify_lead(session, "L2", reason="student").reason == "student"
    with pytest.raises(RuleViolation, match="must be qualified"):
        commerce.create_opportunity(session, "O2", lead="L2")
    commerce.create_opportunity(session, "O3", party=CUSTOMER_A)
    with pytest.raises(InvalidInput, match="reason is required"):
        commerce.lose_opportunity(session, "O3", reason=" ")
    assert commerce.lose_opportunity(session, "O3", reason="price").status is DocumentStatus.LOST
