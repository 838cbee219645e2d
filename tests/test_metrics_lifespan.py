"""Lifespan metrics: commissioning to end of use, time in service, services and the disposal route."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from cradletrace.lifecycle import dispose, repair
from cradletrace.metrics import lifespans
from metrics_world import B2, G_PACK, P1, P2, SITE, build, day


def test_lifespans_of_a_product(session: Session) -> None:
    build(session)
    repair(session, [P1], description="contactor", location=SITE, when=day(30))
    dispose(session, [P1], method="landfill", when=day(400))
    spans = {s.unit: s for s in lifespans(session, G_PACK, at=day(500))}
    p1, p2 = spans[P1], spans[P2]
    assert p1.lifespan == timedelta(days=398) and p1.in_service == timedelta(days=390)
    assert p1.services == 2, "the repair and the board replacement"
    assert p1.mtbs == timedelta(days=195) and p1.route == "landfill"
    assert (p2.route, p2.installed_at, p2.in_service, p2.lifespan) == ("disassembled", None, None, timedelta(days=198))
    assert lifespans(session, G_PACK, at=day(100))[0].ended_at is None, "before its end it is still in use"


def test_set_based(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    build(session)
    with count_statements(session) as sent:
        spans = lifespans(session, at=day(500))
    assert len(spans) == 4 and len(sent) <= 2
    assert {s.unit for s in spans} >= {B2}
    p2 = next(s for s in spans if s.unit == P2).to_dict()
    assert p2["lifespan_days"] == pytest.approx(198.0) and p2["in_service_days"] is None
