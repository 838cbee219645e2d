"""Chain-of-custody findings over partner history that breaks the rules (captured, then reported)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from cradletrace.log.capture import capture_events
from cradletrace.findings import (
    CHECKS,
    DOUBLE_COMMISSIONING,
    EVENT_AFTER_END,
    EVENT_AFTER_RECORD_TIME,
    EVENT_BEFORE_COMMISSIONING,
    LOT_OVERDRAWN,
    NEVER_COMMISSIONED,
    RECEIVED_WITHOUT_SHIPMENT,
    RETRACTED,
    SHIPPED_NOT_RECEIVED,
    TWO_LOCATIONS,
    TWO_PARENTS,
    findings,
)
from cradletrace.lifecycle.common import lgtin, location, sgtin
from cradletrace.lifecycle.events import aggregation_event, biz_transactions, object_event, quantity, transformation_event

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
U1, U2, P1, P2 = (sgtin("09506000134352", s) for s in ("U1", "U2", "P1", "P2"))
LOT = lgtin("09506000134376", "L1")
A, A_DOCK, B = location("9520555555554"), location("9520555555554", "DOCK1"), location("9520666666668")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def commission(*epcs: str, minutes: float = 0) -> dict:
    return object_event("ADD", list(epcs), when=at(minutes), biz_step="commissioning", disposition="active")


def observe(*epcs: str, minutes: float, biz_step: str, **kw) -> dict:
    return object_event("OBSERVE", list(epcs), when=at(minutes), biz_step=biz_step, **kw)


def capture(session: Session, *events: dict) -> list[str]:
    return capture_events(session, events, name="partner").event_ids


def kinds(session: Session, **kw) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in findings(session, **kw):
        found.setdefault(f.kind, []).append(f)
    return found


def test_clean_history_has_no_findings(session: Session) -> None:
    capture(session, commission(U1), observe(U1, minutes=60, biz_step="shipping"),
            observe(U1, minutes=600, biz_step="receiving", location=B))
    assert findings(session) == []


def test_shipped_but_never_received(session: Session) -> None:
    ids = capture(session, commission(U1, U2), observe(U1, U2, minutes=60, biz_step="shipping"),
                  observe(U1, minutes=600, biz_step="receiving", location=B))
    (finding,) = kinds(session)[SHIPPED_NOT_RECEIVED]
    assert finding.identifiers == [U2] and finding.event_ids == [ids[1]]
    assert finding.check_id == "CC-06" and "never received" in finding.message


def test_a_receipt_before_the_shipment_does_not_count(session: Session) -> None:
    capture(session, commission(U1), observe(U1, minutes=10, biz_step="receiving", location=B,
                                             documents=biz_transactions(desadv="urn:x:desadv:1")),
            observe(U1, minutes=60, biz_step="shipping"))
    assert [f.identifiers for f in kinds(session)[SHIPPED_NOT_RECEIVED]] == [[U1]]


def test_received_without_shipment(session: Session) -> None:
    ids = capture(session, commission(U1, U2), observe(U1, U2, minutes=60, biz_step="receiving", location=B),
                  observe(U2, minutes=100, biz_step="receiving", location=B,
                          documents=biz_transactions(desadv="urn:x:desadv:2")))
    (finding,) = kinds(session)[RECEIVED_WITHOUT_SHIPMENT]
    assert finding.identifiers == [U1, U2] and finding.event_ids == [ids[1]]
    # within the tolerance a receipt just before the shipment's time is forgiven (clock skew)
    capture(session, observe(U1, minutes=62, biz_step="shipping"))
    assert [f.identifiers for f in kinds(session)[RECEIVED_WITHOUT_SHIPMENT]] == [[U2]]


def test_events_after_destruction_or_decommissioning(session: Session) -> None:
    ids = capture(session, commission(U1, U2),
                  observe(U1, minutes=60, biz_step="destroying", disposition="destroyed"),
                  observe(U1, minutes=120, biz_step="shipping"),
                  object_event("DELETE", [U2], when=at(60), biz_step="decommissioning", disposition="inactive"),
                  observe(U2, minutes=90, biz_step="collecting"),
                  observe(U2, minutes=120, biz_step="retail_selling", disposition="retail_sold"),
                  transformation_event(inputs=[U2], output_quantities=[quantity(LOT, 1, "KGM")], when=at(130),
                                       biz_step="disassembling"))
    found = {f.identifiers[0]: f for f in kinds(session)[EVENT_AFTER_END]}
    assert found[U1].event_ids == [ids[1], ids[2]] and "destroyed" in found[U1].message
    # collecting and the recycling transformation may follow decommissioning; a sale may not
    assert found[U2].event_ids == [ids[3], ids[5]] and "decommissioned" in found[U2].message
    assert found[U2].check_id == "CC-04"


def test_parts_taken_out_of_a_decommissioned_unit_before_its_disassembly_are_no_finding(session: Session) -> None:
    # lifecycle.disassemble's harvest: the kept part is removed (DELETE removing), then the rest is consumed
    capture(session, commission(U1, U2), aggregation_event("ADD", P1, [U1, U2], when=at(5), biz_step="assembling"),
            object_event("DELETE", [P1], when=at(60), biz_step="decommissioning", disposition="inactive"),
            aggregation_event("DELETE", P1, [U2], when=at(120), biz_step="removing"),
            transformation_event(inputs=[P1, U1], output_quantities=[quantity(LOT, 1, "KGM")], when=at(120),
                                 biz_step="disassembling"))
    assert EVENT_AFTER_END not in kinds(session)


def test_events_after_consumption(session: Session) -> None:
    ids = capture(session, commission(U1),
                  transformation_event(inputs=[U1], outputs=[P1], when=at(10), biz_step="commissioning"),
                  observe(U1, minutes=30, biz_step="inspecting"))
    (finding,) = kinds(session)[EVENT_AFTER_END]
    assert finding.event_ids == [ids[1], ids[2]] and "consumed" in finding.message


def test_unit_at_two_locations_at_once(session: Session) -> None:
    ids = capture(session, commission(U1), observe(U1, minutes=60, biz_step="inspecting", location=A),
                  observe(U1, minutes=61, biz_step="storing", location=B),
                  observe(U1, minutes=62, biz_step="storing", location=A_DOCK))
    found = kinds(session)[TWO_LOCATIONS]
    assert [(f.event_ids, f.identifiers[1:]) for f in found] == [
        ([ids[1], ids[2]], [A, B]), ([ids[2], ids[3]], [B, A_DOCK])], "A and its dock are one site"
    assert TWO_LOCATIONS not in kinds(session, tolerance=timedelta(seconds=30))


def test_findings_name_places_by_their_master_data(session: Session) -> None:
    from cradletrace.lifecycle.masterdata import add_location

    add_location(session, A, "Plant Hamburg")
    add_location(session, B, "Lyon depot")
    capture(session, commission(U1), observe(U1, minutes=60, biz_step="inspecting", location=A),
            observe(U1, minutes=61, biz_step="storing", location=B))
    (finding,) = kinds(session)[TWO_LOCATIONS]
    assert finding.places == {A: "Plant Hamburg", B: "Lyon depot"}
    assert f"Plant Hamburg ({A})" in finding.message and f"Lyon depot ({B})" in finding.message
    assert finding.to_dict()["places"] == finding.places


def test_component_in_two_parents(session: Session) -> None:
    ids = capture(session, commission(U1, P1, P2),
                  aggregation_event("ADD", P1, [U1], when=at(10), biz_step="assembling"),
                  aggregation_event("ADD", P2, [U1], when=at(20), biz_step="assembling"))
    (finding,) = kinds(session)[TWO_PARENTS]
    assert finding.identifiers == [U1, P1, P2] and finding.event_ids == [ids[1], ids[2]]
    assert finding.check_id == "CC-09"


def test_swap_is_not_two_parents(session: Session) -> None:
    capture(session, commission(U1, P1, P2),
            aggregation_event("ADD", P1, [U1], when=at(10), biz_step="assembling"),
            aggregation_event("DELETE", P1, [U1], when=at(20), biz_step="removing"),
            aggregation_event("ADD", P2, [U1], when=at(20), biz_step="installing"))
    assert TWO_PARENTS not in kinds(session)


def test_event_time_after_record_time(session: Session) -> None:
    future = object_event("ADD", [U1], when=datetime.now(timezone.utc) + timedelta(days=2), biz_step="commissioning")
    ids = capture(session, future)
    (finding,) = kinds(session)[EVENT_AFTER_RECORD_TIME]
    assert finding.event_ids == ids and finding.severity == "warn"


def test_event_before_commissioning(session: Session) -> None:
    ids = capture(session, aggregation_event("ADD", P1, [U1], when=at(0), biz_step="assembling"),
                  commission(U1, P1, minutes=60))
    found = {f.identifiers[0]: f for f in kinds(session)[EVENT_BEFORE_COMMISSIONING]}
    assert sorted(found) == sorted([U1, P1]) and found[U1].event_ids == [ids[0]]
    assert EVENT_BEFORE_COMMISSIONING not in kinds(session, tolerance=timedelta(hours=2))


def test_never_commissioned_and_double_commissioning(session: Session) -> None:
    ids = capture(session, observe(U1, minutes=10, biz_step="shipping"), commission(U2),
                  commission(U2, minutes=5), observe(LOT, minutes=1, biz_step="inspecting"))
    (never,) = kinds(session)[NEVER_COMMISSIONED]
    assert never.identifiers == [U1] and never.event_ids == [ids[0]] and "counterfeit" in never.message
    (twice,) = kinds(session)[DOUBLE_COMMISSIONING]
    assert twice.identifiers == [U2] and twice.event_ids == ids[1:3]


def test_lot_overdrawn(session: Session) -> None:
    capture(session, object_event("ADD", quantities=[quantity(LOT, 10, "KGM")], when=at(0), biz_step="commissioning"),
            transformation_event(input_quantities=[quantity(LOT, 6000, "GRM")], outputs=[P1], when=at(10)),
            transformation_event(input_quantities=[quantity(LOT, 5, "KGM")], outputs=[P2], when=at(20)))
    (finding,) = kinds(session)[LOT_OVERDRAWN]
    assert finding.identifiers == [LOT] and finding.detail == {"registered": 10, "consumed": 11, "uom": "KGM"}


def test_retracted_events_are_reported_and_left_out(session: Session) -> None:
    shipping = observe(U1, minutes=60, biz_step="shipping")
    ids = capture(session, commission(U1), shipping)
    declaration = {**shipping, "errorDeclaration": {"declarationTime": at(90).isoformat(), "reason": "did_not_occur"}}
    declared = capture(session, declaration)
    found = kinds(session)
    (retracted,) = found[RETRACTED]
    assert retracted.event_ids == [ids[1], declared[0]] and retracted.identifiers == [U1]
    assert SHIPPED_NOT_RECEIVED not in found, "a retracted shipment expects no receipt"


def test_only_selected_checks_run(session: Session) -> None:
    capture(session, observe(U1, minutes=10, biz_step="shipping"))
    assert {f.kind for f in findings(session, checks=[NEVER_COMMISSIONED])} == {NEVER_COMMISSIONED}
    assert findings(session)[0].to_dict()["kind"] in {SHIPPED_NOT_RECEIVED, NEVER_COMMISSIONED}


@pytest.mark.parametrize("n", [300])
def test_checks_are_set_based(session: Session, n: int, count_statements) -> None:
    units = [sgtin("09506000134352", f"S{i}") for i in range(n)]
    capture(session, observe(*units, minutes=10, biz_step="shipping"))
    with count_statements(session) as statements:
        found = kinds(session)
    assert len(found[NEVER_COMMISSIONED]) == n and len(found[SHIPPED_NOT_RECEIVED][0].identifiers) == n
    assert len(statements) <= len(CHECKS) + 2, "one query per check (none configured: the configuration check's "\
        "first query finds no unit), plus two naming the places, whatever the number of units"
