"""``GS1-EPC-Format``: events as stored (canonical GS1 Digital Link URIs) or with EPC URNs where they can be rendered.

Identifiers are stored as canonical Digital Link URIs. An EPC URN needs the length of the GS1
company prefix, which only the configured prefixes (``CRADLETRACE_COMPANY_PREFIXES``) give; an
identifier whose prefix is not configured, or that is not a GS1 key, stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cradletrace.errors import InvalidIdentifier, InvalidInput
from cradletrace.identifiers import to_epc_urn

FORMATS = ("No_Preference", "Always_GS1_Digital_Link", "Always_EPC_URN", "Never_Translates")
_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITIES = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_PLACES = ("readPoint", "bizLocation")
_PARTIES = (("sourceList", "source"), ("destinationList", "destination"))


def epc_format(value: str | None) -> str:
    """The ``GS1-EPC-Format`` asked for (``No_Preference`` when not given).

    Examples
    --------
    >>> epc_format(None), epc_format("Always_EPC_URN")
    ('No_Preference', 'Always_EPC_URN')
    >>> epc_format("urn")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: GS1-EPC-Format: 'urn' is not one of No_Preference, Always_GS1_Digital_Link, Always_EPC_URN, Never_Translates
    """
    if value is None or not value.strip():
        return "No_Preference"
    if value.strip() not in FORMATS:
        raise InvalidInput(f"{value!r} is not one of {', '.join(FORMATS)}", where="GS1-EPC-Format")
    return value.strip()


def wants_urns(fmt: str) -> bool:
    """Whether events are rendered with EPC URNs: only when asked (Digital Link is the default)."""
    return fmt == "Always_EPC_URN"


def with_epc_urns(event: Mapping[str, Any], prefixes: Iterable[str]) -> dict[str, Any]:
    """A copy of a canonical event with EPC URNs for the identifiers whose company prefix is in ``prefixes``.

    Examples
    --------
    >>> with_epc_urns({"epcList": ["https://id.gs1.org/01/09506000134352/21/1", "urn:x:other"],
    ...                "readPoint": {"id": "https://id.gs1.org/414/4012345000016"}}, ["9506000", "4012345"])
    {'epcList': ['urn:epc:id:sgtin:9506000.013435.1', 'urn:x:other'], 'readPoint': {'id': 'urn:epc:id:sgln:4012345.00001.0'}}
    """
    prefixes = tuple(prefixes)
    out = dict(event)
    if not prefixes:
        return out

    def urn(value: Any) -> Any:
        if not isinstance(value, str) or not value.startswith("https://id.gs1.org/"):
            return value
        try:
            return to_epc_urn(value, prefixes) or value
        except InvalidIdentifier:
            return value  # a key with no EPC URN form

    for name in _LISTS:
        if isinstance(out.get(name), list):
            out[name] = [urn(v) for v in out[name]]
    if "parentID" in out:
        out["parentID"] = urn(out["parentID"])
    for name in _QUANTITIES:
        if isinstance(out.get(name), list):
            out[name] = [{**q, "epcClass": urn(q.get("epcClass"))} if isinstance(q, dict) else q for q in out[name]]
    for name in _PLACES:
        if isinstance(out.get(name), dict) and "id" in out[name]:
            out[name] = {**out[name], "id": urn(out[name]["id"])}
    for name, key in _PARTIES:
        if isinstance(out.get(name), list):
            out[name] = [{**p, key: urn(p.get(key))} if isinstance(p, dict) and key in p else p for p in out[name]]
    return out
