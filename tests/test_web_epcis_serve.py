"""``cradletrace serve`` over real HTTP on a database with captured events: the EPCIS query, /api/openapi.json,
and a capture job run by serve's own worker thread."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cradletrace.cli import main
from test_log_jobs import document, event

CLI = [sys.executable, "-c", "from cradletrace.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, token: str, data: bytes | None = None, **headers: str) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"Bearer {token}", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_serve_answers_queries_and_runs_capture_jobs(backend: str, make_database: Callable[..., str],
                                                     tmp_path: Path) -> None:
    url = make_database(backend)
    path = tmp_path / "doc.jsonld"
    path.write_bytes(document(event("1"), event("2")))
    runner = CliRunner()
    assert runner.invoke(main, ["capture", str(path), "--database", url]).exit_code == 0
    added = runner.invoke(main, ["user", "add", "wes", "--role", "warehouse", "--database", url],
                          env={"CRADLETRACE_PASSWORD": "a long password"})
    assert added.exit_code == 0, added.output
    token = json.loads(runner.invoke(main, ["token", "add", "wes", "--format", "json", "--database", url]).output)["token"]

    port = free_port()
    server = subprocess.Popen([*CLI, "serve", "--port", str(port), "--database", url],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = call(f"{base}/epcis/events", token)
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
                time.sleep(0.2)
        status, headers, body = call(f"{base}/epcis/events?EQ_bizStep=shipping", token)
        assert status == 200 and headers["GS1-EPCIS-Version"] == "2.0.0"
        assert len(json.loads(body)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == 2
        status, _, body = call(f"{base}/api/openapi.json", token)
        assert status == 200 and json.loads(body)["openapi"] == "3.1.0"

        status, headers, _ = call(f"{base}/epcis/capture", token, document(event("3")),
                                  **{"Content-Type": "application/ld+json"})
        assert status == 202
        deadline = time.monotonic() + 60
        while True:
            job = json.loads(call(base + headers["Location"], token)[2])
            if not job["running"] or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert (job["running"], job["success"], job["captured"]) == (False, True, 1), job
    finally:
        server.terminate()
        server.communicate(timeout=30)
