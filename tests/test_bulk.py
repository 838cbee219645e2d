"""cradletrace.bulk: rows written by bulk_insert read back exactly as rows written through SQLAlchemy."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.bulk import IN_LIST_LIMIT, bulk_insert, chunks
from cradletrace.models import Edge, EdgeKind, Node


def _nodes(session: Session, *identifiers: str) -> list[int]:
    session.execute(Node.__table__.insert(), [{"identifier": i, "kind": "unit"} for i in identifiers])
    return [session.scalar(select(Node.id).where(Node.identifier == i)) for i in identifiers]


def _rows(a: int, b: int) -> list[dict]:
    return [
        {"kind": EdgeKind.PART_OF, "src": a, "dst": b, "valid_from": datetime(2025, 1, 2, 3, 4, 5, 678000),
         "valid_to": None, "event_id": None, "closed_by": None, "quantity": None, "uom": None, "mass_kg": None,
         "retracted": False},
        {"kind": EdgeKind.INPUT_OF, "src": b, "dst": a, "valid_from": datetime(2025, 1, 3), "valid_to": None,
         "event_id": None, "closed_by": None, "quantity": 2.5, "uom": "KGM", "mass_kg": 2.5, "retracted": True},
    ]


def _read(session: Session, src: int) -> list[tuple]:
    edges = Edge.__table__
    return [tuple(r) for r in session.execute(
        select(edges.c.kind, edges.c.valid_from, edges.c.valid_to, edges.c.quantity, edges.c.uom, edges.c.retracted)
        .where(edges.c.src == src)).all()]


def test_bulk_rows_equal_sqlalchemy_rows(session: Session) -> None:
    a, b, c, d = _nodes(session, "urn:t:a", "urn:t:b", "urn:t:c", "urn:t:d")
    session.execute(Edge.__table__.insert(), _rows(a, b))
    bulk_insert(session, Edge.__table__, _rows(c, d))
    assert _read(session, c) == _read(session, a) == [
        (EdgeKind.PART_OF, datetime(2025, 1, 2, 3, 4, 5, 678000), None, None, None, False)]
    assert _read(session, d) == _read(session, b)
    # the stored text of enums and times is SQLAlchemy's own, so raw SQL filters see one form
    assert session.execute(select(Edge.id).where(Edge.kind == EdgeKind.INPUT_OF, Edge.src == d)).scalar() is not None


def test_one_statement_per_call(session: Session, count_statements) -> None:
    a, b = _nodes(session, "urn:t:e", "urn:t:f")
    with count_statements(session) as seen:
        bulk_insert(session, Edge.__table__, _rows(a, b) * 50)
        bulk_insert(session, Edge.__table__, [])
    # SQLite: one executemany; PostgreSQL: COPY on the raw connection (no SQLAlchemy statement)
    assert len(seen) == (1 if session.get_bind().dialect.name == "sqlite" else 0)
    assert session.scalar(select(Edge.id).where(Edge.src == a).limit(1)) is not None


def test_sqlite_times_are_stored_in_sqlalchemy_s_own_text_form(session: Session) -> None:
    """The fast time formatting writes exactly what SQLAlchemy writes (text comparisons depend on it)."""
    from sqlalchemy import DateTime as SADateTime

    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL stores timestamps natively")
    dialect = session.get_bind().dialect
    reference = SADateTime()._cached_bind_processor(dialect)
    from cradletrace.bulk import _processor

    fast = _processor(SADateTime(), dialect)
    for moment in (datetime(2025, 1, 2, 3, 4, 5), datetime(2025, 1, 2, 3, 4, 5, 6), datetime(999, 12, 31, 23, 59, 59,
                                                                                               999999), None):
        assert fast(moment) == reference(moment)


def test_upserts_skip_or_update_on_conflict(session: Session) -> None:
    from cradletrace.models import LifecycleStatus, UnitState

    table = Node.__table__
    bulk_insert(session, table, [{"identifier": "urn:t:u1", "kind": "unit"}], on_conflict=("identifier",))
    bulk_insert(session, table, [{"identifier": "urn:t:u1", "kind": "lot"}, {"identifier": "urn:t:u2", "kind": "lot"}],
                on_conflict=("identifier",))
    kinds = dict(session.execute(select(table.c.identifier, table.c.kind)
                                 .where(table.c.identifier.in_(["urn:t:u1", "urn:t:u2"]))).all())
    assert {k: getattr(v, "value", v) for k, v in kinds.items()} == {"urn:t:u1": "unit", "urn:t:u2": "lot"}

    from cradletrace.log.capture import capture_events
    from cradletrace.models import Event

    capture_events(session, [{"type": "ObjectEvent", "action": "OBSERVE", "epcList": [], "bizStep": "inspecting",
                              "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00"}])
    event = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))
    node = session.scalar(select(table.c.id).where(table.c.identifier == "urn:t:u1"))
    state = {"node_id": node, "status": LifecycleStatus.ACTIVE, "disposition": "active", "biz_step": "commissioning",
             "biz_location_id": None, "read_point_id": None, "owner_id": None, "possessor_id": None,
             "commissioned_at": datetime(2025, 1, 1), "last_event_id": event, "last_event_time": datetime(2025, 1, 1)}
    columns = tuple(c for c in state if c != "node_id")
    bulk_insert(session, UnitState.__table__, [state], on_conflict=("node_id",), update=columns)
    bulk_insert(session, UnitState.__table__, [{**state, "disposition": "in_transit", "biz_step": "shipping"}],
                on_conflict=("node_id",), update=columns)
    states = UnitState.__table__
    row = session.execute(select(states.c.disposition, states.c.biz_step, states.c.commissioned_at)
                          .where(states.c.node_id == node)).one()
    assert tuple(row) == ("in_transit", "shipping", datetime(2025, 1, 1))


def test_chunks_cut_a_sequence_in_order() -> None:
    assert [list(c) for c in chunks(list(range(7)), size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [len(c) for c in chunks(range(2 * IN_LIST_LIMIT + 1))] == [IN_LIST_LIMIT, IN_LIST_LIMIT, 1]
    with pytest.raises(ValueError, match="at least 1"):
        list(chunks([1], size=0))


def test_an_in_list_beyond_the_limit_is_sent_in_chunks(session: Session, count_statements) -> None:
    from cradletrace.lifecycle.rules import load_objects

    wanted = [f"urn:t:chunk:{i}" for i in range(IN_LIST_LIMIT + 10)]
    _nodes(session, wanted[0], wanted[-1])
    with count_statements(session) as sent:
        found = load_objects(session, wanted)
    assert len(sent) == 2 and len(found) == len(wanted)
    assert found[wanted[-1]].node_id is not None and found[wanted[1]].node_id is None
