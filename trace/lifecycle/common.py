"""Helpers shared by the lifecycle services: identifiers in canonical form, times, and the capture call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from cradletrace.log.capture import CaptureReport, capture_events
from cradletrace.errors import InvalidInput
from cradletrace.identifiers import canonical, normalize_epc, normalize_epc_class
from cradletrace.identifiers.checkdigit import check_digit
from cradletrace.lifecycle.events import object_event

DL = "https://id.gs1.org"


def sgtin(gtin: str, serial: str) -> str:
    """The canonical Digital Link of a serialized unit.

    Examples
    --------
    >>> sgtin("09506000134352", "A/1")
    'https://id.gs1.org/01/09506000134352/21/A%2F1'
    """
    return f"{DL}/01/{_gtin14(gtin)}/21/{quote(str(serial), safe='')}"


def lgtin(gtin: str, lot: str) -> str:
    """The canonical Digital Link of a lot (batch) of a trade item.

    Examples
    --------
    >>> lgtin("9506000134352", "CU-2025-01")
    'https://id.gs1.org/01/09506000134352/10/CU-2025-01'
    """
    return f"{DL}/01/{_gtin14(gtin)}/10/{quote(str(lot), safe='')}"


def sscc(extension_and_serial: str) -> str:
    """The canonical Digital Link of an SSCC from its first 17 digits (the check digit is added).

    Examples
    --------
    >>> sscc("09506000100000001")
    'https://id.gs1.org/00/095060001000000012'
    """
    digits = str(extension_and_serial)
    if len(digits) != 17 or not digits.isdigit():
        raise InvalidInput(f"an SSCC needs 17 digits before its check digit, got {digits!r}")
    return f"{DL}/00/{digits}{check_digit(digits)}"


def location(gln: str, extension: str | None = None) -> str:
    """The canonical Digital Link of a location (GLN, optional extension).

    Examples
    --------
    >>> location("9520123456788", "DOCK1")
    'https://id.gs1.org/414/9520123456788/254/DOCK1'
    """
    base = f"{DL}/414/{gln}"
    return f"{base}/254/{quote(extension, safe='')}" if extension and extension != "0" else base


def party(gln: str) -> str:
    """The canonical Digital Link of a party GLN.

    Examples
    --------
    >>> party("9520999999990")
    'https://id.gs1.org/417/9520999999990'
    """
    return f"{DL}/417/{gln}"


def _gtin14(gtin: str) -> str:
    gtin = str(gtin)
    if not gtin.isdigit() or len(gtin) > 14:
        raise InvalidInput(f"{gtin!r} is not a GTIN")
    return gtin.zfill(14)


def instance_id(value: str) -> str:
    """An instance-level identifier (unit, SSCC, location, party) in canonical form; other URIs unchanged.

    Examples
    --------
    >>> instance_id("(01)09506000134352(21)X1")
    'https://id.gs1.org/01/09506000134352/21/X1'
    >>> instance_id("urn:uuid:0b2b6f4e")
    'urn:uuid:0b2b6f4e'
    """
    return _bare_key(value, normalize_epc(value))


def class_id(value: str) -> str:
    """A class-level identifier (lot, GTIN) in canonical form.

    Examples
    --------
    >>> class_id("(01)09506000134352(10)L1")
    'https://id.gs1.org/01/09506000134352/10/L1'
    """
    return _bare_key(value, normalize_epc_class(value))


def _bare_key(value: str, normal: str) -> str:
    if normal == value and "://" not in value and not value.startswith("urn:"):
        return canonical(value)  # an element string or a bare key, not a URI
    return normal


def instance_ids(values: Iterable[str] | str) -> list[str]:
    """Canonical identifiers of one or many values, each once, in the given order."""
    if isinstance(values, str):
        values = [values]
    found = list(dict.fromkeys(instance_id(v) for v in values))
    if not found:
        raise InvalidInput("no identifiers given")
    return found


def optional_id(value: str | None) -> str | None:
    """A canonical place or party identifier, or ``None``."""
    return instance_id(value) if value else None


def submit(session: Session, events: Sequence[dict[str, Any]], name: str) -> CaptureReport:
    """Capture the service's events through the one capture path (validates, hashes, appends, projects)."""
    return capture_events(session, events, name=name)


def observe(session: Session, ids: Sequence[str], when: datetime, location: str | None, *, name: str,
            biz_step: str, disposition: str | None, **fields: Any) -> CaptureReport:
    """Capture one OBSERVE ObjectEvent of ``ids`` at ``location`` (its read point and business location).

    The shape most services share once their rules are checked; ``fields`` go to
    :func:`~cradletrace.lifecycle.events.object_event` (documents, extensions, source and destination).
    """
    place = optional_id(location)
    event = object_event("OBSERVE", ids, when=when, biz_step=biz_step, disposition=disposition, location=place,
                         read_point=place, **fields)
    return submit(session, [event], name=name)
