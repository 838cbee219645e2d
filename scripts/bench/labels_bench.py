"""Labels: 1,000 labels to a PDF sheet, to ZPL and to PNG files, against qrcode making the same symbols.

``labels.pdf``, ``labels.png`` and ``labels.zpl``: seconds to render ``n`` unit labels (with a
20-character serial and an expiry, the longest Digital Link a unit label carries) and write them,
as a PDF on A4 3x8 sheets, one PNG file each (50 x 25 mm at 300 dpi), and one ZPL file (203 dpi).
The floor, measured in the same run, is the qrcode library making the same ``n`` symbols alone
(``QRCode(error_correction=Q).add_data(link).make()``), the work every QR label needs at least
once; the ratio is label time over that. Goals (issue #21): PDF at most 3x and 10 s, PNG at most
1.5x, ZPL at most 0.2x (the printer encodes ZPL's symbol, so no symbol is made here at all).
The labels are made without a database; reading them is one statement (tests/test_labels_content.py).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import qrcode
from common import log
from results import Figure, Results

from cradletrace.labels.content import make_label
from cradletrace.labels.layout import sheet
from cradletrace.labels.render import render_labels, single_files
from cradletrace.labels.symbol import ERROR_CORRECTION

GOALS = {"pdf": 3.0, "png": 1.5, "zpl": 0.2}
PDF_SECONDS = 10.0


def _labels(n: int) -> list[Any]:
    return [make_label(f"https://id.gs1.org/01/09506000134352/21/SN{i:018d}", "unit", name="Battery pack 48 V",
                       expiry=date(2026, 12, 31), resolver_url="https://trace.example.com") for i in range(n)]


def _seconds(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def run(results: Results, n: int) -> None:
    log(f"labels: {n:,} labels")
    labels = _labels(n)

    def floor() -> None:
        for label in labels:
            code = qrcode.QRCode(error_correction=ERROR_CORRECTION)
            code.add_data(label.link)
            code.make(fit=True)

    floor_seconds = _seconds(floor)
    with tempfile.TemporaryDirectory(prefix="ct-labels-") as tmp:
        out = Path(tmp)

        def pdf() -> None:
            (out / "labels.pdf").write_bytes(render_labels(labels, "pdf", grid=sheet("3x8", "a4")))

        def png() -> None:
            folder = out / "png"
            folder.mkdir()
            for name, data in single_files(labels, "png", dpi=300):
                (folder / name).write_bytes(data)

        def zpl() -> None:
            (out / "labels.zpl").write_bytes(render_labels(labels, "zpl", dpi=203))

        for fmt, work in (("pdf", pdf), ("png", png), ("zpl", zpl)):
            seconds = _seconds(work)
            ratio = seconds / floor_seconds
            goal = f"ratio <= {GOALS[fmt]:g}" + (f", s <= {PDF_SECONDS:g} at 1,000" if fmt == "pdf" else "")
            met = ratio <= GOALS[fmt] and (fmt != "pdf" or seconds * 1000 / n <= PDF_SECONDS)
            size = sum(p.stat().st_size for p in out.rglob(f"*.{fmt}"))
            results.add(Figure(f"labels.{fmt}", "-", n, seconds, "s", floor=floor_seconds, ratio=ratio, goal=goal,
                               met=met, floor_name="qrcode making the same symbols (QRCode.make, level Q)",
                               extra={"ms_per_label": seconds / n * 1e3, "floor_ms_per_symbol": floor_seconds / n * 1e3,
                                      "bytes_per_label": size / n}))
