"""A small price-and-quote world for the pricing, approval, quote, PDF and CLI tests, its prices chosen to be
worked out by hand.

Not a test module: the tests import it by name (conftest puts this folder on the path).

Parties: the seller, Alpha (customer A, with its own price list) and Beta (customer B, without).
Products: a pump, a battery pack (the configurable product) and a cell.

A configurable battery pack (model ``BP``): capacity 10 kWh | 15 kWh, chemistry LFP | NMC, colour
grey | red (optional). Its rows are written directly (a minimal stand-in for
``cradletrace.configure.define_model``, built in parallel); :func:`configuration` saves one.

Price lists, all in EUR unless said:

| list | for | valid | items | surcharges |
|---|---|---|---|---|
| GEN-2025 | all | 2025-01-01 .. 2026-01-01 | pump 80.00 | |
| GEN-2026 | all | 2026-01-01 .. | pump 100.00, from 10: 90.00; battery 1000.00, from 5: 950.00 | 15 kWh 300.00, LFP 120.00 |
| ALPHA-2026 | Alpha | 2026-02-01 .. 2027-01-01 | pump 95.00, from 10: 85.00 | LFP 100.00 |
| GEN-USD | all | 2026-01-01 .. | (USD) pump 110.00 | |
| CELL-BULK | all | 2026-01-01 .. | cell from 100: 2.50 | |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from commerce_world import CUSTOMER_A, CUSTOMER_B, PUMP, SELLER
from cradletrace import commerce
from cradletrace.lifecycle import add_party, add_product
from cradletrace.models import ConfigModel, ConfigOption, ConfigOptionGroup, Configuration, ConfigurationOption

BATTERY = "09506000134376"
CELL = "09506000134383"

__all__ = ["BATTERY", "CELL", "CUSTOMER_A", "CUSTOMER_B", "PUMP", "SELLER", "at", "build", "configuration",
           "pdf_text"]


def at(year: int, month: int, d: int, hour: int = 9) -> datetime:
    return datetime(year, month, d, hour, tzinfo=timezone.utc)


@dataclass
class Model:
    model: ConfigModel
    options: dict[str, ConfigOption]


GROUPS = (("capacity", "Capacity", True, (("10KWH", "10 kWh"), ("15KWH", "15 kWh"))),
          ("chemistry", "Cell chemistry", True,
           (("LFP", "Lithium iron phosphate"), ("NMC", "Nickel manganese cobalt"))),
          ("colour", "Housing colour", False, (("GREY", "Grey"), ("RED", "Red"))))


def build(session: Session) -> Model:
    add_party(session, SELLER, "Seller")
    add_party(session, CUSTOMER_A, "Alpha")
    add_party(session, CUSTOMER_B, "Beta")
    add_product(session, PUMP, "Pump")
    battery = add_product(session, BATTERY, "Battery pack")
    add_product(session, CELL, "Cell")
    model = ConfigModel(code="BP", name="Battery pack", product_id=battery.id, created_at=at(2026, 1, 1))
    session.add(model)
    session.flush()
    options: dict[str, ConfigOption] = {}
    for position, (code, name, required, choices) in enumerate(GROUPS):
        group = ConfigOptionGroup(model_id=model.id, code=code, name=name, required=required, multiple=False,
                                  position=position)
        session.add(group)
        session.flush()
        for index, (option, label) in enumerate(choices):
            options[option] = ConfigOption(model_id=model.id, group_id=group.id, code=option, name=label,
                                           position=index)
    session.add_all(options.values())
    session.flush()
    commerce.define_price_list(session, "GEN-2025", name="General 2025", currency="EUR", valid_from=at(2025, 1, 1, 0),
                               valid_until=at(2026, 1, 1, 0), items=[{"product": PUMP, "unit_price": "80.00"}])
    commerce.define_price_list(
        session, "GEN-2026", name="General 2026", currency="EUR", valid_from=at(2026, 1, 1, 0),
        items=[{"product": PUMP, "unit_price": "100.00"}, {"product": PUMP, "unit_price": "90.00", "min_quantity": 10},
               {"product": BATTERY, "unit_price": "1000.00"},
               {"product": BATTERY, "unit_price": "950.00", "min_quantity": "5"}],
        surcharges=[{"model": "BP", "option": "15KWH", "amount": "300.00"},
                    {"model": "BP", "option": "LFP", "amount": "120.00"}])
    commerce.define_price_list(
        session, "ALPHA-2026", name="Alpha 2026", currency="EUR", customer=CUSTOMER_A, valid_from=at(2026, 2, 1, 0),
        valid_until=at(2027, 1, 1, 0),
        items=[{"product": PUMP, "unit_price": "95.00"}, {"product": PUMP, "unit_price": "85.00", "min_quantity": 10}],
        surcharges=[{"model": "BP", "option": "LFP", "amount": "100.00"}])
    commerce.define_price_list(session, "GEN-USD", name="General USD", currency="USD", valid_from=at(2026, 1, 1, 0),
                               items=[{"product": PUMP, "unit_price": "110.00"}])
    commerce.define_price_list(session, "CELL-BULK", name="Cells in bulk", currency="EUR",
                               valid_from=at(2026, 1, 1, 0),
                               items=[{"product": CELL, "unit_price": "2.50", "min_quantity": 100}])
    return Model(model, options)


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page of a PDF (PDFium)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def configuration(session: Session, world: Model, codes: Sequence[str]) -> Configuration:
    """A saved configuration of the battery pack with these options (no rule checking: a stand-in)."""
    saved = Configuration(model_id=world.model.id, bom=[], created_at=at(2026, 1, 1))
    session.add(saved)
    session.flush()
    session.add_all([ConfigurationOption(configuration_id=saved.id, option_id=world.options[c].id) for c in codes])
    session.flush()
    return saved
