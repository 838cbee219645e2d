"""``cradletrace demo``: the world, the logins and the label sheet in one command; ``--if-empty`` changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from cradletrace.cli import main
from cradletrace.demo import STORY_UNITS, highlights
from cradletrace.models import Event, User
from cradletrace.web.auth import ROLES, authenticate
from cradletrace.web.demo import LABELLED, PASSWORD, demo_users, passport_url
from demo_support import reading
from labels_world import decode, pdf_pages

pytestmark = pytest.mark.xdist_group("demo")
RESOLVER = "http://192.0.2.10:5000"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["demo", *args], prog_name="cradletrace")


def state(url: str) -> tuple[int, str, list[str]]:
    """How many events, the chain's last hash, and the users: what a second run must leave as they are."""
    with reading(url) as session:
        events = session.scalar(select(func.count()).select_from(Event))
        head = session.scalar(select(Event.chain_hash).order_by(Event.id.desc()).limit(1))
        users = sorted(session.scalars(select(User.name)))
    return events, head, users


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CRADLETRACE_RESOLVER_URL", RESOLVER)
    return RESOLVER


def test_demo_builds_logs_in_and_prints_labels_then_if_empty_changes_nothing(
        make_database: Callable[..., str], tmp_path: Path, resolver: str) -> None:
    # the command on SQLite (what scripts/run uses); the world is built on PostgreSQL too by the demo_database tests
    url, labels = make_database("sqlite"), tmp_path / "labels.pdf"
    first = run("--units", str(STORY_UNITS), "--labels", str(labels), "--database", url)
    assert first.exit_code == 0, first.output
    found = highlights()
    assert f"{STORY_UNITS} battery packs built" in first.output
    assert passport_url(found["swapped_pack"], resolver) in first.output
    assert all(name in first.output for name in demo_users()) and PASSWORD in first.output
    # every label on the sheet carries its identifier's Digital Link on this server's resolver
    (page,) = pdf_pages(labels.read_bytes(), dpi=150)
    assert decode(page) == sorted(passport_url(found[key], resolver) for key in LABELLED)
    before = state(url)
    with reading(url) as session:
        assert authenticate(session, "demo", PASSWORD) is not None
        roles = {r.role.value for r in session.scalar(select(User).where(User.name == "demo")).roles}
    assert roles == set(ROLES)

    again = run("--if-empty", "--labels", str(labels), "--database", url)
    assert again.exit_code == 0, again.output
    assert "nothing to do: the demo is loaded already" in again.output and "demo-finance" in again.output
    assert state(url) == before


def test_json_output_progress_and_a_second_load_refused(make_database: Callable[..., str], tmp_path: Path,
                                                        resolver: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cradletrace.cli.progress.progress_enabled", lambda: True)  # as at a terminal
    url = make_database("sqlite")
    result = run("--units", str(STORY_UNITS), "--no-users", "--labels", str(tmp_path / "l.pdf"), "--format", "json",
                 "--database", url)
    assert f"demo:   0%|          | 0/{STORY_UNITS} [" in result.stderr, "a bar of packs, on stderr"
    body = json.loads(result.stdout)
    assert (body["built"], body["units"], body["seed"], body["users"]) == (True, STORY_UNITS, 1, [])
    assert body["passport"] == passport_url(highlights()["swapped_pack"], resolver)
    assert body["labels"] == str((tmp_path / "l.pdf").resolve())
    refused = run("--units", str(STORY_UNITS), "--database", url)
    errors = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert refused.exit_code == 1
    assert errors == ["error: --database: the demo is loaded already (use --if-empty to skip it)"]


def test_if_empty_leaves_other_data_alone(make_database: Callable[..., str], tmp_path: Path) -> None:
    url = make_database("sqlite")
    document = tmp_path / "one.json"
    document.write_text(json.dumps({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
        "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z", "epcisBody": {"eventList": [{
            "type": "ObjectEvent", "action": "ADD", "epcList": ["https://id.gs1.org/01/09506000134352/21/E1"],
            "eventTime": "2025-01-01T10:00:00Z", "eventTimeZoneOffset": "+00:00"}]}}))
    assert CliRunner().invoke(main, ["capture", str(document), "--database", url]).exit_code == 0
    result = run("--if-empty", "--database", url)
    assert result.exit_code == 0 and "the database holds other data" in result.output
    assert "label sheet" not in result.output and state(url)[0] == 1
