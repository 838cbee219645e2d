"""After the sale: service visits (a repair, a BMS swap), a return with its credit note, a routine check, and the
recall of the cell lot CC2602B with a hold on the packs still in stock.

The swap goes through :func:`~cradletrace.lifecycle.replace_component`, so the pack's composition as
maintained differs from its composition as built; the return through
:func:`~cradletrace.commerce.receive_return` and :func:`~cradletrace.commerce.credit_note`; the recall
hold through :func:`~cradletrace.lifecycle.hold_for_recall` (the held packs can no longer be shipped,
sold or allocated). The packs already at customers are what ``cradletrace recall`` lists.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.demo.catalogue import HUB, MAKER, SERVICE, URBANBIKES, VELOFLEET
from cradletrace.demo.clock import ago
from cradletrace.demo.manufacturing import BOARDS_A_SERIALS, PACKS_A, PACKS_B36, PACKS_B48, SPARE_BOARDS
from cradletrace.demo.sales import site_of
from cradletrace.lifecycle import hold_for_recall, inspect, repair, replace_component
from cradletrace.models import Document

REPAIRED = PACKS_A[2]
SWAPPED = PACKS_A[4]
"""The pack whose BMS board failed and was replaced in service."""
FAULTY_BOARD, REPLACEMENT_BOARD = BOARDS_A_SERIALS[4], SPARE_BOARDS[0]
RETURNED = PACKS_B36[1]
CHECKED = PACKS_B48[2]
"""The pack the maker's technician checks at VeloFleet's depot, two minutes before Radwerk "scans it" in Graz."""
CHECKED_AT = ago(14, 10)
HELD = [*PACKS_B48[4:], *PACKS_B36[6:]]
"""The packs of the recalled cell lot still in stock at the hub: on recall hold."""
RECALL_ID = "RC-2026-001"


def service(session: Session) -> None:
    """A firmware repair, and a BMS board that failed and was swapped for a spare on site."""
    depot = site_of(VELOFLEET)
    repair(session, [REPAIRED], description="firmware 2.4 update; discharge connector cleaned",
           service_order="urn:voltwerk:svc:SVC-0001", location=depot, when=ago(300, 11))
    replace_component(session, SWAPPED, FAULTY_BOARD, REPLACEMENT_BOARD,
                      reason="BMS fault E12: cell balancing error", service_order="urn:voltwerk:svc:SVC-0002",
                      location=depot, when=ago(200, 10))
    inspect(session, [FAULTY_BOARD], passed=False, test="BMS diagnostic", results={"faultCode": "E12"},
            location=depot, when=ago(200, 11))
    repair(session, [SWAPPED], description="BMS board replaced; pack tested and returned to the fleet",
           service_order="urn:voltwerk:svc:SVC-0002", location=depot, when=ago(200, 12))


def returns(session: Session) -> Document:
    """Urban Bikes returns a P36 that does not charge; it is credited at its invoiced price."""
    rma = commerce.receive_return(session, "RMA-0001", [RETURNED], location=SERVICE, by_party=MAKER.party,
                                  from_party=URBANBIKES.party, reason="does not charge (BMS fault code E07)",
                                  when=ago(150))
    commerce.credit_note(session, rma, when=ago(148))
    inspect(session, [RETURNED], passed=False, test="incoming inspection", results={"faultCode": "E07"},
            location=SERVICE, when=ago(147))
    return rma


def routine_check(session: Session) -> None:
    """The maker's technician checks a pack at VeloFleet's depot (the scan Radwerk's document contradicts)."""
    inspect(session, [CHECKED], passed=True, test="annual fleet check", location=site_of(VELOFLEET),
            when=CHECKED_AT)


def recall(session: Session) -> None:
    """Cellcore's field notice on cell lot CC2602B: the packs in stock are held at the hub."""
    hold_for_recall(session, HELD, reason="Cellcore field notice CFN-2611: separator defect, risk of internal short",
                    recall_id=RECALL_ID, location=HUB, when=ago(30, 8))
