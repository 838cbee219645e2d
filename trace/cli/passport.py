"""``cradletrace passport ID``: the unit's passport on the command line, from the same builder and
filter as the web page (``--public`` shows exactly what the public sees; ``--role`` what a role sees)."""

from __future__ import annotations

from typing import Any

import click

from cradletrace.cli.options import database_option, format_option, print_json, session_scope
from cradletrace.models import Role
from cradletrace.passport import parse_as_of, passport_of
from cradletrace.settings import load_settings

ALL_ROLES = tuple(role.value for role in Role)


@click.command("passport")
@click.argument("identifier")
@click.option("--as-of", "as_of", metavar="DATE", help="A date (YYYY-MM-DD, its end) or ISO 8601 time (default now).")
@click.option("--public", "public", is_flag=True, help="Only what the public sees (as a QR scan shows it).")
@click.option("--role", "roles", multiple=True, type=click.Choice(ALL_ROLES),
              help="Show what a viewer with this role sees (repeat for several; default: every role).")
@format_option("text", "json")
@database_option
def passport_command(identifier: str, as_of: str | None, public: bool, roles: tuple[str, ...], fmt: str,
                     database: str | None) -> None:
    """Print the passport of IDENTIFIER (a unit, lot or logistic unit, in any identifier form)."""
    moment = parse_as_of(as_of) if as_of else None
    with session_scope(database, commit=False) as session:
        shown = passport_of(session, identifier, () if public else roles or ALL_ROLES, as_of=moment,
                            company_prefixes=load_settings().company_prefixes)
    if fmt == "json":
        print_json(shown)
        return
    click.echo(f"{shown['identifier']}  ({shown['kind']}; {'public view' if public else 'roles: ' + ', '.join(shown['viewer']['roles'])})")
    for section in shown["sections"]:
        click.echo(f"\n{section['title']}")
        if section.get("locked"):
            click.echo(f"  (locked: {', '.join(section['roles'])})")
            continue
        _echo(section["data"], "  ")


def _echo(data: Any, indent: str) -> None:
    for key, value in data.items():
        if isinstance(value, list):
            click.echo(f"{indent}{key}:" + ("" if value else " -"))
            for item in value:
                if isinstance(item, dict):
                    click.echo(indent + "  - " + "; ".join(f"{k}={_text(v)}" for k, v in item.items()
                                                           if v not in (None, [], False)))
                else:
                    click.echo(f"{indent}  - {item}")
        elif isinstance(value, dict):
            click.echo(f"{indent}{key}:")
            _echo(value, indent + "  ")
        elif value is not None:
            click.echo(f"{indent}{key}: {value}")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return str(value)
