"""audit verify: the chain walk names the first entry, and the column, that does not hold."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from cradletrace.errors import BrokenChain
from cradletrace.log.audit import require_intact, verify_chain
from cradletrace.log.capture import capture_events
from cradletrace.models import Action, Event, EventType, Node

UNIT = "https://id.gs1.org/01/09506000134352/21/"


def obj(epcs, biz_step):
    return {"type": "ObjectEvent", "action": "OBSERVE", "epcList": list(epcs), "bizStep": biz_step,
            "eventTime": "2025-01-01T10:00:00Z", "eventTimeZoneOffset": "+00:00"}


def test_empty_log_verifies(session: Session) -> None:
    result = verify_chain(session)
    assert result.ok and result.checked == 0
    assert result.summary() == "OK: 0 events, chain intact"


def test_chain_verifies_and_names_an_edited_row(session: Session) -> None:
    capture_events(session, [obj([UNIT + str(i)], "shipping") for i in range(5)])
    assert verify_chain(session).ok and verify_chain(session, deep=True).checked == 5
    session.execute(text("UPDATE events SET payload = replace(payload, 'shipping', 'receiving') WHERE id = 3"))
    result = verify_chain(session)
    assert not result.ok and result.entry == 3
    assert result.event_id == session.scalar(select(Event.event_id).where(Event.id == 3))


def _delete_log_entry(session: Session, seq: int) -> None:
    """Remove one log entry the way a tamperer would have to: its dependent rows first."""
    for statement in (
        "DELETE FROM event_objects WHERE event_id = :seq",
        "DELETE FROM biz_transactions WHERE event_id = :seq",
        "DELETE FROM unit_states WHERE last_event_id = :seq",
        "UPDATE edges SET closed_by = NULL WHERE closed_by = :seq",
        "DELETE FROM edges WHERE event_id = :seq",
        "UPDATE events SET retracted_by = NULL WHERE retracted_by = :seq",
        "DELETE FROM events WHERE id = :seq",
    ):
        session.execute(text(statement), {"seq": seq})


def test_chain_names_a_deleted_row(session: Session) -> None:
    capture_events(session, [obj([UNIT + str(i)], "shipping") for i in range(4)])
    _delete_log_entry(session, 2)
    result = verify_chain(session)
    assert not result.ok and result.entry == 3 and "missing" in result.reason


def test_edited_event_hash_column_is_found(session: Session) -> None:
    capture_events(session, [obj([UNIT + str(i)], "shipping") for i in range(3)])
    session.execute(text("UPDATE events SET event_hash = 'ni:///sha-256;00?ver=CBV2.0' WHERE id = 2"))
    result = verify_chain(session)
    assert not result.ok and result.entry == 2


def test_deep_finds_a_payload_whose_hash_was_recomputed_into_the_chain(session: Session) -> None:
    """An attacker who rewrites payload, columns AND chain hashes is still caught by --deep (hash of the payload)."""
    from cradletrace.log.chain import link
    from cradletrace.models import GENESIS_CHAIN_HASH

    capture_events(session, [obj([UNIT + str(i)], "shipping") for i in range(3)])
    rows = session.execute(select(Event.id, Event.event_hash, Event.payload).order_by(Event.id)).all()
    previous = GENESIS_CHAIN_HASH
    for seq, stored_hash, payload in rows:
        if seq == 2:
            payload = payload.replace("shipping", "receiving")
        previous = link(previous, stored_hash, payload)
        session.execute(text("UPDATE events SET payload = :p, chain_hash = :c WHERE id = :i"),
                        {"p": payload, "c": previous, "i": seq})
    session.execute(text("UPDATE log_head SET chain_hash = :c"), {"c": previous})
    assert verify_chain(session).ok, "the chain alone holds"
    assert verify_chain(session, columns=True).column == "biz_step", "the column still says what the old payload said"
    session.execute(text("UPDATE events SET biz_step = 'receiving' WHERE id = 2"))
    assert verify_chain(session, columns=True).ok
    deep = verify_chain(session, deep=True)
    assert not deep.ok and deep.entry == 2 and "payload" in deep.reason


def test_rows_removed_at_the_end_are_found(session: Session) -> None:
    capture_events(session, [obj([UNIT + str(i)], "shipping") for i in range(3)])
    _delete_log_entry(session, 3)
    result = verify_chain(session)
    assert not result.ok and "log head" in result.reason


# Derived columns: each is checked against the payload (columns=True, and deep), so an edit of one is found.

SITE, DOCK = "https://id.gs1.org/414/9520123456788", "https://id.gs1.org/414/9520123456795"


def _placed_log(session: Session) -> None:
    capture_events(session, [{**obj([UNIT + str(i)], "shipping"), "disposition": "in_transit",
                              "readPoint": {"id": DOCK}, "bizLocation": {"id": SITE}} for i in range(3)])


@pytest.mark.parametrize(("column", "value", "shown"), [
    ("biz_step", "commissioning", "column biz_step is 'commissioning' but the payload says 'shipping'"),
    ("event_time", datetime(2024, 6, 1, 12, 0), "column event_time is "),
    ("action", Action.ADD, "column action is 'ADD' but the payload says 'OBSERVE'"),
    ("biz_location_id", "dock", f"column biz_location_id is {{dock}} (node '{DOCK}') but the payload says '{SITE}'"),
    ("read_point_id", None, f"column read_point_id is NULL but the payload says '{DOCK}'"),
    ("event_type", EventType.TRANSACTION, "column event_type is 'TransactionEvent' but the payload says 'ObjectEvent'"),
    ("declares_error", True, "column declares_error is "),
    ("disposition", None, "column disposition is NULL but the payload says 'in_transit'"),
    ("event_time_offset", "+05:00", "column event_time_offset is '+05:00' but the payload says '+00:00'"),
    ("record_time", datetime(2020, 1, 1), "column record_time is "),
    ("event_id", "urn:uuid:00000000-0000-4000-8000-000000000000", "column event_id is 'urn:uuid:0000"),
])
def test_an_edited_column_is_named_with_its_entry(session: Session, column: str, value: object, shown: str) -> None:
    _placed_log(session)
    dock = session.scalar(select(Node.id).where(Node.identifier == DOCK))
    if value == "dock":
        value, shown = dock, shown.format(dock=dock)
    event_id = session.scalar(select(Event.event_id).where(Event.id == 2))
    session.execute(update(Event.__table__).where(Event.__table__.c.id == 2).values({column: value}))
    for mode in ({"columns": True}, {"deep": True}):
        result = verify_chain(session, **mode)
        assert (result.ok, result.entry, result.column) == (False, 2, column), result
        assert result.reason.startswith(shown), result.reason
        stored_id = value if column == "event_id" else event_id
        assert result.summary().startswith(f"BROKEN at log entry 2 (eventID {stored_id}): column {column} is ")


def test_an_edited_node_identifier_is_found_through_the_place_columns(session: Session) -> None:
    _placed_log(session)
    session.execute(text("UPDATE nodes SET identifier = :other WHERE identifier = :site"),
                    {"other": "https://id.gs1.org/414/9520999999990", "site": SITE})
    result = verify_chain(session, columns=True)
    assert (result.ok, result.entry, result.column) == (False, 1, "biz_location_id")


def test_a_column_rewritten_in_another_text_form_is_found(session: Session) -> None:
    """SQLite compares stored times as text: the same instant written differently orders differently."""
    _placed_log(session)
    stored = session.scalar(text("SELECT event_time FROM events WHERE id = 3"))
    if not isinstance(stored, str):
        pytest.skip("PostgreSQL stores a timestamp, not text")
    session.execute(text("UPDATE events SET event_time = :t WHERE id = 3"), {"t": stored.replace(" ", "T")})
    result = verify_chain(session, columns=True)
    assert (result.entry, result.column) == (3, "event_time")


def test_require_intact_raises_broken_chain_naming_the_entry(session: Session) -> None:
    _placed_log(session)
    assert require_intact(session).checked == 3
    session.execute(text("UPDATE events SET biz_step = 'receiving' WHERE id = 3"))
    with pytest.raises(BrokenChain) as caught:
        require_intact(session)
    assert caught.value.entry == 3
    assert "BROKEN at log entry 3" in str(caught.value) and "column biz_step is 'receiving'" in str(caught.value)
