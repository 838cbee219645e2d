"""What the metrics read for many units at once: the same answer as one unit at a time, in the same statements."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from cradletrace.lineage import resolve
from cradletrace.metrics.footprint import footprint, footprint_rows
from cradletrace.metrics.graph import gather
from cradletrace.identifiers.own_vocabulary import plain
from metrics_world import AL, B1, B2, P1, P2, build, day

UNITS = (P1, P2, B1, B2)


def test_many_units_answer_as_one_at_a_time(session: Session) -> None:
    build(session)
    ids = {u: resolve(session, u).id for u in UNITS}
    singles = {u: footprint(session, u, at=day(300)).total for u in UNITS}

    @settings(max_examples=12, deadline=None)
    @given(st.permutations(UNITS).flatmap(lambda p: st.integers(1, len(p)).map(lambda n: p[:n])))
    def check(order: tuple[str, ...]) -> None:
        rows = footprint_rows(gather(session, [ids[u] for u in order], day(300).replace(tzinfo=None)))
        totals = {u: 0.0 for u in order}
        for r in rows:
            if r["kg_co2e"] is not None and r["stage"] != "credits":
                totals[r["unit"]] += r["kg_co2e"]
        assert totals == pytest.approx({u: singles[u] for u in order})

    check()


def test_statements_do_not_grow_with_the_units(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    build(session)
    ids = [resolve(session, u).id for u in UNITS]
    with count_statements(session) as one:
        gather(session, ids[:1], day(300).replace(tzinfo=None))
    with count_statements(session) as four:
        world = gather(session, ids, day(300).replace(tzinfo=None))
    assert len(one) <= len(four) <= 6, "walk, nodes, events, payloads, locations, recovered lots"
    assert {world.nodes[e.src].identifier for e in world.edges[ids[0]]} >= {AL, B2}


def test_plain_takes_the_namespace_off() -> None:
    assert plain({"{https://ns.cradletrace.org/voc/}a": [{"{https://ns.cradletrace.org/voc/}b": 1}]}) == {"a": [{"b": 1}]}
