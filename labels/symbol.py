"""QR Code symbols for labels: the qrcode library's encoding, with its mask choice computed on arrays.

Every label's QR Code is built here, at error correction level Q (about 25 % of the codewords can
be restored), with the four-module quiet zone ISO/IEC 18004 asks for left to the renderers (see
docs/labels.md for why Q and not M or H).

The qrcode library does the work that defines the symbol: the data segments and version
(``QRCode.add_data`` and ``best_fit``, with its default segment optimisation), the codewords with
their Reed-Solomon error correction (``util.create_data``), the function patterns and the format
and version information (its ``setup_*`` methods). What it does slowly is the last step: it draws
the whole matrix eight times in Python, once per mask pattern, and scores each with the penalty
rules of ISO/IEC 18004 (7.8.3), about 20 ms a symbol. :func:`qr_symbol` places the same bits
with one array index per mask and scores the eight masks with numpy; the symbol it returns is
module for module the one ``qrcode.QRCode.make()`` builds (tests/test_labels_symbol.py checks it
for random data and every version), about ten times faster, which is what lets a sheet of a
thousand labels render in seconds.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np
import qrcode
from numpy.lib.stride_tricks import sliding_window_view
from qrcode import util
from qrcode.constants import ERROR_CORRECT_Q

ERROR_CORRECTION = ERROR_CORRECT_Q
"""qrcode's constant for level Q: 25 % of the codewords may be lost to wear and still be read."""
ERROR_CORRECTION_LETTER = "Q"
"""The level as ZPL's ``^BQ`` data prefix and the documentation name it."""
QUIET_ZONE = 4
"""Light modules around the symbol on every side (ISO/IEC 18004 requires four for QR Code)."""

# The finder-like 1:1:3:1:1 pattern with four light modules before or after it (penalty rule N3).
_FINDER_LIKE = np.array([[1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1]], dtype=bool)


@dataclass(frozen=True, eq=False)
class Symbol:
    """A QR Code symbol: ``modules[row, col]`` is True for a dark module, quiet zone not included.

    Attributes
    ----------
    data : str
        The text encoded.
    version : int
        1 to 40; the symbol is ``4 * version + 17`` modules wide.
    mask : int
        The mask pattern chosen (0-7).
    modules : numpy.ndarray
        Square boolean array.
    """

    data: str
    version: int
    mask: int
    modules: np.ndarray

    @property
    def size(self) -> int:
        """Modules on a side, without the quiet zone."""
        return int(self.modules.shape[0])

    def with_quiet_zone(self) -> np.ndarray:
        """The modules framed by :data:`QUIET_ZONE` light modules on every side."""
        return np.pad(self.modules, QUIET_ZONE, constant_values=False)

    def runs(self) -> list[tuple[int, int, int]]:
        """The dark modules as horizontal runs ``(row, col, length)``: what vector renderers draw, one
        rectangle a run instead of one a module.

        Examples
        --------
        >>> Symbol("", 1, 0, np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1]], dtype=bool)).runs()
        [(0, 0, 2), (1, 1, 2), (2, 0, 1), (2, 2, 1)]
        """
        n = self.size
        framed = np.zeros((n, n + 2), dtype=np.int8)
        framed[:, 1:-1] = self.modules
        edges = np.diff(framed, axis=1)  # +1 where a run starts, -1 just after it ends
        rows, starts = np.nonzero(edges == 1)
        _, ends = np.nonzero(edges == -1)
        return list(zip(rows.tolist(), starts.tolist(), (ends - starts).tolist()))


@dataclass(frozen=True, eq=False)
class _Template:
    """What one version needs, computed once: where the data bits go and the eight masks' patterns."""

    rows: np.ndarray  # data module coordinates, in placement order
    cols: np.ndarray
    masks: np.ndarray  # (8, len(rows)) bool: whether each mask flips each data module
    scoring: np.ndarray  # (n, n) bool: function patterns as qrcode scores them (format information light)
    finals: np.ndarray  # (8, n, n) bool: function patterns with each mask's format information


def qr_symbol(data: str) -> Symbol:
    """The QR Code of ``data`` at level Q, identical to ``qrcode.QRCode(error_correction=Q).make()``'s.

    Raises
    ------
    qrcode.exceptions.DataOverflowError
        If ``data`` is too long for a version 40 symbol (1,663 bytes at level Q).

    Examples
    --------
    >>> symbol = qr_symbol("https://id.gs1.org/01/09506000134352/21/4711")
    >>> symbol.version, symbol.size, symbol.with_quiet_zone().shape
    (4, 33, (41, 41))
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION)
    code.add_data(data)
    try:
        version = code.best_fit()
    except ValueError:  # qrcode's own check of a version past 40
        raise qrcode.exceptions.DataOverflowError(f"{len(data.encode())} bytes do not fit a QR Code at level Q") \
            from None
    template = _template(version)
    codewords = np.frombuffer(bytes(util.create_data(version, ERROR_CORRECTION, code.data_list)), dtype=np.uint8)
    bits = np.zeros(len(template.rows), dtype=bool)
    unpacked = np.unpackbits(codewords).astype(bool)
    bits[:len(unpacked)] = unpacked[:len(bits)]  # remainder bits stay light
    placed = bits[None, :] ^ template.masks  # (8, k): each mask's data modules
    candidates = np.broadcast_to(template.scoring, (8, *template.scoring.shape)).copy()
    candidates[:, template.rows, template.cols] = placed
    mask = int(np.argmin(penalties(candidates)))  # the first of equal scores, as qrcode picks
    modules = template.finals[mask].copy()
    modules[template.rows, template.cols] = placed[mask]
    return Symbol(data, version, mask, modules)


def penalties(symbols: np.ndarray) -> list[int]:
    """The ISO/IEC 18004 penalty score of each symbol of a ``(k, n, n)`` boolean stack, as qrcode computes it.

    N1 runs of five or more same-coloured modules in a row or column (3 + each module past five),
    N2 2x2 blocks of one colour (3 each), N3 the 1:1:3:1:1 finder-like pattern beside four light
    modules (40 each), N4 the dark share's distance from 50 % (10 per whole 5 %).

    Examples
    --------
    >>> penalties(np.zeros((1, 21, 21), dtype=bool))  # 42 runs of 21, 400 blocks, no dark module
    [2098]
    """
    count, n = symbols.shape[0], symbols.shape[1]
    scores = np.zeros(count, dtype=np.int64)
    for lines in (symbols, symbols.transpose(0, 2, 1)):
        scores += _run_penalties(lines)
        windows = sliding_window_view(lines, 11, axis=2)  # (k, n, n - 10, 11)
        finder = (windows[..., None, :] == _FINDER_LIKE).all(axis=-1).any(axis=-1)
        scores += 40 * finder.sum(axis=(1, 2))
    top = symbols[:, :-1, :-1]
    blocks = (top == symbols[:, 1:, :-1]) & (top == symbols[:, :-1, 1:]) & (top == symbols[:, 1:, 1:])
    scores += 3 * blocks.sum(axis=(1, 2))
    out = []
    for score, dark in zip(scores.tolist(), symbols.sum(axis=(1, 2)).tolist()):
        percent = float(dark) / (n ** 2)  # the same float steps as qrcode, so ties break alike
        out.append(score + int(abs(percent * 100 - 50) / 5) * 10)
    return out


def _run_penalties(lines: np.ndarray) -> np.ndarray:
    """N1 for each symbol of a ``(k, n, n)`` stack, along its rows (all symbols in one pass)."""
    count, n = lines.shape[0], lines.shape[1]
    framed = np.full((count, n, n + 1), 2, dtype=np.int8)  # a separator ends every row's last run
    framed[:, :, :n] = lines
    flat = framed.reshape(-1)
    starts = np.concatenate(([0], np.flatnonzero(flat[1:] != flat[:-1]) + 1))
    lengths = np.diff(np.concatenate((starts, [len(flat)])))
    long = (flat[starts] != 2) & (lengths >= 5)
    owner = starts[long] // (n * (n + 1))  # which symbol each long run is in
    return np.bincount(owner, weights=lengths[long] - 2, minlength=count).astype(np.int64)


@functools.lru_cache(maxsize=40)
def _template(version: int) -> _Template:
    n = version * 4 + 17
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECTION)
    code.modules_count = n

    def blank(test: bool, mask: int) -> list[list[bool | None]]:
        code.modules = [[None] * n for _ in range(n)]
        code.setup_position_probe_pattern(0, 0)
        code.setup_position_probe_pattern(n - 7, 0)
        code.setup_position_probe_pattern(0, n - 7)
        code.setup_position_adjust_pattern()
        code.setup_timing_pattern()
        code.setup_type_info(test, mask)
        if version >= 7:
            code.setup_type_number(test)
        return code.modules

    scoring_modules = blank(True, 0)
    free = np.array([[m is None for m in row] for row in scoring_modules])
    rows, cols = _placement_order(free)
    masks = np.array([[util.mask_func(m)(r, c) for r, c in zip(rows.tolist(), cols.tolist())] for m in range(8)],
                     dtype=bool)
    scoring = np.array([[bool(m) for m in row] for row in scoring_modules])
    finals = np.stack([np.array([[bool(m) for m in row] for row in blank(False, m)]) for m in range(8)])
    return _Template(rows, cols, masks, scoring, finals)


def _placement_order(free: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The data modules in the order qrcode's ``map_data`` fills them: two-column strips from the right,
    upwards and downwards in turn, skipping the vertical timing pattern."""
    n = free.shape[0]
    rows, cols = [], []
    upward = True
    for right in range(n - 1, 0, -2):
        if right <= 6:
            right -= 1
        order = range(n - 1, -1, -1) if upward else range(n)
        for row in order:
            for col in (right, right - 1):
                if free[row, col]:
                    rows.append(row)
                    cols.append(col)
        upward = not upward
    return np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp)


def version_for(data: str) -> int:
    """The version a level-Q symbol of ``data`` needs at most, encoded as bytes (no qrcode call).

    A bound for sizing a symbol that a printer encodes itself (ZPL ``^BQ``): an encoder that
    mixes numeric and alphanumeric segments can only need the same version or a smaller one.

    Examples
    --------
    >>> version_for("https://id.gs1.org/01/09506000134352/21/4711")
    4
    """
    length = len(data.encode("utf-8"))
    limits = util.BIT_LIMIT_TABLE[ERROR_CORRECTION]
    version = 1
    for _ in range(3):  # the character count field widens at versions 10 and 27
        bits = 4 + util.length_in_bits(util.MODE_8BIT_BYTE, min(version, 40)) + 8 * length
        found = bisect_left(limits, bits, 1)
        if found == version or found > 40:
            version = found
            break
        version = found
    if version > 40:
        raise qrcode.exceptions.DataOverflowError(f"{length} bytes do not fit a QR Code at level Q")
    return version
