"""PDF sheets (reportlab): labels in a grid on A4 or US Letter, each symbol drawn as vector module runs."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from cradletrace.labels.content import Label
from cradletrace.labels.layout import MM_PER_INCH, Sheet, fit_text, place
from cradletrace.labels.symbol import QUIET_ZONE, Symbol

POINTS_PER_MM = 72 / MM_PER_INCH


def pdf_sheets(labels: Sequence[Label], symbols: Callable[[int], Symbol], grid: Sheet, *, margin: float,
               progress: Callable[[int], None] | None = None) -> bytes:
    """Every label on ``grid``'s pages, row by row: ``ceil(len(labels) / grid.per_page)`` pages.

    ``symbols(i)`` gives label ``i``'s symbol (so a caller can make them as they are drawn).
    The PDF is reproducible: the same labels give the same bytes (no timestamp, no random ID).
    """
    out = io.BytesIO()
    paper = grid.page_size
    page_height = paper.height * POINTS_PER_MM
    canvas = Canvas(out, pagesize=(paper.width * POINTS_PER_MM, page_height), invariant=1, pageCompression=1)
    canvas.setTitle(f"{len(labels)} labels")
    canvas.setCreator("cradletrace")
    placement = place(grid.label, margin)
    for i, label in enumerate(labels):
        if i and i % grid.per_page == 0:
            canvas.showPage()
        left, top = grid.origin(i)
        _draw_label(canvas, label, symbols(i), placement, left, top, page_height)
        if progress is not None:
            progress(i + 1)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _bold_width(text: str, size: float) -> float:
    # The title is bold: every line is measured as bold, the wider face, so none crosses the safe margin.
    return stringWidth(text, "Helvetica-Bold", size)


def _draw_label(canvas: Canvas, label: Label, symbol: Symbol, placement, left: float, top: float,
                page_height: float) -> None:  # type: ignore[no-untyped-def]
    k = POINTS_PER_MM
    module = placement.qr.w / (symbol.size + 2 * QUIET_ZONE) * k
    x0 = (left + placement.qr.x) * k + QUIET_ZONE * module
    y0 = page_height - (top + placement.qr.y) * k - QUIET_ZONE * module  # top edge of the symbol
    path = canvas.beginPath()
    for row, col, length in symbol.runs():
        path.rect(x0 + col * module, y0 - (row + 1) * module, length * module, module)
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
    for line in fit_text(label.lines(), placement.text, _bold_width):
        canvas.setFont("Helvetica-Bold" if line.role == "title" else "Helvetica", line.size * k)
        canvas.drawString((left + line.x) * k, page_height - (top + line.baseline) * k, line.text)
