"""audit verify: the chain walk names the first entry that does not hold."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cradletrace.log.audit import verify_chain
from cradletrace.log.capture import capture_events
from cradletrace.models import Event

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
    """An attacker who rewrites payload AND chain hashes is still caught by --deep (hash of the payload)."""
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
    assert verify_chain(session).ok
    deep = verify_chain(session, deep=True)
    assert not deep.ok and deep.entry == 2 and "payload" in deep.reason


def test_rows_removed_at_the_end_are_found(session: Session) -> None:
    capture_events(session, [obj([UNIT + str(i)], "shipping") for i in range(3)])
    _delete_log_entry(session, 3)
    result = verify_chain(session)
    assert not result.ok and "log head" in result.reason
