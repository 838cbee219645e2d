"""The demo world, built in story order: master data, supplier lots, three waves of production, sales, quote to
cash (configured packs, price lists, quotes, contracts with service plans), service, returns, end of life, the
partners' documents, the recall, then the bulk production up to N packs.

The order of the calls is the order things were recorded, which is not always the order they
happened: EuroLog's receipt of wave B is captured after the packs it names were shipped on, as a
late partner document would be. The services check their rules against what is recorded so far,
so a pack is held for recall only after everything that shipped it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

# The story modules by name, as the steps read best (``sales.wave_a``); not through the package, which imports this.
import cradletrace.demo.aftersale as aftersale
import cradletrace.demo.bulk as bulk
import cradletrace.demo.catalogue as catalogue
import cradletrace.demo.configurations as configurations
import cradletrace.demo.contracts as contracts
import cradletrace.demo.endoflife as endoflife
import cradletrace.demo.manufacturing as manufacturing
import cradletrace.demo.partners as partners
import cradletrace.demo.quotes as quotes
import cradletrace.demo.sales as sales
import cradletrace.demo.suppliers as suppliers
from cradletrace.demo.clock import TODAY, ago
from cradletrace.errors import Conflict, InvalidInput
from cradletrace.models import Event, Node

STORY_UNITS = (len(manufacturing.PACKS_A) + len(manufacturing.PACKS_B48) + len(manufacturing.PACKS_B36)
               + len(manufacturing.PACKS_C) + len(configurations.PACKS_D))
"""Packs the stories need; ``--units`` counts them, the rest is bulk production."""
DEFAULT_UNITS = 200
MARKER = catalogue.MAKER.party
"""The node whose presence says the demo is loaded (the maker, a party no other data names)."""

UNSHIPPED = manufacturing.PACKS_C[4]
"""A pack still on its pallet in Leipzig that Radwerk's document says it received in Graz."""

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: how far the build is (stages: ``story``, ``bulk``)."""


@dataclass
class World:
    """What was built: the number of packs, the seed, and the identifiers and documents worth a look."""

    units: int
    seed: int
    bulk_units: int
    highlights: dict[str, str] = field(default_factory=dict)


def highlights() -> dict[str, str]:
    """The identifiers and documents each story is best seen from (docs/demo.md explains them)."""
    return {
        "swapped_pack": aftersale.SWAPPED,
        "faulty_board": aftersale.FAULTY_BOARD,
        "replacement_board": aftersale.REPLACEMENT_BOARD,
        "repaired_pack": aftersale.REPAIRED,
        "returned_pack": aftersale.RETURNED,
        "checked_pack": aftersale.CHECKED,
        "unshipped_pack": UNSHIPPED,
        "held_pack": aftersale.HELD[0],
        "recalled_lot": suppliers.RECALLED_LOT,
        "non_compliant_lot": suppliers.NON_COMPLIANT_LOT,
        "non_compliant_pack": manufacturing.PACKS_B36[0],
        "undeclared_lot": suppliers.UNDECLARED_LOT,
        "incomplete_pack": manufacturing.PACKS_B48[0],
        "expired_certificate_lot": suppliers.EXPIRED_CERTIFICATE_LOT,
        "recycled_pack": endoflife.CRASHED,
        "harvested_board": endoflife.HARVESTED_BOARD,
        "recovered_lot": endoflife.BLACK_MASS_LOT,
        "precursor_lot": partners.PRECURSOR_LOT,
        "recycled_content_cells": partners.CELLS_R,
        "recycled_content_pack": manufacturing.PACKS_C[0],
        "in_stock_pallet": manufacturing.PALLET_C1,
        "pallet": manufacturing.PALLET_A1,
        "hub": catalogue.HUB,
        "plant": catalogue.LEIPZIG,
        "maker": catalogue.MAKER.party,
        "product": catalogue.P48.gtin,
        "held_order": "SO-0002",
        "late_payment": "PAY-0003",
        "written_off_order": "SO-0004",
        "overdue_order": "SO-0007",
        "return": "RMA-0001",
        "out_of_order_document": partners.WAVE_B_RECEIPT,
        "anomalies_document": partners.ANOMALIES,
        # quote to cash
        "configuration_model": configurations.MODEL,
        "price_list": quotes.GENERAL,
        "customer_price_list": quotes.VELOFLEET_LIST,
        "revised_quote": quotes.FLEET_QUOTE,
        "approved_quote": quotes.CARGO_QUOTE,
        "expired_quote": quotes.EXPIRED_QUOTE,
        "configured_order": quotes.FLEET_ORDER,
        "open_order": quotes.CARGO_ORDER,
        "contract": contracts.FLEET,
        "service_plan": contracts.FLEETCARE,
        "renewal_due_contract": contracts.FRAMEWORK,
        "renewed_contract": contracts.DEALER,
        "terminated_contract": contracts.TERMINATED,
        "covered_pack": contracts.COVERED_PACK,
        "contract_return": contracts.RETURN,
        "returned_contract_pack": contracts.RETURNED,
        "warranty_repair_pack": contracts.WRONG_BOARD_PACK,
        "billed_repair_pack": contracts.BILLED_PACK,
        "misbuilt_pack": configurations.MISBUILT,
        "mismatched_in_service_pack": contracts.WRONG_BOARD_PACK,
        "wrong_board": contracts.WRONG_BOARD,
    }


def is_loaded(session: Session) -> bool:
    """Whether the demo is in the database (one query)."""
    return bool(session.scalar(select(exists().where(Node.identifier == MARKER))))


def is_empty(session: Session) -> bool:
    """Whether the event log is empty (one query)."""
    return not session.scalar(select(exists().where(Event.id.is_not(None))))


def build(session: Session, *, units: int = DEFAULT_UNITS, seed: int = 1, progress: Progress | None = None) -> World:
    """Build the demo world of ``units`` battery packs (flushes, never commits; the caller owns the transaction).

    Raises
    ------
    InvalidInput
        If ``units`` is smaller than the stories need (:data:`STORY_UNITS`).
    Conflict
        If the demo is loaded already.
    """
    if units < STORY_UNITS:
        raise InvalidInput(f"the demo needs at least {STORY_UNITS} units for its stories, got {units}",
                           where="--units")
    if is_loaded(session):
        raise Conflict("the demo is loaded already (use --if-empty to skip it)", where="--database")
    rng = random.Random(seed)
    report = progress or (lambda _stage, _done, _total: None)
    steps: list[Callable[[], object]] = [
        lambda: catalogue.register(session),
        lambda: sales.open_accounts(session),
        lambda: suppliers.register_lots(session),
        lambda: sales.pipeline(session),
        lambda: configurations.define(session),
        lambda: quotes.price_lists(session),
        lambda: manufacturing.wave_a(session),
        lambda: partners.hub_receipt(session, "eurolog-receipts-2508.jsonld",
                                     {manufacturing.PALLET_A1: manufacturing.PACKS_A[:10],
                                      manufacturing.PALLET_A2: manufacturing.PACKS_A[10:]},
                                     ago(451, 14), "urn:voltwerk:desadv:DA-" + f"{ago(452):%y%m%d}"),
        lambda: sales.wave_a(session),
        lambda: aftersale.service(session),
        # Quote to cash: VeloFleet's quote, its contract negotiated alongside, the revised quote accepted.
        lambda: quotes.fleet_quote(session),
        lambda: contracts.negotiate(session),
        lambda: quotes.fleet_order(session),
        lambda: manufacturing.wave_b(session),
        lambda: sales.wave_b(session),
        lambda: contracts.dealer_agreements(session),
        lambda: configurations.fleet_packs(session),
        lambda: contracts.fleet_deliveries(session),
        # Late: EuroLog's receipt of wave B, after the packs it names have been shipped on to customers.
        lambda: partners.hub_receipt(session, partners.WAVE_B_RECEIPT,
                                     {manufacturing.PALLET_B1: manufacturing.PACKS_B48,
                                      manufacturing.PALLET_B2: manufacturing.PACKS_B36},
                                     ago(269, 14), "urn:voltwerk:desadv:DA-" + f"{ago(270):%y%m%d}"),
        lambda: aftersale.returns(session),
        lambda: endoflife.crash_to_precursor(session),
        lambda: partners.recycled_cells(session, endoflife.PRECURSOR_KG),
        lambda: manufacturing.wave_c(session, partners.CELLS_R),
        lambda: sales.wave_c(session),
        lambda: aftersale.recall(session),
        lambda: aftersale.routine_check(session),
        lambda: partners.repair_shop_anomalies(session, unshipped=UNSHIPPED, recycled=endoflife.CRASHED,
                                               elsewhere=aftersale.CHECKED, elsewhere_at=aftersale.CHECKED_AT),
        lambda: quotes.later_quotes(session),
        lambda: configurations.lfp_boards(session),
        lambda: contracts.service(session),
    ]
    for done, step in enumerate(steps, 1):
        step()
        report("story", done, len(steps))
    extra = units - STORY_UNITS
    bulk.build(session, extra, rng, progress=lambda done: report("bulk", done, extra))
    session.flush()
    return World(units, seed, extra, highlights())


__all__ = ["DEFAULT_UNITS", "STORY_UNITS", "TODAY", "World", "build", "highlights", "is_empty", "is_loaded"]
