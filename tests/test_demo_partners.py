"""The partners' documents: captured through capture_document, one arriving out of order, one with the
anomalies the findings report, and Cellcore's cells made from recycled material."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cradletrace.demo import aftersale, manufacturing, partners
from cradletrace.demo.catalogue import HUB
from cradletrace.lineage import history
from cradletrace.models import Capture, Event, EventObject
from demo_support import H, reading

pytestmark = pytest.mark.xdist_group("demo")


def test_the_late_receipt_lands_after_the_shipments_it_precedes(demo_database: str) -> None:
    with reading(demo_database) as session:
        (late,) = session.scalars(select(Event).join(Capture, Capture.id == Event.capture_id)
                                  .where(Capture.name == partners.WAVE_B_RECEIPT))
        # the events about the same packs that were logged before the receipt but happened after it
        overtaken = session.scalar(
            select(func.count(func.distinct(Event.id))).select_from(Event)
            .join(EventObject, EventObject.event_id == Event.id)
            .where(EventObject.node_id.in_(select(EventObject.node_id).where(EventObject.event_id == late.id)),
                   Event.id < late.id, Event.event_time > late.event_time))
        pack = history(session, manufacturing.PACKS_B48[0], include_parts=False)
    assert overtaken >= 4  # at least the allocation, unpacking, shipment and delivery of SO-0005
    # in event time the receipt sits between the shipment to the hub and the shipment to VeloFleet
    steps = [(e.biz_step, e.biz_location) for e in pack]
    assert steps[steps.index(("receiving", HUB)) - 1][0] == "shipping"
    assert steps[-1][0] == "installing", "the late receipt did not move the pack back to the hub"


def test_partner_documents_are_captured_as_documents(demo_database: str) -> None:
    with reading(demo_database) as session:
        names = set(session.scalars(select(Capture.name)))
    assert {partners.WAVE_B_RECEIPT, partners.ANOMALIES, "cellcore-cc2609r.jsonld",
            "eurolog-receipts-2508.jsonld"} <= names


def test_the_anomalies_document_names_what_the_findings_report(demo_database: str) -> None:
    with reading(demo_database) as session:
        (capture,) = session.scalars(select(Capture).where(Capture.name == partners.ANOMALIES))
        steps = [e.biz_step for e in history(session, H["checked_pack"], include_parts=False)]
    assert capture.event_count == 3
    assert steps[-2:] == ["inspecting", "inspecting"], "the technician in Lyon, then Radwerk in Graz"
    assert H["checked_pack"] == aftersale.CHECKED
