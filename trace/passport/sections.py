"""The sections of a passport: one builder each, in the order the page shows them.

A builder takes the :class:`Context` of one passport and returns the section's data, or ``None``
when the unit has no such data (the section is then absent, never a placeholder). Each
:class:`Section` carries its :class:`~cradletrace.passport.visibility.Visibility`: the data is built
in full and :func:`~cradletrace.passport.visibility.for_viewer` cuts it for a viewer; a section the
viewer may not see at all is not built for them (:func:`cradletrace.passport.passport_of`), only asked
whether it has data (``present``), for its locked heading.

Adding a section (for example ``footprint`` from cradletrace.metrics): write ``build(ctx) -> dict |
None``, append ``Section("footprint", "Environmental footprint", build, Visibility(...))`` to
:data:`SECTIONS` at its place (with a cheap ``present(ctx) -> bool`` when not everyone may see it),
and give the web app a template ``passport/sections/footprint.html`` (without one, a generic table of
the data is shown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from cradletrace import lineage
from cradletrace.commerce.chain import for_unit, has_documents
from cradletrace.compliance.declarations import evidence
from cradletrace.compliance.reasons import worst
from cradletrace.compliance.status import RULES, Status, rollup
from cradletrace.contracts.entitlement import Coverage
from cradletrace.contracts.entitlement import entitlement as contract_entitlement
from cradletrace.contracts.links import has_contract
from cradletrace.identifiers import GS1Identifier, parse, to_epc_urn
from cradletrace.lifecycle.common import our_party
from cradletrace.lineage import NodeRef, RecallRow, recall_counts
from cradletrace.lineage.sql import MATERIAL_KINDS
from cradletrace.log.chain import link
from cradletrace.metrics import GHG_STAGES, footprint_rows, gather, material_rows
from cradletrace.metrics.footprint import gather_mass, summarise
from cradletrace.metrics.materials import recovery_rows, summarise_materials
from cradletrace.models import (
    GENESIS_CHAIN_HASH, BizTransaction, Edge, Event, Location, Node, NodeKind, Party, Product, UnitState,
)
from cradletrace.passport.visibility import COMMERCIAL, CUSTODY, ENTITLEMENT, PUBLIC, RECALL, STAFF, Visibility
from cradletrace.timestamps import to_iso, utc_now

LINEAGE_DEPTH = 6
"""Edges the passport's lineage graph follows from the unit at most (the page stays readable and fast)."""
LINEAGE_NODES = 150
"""Nodes the passport's lineage graph shows at most; the rest are counted, not drawn."""
COMPLIANCE_EVIDENCE = frozenset({"sustainability"})
"""Who, besides custody roles, may see the evidence behind a compliance reason (declarations, certificates)."""
PUBLIC_NODE_KINDS = frozenset({"unit", "lot", "product", "logistic_unit"})
"""Lineage nodes the public sees: things, not documents, parties or places."""
WHERE_USED_ROWS = 500
"""Affected units the where-used section lists at most (the pages' usual cut, the web app's ``UNITS_SHOWN``); the
rest are counted, and every one is in the section's downloads."""

STAGES = ("materials", "manufacture", "sale", "shipment", "invoice", "payment", "service", "end of life")
"""The timeline's stage chips, in life order."""
_STAGE_BY_STEP = {
    **dict.fromkeys(("commissioning", "creating_class_instance", "assembling", "packing", "encoding", "labelling",
                     "inspecting", "repackaging"), "manufacture"),
    **dict.fromkeys(("retail_selling", "sold", "selling"), "sale"),
    **dict.fromkeys(("shipping", "receiving", "departing", "arriving", "unpacking", "loading", "unloading",
                     "staging_outbound", "transporting", "accepting", "storing", "picking", "holding"), "shipment"),
    **dict.fromkeys(("installing", "repairing", "replacing", "removing", "maintaining", "refurbishing",
                     "returning", "reselling", "servicing"), "service"),
    **dict.fromkeys(("decommissioning", "disassembling", "dismantling", "destroying", "disposing", "recycling",
                     "collecting"), "end of life"),
}
_STAGE_BY_DOCUMENT = {"inv": "invoice", "pay": "payment", "po": "sale", "poc": "sale", "rma": "service"}


def short_step(biz_step: str | None) -> str | None:
    """The bare name of a CBV or cradletrace bizStep.

    Examples
    --------
    >>> short_step("https://ref.gs1.org/cbv/BizStep-shipping"), short_step("retail_selling"), short_step(None)
    ('shipping', 'retail_selling', None)
    """
    if biz_step is None:
        return None
    return biz_step.rsplit("BizStep-", 1)[-1] if "BizStep-" in biz_step else biz_step.rsplit(":", 1)[-1]


def stage_of(biz_step: str | None, kind: str = "unit", event_type: str | None = None) -> str | None:
    """The life-cycle stage of an event from its bizStep (a lot's commissioning is its materials stage).

    Examples
    --------
    >>> stage_of("commissioning"), stage_of("commissioning", "lot"), stage_of("shipping"), stage_of("BizStep-recycling")
    ('manufacture', 'materials', 'shipment', 'end of life')
    >>> stage_of(None, event_type="TransformationEvent")
    'manufacture'
    """
    step = short_step(biz_step)
    stage = _STAGE_BY_STEP.get(step or "")
    if stage is None and event_type == "TransformationEvent":
        stage = "manufacture"
    if stage == "manufacture" and kind == "lot" and step == "commissioning":
        return "materials"
    return stage


def document_stage(document_type: str | None) -> str | None:
    """The stage a business transaction type marks (``inv`` -> invoice, ``pay`` -> payment, ``po`` -> sale)."""
    return _STAGE_BY_DOCUMENT.get(short_step(document_type) or "") if document_type else None


def iso(value: datetime | None) -> str | None:
    return to_iso(value) if value is not None else None


@dataclass
class Context:
    """What every builder of one passport shares: the node, the moment, and lazily read rows."""

    session: Session
    node: NodeRef
    as_of: datetime | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def moment(self) -> datetime:
        return self.as_of or self.now

    @cached_property
    def now(self) -> datetime:
        return utc_now()

    @cached_property
    def gs1(self) -> GS1Identifier | None:
        try:
            return parse(self.node.identifier)
        except Exception:  # noqa: BLE001 - a non-GS1 URI (document, private identifier)
            return None

    @cached_property
    def product(self) -> Product | None:
        gtin = self.gs1.gtin if self.gs1 else None
        return self.session.scalar(select(Product).where(Product.gtin == gtin)) if gtin else None

    @cached_property
    def state(self) -> dict[str, Any] | None:
        place, owner = aliased(Node), aliased(Node)
        row = self.session.execute(
            select(UnitState, place.identifier.label("place"), Location.name.label("place_name"),
                   Location.country.label("country"), owner.identifier.label("owner"), Party.name.label("owner_name"))
            .outerjoin(place, place.id == UnitState.biz_location_id)
            .outerjoin(Location, Location.node_id == UnitState.biz_location_id)
            .outerjoin(owner, owner.id == UnitState.owner_id)
            .outerjoin(Party, Party.node_id == UnitState.owner_id)
            .where(UnitState.node_id == self.node.id)).first()
        if row is None:
            return None
        state = row[0]
        return {"status": state.status.value, "disposition": short_step(state.disposition),
                "biz_step": short_step(state.biz_step), "commissioned_at": state.commissioned_at,
                "last_event_time": state.last_event_time, "place": row.place, "place_name": row.place_name,
                "country": row.country, "owner": row.owner, "owner_name": row.owner_name}

    @cached_property
    def history(self) -> list[lineage.HistoryEntry]:
        return lineage.history(self.session, self.node.identifier, include_parts=False)

    def labels(self, identifiers: list[str]) -> dict[str, str]:
        """People's names for identifiers (product name and serial or lot), from one query of products."""
        parsed: dict[str, GS1Identifier] = {}
        for identifier in identifiers:
            try:
                parsed[identifier] = parse(identifier)
            except Exception:  # noqa: BLE001
                continue
        gtins = {p.gtin for p in parsed.values() if p.gtin}
        names = dict(self.session.execute(select(Product.gtin, Product.name).where(Product.gtin.in_(gtins)))
                     .all()) if gtins else {}
        out = {}
        for identifier in identifiers:
            p = parsed.get(identifier)
            out[identifier] = (lineage.label(identifier, names.get(p.gtin), p.serial, p.lot) if p
                               else lineage.label(identifier))
        return out


Builder = Callable[[Context], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Section:
    """One section of the passport: its name, heading, builder and who may see it.

    ``present`` answers cheaply whether the builder would return data, for the locked heading a viewer who
    may not see the section gets (:func:`cradletrace.passport.passport_of`); without one, the section is
    built to know.
    """

    name: str
    title: str
    build: Builder
    visibility: Visibility = Visibility(STAFF)
    present: Callable[[Context], bool] | None = None


# --- builders ------------------------------------------------------------------------------------

def identity(ctx: Context) -> dict[str, Any]:
    gs1, product = ctx.gs1, ctx.product
    data: dict[str, Any] = {"kind": ctx.node.kind, "digital_link": ctx.node.identifier}
    if gs1 is not None:
        data.update({"gtin": gs1.gtin, "serial": gs1.serial, "lot": gs1.lot, "element_string": gs1.element_string,
                     "sscc": gs1.primary_value if gs1.primary_ai == "00" else None,
                     "gln": gs1.primary_value if gs1.primary_ai in ("414", "417") else None})
        prefixes = ctx.extras.get("company_prefixes") or ()
        if prefixes:
            data["epc_urn"] = to_epc_urn(ctx.node.identifier, prefixes)
    if product is not None:
        data.update({"product": product.name, "description": product.description, "mass_kg": product.mass_kg})
    data["label"] = ctx.labels([ctx.node.identifier])[ctx.node.identifier]
    return {k: v for k, v in data.items() if v is not None}


def status(ctx: Context) -> dict[str, Any] | None:
    state = ctx.state
    if state is None:
        return None
    recalled = state["disposition"] in ("recalled",) or state["biz_step"] == "holding" and \
        state["disposition"] == "recalled"
    data = {"status": state["status"], "disposition": state["disposition"], "biz_step": state["biz_step"],
            "under_recall": recalled, "commissioned_at": iso(state["commissioned_at"]),
            "last_event_time": iso(state["last_event_time"]), "country": state["country"],
            "place": state["place"], "place_name": state["place_name"], "owner": state["owner"],
            "owner_name": state["owner_name"]}
    return {k: v for k, v in data.items() if v is not None}


def integrity(ctx: Context) -> dict[str, Any] | None:
    """Whether each of the unit's log entries links to the entry before it in the hash chain.

    One statement reads the entries with their predecessors' chain hashes; each link is recomputed
    (:func:`cradletrace.log.chain.link`). It shows that the unit's own history was not edited
    without rewriting the chain; ``cradletrace audit verify`` checks the whole log.
    """
    ids = [e.event_id for e in ctx.history]
    if not ids:
        return None
    before = aliased(Event)
    rows = ctx.session.execute(
        select(Event.event_id, Event.event_hash, Event.payload, Event.chain_hash, Event.id, before.chain_hash)
        .outerjoin(before, before.id == Event.id - 1).where(Event.event_id.in_(ids))).all()
    broken = [r[0] for r in rows
              if link(r[5] if r[5] is not None else GENESIS_CHAIN_HASH if r[4] == 1 else "", r[1], r[2]) != r[3]]
    return {"entries": len(rows), "intact": not broken, "broken": broken}


def timeline(ctx: Context) -> dict[str, Any] | None:
    entries = ctx.history
    if not entries:
        return None
    documents: dict[str, list[dict[str, Any]]] = {}
    ids = [e.event_id for e in entries]
    doc_node = aliased(Node)
    for event_id, identifier, kind in ctx.session.execute(
            select(Event.event_id, doc_node.identifier, BizTransaction.type)
            .join(BizTransaction, BizTransaction.event_id == Event.id)
            .join(doc_node, doc_node.id == BizTransaction.node_id)
            .where(Event.event_id.in_(ids))):
        documents.setdefault(event_id, []).append({"identifier": identifier, "type": short_step(kind)})
    places = {e.biz_location for e in entries if e.biz_location}
    names = dict(ctx.session.execute(select(Node.identifier, Location.name).join(Location, Location.node_id == Node.id)
                                     .where(Node.identifier.in_(places))).all()) if places else {}
    events = []
    for e in entries:
        docs = documents.get(e.event_id, [])
        stage = stage_of(e.biz_step, ctx.node.kind, e.event_type)
        events.append({
            "time": iso(e.event_time), "stage": stage, "biz_step": short_step(e.biz_step), "event_type": e.event_type,
            "action": e.action, "disposition": short_step(e.disposition), "location": e.biz_location,
            "location_name": names.get(e.biz_location), "event_id": e.event_id, "documents": docs,
            "document_stages": sorted({s for d in docs if (s := document_stage(d["type"]))} - {stage}),
            "retracted": e.retracted_by is not None, "declares_error": e.declares_error})
    return {"stages": [s for s in STAGES if any(s == ev["stage"] for ev in events)], "events": events}


def composition(ctx: Context) -> dict[str, Any] | None:
    if ctx.node.kind not in ("unit", "logistic_unit"):
        return None
    found = lineage.composition(ctx.session, ctx.node.identifier, ctx.as_of)
    parts = [r for r in found.parts if r.edge_kind == "part_of"]
    built = [r for r in found.as_built if r.edge_kind == "part_of"]
    if not parts and not built and not found.added and not found.removed:
        return None
    labels = ctx.labels(sorted({r.identifier for r in (*parts, *built)} | {c.identifier for c in found.removed}))
    added = {c.identifier for c in found.added}

    def row(r: lineage.LineageRow) -> dict[str, Any]:
        return {"identifier": r.identifier, "label": labels.get(r.identifier), "kind": r.kind, "depth": r.depth,
                "parent": r.via, "since": iso(r.valid_from), "until": iso(r.valid_to),
                "swapped_in": r.identifier in added}

    def change(c: lineage.Change) -> dict[str, Any]:
        return {"identifier": c.identifier, "label": labels.get(c.identifier), "parent": c.parent,
                "time": iso(c.time), "event_id": c.event_id}

    return {"at": iso(found.at), "built_at": iso(found.built_at), "parts": [row(r) for r in parts],
            "as_built": [row(r) for r in built], "added": [change(c) for c in found.added],
            "removed": [change(c) for c in found.removed]}


def has_where_used(ctx: Context) -> bool:
    """Whether anything was made from the node or holds it (an ``input_of`` or ``part_of`` edge out of it that
    was not retracted), which is when :func:`where_used` has a list to show: one statement.

    A pallet or case is not something that holds a part for a recall: a pack that was only ever shipped on
    pallets has no list (its own would be itself alone).
    """
    into = aliased(Node)
    return ctx.session.scalar(
        select(Edge.id).join(into, into.id == Edge.dst)
        .where(Edge.src == ctx.node.id, Edge.kind.in_(MATERIAL_KINDS), Edge.retracted.is_(False),
               into.kind != NodeKind.LOGISTIC_UNIT).limit(1)) is not None


def where_used(ctx: Context) -> dict[str, Any] | None:
    """The recall list of a lot or of a part: every unit made from it or holding it, at any depth, with its state,
    place, owner and possessor now, and the counts above it (:func:`cradletrace.lineage.recall_counts`).

    One call of :func:`cradletrace.lineage.recall` (one recursive query, whatever the number of units), so the
    rows are the ones ``cradletrace report recall`` writes; a unit's own list starts with itself (depth 0), as a
    recall of it does. The first :data:`WHERE_USED_ROWS` are listed, the rest counted. The list is today's,
    whatever the passport's as-of date: a recall acts on where the units are now. Our party (the seller, from
    ``extras`` or ``CRADLETRACE_SELLER``) tells the units at our sites from those at customers. ``None`` when
    nothing was made from the node or holds it.
    """
    if not has_where_used(ctx):
        return None
    rows = lineage.recall(ctx.session, ctx.node.identifier)
    ours = our_party(ctx.extras.get("seller"))

    def unit(r: RecallRow) -> dict[str, Any]:
        return {"identifier": r.identifier, "label": lineage.label(r.identifier, r.product, r.serial),
                "product": r.product, "gtin": r.gtin, "serial": r.serial, "depth": r.depth, "status": r.status,
                "disposition": r.disposition, "biz_step": r.biz_step, "in_service": r.in_service,
                "on_hold": r.on_hold, "place": r.biz_location, "place_name": r.biz_location_name, "owner": r.owner,
                "owner_name": r.owner_name, "ours": ours is not None and r.owner == ours, "possessor": r.possessor,
                "possessor_name": r.possessor_name, "last_event_time": iso(r.last_event_time)}

    shown = rows[:WHERE_USED_ROWS]
    return {"counts": recall_counts(rows, ours), "ours": ours, "units": [unit(r) for r in shown],
            "not_shown": len(rows) - len(shown)}


def lineage_graph(ctx: Context) -> dict[str, Any] | None:
    graph = lineage.subgraph(ctx.session, ctx.node.identifier, "both", ctx.as_of, max_depth=LINEAGE_DEPTH)
    if graph.number_of_edges() == 0:
        return None
    data = lineage.to_data(graph)
    keep = {n["id"] for n in data["nodes"][:LINEAGE_NODES]} | {ctx.node.identifier}
    labels = ctx.labels([n["id"] for n in data["nodes"] if n["id"] in keep and "label" not in n])

    def node(n: dict[str, Any]) -> dict[str, Any]:
        return {"id": n["id"], "kind": n.get("kind"), "label": n.get("label") or labels.get(n["id"], n["id"]),
                "status": n.get("status")}

    def edge(e: dict[str, Any]) -> dict[str, Any]:
        return {"source": e["source"], "target": e["target"], "kind": e.get("kind"),
                "since": iso(e.get("valid_from")), "until": iso(e.get("valid_to")), "event_id": e.get("event_id")}

    kinds = {n["id"]: n.get("kind") for n in data["nodes"]}
    things = [node(n) for n in data["nodes"] if n["id"] in keep and kinds[n["id"]] in PUBLIC_NODE_KINDS]
    others = [node(n) for n in data["nodes"] if n["id"] in keep and kinds[n["id"]] not in PUBLIC_NODE_KINDS]
    public_ids = {n["id"] for n in things}
    edges = [edge(e) for e in data["edges"] if e["source"] in keep and e["target"] in keep]
    root = ctx.node.identifier
    return {
        "root": root, "nodes": things, "edges": [e for e in edges if {e["source"], e["target"]} <= public_ids],
        "document_nodes": others, "document_edges": [e for e in edges if not {e["source"], e["target"]} <= public_ids],
        "made_from": [e["source"] for e in edges if e["target"] == root and e["kind"] == "input_of"
                      and e["source"] in public_ids],
        "became": [e["target"] for e in edges if e["source"] == root and e["kind"] == "input_of"],
        "not_shown": max(0, graph.number_of_nodes() - len(keep)),
    }


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def footprint(ctx: Context) -> dict[str, Any] | None:
    """The carbon footprint by life-cycle stage at the passport's moment, with the material mass and
    recycled content (:mod:`cradletrace.metrics`, one gather for both); ``None`` when nothing of the
    unit's composition could be counted (no lots drawn, no energy, no transport, no factors).

    The gaps are the rows the metrics could not compute: shown as missing data, never as zero.
    """
    if ctx.node.kind != "unit":
        return None
    world = gather(ctx.session, [ctx.node.id], ctx.moment)
    rows = footprint_rows(world)
    material = material_rows(world)
    if not rows and not material:
        return None
    fp = summarise(ctx.node.identifier, ctx.moment, rows, gather_mass(rows))
    recovery = recovery_rows(world)
    mat = summarise_materials(ctx.node.identifier, ctx.moment, material, recovery[0]["mass_kg"] if recovery else None,
                              recovery[0]["recovered_kg"] if recovery else None)
    stages = [{"stage": s, "label": s.replace("_", " "), "ghg_stage": GHG_STAGES[s], "kg_co2e": _rounded(v)}
              for s, v in fp.stages.items()]
    gaps = [{"stage": r["stage"], "module": r["module"], "subject": r["subject"], "missing": r["missing"]}
            for r in fp.gaps]
    explained = [{k: r[k] for k in ("stage", "module", "subject", "activity", "activity_unit", "factor_key",
                                    "factor", "factor_unit", "factor_source", "factor_year", "kg_co2e", "event_id")}
                 for r in fp.rows if r["kg_co2e"] is not None]
    return {"at": iso(fp.at), "unit": "kg CO2e", "stages": stages, "total_kg_co2e": _rounded(fp.total),
            "credits_kg_co2e": _rounded(fp.credits), "per_kg": _rounded(fp.per_kg), "mass_kg": fp.mass_kg,
            "complete": fp.complete, "gaps": gaps, "rows": explained,
            "materials": {"by_material": {k: _rounded(v) for k, v in sorted(mat.by_material.items())},
                          "material_mass_kg": _rounded(mat.material_mass_kg),
                          "recycled_share": _rounded(mat.recycled_share, 4),
                          "recycled_pre_share": _rounded(mat.recycled_pre_share, 4),
                          "recycled_post_share": _rounded(mat.recycled_post_share, 4),
                          "undeclared": list(mat.undeclared)}}


def compliance(ctx: Context) -> dict[str, Any] | None:
    """The compliance status at the passport's moment with its reasons (the rules of
    :func:`cradletrace.compliance.status`, on one read of the evidence).

    ``None`` when no evidence at all is recorded for the unit or any of its parts (no substance
    declaration, mineral source or certificate): the section appears with the first one. The
    chain-of-custody findings are not run here (they scan the whole log; ``cradletrace findings``
    and the compliance report have them), so the passport's status is that of the declarations,
    substances, minerals and certificates.
    """
    if ctx.node.kind != "unit":
        return None
    found = evidence(ctx.session, [ctx.node.id], ctx.moment)
    parts = found.parts.get(ctx.node.id)
    if not parts or not (any(found.substances.get(p.id) is not None or found.minerals.get(p.id)
                             or found.certificates.get(p.id) for p in parts)
                         or found.product_certificates.get(parts[0].gtin or "")):
        return None
    reasons = rollup(parts, found, ctx.moment, {})
    result = Status(parts[0].identifier, parts[0].gtin, ctx.moment, worst([r["status"] for r in reasons]),
                    {rule: worst([r["status"] for r in reasons if r["rule"] == rule]) for rule in RULES if rule != "custody"},
                    tuple(reasons))
    return {"at": iso(result.at), "status": result.status, "rules": result.rules,
            "reasons": [{"rule": r["rule"], "status": r["status"], "message": r["message"], "subject": r["subject"],
                         "via": r["via"], "evidence": r["evidence"]} for r in reasons],
            "responsible": list(result.responsible)}


def commercial_chain(ctx: Context) -> dict[str, Any] | None:
    """The unit's commercial documents in chain order (:func:`cradletrace.commerce.chain.for_unit`):
    quote, order, shipments, invoices, payments, RMA, credit notes; ``None`` when it has none."""
    if ctx.node.kind != "unit":
        return None
    documents = for_unit(ctx.session, ctx.node.identifier)
    if not documents:
        return None
    return {"documents": [
        {"identifier": d.identifier, "kind": d.kind, "number": d.number, "version": d.version, "status": d.status,
         "amount": None if d.amount is None else str(d.amount), "currency": d.currency,
         "created_at": iso(d.created_at)} for d in documents]}


def has_commercial_chain(ctx: Context) -> bool:
    """Whether :func:`commercial_chain` has documents to show: one statement."""
    return ctx.node.kind == "unit" and has_documents(ctx.session, ctx.node.id)


def has_entitlement(ctx: Context) -> bool:
    """Whether :func:`entitlement` has a contract to show: one statement."""
    return ctx.node.kind == "unit" and has_contract(ctx.session, ctx.node.id)


def entitlement(ctx: Context) -> dict[str, Any] | None:
    """The unit's warranty and service-plan coverage at the passport's moment, and why
    (:func:`cradletrace.contracts.entitlement`: its contract, when control passed, each coverage); ``None``
    when no contract covers the unit (no document of it leads to one).

    The reasons are the ones without detail, which every role that sees the section may read: the customer,
    where and by which event control passed are fields of their own (``customer``, ``control.location``,
    ``control.event_id``), each seen by the roles :data:`SECTIONS` gives it, as in the rest of the passport;
    the credit note that ended a coverage is named in the commercial chain.
    """
    if ctx.node.kind != "unit":
        return None
    found = contract_entitlement(ctx.session, ctx.node.identifier, ctx.moment, detail=False)
    if found.contract is None:
        return None
    control = found.control

    def coverage(c: Coverage) -> dict[str, Any]:
        return {"kind": c.kind, "name": c.name, "code": c.code, "months": c.months, "starts_at": iso(c.starts_at),
                "ends_at": iso(c.ends_at), "covers": list(c.covers), "active": c.active, "reason": c.reason}

    return {"at": iso(found.at), "covered": found.covered, "under_warranty": found.under_warranty,
            "contract": found.contract, "contract_status": found.contract_status, "customer": found.customer,
            "terms_version": found.terms_version,
            "control": None if control is None else {"at": iso(control.at), "biz_step": control.biz_step,
                                                     "location": control.location, "event_id": control.event_id},
            "coverages": [coverage(c) for c in (found.warranty, *found.plans) if c is not None],
            "reasons": list(found.reasons)}


SECTIONS: list[Section] = [
    Section("identity", "Identity", identity, Visibility(PUBLIC)),
    Section("status", "Status and place", status, Visibility(PUBLIC, {
        "place": CUSTODY, "place_name": CUSTODY, "owner": COMMERCIAL, "owner_name": COMMERCIAL})),
    Section("integrity", "History check", integrity, Visibility(PUBLIC, {"broken": CUSTODY})),
    Section("footprint", "Environmental footprint", footprint, Visibility(PUBLIC, {"rows[].event_id": CUSTODY})),
    Section("compliance", "Compliance", compliance, Visibility(PUBLIC, {
        "reasons[].evidence": CUSTODY | COMPLIANCE_EVIDENCE})),
    Section("composition", "Components", composition, Visibility(PUBLIC, {
        "added[].event_id": CUSTODY, "removed[].event_id": CUSTODY})),
    Section("where_used", "Where used", where_used, Visibility(RECALL, public_heading=False), has_where_used),
    Section("timeline", "Life-cycle timeline", timeline, Visibility(PUBLIC, {
        "events[].location": CUSTODY, "events[].location_name": CUSTODY, "events[].event_id": CUSTODY,
        "events[].documents": COMMERCIAL, "events[].document_stages": COMMERCIAL})),
    Section("commercial_chain", "Commercial chain", commercial_chain, Visibility(COMMERCIAL), has_commercial_chain),
    Section("entitlement", "Warranty and service entitlement", entitlement, Visibility(ENTITLEMENT, {
        "customer": COMMERCIAL, "control.location": CUSTODY, "control.event_id": CUSTODY}), has_entitlement),
    Section("lineage", "Lineage", lineage_graph, Visibility(PUBLIC, {
        "document_nodes": COMMERCIAL, "document_edges": COMMERCIAL, "edges[].event_id": CUSTODY})),
]
"""The passport's sections in page order (UI.md: identity, sustainability, materials, compliance, ...)."""
