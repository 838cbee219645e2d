"""``cradletrace contract show NUMBER`` and ``contract reminders``: text and JSON, on a database of its own."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

import contracts_world as world
from cradletrace.cli import main


@pytest.fixture(scope="module")
def database(make_database, backend: str) -> str:  # type: ignore[no-untyped-def]
    return world.committed(make_database(backend))


def run(database: str, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--database", database])


def test_show_prints_terms_history_documents_and_units(database: str) -> None:
    result = run(database, "contract", "show", "C-1", "--at", "2026-06-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:4] == [
        "contract C-1  (active)  customer Alpha  EUR",
        "terms v1 (in force): 2026-01-01 00:00 to 2027-01-01 00:00, payment 45 days, renewal notice 60 days, "
        "price list -",
        f"  warranty {world.PUMP} Pump: 24 months from delivery",
        f"  plan GOLD-36 Gold service: {world.PUMP} Pump, 36 months from delivery, covers repair, parts, labour"]
    assert "  2025-12-15 09:00 signed (v1) by carl" in lines
    assert "  order SO1 (shipped) 2000.00 EUR" in lines  # 2 pumps at 1000.00
    assert lines[-3:] == ["units covered: 2", f"  {world.pump(1)}  Pump", f"  {world.pump(2)}  Pump"]
    draft = run(database, "contract", "show", "C-2").output
    assert "(draft)" in draft and "terms v1 (latest, not in force)" in draft and "documents: none" in draft


def test_show_json(database: str) -> None:
    body = json.loads(run(database, "contract", "show", "C-1", "--format", "json").output)
    assert (body["number"], body["status"], body["in_force"], body["customer_id"]) == ("C-1", "active", 1,
                                                                                       world.CUSTOMER_A)
    assert [c["state"] for c in body["history"]] == ["draft", "approved", "signed", "active"]
    assert [(d["kind"], d["number"]) for d in body["documents"]] == [("order", "SO1"), ("shipment", "SH-SO1")]
    assert body["terms"][0]["warranties"] == [{"gtin": world.PUMP, "product": "Pump", "months": 24}]


def test_reminders(database: str) -> None:
    # C-1 ends 1 Jan 2027 with 60 days' notice: due from 2 Nov 2026; on 10 Nov, 21 + 31 = 52 days are left.
    assert run(database, "contract", "reminders", "--at", "2026-11-01").output == "no renewals due\n"
    due = run(database, "contract", "reminders", "--at", "2026-11-10")
    assert due.output == "C-1  Alpha  ends 2027-01-01 00:00 (52 days left), due since 2026-11-02 00:00\n"
    body = json.loads(run(database, "contract", "reminders", "--at", "2027-01-03", "--format", "json").output)
    assert [(r["contract"], r["days_left"]) for r in body] == [("C-1", -2)]
    assert "ended 2 days ago" in run(database, "contract", "reminders", "--at", "2027-01-03").output


def test_errors_are_one_line(database: str) -> None:
    missing = run(database, "contract", "show", "C-9")
    assert missing.exit_code == 1 and missing.output == "error: contract: no contract 'C-9'\n"
