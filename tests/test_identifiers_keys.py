"""cradletrace.identifiers.keys: key URIs built with every value checked, and read back."""

from __future__ import annotations

import pytest

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers import key_pairs, key_uri, normalize_epc, parse, read_key_uri

GTIN = "09506000134352"

PATHS = [
    (("01", GTIN), ("21", "A/1+%x")),
    (("01", GTIN), ("10", "L1")),
    (("01", GTIN), ("22", "2A"), ("10", "L1")),
    (("00", "095060001000000012"),),
    (("414", "9520123456788"), ("254", "DOCK1")),
    (("417", "9520999999990"),),
    (("8004", "9520123456ABC"),),
]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: "/".join(ai for ai, _ in p))
def test_key_uri_and_key_pairs_are_inverses(path: tuple[tuple[str, str], ...]) -> None:
    uri = key_uri(path)
    assert key_pairs(uri) == path
    assert parse(uri).path == path, "the builder writes what the full parser reads"


def test_key_uri_checks_the_qualifier_order() -> None:
    with pytest.raises(InvalidIdentifier, match="must come before"):
        key_uri([("01", GTIN), ("21", "7"), ("10", "L1")])
    with pytest.raises(InvalidIdentifier, match="no key"):
        key_uri([])


@pytest.mark.parametrize("uri", [
    "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    f"https://example.com/01/{GTIN}/21/1",
    f"https://id.gs1.org/01/{GTIN}/21/1?17=261231",
    f"https://id.gs1.org/01/{GTIN}/21",
    f"https://id.gs1.org/21/1/01/{GTIN}",
    f"https://id.gs1.org/01/{GTIN}/21/",
    f"https://id.gs1.org/01/{GTIN}/21/%FF",
])
def test_key_pairs_is_none_for_anything_but_a_canonical_key(uri: str) -> None:
    assert key_pairs(uri) is None and read_key_uri(uri) is None


def test_read_key_uri_reads_what_normalize_epc_writes() -> None:
    key = read_key_uri(normalize_epc("urn:epc:id:sgtin:9506000.013435.A%2F1"))
    assert (key.kind, key.gtin, key.serial) == ("sgtin", GTIN, "A/1")
    lot = read_key_uri(f"https://id.gs1.org/01/{GTIN}/10/CU-1")
    assert (lot.kind, lot.lot, lot.key_uri) == ("lgtin", "CU-1", f"https://id.gs1.org/01/{GTIN}/10/CU-1")
