"""Every projection is a function of the events, never of the order they arrived in (docs/projections.md).

Random histories of packing, unpacking, unpack-all, transformations (whole and split by
transformationID), observations and error declarations are captured three ways: in time
order as one document, one event per document in a random order, and in random batches
across several documents. Each way must give the reference model's edges and states
(tests/projection_model.py), the same lineage answers and the same projection tables, and
``rebuild --check`` must agree, on SQLite and on PostgreSQL. The explicit regression tests
below are the four faults of issue 16.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from cradletrace import lineage
from cradletrace.errors import NotFound
from cradletrace.log.capture import capture_events
from cradletrace.log.rebuild import check_projections
from cradletrace.models import Edge, Event, Node, UnitState

_spec = importlib.util.spec_from_file_location("projection_model", Path(__file__).with_name("projection_model.py"))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)  # type: ignore[union-attr]

GTIN_CASE, GTIN_UNIT, GTIN_LOT = "09506000134352", "09506000134369", "09506000134376"
CASES = [f"https://id.gs1.org/01/{GTIN_CASE}/21/P{i}" for i in (1, 2)]
UNITS = [f"https://id.gs1.org/01/{GTIN_UNIT}/21/C{i}" for i in (1, 2, 3)]
LOTS = [f"https://id.gs1.org/01/{GTIN_LOT}/10/L{i}" for i in (1, 2)]
T0 = datetime(2025, 3, 1, 8, 0)
PROBES = [T0 + timedelta(minutes=m, seconds=30) for m in range(-1, 9)] + [T0 + timedelta(minutes=m) for m in range(9)]


def iso(minute: int) -> str:
    return (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")


def base(n: int, minute: int, **fields: Any) -> dict[str, Any]:
    return {"eventID": f"urn:uuid:00000000-0000-4000-8000-{n:012d}", "eventTime": iso(minute),
            "eventTimeZoneOffset": "+00:00", **fields}


def aggregation(n: int, minute: int, action: str, parent: str, children: list[str]) -> dict[str, Any]:
    return base(n, minute, type="AggregationEvent", action=action, parentID=parent, childEPCs=children,
                bizStep="packing" if action == "ADD" else "unpacking")


def declaration(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "errorDeclaration": {"declarationTime": iso(60), "reason": "incorrect_data"}}


def qty(lot: str) -> dict[str, Any]:
    return {"epcClass": lot, "quantity": 1.0, "uom": "KGM"}


minutes = st.integers(min_value=0, max_value=8)
step = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(CASES), st.sets(st.sampled_from(UNITS), min_size=1), minutes),
    st.tuples(st.just("delete"), st.sampled_from(CASES), st.sets(st.sampled_from(UNITS), min_size=1), minutes),
    st.tuples(st.just("delete_all"), st.sampled_from(CASES), st.just(None), minutes),
    st.tuples(st.just("make"), st.sampled_from(LOTS), st.sampled_from(UNITS), minutes),
    st.tuples(st.just("split"), st.sampled_from(LOTS), st.sampled_from(UNITS), minutes),
    st.tuples(st.just("observe"), st.sampled_from(UNITS), st.sampled_from(["in_transit", "in_progress", None]), minutes),
    st.tuples(st.just("retract"), st.integers(min_value=0, max_value=30), st.just(None), st.just(0)),
)


def history(steps: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The events of ``steps``, each retraction declaring an earlier event (at most once)."""
    events: list[dict[str, Any]] = []
    declared: set[str] = set()
    for kind, a, b, minute in steps:
        n = len(events)
        if kind in ("add", "delete"):
            events.append(aggregation(n, minute, kind.upper(), a, sorted(b)))
        elif kind == "delete_all":
            events.append(aggregation(n, minute, "DELETE", a, []))
        elif kind == "make":
            events.append(base(n, minute, type="TransformationEvent", bizStep="commissioning",
                               inputQuantityList=[qty(a)], outputEPCList=[b]))
        elif kind == "split":
            tid = f"urn:uuid:11111111-0000-4000-8000-{n:012d}"
            events.append(base(n, minute, type="TransformationEvent", transformationID=tid, inputQuantityList=[qty(a)]))
            events.append(base(n + 1, min(minute + 1, 8), type="TransformationEvent", transformationID=tid,
                               outputEPCList=[b], bizStep="commissioning"))
        elif kind == "observe":
            events.append(base(n, minute, type="ObjectEvent", action="OBSERVE", epcList=[a],
                               **({"disposition": b} if b else {})))
        else:
            originals = [e for e in events if "errorDeclaration" not in e]
            if originals:
                target = originals[a % len(originals)]
                if target["eventID"] not in declared:
                    declared.add(target["eventID"])
                    events.append(declaration(target))
    return events


def in_time_order(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(events, key=lambda e: (e["eventTime"], "errorDeclaration" in e))


# -- what the database holds, in identifiers and eventIDs (not node ids or log positions) ----------
def snapshot(session: Session) -> dict[str, Any]:
    src, dst = aliased(Node), aliased(Node)
    opened, closed = aliased(Event), aliased(Event)
    edges = {
        (kind.value, s, d, vf, vt, eo, ec, bool(r))
        for kind, s, d, vf, vt, eo, ec, r in session.execute(
            select(Edge.kind, src.identifier, dst.identifier, Edge.valid_from, Edge.valid_to, opened.event_id,
                   closed.event_id, Edge.retracted)
            .join(src, src.id == Edge.src).join(dst, dst.id == Edge.dst).join(opened, opened.id == Edge.event_id)
            .outerjoin(closed, closed.id == Edge.closed_by))
    }
    node, last = aliased(Node), aliased(Event)
    states = {
        ident: row for ident, *row in session.execute(
            select(node.identifier, last.event_id, UnitState.disposition, UnitState.status, UnitState.biz_step,
                   UnitState.last_event_time, UnitState.commissioned_at)
            .join(node, node.id == UnitState.node_id).join(last, last.id == UnitState.last_event_id))
    }
    original, declaring = aliased(Event), aliased(Event)
    retracted = set(session.execute(select(original.event_id, declaring.event_id)
                                    .join(declaring, declaring.id == original.retracted_by)).all())
    return {"edges": edges, "states": states, "retracted": retracted}


def answers(session: Session) -> dict[str, Any]:
    """Lineage answers in identifiers: upstream at every probe time, downstream, recall, history, composition."""
    def ask(question: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return question(session, *args, **kwargs)
        except NotFound:
            return None  # never recorded: the same answer whatever the order

    def rows(found: Any, *fields: str) -> Any:
        return None if found is None else frozenset(tuple(getattr(r, f) for f in fields) for r in found)

    found: dict[str, Any] = {}
    for case in CASES:
        found[f"upstream {case}"] = [rows(ask(lineage.upstream, case, as_of=t), "identifier") for t in PROBES]
        comp = ask(lineage.composition, case, at=T0 + timedelta(minutes=9))
        found[f"composition {case}"] = comp and (rows(comp.added, "identifier", "parent", "event_id", "time"),
                                                 rows(comp.removed, "identifier", "parent", "event_id", "time"))
    for ident in LOTS + UNITS:
        found[f"downstream {ident}"] = rows(ask(lineage.downstream, ident), "identifier", "via", "edge_kind")
        found[f"recall {ident}"] = rows(ask(lineage.recall, ident), "identifier", "status")
    for unit in UNITS:
        found[f"history {unit}"] = rows(ask(lineage.history, unit), "event_id", "depth")
    return found


def captured_three_ways(session: Session, events: list[dict[str, Any]], shuffled: list[dict[str, Any]],
                        cuts: list[int]) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, str]]]:
    """Capture ``events`` (a) in time order at once, (b) one by one in ``shuffled`` order, (c) in batches.

    Each way runs inside a savepoint that is rolled back; returns its snapshot, answers and hashes.
    """
    ways = [[in_time_order(events)], [[e] for e in shuffled],
            [shuffled[i:j] for i, j in zip([0, *cuts], [*cuts, len(shuffled)]) if shuffled[i:j]]]
    results = []
    for documents in ways:
        savepoint = session.begin_nested()
        try:
            for n, document in enumerate(documents):
                capture_events(session, document, name=f"document {n}")
            session.flush()
            assert check_projections(session) == [], "rebuild --check disagrees with capture"
            hashes = dict(session.execute(select(Event.event_id, Event.event_hash)).all())
            results.append((snapshot(session), answers(session), hashes))
        finally:
            savepoint.rollback()
    return results


def assert_independent_of_arrival(session: Session, events: list[dict[str, Any]], shuffled: list[dict[str, Any]],
                                  cuts: list[int]) -> None:
    results = captured_three_ways(session, events, shuffled, cuts)
    (first, first_answers, hashes), *others = results
    edges, states = ref.model(events, hashes)
    assert first["edges"] == edges, (sorted(first["edges"] - edges, key=str), sorted(edges - first["edges"], key=str))
    found_states = {ident: tuple(row[:2]) for ident, row in first["states"].items()}
    assert found_states == states, {k: (found_states.get(k), states.get(k)) for k in found_states.keys() | states.keys()
                                    if found_states.get(k) != states.get(k)}
    for case in CASES:
        if first_answers[f"upstream {case}"][0] is not None:
            expected = [frozenset((i,) for i in ref.upstream_at(edges, case, t)) for t in PROBES]
            assert first_answers[f"upstream {case}"] == expected, case
    for snap, found, _hashes in others:
        assert snap == first
        assert found == first_answers, {k: (found[k], first_answers[k]) for k in found if found[k] != first_answers[k]}


histories = st.lists(step, min_size=1, max_size=14).map(history).filter(bool)


def _arrivals(data: st.DataObject, events: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    shuffled = data.draw(st.permutations(events), label="arrival order")
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(events) - 1)), max_size=3), label="batch cuts"))
    return shuffled, cuts


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                               HealthCheck.too_slow])
@given(events=histories, data=st.data())
def test_projections_do_not_depend_on_arrival(session: Session, events: list[dict[str, Any]],
                                              data: st.DataObject) -> None:
    assert_independent_of_arrival(session, events, *_arrivals(data, events))


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(events=st.lists(step, min_size=1, max_size=30).map(history).filter(bool), data=st.data())
def test_projections_do_not_depend_on_arrival_many(session: Session, events: list[dict[str, Any]],
                                                   data: st.DataObject) -> None:
    assert_independent_of_arrival(session, events, *_arrivals(data, events))


# -- the four faults of issue 16, each captured out of order ------------------------------------
P, C1, C2 = CASES[0], UNITS[0], UNITS[1]


def _fitted(session: Session, minute: float) -> set[str]:
    return {r.identifier for r in lineage.upstream(session, P, as_of=T0 + timedelta(minutes=minute))}


def test_a_delete_captured_before_its_add_closes_the_interval(session: Session) -> None:
    add, delete = aggregation(0, 1, "ADD", P, [C1]), aggregation(1, 3, "DELETE", P, [C1])
    capture_events(session, [delete])
    capture_events(session, [add])
    assert _fitted(session, 2) == {C1} and _fitted(session, 4) == set()
    assert check_projections(session) == []


def test_unpack_all_closes_children_packed_by_an_add_that_arrives_later(session: Session) -> None:
    capture_events(session, [aggregation(0, 1, "ADD", P, [C1])])
    capture_events(session, [aggregation(1, 5, "DELETE", P, [])])
    capture_events(session, [aggregation(2, 2, "ADD", P, [C2])])
    assert _fitted(session, 3) == {C1, C2} and _fitted(session, 6) == set()
    assert {r.identifier for r in lineage.downstream(session, C2)} == {P}


def test_retracting_a_delete_leaves_the_edge_to_the_next_one(session: Session) -> None:
    first_delete = aggregation(1, 3, "DELETE", P, [C1])
    capture_events(session, [aggregation(0, 1, "ADD", P, [C1]), first_delete, aggregation(2, 6, "DELETE", P, [])])
    capture_events(session, [declaration(first_delete)])
    assert _fitted(session, 4) == {C1} and _fitted(session, 7) == set()
    closing = session.execute(select(Event.event_id).join(Edge, Edge.closed_by == Event.id)).scalars().all()
    assert closing == [aggregation(2, 6, "DELETE", P, [])["eventID"]]


def test_a_declaration_that_arrives_before_its_event_retracts_it(session: Session) -> None:
    add = aggregation(0, 1, "ADD", P, [C1])
    capture_events(session, [declaration(add)])
    capture_events(session, [add])
    assert _fitted(session, 2) == set()
    assert session.execute(select(Event.retracted_by).where(Event.event_id == add["eventID"],
                                                            Event.declares_error.is_(False))).scalar() is not None


def test_rebuild_check_sees_an_edge_made_wrong_on_purpose(session: Session) -> None:
    capture_events(session, [aggregation(0, 1, "ADD", P, [C1]), aggregation(1, 3, "DELETE", P, [C1])])
    assert check_projections(session) == []
    session.execute(update(Edge).values(valid_to=None, closed_by=None))
    differences = check_projections(session)
    assert [d.table for d in differences] == ["edges"]
    assert len(differences[0].only_stored) == len(differences[0].only_rebuilt) == 1


def test_rebuild_replays_in_event_order_not_log_order(session: Session) -> None:
    """Rebuild runs its own replay: a log written in reverse time order rebuilds to the same rows."""
    events = [aggregation(0, 1, "ADD", P, [C1, C2]), aggregation(1, 2, "DELETE", P, [C1]),
              aggregation(2, 4, "DELETE", P, []), aggregation(3, 5, "ADD", P, [C1])]
    for event in reversed(events):
        capture_events(session, [event])
    assert check_projections(session) == []
    assert _fitted(session, 1.5) == {C1, C2} and _fitted(session, 3) == {C2} and _fitted(session, 6) == {C1}
