"""Command-line interface: the ``cradletrace`` console script (click).

Every command takes ``--database URL``. A user error (any :class:`~cradletrace.errors.TraceError`,
a database that cannot be reached) prints one line to stderr and exits with status 1,
never a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from cradletrace.errors import TraceError


class CradletraceGroup(click.Group):
    """A click group that turns expected errors into one clear line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
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
            hint = " (has `cradletrace db upgrade` been run?)" if "no such table" in reason or "does not exist" in reason else ""
            _fail(f"database error: {reason}{hint}")
        except OSError as exc:
            _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group(cls=CradletraceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cradletrace")
def main() -> None:
    """cradletrace: cradle-to-grave traceability of serialized products (GS1 EPCIS 2.0)."""


def _register() -> None:
    from cradletrace.cli.capture import capture_command
    from cradletrace.cli.db import db_group
    from cradletrace.cli.events import export_command, query_command
    from cradletrace.cli.findings import findings_command
    from cradletrace.cli.lineage import history_command, recall_command, trace_command
    from cradletrace.cli.log import audit_group, rebuild_command

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


_register()
