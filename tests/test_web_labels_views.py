"""The labels blueprint: the label download on the passport pages (units and lots), the batch print
form (a PDF for pasted identifiers or a lot, its errors on the form), who may print, and the round
trip a scan makes: every decoded QR Code, requested through the app, lands on that unit's passport."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

import labels_world as world
from labels_world import GTIN_PACK, LOT, PACKS, decode, pdf_pages
from web_support import build_app, create_user, csrf_of, sign_in

SERVER = "http://labels.test"
HTML = {"Accept": "text/html"}
UNIT_PATH = f"/01/{GTIN_PACK}/21/0001"
LOT_PATH = f"/01/{GTIN_PACK}/10/L1"


@pytest.fixture
def built(database_url: str, session) -> Flask:  # type: ignore[no-untyped-def]
    """The app on the test's transaction, its labels pointing at :data:`SERVER`, over the labels world."""
    world.build(session)
    app = build_app(database_url, session, RESOLVER_URL=SERVER)
    yield app
    app.extensions["cradletrace.engine"].dispose()


@pytest.fixture
def warehouse(built: Flask, session) -> FlaskClient:  # type: ignore[no-untyped-def]
    from web_support import create_user, sign_in
    create_user(session, "keeper", "warehouse")
    client = built.test_client()
    assert sign_in(client, "keeper").status_code == 302
    return client


def _post(client: FlaskClient, **form: str):  # type: ignore[no-untyped-def]
    return client.post("/labels/print", data={"csrf_token": csrf_of(client), **form})


def _passport_of(client: FlaskClient, link: str):  # type: ignore[no-untyped-def]
    """Request a decoded link's path and query through the app, following its redirects."""
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == SERVER, link
    return client.get(parts.path + (f"?{parts.query}" if parts.query else ""), headers=HTML, follow_redirects=True)


def _serial_on(page: str) -> str:
    found = re.search(r"<dt>Serial</dt><dd class=\"mono\">([^<]+)</dd>", page)
    assert found, page[:500]
    return found.group(1)


# --- the round trip: label -> QR -> URL -> passport ----------------------------------------------

def test_each_decoded_png_link_resolves_to_its_units_passport(warehouse: FlaskClient) -> None:
    from io import BytesIO

    from PIL import Image

    for serial in ("0001", "0020", "0021"):  # with the CBV expiry, with cradletrace's own, with none
        response = warehouse.get(f"/labels/download?id={world.unit(serial)}&format=png")
        assert response.status_code == 200 and response.mimetype == "image/png"
        [link] = decode(Image.open(BytesIO(response.data)))
        assert ("?17=" in link) == (serial != "0021"), link
        page = _passport_of(warehouse, link)
        assert page.status_code == 200, link
        assert _serial_on(page.get_data(as_text=True)) == serial


def test_each_decoded_link_of_a_pdf_page_resolves_to_its_units_passport(warehouse: FlaskClient) -> None:
    response = _post(warehouse, lot=LOT, layout="3x8", page="a4")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [sheet] = pdf_pages(response.data, dpi=300)
    links = decode(sheet)
    assert len(links) == len(PACKS) == 12
    serials = []
    for link in links:
        page = _passport_of(warehouse, link)
        assert page.status_code == 200, link
        serials.append(_serial_on(page.get_data(as_text=True)))
    assert sorted(serials) == [f"{i:04d}" for i in range(1, 13)]


def test_the_resolver_takes_the_expiry_attribute_to_the_canonical_passport(built: Flask) -> None:
    response = built.test_client().get(UNIT_PATH + "?17=261231", headers=HTML)
    assert response.status_code == 301 and response.headers["Location"] == UNIT_PATH


# --- the download on the passport pages ----------------------------------------------------------

@pytest.mark.parametrize("path", [UNIT_PATH, LOT_PATH])
def test_staff_who_print_see_the_download_on_unit_and_lot_pages(warehouse: FlaskClient, path: str) -> None:
    page = warehouse.get(path, headers=HTML).get_data(as_text=True)
    for fmt in ("png", "svg", "pdf", "zpl"):
        assert f"/labels/download?id=" in page and f"format={fmt}" in page, fmt
    assert ("print its units" in page) == (path == LOT_PATH)
    assert 'href="/labels/print">Print labels</a>' in page, "the header links the batch page"


def test_the_public_and_other_roles_see_no_download(built: Flask, session) -> None:  # type: ignore[no-untyped-def]
    assert "/labels/download" not in built.test_client().get(UNIT_PATH, headers=HTML).get_data(as_text=True)
    from web_support import create_user, sign_in
    create_user(session, "cfo", "finance")
    finance = built.test_client()
    sign_in(finance, "cfo")
    page = finance.get(UNIT_PATH, headers=HTML).get_data(as_text=True)
    assert "/labels/download" not in page and "/labels/print" not in page


def test_the_public_preview_hides_the_download(warehouse: FlaskClient) -> None:
    assert "/labels/download" not in warehouse.get(UNIT_PATH + "?view=public", headers=HTML).get_data(as_text=True)


@pytest.mark.parametrize(("fmt", "mimetype", "start"), [
    ("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<"), ("pdf", "application/pdf", b"%PDF"),
    ("zpl", "application/vnd.zebra-zpl", b"^XA"),
])
def test_a_download_in_each_format(warehouse: FlaskClient, fmt: str, mimetype: str, start: bytes) -> None:
    response = warehouse.get(f"/labels/download?id=(01){GTIN_PACK}(10)L1&format={fmt}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.data.startswith(start) or start in response.data[:200]
    assert response.headers["Content-Disposition"] == f'attachment; filename="01-{GTIN_PACK}-10-L1.{fmt}"'
    if fmt == "zpl":
        assert f"{SERVER}/01/{GTIN_PACK}/10/L1".encode() in response.data


@pytest.mark.parametrize(("query", "status", "message"), [
    ("", 400, "?id="),
    (f"?id={world.unit('9999')}&format=png", 404, "9999"),
    (f"?id=(01){GTIN_PACK[:-1]}3(21)0001&format=png", 400, "check digit"),
    (f"?id={world.unit('0001')}&format=gif", 400, "not a label format"),
    (f"?id=https://id.gs1.org/01/{GTIN_PACK}&format=png", 404, GTIN_PACK),  # a product: no label
])
def test_download_errors(warehouse: FlaskClient, query: str, status: int, message: str) -> None:
    response = warehouse.get("/labels/download" + query, headers=HTML)
    assert response.status_code == status and message in response.get_data(as_text=True), response.data[:300]


# --- the batch print page ------------------------------------------------------------------------

def test_the_batch_form_offers_layouts_and_pages(warehouse: FlaskClient) -> None:
    page = warehouse.get(f"/labels/print?lot={LOT}").get_data(as_text=True)
    assert 'name="csrf_token"' in page and f'value="{LOT}"' in page
    for value in ('value="3x8"', 'value="2x7"', 'value="3x10"', 'value="a4"', 'value="letter"'):
        assert value in page


def test_a_pasted_selection_in_any_form_makes_a_pdf(warehouse: FlaskClient) -> None:
    pasted = "\n".join([f"(01){GTIN_PACK}(21)0002", f"urn:epc:id:sgtin:9506000.013435.0003",
                        world.unit("0004").replace("id.gs1.org", "other.example"), "  ", "B1"])
    response = _post(warehouse, identifiers=pasted, layout="2x7", page="letter")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="labels-4.pdf"'
    assert len(decode(pdf_pages(response.data, dpi=300)[0])) == 4


@pytest.mark.parametrize(("form", "status", "named"), [
    ({"identifiers": f"{world.unit('0001')}\n(01){GTIN_PACK[:-1]}3(21)0002"}, 400,
     f"line 2, (01){GTIN_PACK[:-1]}3(21)0002"),
    ({"identifiers": f"{world.unit('0001')}\n{world.unit('0404')}"}, 404, "0404"),
    ({"identifiers": "NOSUCHSERIAL"}, 404, "NOSUCHSERIAL"),
    ({"lot": f"(01){GTIN_PACK}(10)L9"}, 404, "L9"),
    ({"lot": world.unit("0001")}, 400, "not a lot"),
    ({"identifiers": world.unit("0001"), "layout": "9x40"}, 400, "layout: 9 x 40 labels"),
    ({"identifiers": world.unit("0001"), "lot": LOT}, 400, "not both"),
    ({}, 400, "Paste identifiers"),
])
def test_batch_errors_are_shown_on_the_form(warehouse: FlaskClient, form: dict, status: int, named: str) -> None:  # type: ignore[type-arg]
    response = _post(warehouse, **form)
    page = response.get_data(as_text=True)
    assert response.status_code == status and response.mimetype == "text/html"
    assert 'role="alert"' in page and named in page and "<textarea" in page, page[:800]
    if "identifiers" in form:
        assert form["identifiers"].splitlines()[0] in page, "the pasted text is kept"


def test_the_batch_form_needs_its_csrf_token(warehouse: FlaskClient) -> None:
    response = warehouse.post("/labels/print", data={"lot": LOT})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [None, "finance", "sustainability"])
def test_only_the_printing_roles_reach_the_label_views(built: Flask, session, role) -> None:  # type: ignore[no-untyped-def]
    from web_support import create_user, sign_in
    client = built.test_client()
    if role:
        create_user(session, f"u_{role}", role)
        sign_in(client, f"u_{role}")
    for url in ("/labels/print", f"/labels/download?id={world.unit('0001')}"):
        response = client.get(url, headers=HTML)
        assert response.status_code == (302 if role is None else 403), (url, role)


def test_supply_chain_prints_too(built: Flask, session) -> None:  # type: ignore[no-untyped-def]
    from web_support import create_user, sign_in
    create_user(session, "planner", "supply_chain")
    client = built.test_client()
    sign_in(client, "planner")
    assert client.get(f"/labels/download?id={world.unit('0001')}&format=svg").status_code == 200
