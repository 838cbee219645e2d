"""``cradletrace audit verify`` and ``cradletrace rebuild``: the log's integrity and its projections."""

from __future__ import annotations

import click

from cradletrace.errors import BrokenChain
from cradletrace.log.audit import require_intact, verify_chain
from cradletrace.cli.options import database_option, format_option, session_scope
from cradletrace.cli.progress import progress_bar
from cradletrace.log.rebuild import check_projections, rebuild_projections


@click.group("audit")
def audit_group() -> None:
    """Check the integrity of the event log."""


@audit_group.command("verify")
@click.option("--columns", is_flag=True,
              help="Also check every derived column (bizStep, eventTime, places, ...) against its payload.")
@click.option("--deep", is_flag=True, help="Check the columns and recompute every event hash from its stored payload.")
@format_option("text", "json")
@database_option
def verify_command(columns: bool, deep: bool, fmt: str, database: str | None) -> None:
    """Walk the hash chain: report OK with the count, or the first entry that does not hold (exit 1)."""
    with session_scope(database, commit=False) as session, progress_bar("verify") as update:
        result = verify_chain(session, deep=deep, columns=columns or deep, progress=update)
    if fmt == "json":
        import orjson

        click.echo(orjson.dumps(result.__dict__).decode())
    else:
        click.echo(result.summary())
    if not result.ok:
        raise SystemExit(1)


@click.command("rebuild")
@click.option("--check", is_flag=True, help="Compare the stored projections with a rebuild instead; change nothing.")
@click.option("--force", is_flag=True, help="Rebuild even from a log that does not verify.")
@database_option
def rebuild_command(check: bool, force: bool, database: str | None) -> None:
    """Rebuild every projection (states, edges, indexes) from the log; --check reports differences (exit 1).

    The log is verified first (chain and columns, as ``audit verify --columns``): a rebuild
    from an edited log would spread the edit, so it is refused unless ``--force`` is given.
    """
    if check:
        with session_scope(database, commit=False) as session:
            differences = check_projections(session)
        if not differences:
            click.echo("OK: the projections equal a rebuild from the log")
            return
        for difference in differences:
            click.echo(difference.summary())
        raise SystemExit(1)
    with session_scope(database) as session:
        if force:
            click.echo("warning: --force: rebuilding without verifying the log first", err=True)
        else:
            with progress_bar("verify") as update:
                try:
                    require_intact(session, progress=update)
                except BrokenChain as exc:
                    raise BrokenChain(f"{exc}; not rebuilding from it (--force rebuilds anyway)",
                                      entry=exc.entry) from None
        with progress_bar("rebuild") as update:
            replayed = rebuild_projections(session, progress=update)
    click.echo(f"rebuilt the projections from {replayed} events")
