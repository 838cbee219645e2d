"""``cradletrace query`` and ``cradletrace export``: EPCIS queries over the log, printed or written as a document."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from cradletrace.cli.options import database_option, session_scope
from cradletrace.errors import InvalidInput
from cradletrace.query import iter_events, masterdata_of_events, query_events

_SHORTCUTS = {
    "epc": "MATCH_anyEPC", "biz_step": "EQ_bizStep", "event_type": "eventType",
    "since": "GE_eventTime", "until": "LT_eventTime",
}


def query_options(func: Any) -> Any:
    """The query parameters: ``-q NAME=VALUE`` (any EPCIS parameter) and a few shortcuts."""
    func = click.option("-q", "--param", "params", multiple=True, metavar="NAME=VALUE",
                        help="An EPCIS query parameter, e.g. -q EQ_bizStep=shipping|receiving (repeatable).")(func)
    func = click.option("--epc", help="Shortcut for MATCH_anyEPC (any identifier form).")(func)
    func = click.option("--biz-step", help="Shortcut for EQ_bizStep.")(func)
    func = click.option("--event-type", help="Shortcut for eventType.")(func)
    func = click.option("--since", help="Shortcut for GE_eventTime (ISO 8601 with offset).")(func)
    func = click.option("--until", help="Shortcut for LT_eventTime (ISO 8601 with offset).")(func)
    return func


def collect_params(params: tuple[str, ...], **shortcuts: str | None) -> dict[str, str]:
    """The EPCIS parameters given on the command line."""
    out: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InvalidInput(f"{item!r} is not NAME=VALUE", where="-q")
        out[name] = f"{out[name]}|{value}" if name in out else value
    for option, name in _SHORTCUTS.items():
        if shortcuts.get(option):
            out[name] = shortcuts[option]  # type: ignore[assignment]
    return out


@click.command("query")
@query_options
@click.option("--per-page", type=int, default=30, show_default=True)
@click.option("--page-token", default=None, help="nextPageToken from the previous page.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@database_option
def query_command(params: tuple[str, ...], per_page: int, page_token: str | None, fmt: str,
                  database: str | None, **shortcuts: str | None) -> None:
    """Print one page of events matching the query."""
    query = collect_params(params, **shortcuts)
    query["perPage"] = str(per_page)
    if page_token:
        query["nextPageToken"] = page_token
    with session_scope(database, commit=False) as session:
        page = query_events(session, query)
    if fmt == "json":
        import orjson

        click.echo(orjson.dumps({"events": page.events, "nextPageToken": page.next_page_token},
                                option=orjson.OPT_INDENT_2).decode())
        return
    if not page.events:
        click.echo("no events match")
    for event in page.events:
        objects = event.get("epcList") or event.get("childEPCs") or event.get("outputEPCList") or []
        click.echo(f"{event['eventTime']}  {event['type']:<20} {event.get('action', ''):<8} "
                   f"{event.get('bizStep', ''):<16} {len(objects)} objects  {event['eventID']}")
    if page.next_page_token:
        click.echo(f"next page: --page-token {page.next_page_token}")


@click.command("export")
@query_options
@click.option("--format", "fmt", type=click.Choice(["jsonld", "xml"]), default="jsonld", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write ('-' for standard output).")
@database_option
def export_command(params: tuple[str, ...], fmt: str, output: Path, database: str | None,
                   **shortcuts: str | None) -> None:
    """Write the matching events (all events without a query) as one EPCIS 2.0 document.

    The header carries the master data of the places the events name (and of the places above them).
    """
    from cradletrace.epcis import write_jsonld, write_xml

    query = collect_params(params, **shortcuts)
    writer = write_jsonld if fmt == "jsonld" else write_xml
    counter = _Counter()
    with session_scope(database, commit=False) as session:
        events = counter.wrap(iter_events(session, query))
        masterdata = masterdata_of_events(session, query)
        if str(output) == "-":
            writer(events, sys.stdout.buffer, masterdata=masterdata)
        else:
            # Written beside the target and moved there when complete: a failed export (a bad
            # query parameter, a lost connection) leaves no partial document under OUTPUT's name.
            partial = output.with_name(f".{output.name}.partial")
            try:
                with partial.open("wb") as fp:
                    writer(events, fp, masterdata=masterdata)
                partial.replace(output)
            finally:
                partial.unlink(missing_ok=True)
    if str(output) != "-":
        click.echo(f"wrote {counter.count} events to {output} ({fmt})" if counter.count
                   else f"no events match: wrote an empty document to {output} ({fmt})")


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def wrap(self, events: Any) -> Any:
        for event in events:
            self.count += 1
            yield event
