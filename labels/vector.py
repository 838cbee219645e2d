"""SVG labels: the symbol as one path of module runs, the text as text, in millimetres."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from cradletrace.labels.content import Label
from cradletrace.labels.layout import LabelSize, fit_text, helvetica, place
from cradletrace.labels.symbol import QUIET_ZONE, Symbol

FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
WIDE_FONT = 1.12
"""Room left for a sans-serif wider than Helvetica, the metrics the text is fitted with."""


def _measure(text: str, size: float) -> float:
    return helvetica(text, size) * WIDE_FONT


def svg_label(label: Label, symbol: Symbol, size: LabelSize, *, margin: float) -> str:
    """One label as a standalone SVG document of ``size`` (millimetres are its user units)."""
    placement = place(size, margin)
    module = placement.qr.w / (symbol.size + 2 * QUIET_ZONE)
    x0 = placement.qr.x + QUIET_ZONE * module
    y0 = placement.qr.y + QUIET_ZONE * module
    path = "".join(f"M{col},{row}h{length}v1h-{length}z" for row, col, length in symbol.runs())
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size.width:g}mm" height="{size.height:g}mm" '
        f'viewBox="0 0 {size.width:g} {size.height:g}">',
        f"<title>{escape(label.identifier)}</title>",
        f'<rect width="{size.width:g}" height="{size.height:g}" fill="#fff"/>',
        f'<path transform="translate({x0:.4f} {y0:.4f}) scale({module:.5f})" fill="#000" '
        f'shape-rendering="crispEdges" d="{path}"/>',
    ]
    for line in fit_text(label.lines(), placement.text, _measure):
        weight = ' font-weight="bold"' if line.role == "title" else ""
        parts.append(f'<text x="{line.x:.3f}" y="{line.baseline:.3f}" font-size="{line.size:.3f}" '
                     f"font-family={quoteattr(FONT_FAMILY)}{weight}>{escape(line.text)}</text>")
    parts.append("</svg>\n")
    return "\n".join(parts)
