"""A contract summarised: the terms in force at a date (or the latest), history, documents and units, as data."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy.orm import Session

from contracts_world import CUSTOMER_A, PUMP, contract, day, in_force, pump, sell, setup
from cradletrace.contracts import renew
from cradletrace.contracts.summary import list_contracts, summarise


def test_the_summary_follows_the_terms_in_force(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session))
    sell(session, c1, "SO1", [pump(1)], shipped=day(2026, 2, 3))
    renew(session, c1, ends_at=day(2028, 1, 1, 0), warranties={PUMP: 36}, when=day(2026, 12, 1))
    # Before the renewal's period the signed version (1) is in force; from 1 Jan 2027 the renewal's (2).
    now, later = summarise(session, "C-1", day(2026, 12, 15)), summarise(session, c1, day(2027, 2, 1))
    assert (now.in_force, now.current.warranty_months(PUMP), later.in_force, later.current.warranty_months(PUMP)) == (
        1, 24, 2, 36)
    assert (now.customer, now.customer_id, now.status, [c.state for c in now.history]) == (
        "Alpha", CUSTOMER_A, "renewed", ["draft", "approved", "signed", "active", "renewed"])
    assert [u.identifier for u in now.units] == [pump(1)] and [d.number for d in now.documents] == ["SO1", "SH-SO1"]
    assert orjson.loads(orjson.dumps(now.to_dict(), default=str))["documents"][0]["amount"] == "1000.00"
    # A draft has no terms in force: its latest version is what there is to show.
    draft = summarise(session, contract(session, "C-2"))
    assert (draft.in_force, draft.current.version) == (None, 1)


def test_the_list_of_contracts_with_their_renewals_due(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    import contracts_world

    from cradletrace.commerce.documents import party_id
    from cradletrace.errors import InvalidInput

    contracts_world.build(session)  # C-1 active for Alpha, 1 Jan 2026 to 1 Jan 2027, notice 60 days; C-2 a draft
    with count_statements(session) as sent:
        rows = list_contracts(session, at=day(2026, 11, 1))
    assert len(sent) == 1
    assert [(r.number, r.status, r.customer, r.version, r.renewal_due) for r in rows] == [
        ("C-1", "active", "Alpha", 1, False), ("C-2", "draft", "Beta", 1, False)]
    # Due from 1 Jan 2027 less 60 days: 2 November 2026.
    assert list_contracts(session, at=day(2026, 11, 2, 0))[0].renewal_due
    assert [r.number for r in list_contracts(session, status="draft")] == ["C-2"]
    assert [r.number for r in list_contracts(session, customer=party_id(session, CUSTOMER_A))] == ["C-1"]
    assert rows[0].to_dict()["ends_at"] == day(2027, 1, 1, 0).replace(tzinfo=None)
    with pytest.raises(InvalidInput, match="'open' is not one of draft"):
        list_contracts(session, status="open")
