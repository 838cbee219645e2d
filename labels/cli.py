"""``cradletrace labels``: QR labels for units, lots, SSCCs or locations, as PNG, SVG, a PDF sheet or ZPL.

Plugged into the core's ``cradletrace`` command through the ``cradletrace.commands`` entry point
(the core never imports this package). The labels are chosen one of three ways: identifiers in any
form, a product's serials counted on from one (``--product --from-serial --count``), or a lot's
units (``--lot``). Everything is rendered before anything is written, and the output is written
beside its target and moved into place when complete, so an error leaves no partial file.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from cradletrace.cli.options import database_option, session_scope, write_file
from cradletrace.cli.progress import progress_bar
from cradletrace.errors import InvalidInput
from cradletrace.labels.content import fetch_labels, lot_units, serial_range
from cradletrace.labels.layout import parse_size, sheet
from cradletrace.labels.render import FORMATS, render_options, render_labels, single_files


def _margins(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or any(v < 0 for v in values):
        raise InvalidInput(f"{text!r} is not a margin: give TOP,LEFT in mm (or one value for both)", where="--margins")
    return (values[0], values[-1])


@click.command("labels")
@click.argument("identifiers", nargs=-1, metavar="[ID]...")
@click.option("--product", metavar="GTIN", help="Label a product's units by serial (with --from-serial and --count).")
@click.option("--from-serial", metavar="S", help="The first serial; the next ones count on its trailing number.")
@click.option("--count", type=click.IntRange(min=1), metavar="N", help="How many serials from --from-serial.")
@click.option("--lot", metavar="LOT", help="Label every unit of a lot (any lot identifier, or its lot number).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Label format (default: from the output's suffix).")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="File to write ('-' for standard output); for several PNG or SVG labels a new folder, or a .zip.")
@click.option("--layout", default="3x8", show_default=True, help="PDF sheet grid, COLUMNSxROWS (3x8, 2x7, 3x10, ...).")
@click.option("--page", type=click.Choice(["a4", "letter"]), default="a4", show_default=True, help="PDF page size.")
@click.option("--label-size", metavar="WxH", help="Label size, e.g. 50x25mm or 4x6in (PNG, SVG, ZPL: default 50x25mm; "
              "PDF: the layout's stock).")
@click.option("--margins", metavar="TOP,LEFT", help="PDF page margins in mm (default: the layout's stock).")
@click.option("--dpi", type=int, help="ZPL printer resolution, 203 (default) or 300; PNG resolution (default 300).")
@database_option
def labels_command(identifiers: tuple[str, ...], product: str | None, from_serial: str | None, count: int | None,
                   lot: str | None, fmt: str | None, output: Path, layout: str, page: str, label_size: str | None,
                   margins: str | None, dpi: int | None, database: str | None) -> None:
    """Print QR labels that carry each object's GS1 Digital Link on this deployment's resolver.

    \b
    cradletrace labels "(01)09506000134352(21)4711" -o unit.png
    cradletrace labels --product 09506000134352 --from-serial 0001 --count 48 -o sheet.pdf --layout 2x7
    cradletrace labels --lot "(01)09506000134352(10)L1" --format zpl --dpi 300 -o lot.zpl
    """
    modes = sum((bool(identifiers), product is not None or from_serial is not None or count is not None, lot is not None))
    if modes != 1:
        raise click.UsageError("choose the labels one way: ID..., --product GTIN --from-serial S --count N, or --lot LOT")
    if product is not None and (from_serial is None or count is None):
        raise click.UsageError("--product needs --from-serial and --count")
    if (from_serial is not None or count is not None) and product is None:
        raise click.UsageError("--from-serial and --count need --product")
    fmt = fmt or _format_of(output)
    options = render_options(fmt, layout, page, parse_size(label_size) if label_size else None, _margins(margins), dpi)
    with session_scope(database, commit=False) as session:
        if product is not None:
            chosen = serial_range(session, product, from_serial, count)  # type: ignore[arg-type]
        elif lot is not None:
            chosen = lot_units(session, lot)
        else:
            chosen = list(identifiers)
        labels = fetch_labels(session, chosen)
    folder = fmt in ("png", "svg") and len(labels) > 1 and output.suffix.lower() != ".zip" and str(output) != "-"
    if folder:
        _refuse_folder(output)
    with progress_bar("labels", unit="labels", total=len(labels)) as update:
        if folder:
            files = single_files(labels, fmt, size=options["size"], dpi=options["dpi"], progress=update)
        else:
            data = render_labels(labels, fmt, progress=update, **options)
    if folder:
        _write_folder(output, files)
        click.echo(f"wrote {len(files)} {fmt.upper()} labels to {output}/")
    elif str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_file(output, data)
        click.echo(f"wrote {_describe(len(labels), fmt, options)} to {output}")


def _format_of(output: Path) -> str:
    suffix = output.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise click.UsageError(f"give --format ({'|'.join(FORMATS)}): the output {str(output)!r} does not say which")


def _describe(count: int, fmt: str, options: dict) -> str:  # type: ignore[type-arg]
    noun = "label" if count == 1 else "labels"
    if fmt == "pdf":
        grid = options["grid"]
        pages = grid.pages(count)
        return (f"{count} {noun} on {pages} page{'s' if pages > 1 else ''} ({grid.columns}x{grid.rows} on "
                f"{grid.page}, {grid.label} labels)")
    if fmt == "zpl":
        return f"{count} ZPL {noun} ({options['size']}, {options['dpi'] or 203} dpi)"
    return f"{count} {fmt.upper()} {noun}" + (" (zip)" if count > 1 else "")


def _refuse_folder(output: Path) -> None:
    if output.exists() and not (output.is_dir() and not any(output.iterdir())):
        raise InvalidInput(f"{output} exists: several PNG or SVG labels go to a new (or empty) folder, or a .zip",
                           where="--output")
    if not output.parent.is_dir():
        raise InvalidInput(f"{output.parent} is not a folder", where="--output")


def _write_folder(output: Path, files: list[tuple[str, bytes]]) -> None:
    partial = output.with_name(f".{output.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir()
        for name, data in files:
            (partial / name).write_bytes(data)
        if output.is_dir():
            output.rmdir()  # empty, checked before rendering
        partial.rename(output)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
