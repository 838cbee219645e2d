"""Label geometry: sizes, the QR/text split, text that fits its box, and sheet grids that fit their page."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cradletrace.errors import InvalidInput
from cradletrace.labels.layout import (
    PAGES,
    PRESETS,
    THERMAL_STOCKS,
    Box,
    LabelSize,
    fit_text,
    helvetica,
    parse_size,
    place,
    sheet,
)


def test_sizes() -> None:
    assert parse_size("4x6in") == THERMAL_STOCKS["4x6in"]
    assert parse_size("50X25mm") == LabelSize(50, 25)
    for bad in ("50", "50x", "axb", "10x400mm"):
        with pytest.raises(InvalidInput, match="--label-size"):
            parse_size(bad)


@pytest.mark.parametrize("size", [LabelSize(50, 25), LabelSize(101.6, 152.4), LabelSize(63.5, 33.9),
                                  LabelSize(30, 60), LabelSize(25, 25)])
def test_qr_and_text_boxes_stay_inside_the_safe_area_and_apart(size: LabelSize) -> None:
    p = place(size, 2.0)
    for box in (p.qr, p.text):
        assert box.x >= 2.0 - 1e-9 and box.y >= 2.0 - 1e-9
        assert box.x + box.w <= size.width - 2.0 + 1e-9 and box.y + box.h <= size.height - 2.0 + 1e-9
    assert p.qr.w == p.qr.h  # square
    apart = p.text.x >= p.qr.x + p.qr.w - 1e-9 or p.text.y >= p.qr.y + p.qr.h - 1e-9
    assert apart  # the quiet zone inside the QR box is never written on


@settings(max_examples=80, deadline=None)
@given(name=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=120),
       serial=st.from_regex(r"[A-Za-z0-9]{1,20}", fullmatch=True),
       width=st.floats(15, 90), height=st.floats(10, 60))
def test_fitted_text_never_leaves_its_box(name: str, serial: str, width: float, height: float) -> None:
    lines = [("title", name), ("field", "GTIN 09506000134352"), ("field", f"SN {serial}"),
             ("field", "EXP 2026-12-31"), ("hri", f"(01)09506000134352(21){serial}(17)261231")]
    box = Box(3, 4, width, height)
    laid = fit_text(lines, box)
    assert laid and laid[-1].role == "hri"
    for line in laid:
        assert helvetica(line.text, line.size) <= box.w + 1e-6
        assert box.y - 1e-6 <= line.baseline - 0.8 * line.size and line.baseline + 0.25 * line.size <= box.y + box.h + 1e-6
    if laid[0].size > 1.6:  # above the smallest size nothing but the title is cut or left out
        shown = [line.text for line in laid]
        assert "GTIN 09506000134352" in shown and f"SN {serial}" in shown
        assert "".join(line.text for line in laid if line.role == "hri") == lines[-1][1]


@pytest.mark.parametrize(("page", "layout"), sorted(PRESETS))
def test_presets_fit_their_page(page: str, layout: str) -> None:
    grid = sheet(layout, page)
    paper = PAGES[page]
    x, y = grid.origin(grid.per_page - 1)
    assert 0 < grid.left and x + grid.label.width <= paper.width + 0.01
    assert 0 < grid.top and y + grid.label.height <= paper.height + 0.01
    assert grid.origin(grid.per_page) == grid.origin(0)  # the next page starts over


def test_any_grid_and_overrides() -> None:
    grid = sheet("2x7", "letter", margins=(10, 3))
    assert (grid.top, grid.left) == (10, 3)
    with pytest.raises(InvalidInput, match="do not fit on letter"):
        sheet("2x7", "letter", margins=(10, 10))
    custom = sheet("3x8", "a4", label_size=LabelSize(60, 30))
    assert abs(custom.left - (210 - 3 * 60 - 2 * 2.5) / 2) < 1e-6  # centred
    assert sheet("1x1", "a4").label == LabelSize(200, 277)
    assert sheet("3x8", "a4").pages(25) == 2
    for bad in ({"layout": "3"}, {"layout": "0x8"}, {"page": "a3"}, {"layout": "3x8", "label_size": LabelSize(80, 40)}):
        with pytest.raises(InvalidInput):
            sheet(**bad)  # type: ignore[arg-type]
