"""Pure builders of canonical EPCIS 2.0 event dicts (docs/event-form.md) for the lifecycle services.

Nothing here touches a database. Extensions use the cradletrace namespace
:data:`~cradletrace.identifiers.own_vocabulary.CT_NS` in Clark notation
(``{https://ns.cradletrace.org/voc/}massKg``); where CBV 2.0 has no business step
(refurbishing, recycling, disposing) the step is a cradletrace vocabulary URI
(:data:`~cradletrace.identifiers.own_vocabulary.REFURBISHING`, ...), which EPCIS allows
for any non-CBV value. That vocabulary lives in :mod:`cradletrace.identifiers.own_vocabulary`
and is re-exported here and from :mod:`cradletrace.lifecycle`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from cradletrace.errors import InvalidInput
# The vocabulary is re-exported: services and callers have always imported it from here.
from cradletrace.identifiers.own_vocabulary import CT_NS, DISPOSING, RECYCLING, REFURBISHING, ct  # noqa: F401
from cradletrace.timestamps import aware


def ct_fields(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Extension fields from plain names: keys become Clark keys, ``None`` values are left out.

    Nested mappings become nested extension elements, lists repeated elements.

    Examples
    --------
    >>> ct_fields({"transportMode": "road", "distanceKm": 120, "note": None})
    {'{https://ns.cradletrace.org/voc/}transportMode': 'road', '{https://ns.cradletrace.org/voc/}distanceKm': 120}
    >>> ct_fields({"substance": [{"name": "lead", "ppm": 12}]})["{https://ns.cradletrace.org/voc/}substance"]
    [{'{https://ns.cradletrace.org/voc/}name': 'lead', '{https://ns.cradletrace.org/voc/}ppm': 12}]
    """
    return {ct(k): _ext_value(v) for k, v in (values or {}).items() if v is not None}


def _ext_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        return ct_fields(value)
    if isinstance(value, (list, tuple)):
        return [_ext_value(v) for v in value if v is not None]
    if isinstance(value, datetime):
        return time_fields(value)["eventTime"]
    if isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def time_fields(when: datetime | None = None) -> dict[str, str]:
    """``eventTime`` and ``eventTimeZoneOffset`` of a datetime (naive = UTC; default: now, UTC), to the millisecond.

    Examples
    --------
    >>> from datetime import timedelta, timezone
    >>> time_fields(datetime(2025, 3, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1))))
    {'eventTime': '2025-03-01T10:00:00.123+01:00', 'eventTimeZoneOffset': '+01:00'}
    >>> time_fields(datetime(2025, 3, 1))
    {'eventTime': '2025-03-01T00:00:00.000+00:00', 'eventTimeZoneOffset': '+00:00'}
    """
    when = aware(when)
    offset = when.utcoffset() or timedelta(0)  # never None: aware() gave it a zone
    minutes = int(offset / timedelta(minutes=1))
    sign = "-" if minutes < 0 else "+"
    text_offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S") + f".{when.microsecond // 1000:03d}" + text_offset
    return {"eventTime": stamp, "eventTimeZoneOffset": text_offset}


def quantity(epc_class: str, amount: float, uom: str | None = None) -> dict[str, Any]:
    """One quantityList entry; whole numbers are written as ints.

    Examples
    --------
    >>> quantity("https://id.gs1.org/01/09506000134352/10/L1", 12.0, "KGM")
    {'epcClass': 'https://id.gs1.org/01/09506000134352/10/L1', 'quantity': 12, 'uom': 'KGM'}
    """
    if amount is None or not amount > 0:
        raise InvalidInput(f"quantity of {epc_class} must be positive, got {amount!r}")
    value: float | int = int(amount) if float(amount).is_integer() else float(amount)
    entry: dict[str, Any] = {"epcClass": epc_class, "quantity": value}
    if uom:
        entry["uom"] = uom
    return entry


def biz_transactions(**documents: str | Iterable[str] | None) -> list[dict[str, str]]:
    """A bizTransactionList from ``type=URI`` (or a list of URIs); ``None`` values are left out.

    Examples
    --------
    >>> biz_transactions(po="urn:example:po:1", desadv=None, inv=["urn:example:inv:7"])
    [{'type': 'po', 'bizTransaction': 'urn:example:po:1'}, {'type': 'inv', 'bizTransaction': 'urn:example:inv:7'}]
    """
    found = []
    for kind, value in documents.items():
        if value is None:
            continue
        for uri in [value] if isinstance(value, str) else value:
            found.append({"type": kind, "bizTransaction": uri})
    return found


def source_destination(
    *, from_party: str | None = None, from_location: str | None = None,
    to_party: str | None = None, to_location: str | None = None, to_possessor: str | None = None,
) -> dict[str, list[dict[str, str]]]:
    """sourceList / destinationList with ``owning_party``, ``possessing_party`` and ``location`` entries for the
    given values.

    ``to_possessor`` is who holds the goods after the event: a receipt names the receiver, who has them in hand
    whoever owns them (without it, the unit's possessor would stay whoever held it last, a warehouse, say).

    Examples
    --------
    >>> source_destination(to_party="https://id.gs1.org/417/9520999999990")
    {'destinationList': [{'type': 'owning_party', 'destination': 'https://id.gs1.org/417/9520999999990'}]}
    >>> [d["type"] for d in source_destination(to_party="urn:a", to_possessor="urn:a")["destinationList"]]
    ['owning_party', 'possessing_party']
    """
    fields: dict[str, list[dict[str, str]]] = {}
    sources = [{"type": t, "source": v} for t, v in (("owning_party", from_party), ("location", from_location)) if v]
    destinations = [{"type": t, "destination": v}
                    for t, v in (("owning_party", to_party), ("possessing_party", to_possessor),
                                 ("location", to_location)) if v]
    if sources:
        fields["sourceList"] = sources
    if destinations:
        fields["destinationList"] = destinations
    return fields


def _common(when: datetime | None, biz_step: str | None, disposition: str | None, location: str | None,
            read_point: str | None, documents: list[dict[str, str]] | None,
            extensions: Mapping[str, Any] | None) -> dict[str, Any]:
    fields: dict[str, Any] = dict(time_fields(when))
    if biz_step:
        fields["bizStep"] = biz_step
    if disposition:
        fields["disposition"] = disposition
    if read_point:
        fields["readPoint"] = {"id": read_point}
    if location:
        fields["bizLocation"] = {"id": location}
    if documents:
        fields["bizTransactionList"] = documents
    if extensions:
        fields.update(ct_fields(extensions))
    return fields


def object_event(
    action: str, epcs: Iterable[str] = (), *, quantities: Iterable[dict[str, Any]] = (), when: datetime | None = None,
    biz_step: str | None = None, disposition: str | None = None, location: str | None = None,
    read_point: str | None = None, documents: list[dict[str, str]] | None = None,
    ilmd: Mapping[str, Any] | None = None, extensions: Mapping[str, Any] | None = None, **more: Any,
) -> dict[str, Any]:
    """A canonical ObjectEvent. ``ilmd`` and ``extensions`` take plain names (see :func:`ct_fields`).

    Examples
    --------
    >>> from datetime import timezone
    >>> ev = object_event("OBSERVE", ["https://id.gs1.org/01/09506000134352/21/1"], biz_step="inspecting",
    ...                   disposition="conformant", when=datetime(2025, 1, 1, tzinfo=timezone.utc))
    >>> ev["type"], ev["action"], ev["eventTime"], ev["disposition"]
    ('ObjectEvent', 'OBSERVE', '2025-01-01T00:00:00.000+00:00', 'conformant')
    """
    event: dict[str, Any] = {"type": "ObjectEvent", "action": action}
    epcs = list(epcs)
    quantities = list(quantities)
    if epcs:
        event["epcList"] = epcs
    if quantities:
        event["quantityList"] = quantities
    event.update(_common(when, biz_step, disposition, location, read_point, documents, extensions))
    if ilmd:
        event["ilmd"] = ct_fields(ilmd)
    event.update({k: v for k, v in more.items() if v})
    return event


def aggregation_event(
    action: str, parent: str, children: Iterable[str] = (), *, when: datetime | None = None,
    biz_step: str | None = None, disposition: str | None = None, location: str | None = None,
    read_point: str | None = None, documents: list[dict[str, str]] | None = None,
    extensions: Mapping[str, Any] | None = None, event_type: str = "AggregationEvent",
) -> dict[str, Any]:
    """A canonical AggregationEvent (or AssociationEvent with ``event_type``).

    Examples
    --------
    >>> ev = aggregation_event("ADD", "urn:p", ["urn:c"], biz_step="assembling",
    ...                        when=datetime(2025, 1, 1))
    >>> ev["parentID"], ev["childEPCs"], ev["bizStep"]
    ('urn:p', ['urn:c'], 'assembling')
    """
    event: dict[str, Any] = {"type": event_type, "action": action, "parentID": parent}
    children = list(children)
    if children:
        event["childEPCs"] = children
    event.update(_common(when, biz_step, disposition, location, read_point, documents, extensions))
    return event


def transformation_event(
    *, inputs: Iterable[str] = (), input_quantities: Iterable[dict[str, Any]] = (), outputs: Iterable[str] = (),
    output_quantities: Iterable[dict[str, Any]] = (), when: datetime | None = None, biz_step: str | None = None,
    disposition: str | None = None, location: str | None = None, read_point: str | None = None,
    documents: list[dict[str, str]] | None = None, transformation_id: str | None = None,
    ilmd: Mapping[str, Any] | None = None, extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A canonical TransformationEvent (it has no action).

    Examples
    --------
    >>> ev = transformation_event(input_quantities=[quantity("urn:lot", 2, "KGM")], outputs=["urn:u1"],
    ...                           biz_step="commissioning", when=datetime(2025, 1, 1))
    >>> ev["type"], ev["inputQuantityList"], ev["outputEPCList"], "action" in ev
    ('TransformationEvent', [{'epcClass': 'urn:lot', 'quantity': 2, 'uom': 'KGM'}], ['urn:u1'], False)
    """
    event: dict[str, Any] = {"type": "TransformationEvent"}
    for key, values in (("inputEPCList", inputs), ("inputQuantityList", input_quantities),
                        ("outputEPCList", outputs), ("outputQuantityList", output_quantities)):
        values = list(values)
        if values:
            event[key] = values
    if transformation_id:
        event["transformationID"] = transformation_id
    event.update(_common(when, biz_step, disposition, location, read_point, documents, extensions))
    if ilmd:
        event["ilmd"] = ct_fields(ilmd)
    return event
