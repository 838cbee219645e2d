"""EPCIS 2.0 documents as partners send them: events written as a JSON-LD document and captured through
:func:`cradletrace.log.capture.capture_document`, the path ``cradletrace capture`` and ``POST /epcis/capture``
take. The partners' documents and the bulk production use it."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.epcis.jsonld_writer import write_jsonld
from cradletrace.identifiers.own_vocabulary import CT_NS
from cradletrace.log.capture import CaptureReport, capture_document
from cradletrace.timestamps import naive_utc, to_iso


def document_bytes(events: Iterable[Mapping[str, Any]], created: datetime) -> bytes:
    """An EPCISDocument in JSON-LD holding ``events``, created at ``created`` (fixed, so a seed gives one file).

    Examples
    --------
    >>> from datetime import timezone
    >>> document_bytes([], datetime(2026, 1, 1, tzinfo=timezone.utc))[:60]
    b'{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epci'
    """
    buffer = io.BytesIO()
    write_jsonld(events, buffer, namespaces={"ct": CT_NS}, creation_date=to_iso(naive_utc(created)))
    return buffer.getvalue()


def capture(session: Session, name: str, events: Iterable[Mapping[str, Any]], created: datetime, *,
            progress: Callable[[int], None] | None = None) -> CaptureReport:
    """Capture ``events`` as the document ``name`` (flushes, never commits)."""
    return capture_document(session, document_bytes(events, created), name=name, format="json", progress=progress)
