"""The labels API a web view calls: render(session, identifiers, fmt, ...) -> bytes, one statement a batch."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from cradletrace.errors import InvalidInput, NotFound
from cradletrace.labels import lot_units, media_type, render, serial_range
import labels_world as world
from labels_world import GTIN_PACK, LOT, PACKS, RESOLVER, SSCC, decode, pdf_pages, svg_raster


@pytest.fixture
def built(session):  # type: ignore[no-untyped-def]
    world.build(session)
    return session


def test_png_of_a_unit(built, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(built) as sent:
        data = render(built, [PACKS[0]], "png", resolver_url=RESOLVER)
    assert len(sent) == 1
    assert decode(Image.open(io.BytesIO(data))) == [f"{RESOLVER}/01/{GTIN_PACK}/21/0001?17=261231"]
    assert media_type("png") == "image/png"


def test_svg_of_an_sscc(built) -> None:  # type: ignore[no-untyped-def]
    data = render(built, [SSCC], "svg", label_size="4x6in", resolver_url=RESOLVER)
    assert decode(svg_raster(data)) == [f"{RESOLVER}/00/095060001343520017"]


def test_pdf_of_a_lot(built, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(built) as sent:
        data = render(built, lot_units(built, LOT), "pdf", layout="2x7", page="letter", resolver_url=RESOLVER)
    assert len(sent) == 3  # the lot, its units, their labels
    (page,) = pdf_pages(data, 150)
    assert decode(page) == sorted(p.replace("https://id.gs1.org", RESOLVER) + "?17=261231" for p in PACKS)


def test_zpl_of_a_serial_range(built) -> None:  # type: ignore[no-untyped-def]
    data = render(built, serial_range(built, GTIN_PACK, "0002", 3), "zpl", dpi=300, resolver_url=RESOLVER).decode()
    assert data.count("^XA") == 3 and f"^FDQA,{RESOLVER}/01/{GTIN_PACK}/21/0004?17=261231^FS" in data


def test_several_pngs_come_as_a_zip(built) -> None:  # type: ignore[no-untyped-def]
    data = render(built, PACKS[:3], "png", resolver_url=RESOLVER)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == [f"01-{GTIN_PACK}-21-000{i}.png" for i in (1, 2, 3)]
        assert decode(Image.open(io.BytesIO(archive.read(names[1])))) == [
            f"{RESOLVER}/01/{GTIN_PACK}/21/0002?17=261231"]
    assert media_type("png", 3) == "application/zip"


def test_bad_options_fail_before_any_query(built, count_statements) -> None:  # type: ignore[no-untyped-def]
    with count_statements(built) as sent:
        for kwargs in ({"fmt": "gif"}, {"fmt": "pdf", "layout": "x"}, {"fmt": "zpl", "dpi": 250},
                       {"fmt": "png", "label_size": "1x1"}):
            with pytest.raises(InvalidInput):
                render(built, [PACKS[0]], **kwargs)  # type: ignore[arg-type]
    assert sent == []
    with pytest.raises(NotFound):
        render(built, [PACKS[0], world.unit("4040")], "pdf")
