"""PDF sheets: N labels on ceil(N / labels per page) pages, every symbol decoded from the rasterised
pages (PDFium), and nothing printed outside the labels' safe areas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cradletrace.labels.layout import SAFE_MARGIN, sheet
from cradletrace.labels.pdf import pdf_sheets
from cradletrace.labels.symbol import qr_symbol
from labels_world import decode, pdf_pages, sample_labels

DPI = 200


def _pdf(labels, grid) -> bytes:  # type: ignore[no-untyped-def]
    return pdf_sheets(labels, lambda i: qr_symbol(labels[i].link), grid, margin=SAFE_MARGIN)


@pytest.mark.parametrize(("page", "layout", "count"), [("a4", "3x8", 25), ("a4", "2x7", 14), ("letter", "2x7", 9),
                                                       ("letter", "3x10", 31)])
def test_every_label_decodes_on_its_page(page: str, layout: str, count: int) -> None:
    labels = sample_labels(count)
    grid = sheet(layout, page)
    pages = pdf_pages(_pdf(labels, grid), DPI)
    assert len(pages) == math.ceil(count / grid.per_page)
    found = [text for image in pages for text in decode(image)]
    assert sorted(found) == sorted(label.link for label in labels)


@pytest.mark.parametrize("count", [1, 23, 24, 25, 48, 49])
def test_pages_for_n_labels(count: int) -> None:
    import pypdfium2

    labels = sample_labels(count)
    pdf = _pdf(labels, sheet("3x8", "a4"))
    assert len(pypdfium2.PdfDocument(pdf)) == math.ceil(count / 24)


def test_each_label_is_where_the_stock_has_it() -> None:
    """Cut out each label's area of the page: it decodes alone to that label's link (row by row)."""
    labels = sample_labels(6)
    grid = sheet("2x7", "a4")
    (page,) = pdf_pages(_pdf(labels, grid), DPI)
    per_mm = DPI / 25.4
    for i, label in enumerate(labels):
        x, y = grid.origin(i)
        box = (round(x * per_mm), round(y * per_mm), round((x + grid.label.width) * per_mm),
               round((y + grid.label.height) * per_mm))
        assert decode(page.crop(box)) == [label.link]


def test_crop_safe_nothing_outside_the_safe_areas() -> None:
    labels = sample_labels(24, name="A product name long enough to need cutting short on a small label " * 2)
    grid = sheet("3x8", "a4")
    (page,) = pdf_pages(_pdf(labels, grid), DPI)
    ink = np.asarray(page) < 250
    allowed = np.zeros_like(ink)
    per_mm = DPI / 25.4
    for i in range(len(labels)):
        x, y = grid.origin(i)
        left, top = math.floor((x + SAFE_MARGIN) * per_mm) - 1, math.floor((y + SAFE_MARGIN) * per_mm) - 1
        right = math.ceil((x + grid.label.width - SAFE_MARGIN) * per_mm) + 1
        bottom = math.ceil((y + grid.label.height - SAFE_MARGIN) * per_mm) + 1
        allowed[top:bottom, left:right] = True
    assert ink.any() and not (ink & ~allowed).any()


def test_reproducible() -> None:
    labels = sample_labels(3)
    assert _pdf(labels, sheet()) == _pdf(labels, sheet())
