"""Lineage over a product built through real EPCIS events (cradletrace.log.capture), on every backend.

The same story as tests/lineage_world.py, but captured: the projection writes the
edges, their validity and the unit states, and lineage must give the same answers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cradletrace import lineage
from cradletrace.log.capture import capture_events

_spec = importlib.util.spec_from_file_location("lineage_world", Path(__file__).with_name("lineage_world.py"))
lw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lw)  # type: ignore[union-attr]
t = lw.t


def at(month: float) -> dict[str, str]:
    return {"eventTime": t(month).strftime("%Y-%m-%dT%H:%M:%SZ"), "eventTimeZoneOffset": "+00:00"}


def qty(epc_class: str, amount: float) -> dict[str, Any]:
    return {"epcClass": epc_class, "quantity": amount, "uom": "KGM"}


def make(month: float, **fields: Any) -> dict[str, Any]:
    return {"type": "TransformationEvent", "bizStep": "commissioning", **at(month), **fields}


def aggregate(month: float, action: str, parent: str, children: list[str], biz_step: str) -> dict[str, Any]:
    return {"type": "AggregationEvent", "action": action, "parentID": parent, "childEPCs": children,
            "bizStep": biz_step, **at(month)}


EVENTS = [
    make(1, inputQuantityList=[qty(lw.RM1, 5.0)], outputQuantityList=[qty(lw.CL1, 4.5)]),
    make(2, inputQuantityList=[qty(lw.CL1, 4.5)], outputEPCList=[lw.C1, lw.C2, lw.C3]),
    make(2, inputQuantityList=[qty(lw.RM2, 0.2)], outputEPCList=[lw.B1]),
    {"type": "ObjectEvent", "action": "ADD", "epcList": [lw.M, lw.U1], "bizStep": "commissioning",
     "disposition": "active", **at(2.5)},
    aggregate(3, "ADD", lw.M, [lw.C1, lw.C2], "assembling"),
    aggregate(4, "ADD", lw.U1, [lw.M, lw.B1], "assembling"),
    aggregate(6, "DELETE", lw.M, [lw.C2], "removing"),
    aggregate(6, "ADD", lw.M, [lw.C3], "replacing"),
    make(7, bizStep="disassembling", inputEPCList=[lw.U1, lw.M, lw.C1, lw.C3, lw.B1],
         outputQuantityList=[qty(lw.RL, 2.0)]),
    make(8, inputQuantityList=[qty(lw.RL, 1.0)], outputEPCList=[lw.U2]),
    {"type": "ObjectEvent", "action": "OBSERVE", "epcList": [lw.U2], "bizStep": "shipping",
     "disposition": "in_transit", "bizLocation": {"id": lw.SHOP},
     "destinationList": [{"type": "owning_party", "destination": lw.ACME}], **at(9)},
]


@pytest.fixture
def captured(session: Session) -> Session:
    capture_events(session, EVENTS, name="lineage story")
    session.flush()
    return session


def test_upstream_at_two_times(captured: Session) -> None:
    before = {r.identifier for r in lineage.upstream(captured, lw.U1, as_of=t(5))}
    after = {r.identifier for r in lineage.upstream(captured, lw.U1, as_of=t(6.5))}
    assert before == {lw.M, lw.B1, lw.C1, lw.C2, lw.CL1, lw.RM1, lw.RM2}
    assert after == before - {lw.C2} | {lw.C3}
    mass = {(r.identifier, r.via): r.mass_kg for r in lineage.upstream(captured, lw.U1, as_of=t(5))}
    assert mass[(lw.RM1, lw.CL1)] == 5.0 and mass[(lw.CL1, lw.C1)] == pytest.approx(1.5)


def test_downstream_recall_and_recycling(captured: Session) -> None:
    assert {r.identifier for r in lineage.downstream(captured, lw.RM1)} == {
        lw.CL1, lw.C1, lw.C2, lw.C3, lw.M, lw.U1, lw.RL, lw.U2}
    assert {r.identifier for r in lineage.downstream(captured, lw.C2)} == {lw.M, lw.U1}
    rows = {r.identifier: r for r in lineage.recall(captured, lw.RM1)}
    assert set(rows) == {lw.C1, lw.C2, lw.C3, lw.M, lw.U1, lw.U2}
    assert rows[lw.U2].owner == lw.ACME and rows[lw.U2].in_service
    assert rows[lw.U1].recycled and rows[lw.C1].recycled and not rows[lw.C2].recycled
    assert {r.identifier for r in lineage.upstream(captured, lw.U2)} >= {lw.RL, lw.U1, lw.C3, lw.RM1, lw.RM2}


def test_composition_history_and_path(captured: Session) -> None:
    comp = lineage.composition(captured, lw.U1, t(6.5))
    assert comp.built_at == t(4)
    assert [(c.identifier, c.parent) for c in comp.added] == [(lw.C3, lw.M)]
    assert [(c.identifier, c.parent) for c in comp.removed] == [(lw.C2, lw.M)]
    assert comp.removed[0].event_id and comp.removed[0].event_id != comp.added[0].event_id
    steps = [(e.biz_step, e.depth) for e in lineage.history(captured, lw.U1)]
    assert steps == [("commissioning", 0), ("assembling", 0), ("removing", 1), ("replacing", 1),
                     ("disassembling", 0)]
    assert [s.target for s in lineage.path(captured, lw.RM2, lw.U2)] == [lw.B1, lw.RL, lw.U2]


def test_a_transformation_split_over_two_events_links_its_inputs_to_its_outputs(session: Session) -> None:
    """EPCIS: TransformationEvents sharing a transformationID are one transformation, in any order."""
    from cradletrace.log.rebuild import check_projections

    batch, output = lw.lgtin("SPLIT-1"), lw.sgtin("SPLIT-U")
    # the outputs are reported first, the consumption later (a partner's two systems)
    capture_events(session, [make(5, transformationID="urn:example:wo:split", outputEPCList=[output])])
    capture_events(session, [make(4.5, transformationID="urn:example:wo:split",
                                  inputQuantityList=[qty(batch, 2.0)])])
    up = {r.identifier: r for r in lineage.upstream(session, output)}
    assert set(up) == {"urn:example:wo:split", batch}
    assert (up[batch].depth, up[batch].mass_kg) == (2, 2.0)
    assert output in {r.identifier for r in lineage.downstream(session, batch)}
    assert [r.identifier for r in lineage.recall(session, batch)] == [output]
    assert check_projections(session) == []
