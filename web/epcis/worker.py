"""The capture worker of ``cradletrace serve``: a thread of the server process that runs capture jobs.

Requests only enqueue (``POST /epcis/capture`` answers 202 at once) and wake the thread; the thread
takes jobs from the database like any ``cradletrace worker`` process, so more workers can be run
beside it, or instead of it (``cradletrace serve --no-capture-worker``).
"""

from __future__ import annotations

from flask import Flask

from cradletrace.log.jobs import WorkerThread

CAPTURE_WORKER = "cradletrace.capture_worker"
"""The key of the app's worker in ``app.extensions`` (``POST /epcis/capture`` wakes it)."""


def start_capture_worker(app: Flask, **options: object) -> WorkerThread:
    """Start a worker thread on ``app``'s database; ``POST /epcis/capture`` wakes it. ``options`` go to
    :func:`cradletrace.log.jobs.run_worker` (``poll_interval``, ``lease``, ...)."""
    options.setdefault("limits", app.config.get("CAPTURE_LIMITS"))
    worker = WorkerThread(app.extensions["cradletrace.sessions"], **options).start()
    app.extensions[CAPTURE_WORKER] = worker
    return worker
