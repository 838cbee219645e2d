"""Material lots: registering a supplier lot on receipt, and recycling lots into a recovered-material lot.

A supplier lot enters the log as two events in one capture call:

1. ObjectEvent ADD (bizStep ``commissioning``, disposition ``active``) with the lot's
   quantity in ``quantityList`` and its master data as ILMD in the cradletrace
   namespace (ILMD is only valid on ADD and TransformationEvent). Its quantity is the
   registered quantity that consumption is checked against. It names no place, so it
   cannot clash with the receipt's location.
2. ObjectEvent OBSERVE (bizStep ``receiving``, disposition ``in_progress``) at the
   receiving location, with sourceList/destinationList (owning party and location),
   the ``po`` / ``desadv`` documents and the inbound transport as extensions
   (``transportMode``, ``distanceKm``, ``shipmentMassKg``) for METRICS module A2.

ILMD keys (all ``{https://ns.cradletrace.org/voc/}...``): ``material``, ``massKg``,
``countryOfOrigin``, ``supplier``, ``recycledContentPre``, ``recycledContentPost``,
``recycledFraction`` (their sum; all absent when unknown, never 0), ``pcfKgCO2ePerKg``,
repeated ``substance`` {name, cas, ec, ppm | massFraction, ...} and ``certificate``
{type, id, issuer, validUntil, uri, ...}.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.log.capture import CaptureReport
from cradletrace.errors import InvalidInput
from cradletrace.lifecycle.common import class_id, optional_id, submit
from cradletrace.lifecycle.events import (
    RECYCLING,
    biz_transactions,
    object_event,
    quantity as quantity_entry,
    source_destination,
    transformation_event,
)
from cradletrace.lifecycle.rules import load_objects, require_active, require_lot_quantity
from cradletrace.timestamps import aware, naive_utc
from cradletrace.units import mass_kg as to_kg

Draws = Mapping[str, "float | tuple[float, str | None]"]


def _fraction(name: str, value: float | None) -> float | None:
    if value is not None and not 0.0 <= float(value) <= 1.0:
        raise InvalidInput(f"{name} must be a fraction between 0 and 1, got {value!r}", where=name)
    return None if value is None else float(value)


def parse_draws(draws: Draws, default_uom: str | None = "KGM") -> dict[str, tuple[float, str | None]]:
    """``{lot: quantity}`` or ``{lot: (quantity, uom)}`` with canonical lot identifiers.

    Examples
    --------
    >>> parse_draws({"https://id.gs1.org/01/09506000134352/10/CU1": 2.5,
    ...              "https://id.gs1.org/01/09506000134352/10/S1": (4, "EA")})  # doctest: +NORMALIZE_WHITESPACE
    {'https://id.gs1.org/01/09506000134352/10/CU1': (2.5, 'KGM'),
     'https://id.gs1.org/01/09506000134352/10/S1': (4, 'EA')}
    """
    parsed = {}
    for lot, value in draws.items():
        amount, uom = value if isinstance(value, tuple) else (value, default_uom)
        ident = class_id(lot)
        if ident in parsed:
            raise InvalidInput(f"lot {ident} is listed twice")
        if amount is None or not amount > 0:
            raise InvalidInput(f"quantity of lot {ident} must be positive, got {amount!r}")
        parsed[ident] = (amount, uom)
    return parsed


def register_lot(
    session: Session,
    lot: str,
    *,
    quantity: float,
    uom: str = "KGM",
    supplier: str,
    owner: str,
    location: str,
    supplier_location: str | None = None,
    material: str | None = None,
    mass_kg: float | None = None,
    origin_country: str | None = None,
    recycled_pre: float | None = None,
    recycled_post: float | None = None,
    pcf_kg_co2e_per_kg: float | None = None,
    substances: Iterable[Mapping[str, Any]] = (),
    certificates: Iterable[Mapping[str, Any]] = (),
    po: str | None = None,
    desadv: str | None = None,
    transport_mode: str | None = None,
    distance_km: float | None = None,
    ilmd: Mapping[str, Any] | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Register a supplier material lot as received: ADD with its master data as ILMD, then receiving.

    Parameters
    ----------
    session : Session
        The caller's session (flushed, never committed).
    lot : str
        The lot (LGTIN) in any identifier form.
    quantity : float
        Quantity received, in ``uom`` (UN/CEFACT Rec. 20: ``KGM``, ``GRM``, ``EA``, ...).
    supplier, owner : str
        Party identifiers (``/417/`` GLN): the supplier (source) and the new owner (destination).
    location : str
        Where the lot is received (``/414/`` GLN).
    material, mass_kg, origin_country, recycled_pre, recycled_post, pcf_kg_co2e_per_kg
        Lot master data; the mass is derived from a mass ``uom`` when not given.
        Recycled content is pre- and post-consumer shares (0..1) and stays absent when unknown.
    substances, certificates : iterable of mapping
        Substance declarations and certificates; keys are extension names (``name``, ``cas``, ``ppm``, ...).
    po, desadv : str, optional
        Purchase order and despatch advice URIs.
    transport_mode, distance_km : optional
        Inbound transport, for the A2 footprint module.
    ilmd : mapping, optional
        More ILMD entries (plain names).
    when : datetime, optional
        Time of receipt (naive = UTC); default now.

    Returns
    -------
    CaptureReport

    Raises
    ------
    RuleViolation
        If the lot already ended (destroyed, disposed, decommissioned).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> from sqlalchemy.orm import Session
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> report = register_lot(session, "https://id.gs1.org/01/09506000134352/10/CU-1", quantity=500,
    ...     supplier="https://id.gs1.org/417/9520999999990", owner="https://id.gs1.org/417/9520000000004",
    ...     location="https://id.gs1.org/414/9520123456788", material="copper", recycled_post=0.3,
    ...     when=datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc))
    >>> report.captured
    2
    >>> session.rollback()
    """
    when = aware(when)
    lot_id = class_id(lot)
    pre, post = _fraction("recycled_pre", recycled_pre), _fraction("recycled_post", recycled_post)
    if pre is not None and post is not None and pre + post > 1.0 + 1e-9:
        raise InvalidInput("recycled_pre + recycled_post cannot exceed 1", where="recycled_post")
    objects = load_objects(session, [lot_id])
    if objects[lot_id].commissioned_at is not None:
        require_active(objects, [lot_id], naive_utc(when), step="received")
    mass = mass_kg if mass_kg is not None else to_kg(quantity, uom)
    certificates = [dict(c) for c in certificates]
    master: dict[str, Any] = {
        "material": material, "massKg": mass, "countryOfOrigin": origin_country, "supplier": optional_id(supplier),
        "recycledContentPre": pre, "recycledContentPost": post,
        # Rounded so 0.1 + 0.35 is 0.45, not the float sum 0.44999999999999996 (fractions carry 12 digits at most).
        "recycledFraction": None if pre is None and post is None else round((pre or 0.0) + (post or 0.0), 12),
        "pcfKgCO2ePerKg": pcf_kg_co2e_per_kg,
        "substance": [dict(s) for s in substances] or None, "certificate": certificates or None,
        **(ilmd or {}),
    }
    entry = quantity_entry(lot_id, quantity, uom)
    cert_uris = [c["uri"] for c in certificates if c.get("uri")]
    add = object_event("ADD", quantities=[entry], when=when, biz_step="commissioning", disposition="active",
                       ilmd=master, certificationInfo=cert_uris or None)
    place = optional_id(location)
    receipt = object_event(
        "OBSERVE", quantities=[entry], when=when, biz_step="receiving", disposition="in_progress",
        location=place, read_point=place, documents=biz_transactions(po=po, desadv=desadv),
        extensions={"transportMode": transport_mode, "distanceKm": distance_km, "shipmentMassKg": mass},
        **source_destination(from_party=optional_id(supplier), from_location=optional_id(supplier_location),
                             to_party=optional_id(owner), to_location=place),
    )
    return submit(session, [add, receipt], name="lifecycle.register_lot")


def recycle(
    session: Session,
    inputs: Draws,
    output_lot: str,
    *,
    output_quantity: float,
    uom: str = "KGM",
    location: str | None = None,
    material: str | None = None,
    recycled_post: float = 1.0,
    work_order: str | None = None,
    energy_kwh: float | None = None,
    when: datetime | None = None,
) -> CaptureReport:
    """Recycle material lots (for example recovered lots from disassembly) into one recovered-material lot.

    One TransformationEvent with the cradletrace bizStep :data:`~cradletrace.identifiers.own_vocabulary.RECYCLING`
    (CBV 2.0 has none), disposition ``active``, ILMD ``recycledContentPost`` (default 1.0) on the
    output lot, and ``energyKWh`` as an extension. The new lot can feed a new manufacture.

    Raises
    ------
    RuleViolation
        If an input lot was never registered, has ended, or has less left than drawn.
    """
    when = aware(when)
    draws = parse_draws(inputs)
    if not draws:
        raise InvalidInput("recycling needs at least one input lot", where="inputs")
    out = class_id(output_lot)
    objects = load_objects(session, list(draws))
    require_active(objects, list(draws), naive_utc(when), step="recycled")
    require_lot_quantity(session, {lot: [draw] for lot, draw in draws.items()})
    post = _fraction("recycled_post", recycled_post)
    event = transformation_event(
        input_quantities=[quantity_entry(lot, amount, u) for lot, (amount, u) in draws.items()],
        output_quantities=[quantity_entry(out, output_quantity, uom)], when=when, biz_step=RECYCLING,
        disposition="active", location=optional_id(location), read_point=optional_id(location),
        documents=biz_transactions(prodorder=work_order), transformation_id=work_order,
        ilmd={"material": material, "massKg": to_kg(output_quantity, uom), "recycledContentPost": post,
              "recycledFraction": post},
        extensions={"energyKWh": energy_kwh},
    )
    return submit(session, [event], name="lifecycle.recycle")
