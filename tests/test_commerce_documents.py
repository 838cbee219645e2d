"""Document identity, money and follows edges."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, setup
from cradletrace.commerce.documents import currency_code, document_uri, link, money, new_document
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import DocumentKind, DocumentStatus, Edge, EdgeKind, Node


def test_money_is_exact() -> None:
    assert money("0.125") == Decimal("0.13") and money(Decimal("7")) == Decimal("7.00")
    with pytest.raises(InvalidInput, match="not a float"):
        money(0.1)
    with pytest.raises(InvalidInput, match="not a number"):
        money("ten")
    with pytest.raises(InvalidInput, match="finite"):
        money("NaN")
    with pytest.raises(InvalidInput, match="ISO 4217"):
        currency_code("euro")


def test_a_document_is_a_node_and_follows_once(session: Session) -> None:
    setup(session)
    lead = new_document(session, DocumentKind.LEAD, "L1", status=DocumentStatus.OPEN)
    opp = new_document(session, DocumentKind.OPPORTUNITY, "O1", status=DocumentStatus.OPEN, party=CUSTOMER_A,
                       follows=[lead])
    assert session.get(Node, opp.node_id).identifier == document_uri(DocumentKind.OPPORTUNITY, "O1")
    link(session, [lead], [opp])
    assert session.scalar(select(func.count()).select_from(Edge).where(Edge.kind == EdgeKind.FOLLOWS)) == 1
    with pytest.raises(RuleViolation, match="lead L1 exists already"):
        new_document(session, DocumentKind.LEAD, "L1", status=DocumentStatus.OPEN)
    with pytest.raises(InvalidInput, match="needs a number"):
        new_document(session, DocumentKind.LEAD, " ", status=DocumentStatus.OPEN)
