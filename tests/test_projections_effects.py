"""The pure projection rules: edges, objects and state deltas per event type."""

from __future__ import annotations

from datetime import datetime

import pytest

from cradletrace.models import LifecycleStatus, ObjectRole
from cradletrace.projections.effects import StateDelta, effects_of, event_key, fold, mass_kg

T = {"eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00"}


def test_transformation_shares_quantified_inputs_among_outputs() -> None:
    fx = effects_of({"type": "TransformationEvent", **T,
                     "inputQuantityList": [{"epcClass": "lot:a", "quantity": 6, "uom": "KGM"}],
                     "inputEPCList": ["unit:x"], "outputEPCList": ["out:1", "out:2", "out:3"]})
    from_lot = [e for e in fx.opens if e.src == "lot:a"]
    assert len(fx.opens) == 6 and len(from_lot) == 3
    assert {(e.quantity, e.uom, e.mass_kg) for e in from_lot} == {(2.0, "KGM", 2.0)}
    assert fx.states["lot:a"].status is None, "a draw from a lot leaves the lot alive"
    assert fx.states["unit:x"].status is LifecycleStatus.CONSUMED
    assert fx.states["out:1"].status is LifecycleStatus.ACTIVE and fx.states["out:1"].commissioned


def test_disassembly_edges_carry_the_recovered_mass() -> None:
    fx = effects_of({"type": "TransformationEvent", **T, "bizStep": "disassembling", "inputEPCList": ["unit:x"],
                     "outputQuantityList": [{"epcClass": "lot:cu", "quantity": 800, "uom": "GRM"}]})
    (edge,) = fx.opens
    assert (edge.kind, edge.src, edge.dst, edge.mass_kg) == ("input_of", "unit:x", "lot:cu", 0.8)
    assert fx.states["unit:x"].status is LifecycleStatus.DISASSEMBLED
    assert fx.states["lot:cu"].status is LifecycleStatus.ACTIVE and fx.states["lot:cu"].commissioned


@pytest.mark.parametrize("event_type", ["AggregationEvent", "AssociationEvent"])
def test_delete_without_children_closes_every_child(event_type: str) -> None:
    fx = effects_of({"type": event_type, "action": "DELETE", "parentID": "p", **T})
    assert fx.closes == [(None, "p")] and fx.opens == []


def test_business_transactions_document_every_object() -> None:
    fx = effects_of({"type": "ObjectEvent", "action": "OBSERVE", "epcList": ["a", "b"], **T,
                     "bizTransactionList": [{"type": "po", "bizTransaction": "urn:po:1"},
                                            {"bizTransaction": "urn:inv:2"}]})
    assert {(e.src, e.dst) for e in fx.opens} == {("a", "urn:po:1"), ("a", "urn:inv:2"),
                                                  ("b", "urn:po:1"), ("b", "urn:inv:2")}
    assert fx.documents == [("urn:po:1", "po"), ("urn:inv:2", None)]


def test_error_declaration_only_indexes_objects() -> None:
    fx = effects_of({"type": "AggregationEvent", "action": "ADD", "parentID": "p", "childEPCs": ["c"], **T,
                     "errorDeclaration": {"declarationTime": "2025-01-02T00:00:00Z"}})
    assert set(fx.objects) == {("c", ObjectRole.CHILD), ("p", ObjectRole.PARENT)}
    assert fx.opens == [] and fx.states == {}


@pytest.mark.parametrize("fields, status", [
    ({"action": "DELETE"}, LifecycleStatus.DECOMMISSIONED),
    ({"action": "OBSERVE", "bizStep": "destroying"}, LifecycleStatus.DESTROYED),
    ({"action": "OBSERVE", "disposition": "disposed"}, LifecycleStatus.DISPOSED),
    ({"action": "OBSERVE", "bizStep": "shipping"}, None),
])
def test_status_from_the_event(fields: dict, status: LifecycleStatus | None) -> None:
    fx = effects_of({"type": "ObjectEvent", "epcList": ["u"], **T, **fields})
    assert fx.states["u"].status is status


def test_owner_and_location() -> None:
    fx = effects_of({"type": "ObjectEvent", "action": "OBSERVE", "epcList": ["u"], **T,
                     "bizLocation": {"id": "loc"}, "readPoint": {"id": "rp"},
                     "destinationList": [{"type": "owning_party", "destination": "cust"},
                                         {"type": "possessing_party", "destination": "carrier"}]})
    delta = fx.states["u"]
    assert (delta.biz_location, delta.read_point, delta.owner, delta.possessor) == ("loc", "rp", "cust", "carrier")
    assert fx.identifiers() >= {"u", "loc", "rp", "cust", "carrier"}


def test_fold_ignores_older_events() -> None:
    ids = {"loc": 7}
    state = fold(None, StateDelta(biz_location="loc", disposition="active"), ids, 2,
                 event_key(datetime(2025, 2, 1), "h2", "e2"))
    state = fold(state, StateDelta(disposition="stolen"), ids, 3, event_key(datetime(2025, 1, 1), "h3", "e3"))
    assert (state.disposition, state.biz_location_id, state.last_event_id) == ("active", 7, 2)


def test_fold_orders_events_of_one_time_by_hash_not_by_arrival() -> None:
    t = datetime(2025, 2, 1)
    first, second = event_key(t, "ni:///sha-256;aa", "x"), event_key(t, "ni:///sha-256;bb", "y")
    one = fold(fold(None, StateDelta(disposition="active"), {}, 1, first), StateDelta(disposition="stolen"), {}, 2, second)
    other = fold(fold(None, StateDelta(disposition="stolen"), {}, 1, second), StateDelta(disposition="active"), {}, 2, first)
    assert one.disposition == other.disposition == "stolen"


def test_mass_units() -> None:
    assert mass_kg(2, "TNE") == 2000 and mass_kg(None, "KGM") is None


def test_a_transformation_split_over_events_meets_at_its_id() -> None:
    consumed = effects_of({"type": "TransformationEvent", **T, "transformationID": "urn:x:t1",
                           "inputQuantityList": [{"epcClass": "lot:a", "quantity": 3, "uom": "KGM"}]})
    made = effects_of({"type": "TransformationEvent", **T, "transformationID": "urn:x:t1",
                       "outputEPCList": ["unit:y"]})
    assert [(e.kind, e.src, e.dst, e.mass_kg) for e in consumed.opens] == [("input_of", "lot:a", "urn:x:t1", 3.0)]
    assert [(e.kind, e.src, e.dst) for e in made.opens] == [("input_of", "urn:x:t1", "unit:y")]
    assert "urn:x:t1" in consumed.identifiers() and "urn:x:t1" in made.identifiers()
    # without an ID, or with inputs and outputs together, nothing goes through an extra node
    assert effects_of({"type": "TransformationEvent", **T, "outputEPCList": ["unit:y"]}).opens == []
    both = effects_of({"type": "TransformationEvent", **T, "transformationID": "urn:x:t1",
                       "inputEPCList": ["unit:x"], "outputEPCList": ["unit:y"]})
    assert [(e.src, e.dst) for e in both.opens] == [("unit:x", "unit:y")]
