"""The labels API: labels from the database in any format, in one call (what the CLI and a web view use).

``render(session, identifiers, fmt, ...) -> bytes`` reads the labels' content with one statement
(:func:`~cradletrace.labels.content.fetch_labels`) and renders them; :func:`render_labels` does the
rendering alone, for labels already in hand. PNG and SVG are single labels: several come as a ZIP
archive of one file each, named after their keys.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput
from cradletrace.labels.content import Label, fetch_labels
from cradletrace.labels.layout import DEFAULT_SIZE, SAFE_MARGIN, THERMAL_MARGIN, LabelSize, parse_size, sheet
from cradletrace.labels.pdf import pdf_sheets
from cradletrace.labels.raster import png_label
from cradletrace.labels.symbol import qr_symbol
from cradletrace.labels.vector import svg_label
from cradletrace.labels.zpl import DOTS_PER_MM, zpl_labels

FORMATS = ("png", "svg", "pdf", "zpl")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
               "zpl": "application/vnd.zebra-zpl", "zip": "application/zip"}
DEFAULT_DPI = {"png": 300, "zpl": 203}
Progress = Callable[[int], None]


def render(session: Session, identifiers: Sequence[str], fmt: str, *, layout: str = "3x8", page: str = "a4",
           label_size: LabelSize | str | None = None, margins: tuple[float, float] | None = None,
           dpi: int | None = None, resolver_url: str | None = None, progress: Progress | None = None) -> bytes:
    """The labels of ``identifiers`` (any identifier form) as one file's bytes.

    Parameters
    ----------
    session : Session
        Read only.
    identifiers : sequence of str
        Units, lots, SSCCs or locations; see also :func:`~cradletrace.labels.content.lot_units` and
        :func:`~cradletrace.labels.content.serial_range`.
    fmt : {'png', 'svg', 'pdf', 'zpl'}
        PDF sheets and ZPL take any number of labels; PNG and SVG one (several: a ZIP of one each).
    layout, page, margins
        The PDF sheet: ``COLUMNSxROWS`` on ``a4`` or ``letter``, (top, left) page margins in mm
        (:func:`~cradletrace.labels.layout.sheet`).
    label_size : LabelSize or str, optional
        The label (``50x25mm``, ``4x6in``): for PNG, SVG and ZPL (default 50 x 25 mm), and on a PDF
        sheet instead of the layout's own.
    dpi : int, optional
        PNG resolution (default 300) or ZPL printer (203, the default, or 300).
    resolver_url : str, optional
        The resolver the Digital Links point to (default ``CRADLETRACE_RESOLVER_URL``).
    progress : callable, optional
        Called with the number of labels rendered so far.

    Raises
    ------
    InvalidInput, InvalidIdentifier, NotFound
        A bad format or option, an identifier that is malformed, unknown or not labelable.
    """
    options = render_options(fmt, layout, page, label_size, margins, dpi)  # bad options fail before any query
    labels = fetch_labels(session, identifiers, resolver_url=resolver_url)
    return render_labels(labels, fmt, progress=progress, **options)


def render_options(fmt: str, layout: str, page: str, label_size: LabelSize | str | None,
             margins: tuple[float, float] | None, dpi: int | None) -> dict:  # type: ignore[type-arg]
    if fmt not in FORMATS:
        raise InvalidInput(f"{fmt!r} is not a label format: give {', '.join(FORMATS)}", where="--format")
    size = parse_size(label_size) if isinstance(label_size, str) else label_size
    if fmt == "pdf":
        return {"grid": sheet(layout, page, label_size=size, margins=margins)}
    if fmt == "zpl" and dpi is not None and dpi not in DOTS_PER_MM:
        raise InvalidInput(f"{dpi} dpi: Zebra printers print at 203 or 300", where="--dpi")
    if dpi is not None and not 72 <= dpi <= 1200:
        raise InvalidInput(f"{dpi} dpi: give 72 to 1200", where="--dpi")
    return {"size": size or DEFAULT_SIZE, "dpi": dpi}


def render_labels(labels: Sequence[Label], fmt: str, *, grid=None, size: LabelSize | None = None,  # type: ignore[no-untyped-def]
                  dpi: int | None = None, progress: Progress | None = None) -> bytes:
    """Render labels already read (see :func:`render` for the formats and options)."""
    if not labels:
        raise InvalidInput("no labels to render", where="labels")
    size = size or DEFAULT_SIZE
    if fmt == "pdf":
        return pdf_sheets(labels, lambda i: qr_symbol(labels[i].link), grid or sheet(), margin=SAFE_MARGIN,
                          progress=progress)
    if fmt == "zpl":
        return zpl_labels(labels, size, dpi or DEFAULT_DPI["zpl"], margin=THERMAL_MARGIN,
                          progress=progress).encode("utf-8")
    if fmt not in ("png", "svg"):
        raise InvalidInput(f"{fmt!r} is not a label format: give {', '.join(FORMATS)}", where="--format")
    files = single_files(labels, fmt, size=size, dpi=dpi, progress=progress)
    if len(files) == 1:
        return files[0][1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if fmt == "png" else zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue()


def single_files(labels: Sequence[Label], fmt: str, *, size: LabelSize | None = None, dpi: int | None = None,
                 progress: Progress | None = None) -> list[tuple[str, bytes]]:
    """One PNG or SVG file a label, as ``(file name, bytes)``; names from :func:`file_name`, made unique."""
    size = size or DEFAULT_SIZE
    out: list[tuple[str, bytes]] = []
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        symbol = qr_symbol(label.link)
        if fmt == "png":
            data = png_label(label, symbol, size, dpi or DEFAULT_DPI["png"], margin=SAFE_MARGIN)
        else:
            data = svg_label(label, symbol, size, margin=SAFE_MARGIN).encode("utf-8")
        name = file_name(label, fmt)
        copies = seen[name] = seen.get(name, 0) + 1
        if copies > 1:
            name = name.replace(f".{fmt}", f"-{copies}.{fmt}")
        out.append((name, data))
        if progress is not None:
            progress(i + 1)
    return out


def file_name(label: Label, fmt: str) -> str:
    """A file name for one label: its key's AIs and values, e.g. ``01-09506000134352-21-4711.png``.

    Examples
    --------
    >>> from cradletrace.labels.content import make_label
    >>> file_name(make_label("https://id.gs1.org/01/09506000134352/21/A%2F1", "unit", resolver_url=""), "png")
    '01-09506000134352-21-A_1.png'
    """
    parts = [part for pair in label.key.path for part in pair]
    return re.sub(r"[^A-Za-z0-9._-]", "_", "-".join(parts)) + f".{fmt}"


def media_type(fmt: str, count: int = 1) -> str:
    """The Content-Type of :func:`render`'s answer: ``application/zip`` for several PNG or SVG labels.

    Examples
    --------
    >>> media_type("pdf", 30), media_type("png"), media_type("svg", 2)
    ('application/pdf', 'image/png', 'application/zip')
    """
    if fmt in ("png", "svg") and count > 1:
        return MEDIA_TYPES["zip"]
    return MEDIA_TYPES[fmt]
