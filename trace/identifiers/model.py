"""The parsed identifier: :class:`GS1Identifier`, one typed value whatever form it was read from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cradletrace.identifiers.ai_table import lookup
from cradletrace.identifiers.digital_link import CANONICAL_HOST, build_digital_link
from cradletrace.identifiers.element_string import to_bracketed, to_fnc1
from cradletrace.identifiers.epc_urn import ai_pairs_to_urn

_KEY_KINDS = {
    "00": "sscc", "414": "sgln", "417": "pgln", "8003": "grai", "8004": "giai", "253": "gdti",
    "8018": "gsrn", "8017": "gsrnp", "8010": "cpi", "255": "sgcn", "401": "ginc", "402": "gsin",
    "8006": "itip", "8013": "gmn",
}


def kind_of(primary_ai: str, qualifier_ais: Iterable[str]) -> str:
    """The identifier kind for a primary key AI and the qualifier AIs present.

    Examples
    --------
    >>> kind_of("01", ["10", "21"]), kind_of("01", ["10"]), kind_of("01", []), kind_of("01", ["235"])
    ('sgtin', 'lgtin', 'gtin', 'upui')
    >>> kind_of("414", ["254"]), kind_of("415", [])
    ('sgln', 'other-key')
    """
    qualifiers = set(qualifier_ais)
    if primary_ai == "01":
        if "21" in qualifiers:
            return "sgtin"
        if "235" in qualifiers:
            return "upui"
        return "lgtin" if "10" in qualifiers else "gtin"
    return _KEY_KINDS.get(primary_ai, "other-key")


@dataclass(frozen=True, slots=True)
class GS1Identifier:
    """A GS1 key with its qualifiers and data attributes, parsed from any form.

    Attributes
    ----------
    kind : str
        ``'sgtin'``, ``'lgtin'``, ``'gtin'``, ``'upui'``, ``'sscc'``, ``'sgln'``, ``'pgln'``,
        ``'grai'``, ``'giai'``, ``'gdti'``, ``'gsrn'``, ``'gsrnp'``, ``'cpi'``, ``'sgcn'``,
        ``'ginc'``, ``'gsin'``, ``'itip'``, ``'gmn'`` or ``'other-key'`` (for example 415).
    primary_ai, primary_value : str
        The primary key, e.g. ``'01'`` and the 14-digit GTIN.
    qualifiers : tuple of (str, str)
        Key qualifiers in Digital Link order, e.g. ``(('10', 'L1'), ('21', '7'))``.
    attributes : tuple of (str, str)
        Data attributes (Digital Link query, or the other AIs of an element string), e.g. expiry ``17``.

    Examples
    --------
    >>> gid = GS1Identifier("sgtin", "01", "09506000134352", (("21", "4711"),), (("17", "261231"),))
    >>> str(gid)
    'https://id.gs1.org/01/09506000134352/21/4711?17=261231'
    >>> gid.key_uri, gid.serial, gid.lot
    ('https://id.gs1.org/01/09506000134352/21/4711', '4711', None)
    >>> gid.element_string, gid.fnc1_element_string
    ('(01)09506000134352(21)4711(17)261231', '^0109506000134352214711^17261231')
    """

    kind: str
    primary_ai: str
    primary_value: str
    qualifiers: tuple[tuple[str, str], ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> tuple[tuple[str, str], ...]:
        """The primary key and its qualifiers, as (AI, value) pairs."""
        return ((self.primary_ai, self.primary_value), *self.qualifiers)

    def value_of(self, ai: str) -> str | None:
        """The value of ``ai`` among key, qualifiers and attributes, or ``None``.

        Examples
        --------
        >>> GS1Identifier("lgtin", "01", "09506000134352", (("10", "L1"),)).value_of("10")
        'L1'
        """
        for pair_ai, value in (*self.path, *self.attributes):
            if pair_ai == ai:
                return value
        return None

    @property
    def gtin(self) -> str | None:
        """The 14-digit GTIN (AI 01, or the GTIN inside an ITIP), if any."""
        if self.primary_ai == "8006":
            return self.primary_value[:14]
        return self.value_of("01")

    @property
    def serial(self) -> str | None:
        """The serial number (AI 21), if any."""
        return self.value_of("21")

    @property
    def lot(self) -> str | None:
        """The batch or lot number (AI 10), if any."""
        return self.value_of("10")

    @property
    def key_uri(self) -> str:
        """The canonical Digital Link of the key and its qualifiers, without a query (EPCIS / hash form)."""
        return build_digital_link(self.path, stem=CANONICAL_HOST)

    @property
    def canonical_uri(self) -> str:
        """The canonical Digital Link: ``https://id.gs1.org``, numeric AIs, data attributes sorted by AI."""
        attributes = sorted(self.attributes, key=lambda pair: (len(pair[0]), pair[0]))
        return build_digital_link(self.path, attributes, stem=CANONICAL_HOST)

    @property
    def element_string(self) -> str:
        """Bracketed element string: key, qualifiers, then attributes, e.g. ``(01)...(21)...``."""
        return to_bracketed((*self.path, *self.attributes))

    @property
    def fnc1_element_string(self) -> str:
        """Barcode data with ``^`` for FNC1, e.g. ``^01...21...``."""
        return to_fnc1((*self.path, *self.attributes))

    @property
    def title(self) -> str:
        """The syntax dictionary's name of the primary key, e.g. ``'GTIN'``."""
        return lookup(self.primary_ai).title

    def to_epc_urn(self, company_prefixes: Iterable[str]) -> str:
        """The EPC URN, splitting the key with the longest matching configured company prefix.

        A GTIN without serial gives ``urn:epc:idpat:sgtin:...*``; with a lot,
        ``urn:epc:class:lgtin:...``.

        Raises
        ------
        InvalidIdentifier
            If no prefix matches the key, or the key has no EPC URN form.

        Examples
        --------
        >>> GS1Identifier("sgtin", "01", "09506000134352", (("21", "4711"),)).to_epc_urn(["9506000"])
        'urn:epc:id:sgtin:9506000.013435.4711'
        >>> GS1Identifier("sgtin", "01", "09506000134352", (("21", "4711"),)).to_epc_urn(["4012345"])
        Traceback (most recent call last):
        ...
        cradletrace.errors.InvalidIdentifier: EPC URN: no configured GS1 Company Prefix matches 09506000134352: \
cannot build its EPC URN
        """
        return ai_pairs_to_urn(self.path, company_prefixes, class_level=True)

    def __str__(self) -> str:
        return self.canonical_uri
