"""``cradletrace quote pdf|show|expire`` as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.cli import main
from cradletrace.db import create_db_engine
from pricing_world import CUSTOMER_A, CUSTOMER_B, PUMP, SELLER, at, build, pdf_text


@pytest.fixture(scope="module")
def url(backend: str, make_database: Callable[..., str]) -> str:
    """A committed world with two quotes: Q1 (Alpha, sent, valid until 1 May) and Q2 (Beta, a 20 % discount
    approved, in two versions). Shared by the module's tests: only ``quote expire`` changes it, and what it
    changes (Q1's status) no other test looks at."""
    url = make_database(backend)
    engine = create_db_engine(url)
    with Session(engine) as session:
        build(session)
        commerce.create_quote(session, "Q1", party=CUSTOMER_A, currency="EUR", when=at(2026, 4, 1),
                              valid_until=at(2026, 5, 1), lines=[{"product": PUMP, "quantity": 12}])
        commerce.send_quote(session, "Q1", when=at(2026, 4, 1))
        commerce.create_quote(session, "Q2", party=CUSTOMER_B, currency="EUR", when=at(2026, 4, 1), by="sam",
                              lines=[{"product": PUMP, "quantity": 2, "discount": "0.2"}])
        commerce.approve_discount(session, "Q2", by="mia", roles=["sales_manager"], when=at(2026, 4, 3))
        commerce.revise_quote(session, "Q2", when=at(2026, 4, 4), lines=[{"product": PUMP, "quantity": 3}])
        session.commit()
    engine.dispose()
    return url


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="cradletrace")


def test_quote_pdf_writes_the_file(url: str, tmp_path: Path) -> None:
    out = tmp_path / "q1.pdf"
    result = run("quote", "pdf", "Q1", "-o", str(out), "--seller", SELLER, "--database", url)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"wrote quote Q1 version 1 to {out}"
    # Alpha's list, tier from 10: 12 x 85.00 = 1020.00.
    text = " ".join(pdf_text(out.read_bytes())[0].split())
    assert "1 Pump (09506000134352) 12 85.00 - 1,020.00" in text and "Total EUR 1,020.00" in text
    assert "Seller https://id.gs1.org/417/9520999999990" in text
    assert [p.name for p in tmp_path.iterdir()] == ["q1.pdf"]


def test_quote_pdf_default_name_version_and_stdout(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("quote", "pdf", "Q2", "--version", "1", "--database", url).exit_code == 0
    text = " ".join(pdf_text((tmp_path / "quote-Q2-v1.pdf").read_bytes())[0].split())
    # Version 1: 2 x 100.00 less 20 % = 160.00, approved.
    assert "Total EUR 160.00" in text and "Discount of up to 20 % approved by mia on 2026-04-03" in text
    result = CliRunner().invoke(main, ["quote", "pdf", "Q2", "-o", "-", "--database", url])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"%PDF-")
    assert "Total EUR 300.00" in " ".join(pdf_text(result.stdout_bytes)[0].split())  # version 2: 3 x 100.00


def test_quote_pdf_errors_leave_no_file(url: str, tmp_path: Path) -> None:
    for args, naming in ((["NOPE"], "error: quote: no quote 'NOPE'"),
                         (["Q2", "--version", "7"], "error: version: quote Q2 has no version 7"),
                         (["Q1", "--seller", "urn:example:x"], "no party 'urn:example:x' (the seller")):
        result = run("quote", "pdf", *args, "-o", str(tmp_path / "x.pdf"), "--database", url)
        assert result.exit_code == 1 and naming in result.stderr, result.output
    result = run("quote", "pdf", "Q1", "-o", str(tmp_path), "--database", url)
    assert result.exit_code == 1 and "is a folder: give a file name" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_quote_show_explains_the_prices(url: str) -> None:
    result = run("quote", "show", "Q2", "--version", "1", "--database", url)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ("quote Q2 version 1 (superseded), customer Beta "
                                             "(https://id.gs1.org/417/9520999999976), dated 2026-04-01")
    for shown in ("list price 100.00 (GEN-2026, from 1)", "line discount 20 %: -40.00",
                  "gross 200.00, net 160.00, tax 0.00 (rate 0), effective discount 20 %",
                  "approval of 20 % (threshold 15 %), requested 2026-04-01: approved by mia on 2026-04-03"):
        assert shown in result.output
    data = json.loads(run("quote", "show", "Q2", "--format", "json", "--database", url).output)
    assert (data["version"], data["status"], data["pricing"]["total"], data["approvals"]) == (2, "draft", "300.00", [])
    assert data["pricing"]["lines"][0]["price_list"] == "GEN-2026"


def test_quote_expire(url: str) -> None:
    result = run("quote", "expire", "--at", "2026-04-30", "--database", url)
    assert (result.exit_code, result.output) == (0, "no quotes to expire\n")
    result = run("quote", "expire", "--at", "2026-05-02", "--format", "json", "--database", url)
    assert json.loads(result.output) == {"expired": [{"number": "Q1", "version": 1,
                                                      "valid_until": "2026-05-01T09:00:00Z"}]}
    assert "(expired)" in run("quote", "show", "Q1", "--database", url).output
