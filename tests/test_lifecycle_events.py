"""Pure builders of canonical lifecycle events (no database)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cradletrace.errors import InvalidInput
from cradletrace.lifecycle.events import (
    CT_NS,
    aggregation_event,
    biz_transactions,
    ct,
    ct_fields,
    object_event,
    quantity,
    source_destination,
    time_fields,
    transformation_event,
)

WHEN = datetime(2025, 6, 1, 12, 30, 0, 999999, tzinfo=timezone(timedelta(hours=-5, minutes=-30)))


def test_time_fields_keep_the_offset_and_truncate_to_milliseconds() -> None:
    assert time_fields(WHEN) == {"eventTime": "2025-06-01T12:30:00.999-05:30", "eventTimeZoneOffset": "-05:30"}


def test_naive_time_is_taken_as_utc() -> None:
    # The library's one policy (cradletrace.timestamps): a naive datetime is UTC.
    assert time_fields(datetime(2025, 1, 1, 9, 30)) == {"eventTime": "2025-01-01T09:30:00.000+00:00",
                                                      "eventTimeZoneOffset": "+00:00"}


def test_default_time_is_now_in_utc() -> None:
    fields = time_fields()
    assert fields["eventTimeZoneOffset"] == "+00:00"
    assert abs(datetime.fromisoformat(fields["eventTime"]) - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_extension_keys_are_clark_names_in_our_namespace() -> None:
    assert ct("energyKWh") == "{" + CT_NS + "}energyKWh"
    nested = ct_fields({"recallOverride": {"reason": "customer safety stock", "object": ["urn:a", "urn:b"]},
                        "skip": None})
    assert nested == {ct("recallOverride"): {ct("reason"): "customer safety stock", ct("object"): ["urn:a", "urn:b"]}}
    with pytest.raises(InvalidInput):
        ct("has space")


def test_quantity_must_be_positive_and_whole_numbers_are_ints() -> None:
    assert quantity("urn:lot", 3.0, "EA") == {"epcClass": "urn:lot", "quantity": 3, "uom": "EA"}
    assert quantity("urn:lot", 0.25)["quantity"] == 0.25
    with pytest.raises(InvalidInput):
        quantity("urn:lot", 0)


def test_documents_and_parties() -> None:
    assert biz_transactions(po=None) == []
    assert biz_transactions(rma="urn:rma:1") == [{"type": "rma", "bizTransaction": "urn:rma:1"}]
    fields = source_destination(from_party="urn:p1", from_location="urn:l1", to_party="urn:p2", to_location="urn:l2")
    assert fields["sourceList"] == [{"type": "owning_party", "source": "urn:p1"}, {"type": "location", "source": "urn:l1"}]
    assert fields["destinationList"][0] == {"type": "owning_party", "destination": "urn:p2"}


def test_object_event_shape() -> None:
    event = object_event("ADD", ["urn:u1"], quantities=[quantity("urn:lot", 2, "KGM")], when=WHEN,
                         biz_step="commissioning", disposition="active", location="urn:loc", read_point="urn:rp",
                         documents=biz_transactions(po="urn:po"), ilmd={"massKg": 2}, extensions={"note": "x"})
    assert event["type"] == "ObjectEvent" and event["action"] == "ADD"
    assert event["epcList"] == ["urn:u1"] and event["quantityList"][0]["uom"] == "KGM"
    assert event["bizLocation"] == {"id": "urn:loc"} and event["readPoint"] == {"id": "urn:rp"}
    assert event["ilmd"] == {ct("massKg"): 2} and event[ct("note")] == "x"
    assert event["eventTimeZoneOffset"] == "-05:30"


def test_aggregation_and_transformation_shapes() -> None:
    agg = aggregation_event("DELETE", "urn:p", ["urn:c"], when=WHEN, biz_step="removing")
    assert (agg["type"], agg["action"], agg["parentID"], agg["childEPCs"]) == ("AggregationEvent", "DELETE", "urn:p", ["urn:c"])
    assoc = aggregation_event("ADD", "urn:p", ["urn:c"], when=WHEN, event_type="AssociationEvent")
    assert assoc["type"] == "AssociationEvent"
    tf = transformation_event(inputs=["urn:u"], output_quantities=[quantity("urn:lot", 1.5, "KGM")], when=WHEN,
                              biz_step="disassembling", transformation_id="urn:wo:1", ilmd={"recycledFraction": 1.0})
    assert "action" not in tf and tf["inputEPCList"] == ["urn:u"] and tf["transformationID"] == "urn:wo:1"
    assert tf["ilmd"] == {ct("recycledFraction"): 1.0}
    assert "outputEPCList" not in tf
