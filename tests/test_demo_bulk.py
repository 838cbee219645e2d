"""Bulk production: packs made, palletised, shipped and sold batch by batch, per-pack work only in documents."""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.commerce import for_unit
from cradletrace.demo import bulk, catalogue, sales
from cradletrace.demo.catalogue import BIKEPARTS, CICLO, P36, P48
from cradletrace.lineage import composition, history
from cradletrace.models import Capture, Node, Unit
from demo_support import BULK, reading

pytestmark = pytest.mark.xdist_group("demo")


def test_bulk_packs_are_made_shipped_and_sold_like_story_packs(demo_database: str) -> None:
    with reading(demo_database) as session:
        names = set(session.scalars(select(Capture.name)))
        pack = session.scalar(select(Node.identifier).join(Unit, Unit.node_id == Node.id)
                              .where(Unit.serial == "K00010001"))
        steps = [e.biz_step for e in history(session, pack, include_parts=False)]
        parts = [r.identifier for r in composition(session, pack).parts if r.edge_kind == "part_of"]
        chain = [d.number for d in for_unit(session, pack)]
    assert {"voltwerk-mes-K0001.jsonld", "eurolog-receipts-K0001.jsonld"} <= names
    assert pack.split("/")[4] in (P48.gtin, P36.gtin)
    assert steps[:5] == ["commissioning", "assembling", "inspecting", "packing", "shipping"]
    assert steps[-1] == "receiving", "delivered to the distributor"
    assert parts == [catalogue.BMS.unit("BK00010001")], "its board fitted, and off the pallet it travelled on"
    assert {"SO-K0001", "SH-K0001"} <= set(chain)


def test_batches_are_spread_over_the_stories_months() -> None:
    days = bulk.batch_days(100)
    assert days[0] == bulk.FIRST_DAY and days[-1] == bulk.LAST_DAY and days == sorted(days, reverse=True)
    assert bulk.build.__module__ == "cradletrace.demo.bulk" and BULK < bulk.BATCH


def test_a_batch_costs_the_same_statements_whatever_its_size(
        session: Session, count_statements: Callable[[Session], AbstractContextManager[list[Any]]]) -> None:
    catalogue.register(session)
    sales.open_accounts(session)
    bulk.make_batch(session, 1, 5, 201, random.Random(1))  # the first invoice starts its number series
    sent = []
    for k, size in ((2, 41), (3, 80)):  # two pallets and one work order each: twice the packs
        with count_statements(session) as statements:
            bulk.make_batch(session, k, size, 200 - k, random.Random(1))
        allocations = [s for s in statements if s.statement.startswith("INSERT INTO commerce_allocations")]
        # A capture whose events sort before ones already projected (same eventTime, order by hash) refolds
        # the objects concerned: one SELECT of their events per such capture, which the data decides.
        refolds = [s for s in statements if s.statement.startswith("SELECT events.id, events.event_time")]
        sent.append((len(statements) - len(allocations) - len(refolds), len(allocations), len(refolds)))
    # everything but commerce.allocate's INSERT of its rows is constant; SQLAlchemy sends that one as one
    # statement on PostgreSQL, and one per row on SQLite (where the ORM needs each new id back in order)
    assert sent[0][0] == sent[1][0], sent
    assert [n for _, n, _r in sent] in ([1, 1], [41, 80]), sent
    assert all(r <= 10 for _, _n, r in sent), sent  # bounded by the batch's captures, not by its packs
    assert (BIKEPARTS, CICLO) == bulk.CUSTOMERS
