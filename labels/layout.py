"""Where things go on a label and on a sheet: label sizes, the QR/text split, text fitting, sheet grids.

Every length here is in millimetres, origin at the top left, y downwards; each renderer converts
to its own unit (PDF points, PNG pixels, ZPL dots). A label keeps :data:`SAFE_MARGIN` clear
inside its edges (crop-safe: a die-cut or guillotine that is off by a millimetre cuts no module of
the symbol's quiet zone and no text), and its QR box includes the four-module quiet zone, so
text placed beside the box never touches the symbol.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from reportlab.pdfbase.pdfmetrics import stringWidth

from cradletrace.errors import InvalidInput

MM_PER_INCH = 25.4
SAFE_MARGIN = 2.0
"""Millimetres kept clear inside every label edge (sheet labels; die-cut tolerance is about 1 mm)."""
THERMAL_MARGIN = 1.5
"""The same for thermal labels, whose printers register the label edge by its gap or mark."""
ELLIPSIS = "..."


@dataclass(frozen=True)
class LabelSize:
    """A label's width and height in millimetres.

    Examples
    --------
    >>> parse_size("4x6in"), parse_size("50x25")
    (LabelSize(width=101.6, height=152.4), LabelSize(width=50.0, height=25.0))
    """

    width: float
    height: float

    def __str__(self) -> str:
        return f"{self.width:g}x{self.height:g}mm"


THERMAL_STOCKS = {"50x25mm": LabelSize(50.0, 25.0), "4x6in": LabelSize(101.6, 152.4)}
"""Common thermal label stock: 50 x 25 mm (a unit or bin label) and 4 x 6 in (a shipping label)."""
DEFAULT_SIZE = THERMAL_STOCKS["50x25mm"]
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[xX]\s*(\d+(?:\.\d+)?)\s*(mm|in)?\s*$")


def parse_size(text: str, *, where: str = "--label-size") -> LabelSize:
    """``WxH`` in millimetres, or with ``mm`` or ``in`` after it (``50x25mm``, ``4x6in``).

    Raises
    ------
    InvalidInput
        For text of another shape, or a side under 15 mm or over 300 mm.

    Examples
    --------
    >>> parse_size("70 x 36 mm")
    LabelSize(width=70.0, height=36.0)
    >>> parse_size("5x5")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: --label-size: 5x5mm is too small or too large: each side 15 to 300 mm
    """
    match = _SIZE.match(text)
    if not match:
        raise InvalidInput(f"{text!r} is not a label size: give WxH in mm, or e.g. 50x25mm or 4x6in", where=where)
    scale = MM_PER_INCH if match[3] == "in" else 1.0
    size = LabelSize(round(float(match[1]) * scale, 3), round(float(match[2]) * scale, 3))
    if not (15 <= size.width <= 300 and 15 <= size.height <= 300):
        raise InvalidInput(f"{size} is too small or too large: each side 15 to 300 mm", where=where)
    return size


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Placement:
    """A label's two areas: the square QR box (quiet zone included) and the text box beside or below it."""

    qr: Box
    text: Box


def place(size: LabelSize, margin: float = SAFE_MARGIN) -> Placement:
    """Split a label: a landscape label puts the QR box on the left and the text on its right, a
    portrait one the QR box on top, centred, and the text below.

    Examples
    --------
    >>> place(LabelSize(50, 25), 1.5).qr
    Box(x=1.5, y=1.5, w=22.0, h=22.0)
    >>> place(LabelSize(101.6, 152.4), 1.5).qr.w
    88.74
    """
    inner = Box(margin, margin, size.width - 2 * margin, size.height - 2 * margin)
    if size.width >= size.height:
        side = min(inner.h, inner.w * 0.55)
        qr = Box(inner.x, inner.y + (inner.h - side) / 2, side, side)
        return Placement(qr, Box(inner.x + side, inner.y, inner.w - side, inner.h))
    side = round(min(inner.w * 0.9, inner.h * 0.62), 3)
    qr = Box(inner.x + (inner.w - side) / 2, inner.y, side, side)
    gap = margin
    return Placement(qr, Box(inner.x, inner.y + side + gap, inner.w, inner.h - side - gap))


@dataclass(frozen=True)
class TextLine:
    """One line of fitted text: its role, text, font size and baseline (all in millimetres)."""

    role: str
    text: str
    size: float
    x: float
    baseline: float


Measure = Callable[[str, float], float]
"""``measure(text, size)``: the width of ``text`` at font size ``size``, in the same unit."""


def helvetica(text: str, size: float) -> float:
    """Width of ``text`` in Helvetica at ``size`` (any unit: the width comes out in it).

    Examples
    --------
    >>> round(helvetica("GTIN", 10.0), 2)
    23.89
    """
    return stringWidth(text, "Helvetica", size)


def fit_text(lines: Sequence[tuple[str, str]], box: Box, measure: Measure = helvetica, *,
             max_size: float | None = None, min_size: float = 1.6, leading: float = 1.22) -> list[TextLine]:
    """Lay ``(role, text)`` lines out in ``box`` at the largest font size (``max_size`` down to ``min_size``)
    at which they fit (``max_size`` defaults to a sixth of the box's height, 3 to 8 mm): a ``title`` or ``field`` too wide is cut with an ellipsis, the ``hri`` element
    string wraps at its AI brackets. Lines that still do not fit at ``min_size`` are left out from
    the middle, so the title and the element string stay.

    Examples
    --------
    >>> out = fit_text([("title", "Battery pack"), ("hri", "(01)09506000134352(21)4711")], Box(0, 0, 30, 10))
    >>> [(line.text, round(line.size, 2)) for line in out]
    [('Battery pack', 2.71), ('(01)09506000134352', 2.71), ('(21)4711', 2.71)]
    """
    # Widths grow in proportion to the size, so the widest piece that must not be cut (a field, an
    # AI of the element string) bounds the size at once; then only the height is searched.
    size = max_size if max_size is not None else min(8.0, max(3.0, box.h / 6))
    pieces = [t for r, t in lines if r == "field"] + [p for r, t in lines if r == "hri" for p in _hri_parts(t)]
    widest = max((measure(p, 1.0) for p in pieces), default=0.0)
    if widest > 0:
        size = min(size, box.w / widest * 0.999)  # a hair under, so rounding cuts nothing
    size = max(size, min_size)
    hri_widths = [[measure(p, 1.0) for p in _hri_parts(t)] for r, t in lines if r == "hri"]
    others = sum(1 for r, _ in lines if r != "hri")
    while True:
        count = others + sum(_greedy_lines(widths, box.w / size) for widths in hri_widths)
        if count * size * leading <= box.h or size <= min_size:
            break
        size = max(min_size, size * 0.95)
    laid = _wrap(lines, box.w, size, measure)
    fits = max(1, int(box.h / (size * leading)))
    if len(laid) > fits:
        laid = laid[:fits - 1] + laid[-1:] if fits > 1 else laid[-1:]
        hri = [line for line in laid if line[0] == "hri"]
        if len(hri) > 1:  # a wrapped element string: keep its last part with the lines kept before it
            laid = [line for line in laid if line[0] != "hri"][:fits - len(hri)] + hri
            laid = laid[-fits:]
    top = box.y + (box.h - len(laid) * size * leading) / 2
    return [TextLine(role, text, size, box.x, top + size * (0.8 + i * leading) + size * (leading - 1) / 2)
            for i, (role, text) in enumerate(laid)]


def _hri_parts(text: str) -> list[str]:
    """An element string's AI and value pieces: ``(01)...``, ``(21)...``."""
    return [p for p in re.split(r"(?=\()", text) if p]


def _greedy_lines(widths: Sequence[float], width: float) -> int:
    """Lines that pieces of these widths take when joined greedily up to ``width``."""
    lines, used = 0, 0.0
    for w in widths:
        if lines and used + w <= width:
            used += w
        else:
            lines, used = lines + 1, w
    return lines


def _wrap(lines: Sequence[tuple[str, str]], width: float, size: float, measure: Measure) -> list[tuple[str, str]]:
    out = []
    for role, text in lines:
        if role == "hri":
            out.extend((role, part) for part in _wrap_hri(text, width, size, measure))
        else:
            out.append((role, truncate(text, width, size, measure)))
    return out


def _wrap_hri(text: str, width: float, size: float, measure: Measure) -> list[str]:
    parts = _hri_parts(text)
    out: list[str] = []
    for part in parts:
        if out and measure(out[-1] + part, size) <= width:
            out[-1] += part
        else:
            out.append(part)
    return [truncate(line, width, size, measure) for line in out]


def truncate(text: str, width: float, size: float, measure: Measure = helvetica) -> str:
    """``text``, cut and ended with an ellipsis if it is wider than ``width`` at ``size``.

    Examples
    --------
    >>> truncate("Lithium battery pack 48 V", 20, 3.0)
    'Lithium bat...'
    """
    if measure(text, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle].rstrip() + ELLIPSIS, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


# -- sheets -----------------------------------------------------------------------------------------

PAGES = {"a4": LabelSize(210.0, 297.0), "letter": LabelSize(215.9, 279.4)}
"""Page sizes in millimetres."""


@dataclass(frozen=True)
class Sheet:
    """A grid of labels on a page: ``columns`` x ``rows`` labels of ``label`` size, the first one at
    (``left``, ``top``), ``gap_x`` and ``gap_y`` between neighbours (all millimetres)."""

    page: str
    columns: int
    rows: int
    label: LabelSize
    top: float
    left: float
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def page_size(self) -> LabelSize:
        return PAGES[self.page]

    def origin(self, index: int) -> tuple[float, float]:
        """The top left corner of label ``index`` (0-based, row by row) on its page."""
        slot = index % self.per_page
        row, column = divmod(slot, self.columns)
        return (self.left + column * (self.label.width + self.gap_x), self.top + row * (self.label.height + self.gap_y))

    def pages(self, count: int) -> int:
        """Pages for ``count`` labels."""
        return math.ceil(count / self.per_page)


PRESETS = {
    # Avery L7159 (A4, 24 a sheet) and L7163 (A4, 14 a sheet); 5162 and 5160 (US Letter).
    ("a4", "3x8"): Sheet("a4", 3, 8, LabelSize(63.5, 33.9), top=12.9, left=7.25, gap_x=2.5),
    ("a4", "2x7"): Sheet("a4", 2, 7, LabelSize(99.1, 38.1), top=15.15, left=4.65, gap_x=2.5),
    ("letter", "2x7"): Sheet("letter", 2, 7, LabelSize(101.6, 33.867), top=21.167, left=3.969, gap_x=4.763),
    ("letter", "3x10"): Sheet("letter", 3, 10, LabelSize(66.675, 25.4), top=12.7, left=4.763, gap_x=3.175),
}
"""Label stock of the common layouts: their label size, margins and gaps."""
_GRID = re.compile(r"^\s*(\d{1,2})\s*[xX]\s*(\d{1,2})\s*$")


def sheet(layout: str = "3x8", page: str = "a4", *, label_size: LabelSize | None = None,
          margins: tuple[float, float] | None = None, gap: tuple[float, float] | None = None) -> Sheet:
    """The sheet for ``layout`` (``COLUMNSxROWS``) on ``page`` (``a4`` or ``letter``).

    A preset (:data:`PRESETS`) gives the stock's exact geometry; any other grid fills the page
    inside 10 mm top and bottom and 5 mm side margins, with 2.5 mm between columns. ``label_size``,
    ``margins`` (top, left) and ``gap`` (between columns, between rows) override either; a grid
    given a label size but no margins is centred on the page.

    Raises
    ------
    InvalidInput
        For an unknown page, a malformed layout, or a grid that does not fit the page.

    Examples
    --------
    >>> s = sheet("3x8", "a4")
    >>> s.per_page, s.label, s.origin(4)
    (24, LabelSize(width=63.5, height=33.9), (73.25, 46.8))
    >>> sheet("4x12", "letter").label
    LabelSize(width=49.6, height=21.617)
    >>> sheet("3x8", "a4", label_size=LabelSize(80, 40))
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: --layout: 3 x 8 labels of 80x40mm do not fit on a4 (210 x 297 mm)
    """
    if page not in PAGES:
        raise InvalidInput(f"{page!r} is not a page size: give {' or '.join(PAGES)}", where="--page")
    match = _GRID.match(layout)
    if not match or not (int(match[1]) >= 1 and int(match[2]) >= 1):
        raise InvalidInput(f"{layout!r} is not a layout: give COLUMNSxROWS, e.g. 3x8 or 2x7", where="--layout")
    columns, rows = int(match[1]), int(match[2])
    paper = PAGES[page]
    base = PRESETS.get((page, f"{columns}x{rows}"))
    gap_x, gap_y = gap if gap is not None else ((base.gap_x, base.gap_y) if base else (2.5, 0.0))
    if base is None and label_size is None:
        top, left = margins if margins is not None else (10.0, 5.0)
        label_size = LabelSize(round((paper.width - 2 * left - (columns - 1) * gap_x) / columns, 3),
                               round((paper.height - 2 * top - (rows - 1) * gap_y) / rows, 3))
        base = Sheet(page, columns, rows, label_size, top, left, gap_x, gap_y)
    elif base is None or label_size is not None:
        size = label_size or base.label  # type: ignore[union-attr]
        width = columns * size.width + (columns - 1) * gap_x
        height = rows * size.height + (rows - 1) * gap_y
        top, left = margins if margins is not None else ((paper.height - height) / 2, (paper.width - width) / 2)
        base = Sheet(page, columns, rows, size, round(top, 3), round(left, 3), gap_x, gap_y)
    else:
        top, left = margins if margins is not None else (base.top, base.left)
        base = replace(base, top=top, left=left, gap_x=gap_x, gap_y=gap_y)
    _check_fits(base, paper)
    return base


def _check_fits(grid: Sheet, paper: LabelSize) -> None:
    right = grid.left + grid.columns * grid.label.width + (grid.columns - 1) * grid.gap_x
    bottom = grid.top + grid.rows * grid.label.height + (grid.rows - 1) * grid.gap_y
    too_small = grid.label.width < 15 or grid.label.height < 12
    if grid.left < 0 or grid.top < 0 or right > paper.width + 0.01 or bottom > paper.height + 0.01 or too_small:
        raise InvalidInput(f"{grid.columns} x {grid.rows} labels of {grid.label} do not fit on {grid.page} "
                           f"({paper.width:g} x {paper.height:g} mm)", where="--layout")
