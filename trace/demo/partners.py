"""Partners' EPCIS 2.0 documents, captured as they arrive (:mod:`cradletrace.demo.documents`): their events
are not checked against the lifecycle rules, so whatever does not add up is left to the findings.

* EuroLog (the third-party warehouse in Venlo) reports each pallet it receives at its hub. Its receipt of
  wave B arrives **out of order**: it is captured after the packs it holds were already shipped on to
  customers, and the projections refold as if it had come in time.
* Cellcore (the cell maker, in Korea, UTC+09:00) reports how it made the cell lot CC2609R from
  ReCell's recycled cathode precursor (the recovered material of a crashed pack) and shipped it to
  Leipzig, where the maker records the receipt: cradle to cradle.
* Radwerk, a bike shop in Graz, sends a document with **chain-of-custody anomalies**: it receives a
  pack that never left the maker's stock in Leipzig, repairs a pack that was recycled four months
  earlier (a cloned label), and scans a pack in Graz two minutes after the maker's technician
  scanned it in Lyon.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from cradletrace.demo.catalogue import (
    CELL, CELLCORE, EUROLOG, HUB, LEIPZIG, MAKER, PRECURSOR, RADWERK, RECELL, TRAILSPORTS,
)
from cradletrace.demo.clock import ago
from cradletrace.demo.documents import capture
from cradletrace.demo.suppliers import DECLARED
from cradletrace.lifecycle.events import biz_transactions, object_event, quantity, transformation_event
from cradletrace.log.capture import CaptureReport, capture_events

KST, CET = timezone(timedelta(hours=9)), timezone(timedelta(hours=1))

WAVE_B_RECEIPT = "eurolog-receipts-2603.jsonld"
"""The document that arrives out of order (EuroLog's receipt of the wave B pallets)."""
ANOMALIES = "radwerk-graz-2611.jsonld"
"""The document with chain-of-custody anomalies."""
CELLS_R = CELL.lot("CC2609R")
"""The cell lot made with recycled cathode material from a recovered pack."""
PRECURSOR_LOT = PRECURSOR.lot("PCAM2608")
"""ReCell's recycled cathode precursor, made from the black mass of the crashed pack."""


def hub_receipt(session: Session, name: str, pallets: Mapping[str, Sequence[str]], when: datetime,
                desadv: str) -> CaptureReport:
    """EuroLog's receipt of pallets (and what is on them) at its hub: it possesses them, the maker owns them."""
    ids = [*pallets, *(unit for packs in pallets.values() for unit in packs)]
    event = object_event(
        "OBSERVE", ids, when=when, biz_step="receiving", disposition="in_progress", location=HUB, read_point=HUB,
        documents=biz_transactions(desadv=desadv),
        sourceList=[{"type": "possessing_party", "source": MAKER.party}, {"type": "location", "source": LEIPZIG}],
        destinationList=[{"type": "possessing_party", "destination": EUROLOG.party},
                         {"type": "location", "destination": HUB}])
    return capture(session, name, [event], when + timedelta(hours=2))


def recycled_cells(session: Session, precursor_kg: float) -> None:
    """Cellcore's document (the precursor received, cells made, cells shipped), then the maker's receipt."""
    plant = CELLCORE.site("plant")
    made = ago(95, hour=1).astimezone(KST)
    count = 500
    received = object_event(
        "OBSERVE", quantities=[quantity(PRECURSOR_LOT, precursor_kg, "KGM")], when=made - timedelta(days=6),
        biz_step="receiving", disposition="in_progress", location=plant, read_point=plant,
        documents=biz_transactions(desadv="urn:recell:desadv:RC-DA-2608-17"),
        sourceList=[{"type": "owning_party", "source": RECELL.party}],
        destinationList=[{"type": "owning_party", "destination": CELLCORE.party}])
    cells = transformation_event(
        input_quantities=[quantity(PRECURSOR_LOT, precursor_kg, "KGM")],
        output_quantities=[quantity(CELLS_R, count, "EA")], when=made, biz_step="commissioning",
        disposition="active", location=plant, read_point=plant, transformation_id="urn:cellcore:wo:CW-2609-044",
        ilmd={"material": "li-ion battery", "massKg": round(count * CELL.mass_kg, 3), "countryOfOrigin": "KR",
              "supplier": CELLCORE.party, "recycledContentPost": 0.12, "recycledFraction": 0.12,
              "pcfKgCO2ePerKg": 9.4, "substance": DECLARED["cells"],
              "certificate": [{"type": "UN38.3", "id": "UN383-CC2609R", "issuer": "TUV Rheinland Korea"}]})
    shipped = object_event(
        "OBSERVE", quantities=[quantity(CELLS_R, count, "EA")], when=made + timedelta(days=3), biz_step="shipping",
        disposition="in_transit", read_point=plant, documents=biz_transactions(desadv="urn:cellcore:desadv:CC-DA-2609"),
        sourceList=[{"type": "owning_party", "source": CELLCORE.party}, {"type": "location", "source": plant}],
        destinationList=[{"type": "owning_party", "destination": MAKER.party},
                         {"type": "location", "destination": LEIPZIG}],
        extensions={"transportMode": "sea", "distanceKm": 19800, "shipmentMassKg": round(count * CELL.mass_kg, 3)})
    capture(session, "cellcore-cc2609r.jsonld", [received, cells, shipped], made + timedelta(days=3, hours=1))
    # The maker's own receipt. lifecycle.receive names units (epcList); a lot arrives by quantity, so the
    # receiving event is built with the services' event builders and sent through the same capture path.
    receipt = object_event(
        "OBSERVE", quantities=[quantity(CELLS_R, count, "EA")], when=ago(78, 8), biz_step="receiving",
        disposition="in_progress", location=LEIPZIG, read_point=LEIPZIG,
        documents=biz_transactions(desadv="urn:cellcore:desadv:CC-DA-2609", po="urn:voltwerk:po:PO-2609"),
        sourceList=[{"type": "owning_party", "source": CELLCORE.party}],
        destinationList=[{"type": "owning_party", "destination": MAKER.party},
                         {"type": "location", "destination": LEIPZIG}])
    capture_events(session, [receipt], name="demo.receive_lot")


def repair_shop_anomalies(session: Session, *, unshipped: str, recycled: str, elsewhere: str,
                          elsewhere_at: datetime) -> CaptureReport:
    """Radwerk's document: a receipt with no shipment, a repair after the end of life, one pack in two places.

    ``unshipped`` is a pack that never left the maker; ``recycled`` one that was disassembled.

    ``elsewhere`` was scanned by the maker at ``elsewhere_at`` in another city; Radwerk scans it two minutes later.
    """
    shop = RADWERK.site("shop")
    bought = object_event(
        "OBSERVE", [unshipped], when=ago(16, 14).astimezone(CET), biz_step="receiving",
        disposition="in_progress", location=shop, read_point=shop,
        sourceList=[{"type": "owning_party", "source": TRAILSPORTS.party}],
        destinationList=[{"type": "owning_party", "destination": RADWERK.party}])
    repaired = object_event(
        "OBSERVE", [recycled], when=ago(15, 10).astimezone(CET), biz_step="repairing", disposition="conformant",
        location=shop, read_point=shop, extensions={"repairDescription": "battery diagnosis, BMS reset"})
    scanned = object_event(
        "OBSERVE", [elsewhere], when=(elsewhere_at + timedelta(minutes=2)).astimezone(CET), biz_step="inspecting",
        disposition="conformant", location=shop, read_point=shop)
    return capture(session, ANOMALIES, [bought, repaired, scanned], ago(14, 16))
