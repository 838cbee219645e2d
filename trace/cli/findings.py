"""``cradletrace findings``: chain-of-custody anomalies over the event log (METRICS §4)."""

from __future__ import annotations

from datetime import timedelta

import click

from cradletrace.cli.options import database_option, format_option, session_scope
from cradletrace.findings import CHECKS, findings


@click.command("findings")
@click.option("--tolerance", "tolerance_s", type=click.FloatRange(min=0), default=300.0, show_default=True,
              help="Clock skew forgiven when comparing event times, in seconds.")
@click.option("--check", "checks", type=click.Choice(sorted(CHECKS)), multiple=True,
              help="Run only this check (repeatable).")
@format_option("text", "json")
@database_option
def findings_command(tolerance_s: float, checks: tuple[str, ...], fmt: str, database: str | None) -> None:
    """Report chain-of-custody findings: shipments never received, events after destruction, two parents, ..."""
    with session_scope(database, commit=False) as session:
        found = findings(session, tolerance=timedelta(seconds=tolerance_s), checks=list(checks) or None)
    if fmt == "json":
        import orjson

        click.echo(orjson.dumps([f.to_dict() for f in found], option=orjson.OPT_INDENT_2).decode())
        return
    if not found:
        click.echo("no findings")
        return
    for f in found:
        click.echo(f"{f.severity.upper():5} {f.check_id} {f.kind}: {f.message}")
        for event_id in f.event_ids:
            click.echo(f"      event {event_id}")
    click.echo(f"{len(found)} finding(s)")
