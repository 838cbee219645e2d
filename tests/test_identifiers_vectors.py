"""Conformance vectors for cradletrace.identifiers: every row of shared/conformance/digital-link/vectors.csv.

Each row is one test case (id ``<kind>-<row number>``). A row either runs against our API or is
skipped with a recorded reason; ``test_vector_summary`` prints the counts per kind and asserts that
every applicable row passes.

Decisions where SOURCE.md says the sources conflict ("decide per test group"):

* **Zero-suppressed GTIN-8/12/13 in ``/01/``.** ``parse`` and ``normalize_epc`` accept and pad them
  (scanner input; biip and digital-link.js rows). The strict parser
  ``digital_link.parse_digital_link`` rejects them by default, as gs1-syntax-engine does, and its
  ``zero_suppressed_gtin=True`` option is the engine's option: gs1-syntax-engine rows run in the
  mode their note asks for, so both the default rejections and the "REQUIRES zero_suppressed_gtin"
  conversions are applicable.
* **Convenience alphas** (``/gtin/``): the same, with ``convenience_alphas``. digital-link.js
  grammar-1.x rows run leniently (``parse``). The openepcis ``dl_shortname_to_numeric_ai`` rows use
  openepcis' own names (``/cpi/``, ``/giai/`` on odd paths) that are not GS1 convenience alphas:
  not applicable.
* **Trailing slash**: we follow gs1-syntax-engine (reject); the digital-link.js row that accepts
  ``/01/01234565/`` is skipped.
* **Query order in a canonical DL**: compared as a set of parameters.
* **Unknown AIs**: always rejected; rows that need the engine's ``unknown_ais`` option are skipped.
* **GCP length**: rows noted "NEEDS GS1 GCP-length prefix table" are skipped, we do not ship GS1's
  gcpprefixformatlist (DL -> URN uses the configured company prefixes of our own system).
* ``dl_to_urn_class`` with ``/8010/123457-57578`` and gcpLength=12 expects a "company prefix"
  containing a hyphen, which TDS forbids (a GCP is 6-12 digits): not applicable.
* digital-link.js rejects ``/giai/0801234126`` and ``/giai/0801234127``; by the syntax dictionary
  (AI 8004 = X..30 starting with a GS1 Company Prefix) both are valid GIAIs: not applicable.
* epcpy ``urn_to_bracketed_ai_reject`` rows exercise epcpy's ``gtin_type`` option (render a GTIN-8/
  12/13): our API always renders GTIN-14, so they are not applicable.
* SGLN extension ``0`` means "no extension" (TDS, STANDARDS.md section 6): the epcpy row expecting
  ``(254)0`` is skipped.
* ITIP URNs with piece number ``00`` or a piece above the total: TDS syntax allows them, but the syntax
  dictionary's ``pieceoftotal`` check (gs1-syntax-engine, preferred by SOURCE.md) rejects the AI (8006)
  value; we apply it, so those epcpy/openepcis rows are skipped.
* epcpy row 1158 feeds a GSRNP URN to epcpy's GSRN class and expects a rejection; the same URN is
  VALID in row 1184, so the row says nothing about the URN itself: skipped.
* digital-link.js ``gs1_check_digit`` rows with 18 digits are GRAI values (check digit at position 14,
  serial after), not keys that end in their check digit: skipped (GRAI check digits are covered by
  the ``dl_validity_grammar_v1.x`` rows).
* Reject rows for URNs run through ``normalize_epc``/``normalize_epc_class`` when the text starts
  with ``urn:epc:``, otherwise through ``parse`` (``normalize_epc`` passes foreign URIs through).
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers import is_valid_check_digit, normalize_epc, normalize_epc_class, parse
from cradletrace.identifiers.digital_link import check_qualifier_order, from_ai_pairs, parse_digital_link
from cradletrace.identifiers.element_string import parse_bracketed, parse_fnc1, to_fnc1
from cradletrace.identifiers.epc_urn import is_epc_urn
from cradletrace.identifiers.escaping import escape_path, escape_query, unescape_path, unescape_query

CONFORMANCE = Path(os.environ["CRADLETRACE_CONFORMANCE_DIR"])  # set by conftest (rows are read at collection)
VECTORS = CONFORMANCE / "digital-link" / "vectors.csv"


@dataclass(frozen=True)
class Row:
    number: int
    input: str
    expected: str
    kind: str
    note: str

    @property
    def source(self) -> str:
        return self.note[1:self.note.index("]")]

    @property
    def rejects(self) -> bool:
        return self.expected == "REJECT"

    def options(self) -> dict[str, bool]:
        needed = self.note.split("REQUIRES non-default option(s):", 1)[1] if "REQUIRES" in self.note else ""
        return {"zero_suppressed_gtin": "zero_suppressed_gtin" in needed,
                "convenience_alphas": "convenience_alphas" in needed}


def _rows() -> list[Row]:
    if not VECTORS.exists():
        return []
    with VECTORS.open(newline="", encoding="utf-8") as handle:
        return [Row(i, r["input"], r["expected"], r["kind"], r["note"])
                for i, r in enumerate(csv.DictReader(handle), 2)]


ROWS = _rows()

# ---------------------------------------------------------------------------------------------- skips

NOT_OURS = {
    "dl_compress": "compressed Digital Links are not supported (labels use the uncompressed canonical form)",
    "dl_decompress": "compressed Digital Links are not supported (labels use the uncompressed canonical form)",
    "cbv_to_bare": "CBV vocabulary belongs to cradletrace.identifiers.cbv",
    "cbv_to_urn": "CBV vocabulary belongs to cradletrace.identifiers.cbv",
    "cbv_to_weburi": "CBV vocabulary belongs to cradletrace.identifiers.cbv",
    "cbv_to_unspecified": "CBV vocabulary belongs to cradletrace.identifiers.cbv",
    "dl_shortname_to_numeric_ai": "openepcis short names (/cpi/, ...) are not GS1 convenience alphas; deprecated",
    "urn_to_bracketed_ai_reject": "epcpy gtin_type option (GTIN-8/12/13 rendering) is not part of our API",
}
GRAMMAR_RULE = "single ABNF rules of digital-link.js's grammar are internals, not an API"


def skip_reason(row: Row) -> str | None:
    if row.kind in NOT_OURS:
        return NOT_OURS[row.kind]
    if row.kind.startswith("dl_grammar_rule:"):
        return GRAMMAR_RULE
    if "NEEDS GS1 GCP-length" in row.note:
        return "needs GS1's GCP-length prefix table (gcpprefixformatlist), which we do not ship"
    if "unknown_ais" in row.note:
        return "needs the engine's unknown_ais option: we always reject unknown AIs"
    if row.input == "https://dlnkd.tn.gg/ARHKVAdpQg":
        return "compressed Digital Link: compression is not supported"
    if row.input == "https://example.com/01/01234565/":
        return "trailing slash: we follow gs1-syntax-engine, which rejects it (sources conflict)"
    if row.input.startswith("https://example.com/giai/08012341"):
        return "digital-link.js rejects this GIAI; the syntax dictionary (X..30 with GCP) accepts it"
    if row.input == "https://id.gs1.org/8010/123457-57578":
        return "expected URN has a company prefix with a hyphen, which TDS forbids"
    if row.kind == "gs1_check_digit" and len(row.input) == 18:
        return ("an 18-digit GRAI value (check digit at position 14, serial after), not a key ending in its check "
                "digit; GRAI check digits are covered by the dl_validity rows")
    if _itip_piece_conflict(row.input):
        return "ITIP piece/total fails the syntax dictionary's pieceoftotal check (gs1-syntax-engine), which we apply"
    if row.input == "urn:epc:id:sgln:0614141.12345.0" and row.kind == "urn_to_bracketed_ai":
        return "epcpy quirk: SGLN extension 0 means 'none' (TDS), so no (254)0 is emitted"
    if row.number == 1158:
        return "epcpy feeds a GSRNP URN to its GSRN class; the same URN is VALID (urn_syntax row 1184)"
    return None


def _itip_piece_conflict(value: str) -> bool:
    """An ITIP URN whose piece number is 0 or exceeds the total (TDS allows it, the syntax dictionary does not)."""
    m = re.fullmatch(r"urn:epc:id(?:pat)?:itip:[^.]*\.[^.]*\.([0-9]{2})\.([0-9]{2})\..*", value)
    return bool(m) and (m.group(1) == "00" or int(m.group(1)) > int(m.group(2)))


# ---------------------------------------------------------------------------------------------- runners

def _rejected(action: Callable[[], object]) -> bool:
    try:
        action()
    except InvalidIdentifier:
        return True
    return False


def _check(row: Row, action: Callable[[], object]) -> None:
    if row.rejects:
        assert _rejected(action), f"expected {row.input!r} to be rejected"
    elif row.expected == "VALID":
        action()
    else:
        assert action() == row.expected


def _strict_link(row: Row) -> Callable[[], object]:
    options = row.options() if row.source == "gs1-syntax-engine" else {
        "zero_suppressed_gtin": True, "convenience_alphas": True}
    return lambda: parse_digital_link(row.input, **options)


def run_dl(row: Row) -> None:
    link = _strict_link(row)
    if row.kind == "dl_reject":
        assert _rejected(link), f"expected {row.input!r} to be rejected"
        return

    def element_string() -> str:
        parsed = link()
        return to_fnc1((*parsed.path, *parsed.attributes))  # type: ignore[attr-defined]
    _check(row, element_string)


def _stem(note: str) -> str:
    m = re.search(r"stem=(https?://\S*?)\.(?:\s|$)", note)
    return m.group(1) if m else "https://id.gs1.org"


def run_element_string_to_dl(row: Row) -> None:
    _check(row, lambda: from_ai_pairs(parse_bracketed(row.input), stem=_stem(row.note)))


def _query_set(uri: str) -> tuple[str, frozenset[tuple[str, str]]]:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", frozenset(parse_qsl(parts.query))


def run_canonical(row: Row) -> None:
    assert _query_set(parse(row.input).canonical_uri) == _query_set(row.expected)


def run_lenient_validity(row: Row) -> None:
    _check(row, lambda: parse(row.input))


def run_urn_to_dl(row: Row) -> None:
    class_level = row.kind.startswith("urn_class")
    normalize = normalize_epc_class if class_level else normalize_epc
    if row.rejects:
        assert _rejected(lambda: normalize(row.input) if is_epc_urn(row.input) else parse(row.input))
        return
    assert normalize(row.input) == row.expected
    assert parse(row.input).key_uri == row.expected


_GCP_OFFSET = {"01": 1, "00": 1, "8006": 1, "8003": 1}


def _prefixes(row: Row) -> list[str]:
    length = int(re.search(r"gcpLength=(\d+)", row.note).group(1))  # type: ignore[union-attr]
    try:
        identifier = parse(row.input)
    except InvalidIdentifier:
        return []
    offset = _GCP_OFFSET.get(identifier.primary_ai, 0)
    prefix = identifier.primary_value[offset:offset + length]
    return [prefix] if len(prefix) == length else []


def run_dl_to_urn(row: Row) -> None:
    _check(row, lambda: parse(row.input).to_epc_urn(_prefixes(row)))


def run_urn_syntax(row: Row) -> None:
    _check(row, lambda: normalize_epc(row.input) if is_epc_urn(row.input) else parse(row.input))


def run_urn_to_bracketed(row: Row) -> None:
    assert parse(row.input).element_string == row.expected


def run_element_string_validate(row: Row) -> None:
    _check(row, lambda: parse_fnc1(row.input))


def run_bracketed(row: Row) -> None:
    if row.kind == "bracketed_ai_to_element_string":
        assert to_fnc1(parse_bracketed(row.input)) == row.expected
    else:
        _check(row, lambda: parse_bracketed(row.input))


ESCAPERS = {"uri_escape_path": escape_path, "uri_escape_query": escape_query,
            "uri_unescape_path": unescape_path, "uri_unescape_query": unescape_query}


def run_escape(row: Row) -> None:
    assert ESCAPERS[row.kind](row.input) == row.expected


RUNNERS: dict[str, Callable[[Row], None]] = {
    "dl_reject": run_dl,
    "dl_to_element_string": run_dl,
    "element_string_to_dl": run_element_string_to_dl,
    "element_string_to_dl_reject": run_element_string_to_dl,
    "dl_path_ai_sequence": lambda row: check_qualifier_order(row.input.split("/")),
    "dl_to_canonical_dl": run_canonical,
    "dl_to_bracketed_ai": lambda row: _check(row, lambda: parse(row.input).element_string),
    "dl_check_digit": run_lenient_validity,
    "dl_validity_grammar_v1.x": run_lenient_validity,
    "gs1_check_digit": lambda row: assert_equal(is_valid_check_digit(row.input), not row.rejects),
    "urn_to_dl": run_urn_to_dl,
    "urn_to_dl_reject": run_urn_to_dl,
    "urn_class_to_dl": run_urn_to_dl,
    "urn_class_to_dl_reject": run_urn_to_dl,
    "dl_to_urn": run_dl_to_urn,
    "dl_to_urn_reject": run_dl_to_urn,
    "dl_to_urn_class": run_dl_to_urn,
    "dl_to_urn_class_reject": run_dl_to_urn,
    "urn_syntax": run_urn_syntax,
    "urn_reject": run_urn_syntax,
    "urn_to_bracketed_ai": run_urn_to_bracketed,
    "element_string_validate": run_element_string_validate,
    "bracketed_ai_to_element_string": run_bracketed,
    "bracketed_ai_reject": run_bracketed,
    "bracketed_ai_lint": run_bracketed,
    **{kind: run_escape for kind in ESCAPERS},
}


def assert_equal(actual: object, expected: object) -> None:
    assert actual == expected, f"got {actual!r}, expected {expected!r}"


def _outcome(row: Row) -> tuple[str, str]:
    """('skipped', reason) | ('passed', '') | ('failed', message)."""
    reason = skip_reason(row) or (None if row.kind in RUNNERS else f"kind {row.kind!r} is not ours")
    if reason:
        return "skipped", reason
    try:
        RUNNERS[row.kind](row)
    except (AssertionError, InvalidIdentifier) as error:
        return "failed", f"{type(error).__name__}: {error}"
    return "passed", ""


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.kind}-{r.number}" for r in ROWS])
def test_vector(row: Row) -> None:
    status, detail = _outcome(row)
    if status == "skipped":
        pytest.skip(detail)
    assert status == "passed", f"{row.input!r} -> expected {row.expected!r}: {detail}"


def test_vector_summary(capsys: pytest.CaptureFixture[str], conformance: Path) -> None:
    assert ROWS, f"no conformance vectors at {VECTORS}"  # the conformance fixture fails first if the folder is missing
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    failures = []
    for row in ROWS:
        status, detail = _outcome(row)
        counts[row.kind][status] += 1
        if status == "skipped":
            reasons[row.kind][detail] += 1
        elif status == "failed":
            failures.append(f"{row.kind}-{row.number} {row.input!r}: {detail}")
    with capsys.disabled():
        print("\nDigital Link / EPC vectors: kind, applicable, passed, skipped (reason)")
        for kind in sorted(counts):
            c = counts[kind]
            why = "; ".join(f"{n}x {r}" for r, n in reasons[kind].items())
            print(f"  {kind:34} {c['passed'] + c['failed']:4} {c['passed']:4} {c['skipped']:4}  {why}")
        total = sum(counts.values(), Counter())
        print(f"  {'TOTAL':34} {total['passed'] + total['failed']:4} {total['passed']:4} {total['skipped']:4}")
    assert not failures, f"{len(failures)} applicable rows failed:\n" + "\n".join(failures[:40])
