"""Named queries: stored EPCIS query parameters, checked when created, run with paging."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from cradletrace.errors import Conflict, InvalidInput, NotFound
from cradletrace.log.capture import capture_events
from cradletrace.query.named import create_query, delete_query, get_query, list_queries, query_params, run_query
from test_log_jobs import event


def test_a_named_query_returns_its_events_page_by_page(session: Session) -> None:
    capture_events(session, [event("1"), event("2"), {**event("3"), "bizStep": "receiving"}])
    create_query(session, "shipped", {"EQ_bizStep": ["shipping"], "eventType": ["ObjectEvent"]}, created_by="ann")
    first = run_query(session, "shipped", {"perPage": "1"})
    assert len(first.events) == 1 and first.next_page_token
    second = run_query(session, "shipped", {"perPage": "1", "nextPageToken": first.next_page_token})
    assert len(second.events) == 1 and second.next_page_token is None
    assert {e["epcList"][0][-1] for e in first.events + second.events} == {"1", "2"}
    assert [q.name for q in list_queries(session)] == ["shipped"] and get_query(session, "shipped").created_by == "ann"


def test_names_and_parameters_are_checked_when_created(session: Session) -> None:
    with pytest.raises(InvalidInput, match="not a query name"):
        create_query(session, "no spaces", {})
    with pytest.raises(InvalidInput, match="query parameter EQ_nonsense"):
        create_query(session, "q", {"EQ_nonsense": "x"})
    with pytest.raises(InvalidInput, match="perPage belongs to a request"):
        create_query(session, "q", {"perPage": 5})
    with pytest.raises(InvalidInput, match="JSON object"):
        create_query(session, "q", ["EQ_bizStep"])  # type: ignore[arg-type]
    create_query(session, "q", {"EQ_bizStep": "shipping"})
    with pytest.raises(Conflict, match="exists already"):
        create_query(session, "q", {})


def test_delete_and_not_found(session: Session) -> None:
    create_query(session, "gone", {})
    delete_query(session, "gone")
    with pytest.raises(NotFound, match="no query named 'gone'"):
        run_query(session, "gone")


def test_query_params_keeps_lists_and_renders_scalars() -> None:
    assert query_params({"GE_eventTime": "2025-01-01T00:00:00Z", "EQ_action": ["ADD", "DELETE"]}) == {
        "GE_eventTime": "2025-01-01T00:00:00Z", "EQ_action": ["ADD", "DELETE"]}
