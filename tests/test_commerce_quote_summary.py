"""cradletrace.commerce.quote_summary: the quotes of q2c_world listed, and one quote summarised, in a fixed
number of statements."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

import q2c_world as world
from cradletrace.commerce.quote_summary import list_quotes, summarise_quote
from cradletrace.errors import InvalidInput, NotFound


@pytest.fixture
def built(session: Session) -> dict[str, object]:
    return world.build(session)


def test_a_quote_with_two_versions_an_approval_and_an_order(session: Session, built, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(session) as sent:
        q = summarise_quote(session, "Q-2")
    # Quote version, its lines and products (explain), the price list, configurations (3), approvals, the
    # versions, the customer, the covering approval, the order: whatever the number of lines.
    assert len(sent) == 13
    assert (q.number, q.version, q.status, q.frozen, q.order) == ("Q-2", 2, "accepted", True, "SO-000001")
    assert (q.customer, q.customer_id) == ("Alpha", world.ALPHA)
    # 3 x (4 000.00 + 150.00 lfp + 200.00 hv) = 13 050.00, less 20 %: 10 440.00.
    line = q.pricing.lines[0]
    assert (line.terms.list_price, line.surcharge, line.unit_price, line.net) == (
        Decimal("4000.0000"), Decimal("350.0000"), Decimal("4350.0000"), Decimal("10440.00"))
    conf = built["conf"].id  # type: ignore[attr-defined]
    assert list(q.configurations) == [conf] and q.configurations[conf].gtin == world.PACK10L
    # The approval was given on version 1 and covers version 2's discount (20 %, no larger).
    assert q.approvals == ()
    assert q.covering_approval is not None
    # Every version's requests, for a page that shows them all: the one made on version 1.
    assert [(a.version, a.approved) for a in q.all_approvals] == [(1, True)]
    # 20 % is above the default threshold of 15 %: it needs the approval, which version 1's covers.
    assert (q.threshold, q.needs_approval, q.approved, q.latest) == (Decimal("0.15"), True, True, 2)
    assert (q.covering_approval.version, q.covering_approval.decided_by, q.covering_approval.discount) == (
        1, "mia", Decimal("0.2"))
    assert [(v.version, v.status, v.frozen) for v in q.versions] == [(1, "superseded", True), (2, "accepted", True)]
    assert q.versions[0].sent_at == datetime(2026, 3, 7, 10)
    data = q.to_dict()
    assert data["pricing"]["net"] == "10440.00" and data["configurations"][0]["options"][1]["code"] == "lfp"
    assert data["covering_approval"]["discount"] == "0.2" and data["versions"][1]["amount"] == "10440.00"
    first = summarise_quote(session, "Q-2", 1)
    assert (first.status, len(first.approvals), first.approvals[0].requested_by) == ("superseded", 1, "sam")
    assert first.all_approvals == q.all_approvals and first.latest == 2
    with pytest.raises(NotFound, match="quote Q-2 has no version 3"):
        summarise_quote(session, "Q-2", 3)
    with pytest.raises(NotFound, match="no quote 'Q-9'"):
        summarise_quote(session, "Q-9")


def test_the_list_its_filters_and_pages(session: Session, built, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(session) as sent:
        rows, total = list_quotes(session)
    assert len(sent) == 3
    # Newest first by their latest version's date: Q-5 (25 Mar), Q-2 v2 (9 Mar), Q-3 (6 Mar), Q-1 (2 Mar),
    # Q-4 (20 Feb).
    assert total == 5 and [(r.number, r.version, r.versions) for r in rows] == [
        ("Q-5", 1, 1), ("Q-2", 2, 2), ("Q-3", 1, 1), ("Q-1", 1, 1), ("Q-4", 1, 1)]
    by = {r.number: r for r in rows}
    assert by["Q-5"].approval_pending and not by["Q-2"].approval_pending
    assert (by["Q-1"].order, by["Q-2"].order, by["Q-3"].order) == ("SO-1", "SO-000001", None)
    assert (by["Q-4"].status, by["Q-3"].customer) == ("expired", "Beta")
    assert by["Q-2"].to_dict()["amount"] == "10440.00"
    beta, count = list_quotes(session, customer=world.BETA, status="expired")
    assert (count, [r.number for r in beta]) == (1, ["Q-4"])
    march, count = list_quotes(session, since=datetime(2026, 3, 1), until=datetime(2026, 3, 7), limit=1, offset=1)
    # Q-2's latest version is of 9 March: in [1 March, 7 March) only Q-3 and Q-1; the second page of one.
    assert (count, [r.number for r in march]) == (2, ["Q-1"])
    for bad in ({"status": "won"}, {"limit": 0}, {"offset": -1}):
        with pytest.raises(InvalidInput):
            list_quotes(session, **bad)  # type: ignore[arg-type]


def test_a_request_left_open_on_a_sent_quote_is_not_pending(session: Session, built) -> None:  # type: ignore[no-untyped-def]
    from cradletrace import commerce

    # a draft at 30 % off, its request open. Changed to no discount (the request stays, undecided) and sent,
    # it is no approval a sales manager still has to give.
    commerce.update_quote(session, "Q-5", lines=[{"product": world.PACK10, "quantity": 1}], when=world.day(26))
    commerce.send_quote(session, "Q-5", when=world.day(26, 10))
    (q5,) = [r for r in list_quotes(session)[0] if r.number == "Q-5"]
    assert (q5.status, q5.approval_pending) == ("sent", False)
    assert summarise_quote(session, "Q-5").approvals[0].approved is None, "the request itself is left as it was"
