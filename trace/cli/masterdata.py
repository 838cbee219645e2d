"""``cradletrace masterdata show ID``: a place, party or product with its master data, history and hierarchy."""

from __future__ import annotations

from typing import Any

import click

from cradletrace.cli.options import database_option, format_option, print_json, session_scope
from cradletrace.lifecycle.masterdata import describe
from cradletrace.timestamps import to_iso


@click.group("masterdata")
def masterdata_group() -> None:
    """EPCIS master data: locations, parties and products (capture it with `cradletrace capture`)."""


@masterdata_group.command("show")
@click.argument("identifier")
@format_option("text", "json")
@database_option
def show_command(identifier: str, fmt: str, database: str | None) -> None:
    """Print what is known about IDENTIFIER: its columns, its current and earlier master data, parents and children."""
    with session_scope(database, commit=False) as session:
        info = describe(session, identifier)
    if fmt == "json":
        print_json(info)
        return
    click.echo(f"{info['identifier']}  ({info['kind']})")
    for table in ("location", "party", "product"):
        row = info.get(table)
        if row is None:
            continue
        click.echo(f"{table}:")
        for key, value in row.items():
            if value not in (None, "", {}):
                click.echo(f"  {key}: {value}")
    for label in ("parents", "children"):
        if info[label]:
            click.echo(f"{label}: {', '.join(info[label])}")
    for label, versions in (("master data", info["current"]), ("earlier master data", info["history"])):
        for v in versions:
            until = f" until {to_iso(v['valid_to'])}" if v["valid_to"] else ""
            click.echo(f"{label} ({v['vtype']}, from {to_iso(v['valid_from'])}{until}):")
            for attribute in v["attributes"]:
                click.echo(f"  {attribute['id']}: {_shown(attribute)}")
            if v["children"]:
                click.echo(f"  children: {', '.join(v['children'])}")
    if not info["current"] and not info["history"]:
        click.echo("no master data captured")


def _shown(attribute: dict[str, Any]) -> str:
    value = attribute["value"]
    if isinstance(value, str):
        return " ".join(value.split()) if attribute.get("xml") else value
    import orjson

    return orjson.dumps(value).decode()
