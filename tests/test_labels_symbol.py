"""The label symbols are qrcode's own, module for module, read back by an independent decoder."""

from __future__ import annotations

import numpy as np
import pytest
import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cradletrace.labels.symbol import ERROR_CORRECTION, QUIET_ZONE, Symbol, penalties, qr_symbol, version_for
from labels_world import decode


def _reference(data: str) -> np.ndarray:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
    code.add_data(data)
    code.make()
    return np.array(code.get_matrix(), dtype=bool)


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=300))
def test_symbol_is_qrcodes_own(data: str) -> None:
    symbol = qr_symbol(data)
    reference = _reference(data)
    assert symbol.modules.shape == reference.shape
    assert (symbol.modules == reference).all()
    assert version_for(data) >= symbol.version  # the byte-mode bound ZPL sizes with


@pytest.mark.parametrize("length", [1, 60, 200, 500, 1000, 1663])
def test_every_size_matches_qrcode(length: int) -> None:
    data = ("https://id.gs1.org/01/09506000134352/21/" + "A1b2-._" * 400)[:length]
    assert (qr_symbol(data).modules == _reference(data)).all()


def test_too_long_data_is_refused() -> None:
    with pytest.raises(qrcode.exceptions.DataOverflowError):
        qr_symbol("x" * 1664)
    with pytest.raises(qrcode.exceptions.DataOverflowError):
        version_for("x" * 1664)


def test_penalties_agree_with_qrcode() -> None:
    from qrcode.util import lost_point

    rng = np.random.default_rng(7)
    stack = rng.random((6, 29, 29)) < 0.5
    assert penalties(stack) == [lost_point(m.tolist()) for m in stack]


def test_runs_redraw_the_modules() -> None:
    symbol = qr_symbol("https://trace.example.com/01/09506000134352/21/0001?17=261231")
    redrawn = np.zeros_like(symbol.modules)
    for row, col, length in symbol.runs():
        assert not redrawn[row, col:col + length].any()
        redrawn[row, col:col + length] = True
    assert (redrawn == symbol.modules).all()


def test_decoded_with_its_quiet_zone() -> None:
    url = "https://trace.example.com/01/09506000134352/21/0001?17=261231"
    symbol = qr_symbol(url)
    framed = symbol.with_quiet_zone()
    assert framed.shape[0] == symbol.size + 2 * QUIET_ZONE and not framed[:QUIET_ZONE].any()
    pixels = np.where(np.kron(framed, np.ones((6, 6), dtype=bool)), 0, 255).astype(np.uint8)
    assert decode(Image.fromarray(pixels, "L")) == [url]


def test_level_q_survives_damage() -> None:
    """A scuffed label: a band of modules across the symbol wiped out still decodes at level Q."""
    url = "https://trace.example.com/01/09506000134352/21/0001?17=261231"
    symbol = qr_symbol(url)
    damaged = symbol.modules.copy()
    damaged[14:18, 9:26] = False  # about 9 % of the symbol, away from the finder patterns
    framed = Symbol(url, symbol.version, symbol.mask, damaged).with_quiet_zone()
    pixels = np.where(np.kron(framed, np.ones((6, 6), dtype=bool)), 0, 255).astype(np.uint8)
    assert decode(Image.fromarray(pixels, "L")) == [url]
