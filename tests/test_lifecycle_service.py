"""Service: installation, repair, component swap, returns, refurbishment, resale."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.lifecycle import (
    REFURBISHING,
    commission_units,
    ct,
    install,
    location,
    manufacture,
    party,
    refurbish,
    repair,
    replace_component,
    resell,
    return_unit,
    sgtin,
)
from cradletrace.models import Edge, EdgeKind
from lifecycle_support import T0, at, events, node, payloads, state_of

PACK, BOARD = "09506000134352", "09506000134369"
US, CUSTOMER = party("9520222222222"), party("9520333333336")
PLANT, CUSTOMER_SITE = location("9520555555554"), location("9520666666668")
UNIT, OLD, NEW = sgtin(PACK, "P1"), sgtin(BOARD, "B-old"), sgtin(BOARD, "B-new")


@pytest.fixture
def unit(session: Session) -> str:
    commission_units(session, [OLD, NEW], location=PLANT, when=T0)
    manufacture(session, [UNIT], components={UNIT: [OLD]}, location=PLANT, when=at(1))
    return UNIT


def test_install_and_repair(session: Session, unit: str) -> None:
    (event,) = payloads(session, install(session, [unit], location=CUSTOMER_SITE, owner=CUSTOMER, when=at(2)))
    assert (event["bizStep"], event["disposition"], event["bizLocation"]) == (
        "installing", "active", {"id": CUSTOMER_SITE})
    (event,) = payloads(session, repair(session, [unit], description="replaced fuse", service_order="urn:example:so:1",
                                        when=at(3)))
    assert (event["bizStep"], event["disposition"]) == ("repairing", "conformant")
    assert event["bizTransactionList"] == [{"bizTransaction": "urn:example:so:1"}]
    assert event[ct("repairDescription")] == "replaced fuse"
    (event,) = payloads(session, repair(session, [unit], needs_replacement=True, when=at(4)))
    assert event["disposition"] == "needs_replacement"
    assert state_of(session, unit).disposition == "needs_replacement"


def test_replace_component_closes_the_old_part_of_and_opens_a_new_one(session: Session, unit: str) -> None:
    report = replace_component(session, unit, OLD, NEW, reason="BMS fault", service_order="urn:example:so:2",
                               location=CUSTOMER_SITE, when=at(5))
    removal, fitting = payloads(session, report)
    assert (removal["type"], removal["action"], removal["bizStep"], removal["childEPCs"]) == (
        "AggregationEvent", "DELETE", "removing", [OLD])
    assert (fitting["action"], fitting["bizStep"], fitting["childEPCs"]) == ("ADD", "replacing", [NEW])
    edges = {e.src: e for e in session.scalars(select(Edge).where(Edge.kind == EdgeKind.PART_OF))
             .all()}
    old_edge, new_edge = edges[node(session, OLD)], edges[node(session, NEW)]
    assert old_edge.valid_to == datetime(2025, 1, 6, 13, 0) and old_edge.closed_by is not None
    assert new_edge.valid_from == datetime(2025, 1, 6, 13, 0) and new_edge.valid_to is None
    assert old_edge.dst == new_edge.dst == node(session, unit)
    # the removed part keeps its own life: it can be repaired and fitted elsewhere
    (event,) = payloads(session, repair(session, [OLD], when=at(6)))
    assert (event["bizStep"], event["epcList"]) == ("repairing", [OLD])
    other = sgtin(PACK, "P2")
    manufacture(session, [other], components={other: [OLD]}, when=at(7))
    fitted = session.scalars(select(Edge).where(Edge.kind == EdgeKind.PART_OF, Edge.src == node(session, OLD),
                                                Edge.valid_to.is_(None))).all()
    assert [e.dst for e in fitted] == [node(session, other)]


def test_replace_component_rules(session: Session, unit: str) -> None:
    before = events(session)
    with pytest.raises(RuleViolation, match="B-new is not fitted in"):
        replace_component(session, unit, NEW, OLD, when=at(5))
    assert events(session) == before
    other = sgtin(PACK, "P2")
    manufacture(session, [other], components={other: [NEW]}, when=at(2))
    before = events(session)
    with pytest.raises(RuleViolation, match=r"B-new is already in .*P2"):
        replace_component(session, unit, OLD, NEW, when=at(5))
    with pytest.raises(RuleViolation, match="never commissioned"):
        replace_component(session, unit, OLD, sgtin(BOARD, "ghost"), when=at(5))
    with pytest.raises(InvalidInput):
        replace_component(session, unit, OLD, OLD, when=at(5))
    assert events(session) == before


def test_return_refurbish_resell(session: Session, unit: str) -> None:
    (event,) = payloads(session, return_unit(session, [unit], rma="urn:example:rma:3", location=PLANT, by_party=US,
                                             from_party=CUSTOMER, reason="capacity fade", when=at(10)))
    assert (event["bizStep"], event["disposition"]) == ("receiving", "returned")
    assert event["bizTransactionList"] == [{"type": "rma", "bizTransaction": "urn:example:rma:3"}]
    assert {"type": "owning_party", "destination": US} in event["destinationList"]
    assert state_of(session, unit).owner_id == node(session, US)
    (event,) = payloads(session, refurbish(session, [unit], description="new cells", when=at(11)))
    assert (event["bizStep"], event["disposition"]) == (REFURBISHING, "sellable_not_accessible")
    (event,) = payloads(session, resell(session, [unit], customer=CUSTOMER, inv="urn:example:inv:2", when=at(12)))
    assert (event["bizStep"], event["disposition"], event[ct("saleKind")]) == ("retail_selling", "retail_sold", "resale")
