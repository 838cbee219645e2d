"""``cradletrace worker``: run capture jobs (``POST /epcis/capture``) taken from the database.

Any number of workers, in any processes on any machines that reach the database, share the
queue: each job is taken by one of them (:func:`cradletrace.log.jobs.claim`). SIGTERM or
SIGINT stops a worker after the job in hand.
"""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from typing import Any

import click

from cradletrace.cli.options import database_option, format_option, print_json, require_database, resolve_url
from cradletrace.db import create_db_engine, make_session_factory
from cradletrace.log.jobs import DEFAULT_LEASE, DEFAULT_POLL_INTERVAL, default_worker_id, job_view, run_worker


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs waiting now, then stop.")
@click.option("--poll-interval", type=click.FloatRange(min=0.01), default=DEFAULT_POLL_INTERVAL, show_default=True,
              metavar="SECONDS", help="How long to wait before looking for jobs again when there are none.")
@click.option("--lease", type=click.IntRange(min=1), default=int(DEFAULT_LEASE.total_seconds()), show_default=True,
              metavar="SECONDS", help="How long a taken job is this worker's before another may take it again.")
@click.option("--worker-id", default=None, help="Name recorded on the jobs this worker runs (default host:pid:thread).")
@format_option("text", "json")
@database_option
def worker_command(once: bool, poll_interval: float, lease: int, worker_id: str | None, fmt: str,
                   database: str | None) -> None:
    """Run capture jobs from the database until stopped (SIGTERM), or with --once until none waits."""
    url = resolve_url(database)
    require_database(url)
    engine = create_db_engine(url)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    done: list[dict[str, Any]] = []

    def report(job: Any) -> None:
        view = job_view(job)
        done.append(view)
        if fmt == "text":
            outcome = "captured" if view["success"] else "failed"
            first = f": {view['errors'][0]['detail']}" if view["errors"] else ""
            click.echo(f"{job.id}: {outcome} {view['captured']}, duplicates {view['duplicates']}{first}")

    try:
        stats = run_worker(make_session_factory(engine), worker_id=worker_id or default_worker_id(), once=once,
                           poll_interval=poll_interval, stop=stop, lease=timedelta(seconds=lease), on_job=report)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        engine.dispose()
    if fmt == "json":
        print_json({"ran": stats.ran, "failed": stats.failed, "jobs": done})
    elif not stats.ran:
        click.echo("no capture jobs waiting")
