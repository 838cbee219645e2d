"""CBV 2.0 vocabulary: term lists, conversions, errors, and the ``cbv_to_*`` conformance vectors.

The vectors are the ``cbv_to_bare``, ``cbv_to_urn``, ``cbv_to_weburi`` and ``cbv_to_unspecified``
rows of ``digital-link/vectors.csv`` (pulled from the openepcis translator's tests). Their
``note`` column names the EPCIS field (``field=bizStep``) when the input is a bare word; the
other rows carry their kind in the spelling. The translator converts by pattern, so it also
converts words that are not CBV 2.0 terms (``processing_party``, error reason ``other``);
those rows are skipped with that reason, and a separate test checks that we reject them.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from cradletrace.identifiers import cbv as voc
from cradletrace.errors import InvalidInput

CONFORMANCE = Path(os.environ["CRADLETRACE_CONFORMANCE_DIR"])  # set by conftest (rows are read at collection)
VECTORS = CONFORMANCE / "digital-link" / "vectors.csv"
CBV_KINDS = ("cbv_to_bare", "cbv_to_urn", "cbv_to_weburi", "cbv_to_unspecified")

# The field names in the notes, case-folded, to our kinds; "None" means the translator got no field.
FIELD_KINDS = {
    "bizstep": "bizStep", "disposition": "disposition",
    "biztransaction": "bizTransaction", "biztransactionlist": "bizTransactionList",
    "source": "source", "sourcelist": "sourceList", "destination": "destination",
    "destinationlist": "destinationList", "errordeclaration": "errorDeclaration", "reason": "reason",
    "none": None,
}
_FIELD = re.compile(r"field=(\w+)")
# A CBV spelling, parsed independently of the module under test: (form word, term).
_SPELLING = re.compile(r"(?:urn:epcglobal:cbv:(bizstep|disp|btt|sdt|er):"
                       r"|https://ref\.gs1\.org/cbv/(BizStep|Disp|BTT|SDT|ER)-"
                       r"|cbv:(BizStep|Disp|BTT|SDT|ER)-)(\w+)")
_FORM_KIND = {"bizstep": "bizStep", "disp": "disposition", "btt": "bizTransactionType",
              "sdt": "sourceDestType", "er": "errorReason"}
_NON_CBV20_BARE = {("sourceDestType", "processing_party"), ("errorReason", "other")}


def _rows() -> list[dict[str, str]]:
    if not VECTORS.is_file():
        return []
    with VECTORS.open(newline="", encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["kind"] in CBV_KINDS]


ROWS = _rows()


def _kind(row: dict[str, str]) -> str | None:
    m = _FIELD.search(row["note"])
    return FIELD_KINDS[m.group(1).lower()] if m else None


def _skip_reason(row: dict[str, str]) -> str | None:
    """Why a row is not applicable to a strict CBV 2.0 implementation, or None."""
    kind = _kind(row)
    for value in (row["input"], row["expected"]):
        m = _SPELLING.fullmatch(value.strip())
        if m:
            form = (m.group(1) or m.group(2) or m.group(3)).lower()
            form_kind = _FORM_KIND[form]
            if m.group(4) not in voc.TERMS[form_kind]:
                return f"{m.group(4)!r} is not a CBV 2.0 {form_kind} (the translator converts any word)"
        elif kind is not None and (voc.canonical_kind(kind), value) in _NON_CBV20_BARE:
            return f"{value!r} is not a CBV 2.0 {voc.canonical_kind(kind)} (the translator converts any word)"
    return None


def _convert(row: dict[str, str]) -> str:
    kind = _kind(row)
    if row["kind"] == "cbv_to_bare":
        return voc.to_bare(row["input"], kind)
    if row["kind"] == "cbv_to_urn":
        return voc.to_urn(row["input"], kind)
    if row["kind"] == "cbv_to_weburi":
        return voc.to_web_uri(row["input"], kind)
    # cbv_to_unspecified: the translator's "no target form", used only on non-CBV values, which
    # every conversion must return unchanged.
    results = {voc.to_bare(row["input"], kind), voc.to_urn(row["input"], kind), voc.to_web_uri(row["input"], kind)}
    assert len(results) == 1, results
    return results.pop()


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['kind']}:{r['input']!r}:{_kind(r)}" for r in ROWS])
def test_cbv_vector(row: dict[str, str]) -> None:
    reason = _skip_reason(row)
    if reason:
        pytest.skip(reason)
    assert _convert(row) == row["expected"], row["note"]


def test_cbv_vector_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """All applicable rows pass; reports the tally (run with -s to see it)."""
    if not ROWS:
        pytest.fail(f"no cbv_to_* rows found in {VECTORS} (set CRADLETRACE_CONFORMANCE_DIR)")
    tally: Counter[str] = Counter()
    failures = []
    for row in ROWS:
        if _skip_reason(row):
            tally["skipped"] += 1
        elif _convert(row) == row["expected"]:
            tally["passed"] += 1
        else:
            failures.append(row)
    with capsys.disabled():
        print(f"\ncbv_to_* vectors: {len(ROWS)} rows, {tally['passed']} passed, "
              f"{tally['skipped']} skipped (not CBV 2.0 terms), {len(failures)} failed")
    assert not failures
    assert tally["passed"] >= 150  # guards against a vector file that silently lost rows


@pytest.mark.parametrize("row", [r for r in ROWS if _skip_reason(r)], ids=lambda r: f"{r['kind']}:{r['input']!r}")
def test_non_cbv20_terms_are_not_converted(row: dict[str, str]) -> None:
    """Where the translator invents a term, we reject its CBV spelling and pass a bare word through."""
    if _SPELLING.fullmatch(row["input"]):
        with pytest.raises(InvalidInput, match="is not a CBV 2.0"):
            _convert(row)
    else:
        assert _convert(row) == row["input"]


def test_term_counts() -> None:
    assert (len(voc.BIZ_STEPS), len(voc.DISPOSITIONS), len(voc.BIZ_TRANSACTION_TYPES),
            len(voc.SOURCE_DEST_TYPES), len(voc.ERROR_REASONS)) == (41, 33, 13, 3, 2)
    assert "recycling" not in voc.BIZ_STEPS
    assert set(voc.KINDS) == set(voc.TERMS)


@pytest.mark.parametrize("kind", voc.KINDS)
def test_every_term_round_trips(kind: str) -> None:
    for term in voc.TERMS[kind]:
        urn, web = voc.to_urn(term, kind), voc.to_web_uri(term, kind)
        curie = "cbv:" + web.rsplit("/", 1)[1]
        for spelling in (term, urn, web, curie, f"  {urn}\n"):
            assert voc.to_bare(spelling, kind) == term
            assert voc.to_urn(spelling, kind) == urn
            assert voc.to_web_uri(spelling, kind) == web
            assert voc.is_cbv(spelling, kind)
        assert voc.to_bare(urn, None) == term  # the kind is in the spelling


@pytest.mark.parametrize(("value", "kind", "term", "named_kind"), [
    ("urn:epcglobal:cbv:bizstep:shiping", "bizStep", "shiping", "bizStep"),
    ("https://ref.gs1.org/cbv/Disp-in-transit", "disposition", "in-transit", "disposition"),
    ("cbv:BTT-order", "bizTransaction", "order", "bizTransactionType"),
    ("urn:epcglobal:cbv:sdt:carrier", None, "carrier", "sourceDestType"),
    ("https://ref.gs1.org/cbv/ER-other", "reason", "other", "errorReason"),
    ("urn:epcglobal:cbv:bizstep:", "bizStep", "", "bizStep"),
])
def test_unknown_term_in_cbv_spelling_raises(value: str, kind: str | None, term: str, named_kind: str) -> None:
    for convert in (voc.to_bare, voc.to_urn, voc.to_web_uri):
        with pytest.raises(InvalidInput) as info:
            convert(value, kind)
        assert repr(term) in info.value.message and named_kind in str(info.value)
    assert not voc.is_cbv(value, kind)


def test_value_of_another_kind_raises() -> None:
    with pytest.raises(InvalidInput, match="is a CBV disposition, not a bizStep"):
        voc.to_bare("urn:epcglobal:cbv:disp:active", "bizStep")
    with pytest.raises(InvalidInput, match="disposition form, not a bizStep"):
        voc.to_bare("urn:epcglobal:cbv:disp:nonsense", "bizStep")
    assert not voc.is_cbv("https://ref.gs1.org/cbv/Disp-active", "bizStep")
    # A bare word belongs to whichever kind asks: "active" is simply not a bizStep.
    assert voc.to_web_uri("active", "bizStep") == "active"


@pytest.mark.parametrize("value", [
    "", " ", "recycling", "https://example.com/voc/bizstep/recycling", "urn:epcglobal:cbv:bt:4012345000009:PO1",
    "cbv:shipping", "http://ref.gs1.org/cbv/BizStep-shipping", "urn:epcglobal:cbv:mda:site",
])
def test_non_cbv_values_pass_through(value: str) -> None:
    for kind in (*voc.KINDS, None):
        assert voc.to_bare(value, kind) == value
        assert voc.to_urn(value, kind) == value
        assert voc.to_web_uri(value, kind) == value
        assert not voc.is_cbv(value, kind)


def test_kind_aliases() -> None:
    for alias, kind in [("bizStep", "bizStep"), ("BizStep", "bizStep"), ("disp", "disposition"),
                        ("persistentDisposition", "disposition"), ("bizTransaction", "bizTransactionType"),
                        ("btt", "bizTransactionType"), ("destination", "sourceDestType"),
                        ("sourceList", "sourceDestType"), ("SDT", "sourceDestType"), ("reason", "errorReason"),
                        ("er", "errorReason")]:
        assert voc.canonical_kind(alias) == kind
    with pytest.raises(ValueError, match="unknown CBV vocabulary kind 'bizstepp'"):
        voc.to_bare("shipping", "bizstepp")
