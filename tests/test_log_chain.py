"""The chain link function and the append lock."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cradletrace.log.chain import Head, link, lock_head, store_head
from cradletrace.models import GENESIS_CHAIN_HASH


def test_link_depends_on_every_part() -> None:
    base = link(GENESIS_CHAIN_HASH, "ni:///sha-256;aa?ver=CBV2.0", '{"a":1}')
    assert len(base) == 64
    assert link(GENESIS_CHAIN_HASH, "ni:///sha-256;ab?ver=CBV2.0", '{"a":1}') != base
    assert link(GENESIS_CHAIN_HASH, "ni:///sha-256;aa?ver=CBV2.0", '{"a":2}') != base
    assert link("1" * 64, "ni:///sha-256;aa?ver=CBV2.0", '{"a":1}') != base


def test_head_round_trip(session: Session) -> None:
    head = lock_head(session)
    assert head == Head(0, GENESIS_CHAIN_HASH)
    store_head(session, Head(5, "f" * 64))
    assert lock_head(session) == Head(5, "f" * 64)
