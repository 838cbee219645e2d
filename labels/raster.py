"""PNG labels (Pillow): the symbol at a whole number of pixels a module, and the text, at any dpi."""

from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cradletrace.errors import InvalidInput
from cradletrace.labels.content import Label
from cradletrace.labels.layout import MM_PER_INCH, LabelSize, fit_text, place
from cradletrace.labels.symbol import Symbol

MIN_MODULE_PIXELS = 2
"""Fewer pixels a module and a resampling viewer or printer could blur modules into each other."""


@functools.lru_cache(maxsize=64)
def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own scalable font: the same on every machine, no system font needed.
    return ImageFont.load_default(size=pixels)


REFERENCE_PIXELS = 100
HINTING_SLACK = 1.05
"""Text is fitted with widths scaled from one reference size; hinted small sizes may run a little wider."""


@functools.lru_cache(maxsize=8192)
def _reference_width(text: str) -> float:
    """Width of ``text`` at a font size of 1 (in the size's unit), from Pillow's font at 100 pixels."""
    return _font(REFERENCE_PIXELS).getlength(text) / REFERENCE_PIXELS


def png_label(label: Label, symbol: Symbol, size: LabelSize, dpi: int, *, margin: float) -> bytes:
    """One label as a PNG of ``size`` at ``dpi`` (greyscale, with its dpi recorded).

    Raises
    ------
    InvalidInput
        When the symbol would get fewer than :data:`MIN_MODULE_PIXELS` pixels a module.
    """
    per_mm = dpi / MM_PER_INCH
    width, height = round(size.width * per_mm), round(size.height * per_mm)
    placement = place(size, margin)
    qr = symbol.with_quiet_zone()
    box = int(placement.qr.w * per_mm)
    module = box // qr.shape[0]
    if module < MIN_MODULE_PIXELS:
        raise InvalidInput(f"a {size} label at {dpi} dpi leaves {box} pixels for a symbol of {qr.shape[0]} modules: "
                           f"raise --dpi or the label size", where="labels")
    pixels = np.where(np.kron(qr, np.ones((module, module), dtype=bool)), 0, 255).astype(np.uint8)
    image = Image.new("L", (width, height), 255)
    offset = (box - pixels.shape[0]) // 2
    image.paste(Image.fromarray(pixels, "L"), (round(placement.qr.x * per_mm) + offset,
                                               round(placement.qr.y * per_mm) + offset))
    draw = ImageDraw.Draw(image)

    def measure(text: str, size_mm: float) -> float:
        return _reference_width(text) * size_mm * HINTING_SLACK

    for line in fit_text(label.lines(), placement.text, measure):
        font = _font(max(6, round(line.size * per_mm)))
        draw.text((line.x * per_mm, line.baseline * per_mm), line.text, fill=0, font=font, anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=6)
    return out.getvalue()
