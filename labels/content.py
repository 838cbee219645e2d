"""What a label says, read from the database in one statement per batch: :class:`Label` and the selections.

A label is for a unit (SGTIN or another serialised key), a lot (LGTIN), a logistic unit (SSCC) or a
location (GLN with its extension). It carries the Digital Link of the object's key on this
deployment's resolver (``CRADLETRACE_RESOLVER_URL``), with the expiry date as the data attribute
``17`` where the object's ILMD gives one, and the text a person reads: the product (or location)
name, the GTIN, the serial or lot, the expiry and the GS1 element string (HRI).

:func:`fetch_labels` turns identifiers in any form into labels with one SELECT over nodes, units,
lots, products and locations (per 10,000 identifiers; a bare serial that needs a lookup of its
own costs one more). :func:`serial_range` and :func:`lot_units` choose the identifiers of a print run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput, NotFound
from cradletrace.identifiers import GS1Identifier, gtin14, parse, read_key_uri, sgtin_uri
from cradletrace.identifiers.digital_link import build_digital_link
from cradletrace.lineage.resolve import candidates, resolve, resolve_many
from cradletrace.models import Edge, EdgeKind, Location, Lot, Node, Product, Unit
from cradletrace.settings import load_settings

LABEL_KINDS = ("unit", "lot", "logistic_unit", "location")
"""The node kinds that get labels."""
BATCH = 10_000
"""Identifiers per SELECT (far below SQLite's and PostgreSQL's limits on bound parameters)."""
MAX_LABELS = 100_000
"""The most labels one selection may name (a print run, not an export)."""

_MDA = ("{urn:epcglobal:cbv:mda:}", "{urn:epcglobal:cbv:mda}", "{https://ns.cradletrace.org/voc/}")
EXPIRY_KEYS = tuple(ns + "itemExpirationDate" for ns in _MDA)
"""ILMD keys read as the expiry date (CBV master data ``itemExpirationDate``, in either spelling of the
namespace that EPCIS bindings give it, and in cradletrace's own vocabulary as the lifecycle services write it)."""
LOT_KEYS = tuple(ns + "lotNumber" for ns in _MDA)
"""ILMD keys that name the lot a unit belongs to (CBV master data ``lotNumber``)."""
_SHORT_NAMES = {"414": "GLN", "254": "EXT", "00": "SSCC"}
"""What a label calls a key's parts where the syntax dictionary's title is not what people say."""
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TRAILING_DIGITS = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class Label:
    """The content of one label.

    Attributes
    ----------
    identifier : str
        The canonical key URI (``https://id.gs1.org/...``) of the object.
    kind : str
        ``'unit'``, ``'lot'``, ``'logistic_unit'`` or ``'location'``.
    link : str
        What the QR Code encodes: the Digital Link on the resolver, with ``?17=YYMMDD`` for an expiry.
    element_string : str
        The GS1 element string printed under the symbol (HRI), e.g. ``(01)...(21)...(17)...``.
    name : str or None
        Product name (units and lots) or location name.
    gtin, serial, lot : str or None
        The parts of the key a person reads.
    expiry : datetime.date or None
        The expiry date (ILMD ``itemExpirationDate``).
    key : GS1Identifier
        The key itself, its AI pairs.
    """

    identifier: str
    kind: str
    link: str
    element_string: str
    name: str | None
    gtin: str | None
    serial: str | None
    lot: str | None
    expiry: date | None
    key: GS1Identifier

    def lines(self) -> list[tuple[str, str]]:
        """The text of the label as ``(role, text)`` pairs, top to bottom: ``title``, ``field``s, ``hri``.

        Examples
        --------
        >>> label = make_label("https://id.gs1.org/01/09506000134352/21/4711", "unit", name="Pack",
        ...                    expiry=date(2026, 12, 31), resolver_url="https://trace.example.com")
        >>> label.lines()
        [('title', 'Pack'), ('field', 'GTIN 09506000134352'), ('field', 'SN 4711'), ('field', 'EXP 2026-12-31'), \
('hri', '(01)09506000134352(21)4711(17)261231')]
        """
        out: list[tuple[str, str]] = []
        if self.name:
            out.append(("title", self.name))
        key = self.key
        if self.gtin:
            out.append(("field", f"GTIN {self.gtin}"))
        if self.lot:
            out.append(("field", f"LOT {self.lot}"))
        if self.serial:
            out.append(("field", f"SN {self.serial}"))
        if not self.gtin:
            out.append(("field", f"{_SHORT_NAMES.get(key.primary_ai, key.title)} {key.primary_value}"))
            for ai, value in key.qualifiers:
                out.append(("field", f"{_SHORT_NAMES.get(ai, f'({ai})')} {value}"))
        if self.expiry:
            out.append(("field", f"EXP {self.expiry.isoformat()}"))
        out.append(("hri", self.element_string))
        return out


def make_label(identifier: str, kind: str, *, name: str | None = None, expiry: date | None = None,
               resolver_url: str | None = None) -> Label:
    """The label of a canonical key URI: its Digital Link on the resolver and its text.

    Parameters
    ----------
    identifier : str
        Canonical key URI, as the database stores it.
    kind : str
        Its node kind (one of :data:`LABEL_KINDS`).
    name : str, optional
        Product or location name.
    expiry : datetime.date, optional
        Added as data attribute ``17`` to the link and the element string.
    resolver_url : str, optional
        Base URL of the resolver (default: ``CRADLETRACE_RESOLVER_URL``).

    Raises
    ------
    InvalidInput
        For a kind that gets no label, or an identifier that is not a GS1 key URI.

    Examples
    --------
    >>> label = make_label("https://id.gs1.org/00/095060001000000012", "logistic_unit",
    ...                    resolver_url="https://trace.example.com/")
    >>> label.link, label.element_string
    ('https://trace.example.com/00/095060001000000012', '(00)095060001000000012')
    """
    if kind not in LABEL_KINDS:
        raise InvalidInput(f"{identifier} is a {kind.replace('_', ' ')}: labels are for units, lots, SSCCs "
                           "and locations", where="labels")
    key = read_key_uri(identifier)
    if key is None:
        raise InvalidInput(f"{identifier} is not a GS1 key: it has no Digital Link to put on a label",
                           where="labels")
    attributes = (("17", expiry.strftime("%y%m%d")),) if expiry else ()
    key = GS1Identifier(key.kind, key.primary_ai, key.primary_value, key.qualifiers, attributes)
    stem = resolver_url if resolver_url is not None else load_settings().resolver_url
    return Label(identifier=identifier, kind=kind, link=build_digital_link(key.path, attributes, stem=stem),
                 element_string=key.element_string, name=name, gtin=key.gtin, serial=key.serial, lot=key.lot,
                 expiry=expiry, key=key)


def expiry_of(ilmd: dict[str, Any] | None, *, where: str) -> date | None:
    """The expiry date an ILMD gives (``itemExpirationDate``: ``YYYY-MM-DD``, or a date-time), or ``None``.

    Raises
    ------
    InvalidInput
        For a value that is not a date: a label must not print a wrong one.

    Examples
    --------
    >>> expiry_of({"{urn:epcglobal:cbv:mda:}itemExpirationDate": "2026-12-31"}, where="u")
    datetime.date(2026, 12, 31)
    >>> expiry_of({"{urn:epcglobal:cbv:mda:}itemExpirationDate": "soon"}, where="u")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: u: ILMD itemExpirationDate 'soon' is not a date (YYYY-MM-DD)
    """
    if not ilmd:
        return None
    value = next((ilmd[k] for k in EXPIRY_KEYS if ilmd.get(k) not in (None, "")), None)
    if value is None:
        return None
    match = _DATE.match(str(value).strip())
    try:
        if not match:
            raise ValueError
        found = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise InvalidInput(f"ILMD itemExpirationDate {value!r} is not a date (YYYY-MM-DD)", where=where) from None
    if not 2000 <= found.year <= 2099:  # AI (17) holds YYMMDD: only this century can be printed unambiguously
        raise InvalidInput(f"ILMD itemExpirationDate {value!r} is outside 2000-2099, which AI (17) cannot hold",
                           where=where)
    return found


def _label_query() -> Any:
    nodes, units, lots = Node.__table__, Unit.__table__, Lot.__table__
    products, locations = Product.__table__, Location.__table__
    gtin = func.coalesce(units.c.gtin, lots.c.gtin)
    return (select(nodes.c.id, nodes.c.identifier, nodes.c.kind, units.c.ilmd.label("unit_ilmd"),
                   lots.c.ilmd.label("lot_ilmd"), products.c.name.label("product_name"),
                   locations.c.name.label("location_name"))
            .select_from(nodes)
            .outerjoin(units, units.c.node_id == nodes.c.id)
            .outerjoin(lots, lots.c.node_id == nodes.c.id)
            .outerjoin(products, products.c.gtin == gtin)
            .outerjoin(locations, locations.c.node_id == nodes.c.id))


def _label_of(row: Any, resolver_url: str) -> Label:
    kind = getattr(row.kind, "value", row.kind)
    ilmd = row.unit_ilmd if row.unit_ilmd is not None else row.lot_ilmd
    return make_label(row.identifier, kind, name=row.product_name or row.location_name,
                      expiry=expiry_of(ilmd, where=row.identifier), resolver_url=resolver_url)


def fetch_labels(session: Session, identifiers: Sequence[str], *, resolver_url: str | None = None) -> list[Label]:
    """The labels of ``identifiers`` (any form :func:`~cradletrace.lineage.resolve` takes), in their order.

    One SELECT per :data:`BATCH` identifiers finds each object with its product or location and its
    ILMD; only an identifier that matches no stored form (a bare serial or lot number) costs a
    lookup of its own. Repeated identifiers give repeated labels (a print run may want copies).

    Raises
    ------
    InvalidInput
        No identifier, more than :data:`MAX_LABELS`, an object that gets no label (a product, party or
        document), or an expiry date that is not a date.
    InvalidIdentifier, NotFound
        A malformed identifier, or one that names nothing recorded, naming it.
    """
    if not identifiers:
        raise InvalidInput("no identifiers: name the units, lots, SSCCs or locations to label", where="labels")
    if len(identifiers) > MAX_LABELS:
        raise InvalidInput(f"{len(identifiers):,} labels in one run: at most {MAX_LABELS:,}", where="labels")
    stem = resolver_url if resolver_url is not None else load_settings().resolver_url
    forms = {value: candidates(value)[0] for value in identifiers}
    wanted = sorted({form for found in forms.values() for form in found})
    found: dict[str, Any] = {}
    nodes = Node.__table__
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start:start + BATCH]
        for row in session.execute(_label_query().where(nodes.c.identifier.in_(chunk))):
            found[row.identifier] = row
    by_value: dict[str, Any] = {}
    missing = []
    for value, options in forms.items():
        row = next((found[form] for form in options if form in found), None)
        if row is None:
            missing.append(value)
        else:
            by_value[value] = row
    for value in missing:  # a malformed key says what is wrong with it, not merely that it names nothing
        if value.strip().startswith(("(", "]", "^", "urn:epc:", "http://", "https://")):
            parse(value)
    if missing:  # resolve's own rules: bare serials, and its errors for what names nothing
        refs = resolve_many(session, missing, where="labels")
        rows = {row.id: row for row in session.execute(_label_query().where(nodes.c.id.in_({r.id for r in refs})))}
        by_value.update({value: rows[ref.id] for value, ref in zip(missing, refs)})
    cache: dict[str, Label] = {}
    out = []
    for value in identifiers:
        row = by_value[value]
        if row.identifier not in cache:
            cache[row.identifier] = _label_of(row, stem)
        out.append(cache[row.identifier])
    return out


def serial_range(session: Session, gtin: str, first_serial: str, count: int) -> list[str]:
    """The canonical identifiers of ``count`` units of ``gtin`` from ``first_serial`` on, counting its trailing number.

    ``0098`` and a count of 3 give serials ``0098``, ``0099``, ``0100`` (the width is kept, and
    grows only past its last number); ``A-7`` gives ``A-7``, ``A-8``, ... Every serial must be
    a recorded unit: the labels of units that do not exist would resolve to no passport.
    One SELECT per :data:`BATCH` serials.

    Raises
    ------
    InvalidInput
        A count below 1 or above :data:`MAX_LABELS`, or a serial that does not end in digits.
    InvalidIdentifier
        A bad GTIN (check digit, length) or serial (character set, length).
    NotFound
        Naming the first serials of the range that are not recorded units.
    """
    if not 1 <= count <= MAX_LABELS:
        raise InvalidInput(f"--count {count}: give 1 to {MAX_LABELS:,}", where="labels")
    match = _TRAILING_DIGITS.match(first_serial)
    if not match:
        raise InvalidInput(f"{first_serial!r} does not end in digits to count on from", where="--from-serial")
    prefix, digits = match[1], match[2]
    serials = [prefix + str(int(digits) + i).zfill(len(digits)) for i in range(count)]
    gtin = gtin14(gtin, where="--product")
    identifiers = [sgtin_uri(gtin, serial) for serial in serials]
    nodes, units = Node.__table__, Unit.__table__
    recorded: set[str] = set()
    for start in range(0, len(identifiers), BATCH):
        chunk = identifiers[start:start + BATCH]
        recorded.update(session.scalars(select(nodes.c.identifier).join(units, units.c.node_id == nodes.c.id)
                                        .where(nodes.c.identifier.in_(chunk))))
    absent = [s for s, i in zip(serials, identifiers) if i not in recorded]
    if absent:
        shown = ", ".join(absent[:5]) + (", ..." if len(absent) > 5 else "")
        raise NotFound(f"{len(absent)} of the {count} serials from {first_serial} are not recorded units of "
                       f"GTIN {gtin}: {shown}", where="labels")
    return identifiers


def lot_units(session: Session, lot: str) -> list[str]:
    """The canonical identifiers of a lot's units, in identifier order.

    A lot's units are those whose ILMD names the lot (``lotNumber``, with the lot's GTIN), as
    commissioning a batch of serials records it, and those made directly from the lot (its
    ``input_of`` edges to units that are not retracted). Two statements: the lot, then its units.

    Raises
    ------
    InvalidInput
        When ``lot`` names something other than a lot.
    NotFound
        When the lot is not recorded, or has no units.
    """
    ref = resolve(session, lot, where="--lot")
    if ref.kind != "lot":
        raise InvalidInput(f"{ref.identifier} is a {ref.kind.replace('_', ' ')}, not a lot", where="--lot")
    key = read_key_uri(ref.identifier)
    nodes, units, edges = Node.__table__, Unit.__table__, Edge.__table__
    made_from = select(edges.c.dst).where(edges.c.src == ref.id, edges.c.kind == EdgeKind.INPUT_OF,
                                          ~edges.c.retracted)
    named: list[Any] = [nodes.c.id.in_(made_from)]
    if key is not None and key.gtin and key.lot:
        named.append(and_(units.c.gtin == key.gtin,
                          or_(*(units.c.ilmd[k].as_string() == key.lot for k in LOT_KEYS))))
    found = list(session.scalars(select(nodes.c.identifier).join(units, units.c.node_id == nodes.c.id)
                                 .where(or_(*named)).order_by(nodes.c.identifier)))
    if not found:
        raise NotFound(f"lot {ref.identifier} has no units (none names it as its lotNumber or was made from it)",
                       where="--lot")
    return found

