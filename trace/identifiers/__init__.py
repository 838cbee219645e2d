"""GS1 identifiers: parsing every input form into one typed value with a canonical Digital Link.

Public API
----------
parse, GS1Identifier
    Any Digital Link, element string, EPC URN or GTIN to one typed value.
canonical
    ``parse(text).key_uri``: the canonical Digital Link of the key, without query.
normalize_epc, normalize_epc_class
    Fast EPCIS normalisation of instance and class identifiers; other URIs unchanged.
node_kind
    The lineage-graph kind of a canonical identifier.
sgtin_uri, lgtin_uri, sscc_uri, location_uri, party_uri, key_uri, gtin14
    Build the canonical Digital Link of a key from its parts, checking every value (check digits,
    lengths, character sets) and the qualifier order.
key_pairs, read_key_uri
    Read a canonical key URI back into its (AI, value) pairs or a GS1Identifier, fast.
to_epc_urn
    The EPC URN for configured company prefixes, or ``None``.
check_digit, is_valid_check_digit
    GS1 mod-10 check digits.

The modules: :mod:`~cradletrace.identifiers.ai_table` (the AI table from the GS1 syntax
dictionary), :mod:`~cradletrace.identifiers.ai_values` and
:mod:`~cradletrace.identifiers.linters` (value checks),
:mod:`~cradletrace.identifiers.digital_link`, :mod:`~cradletrace.identifiers.element_string`,
:mod:`~cradletrace.identifiers.epc_urn`, :mod:`~cradletrace.identifiers.escaping`,
:mod:`~cradletrace.identifiers.model`, :mod:`~cradletrace.identifiers.parsing`,
:mod:`~cradletrace.identifiers.normalize` and :mod:`~cradletrace.identifiers.keys` (building and
reading canonical key URIs). Vocabularies: :mod:`~cradletrace.identifiers.cbv` (CBV 2.0) and
:mod:`~cradletrace.identifiers.own_vocabulary` (cradletrace's terms where CBV has none).

Examples
--------
>>> from cradletrace.identifiers import normalize_epc, node_kind
>>> node_kind(normalize_epc("urn:epc:id:sgtin:9506000.013435.4711"))
'unit'
"""

from cradletrace.identifiers.checkdigit import check_digit, is_valid_check_digit
from cradletrace.identifiers.keys import (
    gtin14,
    key_pairs,
    key_uri,
    lgtin_uri,
    location_uri,
    party_uri,
    read_key_uri,
    sgtin_uri,
    sscc_uri,
)
from cradletrace.identifiers.model import GS1Identifier
from cradletrace.identifiers.normalize import canonical, node_kind, normalize_epc, normalize_epc_class, to_epc_urn
from cradletrace.identifiers.parsing import parse

__all__ = [
    "GS1Identifier",
    "canonical",
    "check_digit",
    "gtin14",
    "is_valid_check_digit",
    "key_pairs",
    "key_uri",
    "lgtin_uri",
    "location_uri",
    "node_kind",
    "normalize_epc",
    "normalize_epc_class",
    "parse",
    "party_uri",
    "read_key_uri",
    "sgtin_uri",
    "sscc_uri",
    "to_epc_urn",
]
