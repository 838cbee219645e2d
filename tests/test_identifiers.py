"""Unit tests for cradletrace.identifiers: every input form, the normalisers, node kinds, and the errors."""

from __future__ import annotations

import timeit

import pytest

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers import (
    GS1Identifier,
    canonical,
    check_digit,
    is_valid_check_digit,
    node_kind,
    normalize_epc,
    normalize_epc_class,
    parse,
    to_epc_urn,
)

GTIN = "09506000134352"
SGTIN_DL = f"https://id.gs1.org/01/{GTIN}/21/4711"


# ---------------------------------------------------------------------------------- check digits

@pytest.mark.parametrize(("digits", "expected"), [("0950600013435", "2"), ("401234500001", "6"), ("0", "0")])
def test_check_digit(digits: str, expected: str) -> None:
    assert check_digit(digits) == expected


@pytest.mark.parametrize("bad", ["", "12a4", "１２３"])
def test_check_digit_rejects_non_digits(bad: str) -> None:
    with pytest.raises(InvalidIdentifier, match="only the digits 0-9"):
        check_digit(bad)


@pytest.mark.parametrize(("key", "valid"), [(GTIN, True), ("09506000134353", False), ("4012345000016", True),
                                            ("", False), ("7", False), ("0950600013435X", False)])
def test_is_valid_check_digit(key: str, valid: bool) -> None:
    assert is_valid_check_digit(key) is valid


# ---------------------------------------------------------------------------------- normalize_epc

@pytest.mark.parametrize(("value", "expected"), [
    (SGTIN_DL, SGTIN_DL),
    ("urn:epc:id:sgtin:9506000.013435.4711", SGTIN_DL),
    (f"http://example.com/shop/01/{GTIN}/21/4711?17=261231#x", SGTIN_DL),
    (f"https://example.com/01/{GTIN}/10/L1/21/4711", SGTIN_DL),
    (f"https://example.com/01/{GTIN[1:]}/21/4711", SGTIN_DL),
    (f"https://example.com/gtin/{GTIN}/ser/4711", SGTIN_DL),
    ("urn:epc:id:sgtin:9506000.013435.A%2FB", f"https://id.gs1.org/01/{GTIN}/21/A%2FB"),
    ("urn:epc:id:sscc:9506000.0000000017", "https://id.gs1.org/00/095060000000000176"),
    ("urn:epc:id:sgln:4012345.00001.0", "https://id.gs1.org/414/4012345000016"),
    ("urn:epc:id:sgln:4012345.00001.7a", "https://id.gs1.org/414/4012345000016/254/7a"),
    ("urn:epc:id:pgln:4012345.00001", "https://id.gs1.org/417/4012345000016"),
    ("urn:epc:id:grai:4012345.00001.99", "https://id.gs1.org/8003/0401234500001699"),
    ("urn:epc:id:giai:4012345.A1", "https://id.gs1.org/8004/4012345A1"),
    ("urn:epc:id:gdti:4012345.00001.DOC", "https://id.gs1.org/253/4012345000016DOC"),
    ("urn:epc:id:cpi:4012345.P-1.5", "https://id.gs1.org/8010/4012345P-1/8011/5"),
    ("urn:epc:id:gsrn:4012345.0000000001", "https://id.gs1.org/8018/401234500000000012"),
    ("urn:epc:id:gid:95100000.12345.400", "urn:epc:id:gid:95100000.12345.400"),
    ("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
    ("https://example.com/not-a-dl", "https://example.com/not-a-dl"),
    ("https://example.com/2024/01/report", "https://example.com/2024/01/report"),
    ("urn:example:po:4711", "urn:example:po:4711"),
])
def test_normalize_epc(value: str, expected: str) -> None:
    assert normalize_epc(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("https://id.gs1.org/01/09506000134353/21/1", "check digit should be 2"),
    (f"https://example.com/01/{GTIN}/21/1/10/L", r"AI \(10\) BATCH/LOT must come before \(21\) SERIAL"),
    (f"https://example.com/01/{GTIN}/21/", "must not end with '/'"),
    (f"https://example.com/01/{GTIN}/21/{'x' * 21}", "too long"),
    (f"https://example.com/01/{GTIN}?10=L1", "must be in the path"),
    ("urn:epc:id:sgtin:9506000.013435", "needs 3 dot-separated fields"),
    ("urn:epc:id:sgtin:95060.0013435.1", "company prefix '95060' must be 6 to 12 digits"),
    ("urn:epc:id:sgtin:9506000.0134.1", "item reference has 4 digits"),
    ("urn:epc:id:sgtin:9506000.013435.a/b", "characters a URN must %-escape"),
    ("urn:epc:id:widget:1.2", "unknown EPC scheme 'widget'"),
    ("urn:epc:id:bic:CSQU305438", "not a valid EPC"),
])
def test_normalize_epc_rejects_invalid_gs1(value: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier, match=message):
        normalize_epc(value)


def test_normalize_epc_is_fast_for_canonical_sgtin() -> None:
    normalize_epc(SGTIN_DL)
    seconds = min(timeit.repeat(lambda: normalize_epc(SGTIN_DL), number=2000, repeat=5)) / 2000
    assert seconds < 5e-6  # aim is < 2 µs; the bound leaves room for slow CI machines


def test_normalize_epc_caches_other_forms() -> None:
    value = "urn:epc:id:sgtin:9506000.013435.cache-me"
    assert normalize_epc(value) is normalize_epc(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("urn:epc:class:lgtin:9506000.013435.L1", f"https://id.gs1.org/01/{GTIN}/10/L1"),
    ("urn:epc:idpat:sgtin:9506000.013435.*", f"https://id.gs1.org/01/{GTIN}"),
    ("urn:epc:idpat:grai:4012345.00001.*", "https://id.gs1.org/8003/04012345000016"),
    (f"https://example.com/01/{GTIN}/10/L1?17=261231", f"https://id.gs1.org/01/{GTIN}/10/L1"),
    ("urn:example:class:x", "urn:example:class:x"),
])
def test_normalize_epc_class(value: str, expected: str) -> None:
    assert normalize_epc_class(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("urn:epc:id:sgtin:9506000.013435.1", "not a class"),
    ("urn:epc:idpat:sgtin:9506000.*.*", "only the last one"),
    ("urn:epc:idpat:sscc:9506000.*", "no class-level Digital Link"),
    ("urn:epc:class:lgtin:9506000.013435", "needs company prefix, item reference and lot"),
])
def test_normalize_epc_class_errors(value: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier, match=message):
        normalize_epc_class(value)


# ---------------------------------------------------------------------------------- node_kind

@pytest.mark.parametrize(("uri", "kind"), [
    (SGTIN_DL, "unit"),
    (f"https://id.gs1.org/01/{GTIN}/10/L1/21/1", "unit"),
    (f"https://id.gs1.org/01/{GTIN}/235/TPX1", "unit"),
    (f"https://id.gs1.org/01/{GTIN}/10/L1", "lot"),
    (f"https://id.gs1.org/01/{GTIN}", "product"),
    ("https://id.gs1.org/00/095060000000000176", "logistic_unit"),
    ("https://id.gs1.org/414/4012345000016", "location"),
    ("https://id.gs1.org/414/4012345000016/254/7", "location"),
    ("https://id.gs1.org/417/4012345000016", "party"),
    ("https://id.gs1.org/8003/0401234500001699", "unit"),
    ("https://id.gs1.org/8003/04012345000016", "other"),
    ("https://id.gs1.org/8004/4012345A1", "unit"),
    ("https://id.gs1.org/8010/4012345P-1/8011/5", "unit"),
    ("https://id.gs1.org/253/4012345000016DOC", "document"),
    ("https://id.gs1.org/8018/401234500000000012", "other"),
    ("urn:example:po:4711", "document"),
    ("https://erp.example.com/po/4711", "document"),
])
def test_node_kind(uri: str, kind: str) -> None:
    assert node_kind(uri) == kind


# ---------------------------------------------------------------------------------- parse

def test_parse_digital_link_with_stem_query_and_fragment() -> None:
    gid = parse(f" https://brand.example/a/01/x/01/{GTIN}/22/C/10/L%2F1/21/7?17=261231&linkType=gs1:pip#top ")
    assert gid == GS1Identifier("sgtin", "01", GTIN, (("22", "C"), ("10", "L/1"), ("21", "7")), (("17", "261231"),))
    assert gid.canonical_uri == f"https://id.gs1.org/01/{GTIN}/22/C/10/L%2F1/21/7?17=261231"
    assert gid.key_uri == f"https://id.gs1.org/01/{GTIN}/22/C/10/L%2F1/21/7"
    assert str(gid) == gid.canonical_uri
    assert (gid.gtin, gid.lot, gid.serial) == (GTIN, "L/1", "7")
    assert gid.element_string == f"(01){GTIN}(22)C(10)L/1(21)7(17)261231"
    assert gid.fnc1_element_string == f"^01{GTIN}22C^10L/1^217^17261231"


def test_parse_sorts_canonical_attributes_but_keeps_their_order_in_the_element_string() -> None:
    gid = parse(f"https://example.com/01/{GTIN}?17=261231&3103=000195&99=X")
    assert gid.attributes == (("17", "261231"), ("3103", "000195"), ("99", "X"))
    assert gid.canonical_uri.endswith("?17=261231&99=X&3103=000195")


@pytest.mark.parametrize(("text", "kind", "key_uri"), [
    (f"(01){GTIN}(21)4711", "sgtin", SGTIN_DL),
    (f"(01){GTIN}(10)L1(17)261231", "lgtin", f"https://id.gs1.org/01/{GTIN}/10/L1"),
    (f"(17)261231(01){GTIN}", "gtin", f"https://id.gs1.org/01/{GTIN}"),
    (f"^01{GTIN}214711", "sgtin", SGTIN_DL),
    (f"\x1d01{GTIN}10L1\x1d214711", "sgtin", f"https://id.gs1.org/01/{GTIN}/10/L1/21/4711"),
    (f"]d201{GTIN}214711", "sgtin", SGTIN_DL),
    (f"]Q301{GTIN}214711", "sgtin", SGTIN_DL),
    (f"]Q1https://example.com/01/{GTIN}/21/4711", "sgtin", SGTIN_DL),
    ("urn:epc:id:sgtin:9506000.013435.4711", "sgtin", SGTIN_DL),
    ("urn:epc:class:lgtin:9506000.013435.L1", "lgtin", f"https://id.gs1.org/01/{GTIN}/10/L1"),
    ("urn:epc:idpat:sgtin:9506000.013435.*", "gtin", f"https://id.gs1.org/01/{GTIN}"),
    ("urn:epc:id:upui:9506000.013435.TPX", "upui", f"https://id.gs1.org/01/{GTIN}/235/TPX"),
    ("urn:epc:id:sscc:9506000.0000000017", "sscc", "https://id.gs1.org/00/095060000000000176"),
    ("urn:epc:id:sgln:4012345.00001.7", "sgln", "https://id.gs1.org/414/4012345000016/254/7"),
    ("urn:epc:id:pgln:4012345.00001", "pgln", "https://id.gs1.org/417/4012345000016"),
    ("urn:epc:id:itip:9506000.013435.01.02.S1", "itip", f"https://id.gs1.org/8006/{GTIN}0102/21/S1"),
    ("95060002", "gtin", "https://id.gs1.org/01/00000095060002"),
    ("950600013435", "gtin", None),
    ("9506000134352", "gtin", f"https://id.gs1.org/01/{GTIN}"),
    (GTIN, "gtin", f"https://id.gs1.org/01/{GTIN}"),
])
def test_parse_every_form(text: str, kind: str, key_uri: str | None) -> None:
    if key_uri is None:
        with pytest.raises(InvalidIdentifier, match="check digit"):
            parse(text)
        return
    gid = parse(text)
    assert (gid.kind, gid.key_uri) == (kind, key_uri)
    assert canonical(text) == key_uri


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty identifier"),
    ("hello", "is not a GS1 identifier"),
    ("ftp://example.com/01/09506000134352", "is not a GS1 identifier"),
    ("https://example.com/foo/123", "no primary key"),
    ("https://ex$ample.com/01/09506000134352", "host 'ex.ample.com' is empty or has characters"),
    ("https:///01/09506000134352", "host '' is empty"),
    (f"https://example.com/01/{GTIN}/99/X", r"AI \(99\) INTERNAL is not a qualifier of \(01\) GTIN"),
    (f"https://example.com/01/{GTIN}/235/T/10/L", "cannot be combined"),
    (f"https://example.com/01/{GTIN}?89=X", r"unknown Application Identifier \(89\)"),
    (f"https://example.com/01/{GTIN}?99=", r"AI \(99\) INTERNAL has an empty value"),
    (f"https://example.com/01/{GTIN}?99=A&99=A", "appears more than once"),
    (f"https://example.com/01/{GTIN}?8200=x", "not allowed as a data attribute"),
    (f"https://example.com/01/{GTIN}?99=A%00B", "percent-encoded NUL"),
    (f"https://example.com/01/{GTIN}?17=260231", "day 31 does not exist"),
    ("(01)09506000134352(10)", "has an empty value"),
    ("(01)0950600013435(21)1", "too short"),
    ("(1A)123", "expected a bracketed AI"),
    ("(17)261231", "no GS1 primary key"),
    (f"(01){GTIN}(21)1(21)2", "appears twice with different values"),
    ("^01095060001343", "needs exactly 14 characters"),
    ("^891234", "no known AI"),
    ("urn:epc:id:gid:1.2.3", "not a GS1 key"),
])
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier, match=message):
        parse(text)


# ---------------------------------------------------------------------------------- EPC URNs

@pytest.mark.parametrize(("value", "prefixes", "urn"), [
    (SGTIN_DL, ["9506000"], "urn:epc:id:sgtin:9506000.013435.4711"),
    (SGTIN_DL, ["950600", "9506000"], "urn:epc:id:sgtin:9506000.013435.4711"),
    (f"https://id.gs1.org/01/{GTIN}/21/A%2FB", ["9506000"], "urn:epc:id:sgtin:9506000.013435.A%2FB"),
    (f"https://id.gs1.org/01/{GTIN}/10/L1", ["9506000"], "urn:epc:class:lgtin:9506000.013435.L1"),
    (f"https://id.gs1.org/01/{GTIN}", ["9506000"], "urn:epc:idpat:sgtin:9506000.013435.*"),
    ("https://id.gs1.org/00/095060000000000176", ["9506000"], "urn:epc:id:sscc:9506000.0000000017"),
    ("https://id.gs1.org/414/4012345000016", ["4012345"], "urn:epc:id:sgln:4012345.00001.0"),
    ("https://id.gs1.org/414/4012345000016/254/7", ["4012345"], "urn:epc:id:sgln:4012345.00001.7"),
    ("https://id.gs1.org/8003/0401234500001699", ["4012345"], "urn:epc:id:grai:4012345.00001.99"),
    (SGTIN_DL, ["4012345"], None),
])
def test_to_epc_urn(value: str, prefixes: list[str], urn: str | None) -> None:
    assert to_epc_urn(value, prefixes) == urn
    if urn is not None:
        assert normalize_epc(urn) == parse(value).key_uri or urn.startswith(("urn:epc:class", "urn:epc:idpat"))


def test_identifier_to_epc_urn_raises_without_matching_prefix() -> None:
    with pytest.raises(InvalidIdentifier, match="no configured GS1 Company Prefix matches"):
        parse(SGTIN_DL).to_epc_urn(["4012345", "12345"])


def test_to_epc_urn_rejects_keys_without_urn_form() -> None:
    with pytest.raises(InvalidIdentifier, match=r"AI \(8013\) GMN has no EPC URN form"):
        to_epc_urn("https://id.gs1.org/8013/1987654Ad4X4bL5ttr2310c2K", ["198765"])


def test_identifier_is_frozen() -> None:
    gid = parse(SGTIN_DL)
    with pytest.raises(AttributeError):
        gid.kind = "gtin"  # type: ignore[misc]
