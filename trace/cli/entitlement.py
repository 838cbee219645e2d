"""``cradletrace entitlement ID [--at DATE]``: is a unit under warranty or a service plan on a date, and why."""

from __future__ import annotations

from datetime import datetime

import click

from cradletrace.cli.options import database_option, format_option, print_json, session_scope
from cradletrace.errors import InvalidInput


def parse_at(value: str | None) -> datetime | None:
    """``--at``: a date (its end, UTC) or an ISO 8601 time, as the passport's ``--as-of`` reads it."""
    from cradletrace.passport import parse_as_of

    try:
        return parse_as_of(value)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, where="--at") from None


def when(moment: datetime | None) -> str:
    """A moment in a line of text (minutes, UTC), or ``-``."""
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


@click.command("entitlement")
@click.argument("identifier")
@click.option("--at", "at", metavar="DATE", help="A date (YYYY-MM-DD, its end) or ISO 8601 time (default now).")
@format_option("text", "json")
@database_option
def entitlement_command(identifier: str, at: str | None, fmt: str, database: str | None) -> None:
    """Print whether IDENTIFIER (a unit, in any form) is under warranty or a service plan, and why."""
    from cradletrace.contracts import entitlement

    moment = parse_at(at)
    with session_scope(database, commit=False) as session:
        found = entitlement(session, identifier, moment)
    if fmt == "json":
        print_json(found.to_dict())
        return
    click.echo(f"{found.unit}  ({found.product or 'unknown product'}, GTIN {found.gtin or '-'})")
    covering = [c for c in (found.warranty, *found.plans) if c is not None and c.active]
    verdict = "covered by " + ", ".join(c.code or c.kind for c in covering) if covering else "not covered"
    click.echo(f"at {when(found.at)} UTC: {verdict}")
    for coverage in (found.warranty, *found.plans):
        if coverage is not None:
            click.echo(f"  {coverage.code or coverage.kind}: {coverage.months} months, "
                       f"{when(coverage.starts_at)} to {when(coverage.ends_at)}, covers {', '.join(coverage.covers)}"
                       f"{'' if coverage.active else ' (not at this date)'}")
    click.echo("why:")
    for reason in found.reasons:
        click.echo(f"  - {reason}")
