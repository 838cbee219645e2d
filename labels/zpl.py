"""ZPL II for Zebra-compatible thermal printers: the printer encodes the QR Code (``^BQ``) itself.

Each label is one ``^XA ... ^XZ`` format: ``^CI28`` (UTF-8 text), the print width and label
length of the stock, the ``^BQN,2,m`` field (model 2, magnification ``m`` dots a module) with
``^FDQA,`` (level Q, automatic data mode) and the exact Digital Link, then one ``^A0`` text field a
line. The magnification is the largest whose symbol, with its four-module quiet zone, fits the QR
box: the version comes from the link's length in bytes (:func:`~cradletrace.labels.symbol.version_for`,
an upper bound of what the printer's own encoder needs), so no symbol is built here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cradletrace.errors import InvalidInput
from cradletrace.labels.content import Label
from cradletrace.labels.layout import LabelSize, fit_text, helvetica, place
from cradletrace.labels.symbol import ERROR_CORRECTION_LETTER, QUIET_ZONE, version_for

DOTS_PER_MM = {203: 8, 300: 12}
"""Zebra's print heads: 203 dpi is 8 dots a millimetre, 300 dpi is 12."""
MAX_MAGNIFICATION = 10
"""The largest ``^BQ`` magnification ZPL accepts."""
MIN_MAGNIFICATION = 2
"""One-dot modules do not survive a thermal head's dot gain."""
FONT_WIDTH = 1.0
"""Font 0 (CG Triumvirate Bold Condensed) is narrower than Helvetica: Helvetica metrics leave room."""


def _field_text(text: str) -> str:
    # ^FH makes _ an escape introducer: ^, ~ and _ itself are written as hex so text cannot end a field.
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def zpl_label(label: Label, size: LabelSize, dpi: int, *, margin: float) -> str:
    """One label as a ZPL II format (``^XA`` ... ``^XZ``) for stock of ``size`` at ``dpi`` (203 or 300).

    Raises
    ------
    InvalidInput
        For another dpi, a link ZPL cannot carry (``^`` or ``~``), or a symbol that would get fewer
        than :data:`MIN_MAGNIFICATION` dots a module.

    Examples
    --------
    >>> from cradletrace.labels.content import make_label
    >>> label = make_label("https://id.gs1.org/01/09506000134352/21/4711", "unit", name="Pack",
    ...                    resolver_url="https://trace.example.com")
    >>> zpl = zpl_label(label, LabelSize(50, 25), 203, margin=1.5)
    >>> zpl.splitlines()[:4]
    ['^XA', '^CI28', '^PW400^LL200^LH0,0', '^FO44,44^BQN,2,3^FDQA,https://trace.example.com/01/09506000134352/21/4711^FS']
    """
    if dpi not in DOTS_PER_MM:
        raise InvalidInput(f"{dpi} dpi: Zebra printers print at {' or '.join(map(str, DOTS_PER_MM))}", where="--dpi")
    if "^" in label.link or "~" in label.link:
        raise InvalidInput(f"{label.link} holds ^ or ~, which ZPL reads as commands", where="labels")
    dots = DOTS_PER_MM[dpi]
    placement = place(size, margin)
    modules = 4 * version_for(label.link) + 17 + 2 * QUIET_ZONE
    box = int(placement.qr.w * dots)
    magnification = min(MAX_MAGNIFICATION, box // modules)
    if magnification < MIN_MAGNIFICATION:
        raise InvalidInput(f"a {size} label at {dpi} dpi leaves {box} dots for a symbol of {modules} modules: "
                           "use larger stock or 300 dpi", where="labels")
    offset = (box - modules * magnification) // 2 + QUIET_ZONE * magnification
    x = round(placement.qr.x * dots) + offset
    y = round(placement.qr.y * dots) + offset
    lines = [
        "^XA",
        "^CI28",
        f"^PW{round(size.width * dots)}^LL{round(size.height * dots)}^LH0,0",
        f"^FO{x},{y}^BQN,2,{magnification}^FD{ERROR_CORRECTION_LETTER}A,{label.link}^FS",
    ]
    for line in fit_text(label.lines(), placement.text, lambda t, s: helvetica(t, s) * FONT_WIDTH):
        height = max(10, round(line.size * dots))
        top = round((line.baseline - line.size * 0.8) * dots)
        lines.append(f"^FO{round(line.x * dots)},{max(0, top)}^A0N,{height},{height}^FH^FD{_field_text(line.text)}^FS")
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def zpl_labels(labels: Sequence[Label], size: LabelSize, dpi: int, *, margin: float,
               progress: Callable[[int], None] | None = None) -> str:
    """Every label as its own format, one after another (a printer prints each as it arrives)."""
    out = []
    for i, label in enumerate(labels):
        out.append(zpl_label(label, size, dpi, margin=margin))
        if progress is not None:
            progress(i + 1)
    return "".join(out)
