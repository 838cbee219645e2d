"""The GS1 Digital Link resolver at the root: ``/01/{gtin}/21/{serial}``, ``/01/{gtin}/10/{lot}``,
``/01/{gtin}``, ``/00/{sscc}``, ``/414/{gln}`` (with ``/254/{extension}``) and ``/417/{gln}``.

One URL, several answers by content negotiation: the passport page for browsers, the passport as
JSON for ``Accept: application/json``, a linkset (RFC 9264, GS1 link types) for
``application/linkset+json``, and ``?linkType=gs1:pip`` (or any link type) redirects to that link.
Any other form of an identifier (element string, EPC URN, another host, a 13-digit GTIN, extra
qualifiers or data attributes) is redirected to its canonical path. An identifier that was never
commissioned here gets a plain "not registered here: possible counterfeit" answer (404), counted
per identifier in ``unknown_scans``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask.wrappers import Response
from sqlalchemy import select

from cradletrace.errors import NotFound
from cradletrace.identifiers import GS1Identifier, lgtin_uri, parse, sgtin_uri
from cradletrace.lineage import resolve
from cradletrace.models import Product
from cradletrace.passport import parse_as_of, passport_of
from cradletrace.web.auth import has_role, login_required, public
from cradletrace.web.db import get_session
from cradletrace.web.graphsvg import lineage_svg
from cradletrace.web.negotiation import prefers_json
from cradletrace.web.scans import limit_unknown, record_unknown, unknown_scans

bp = Blueprint("resolver", __name__)

PRIMARY_AIS = ("01", "00", "414", "417", "8003", "8004", "8006", "8010", "8017", "8018", "253", "255", "401", "402")
GS1_VOC = "https://gs1.org/voc/"
LINKSET = "application/linkset+json"
KEPT_QUERY = ("as_of", "view")
"""Query parameters of ours that a redirect to the canonical path keeps."""


def canonical_uri(gid: GS1Identifier) -> str:
    """The canonical Digital Link under which the core stores ``gid`` (a unit by GTIN and serial only)."""
    if gid.kind == "sgtin" and gid.gtin and gid.serial:
        return sgtin_uri(gid.gtin, gid.serial)
    if gid.kind == "lgtin" and gid.gtin and gid.lot:
        return lgtin_uri(gid.gtin, gid.lot)
    return gid.key_uri


def path_of(uri: str) -> str:
    """The path of a Digital Link on this site (the host is ours, whatever the stored one)."""
    return "/" + uri.split("://", 1)[1].split("/", 1)[1]


def canonical_path(value: str) -> str:
    """The path on this site of the canonical Digital Link of ``value`` (any accepted form, or a unique serial)."""
    text = value.strip()
    try:
        gid = parse(text)
    except Exception:  # noqa: BLE001 - not a GS1 form: a bare serial or lot the database may know
        return path_of(resolve(get_session(), text).identifier)
    return path_of(canonical_uri(gid))


def _redirect_keeping_query(path: str, code: int = 301) -> Response:
    kept = {k: v for k, v in request.args.items() if k in KEPT_QUERY or k == "linkType"}
    return redirect(quote(path, safe="/") + (f"?{urlencode(kept)}" if kept else ""), code=code)


@bp.get("/<any(" + ", ".join(f'"{a}"' for a in PRIMARY_AIS) + "):ai>/<path:rest>")
@public
def digital_link(ai: str, rest: str) -> Any:
    """Answer a Digital Link: redirect to the canonical path, or the unit's passport in the asked-for form."""
    data_attributes = {k: v for k, v in request.args.items() if k not in KEPT_QUERY and k != "linkType"}
    uri = f"https://id.gs1.org/{ai}/{rest}" + (f"?{urlencode(data_attributes)}" if data_attributes else "")
    gid = parse(uri)  # InvalidIdentifier -> 400 through the one error handler
    canonical = canonical_uri(gid)
    if path_of(canonical) != request.path or data_attributes:
        return _redirect_keeping_query(path_of(canonical))
    if gid.kind == "gtin":
        return _product(gid)
    session = get_session()
    try:
        node = resolve(session, canonical)
    except NotFound:
        return _unknown(gid)
    as_of = parse_as_of(request.args.get("as_of"))
    preview_public = request.args.get("view") == "public"
    # Built for the viewer: a public scan builds no section it may not see (passport_of).
    passport = passport_of(session, node.identifier, () if preview_public else g.roles, as_of=as_of,
                           company_prefixes=current_app.config.get("COMPANY_PREFIXES", ()))
    links = _links(node.identifier, passport)
    link_type = request.args.get("linkType")
    if link_type:
        return _pick_link(links, link_type, node.identifier)
    if _wants_linkset():
        return _linkset_response(node.identifier, links)
    if wants_json():
        response = jsonify(passport)
    else:
        sections = {s["name"]: s for s in passport["sections"]}
        lineage = sections.get("lineage")
        svg = lineage_svg(lineage["data"], url_of) if lineage and not lineage.get("locked") else None
        response = current_app.make_response(render_template(
            "passport.html", passport=passport, sections=passport["sections"], by_name=sections, svg=svg,
            as_of=request.args.get("as_of", ""), preview_public=preview_public, path=request.path))
    response.headers["Link"] = f'<{request.base_url}>; rel="linkset"; type="{LINKSET}"'
    response.vary.add("Accept")
    response.vary.add("Cookie")
    return response


def wants_json() -> bool:
    """JSON for a client that prefers it, or that sends a token without asking for HTML."""
    return prefers_json() or ("Authorization" in request.headers and not request.accept_mimetypes.accept_html)


def _wants_linkset() -> bool:
    accept = request.accept_mimetypes
    return accept.best_match([LINKSET, "application/json", "text/html"]) == LINKSET and accept[LINKSET] > 0


def _links(identifier: str, passport: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The GS1 links of a unit: its passport (pip, the default), its EPCIS events, and the sections that exist."""
    page = request.base_url
    present = {s["name"] for s in passport["sections"] if not s.get("locked")}
    links = {
        "gs1:pip": [{"href": page, "title": "Product information page (passport)", "type": "text/html"}],
        "gs1:defaultLink": [{"href": page, "title": "Passport", "type": "text/html"}],
        "gs1:epcis": [{"href": f"{request.host_url.rstrip('/')}/epcis/events?{urlencode({'MATCH_anyEPC': identifier})}",
                       "title": "EPCIS events (sign-in or token required)", "type": "application/ld+json"}],
    }
    if "footprint" in present or "sustainability" in present:
        links["gs1:sustainabilityInfo"] = [{"href": page + "#footprint", "title": "Environmental footprint",
                                            "type": "text/html"}]
    if "compliance" in present:
        links["gs1:certificationInfo"] = [{"href": page + "#compliance", "title": "Compliance and certificates",
                                           "type": "text/html"}]
    return links


def _linkset_response(identifier: str, links: dict[str, list[dict[str, str]]]) -> Response:
    anchor = request.base_url
    body = {"linkset": [{"anchor": anchor, "itemDescription": identifier,
                         **{GS1_VOC + name.split(":", 1)[1]: targets for name, targets in links.items()}}]}
    response = jsonify(body)
    response.mimetype = LINKSET
    return response


def _pick_link(links: dict[str, list[dict[str, str]]], link_type: str, identifier: str) -> Response:
    if link_type == "all" or link_type == "linkset":
        return _linkset_response(identifier, links)
    name = link_type if link_type.startswith("gs1:") else "gs1:" + link_type.removeprefix(GS1_VOC)
    targets = links.get(name)
    if not targets:
        abort(404, description=f"no {link_type!r} link for this identifier; it has {', '.join(sorted(links))}")
    return redirect(targets[0]["href"], code=307)


def _product(gid: GS1Identifier) -> Any:
    product = get_session().scalar(select(Product).where(Product.gtin == gid.gtin))
    if product is None:
        return _unknown(gid)
    data = {"gtin": product.gtin, "name": product.name, "description": product.description,
            "mass_kg": product.mass_kg, "digital_link": gid.key_uri, "registered": True}
    if wants_json():
        return jsonify({k: v for k, v in data.items() if v is not None})
    return render_template("product.html", product=data)


def _unknown(gid: GS1Identifier) -> Any:
    """Never commissioned here: count the scan (one row per identifier), say so plainly, 404."""
    limit_unknown()
    canonical = canonical_uri(gid)
    record_unknown(get_session(), canonical)
    product = None
    if gid.gtin and gid.kind != "gtin":
        product = get_session().scalar(select(Product.name).where(Product.gtin == gid.gtin))
    body = {"type": "about:blank", "title": "Not registered here", "status": 404, "registered": False,
            "identifier": canonical, "element_string": gid.element_string,
            "detail": ("this serial is not registered here: the product is known, the unit is not; "
                       "it may be counterfeit" if product else
                       "this identifier was never registered here: it may be counterfeit")}
    if product:
        body["product"] = product
    if wants_json():
        response = jsonify(body)
        response.mimetype = "application/problem+json"
        response.status_code = 404
        return response
    return render_template("not_registered.html", body=body, product=product), 404


@bp.get("/resolve")
@public
def resolve_any() -> Any:
    """``/resolve?id=ANY-FORM``: a redirect (303) to the identifier's canonical path."""
    value = request.args.get("id", "").strip()
    if not value:
        abort(400, description="give the identifier as ?id= (a Digital Link, element string or EPC URN)")
    return redirect(quote(canonical_path(value), safe="/"), code=303)


@bp.get("/<path:value>")
@public
def other_form(value: str) -> Any:
    """An identifier in another form at the root (``/(01)...(21)...``, ``/urn:epc:id:sgtin:...``,
    ``/https://other.host/01/...``): a redirect (301) to its canonical path; anything else is 404."""
    text = value if not value.startswith(("http:/", "https:/")) or "://" in value else value.replace(":/", "://", 1)
    try:
        gid = parse(text)
    except Exception:  # noqa: BLE001 - not an identifier: an ordinary unknown page
        abort(404)
    return _redirect_keeping_query(path_of(canonical_uri(gid)))


@bp.get("/unknown-scans")
@login_required("compliance", "supply_chain")
def unknown_scan_list() -> Any:
    """The identifiers scanned here that were never registered, most often asked first (possible counterfeits)."""
    rows = unknown_scans(get_session())
    if prefers_json():
        return jsonify({"unknown_scans": rows})
    return render_template("unknown_scans.html", rows=rows)


def url_of(identifier: str) -> str:
    """The link on this site to the page of a stored identifier (Digital Links), else the search."""
    if identifier.startswith("https://id.gs1.org/"):
        return quote(path_of(identifier), safe="/")
    return url_for("resolver.resolve_any", id=identifier)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"url_of": url_of, "has_role": has_role}
