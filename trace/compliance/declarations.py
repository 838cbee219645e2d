"""Recording compliance evidence, and reading it for the parts of many units at once.

Recording (services: session first, flush, never commit): :func:`declare_substances`,
:func:`declare_minerals`, :func:`add_exemption`, :func:`add_certificate`. A subject is a lot or a
unit (any identifier form; it must be recorded) or a part number (a GTIN: every lot and unit of
it inherits the declaration; the object's own declaration wins).

Reading (:func:`evidence`): the composition of every unit at a time
(:func:`cradletrace.lineage.compositions`, stopping at lots), the parts' nodes and ILMD, and the
declarations, exemptions and certificates about them, in a constant number of statements per
5,000 units. Lots may declare substances (``substance`` {name, cas, massFraction | ppm, material,
articleFraction}) and certificates (``certificate`` {type, id, issuer, validFrom, validUntil,
uri}) in their ILMD (:func:`cradletrace.lifecycle.register_lot`); those count as a declaration too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.errors import InvalidInput
from cradletrace.identifiers import gtin14
from cradletrace.identifiers.own_vocabulary import plain
from cradletrace.lineage import compositions, resolve
from cradletrace.models import (
    Certificate,
    Declaration,
    DeclarationKind,
    DeclaredSubstance,
    Exemption,
    Lot,
    MineralSource,
    Node,
    Unit,
)
from cradletrace.timestamps import naive_utc, to_utc, utc_now

METALS_3TG = ("tin", "tantalum", "tungsten", "gold")
_GTIN = re.compile(r"^\d{8}$|^\d{12,14}$")


def _subject(session: Session, subject: str) -> tuple[int | None, str | None]:
    """``(node id, None)`` for a recorded lot or unit, ``(None, gtin14)`` for a part number."""
    if _GTIN.match(subject.strip()):
        return None, gtin14(subject.strip(), where="subject")
    return resolve(session, subject, where="subject").id, None


def _fraction(entry: Mapping[str, Any], where: str) -> float:
    if entry.get("mass_fraction") is not None:
        value = float(entry["mass_fraction"])
    elif entry.get("ppm") is not None:
        value = float(entry["ppm"]) / 1e6
    else:
        raise InvalidInput("a declared substance needs mass_fraction or ppm", where=where)
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(f"mass fraction {value!r} is not between 0 and 1", where=where)
    return value


def _time(value: datetime | str | None, where: str) -> datetime | None:
    if value is None:
        return None
    return naive_utc(to_utc(value, where=where) if isinstance(value, str) else value)


def declare_substances(session: Session, subject: str, substances: Iterable[Mapping[str, Any]], *,
                       declared_at: datetime | None = None, valid_until: datetime | None = None,
                       source: str | None = None, article_mass_kg: float | None = None,
                       scip_reference: str | None = None) -> Declaration:
    """Record a substance declaration (an empty list declares that nothing declarable is present).

    Each substance: ``substance`` (name), ``cas``, ``material`` (the homogeneous material),
    ``mass_fraction`` (0..1 in that material) or ``ppm``, optional ``article_fraction`` (of the
    whole supplied article, for REACH).

    Raises
    ------
    NotFound
        For a lot or unit that was never recorded.
    InvalidInput
        For a fraction outside 0..1 or a substance without one.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> d = declare_substances(session, "09506000134352", [{"substance": "lead", "cas": "7439-92-1", "ppm": 800}])
    >>> d.gtin, d.kind.value
    ('09506000134352', 'substances')
    >>> session.rollback()
    """
    node_id, gtin = _subject(session, subject)
    declaration = Declaration(node_id=node_id, gtin=gtin, kind=DeclarationKind.SUBSTANCES, source=source,
                              declared_at=_time(declared_at, "declared_at") or utc_now(),
                              valid_until=_time(valid_until, "valid_until"), article_mass_kg=article_mass_kg,
                              scip_reference=scip_reference)
    session.add(declaration)
    session.flush()
    for index, entry in enumerate(substances):
        where = f"substances[{index}]"
        name = entry.get("substance") or entry.get("name")
        if not name:
            raise InvalidInput("a declared substance needs a name", where=where)
        article = entry.get("article_fraction")
        session.add(DeclaredSubstance(declaration_id=declaration.id, substance=str(name), cas=entry.get("cas"),
                                      material=entry.get("material"), mass_fraction=_fraction(entry, where),
                                      article_fraction=None if article is None else float(article)))
    session.flush()
    return declaration


def declare_minerals(session: Session, subject: str, sources: Iterable[Mapping[str, Any]], *,
                     declared_at: datetime | None = None, valid_until: datetime | None = None,
                     source: str | None = None) -> Declaration:
    """Record a conflict-minerals declaration (CMRT): per 3TG metal, the smelter (RMI id) or origin, and
    whether it is RMAP conformant (``conformant`` True/False, ``None`` when unknown).

    Raises
    ------
    InvalidInput
        For a metal that is not tin, tantalum, tungsten or gold.
    """
    node_id, gtin = _subject(session, subject)
    declaration = Declaration(node_id=node_id, gtin=gtin, kind=DeclarationKind.MINERALS, source=source,
                              declared_at=_time(declared_at, "declared_at") or utc_now(),
                              valid_until=_time(valid_until, "valid_until"))
    session.add(declaration)
    session.flush()
    for index, entry in enumerate(sources):
        metal = str(entry.get("metal", "")).lower()
        if metal not in METALS_3TG:
            raise InvalidInput(f"{metal!r} is not one of {', '.join(METALS_3TG)}", where=f"sources[{index}]")
        session.add(MineralSource(declaration_id=declaration.id, metal=metal, smelter_id=entry.get("smelter_id"),
                                  smelter_name=entry.get("smelter_name"), country=entry.get("country"),
                                  conformant=entry.get("conformant")))
    session.flush()
    return declaration


def add_exemption(session: Session, gtin: str, exemption: str, *, cas: str | None = None, scope: str | None = None,
                  valid_from: datetime | None = None, valid_until: datetime | None = None) -> Exemption:
    """Record a RoHS exemption (Annex III/IV id such as ``7(a)``) that product ``gtin`` relies on.

    ``cas`` limits it to one substance (``None``: any restricted substance of its scope).
    """
    record = Exemption(gtin=gtin14(gtin, where="gtin"), exemption=exemption, cas=cas, scope=scope,
                       valid_from=_time(valid_from, "valid_from"), valid_until=_time(valid_until, "valid_until"))
    session.add(record)
    session.flush()
    return record


def add_certificate(session: Session, subject: str, kind: str, number: str, *, valid_from: datetime,
                    valid_until: datetime | None = None, issuer: str | None = None, revoked_at: datetime | None = None,
                    uri: str | None = None, sha256: str | None = None) -> Certificate:
    """Record a certificate about a product, lot or unit: ``EU_DoC``, ``test_report``, ``CMRT``, ``EPD``, ...

    Valid at T when ``valid_from <= T < valid_until`` and not revoked by T.
    """
    node_id, gtin = _subject(session, subject)
    record = Certificate(node_id=node_id, gtin=gtin, kind=kind, number=number, issuer=issuer,
                         valid_from=_time(valid_from, "valid_from"), valid_until=_time(valid_until, "valid_until"),
                         revoked_at=_time(revoked_at, "revoked_at"), uri=uri, sha256=sha256)
    session.add(record)
    session.flush()
    return record


# -- reading --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """A unit, a part fitted in it or a lot drawn into it (at the time asked)."""

    id: int
    identifier: str
    kind: str
    gtin: str | None
    ilmd: dict[str, Any]
    via: str | None
    leaf: bool


@dataclass(frozen=True)
class Substance:
    """One declared substance of a part, with the declaration it came from."""

    name: str
    cas: str | None
    material: str | None
    mass_fraction: float
    article_fraction: float | None
    evidence: str
    scip_reference: str | None = None
    svhc: bool = False


@dataclass
class Evidence:
    """Everything :func:`evidence` read, by unit and by part."""

    at: datetime
    parts: dict[int, list[Part]] = field(default_factory=dict)
    substances: dict[int, list[Substance] | None] = field(default_factory=dict)
    minerals: dict[int, list[dict[str, Any]] | None] = field(default_factory=dict)
    exemptions: dict[str, list[Exemption]] = field(default_factory=dict)
    certificates: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    product_certificates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _entries(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value] if value else []
    return [v for v in items if isinstance(v, dict)]


def _ilmd_substances(part: Part) -> list[Substance] | None:
    entries = _entries(part.ilmd.get("substance"))
    if not entries and not part.ilmd.get("substancesDeclared"):
        return None
    out = []
    for entry in entries:
        fraction = entry.get("massFraction")
        if fraction is None and entry.get("ppm") is not None:
            fraction = float(entry["ppm"]) / 1e6
        if fraction is None:
            continue
        out.append(Substance(str(entry.get("name") or entry.get("substance") or ""), entry.get("cas"),
                             entry.get("material"), float(fraction), entry.get("articleFraction"),
                             f"ILMD of {part.identifier}", entry.get("scipReference"), bool(entry.get("svhc"))))
    return out


def _valid(valid_from: datetime | None, valid_until: datetime | None, at: datetime) -> bool:
    return (valid_from is None or valid_from <= at) and (valid_until is None or at < valid_until)


def evidence(session: Session, roots: Sequence[int], at: datetime) -> Evidence:
    """The parts of every unit in ``roots`` at ``at`` (naive UTC) and the compliance evidence about them."""
    found = Evidence(at)
    edges: dict[int, list[Any]] = {}
    for r in compositions(session, roots, at, through_lots=False):
        edges.setdefault(r.root, []).append(r)
    node_ids = sorted(set(roots) | {r.src for rows in edges.values() for r in rows})
    n, u, lo = Node.__table__, Unit.__table__, Lot.__table__
    info: dict[int, tuple[str, str, str | None, dict[str, Any]]] = {}
    for chunk in chunks(node_ids):
        for r in session.execute(
                select(n.c.id, n.c.identifier, n.c.kind, func.coalesce(u.c.gtin, lo.c.gtin).label("gtin"),
                       func.coalesce(lo.c.ilmd, u.c.ilmd).label("ilmd"))
                .select_from(n.outerjoin(u, u.c.node_id == n.c.id).outerjoin(lo, lo.c.node_id == n.c.id))
                .where(n.c.id.in_(list(chunk)))):
            info[r.id] = (r.identifier, getattr(r.kind, "value", r.kind), r.gtin, plain(r.ilmd or {}))
    for root in roots:
        if root not in info:
            continue
        rows = edges.get(root, [])
        holders = {r.dst for r in rows}
        parts = [Part(root, *info[root], None, root not in holders)]
        seen = {root}
        for r in rows:
            if r.src in seen or r.src not in info:
                continue
            seen.add(r.src)
            parts.append(Part(r.src, *info[r.src], info[r.dst][0] if r.dst in info else None, r.src not in holders))
        found.parts[root] = parts
    gtins = sorted({i[2] for i in info.values() if i[2]})
    declarations = _declarations(session, node_ids, gtins, at)
    for node_id, (identifier, kind, gtin, ilmd) in info.items():
        part = Part(node_id, identifier, kind, gtin, ilmd, None, True)
        mine, model = declarations.get(("node", node_id)) or {}, declarations.get(("gtin", gtin)) or {}
        substances = mine.get("substances") if mine.get("substances") is not None else model.get("substances")
        from_ilmd = _ilmd_substances(part)
        if from_ilmd is not None:
            substances = (substances or []) + from_ilmd
        found.substances[node_id] = substances
        found.minerals[node_id] = mine.get("minerals") if mine.get("minerals") is not None else \
            model.get("minerals")
        found.certificates[node_id] = [
            {"kind": c.get("type") or "certificate", "number": c.get("id"), "issuer": c.get("issuer"),
             "valid_from": _time(c.get("validFrom"), "validFrom"), "valid_until": _time(c.get("validUntil"), "validUntil"),
             "revoked_at": None, "evidence": f"ILMD of {identifier}"} for c in _entries(ilmd.get("certificate"))]
    for chunk in chunks(gtins):
        for e in session.scalars(select(Exemption).where(Exemption.gtin.in_(list(chunk)))):
            found.exemptions.setdefault(e.gtin, []).append(e)
    _certificates(session, node_ids, gtins, found)
    return found


def _declarations(session: Session, node_ids: Sequence[int], gtins: Sequence[str], at: datetime
                  ) -> dict[tuple[str, Any], dict[str, Any]]:
    """The latest declaration of each kind in force at ``at`` per subject, with its substances or sources."""
    d, s, m = Declaration.__table__, DeclaredSubstance.__table__, MineralSource.__table__
    latest: dict[tuple[str, Any, str], Any] = {}
    subjects = [d.c.node_id.in_(list(c)) for c in chunks(node_ids)] + [d.c.gtin.in_(list(c)) for c in chunks(gtins)]
    rows = []
    for where in subjects:
        rows += session.execute(select(d).where(where, d.c.declared_at <= at,
                                                or_(d.c.valid_until.is_(None), d.c.valid_until > at))).all()
    for r in sorted(rows, key=lambda r: (r.declared_at, r.id)):
        key = ("node", r.node_id) if r.node_id is not None else ("gtin", r.gtin)
        latest[(*key, getattr(r.kind, "value", r.kind))] = r
    ids = [r.id for r in latest.values()]
    substances: dict[int, list[Substance]] = {i: [] for i in ids}
    minerals: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    by_id = {r.id: r for r in latest.values()}
    for chunk in chunks(ids):
        for r in session.execute(select(s).where(s.c.declaration_id.in_(list(chunk)))):
            dec = by_id[r.declaration_id]
            substances[r.declaration_id].append(Substance(r.substance, r.cas, r.material, r.mass_fraction,
                                                          r.article_fraction, f"declaration {dec.id}",
                                                          dec.scip_reference))
        for r in session.execute(select(m).where(m.c.declaration_id.in_(list(chunk)))):
            minerals[r.declaration_id].append({"metal": r.metal, "smelter_id": r.smelter_id,
                                               "smelter_name": r.smelter_name, "country": r.country,
                                               "conformant": r.conformant, "evidence": f"declaration {r.declaration_id}"})
    out: dict[tuple[str, Any], dict[str, Any]] = {}
    for (kind, subject, what), r in latest.items():
        entry = out.setdefault((kind, subject), {"substances": None, "minerals": None})
        entry[what] = substances[r.id] if what == "substances" else minerals[r.id]
    return out


def _certificates(session: Session, node_ids: Sequence[int], gtins: Sequence[str], found: Evidence) -> None:
    c = Certificate.__table__
    wheres = [c.c.node_id.in_(list(ch)) for ch in chunks(node_ids)] + [c.c.gtin.in_(list(ch)) for ch in chunks(gtins)]
    for where in wheres:
        for r in session.execute(select(c).where(where)):
            record = {"kind": r.kind, "number": r.number, "issuer": r.issuer, "valid_from": r.valid_from,
                      "valid_until": r.valid_until, "revoked_at": r.revoked_at, "evidence": f"certificate {r.id}"}
            if r.node_id is not None:
                found.certificates.setdefault(r.node_id, []).append(record)
            else:
                found.product_certificates.setdefault(r.gtin, []).append(record)


def valid_at(record: Mapping[str, Any], at: datetime) -> bool:
    """A certificate record is valid at ``at``: in its period and not revoked by then.

    Examples
    --------
    >>> valid_at({"valid_from": datetime(2024, 1, 1), "valid_until": datetime(2026, 1, 1), "revoked_at": None},
    ...          datetime(2025, 6, 1))
    True
    """
    revoked = record.get("revoked_at")
    return _valid(record.get("valid_from"), record.get("valid_until"), at) and (revoked is None or revoked > at)
