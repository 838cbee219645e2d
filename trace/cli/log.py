"""``cradletrace audit verify`` and ``cradletrace rebuild``: the log's integrity and its projections."""

from __future__ import annotations

import click

from cradletrace.errors import BrokenChain, InvalidInput
from cradletrace.log.audit import require_intact, verify_chain
from cradletrace.cli.options import database_option, format_option, print_json, session_scope
from cradletrace.cli.progress import progress_bar
from cradletrace.log.rebuild import check_projections, rebuild_projections


@click.group("audit")
def audit_group() -> None:
    """Check the integrity of the event log."""


@audit_group.command("verify")
@click.option("--chain-only", is_flag=True,
              help="Walk the hash chain alone, without checking each row's columns against its payload (3-4x faster).")
@click.option("--deep", is_flag=True, help="Also recompute every event hash from its stored payload.")
@format_option("text", "json")
@database_option
def verify_command(chain_only: bool, deep: bool, fmt: str, database: str | None) -> None:
    """Walk the hash chain and check each row's columns: report OK with the count, or the first entry that does not hold (exit 1)."""
    if chain_only and deep:
        raise InvalidInput("--chain-only and --deep exclude each other", where="audit verify")
    with session_scope(database, commit=False) as session, progress_bar("verify") as update:
        result = verify_chain(session, deep=deep, columns=not chain_only, progress=update)
    if fmt == "json":
        print_json(result.__dict__)
    else:
        click.echo(result.summary())
    if not result.ok:
        raise SystemExit(1)


@click.command("rebuild")
@click.option("--check", is_flag=True, help="Compare the stored projections with a rebuild instead; change nothing.")
@click.option("--force", is_flag=True, help="Rebuild even from a log that does not verify.")
@format_option("text", "json")
@database_option
def rebuild_command(check: bool, force: bool, fmt: str, database: str | None) -> None:
    """Rebuild every projection (states, edges, indexes) from the log; --check reports differences (exit 1).

    The log is verified first (chain and columns, as ``audit verify``): a rebuild
    from an edited log would spread the edit, so it is refused unless ``--force`` is given.
    """
    if check:
        with session_scope(database, commit=False) as session:
            differences = check_projections(session)
        if fmt == "json":
            print_json({"ok": not differences, "differences": [
                {"table": d.table, "only_stored": d.only_stored, "only_rebuilt": d.only_rebuilt}
                for d in differences]})
        elif differences:
            for difference in differences:
                click.echo(difference.summary())
        else:
            click.echo("OK: the projections equal a rebuild from the log")
        if differences:
            raise SystemExit(1)
        return
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
    if fmt == "json":
        print_json({"rebuilt": True, "events": replayed})
    else:
        click.echo(f"rebuilt the projections from {replayed} events")
