"""cradletrace's own vocabulary: its namespace, and the terms it needs where CBV 2.0 has none.

CBV 2.0 (:mod:`cradletrace.identifiers.cbv`) names no business step for
refurbishing, recycling or disposing, and no fields for mass, energy or recycled
content. EPCIS allows any URI where CBV has no term, so cradletrace defines its own
under :data:`CT_NS`: the business steps below, and extension fields and ILMD keys in
Clark notation (``{https://ns.cradletrace.org/voc/}massKg``, built by :func:`ct`).
Lifecycle services write them and findings read them; both import them from here.

Examples
--------
>>> RECYCLING
'https://ns.cradletrace.org/voc/BizStep-recycling'
>>> ct("massKg")
'{https://ns.cradletrace.org/voc/}massKg'
"""

from __future__ import annotations

import re

from cradletrace.errors import InvalidInput

__all__ = ["CREDIT_NOTE", "CT_NS", "DISPOSING", "PAYMENT", "QUOTE", "RECYCLING", "REFURBISHING", "ct", "plain"]

CT_NS = "https://ns.cradletrace.org/voc/"
"""Namespace of cradletrace's own extension fields, ILMD keys and vocabulary."""

REFURBISHING = CT_NS + "BizStep-refurbishing"
"""bizStep of a refurbishment (CBV 2.0 has none); METRICS module B5."""
RECYCLING = CT_NS + "BizStep-recycling"
"""bizStep of recycling material lots into a recovered-material lot (CBV 2.0 has none)."""
DISPOSING = CT_NS + "BizStep-disposing"
"""bizStep of disposal (landfill, incineration); the disposition is CBV ``disposed``."""

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def ct(name: str) -> str:
    """The Clark key of a cradletrace extension field or ILMD entry.

    Examples
    --------
    >>> ct("massKg")
    '{https://ns.cradletrace.org/voc/}massKg'
    >>> ct("2x")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: extension name '2x' is not an XML name
    """
    if not _NCNAME.match(name):
        raise InvalidInput(f"extension name {name!r} is not an XML name")
    return "{" + CT_NS + "}" + name


# Business transaction types for the commercial documents CBV 2.0 has no type for (CBV has po,
# desadv, inv, rma, ...): written as CBV-style URIs in cradletrace's namespace.
QUOTE = CT_NS + "BTT-quote"
"""bizTransaction type of a sales quote."""
PAYMENT = CT_NS + "BTT-payment"
"""bizTransaction type of a customer payment."""
CREDIT_NOTE = CT_NS + "BTT-creditnote"
"""bizTransaction type of a credit note."""

_PREFIX = "{" + CT_NS + "}"


def plain(value: object) -> object:
    """ILMD or extension values with the cradletrace namespace taken off their keys, nested ones too.

    Examples
    --------
    >>> plain({"{https://ns.cradletrace.org/voc/}material": "copper", "other": [{"{x}y": 1}]})
    {'material': 'copper', 'other': [{'{x}y': 1}]}
    """
    if isinstance(value, dict):
        return {(k[len(_PREFIX):] if k.startswith(_PREFIX) else k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
