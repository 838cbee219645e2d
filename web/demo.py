"""``cradletrace demo``: load the demo world, create its logins and print its label sheet.

Plugged into ``cradletrace`` through the ``cradletrace.commands`` entry points, like ``serve``: the world
is the core's (:mod:`cradletrace.demo`, built through the services), but the logins are the web
application's users and the label sheet is :mod:`cradletrace.labels`' PDF, which the core may not
import. One command, so ``scripts/run`` sets up everything a visitor needs in one process.

``--if-empty`` leaves a database that holds any event alone (one query), so running it again is
quick and changes nothing; the logins (created only when missing) and the label sheet (written
again, for the resolver URL of this run) are still printed.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.cli.options import (
    database_option, format_option, print_json, require_database, resolve_url, session_scope, write_file,
)
from cradletrace.cli.progress import progress_bar
from cradletrace.demo import DEFAULT_UNITS, STORY_UNITS, build, highlights, is_empty, is_loaded
from cradletrace.models import User
from cradletrace.settings import load_settings
from cradletrace.web.auth import ROLES, add_user

PASSWORD = "cradletrace-demo"
"""The password of every demo login: a demo on a laptop, not a deployment (the command says so)."""
LABELLED = ("swapped_pack", "repaired_pack", "recycled_content_pack", "held_pack", "non_compliant_pack",
            "incomplete_pack", "returned_pack", "recycled_pack", "faulty_board", "replacement_board",
            "harvested_board", "recalled_lot", "non_compliant_lot", "undeclared_lot", "expired_certificate_lot",
            "recovered_lot", "precursor_lot", "recycled_content_cells", "in_stock_pallet", "pallet", "hub", "plant",
            "warranty_repair_pack", "misbuilt_pack")
"""The identifiers on the label sheet: one of each story, 24 labels on one A4 sheet of 3 x 8."""
SHOWCASE = "swapped_pack"
"""The pack whose passport the command suggests first (sold, in service, its BMS board replaced)."""


def demo_users() -> dict[str, tuple[str, ...]]:
    """The demo logins: ``demo`` holds every role, ``demo-ROLE`` one role each.

    Examples
    --------
    >>> users = demo_users()
    >>> users["demo-finance"], len(users["demo"]) == len(users) - 1
    (('finance',), True)
    """
    return {"demo": tuple(ROLES), **{f"demo-{role}": (role,) for role in ROLES}}


def ensure_users(session: Session) -> list[dict[str, Any]]:
    """Create the demo logins that do not exist yet (an existing user is left as it is); flushes."""
    wanted = demo_users()
    existing = set(session.scalars(select(User.name).where(User.name.in_(list(wanted)))))
    for name, roles in wanted.items():
        if name not in existing:
            add_user(session, name, PASSWORD, roles)
    return [{"name": name, "roles": list(roles), "created": name not in existing} for name, roles in wanted.items()]


def passport_url(identifier: str, resolver_url: str) -> str:
    """The passport of a canonical identifier on this deployment's resolver.

    Examples
    --------
    >>> passport_url("https://id.gs1.org/01/09521234000013/21/25A0005", "http://127.0.0.1:5000/")
    'http://127.0.0.1:5000/01/09521234000013/21/25A0005'
    """
    return resolver_url.rstrip("/") + "/" + identifier.split("://", 1)[1].split("/", 1)[1]


def write_label_sheet(session: Session, path: Path) -> int:
    """Render the demo's label sheet (a PDF) to ``path``; returns how many labels it holds."""
    from cradletrace.labels import render

    found = highlights()
    write_file(path, render(session, [found[key] for key in LABELLED], "pdf", layout="3x8"))
    return len(LABELLED)


@click.command("demo")
@click.option("--units", type=click.IntRange(min=STORY_UNITS), default=DEFAULT_UNITS, show_default=True,
              help=f"Battery packs in the world ({STORY_UNITS} in the stories, the rest bulk production).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the bulk production's choices.")
@click.option("--if-empty", is_flag=True, help="Do nothing (quickly) when the database holds any event already.")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the label sheet (default: demo-labels.pdf in the instance folder).")
@click.option("--users/--no-users", default=True, show_default=True, help="Create the demo logins.")
@format_option("text", "json")
@database_option
def demo_command(units: int, seed: int, if_empty: bool, labels_path: Path | None, users: bool, fmt: str,
                 database: str | None) -> None:
    """Load the demo world (e-bike battery packs, cradle to cradle), its logins and its label sheet.

    \b
    cradletrace demo                    # 200 packs, seed 1
    cradletrace demo --units 100000     # with bulk production, for benchmarks
    cradletrace demo --if-empty         # what scripts/run does: only into an empty database
    """
    require_database(resolve_url(database))
    settings = load_settings()
    started = time.monotonic()
    result: dict[str, Any] = {"built": False, "skipped": None, "units": None, "seed": None, "seconds": None,
                              "users": [], "password": None, "labels": None, "passport": None, "highlights": {}}
    with session_scope(database) as session:
        if if_empty and not is_empty(session):
            result["skipped"] = ("the demo is loaded already" if is_loaded(session)
                                 else "the database holds other data, so the demo is not loaded")
        else:
            # The cyclic collector slows a large build severalfold (DESIGN, performance notes); this process is ours.
            gc.disable()
            with progress_bar("demo", unit="packs", total=units) as update:
                world = build(session, units=units, seed=seed, progress=lambda stage, done, total: update(
                    STORY_UNITS * done // total if stage == "story" else STORY_UNITS + done))
            result.update(built=True, units=world.units, seed=world.seed)
        loaded = is_loaded(session)
        if users and loaded:
            result["users"], result["password"] = ensure_users(session), PASSWORD
    if loaded:
        path = labels_path or settings.instance_path / "demo-labels.pdf"
        with session_scope(database, commit=False) as session:
            write_label_sheet(session, path)
        found = highlights()
        result.update(labels=str(path.resolve()), highlights=found,
                      passport=passport_url(found[SHOWCASE], settings.resolver_url))
    result["seconds"] = round(time.monotonic() - started, 1)
    if fmt == "json":
        print_json(result)
    else:
        _print(result, settings.resolver_url)


def _print(result: dict[str, Any], resolver_url: str) -> None:
    if result["built"]:
        click.echo(f"demo: {result['units']} battery packs built (seed {result['seed']}) in {result['seconds']} s; "
                   "the stories are in docs/demo.md")
    else:
        click.echo(f"demo: nothing to do: {result['skipped']}")
    if result["users"]:
        click.echo(f"logins (password {result['password']!r}, for trying the demo only):")
        for user in result["users"]:
            roles = "every role" if user["name"] == "demo" else ", ".join(user["roles"])
            click.echo(f"  {user['name']:<22} {roles}")
    if result["labels"]:
        click.echo(f"label sheet: {result['labels']} (QR codes lead to {resolver_url})")
        click.echo(f"a passport to start with: {result['passport']}")
