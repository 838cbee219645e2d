"""ZPL II, checked structurally: each format starts with ^XA and ends with ^XZ, its ^BQ field carries the
exact Digital Link, the text fields are there, and everything lies on the stock."""

from __future__ import annotations

import re

import pytest

from cradletrace.errors import InvalidInput
from cradletrace.labels.content import make_label
from cradletrace.labels.layout import THERMAL_MARGIN, THERMAL_STOCKS, LabelSize
from cradletrace.labels.symbol import QUIET_ZONE, qr_symbol
from cradletrace.labels.zpl import DOTS_PER_MM, zpl_label, zpl_labels
from labels_world import DOCK, RESOLVER, sample_labels

QR_FIELD = re.compile(r"\^FO(\d+),(\d+)\^BQN,2,(\d+)\^FDQA,(.*?)\^FS")
TEXT_FIELD = re.compile(r"\^FO(\d+),(\d+)\^A0N,(\d+),(\d+)\^FH\^FD(.*?)\^FS")


def _unhex(text: str) -> str:
    return re.sub(r"_([0-9A-F]{2})", lambda m: chr(int(m[1], 16)), text)


@pytest.mark.parametrize("stock", sorted(THERMAL_STOCKS))
@pytest.mark.parametrize("dpi", sorted(DOTS_PER_MM))
def test_structure(stock: str, dpi: int) -> None:
    size = THERMAL_STOCKS[stock]
    (label,) = sample_labels(1, serial_width=20)
    zpl = zpl_label(label, size, dpi, margin=THERMAL_MARGIN)
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    dots = DOTS_PER_MM[dpi]
    width, length = round(size.width * dots), round(size.height * dots)
    assert f"^PW{width}^LL{length}" in zpl and "^CI28" in zpl
    (qr,) = QR_FIELD.findall(zpl)
    x, y, magnification, data = int(qr[0]), int(qr[1]), int(qr[2]), qr[3]
    assert data == label.link
    side = (qr_symbol(label.link).size + 2 * QUIET_ZONE) * magnification  # the real symbol, with quiet zone
    quiet = QUIET_ZONE * magnification
    assert x - quiet >= 0 and y - quiet >= 0 and x - quiet + side <= width and y - quiet + side <= length
    assert magnification * 1000 / dots >= 250  # modules of a quarter millimetre or more
    texts = TEXT_FIELD.findall(zpl)
    shown = [_unhex(t[4]) for t in texts]
    assert f"GTIN {label.gtin}" in shown and f"SN {label.serial}" in shown and "EXP 2026-12-31" in shown
    assert "".join(s for s in shown if s.startswith("(")) == label.element_string
    for tx, ty, height, _w, _text in texts:
        inside_qr = x - quiet <= int(tx) < x - quiet + side and y - quiet <= int(ty) < y - quiet + side
        assert not inside_qr and int(ty) + int(height) <= length


def test_many_labels_are_one_format_each() -> None:
    labels = sample_labels(5)
    zpl = zpl_labels(labels, LabelSize(50, 25), 203, margin=THERMAL_MARGIN)
    assert zpl.count("^XA") == zpl.count("^XZ") == 5
    assert [m[3] for m in QR_FIELD.findall(zpl)] == [label.link for label in labels]


def test_text_cannot_break_out_of_its_field() -> None:
    label = make_label(DOCK, "location", name="Dock ^XZ~JR_1", resolver_url=RESOLVER)
    zpl = zpl_label(label, LabelSize(50, 25), 300, margin=THERMAL_MARGIN)
    assert zpl.count("^XZ") == 1 and "~" not in zpl
    assert _unhex(TEXT_FIELD.findall(zpl)[0][4]) == "Dock ^XZ~JR_1"


def test_refusals() -> None:
    (label,) = sample_labels(1)
    with pytest.raises(InvalidInput, match="203 or 300"):
        zpl_label(label, LabelSize(50, 25), 600, margin=THERMAL_MARGIN)
    with pytest.raises(InvalidInput, match="use larger stock or 300 dpi"):
        zpl_label(label, LabelSize(20, 15), 203, margin=THERMAL_MARGIN)
