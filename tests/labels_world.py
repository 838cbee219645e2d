"""A small world for the label tests: products, units with ILMD, a lot, an SSCC and a location.

Not a test module: the label tests import it by name (conftest puts this folder on the path).

* GTIN_PACK "Battery pack 48 V": units 0001..0012, commissioned with the CBV ILMD lotNumber L1 and
  itemExpirationDate 2026-12-31; units 0020 and 0021 of lot L2 through cradletrace's own ILMD names
  (as the lifecycle services write them), 0021 with no expiry;
* GTIN_BMS "BMS board": units B1, B2 (no ILMD), and B3 made from the material lot RM1 (input_of);
* the lot (01)GTIN_PACK(10)L1, observed by quantity; the SSCC; the location DOCK1 of GLN 4012345000016.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from cradletrace.lifecycle.events import object_event, quantity, transformation_event
from cradletrace.lifecycle.masterdata import add_location, add_product
from cradletrace.log.capture import capture_events

GTIN_PACK, GTIN_BMS, GTIN_MATERIAL = "09506000134352", "09506000134369", "09506000134376"
MDA = "{urn:epcglobal:cbv:mda:}"
CT = "{https://ns.cradletrace.org/voc/}"
RESOLVER = "https://trace.example.com"
SSCC = "https://id.gs1.org/00/095060001343520017"
DOCK = "https://id.gs1.org/414/4012345000016/254/DOCK1"
LOT = f"https://id.gs1.org/01/{GTIN_PACK}/10/L1"
MATERIAL = f"https://id.gs1.org/01/{GTIN_MATERIAL}/10/RM1"
WHEN = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def unit(serial: str, gtin: str = GTIN_PACK) -> str:
    return f"https://id.gs1.org/01/{gtin}/21/{serial}"


PACKS = [unit(f"{i:04d}") for i in range(1, 13)]


def build(session: Session) -> None:
    add_product(session, GTIN_PACK, "Battery pack 48 V")
    add_product(session, GTIN_BMS, "BMS board")
    packs = object_event("ADD", PACKS, when=WHEN, biz_step="commissioning", disposition="active")
    packs["ilmd"] = {MDA + "lotNumber": "L1", MDA + "itemExpirationDate": "2026-12-31"}
    own = object_event("ADD", [unit("0020")], when=WHEN, biz_step="commissioning", disposition="active")
    own["ilmd"] = {CT + "lotNumber": "L2", CT + "itemExpirationDate": "2027-06-30"}
    plain = object_event("ADD", [unit("0021"), unit("B1", GTIN_BMS), unit("B2", GTIN_BMS), SSCC], when=WHEN,
                         biz_step="commissioning", disposition="active")
    lots = object_event("ADD", quantities=[quantity(LOT, 12), quantity(MATERIAL, 5.0, "KGM")], when=WHEN,
                        biz_step="commissioning", disposition="active")
    made = transformation_event(input_quantities=[quantity(MATERIAL, 1.0, "KGM")], outputs=[unit("B3", GTIN_BMS)],
                                when=WHEN.replace(hour=10), biz_step="commissioning", disposition="active")
    capture_events(session, [packs, own, plain, lots, made], name="labels world")
    add_location(session, DOCK, "Dock 1, north hall")
    session.flush()


def decode(image) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of every QR Code zxing-cpp (an independent decoder) finds in a Pillow image."""
    import zxingcpp

    return sorted(r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))


def svg_raster(svg: bytes | str, dpi: float = 300.0):  # type: ignore[no-untyped-def]
    """An SVG rendered by resvg (a renderer of its own, not this package's code) as a Pillow image."""
    import io

    import resvg_py
    from PIL import Image

    text = svg.decode() if isinstance(svg, bytes) else svg
    return Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=text, dpi=dpi, background="#ffffff"))))


def pdf_pages(pdf: bytes, dpi: float = 200.0) -> list:  # type: ignore[type-arg]
    """Each page of a PDF rasterised by PDFium, as Pillow images."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


def sample_labels(count: int, *, name: str = "Battery pack 48 V, lithium iron phosphate", serial_width: int = 4):  # type: ignore[no-untyped-def]
    """``count`` unit labels made without a database (for the renderers' tests)."""
    from datetime import date

    from cradletrace.labels.content import make_label

    return [make_label(unit(f"{i:0{serial_width}d}"), "unit", name=name, expiry=date(2026, 12, 31),
                       resolver_url=RESOLVER) for i in range(1, count + 1)]
