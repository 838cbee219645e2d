"""cradletrace.lineage on a hand-built world (tests/lineage_world.py), on every backend.

The world is written straight into the projection tables, so these tests pin the
queries' meaning (time-aware upstream, where-used, recall, composition, history,
paths, cycles, retractions) and their cost (statements, SQLite plans), not capture.
"""

from __future__ import annotations

import importlib.util
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from cradletrace import lineage
from cradletrace.db import create_db_engine
from cradletrace.errors import InvalidIdentifier, InvalidInput, NotFound
from cradletrace.lineage import sql as lineage_sql
from cradletrace.lineage.resolve import explain

_spec = importlib.util.spec_from_file_location("lineage_world", Path(__file__).with_name("lineage_world.py"))
lw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lw)  # type: ignore[union-attr]
t = lw.t


@pytest.fixture
def world(session: Session):  # type: ignore[no-untyped-def]
    return lw.build_product(session)


def edges_of(rows) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(r.identifier, r.via, r.edge_kind) for r in rows}


# -- upstream ---------------------------------------------------------------------------------------

def test_upstream_before_the_swap(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    rows = lineage.upstream(session, lw.U1, as_of=t(5))
    assert edges_of(rows) == {
        (lw.M, lw.U1, "part_of"), (lw.B1, lw.U1, "part_of"), (lw.C1, lw.M, "part_of"), (lw.C2, lw.M, "part_of"),
        (lw.CL1, lw.C1, "input_of"), (lw.CL1, lw.C2, "input_of"), (lw.RM1, lw.CL1, "input_of"),
        (lw.RM2, lw.B1, "input_of")}
    depth = {r.identifier: r.depth for r in rows}
    assert (depth[lw.M], depth[lw.C1], depth[lw.CL1], depth[lw.RM1], depth[lw.RM2]) == (1, 2, 3, 4, 2)
    material = next(r for r in rows if r.identifier == lw.RM1)
    assert (material.quantity, material.uom, material.mass_kg, material.event_id) == (5.0, "KGM", 5.0,
                                                                                       "ni:///sha-256;M1")
    assert [r.depth for r in rows] == sorted(r.depth for r in rows)


def test_upstream_after_the_swap_and_now(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    after = {r.identifier for r in lineage.upstream(session, lw.U1, as_of=t(6.5))}
    assert lw.C3 in after and lw.C2 not in after
    assert {r.identifier for r in lineage.upstream(session, lw.U1)} == after  # disassembly closes no part_of
    # the edge is valid from its opening instant, and no longer at its closing instant
    assert lw.C3 in {r.identifier for r in lineage.upstream(session, lw.U1, as_of=t(6))}
    assert lw.C2 not in {r.identifier for r in lineage.upstream(session, lw.U1, as_of=t(6))}


def test_upstream_through_recycled_material(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    rows = lineage.upstream(session, lw.U2)
    found = {r.identifier for r in rows}
    # U2 <- RL <- (U1, M, C1, C3, B1 at the disassembly) <- their materials; never C2 nor the retracted X
    assert found == {lw.RL, lw.U1, lw.M, lw.C1, lw.C3, lw.B1, lw.CL1, lw.RM1, lw.RM2}
    assert lw.X not in found
    assert lineage.upstream(session, lw.U2, as_of=t(7.5)) == []  # not made yet


def test_identifier_forms(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    expected = edges_of(lineage.upstream(session, lw.U1, as_of=t(5)))
    for form in ("urn:epc:id:sgtin:9506000.013435.U1", "(01)09506000134352(21)U1",
                 "https://brand.example/01/09506000134352/21/U1?17=261231", "U1"):
        assert edges_of(lineage.upstream(session, form, as_of=t(5))) == expected, form
    assert {r.identifier for r in lineage.downstream(session, "urn:epc:class:lgtin:9506000.013437.RM2")} >= {lw.B1}


def test_unknown_and_invalid_identifiers(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="urn:example:nowhere"):
        lineage.upstream(session, "urn:example:nowhere")
    with pytest.raises(NotFound, match="NOSUCHSERIAL"):
        lineage.recall(session, "NOSUCHSERIAL")
    with pytest.raises(InvalidIdentifier, match="check digit"):
        lineage.downstream(session, "https://id.gs1.org/01/09506000134353/21/U1")
    with pytest.raises(InvalidInput, match="max_depth"):
        lineage.upstream(session, lw.U1, max_depth=-1)


# -- downstream and recall --------------------------------------------------------------------------

def test_downstream_of_a_raw_lot(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    rows = lineage.downstream(session, lw.RM1)
    assert {r.identifier for r in rows} == {lw.CL1, lw.C1, lw.C2, lw.C3, lw.M, lw.U1, lw.RL, lw.U2, lw.P1}
    assert (lw.U2, lw.RL, "input_of") in edges_of(rows) and (lw.P1, lw.U2, "part_of") in edges_of(rows)
    assert {r.identifier: r.depth for r in rows}[lw.CL1] == 1


def test_downstream_follows_only_chains_that_overlapped_in_time(session: Session, world  # type: ignore[no-untyped-def]
                                                                ) -> None:
    # C2 was in M (so in U1) until the swap, and out of it before U1 was recycled.
    assert {r.identifier for r in lineage.downstream(session, lw.C2)} == {lw.M, lw.U1}
    # C3 was fitted after, so it went into the recovered lot and the new pack.
    assert {r.identifier for r in lineage.downstream(session, lw.C3)} == {lw.M, lw.U1, lw.RL, lw.U2, lw.P1}


def test_recall_lists_units_with_state_and_owner(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    rows = {r.identifier: r for r in lineage.recall(session, lw.RM1)}
    assert set(rows) == {lw.C1, lw.C2, lw.C3, lw.M, lw.U1, lw.U2}  # units only: no lots, no pallet
    u2 = rows[lw.U2]
    assert (u2.owner, u2.owner_name, u2.biz_location, u2.disposition) == (lw.ACME, "ACME Energy", lw.SHOP,
                                                                          "in_transit")
    assert u2.in_service and not u2.recycled and not u2.destroyed
    assert rows[lw.U1].recycled and not rows[lw.U1].in_service
    assert rows[lw.C2].in_service and rows[lw.C2].owner is None
    assert (u2.gtin, u2.serial) == (lw.GTIN_PACK, "U2")
    # a unit's own recall includes itself
    assert {r.identifier for r in lineage.recall(session, lw.C2)} == {lw.C2, lw.M, lw.U1}


def test_recall_csv(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    count = lineage.recall_csv(lineage.recall(session, lw.RM2), out)
    lines = out.getvalue().splitlines()
    assert count == len(lines) - 1 == 3  # B1, U1, and U2 through the recovered lot
    assert lines[0].startswith("identifier,gtin,serial,depth,status,in_service")
    assert any(line.startswith(lw.U2) and "ACME Energy" in line for line in lines)


# -- composition and history ------------------------------------------------------------------------

def test_composition_as_built_and_as_maintained(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    comp = lineage.composition(session, lw.U1, t(6.5))
    assert comp.built_at == t(4)
    built = {r.identifier for r in comp.as_built}
    now = {r.identifier for r in comp.parts}
    assert lw.C2 in built and lw.C3 not in built
    assert lw.C3 in now and lw.C2 not in now
    assert [(c.identifier, c.parent, c.event_id, c.time) for c in comp.added] == [(lw.C3, lw.M, "ni:///sha-256;S2",
                                                                                   t(6))]
    assert [(c.identifier, c.parent, c.event_id, c.time) for c in comp.removed] == [(lw.C2, lw.M, "ni:///sha-256;S1",
                                                                                     t(6))]
    assert {r.identifier: r.depth for r in comp.parts}[lw.RM1] == 4
    before = lineage.composition(session, "U1", t(5))
    assert before.added == before.removed == ()


def test_history_restricts_parts_to_their_fitted_interval(session: Session, world  # type: ignore[no-untyped-def]
                                                          ) -> None:
    entries = lineage.history(session, lw.U1)
    names = [e.event_id.rsplit(";", 1)[1] for e in entries]
    # A1 (C1 into M, before M was in U1), I3 (C3 before it was fitted) and I2 (C2 after removal) are out.
    assert names == ["A2", "BAD", "ERR", "S1", "S2", "D1"]
    by_name = dict(zip(names, entries))
    assert by_name["BAD"].retracted and by_name["BAD"].retracted_by == "ni:///sha-256;ERR"
    assert by_name["ERR"].declares_error and not by_name["ERR"].retracted
    assert by_name["S1"].depth == 1 and (lw.C2, "child") in by_name["S1"].objects
    assert [e.event_time for e in entries] == sorted(e.event_time for e in entries)
    own = [e.event_id.rsplit(";", 1)[1] for e in lineage.history(session, lw.U1, include_parts=False)]
    assert own == ["A2", "BAD", "ERR", "D1"]


# -- graph and paths --------------------------------------------------------------------------------

def test_path_explains_a_relation(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    steps = lineage.path(session, lw.RM2, lw.U2)
    assert [(s.source, s.target, s.kind, s.along) for s in steps] == [
        (lw.RM2, lw.B1, "input_of", True), (lw.B1, lw.RL, "input_of", True), (lw.RL, lw.U2, "input_of", True)]
    back = lineage.path(session, lw.U2, lw.RM2)
    assert [s.along for s in back] == [False, False, False]
    assert len(lineage.path(session, lw.C2, lw.C1)) == 2  # siblings: one shared parent or lot
    assert lineage.path(session, lw.U1, "U1") == []
    with pytest.raises(NotFound, match="no chain"):
        lineage.path(session, lw.U1, lw.LA)


def test_subgraph_is_typed_and_bounded(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    g = lineage.subgraph(session, lw.M, direction="both", as_of=t(5))
    assert g.graph["root"] == lw.M and g.nodes[lw.M]["root"]
    # up: its parts and materials at t5; down: what held it up to t5 (not yet the recycled lot)
    assert set(g) == {lw.M, lw.C1, lw.C2, lw.CL1, lw.RM1, lw.U1}
    ever = lineage.subgraph(session, lw.M, direction="down")
    assert set(ever) == {lw.M, lw.U1, lw.RL, lw.U2, lw.P1}
    assert ever.nodes[lw.U2]["kind"] == "unit" and ever.nodes[lw.U2]["status"] == "active"
    assert g.nodes[lw.CL1]["kind"] == "lot"
    edge = g.edges[lw.C1, lw.M]
    assert (edge["kind"], edge["event_id"], edge["valid_from"], edge["valid_to"]) == ("part_of", "ni:///sha-256;A1",
                                                                                      t(3), None)
    assert g.edges[lw.RM1, lw.CL1]["quantity"] == 5.0
    up = lineage.subgraph(session, lw.U1, direction="up")
    assert lw.C2 not in up and lw.U2 not in up
    assert "digraph lineage" in lineage.to_dot(up)
    assert {e["source"] for e in lineage.to_data(up)["edges"]} >= {lw.M, lw.C1}
    with pytest.raises(InvalidInput, match="direction"):
        lineage.subgraph(session, lw.U1, direction="sideways")  # type: ignore[arg-type]


def test_parallel_edges_keep_every_record(session: Session) -> None:
    w = lw.World(session)
    w.fit("F1", t(1), lw.U1, [lw.C1])
    w.unfit("F2", t(2), lw.U1, [lw.C1])
    w.fit("F3", t(3), lw.U1, [lw.C1], biz_step="replacing")
    g = lineage.subgraph(session, lw.C1, direction="down")
    edge = g.edges[lw.C1, lw.U1]
    assert [r["event_id"] for r in edge["records"]] == ["ni:///sha-256;F1", "ni:///sha-256;F3"]
    assert edge["event_id"] == "ni:///sha-256;F3" and edge["valid_to"] is None
    comp = lineage.composition(session, lw.U1, t(4), built_at=t(1.5))
    assert comp.added == comp.removed == ()  # removed and fitted again: the same composition
    assert [h.event_id[-2:] for h in lineage.history(session, lw.U1)] == ["F1", "F2", "F3"]


# -- guards -----------------------------------------------------------------------------------------

def test_cycles_terminate(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    up = lineage.upstream(session, lw.LA)
    assert edges_of(up) == {(lw.LB, lw.LA, "input_of"), (lw.LA, lw.LB, "input_of")}
    assert {r.identifier for r in lineage.downstream(session, lw.LA)} == {lw.LA, lw.LB}
    assert len(lineage.downstream(session, lw.LA, max_depth=1)) == 1
    assert lineage.path(session, lw.LA, lw.LB)[0].kind == "input_of"


def test_depth_limit(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    shallow = lineage.upstream(session, lw.U1, as_of=t(5), max_depth=2)
    assert {r.depth for r in shallow} == {1, 2} and lw.CL1 not in {r.identifier for r in shallow}
    assert lineage.downstream(session, lw.RM1, max_depth=0) == []


# -- cost -------------------------------------------------------------------------------------------

QUESTIONS: dict[str, Callable[[Session], object]] = {
    "upstream": lambda s: lineage.upstream(s, lw.sgtin("FP0")),
    "downstream": lambda s: lineage.downstream(s, lw.lgtin("FLEET-RAW")),
    "recall": lambda s: lineage.recall(s, lw.lgtin("FLEET-RAW")),
    "history": lambda s: lineage.history(s, lw.sgtin("FP0")),
    "composition": lambda s: lineage.composition(s, lw.sgtin("FP0")),
    "subgraph": lambda s: lineage.subgraph(s, lw.lgtin("FLEET-CL")),
    "path": lambda s: lineage.path(s, lw.sgtin("FP0"), lw.lgtin("FLEET-RAW")),
}


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_statements_do_not_grow_with_the_graph(session: Session, question: str, count_statements) -> None:
    counts, sizes = [], []
    for packs in (5, 50):
        nested = session.begin_nested()
        lw.build_fleet(session, packs)
        with count_statements(session) as sent:
            answer = QUESTIONS[question](session)
        counts.append(len(sent))
        sizes.append(len(answer) if hasattr(answer, "__len__") else 0)  # type: ignore[arg-type]
        nested.rollback()
    assert counts[0] == counts[1] == 2, f"{question}: {counts} statements"  # resolve + one recursive query
    if question in ("downstream", "recall", "subgraph"):
        assert sizes[1] > 5 * sizes[0]  # the answer grew ~10x; the statements did not


def _step_lines(plan: list[str]) -> list[str]:
    return [line for line in plan if " e " in f" {line} " or "edges" in line or "BLOOM" in line]


def test_sqlite_plan_uses_the_indexes_with_and_without_statistics(make_database) -> None:  # type: ignore[no-untyped-def]
    url = make_database("sqlite")  # ANALYZE must not leak into the shared test database
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            world = lw.build_fleet(session, 300)
            session.commit()
            start, raw = world.ids[lw.sgtin("FP0")], world.ids[lw.lgtin("FLEET-RAW")]
        d = lineage_sql.SQLITE
        queries = {
            "upstream": (lineage_sql.edges_sql(d, [("walk", "up")], timed={"walk": True}),
                         {"max_depth": 50, "walk_from": t(5), "walk_to": t(5)}, start, "ix_edges_dst_src_valid"),
            "downstream": (lineage_sql.edges_sql(d, [("walk", "down")]), {"max_depth": 50}, raw, "ix_edges_src_dst"),
            "recall": (lineage_sql.recall_sql(d), {"max_depth": 50}, raw, "ix_edges_src_dst"),
            "history": (lineage_sql.history_sql(d), {"max_depth": 50}, start, "ix_edges_dst_src_valid"),
        }
        for stage in ("fresh", "ANALYZE", "PRAGMA optimize"):
            with engine.connect() as conn:
                if stage != "fresh":
                    conn.exec_driver_sql(stage)
                    conn.commit()
                if stage == "ANALYZE":
                    tables = {r[0] for r in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
                    assert "edges" in tables  # the statistics that used to turn on the Bloom-filter plan
            with Session(engine) as session:
                for name, (sql, params, node, index) in queries.items():
                    plan = explain(session, sql, params, starts=[node])
                    steps = _step_lines(plan)
                    assert any(f"SEARCH e USING INDEX {index}" in line or f"SEARCH e USING COVERING INDEX {index}"
                               in line for line in steps), (stage, name, plan)
                    assert not any("BLOOM" in line or "SCAN e" in line for line in plan), (stage, name, plan)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_plan_probes_the_indexes(make_database) -> None:  # type: ignore[no-untyped-def]
    if not os.environ.get("CRADLETRACE_TEST_POSTGRES_URL"):
        pytest.skip("CRADLETRACE_TEST_POSTGRES_URL is not set")
    engine = create_db_engine(make_database("postgresql"))
    try:
        with Session(engine) as session:
            world = lw.build_fleet(session, 1000)
            session.commit()
            session.execute(text("ANALYZE"))
            session.commit()
            raw = world.ids[lw.lgtin("FLEET-RAW")]
            plan = "\n".join(explain(session, lineage_sql.recall_sql(lineage_sql.POSTGRESQL), {"max_depth": 50},
                                     starts=[raw]))
        assert "ix_edges_src_dst" in plan, plan
        assert "Seq Scan on nodes" not in plan and "Seq Scan on edges" not in plan, plan
    finally:
        engine.dispose()
