"""Property-based tests of identifier parsing (issue 18): any text gives a canonical value or a clean InvalidInput.

Random text, generated valid identifiers in every form (Digital Link on any host, bracketed and
FNC1 element strings, EPC URNs) and random mutations of them go through ``parse``,
``canonical``, ``normalize_epc`` and ``normalize_epc_class``. The only outcomes allowed are a
result or an :class:`~cradletrace.errors.InvalidInput` (a TraceError); a result is canonical
(normalising it again changes nothing) and round-trips through the other forms.
The default suite runs a few examples per property; ``-m slow`` runs many.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cradletrace.errors import InvalidInput
from cradletrace.identifiers import GS1Identifier, canonical, check_digit, normalize_epc, normalize_epc_class, parse

FEW = settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

#: Valid identifiers of several keys and forms, the seeds of the mutations.
SEEDS = [
    "https://id.gs1.org/01/09506000134352/21/4711",
    "https://brand.example/p/01/9506000134352/10/L1/21/4711?17=261231",
    "https://example.com/gtin/09506000134352/lot/L%2F1",
    "(01)09506000134352(10)L1(21)4711(17)261231",
    "]d20109506000134352104711\x1d17261231",
    "^0109506000134352^10ABC^21X-1",
    "urn:epc:id:sgtin:9506000.013435.4711",
    "urn:epc:class:lgtin:9506000.013435.L1",
    "urn:epc:idpat:sgtin:9506000.013435.*",
    "urn:epc:id:sgln:4012345.00001.7",
    "urn:epc:id:sscc:9506000.0123456789",
    "urn:epc:id:grai:9506000.12345.S1",
    "https://id.gs1.org/00/095060001343520017",
    "https://id.gs1.org/414/4012345000016/254/7",
    "(8004)9506000ABC123",
    "9506000134352",
    "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8",
]
_GS1_82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_NOISE = st.sampled_from(["/", "?", "=", "%", "%2", "%zz", "(", ")", "^", "\x1d", "]d2", ":", ".", "*", " ",
                          "0", "9", "21", "01", "\u00e9", "\ufeff", "\x00", "\u2028"])


@st.composite
def gtins(draw: Any) -> str:
    body = draw(st.text("0123456789", min_size=13, max_size=13))
    return body + check_digit(body)


@st.composite
def valid_identifiers(draw: Any) -> str:
    """A valid SGTIN or LGTIN in one of its textual forms."""
    gtin = draw(gtins())
    serial = draw(st.text(_GS1_82, min_size=1, max_size=20))
    lot = draw(st.none() | st.text(_GS1_82, min_size=1, max_size=20))
    pairs = [("01", gtin), *([("10", lot)] if lot else []), ("21", serial)]
    form = draw(st.sampled_from(["bracketed", "fnc1", "link", "urn"]))
    identifier = GS1Identifier("sgtin", "01", gtin, tuple(pairs[1:]))
    if form == "bracketed":
        return identifier.element_string
    if form == "fnc1":
        return identifier.fnc1_element_string
    if form == "link":
        host = draw(st.sampled_from(["https://id.gs1.org", "https://brand.example/p", "http://example.com"]))
        return identifier.canonical_uri.replace("https://id.gs1.org", host, 1)
    return GS1Identifier("sgtin", "01", gtin, (("21", serial),)).to_epc_urn([gtin[1:8]])


@st.composite
def mutated(draw: Any, seeds: st.SearchStrategy[str]) -> str:
    """A seed with a few characters inserted, deleted or replaced, or cut short."""
    text = draw(seeds)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "swapcase", "repeat"]))
        if how == "insert":
            text = text[:at] + draw(_NOISE | st.text(max_size=3)) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + 1:]
        elif how == "replace":
            text = text[:at] + draw(st.characters()) + text[at + 1:]
        elif how == "truncate":
            text = text[:at]
        elif how == "swapcase":
            text = text[:at] + text[at:].swapcase()
        else:
            text = text[:at] + text[at:] * draw(st.integers(2, 30))
    return text


ANY_TEXT = st.text(max_size=80) | mutated(st.sampled_from(SEEDS)) | mutated(valid_identifiers()) | valid_identifiers()


def outcome(function: Callable[[str], Any], text: str) -> Any:
    """The result, or ``None`` for a clean rejection; any other exception fails the test."""
    try:
        return function(text)
    except InvalidInput as exc:
        assert str(exc), "a rejection says what was wrong"
        return None


def check_parse(text: str) -> None:
    identifier = outcome(parse, text)
    if identifier is None:
        return
    assert isinstance(identifier, GS1Identifier)
    for form in (identifier.canonical_uri, identifier.element_string, identifier.fnc1_element_string):
        assert parse(form) == identifier, form
    assert canonical(text) == identifier.key_uri == canonical(identifier.key_uri)


def check_normalize(text: str) -> None:
    for function in (normalize_epc, normalize_epc_class):
        result = outcome(function, text)
        if result is not None:
            assert isinstance(result, str)
            assert function(result) == result, "a normalised identifier is canonical already"


@FEW
@given(valid_identifiers())
def test_valid_identifiers_parse_and_round_trip(text: str) -> None:
    identifier = parse(text)
    check_parse(text)
    if text.startswith(("http", "urn:")):  # the EPCIS forms: an element string is no URI, left as it is
        assert normalize_epc(text) == normalize_epc(identifier.canonical_uri)


@FEW
@given(ANY_TEXT)
def test_parse_gives_a_canonical_identifier_or_invalid_input(text: str) -> None:
    check_parse(text)


@FEW
@given(ANY_TEXT)
def test_normalize_gives_a_canonical_uri_or_invalid_input(text: str) -> None:
    check_normalize(text)


@pytest.mark.slow
@MANY
@given(ANY_TEXT)
def test_many_identifiers(text: str) -> None:
    check_parse(text)
    check_normalize(text)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_seeds_are_accepted(seed: str) -> None:
    """The mutations start from identifiers that are valid (so a mutation, not the seed, is tested)."""
    assert normalize_epc(seed) if seed.startswith(("urn:epc:id", "https", "urn:uuid")) else parse(seed)
