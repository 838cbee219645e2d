"""Quotes: priced lines, versions, a sent version frozen, validity and expiry, acceptance into a sales order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce_setup import CUSTOMER_A, PUMP, day, setup
from cradletrace import commerce
from cradletrace.commerce.approvals import request_approval
from cradletrace.commerce.lines import lines_of
from cradletrace.errors import RuleViolation
from cradletrace.models import Document, DocumentKind, DocumentStatus, Edge, EdgeKind
from pricing_world import BATTERY, CUSTOMER_B, at, build, configuration


def _quote(session: Session, number: str = "Q1", **kw):  # type: ignore[no-untyped-def]
    return commerce.create_quote(session, number, party=CUSTOMER_A, currency="EUR", when=day(1, 1),
                                 lines=[{"product": PUMP, "quantity": 2, "unit_price": "50", "discount": "0.1"}], **kw)


def test_versions_and_acceptance(session: Session) -> None:
    setup(session)
    first = _quote(session, attributes={"channel": "web"})
    assert first.amount == Decimal("90.00")  # 2 x 50 less 10 %
    second = commerce.revise_quote(session, "Q1", lines=[{"product": PUMP, "quantity": 4, "unit_price": "50"}])
    assert (second.version, second.amount, first.status) == (2, Decimal("200.00"), DocumentStatus.SUPERSEDED)
    assert second.attributes["channel"] == "web"
    with pytest.raises(RuleViolation, match="must be sent"):
        commerce.accept_quote(session, "Q1")
    commerce.send_quote(session, "Q1", when=day(1, 2))
    quote, order = commerce.accept_quote(session, "Q1", when=day(1, 3))
    assert quote.status is DocumentStatus.ACCEPTED and quote is second
    assert (order.number, order.amount, order.party_id, order.status) == (
        "SO-000001", Decimal("200.00"), second.party_id, DocumentStatus.CONFIRMED)


def test_expiry_and_rejection(session: Session) -> None:
    setup(session)
    _quote(session, valid_until=day(1, 10))
    commerce.send_quote(session, "Q1", when=day(1, 2))
    with pytest.raises(RuleViolation, match="expired"):
        commerce.accept_quote(session, "Q1", when=day(1, 11))
    _quote(session, "Q2")
    commerce.send_quote(session, "Q2")
    assert commerce.reject_quote(session, "Q2", reason="price").status is DocumentStatus.REJECTED
    with pytest.raises(RuleViolation, match="must be accepted"):
        commerce.create_order(session, "SO1", quote="Q2")


def test_expire_quotes_marks_the_sent_quotes_past_their_validity(session: Session) -> None:
    setup(session)
    _quote(session, "Q1", valid_until=day(1, 10))
    _quote(session, "Q2", valid_until=day(1, 20))
    _quote(session, "Q3", valid_until=day(1, 5))  # a draft: not sent, so not expired
    _quote(session, "Q4")  # no validity: never expires
    for number in ("Q1", "Q2", "Q4"):
        commerce.send_quote(session, number, when=day(1, 2))
    assert [q.number for q in commerce.expire_quotes(session, day(1, 15))] == ["Q1"]
    assert [q.number for q in commerce.expire_quotes(session, day(1, 21))] == ["Q2"]
    statuses = dict(session.execute(select(Document.number, Document.status).where(
        Document.kind == DocumentKind.QUOTE)).all())
    assert statuses == {"Q1": DocumentStatus.EXPIRED, "Q2": DocumentStatus.EXPIRED, "Q3": DocumentStatus.DRAFT,
                        "Q4": DocumentStatus.SENT}
    with pytest.raises(RuleViolation, match="is expired; it must be sent to be accepted"):
        commerce.accept_quote(session, "Q1", when=day(1, 9))
    with pytest.raises(RuleViolation, match="quote Q3 v1: its validity ended on 2026-01-05"):
        commerce.send_quote(session, "Q3", when=day(1, 6))


def test_a_sent_version_is_frozen(session: Session) -> None:
    setup(session)
    _quote(session)
    commerce.send_quote(session, "Q1", when=day(1, 2))
    frozen = "quote Q1 v1 is sent: only a draft can be {} .a sent version is frozen; revise it for a new version."
    with pytest.raises(RuleViolation, match=frozen.format("changed")):
        commerce.update_quote(session, "Q1", lines=[{"product": PUMP, "quantity": 9, "unit_price": "1"}])
    with pytest.raises(RuleViolation, match=frozen.format("changed")):
        commerce.update_quote(session, "Q1", discount="0.5")
    with pytest.raises(RuleViolation, match=frozen.format("sent")):
        commerce.send_quote(session, "Q1")
    with pytest.raises(RuleViolation, match="it must be draft to be approved"):
        commerce.approve_discount(session, "Q1", by="mia", roles=["sales_manager"])
    with pytest.raises(RuleViolation, match="it must be draft to be submitted for approval"):
        request_approval(session, "Q1")
    doc = commerce.accept_quote(session, "Q1", when=day(1, 3), order=False).quote
    for revise in (lambda: commerce.revise_quote(session, "Q1", lines=[{"product": PUMP, "quantity": 1,
                                                                       "unit_price": "1"}]),
                   lambda: commerce.update_quote(session, "Q1", discount="0.5")):
        with pytest.raises(RuleViolation, match="quote Q1"):
            revise()
    assert [(ln.quantity, ln.unit_price, ln.discount) for ln in lines_of(session, doc)] == [
        (Decimal(2), Decimal(50), Decimal("0.1"))]
    assert doc.amount == Decimal("90.00")


def test_a_draft_changes_in_place(session: Session) -> None:
    setup(session)
    quote = _quote(session)
    commerce.update_quote(session, "Q1", discount="0.05", valid_until=day(2, 1))
    # 2 x 50 less 10 % less 5 %: 85.50; the lines are kept.
    assert (quote.amount, quote.discount, quote.valid_until, quote.version) == (
        Decimal("85.50"), Decimal("0.05"), day(2, 1).replace(tzinfo=None), 1)
    commerce.update_quote(session, "Q1", lines=[{"product": PUMP, "quantity": 3, "unit_price": "10"}])
    # 3 x 10 less the quote's 5 %: 28.50.
    assert [ln.quantity for ln in lines_of(session, quote)] == [3] and quote.amount == Decimal("28.50")


def test_accepting_converts_the_version_into_an_order_without_retyping(session: Session) -> None:
    world = build(session)
    config = configuration(session, world, ["15KWH", "LFP"])
    commerce.create_quote(session, "Q9", party=CUSTOMER_B, currency="EUR", when=at(2026, 4, 1), discount="0.05",
                          valid_until=at(2026, 5, 1),
                          lines=[{"product": BATTERY, "quantity": 2, "configuration_id": config.id,
                                  "tax_rate": "0.2"},
                                 {"product": PUMP, "quantity": 12, "discount": "0.1", "tax_rate": "0.2"}])
    v2 = commerce.revise_quote(session, "Q9", when=at(2026, 4, 3))  # same lines, priced again, discount kept
    commerce.send_quote(session, "Q9", when=at(2026, 4, 3))
    quote, order = commerce.accept_quote(session, "Q9", order_number="SO-Q9", requested_at=at(2026, 5, 15),
                                         when=at(2026, 4, 10))
    assert quote is v2
    # Battery: 1000.00 + 300.00 (15 kWh) + 120.00 (LFP, general list) = 1420.00 x 2 = 2840.00, less 5 %:
    # 2698.00. Pump: 12 at the general tier from 10, 90.00 = 1080.00, less 10 %: 972.00, less 5 %: 923.40.
    # Net 3621.40, tax 20 %: 539.60 + 184.68 = 724.28; total 4345.68.
    assert (order.number, order.amount, order.tax, order.discount, order.price_list_id) == (
        "SO-Q9", Decimal("4345.68"), Decimal("724.28"), Decimal("0.05"), v2.price_list_id)
    assert order.requested_at == at(2026, 5, 15).replace(tzinfo=None)
    fields = ("product_id", "quantity", "unit_price", "discount", "tax_rate", "configuration_id", "list_price",
              "surcharge")
    quoted = [tuple(getattr(ln, f) for f in fields) for ln in lines_of(session, v2)]
    assert [tuple(getattr(ln, f) for f in fields) for ln in lines_of(session, order)] == quoted
    assert quoted[0][2:] == (Decimal("1420.00"), 0, Decimal("0.2"), config.id, Decimal("1000.00"), Decimal("420.00"))
    follows = session.execute(select(Edge).where(Edge.kind == EdgeKind.FOLLOWS, Edge.src == v2.node_id,
                                                 Edge.dst == order.node_id)).scalars().all()
    assert len(follows) == 1
    with pytest.raises(RuleViolation, match=r"order SO2.quote: quote Q9 v2 is ordered already \(order SO-Q9\)"):
        commerce.create_order(session, "SO2", quote="Q9")


def test_quotes_priced_from_the_lists_keep_how(session: Session) -> None:
    build(session)
    quote = commerce.create_quote(session, "Q1", party=CUSTOMER_A, currency="EUR", when=at(2026, 4, 1),
                                  lines=[{"product": PUMP, "quantity": 12}])
    (line,) = lines_of(session, quote)
    # Alpha's list, tier from 10: 85.00 x 12 = 1020.00.
    assert (line.list_price, line.surcharge, line.unit_price, quote.amount) == (
        Decimal("85.00"), Decimal(0), Decimal("85.00"), Decimal("1020.00"))
    assert quote.attributes["pricing"] == {"1": {"price_list": "ALPHA-2026", "tier": "10", "price_given": False,
                                                 "surcharges": []}}
    assert quote.price_list_id is not None


def test_versions_keep_the_price_list_asked_for(session: Session) -> None:
    build(session)
    commerce.create_quote(session, "Q1", party=CUSTOMER_A, currency="EUR", when=at(2026, 4, 1),
                          price_list="GEN-2026", lines=[{"product": PUMP, "quantity": 12}])
    # Asked for the general list: 12 x 90.00 (its tier from 10), not Alpha's 85.00; so in version 2 too
    # (3 x 100.00), and after a change of the draft (2 x 100.00).
    v2 = commerce.revise_quote(session, "Q1", when=at(2026, 4, 2), lines=[{"product": PUMP, "quantity": 3}])
    assert [ln.unit_price for ln in lines_of(session, v2)] == [Decimal("100.00")]
    commerce.update_quote(session, "Q1", when=at(2026, 4, 3), lines=[{"product": PUMP, "quantity": 2}])
    assert (v2.amount, v2.attributes["asked_price_list"]) == (Decimal("200.00"), "GEN-2026")
    # Without a list asked for, Alpha's own comes first: 2 x 95.00.
    commerce.create_quote(session, "Q2", party=CUSTOMER_A, currency="EUR", when=at(2026, 4, 1),
                          lines=[{"product": PUMP, "quantity": 2}])
    assert commerce.revise_quote(session, "Q2", when=at(2026, 4, 2)).amount == Decimal("190.00")
