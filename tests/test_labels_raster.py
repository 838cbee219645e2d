"""PNG labels decode, with an independent decoder, to their Digital Link, at every size and resolution."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cradletrace.errors import InvalidInput
from cradletrace.labels.layout import SAFE_MARGIN, LabelSize
from cradletrace.labels.raster import png_label
from cradletrace.labels.symbol import qr_symbol
from labels_world import decode, sample_labels


@pytest.mark.parametrize(("size", "dpi"), [(LabelSize(50, 25), 300), (LabelSize(50, 25), 203),
                                           (LabelSize(101.6, 152.4), 203), (LabelSize(63.5, 33.9), 150)])
def test_png_decodes_to_its_link(size: LabelSize, dpi: int) -> None:
    (label,) = sample_labels(1, serial_width=20)  # the longest serial a GTIN takes
    image = Image.open(io.BytesIO(png_label(label, qr_symbol(label.link), size, dpi, margin=SAFE_MARGIN)))
    assert image.size == (round(size.width * dpi / 25.4), round(size.height * dpi / 25.4))
    assert round(image.info["dpi"][0]) == dpi
    assert decode(image) == [label.link]


def test_quiet_zone_and_margin_are_white() -> None:
    (label,) = sample_labels(1)
    symbol = qr_symbol(label.link)
    image = Image.open(io.BytesIO(png_label(label, symbol, LabelSize(50, 25), 300, margin=SAFE_MARGIN)))
    pixels = image.load()
    edge = round(SAFE_MARGIN * 300 / 25.4)
    width, height = image.size
    border = [(x, y) for x in range(width) for y in (*range(edge), *range(height - edge, height))]
    border += [(x, y) for y in range(height) for x in (*range(edge), *range(width - edge, width))]
    assert all(pixels[p] == 255 for p in border)


def test_too_small_for_the_symbol() -> None:
    (label,) = sample_labels(1)
    with pytest.raises(InvalidInput, match="raise --dpi or the label size"):
        png_label(label, qr_symbol(label.link), LabelSize(20, 15), 72, margin=SAFE_MARGIN)
