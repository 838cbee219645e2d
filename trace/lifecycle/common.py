"""Helpers shared by the lifecycle services: identifiers in canonical form, times, and the capture call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.log.capture import CaptureReport, capture_events
from cradletrace.errors import InvalidInput
from cradletrace.identifiers import canonical, normalize_epc, normalize_epc_class
# The identifier builders are cradletrace.identifiers' (they check every value); cradletrace.lifecycle
# exports them under the names the services use.
from cradletrace.identifiers import (  # noqa: F401
    lgtin_uri as lgtin,
    location_uri as location,
    party_uri as party,
    sgtin_uri as sgtin,
    sscc_uri as sscc,
)
from cradletrace.lifecycle.events import object_event
from cradletrace.settings import load_settings


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


def party_identifier(value: str) -> str:
    """A party given by its GLN (13 digits, which alone would read as a GTIN-13), Digital Link or URI, canonical.

    Examples
    --------
    >>> party_identifier("9520999999990")
    'https://id.gs1.org/417/9520999999990'
    >>> party_identifier("https://id.gs1.org/417/9520999999990")
    'https://id.gs1.org/417/9520999999990'
    """
    text = value.strip()
    if len(text) == 13 and text.isdigit():
        return party(text)
    return instance_id(text)


def our_party(seller: str | None = None) -> str | None:
    """Our own party in canonical form: ``seller`` (GLN, Digital Link or URI), else the deployment's seller
    (``CRADLETRACE_SELLER``); ``None`` when neither names one.

    What a recall counts as at our sites or at customers turns on it (:func:`cradletrace.lineage.recall_counts`).

    Examples
    --------
    >>> our_party("9520999999990")
    'https://id.gs1.org/417/9520999999990'
    """
    value = seller if seller is not None else load_settings().seller
    return party_identifier(value) if value else None


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
