"""Label content: one statement per batch, the Digital Link on the resolver, the text, and the selections."""

from __future__ import annotations

from datetime import date

import pytest

from cradletrace.errors import InvalidIdentifier, InvalidInput, NotFound
from cradletrace.labels.content import expiry_of, fetch_labels, lot_units, make_label, serial_range
import labels_world as world
from labels_world import DOCK, GTIN_BMS, GTIN_PACK, LOT, MATERIAL, PACKS, RESOLVER, SSCC, unit


@pytest.fixture
def built(session):  # type: ignore[no-untyped-def]
    world.build(session)
    return session


def test_a_unit_label_carries_its_link_and_text(built) -> None:  # type: ignore[no-untyped-def]
    (label,) = fetch_labels(built, ["urn:epc:id:sgtin:9506000.013435.0001"], resolver_url=RESOLVER)
    assert label.identifier == PACKS[0]
    assert label.link == f"{RESOLVER}/01/{GTIN_PACK}/21/0001?17=261231"
    assert label.element_string == f"(01){GTIN_PACK}(21)0001(17)261231"
    assert (label.name, label.gtin, label.serial, label.lot, label.expiry) == (
        "Battery pack 48 V", GTIN_PACK, "0001", None, date(2026, 12, 31))
    assert [text for _role, text in label.lines()] == [
        "Battery pack 48 V", f"GTIN {GTIN_PACK}", "SN 0001", "EXP 2026-12-31", label.element_string]


def test_every_kind_of_label(built) -> None:  # type: ignore[no-untyped-def]
    labels = fetch_labels(built, [LOT, SSCC, DOCK, f"(01){GTIN_PACK}(21)0020", unit("B1", GTIN_BMS), "0021"],
                          resolver_url=RESOLVER)
    assert [label.kind for label in labels] == ["lot", "logistic_unit", "location", "unit", "unit", "unit"]
    lot, sscc, dock, own, board, bare = labels
    assert (lot.link, lot.lot, lot.name) == (f"{RESOLVER}/01/{GTIN_PACK}/10/L1", "L1", "Battery pack 48 V")
    assert sscc.link == f"{RESOLVER}/00/095060001343520017" and sscc.name is None
    assert ("field", "SSCC 095060001343520017") in sscc.lines()
    assert dock.link == f"{RESOLVER}/414/4012345000016/254/DOCK1" and dock.name == "Dock 1, north hall"
    assert dock.element_string == "(414)4012345000016(254)DOCK1"
    assert own.expiry == date(2027, 6, 30)  # cradletrace's own ILMD names, as the lifecycle services write them
    assert board.name == "BMS board" and board.expiry is None and "?" not in board.link
    assert bare.identifier == unit("0021")  # a bare serial that is unique


def test_one_statement_for_a_batch(built, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(built) as sent:
        labels = fetch_labels(built, [*PACKS, LOT, SSCC, DOCK, *PACKS[:3]], resolver_url=RESOLVER)
    assert len(sent) == 1
    assert len(labels) == 18 and labels[-1] == labels[2]  # copies keep their order


def test_the_resolver_comes_from_the_settings(built, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRADLETRACE_RESOLVER_URL", "https://dl.example.org/p/")
    (label,) = fetch_labels(built, [PACKS[1]])
    assert label.link == f"https://dl.example.org/p/01/{GTIN_PACK}/21/0002?17=261231"


@pytest.mark.parametrize(("value", "error", "text"), [
    (unit("9999"), NotFound, "is not a recorded unit"),
    (f"(01){GTIN_PACK[:-1]}3(21)1", InvalidIdentifier, "check digit should be 2"),
    ("https://id.gs1.org/01/09506000134353/21/1", InvalidIdentifier, "check digit"),
    (f"https://id.gs1.org/01/{GTIN_PACK}", NotFound, "not a recorded"),
    ("urn:epc:id:sgtin:9506000.013435", InvalidIdentifier, "sgtin"),
])
def test_bad_identifiers_are_named(built, value: str, error: type, text: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=text):
        fetch_labels(built, [PACKS[0], value], resolver_url=RESOLVER)


def test_objects_without_labels_are_refused(built) -> None:  # type: ignore[no-untyped-def]
    from cradletrace.lifecycle.masterdata import add_party

    add_party(built, "https://id.gs1.org/417/4012345000009", "ACME")
    with pytest.raises(InvalidInput, match="is a party: labels are for units, lots, SSCCs and locations"):
        fetch_labels(built, ["https://id.gs1.org/417/4012345000009"], resolver_url=RESOLVER)
    with pytest.raises(InvalidInput, match="no identifiers"):
        fetch_labels(built, [], resolver_url=RESOLVER)


def test_serial_range(built, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(built) as sent:
        assert serial_range(built, "9506000134352", "0003", 4) == PACKS[2:6]
    assert len(sent) == 1
    with pytest.raises(NotFound, match="2 of the 3 serials from 0012 are not recorded units of GTIN 09506000134352: "
                                       "0013, 0014"):
        serial_range(built, GTIN_PACK, "0012", 3)
    with pytest.raises(NotFound, match=r": 0099, 0100, 0101, 0102, 0103, \.\.\.$"):  # the width is kept
        serial_range(built, GTIN_PACK, "0099", 6)
    with pytest.raises(InvalidInput, match="does not end in digits"):
        serial_range(built, GTIN_PACK, "B", 3)
    with pytest.raises(InvalidIdentifier, match="check digit"):
        serial_range(built, "9506000134353", "1", 3)
    with pytest.raises(InvalidInput, match="--count 0"):
        serial_range(built, GTIN_PACK, "1", 0)


def test_lot_units(built) -> None:  # type: ignore[no-untyped-def]
    assert lot_units(built, LOT) == PACKS  # by their ILMD lotNumber
    assert lot_units(built, f"(01){GTIN_PACK}(10)L1") == PACKS
    assert lot_units(built, MATERIAL) == [unit("B3", GTIN_BMS)]  # made from it
    with pytest.raises(InvalidInput, match="is a unit, not a lot"):
        lot_units(built, PACKS[0])
    with pytest.raises(NotFound):
        lot_units(built, f"(01){GTIN_PACK}(10)NOPE")


def test_a_bad_expiry_is_an_error_not_a_wrong_label() -> None:
    assert expiry_of({world.MDA + "itemExpirationDate": "2026-02-28T00:00:00Z"}, where="u") == date(2026, 2, 28)
    for bad in ("2026-02-30", "31/12/2026", "2199-01-01"):
        with pytest.raises(InvalidInput, match="itemExpirationDate"):
            expiry_of({world.MDA + "itemExpirationDate": bad}, where="u")


def test_make_label_needs_a_gs1_key() -> None:
    with pytest.raises(InvalidInput, match="not a GS1 key"):
        make_label("urn:example:thing:1", "unit", resolver_url=RESOLVER)
