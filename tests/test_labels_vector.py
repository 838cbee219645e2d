"""SVG labels, rendered to a raster by resvg (not this package's code), decode to their Digital Link."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from cradletrace.labels.content import make_label
from cradletrace.labels.layout import SAFE_MARGIN, LabelSize
from cradletrace.labels.symbol import qr_symbol
from cradletrace.labels.vector import svg_label
from labels_world import DOCK, RESOLVER, decode, sample_labels, svg_raster


@pytest.mark.parametrize("size", [LabelSize(50, 25), LabelSize(101.6, 152.4), LabelSize(99.1, 38.1)])
def test_svg_decodes_to_its_link(size: LabelSize) -> None:
    (label,) = sample_labels(1, serial_width=20)
    svg = svg_label(label, qr_symbol(label.link), size, margin=SAFE_MARGIN)
    root = ElementTree.fromstring(svg)
    assert root.get("width") == f"{size.width:g}mm" and root.get("viewBox") == f"0 0 {size.width:g} {size.height:g}"
    assert decode(svg_raster(svg)) == [label.link]


def test_svg_text_is_escaped() -> None:
    label = make_label(DOCK, "location", name="Dock <1> & \"north\"", resolver_url=RESOLVER)
    svg = svg_label(label, qr_symbol(label.link), LabelSize(70, 36), margin=SAFE_MARGIN)
    texts = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert texts[:3] == ['Dock <1> & "north"', "GLN 4012345000016", "EXT DOCK1"]
    assert "".join(texts[3:]) == "(414)4012345000016(254)DOCK1"
    assert decode(svg_raster(svg)) == [label.link]
