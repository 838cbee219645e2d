"""``cradletrace labels``: plugged into the core command, one error line for bad input, no partial files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from sqlalchemy.orm import Session

from cradletrace.cli import main
from cradletrace.db import create_db_engine
import labels_world as world
from labels_world import GTIN_PACK, RESOLVER, decode, pdf_pages


@pytest.fixture(scope="module")
def url(backend: str, make_database: Callable[..., str]) -> str:
    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        world.build(session)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def run(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    monkeypatch.setenv("CRADLETRACE_RESOLVER_URL", RESOLVER)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["labels", *args, "--database", url])

    return invoke


def _link(serial: str) -> str:
    return f"{RESOLVER}/01/{GTIN_PACK}/21/{serial}?17=261231"


def test_one_png(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("(01)09506000134352(21)0001", "-o", "unit.png")
    assert result.exit_code == 0, result.output
    assert result.output == "wrote 1 PNG label to unit.png\n"
    assert decode(Image.open(tmp_path / "unit.png")) == [_link("0001")]


def test_a_product_range_on_a_sheet(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("--product", GTIN_PACK, "--from-serial", "0001", "--count", "12", "-o", "run.pdf", "--layout", "2x7",
                 "--page", "letter")
    assert result.exit_code == 0, result.output
    assert "12 labels on 1 page (2x7 on letter" in result.output
    (page,) = pdf_pages((tmp_path / "run.pdf").read_bytes(), 150)
    assert decode(page) == sorted(_link(f"{i:04d}") for i in range(1, 13))


def test_a_lot_as_zpl_to_standard_output(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--lot", "(01)09506000134352(10)L1", "--format", "zpl", "--dpi", "300", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.output.count("^XA") == 12 and f"^FDQA,{_link('0012')}^FS" in result.output


def test_several_pngs_to_a_folder_or_a_zip(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("0001", "0002", "--format", "png", "-o", "pngs").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "pngs").iterdir()) == [
        f"01-{GTIN_PACK}-21-0001.png", f"01-{GTIN_PACK}-21-0002.png"]
    again = run("0003", "0004", "--format", "png", "-o", "pngs")
    assert again.exit_code == 1 and "pngs exists" in again.output
    assert run("0001", "0002", "--format", "svg", "-o", "two.zip").exit_code == 0
    assert len(zipfile.ZipFile(io.BytesIO((tmp_path / "two.zip").read_bytes())).namelist()) == 2


@pytest.mark.parametrize(("args", "message"), [
    (("(01)09506000134352(21)0001", f"(01){GTIN_PACK}(21)7777", "-o", "x.pdf"),
     "error: labels: '(01)09506000134352(21)7777' is not a recorded unit, lot or other identifier"),
    (("(01)09506000134353(21)1", "-o", "x.pdf"), "error: element string: AI (01) GTIN '09506000134353': check digit"),
    (("--product", GTIN_PACK, "--from-serial", "0010", "--count", "5", "-o", "x.pdf"),
     "error: labels: 2 of the 5 serials from 0010 are not recorded units of GTIN 09506000134352: 0013, 0014"),
    (("--lot", "(01)09506000134352(21)0001", "-o", "x.pdf"), "error: --lot: https://id.gs1.org/01/09506000134352/21/0001 is a unit"),
    (("-o", "x.pdf"), "error: choose the labels one way"),
    (("0001", "--lot", "L1", "-o", "x.pdf"), "error: choose the labels one way"),
    (("--product", GTIN_PACK, "-o", "x.pdf"), "error: --product needs --from-serial and --count"),
    (("0001", "-o", "x.txt"), "error: give --format"),
    (("0001", "-o", "x.pdf", "--layout", "3x"), "error: --layout: '3x' is not a layout"),
    (("0001", "-o", "x.zpl", "--dpi", "600"), "error: --dpi: 600 dpi"),
    (("0001", "-o", "x.pdf", "--margins", "a,b"), "error: --margins:"),
])
def test_errors_are_one_line_and_write_nothing(run, tmp_path: Path, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.output
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_rendering_leaves_no_file(run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from cradletrace.labels import cli
    from cradletrace.errors import InvalidInput

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise InvalidInput("boom", where="labels")

    monkeypatch.setattr(cli, "render_labels", broken)
    (tmp_path / "old.pdf").write_bytes(b"the previous sheet")
    result = run("0001", "-o", "old.pdf")
    assert result.exit_code == 1 and result.output == "error: labels: boom\n"
    assert [p.name for p in tmp_path.iterdir()] == ["old.pdf"] and (tmp_path / "old.pdf").read_bytes() == b"the previous sheet"


def test_listed_in_the_core_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "labels" in result.output
