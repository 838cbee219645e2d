"""``cradletrace trace``, ``recall`` and ``history``: lineage questions on the command line.

Identifiers are accepted in every form (Digital Link on any host, EPC URN, element
string, a unique serial). Errors are TraceErrors, printed by the group as one line.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from cradletrace.cli.options import database_option, format_option, session_scope
from cradletrace.lineage import as_dict, history, recall, recall_csv, subgraph, to_data, to_dot
from cradletrace.timestamps import to_iso, to_utc


def _json(value: Any) -> str:
    import orjson

    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z).decode()


def _when(value: datetime | None) -> str:
    return to_iso(value) if value is not None else "-"


def _as_of(value: str | None) -> datetime | None:
    return to_utc(value, where="--as-of") if value else None


@click.command("trace")
@click.argument("identifier")
@click.option("--up", "direction", flag_value="up", help="Only components and materials (upstream).")
@click.option("--down", "direction", flag_value="down", help="Only what was made from it or holds it (downstream).")
@click.option("--as-of", "as_of", metavar="TIME",
              help="ISO 8601 time with offset: composition at that time (default now).")
@click.option("--max-depth", type=click.IntRange(min=0), default=50, show_default=True)
@format_option("text", "json", "dot")
@database_option
def trace_command(identifier: str, direction: str | None, as_of: str | None, max_depth: int, fmt: str,
                  database: str | None) -> None:
    """Print the lineage of IDENTIFIER: its parts and materials, and what it went into."""
    direction = direction or "both"
    moment = _as_of(as_of)
    with session_scope(database, commit=False) as session:
        g = subgraph(session, identifier, direction=direction, as_of=moment, max_depth=max_depth)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(_json(to_data(g)))
        return
    if fmt == "dot":
        click.echo(to_dot(g))
        return
    root = g.graph["root"]
    node = g.nodes[root]
    click.echo(f"{root}  ({node.get('kind')}{', ' + node['status'] if node.get('status') else ''})")
    sections = (("up", "made of", "in_edges"), ("down", "went into", "out_edges"))
    for wanted, title, _ in sections:
        if direction not in (wanted, "both"):
            continue
        rows = sorted(((data["depth"], u if wanted == "up" else v, v if wanted == "up" else u, data)
                       for u, v, data in g.edges(data=True) if data["direction"] == wanted), key=lambda r: r[:3])
        click.echo(f"{title}:" if rows else f"{title}: nothing recorded")
        for depth, ident, via, data in rows:
            amount = f" {data['quantity']:g} {data.get('uom') or ''}".rstrip() if data.get("quantity") is not None else ""
            span = f" {_when(data['valid_from'])}..{_when(data['valid_to'])}" if data["kind"] == "part_of" else ""
            click.echo(f"{'  ' * depth}{ident}  [{data['kind']}{amount}{span}] via {via}")


@click.command("recall")
@click.argument("identifier")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the affected units as CSV to this file ('-' for standard output).")
@format_option("text", "json")
@database_option
def recall_command(identifier: str, output: Path | None, fmt: str, database: str | None) -> None:
    """List every unit affected by a recall of IDENTIFIER, with its state and owner."""
    with session_scope(database, commit=False) as session:
        rows = recall(session, identifier)
    if output is not None:
        if str(output) == "-":
            recall_csv(rows, sys.stdout)
            return
        with output.open("w", encoding="utf-8", newline="") as fp:
            count = recall_csv(rows, fp)
        click.echo(f"{count} unit(s) written to {output}", err=True)
        return
    if fmt == "json":
        click.echo(_json([as_dict(r) for r in rows]))
        return
    for r in rows:
        flag = "in service" if r.in_service else "recycled" if r.recycled else "destroyed" if r.destroyed else \
            (r.status or "no state")
        owner = f" owner {r.owner_name or r.owner}" if r.owner else ""
        place = f" at {r.biz_location_name or r.biz_location}" if r.biz_location else ""
        click.echo(f"{r.identifier}  {flag}{place}{owner}")
    in_service = sum(r.in_service for r in rows)
    click.echo(f"{len(rows)} unit(s) affected, {in_service} in service")


@click.command("history")
@click.argument("identifier")
@click.option("--no-parts", is_flag=True, help="Only the events of IDENTIFIER itself, not of its parts.")
@format_option("text", "json")
@database_option
def history_command(identifier: str, no_parts: bool, fmt: str, database: str | None) -> None:
    """Print the events of IDENTIFIER, and of its parts while they were fitted, in time order."""
    with session_scope(database, commit=False) as session:
        entries = history(session, identifier, include_parts=not no_parts)
    if fmt == "json":
        click.echo(_json([{**as_dict(e), "objects": [{"identifier": i, "role": r} for i, r in e.objects]}
                          for e in entries]))
        return
    for e in entries:
        mark = " [retracted]" if e.retracted else " [error declaration]" if e.declares_error else ""
        parts = [i for i, _role in e.objects] if e.depth else []
        about = f" (part {', '.join(parts)})" if parts else ""
        place = f" at {e.biz_location_name or e.biz_location}" if e.biz_location else ""
        click.echo(f"{to_iso(e.event_time)}  {e.event_type:<20} {e.action or '':<8} {e.biz_step or '':<16}"
                   f"{place}{about}{mark}  {e.event_id}")
    if not entries:
        click.echo("no events")
