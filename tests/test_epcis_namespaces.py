"""cradletrace.epcis.namespaces: Clark keys, CURIEs, contexts and prefix allocation."""

from __future__ import annotations

from cradletrace.epcis.namespaces import (
    STANDARD_PREFIXES,
    PrefixAllocator,
    context_prefixes,
    iri_to_clark,
    key_to_clark,
    split_clark,
)


def test_curie_of_a_declared_prefix_keeps_the_namespace_exactly() -> None:
    # XML namespaces need not end in a separator; the Clark key must keep it whole.
    assert key_to_clark("cbvmda:lotNumber", {"cbvmda": "urn:epcglobal:cbv:mda"}) == "{urn:epcglobal:cbv:mda}lotNumber"
    assert key_to_clark("https://ex.com/voc#a", {}) == "{https://ex.com/voc#}a"
    assert key_to_clark("unknown:a", {}) == "{unknown:}a"


def test_terms_and_vocab_from_the_context() -> None:
    prefixes = context_prefixes([{"ex": "https://ex.com/", "size": "ex:size", "@vocab": "https://v.com/"}])
    assert key_to_clark("size", prefixes) == "{https://ex.com/}size"
    assert key_to_clark("colour", prefixes) == "{https://v.com/}colour"


def test_split_and_iri() -> None:
    assert split_clark("{a:b/}c") == ("a:b/", "c")
    assert iri_to_clark("https://ex.com/") == "{https://ex.com/}"


def test_allocator_prefers_given_prefixes_and_never_reuses_one() -> None:
    alloc = PrefixAllocator({"ext1": "urn:taken:", "gs1": "urn:not-gs1:", "bad prefix": "urn:x:"})
    assert alloc.prefix_for("urn:taken:") == "ext1"
    assert alloc.prefix_for("urn:new:") == "ext2"
    assert alloc.prefix_for(STANDARD_PREFIXES["cbv"]) == "cbv"
    assert alloc.extension_prefixes() == {"ext1": "urn:taken:", "ext2": "urn:new:"}
