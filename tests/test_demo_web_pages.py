"""Every GET page of the web app renders for the demo world, for the public and for each role.

The routes come from ``app.url_map`` (a new page is walked as soon as it is registered); their path
parameters and query strings are filled from the demo's identifiers. Each page must answer without a
server error; a page the viewer may see must answer 200 (or redirect to its canonical form), one it
may not must ask for a login or refuse. The passport of every story's identifier is walked for the
public and for a user holding every role.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from cradletrace.models import Event, User
from cradletrace.web.auth import ROLES, access_of
from cradletrace.web.resolver import path_of
from demo_support import H, reading
from web_support import build_app, create_user, sign_in

pytestmark = pytest.mark.xdist_group("demo")
ANONYMOUS, EVERY_ROLE = "anonymous", "every role"
ELEMENT_STRING = "(01)09521234000013(21)25A0005"
"""The swapped pack in another identifier form: the resolver redirects it to its canonical page."""
MAY_BE_MISSING = {"epcis.capture_job", "epcis.named_query", "epcis.named_query_events"}
"""Pages of things the demo does not make (capture jobs of POST /epcis/capture, named queries): 404 is right."""


DOCUMENTS = {
    "quotes": {"number": H["revised_quote"], "version": "1"},
    "contracts": {"number": H["contract"]},
    "orders": {"number": H["configured_order"]},
    "invoices": {"number": "INV-000001"},
    "payments": {"number": "PAY-0001"},
    "configurations": {"code": H["configuration_model"], "configuration_id": "1"},
    "revenue": {"table": "schedule", "fmt": "csv"},
}
"""Path parameters of the quote-to-cash pages by blueprint: the demo's documents (its first configuration is id 1)."""
API_DOCUMENTS = {"api.quote": DOCUMENTS["quotes"], "api.quote_pdf": DOCUMENTS["quotes"],
                 "api.contract": DOCUMENTS["contracts"], "api.configuration": {"configuration": "1"},
                 "api.invoice": DOCUMENTS["invoices"], "api.payment": DOCUMENTS["payments"]}
"""Path parameters of the JSON API's quote-to-cash routes, the same documents."""


def viewers() -> list[str]:
    return [ANONYMOUS, *ROLES, EVERY_ROLE]


@pytest.fixture(scope="module")
def app(demo_database: str) -> Iterator[Flask]:
    with reading(demo_database) as session:
        existing = set(session.scalars(select(User.name).where(User.name.like("pages-%"))))
        for viewer in viewers()[1:]:
            name = f"pages-{viewer.replace(' ', '-')}"
            if name not in existing:
                create_user(session, name, *(ROLES if viewer == EVERY_ROLE else (viewer,)))
        session.commit()
    app = build_app(demo_database)
    yield app
    app.extensions["cradletrace.engine"].dispose()


@pytest.fixture(scope="module")
def event_id(demo_database: str) -> str:
    with reading(demo_database) as session:
        return session.scalar(select(Event.event_id).order_by(Event.id).limit(1))


def client_for(app: Flask, viewer: str) -> FlaskClient:
    client = app.test_client()
    if viewer != ANONYMOUS:
        response = sign_in(client, f"pages-{viewer.replace(' ', '-')}")
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def fill(rule: Rule, event_id: str) -> list[str]:
    """The URLs that walk ``rule`` with the demo's data (one or a few)."""
    unit, lot = H["swapped_pack"], H["recalled_lot"]
    by_endpoint = {
        "site.home": ["/", "/?q=" + quote(ELEMENT_STRING)],
        "resolver.digital_link": [path_of(unit), path_of(lot), path_of(H["pallet"]), path_of(H["hub"]),
                                  path_of(H["maker"]), "/01/" + H["product"], path_of(unit) + "?linkType=all"],
        "resolver.other_form": ["/" + quote(ELEMENT_STRING)],
        "resolver.resolve_any": ["/resolve?id=" + quote(ELEMENT_STRING)],
        "api.recall_units": ["/api/recall?id=" + quote(lot), "/api/recall?format=csv&id=" + quote(lot)],
        "recall.download": [f"/recall.{f}?id=" + quote(lot) for f in ("csv", "xlsx")],
        "api.lineage_downstream": ["/api/lineage/downstream?id=" + quote(H["recovered_lot"])],
        "labels.download": [f"/labels/download?format={f}&id=" + quote(unit) for f in ("png", "pdf")],
        "labels.batch": ["/labels/print", "/labels/print?lot=" + quote(lot)],
        "epcis.events": ["/epcis/events", "/epcis/events?EQ_bizStep=shipping&MATCH_anyEPC=" + quote(unit)],
        "epcis.event": ["/epcis/events/" + quote(event_id, safe="")],
        "epcis.capture_job": ["/epcis/capture/none-such"],
        "static": ["/static/style.css"],
    }
    if rule.endpoint in by_endpoint:
        return by_endpoint[rule.endpoint]
    values = {"resource": "bizSteps", "value": "shipping", "name": "none-such",
              **DOCUMENTS.get(rule.endpoint.split(".")[0], {}), **API_DOCUMENTS.get(rule.endpoint, {})}
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(r"<(?:[^<>:]+(?:\([^<>]*\))?:)?" + name + ">", quote(values[name], safe=""), path)
    return [path + "?id=" + quote(unit)] if rule.endpoint.startswith("api.") else [path]


def get_routes(app: Flask) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if "GET" in (r.methods or ()) and r.endpoint != "auth.logout"]


def check(client: FlaskClient, url: str, endpoint: str, access: tuple[str, frozenset[str]], viewer: str) -> int:
    machine = url.startswith(("/api/", "/epcis/"))  # these answer JSON (or XML), as the binding says
    response = client.get(url, headers={"Accept": "application/json" if machine else "text/html"})
    status, where = response.status_code, f"GET {url} ({endpoint}) as {viewer}"
    assert status < 500, f"{where}: {status} {response.get_data(as_text=True)[:500]}"
    kind, roles = access
    held = set(ROLES) if viewer == EVERY_ROLE else {viewer} if viewer != ANONYMOUS else set()
    allowed = kind == "public" or (viewer != ANONYMOUS and (not roles or bool(roles & held)))
    if not allowed:
        assert status in (302, 401, 403), f"{where}: {status}, but the page is not for this viewer"
    elif endpoint in MAY_BE_MISSING:
        assert status in (200, 404), f"{where}: {status}"
    else:
        assert status in (200, 301, 303), f"{where}: {status} {response.get_data(as_text=True)[:500]}"
        if status == 200 and response.mimetype == "text/html":
            assert "Traceback" not in response.get_data(as_text=True), where
    return status


@pytest.mark.parametrize("viewer", viewers())
def test_every_page_renders_for_the_demo(app: Flask, event_id: str, viewer: str) -> None:
    client = client_for(app, viewer)
    walked = 0
    for rule in get_routes(app):
        access = access_of(app.view_functions[rule.endpoint])
        assert access is not None, rule.endpoint
        for url in fill(rule, event_id):
            check(client, url, rule.endpoint, access, viewer)
            walked += 1
    assert walked >= 30


@pytest.mark.parametrize("viewer", [ANONYMOUS, EVERY_ROLE])
def test_the_passport_of_every_story_renders(app: Flask, viewer: str) -> None:
    client = client_for(app, viewer)
    identifiers = sorted({v for v in H.values() if v.startswith("https://")})
    statuses = {}
    for identifier in identifiers:
        response = client.get(path_of(identifier), headers={"Accept": "text/html"})
        statuses[identifier] = response.status_code
        body: Any = response.get_data(as_text=True)
        assert response.status_code == 200 and "Traceback" not in body, (identifier, response.status_code, body[:300])
    assert len(statuses) >= 25
