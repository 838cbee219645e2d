"""When control passes to the customer: the receiving at the customer on a realistic ship/receive sequence,
the fallbacks, who the customer is (the unit's sale), and what never counts (shipping, other places, events
before the sale, retracted events)."""

from __future__ import annotations

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts_world import (
    CUSTOMER_A,
    CUSTOMER_B,
    HUB,
    SELLER,
    SITE_A,
    SITE_B,
    WAREHOUSE,
    contract,
    day,
    in_force,
    motor,
    naive,
    pump,
    sell,
    setup,
)
from cradletrace import commerce
from cradletrace.contracts import ControlTransfer, control_passed
from cradletrace.lifecycle import install, receive
from cradletrace.log.capture import capture_events
from cradletrace.models import Event


def _event_of(session: Session, step: str, when: object) -> str:
    return session.scalars(select(Event.event_id).where(Event.biz_step == step, Event.event_time == when)).one()


def test_control_passes_with_the_receiving_at_the_customer_and_not_before(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session))
    # Three pumps ship from the warehouse on 3 Feb; the customer receives two on 5 Feb, the third is still on its way.
    sell(session, c1, "SO1", [pump(1), pump(2), pump(3)], shipped=day(2026, 2, 3))
    assert control_passed(session, [pump(1)]) == {}  # shipped is not received
    receive(session, [pump(1), pump(2)], location=SITE_A, by_party=CUSTOMER_A, from_party=SELLER,
            when=day(2026, 2, 5, 10))
    received = _event_of(session, "receiving", naive(2026, 2, 5, 10))
    expected = ControlTransfer(naive(2026, 2, 5, 10), received, SITE_A, "receiving", CUSTOMER_A)
    # Any identifier form; keys are canonical.
    assert control_passed(session, ["(01)09506000134352(21)P1", pump(2), pump(3)]) == {pump(1): expected,
                                                                                       pump(2): expected}


def test_installing_counts_only_without_a_receiving_and_the_place_must_be_the_customers(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session))
    sell(session, c1, "SO1", [pump(1), pump(2), motor(1), motor(2), pump(3)], shipped=day(2026, 2, 3))
    # P1: installed on 4 Feb, then received on 5 Feb: the receiving is the moment (it comes first in the rules).
    install(session, [pump(1)], location=SITE_A, owner=CUSTOMER_A, when=day(2026, 2, 4))
    receive(session, [pump(1)], location=SITE_A, by_party=CUSTOMER_A, when=day(2026, 2, 5))
    # P2: installed at the customer's site without a receiving.
    install(session, [pump(2)], location=SITE_A, when=day(2026, 2, 6))
    # M1: received at the carrier's hub by the seller (still the seller's goods): not at the customer.
    receive(session, [motor(1)], location=HUB, by_party=SELLER, when=day(2026, 2, 4))
    # M2: received at the hub, but the customer becomes its owner there: control passed.
    receive(session, [motor(2)], location=HUB, by_party=CUSTOMER_A, when=day(2026, 2, 4, 12))
    # P3: received at another customer's plant: not Alpha's.
    receive(session, [pump(3)], location=SITE_B, by_party=CUSTOMER_B, when=day(2026, 2, 4))
    found = control_passed(session, [pump(1), pump(2), motor(1), motor(2), pump(3)])
    assert {u: (t.at, t.biz_step, t.location) for u, t in found.items()} == {
        pump(1): (naive(2026, 2, 5), "receiving", SITE_A),
        pump(2): (naive(2026, 2, 6), "installing", SITE_A),
        motor(2): (naive(2026, 2, 4, 12), "receiving", HUB),
    }


def test_the_customer_is_the_one_of_the_latest_sale(session: Session) -> None:
    setup(session)
    # P1 sits at Alpha's plant on trial before any order: no sale, so no control to pass.
    receive(session, [pump(1)], location=SITE_A, by_party=CUSTOMER_A, when=day(2026, 1, 10))
    assert control_passed(session, [pump(1)]) == {}
    # Alpha orders it on 1 Feb: only events from the order on count, so the trial receipt does not.
    sell(session, None, "SO1", [pump(1), pump(2)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    assert control_passed(session, [pump(1)])[pump(1)].at == naive(2026, 2, 5)
    # P2 goes back for a repair and comes back to Alpha: control passed on 5 Feb and stays so.
    receive(session, [pump(2)], location=WAREHOUSE, by_party=SELLER, when=day(2026, 3, 1))
    receive(session, [pump(2)], location=SITE_A, by_party=CUSTOMER_A, when=day(2026, 3, 20))
    assert control_passed(session, [pump(2)])[pump(2)].at == naive(2026, 2, 5)
    # P1 is returned and sold to Beta (ordered 30 Mar, shipped 1 Apr, received 3 Apr): Beta's receipt is the moment.
    commerce.receive_return(session, "RMA1", [pump(1)], location=WAREHOUSE, by_party=SELLER, from_party=CUSTOMER_A,
                            reason="wrong size", when=day(2026, 3, 2))
    sell(session, None, "SO2", [pump(1)], customer=CUSTOMER_B, site=SITE_B, shipped=day(2026, 4, 1),
         received=day(2026, 4, 3))
    moved = control_passed(session, [pump(1)])[pump(1)]
    assert (moved.at, moved.location, moved.customer) == (naive(2026, 4, 3), SITE_B, CUSTOMER_B)


def test_a_retracted_receiving_does_not_count(session: Session) -> None:
    setup(session)
    sell(session, None, "SO1", [pump(1)], shipped=day(2026, 2, 3), received=day(2026, 2, 5))
    receive(session, [pump(1)], location=SITE_A, by_party=CUSTOMER_A, when=day(2026, 2, 7))
    first = session.scalars(select(Event).where(Event.biz_step == "receiving", Event.event_time == naive(2026, 2, 5))
                            ).one()
    event = orjson.loads(first.payload)
    event["errorDeclaration"] = {"declarationTime": "2026-02-08T00:00:00.000Z", "reason": "incorrect_data"}
    capture_events(session, [event], name="test.retract")
    # The 5 Feb receiving never happened: the one of 7 Feb is when control passed.
    assert control_passed(session, [pump(1)])[pump(1)].at == naive(2026, 2, 7)
