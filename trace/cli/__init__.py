"""Command-line interface: the ``cradletrace`` console script (click).

Every command takes ``--database URL``. A user error (any :class:`~cradletrace.errors.TraceError`,
a database that cannot be reached or does not exist, a missing file, and click's usage errors:
an unknown option, a bad ``--format``, a missing argument) prints one line starting with
``error:`` to stderr and exits with status 1, never a traceback. ``capture`` may follow a
rejected file's ``error:`` line with its faults, one indented line each.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from cradletrace.cli.options import echo_error
from cradletrace.errors import TraceError


class CradletraceGroup(click.Group):
    """A click group that turns expected errors into one clear line and exit status 1."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        # The group's own options (`cradletrace --bogus`) are parsed here, outside invoke().
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise  # plain `cradletrace` shows the help, as click does
        except click.UsageError as exc:
            _usage_fail(exc)
            raise  # not reached: _usage_fail exits

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            # A subcommand's arguments are parsed inside the group's invoke(): an unknown option,
            # a bad --format or a missing argument is a user error like any other.
            _usage_fail(exc)
        except BrokenPipeError:
            # The reader went away (`cradletrace recall ... | head`): stop quietly, as Unix tools do.
            # stdout is pointed at devnull so the interpreter's final flush does not complain.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except TraceError as exc:
            _fail(str(exc))
        except (OperationalError, ProgrammingError) as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            _fail(f"database error: {reason}{database_hint(reason)}")
        except OSError as exc:
            _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


_MISSING_DATABASE = re.compile(r'database "([^"]+)" does not exist')


def database_hint(reason: str) -> str:
    """Advice for a database error: create a missing PostgreSQL database, or migrate a missing schema.

    Examples
    --------
    >>> database_hint('connection failed: ... FATAL:  database "ct" does not exist')
    ' (create the database first, e.g. `createdb ct`, then run `cradletrace db upgrade`)'
    >>> database_hint('relation "events" does not exist')
    ' (has `cradletrace db upgrade` been run?)'
    >>> database_hint("connection refused")
    ''
    """
    missing = _MISSING_DATABASE.search(reason)
    if missing:
        return f" (create the database first, e.g. `createdb {missing.group(1)}`, then run `cradletrace db upgrade`)"
    if "no such table" in reason or "does not exist" in reason:
        return " (has `cradletrace db upgrade` been run?)"
    return ""


def _fail(message: str) -> None:
    echo_error(message)
    sys.exit(1)


def _usage_fail(exc: click.UsageError) -> None:
    command = exc.ctx.command_path if exc.ctx else "cradletrace"
    _fail(f"{exc.format_message().rstrip('.')} (see `{command} --help`)")


@click.group(cls=CradletraceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cradletrace")
def main() -> None:
    """cradletrace: cradle-to-grave traceability of serialized products (GS1 EPCIS 2.0)."""


def _register() -> None:
    from cradletrace.cli.capture import capture_command
    from cradletrace.cli.commerce import import_command
    from cradletrace.cli.contract import contract_group
    from cradletrace.cli.db import db_group
    from cradletrace.cli.entitlement import entitlement_command
    from cradletrace.cli.events import export_command, query_command
    from cradletrace.cli.findings import findings_command
    from cradletrace.cli.lineage import history_command, recall_command, trace_command
    from cradletrace.cli.log import audit_group, rebuild_command
    from cradletrace.cli.masterdata import masterdata_group
    from cradletrace.cli.passport import passport_command
    from cradletrace.cli.quote import quote_group
    from cradletrace.cli.report import report_group
    from cradletrace.cli.report_commerce import COMMANDS as COMMERCE_REPORTS
    from cradletrace.cli.report_metrics import COMMANDS as METRICS_REPORTS
    from cradletrace.cli.report_q2c import COMMANDS as Q2C_REPORTS
    from cradletrace.cli.revenue import revenue_group
    from cradletrace.cli.worker import worker_command

    main.add_command(db_group)
    main.add_command(capture_command)
    main.add_command(query_command)
    main.add_command(export_command)
    main.add_command(audit_group)
    main.add_command(rebuild_command)
    main.add_command(findings_command)
    main.add_command(trace_command)
    main.add_command(recall_command)
    main.add_command(history_command)
    main.add_command(masterdata_group)
    for command in (*COMMERCE_REPORTS, *METRICS_REPORTS, *Q2C_REPORTS):
        report_group.add_command(command)
    main.add_command(report_group)
    main.add_command(passport_command)
    main.add_command(import_command)
    main.add_command(worker_command)
    main.add_command(quote_group)
    main.add_command(entitlement_command)
    main.add_command(contract_group)
    main.add_command(revenue_group)
    _register_plugins()


PLUGIN_GROUP = "cradletrace.commands"


def _register_plugins() -> None:
    """Add the commands that packages above the core contribute (``labels`` from cradletrace.labels,
    ``serve`` from cradletrace.web, ...) through the ``cradletrace.commands`` entry points.

    The core never imports the web application or the label renderers (a layer contract holds it),
    yet DESIGN puts ``labels`` and ``serve`` on the one console script: they plug in from above.
    An entry point is loaded only when its command runs (``LazyCommand``), so ``cradletrace query``
    does not pay for importing Flask.
    """
    from importlib.metadata import entry_points

    for point in entry_points(group=PLUGIN_GROUP):
        if point.name not in main.commands:
            main.add_command(LazyCommand(point))


class LazyCommand(click.Command):
    """A command that stands for an entry point's click command and loads it on first use."""

    def __init__(self, point: Any) -> None:
        super().__init__(point.name, help=f"(from {point.value.split(':')[0]}; see `cradletrace {point.name} --help`)")
        self._point = point
        self._loaded: click.Command | None = None

    def _target(self) -> click.Command:
        if self._loaded is None:
            self._loaded = self._point.load()
        return self._loaded

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        return self._target().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        return self._target().invoke(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        return self._target().get_short_help_str(limit)


_register()
