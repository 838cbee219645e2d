"""Bulk production: the packs beyond the stories, up to 100,000 and more, in batches of :data:`BATCH`.

Per batch, the services record what is done once per batch (the supplier lots, the distributor's
order, its shipment, delivery, invoice and payment), and everything done per pack arrives as EPCIS
documents captured in one call each, the way a factory's MES and a warehouse report in bulk: the
maker's document (BMS boards made in Grenoble, tested and shipped to Leipzig, packs made by work
orders of :data:`PER_WORK_ORDER`, each with its board fitted, tested, packed on pallets of
:data:`PER_PALLET` and shipped to the hub) and EuroLog's (received at the hub, pallets broken up).
Their events are made by the builders the lifecycle services use, in the shapes those services
give them, so a bulk pack looks like a story pack to every query. Nothing is per pack but the
aggregation that fits its board.

The batches are spread over the months of the stories; which product each work order makes, the
capacity its test measures, and when each distributor pays (most on time, some late, the latest
not yet), come from the seed. The stories do not depend on it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.demo.catalogue import (
    BIKEPARTS, BMS, CICLO, EUROLOG, GRENOBLE, HUB, LEIPZIG, MAKER, P36, P48, Company, Product, mass_of, pallet,
)
from cradletrace.demo.clock import TODAY, ago
from cradletrace.demo.documents import capture
from cradletrace.demo.manufacturing import (
    BOARD_ENERGY_KWH, BOARD_PCB_KG, GRENOBLE_LEIPZIG_KM, LEIPZIG_HUB_KM, RECIPES, Materials,
)
from cradletrace.demo.sales import ACCOUNTS, fulfil, line, pay
from cradletrace.demo.suppliers import Supply, boards, busbar, cartons, cells, endcaps, housing, receive_lot
from cradletrace.lifecycle.events import (
    aggregation_event, biz_transactions, object_event, quantity, source_destination, transformation_event,
)

BATCH = 1000
PER_WORK_ORDER = 250
PER_PALLET = 40
FIRST_DAY, LAST_DAY = 430, 25
"""Bulk batches are made from this many days before the demo's today to this many."""
CUSTOMERS = (BIKEPARTS, CICLO)
PRICES = {P48.gtin: "455.00", P36.gtin: "335.00"}
P48_SHARE = 0.7


def batch_days(batches: int) -> list[int]:
    """The production day (days before today) of each batch, spread evenly, the first the oldest.

    Examples
    --------
    >>> batch_days(1), batch_days(3)
    ([228], [430, 228, 25])
    """
    if batches == 1:
        return [(FIRST_DAY + LAST_DAY) // 2 + 1]
    return [FIRST_DAY - (FIRST_DAY - LAST_DAY) * k // (batches - 1) for k in range(batches)]


def build(session: Session, units: int, rng: random.Random, *,
          progress: Callable[[int], None] | None = None) -> None:
    """Make ``units`` more packs, batch by batch (flushes, never commits)."""
    if units <= 0:
        return
    counts = [min(BATCH, units - start) for start in range(0, units, BATCH)]
    done = 0
    for k, (count, days) in enumerate(zip(counts, batch_days(len(counts)))):
        make_batch(session, k + 1, count, days, rng)
        done += count
        if progress:
            progress(done)


@dataclass(frozen=True)
class Batch:
    """One batch, planned: its work orders, lots, packs, pallets, and the events of the two documents."""

    number: int
    start: datetime
    orders: dict[str, tuple[Product, int, int]]
    """``{work order: (product, first serial number, size)}``."""
    supplies: dict[str, Supply]
    packs: list[str]
    maker_events: list[dict[str, Any]]
    hub_events: list[dict[str, Any]]


def plan(k: int, count: int, days: int, rng: random.Random) -> Batch:
    """Batch ``k`` of ``count`` packs made ``days`` before today, without a database (the same for a seed).

    Examples
    --------
    >>> batch = plan(3, 90, 200, random.Random(1))
    >>> len(batch.packs), len(batch.orders), sorted(batch.supplies)
    (90, 1, ['aluminium', 'cartons', 'cells', 'copper', 'pcb', 'polypropylene'])
    >>> # 4 board events; per work order a transformation, 90 assemblies, a test; pallets: 1 + 3; the trip
    >>> len(batch.maker_events), len(batch.hub_events)
    (101, 4)
    """
    start = ago(days, 6)
    orders = _work_orders(k, count, rng)
    supplies = _supplies(k, orders)
    lots = {name: item.lot for name, item in supplies.items()}
    packs_by_order = {wo: [product.unit(f"K{k:04d}{n:04d}") for n in range(first, first + size)]
                      for wo, (product, first, size) in orders.items()}
    packs = [p for group in packs_by_order.values() for p in group]
    boards_made = [BMS.unit(f"BK{k:04d}{n:04d}") for n in range(1, count + 1)]
    pallets = {pallet(100_000 + 100 * k + n): packs[i:i + PER_PALLET]
               for n, i in enumerate(range(0, count, PER_PALLET), 1)}
    desadv = f"urn:voltwerk:desadv:DA-K{k:04d}"
    maker = [*_boards(k, boards_made, lots["pcb"], start),
             *_packs(k, orders, packs_by_order, boards_made, lots, start + timedelta(days=7), rng),
             *_palletise(pallets, start + timedelta(days=8)),
             _to_hub(list(pallets), packs, start + timedelta(days=9), desadv)]
    return Batch(k, start, orders, supplies, packs, maker, _at_hub(pallets, start + timedelta(days=10), desadv))


def make_batch(session: Session, k: int, count: int, days: int, rng: random.Random) -> None:
    """Batch ``k``: ``count`` packs made ``days`` before today, sold to a distributor and paid (or not yet)."""
    batch = plan(k, count, days, rng)
    tag = f"K{k:04d}"
    for m, item in enumerate(batch.supplies.values()):
        receive_lot(session, item, batch.start - timedelta(days=20, hours=-m), po=f"urn:voltwerk:po:PO-{tag}-{m + 1}",
                    desadv=f"urn:{item.supplier.key}:desadv:{item.number}")
    capture(session, f"voltwerk-mes-{tag}.jsonld", batch.maker_events, batch.start + timedelta(days=9, hours=2))
    capture(session, f"eurolog-receipts-{tag}.jsonld", batch.hub_events, batch.start + timedelta(days=12))
    _sell(session, k, batch.orders, batch.packs, batch.start + timedelta(days=12), rng)


def _work_orders(k: int, count: int, rng: random.Random) -> dict[str, tuple[Product, int, int]]:
    """``{work order: (product, first serial number, size)}`` for the batch; the product mix comes from ``rng``."""
    orders = {}
    for n, first in enumerate(range(1, count + 1, PER_WORK_ORDER), 1):
        product = P48 if rng.random() < P48_SHARE else P36
        orders[f"urn:voltwerk:wo:WO-K{k:04d}-{n}"] = (product, first, min(PER_WORK_ORDER, count + 1 - first))
    return orders


def _supplies(k: int, orders: dict[str, tuple[Product, int, int]]) -> dict[str, Supply]:
    """The batch's supplier lots, sized for its work orders."""
    need = {"cells": 0.0, "aluminium": 0.0, "copper": 0.0, "polypropylene": 0.0, "cartons": 0.0}
    for product, _first, size in orders.values():
        recipe = RECIPES[product.gtin]
        need["cells"] += recipe.cells * size
        need["aluminium"] += recipe.aluminium * size
        need["copper"] += recipe.copper * size
        need["polypropylene"] += recipe.polypropylene * size
        need["cartons"] += size
    count = sum(size for _p, _f, size in orders.values())
    tag = f"K{k:04d}"
    return {
        "cells": cells(f"CC{tag}", int(need["cells"])), "aluminium": housing(f"AL{tag}", round(need["aluminium"], 3)),
        "copper": busbar(f"CU{tag}", round(need["copper"], 3)),
        "polypropylene": endcaps(f"PP{tag}", round(need["polypropylene"], 3)),
        "cartons": cartons(f"BOX{tag}", int(need["cartons"])),
        "pcb": boards(f"PCB{tag}", round(BOARD_PCB_KG * count, 3)),
    }


def _boards(k: int, boards_made: Sequence[str], pcb_lot: str, when: datetime) -> list[dict[str, Any]]:
    """Grenoble: the boards made from the PCB lot, tested, shipped to Leipzig and received there."""
    work_order = f"urn:voltwerk:wo:WO-BK{k:04d}"
    made = transformation_event(
        input_quantities=[quantity(pcb_lot, round(BOARD_PCB_KG * len(boards_made), 3), "KGM")], outputs=boards_made,
        when=when, biz_step="commissioning", disposition="active", location=GRENOBLE, read_point=GRENOBLE,
        documents=biz_transactions(prodorder=work_order), transformation_id=work_order,
        extensions={"energyKWh": round(BOARD_ENERGY_KWH * len(boards_made), 2)})
    tested = object_event("OBSERVE", boards_made, when=when + timedelta(hours=5), biz_step="inspecting",
                          disposition="conformant", location=GRENOBLE, read_point=GRENOBLE,
                          documents=biz_transactions(testres=f"{work_order}:test"),
                          extensions={"test": "BMS functional test"})
    shipped = object_event(
        "OBSERVE", boards_made, when=when + timedelta(days=1), biz_step="shipping", disposition="in_transit",
        read_point=GRENOBLE, extensions={"transportMode": "road", "distanceKm": GRENOBLE_LEIPZIG_KM,
                                         "shipmentMassKg": round(0.1 * len(boards_made), 2)},
        **source_destination(from_party=MAKER.party, from_location=GRENOBLE, to_party=MAKER.party,
                             to_location=LEIPZIG))
    received = object_event(
        "OBSERVE", boards_made, when=when + timedelta(days=3), biz_step="receiving", disposition="in_progress",
        location=LEIPZIG, read_point=LEIPZIG,
        **source_destination(from_party=MAKER.party, from_location=GRENOBLE, to_party=MAKER.party,
                             to_location=LEIPZIG))
    return [made, tested, shipped, received]


def _packs(k: int, orders: dict[str, tuple[Product, int, int]], packs_by_order: dict[str, list[str]],
           boards_made: Sequence[str], lots: dict[str, str], when: datetime,
           rng: random.Random) -> list[dict[str, Any]]:
    """Leipzig: each work order's packs made from the lots, a board fitted into each, and their test (the
    order's mean measured capacity, a little above the rated one, comes from ``rng``)."""
    materials = Materials(lots["cells"], lots["aluminium"], lots["copper"], lots["polypropylene"], lots["cartons"])
    events: list[dict[str, Any]] = []
    board = iter(boards_made)
    for n, (work_order, (product, _first, size)) in enumerate(orders.items()):
        at = when + timedelta(hours=2 * n)
        packs = packs_by_order[work_order]
        recipe = RECIPES[product.gtin]
        documents = biz_transactions(prodorder=work_order)
        draws = [quantity(lot, *(amount if isinstance(amount, tuple) else (amount, "KGM")))
                 for lot, amount in materials.draws(recipe, size).items()]
        events.append(transformation_event(
            input_quantities=draws, outputs=packs, when=at, biz_step="commissioning", disposition="active",
            location=LEIPZIG, read_point=LEIPZIG, documents=documents, transformation_id=work_order,
            extensions={"energyKWh": round(recipe.energy_kwh * size, 2)}))
        events.extend(aggregation_event("ADD", p, [next(board)], when=at, biz_step="assembling", location=LEIPZIG,
                                        read_point=LEIPZIG, documents=documents) for p in packs)
        events.append(object_event(
            "OBSERVE", packs, when=at + timedelta(hours=6), biz_step="inspecting", disposition="conformant",
            location=LEIPZIG, read_point=LEIPZIG, documents=biz_transactions(testres=f"{work_order}:eol"),
            extensions={"test": f"end-of-line test {product.attributes['nominalVoltageV']} V",
                        "result": {"capacityAh": round(product.attributes["capacityAh"] * rng.uniform(1.0, 1.03), 2)}}))
    return events


def _palletise(pallets: dict[str, list[str]], when: datetime) -> list[dict[str, Any]]:
    """The pallets commissioned, and each packed (``container_closed``)."""
    ssccs = list(pallets)
    events = [object_event("ADD", ssccs, when=when, biz_step="commissioning", disposition="active",
                           location=LEIPZIG, read_point=LEIPZIG)]
    events.extend(aggregation_event("ADD", sscc, packs, when=when, biz_step="packing", disposition="container_closed",
                                    location=LEIPZIG, read_point=LEIPZIG) for sscc, packs in pallets.items())
    return events


def _to_hub(pallets: list[str], packs: list[str], when: datetime, desadv: str) -> dict[str, Any]:
    """The pallets (and the packs on them) shipped from Leipzig to the hub."""
    return object_event(
        "OBSERVE", [*pallets, *packs], when=when, biz_step="shipping", disposition="in_transit", read_point=LEIPZIG,
        documents=biz_transactions(desadv=desadv),
        extensions={"transportMode": "road", "distanceKm": LEIPZIG_HUB_KM,
                    "shipmentMassKg": round(mass_of(packs) + 25 * len(pallets), 1)},
        **source_destination(from_party=MAKER.party, from_location=LEIPZIG, to_party=MAKER.party, to_location=HUB))


def _at_hub(pallets: dict[str, list[str]], when: datetime, desadv: str) -> list[dict[str, Any]]:
    """EuroLog's events: the pallets received at the hub, then broken up for picking (each DELETE names what it
    takes out, as :func:`~cradletrace.lifecycle.unpack` does)."""
    everything = [*pallets, *(p for packs in pallets.values() for p in packs)]
    received = object_event(
        "OBSERVE", everything, when=when, biz_step="receiving", disposition="in_progress", location=HUB,
        read_point=HUB, documents=biz_transactions(desadv=desadv),
        sourceList=[{"type": "possessing_party", "source": MAKER.party}, {"type": "location", "source": LEIPZIG}],
        destinationList=[{"type": "possessing_party", "destination": EUROLOG.party},
                         {"type": "location", "destination": HUB}])
    broken = [aggregation_event("DELETE", sscc, packs, when=when + timedelta(days=1), biz_step="unpacking",
                                location=HUB, read_point=HUB) for sscc, packs in pallets.items()]
    return [received, *broken]


def _sell(session: Session, k: int, orders: dict[str, tuple[Product, int, int]], packs: list[str], when: datetime,
          rng: random.Random) -> None:
    """The batch sold to a distributor: order, shipment, delivery, invoice, and payment on time, late or not yet."""
    customer: Company = CUSTOMERS[k % len(CUSTOMERS)]
    quantities: dict[Product, int] = {}
    for product, _first, size in orders.values():
        quantities[product] = quantities.get(product, 0) + size
    number = f"SO-K{k:04d}"
    order = commerce.create_order(session, number, party=customer.party, currency="EUR",
                                  lines=[line(p, q, PRICES[p.gtin], customer) for p, q in quantities.items()],
                                  requested_at=when + timedelta(days=7), when=when)
    sale = fulfil(session, order, f"SH-K{k:04d}", customer, packs, when=when + timedelta(days=2))
    terms = ACCOUNTS[customer][1]
    paid = when + timedelta(days=3 + terms + (rng.randint(8, 40) if rng.random() < 0.2 else -rng.randint(0, 10)))
    if paid < TODAY:
        pay(session, f"PAY-K{k:04d}", customer, sale.invoice, paid)
