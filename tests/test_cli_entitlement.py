"""``cradletrace entitlement ID [--at DATE]``: the entitlement in text and JSON, on a database of its own."""

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


def test_text_says_whether_and_why(database: str) -> None:
    # 1 Jun 2027 (its end): P1's warranty (24 months from 5 Feb 2026) and GOLD-36 (36 months) both run.
    result = run(database, "entitlement", "(01)09506000134352(21)P1", "--at", "2027-06-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:4] == [
        f"{world.pump(1)}  (Pump, GTIN {world.PUMP})",
        "at 2027-06-01 23:59 UTC: covered by warranty, GOLD-36",
        "  warranty: 24 months, 2026-02-05 09:00 to 2028-02-05 09:00, covers repair, parts, labour, replacement",
        "  GOLD-36: 36 months, 2026-02-05 09:00 to 2029-02-05 09:00, covers repair, parts, labour"]
    assert "  - contract C-1 (active) for Alpha" in lines
    # After both have ended: not covered, and why.
    late = run(database, "entitlement", world.pump(1), "--at", "2029-03-01T00:00:00Z").output
    assert "at 2029-03-01 00:00 UTC: not covered" in late and "warranty ended on 2028-02-05" in late
    assert "GOLD-36: 36 months, 2026-02-05 09:00 to 2029-02-05 09:00, covers repair, parts, labour (not at this date)" \
        in late


def test_json_for_programs(database: str) -> None:
    body = json.loads(run(database, "entitlement", world.pump(2), "--at", "2026-06-01", "--format", "json").output)
    # P2 was never received: nothing runs yet.
    assert (body["covered"], body["control"], body["contract"], body["warranty"]["starts_at"]) == (
        False, None, "C-1", None)
    assert body["reasons"][1] == "control has not passed to the customer (no receiving or installing at the customer yet)"
    p1 = json.loads(run(database, "entitlement", world.pump(1), "--at", "2026-06-01", "--format", "json").output)
    assert (p1["covered"], p1["under_warranty"], p1["control"]["at"], p1["plans"][0]["code"]) == (
        True, True, "2026-02-05T09:00:00Z", "GOLD-36")
    unsold = json.loads(run(database, "entitlement", world.pump(3), "--format", "json").output)
    assert (unsold["covered"], unsold["reasons"]) == (False, ["no contract: none of the unit's documents leads to one"])


def test_errors_are_one_line(database: str) -> None:
    missing = run(database, "entitlement", "https://id.gs1.org/01/09506000134352/21/NONE")
    assert missing.exit_code == 1 and missing.output.startswith("error:") and missing.output.count("\n") == 1
    bad = run(database, "entitlement", world.pump(1), "--at", "soon")
    assert bad.exit_code == 1 and bad.output.startswith("error: --at: 'soon' is not a date")
