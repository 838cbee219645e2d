"""``scripts/run`` from a fresh clone: it installs, loads the demo once and serves populated pages; a second start
changes nothing. Slow (it creates a virtual environment and installs into it): ``scripts/test -m slow``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PASSPORT = "/01/09521234000013/21/25A0005"

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(clone: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRADLETRACE_", "PYTEST", "VIRTUAL_ENV"))}
    env.update(PORT=str(port), PYTHON=sys.executable)
    return subprocess.Popen(["scripts/run"], cwd=clone, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_for_passport(process: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 600) -> float:
    """Seconds until the demo pack's passport answers with its name (the populated page)."""
    began = time.monotonic()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{PASSPORT}", headers={"Accept": "text/html"})
    while time.monotonic() - began < timeout:
        assert process.poll() is None, f"scripts/run stopped:\n{log.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if b"Voltwerk P48" in response.read():
                    return time.monotonic() - began
        except OSError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"no passport after {timeout} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)  # the session scripts/run started, and nothing else
    process.wait(timeout=30)


def test_a_fresh_clone_serves_the_demo_and_a_second_start_changes_nothing(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    port = free_port()
    first = start(clone, port, tmp_path / "first.log")
    try:
        seconds = wait_for_passport(first, port, tmp_path / "first.log")
    finally:
        stop(first)
    output = (tmp_path / "first.log").read_text()
    assert "battery packs built" in output and "demo-finance" in output
    assert f"a passport to start with: http://127.0.0.1:{port}{PASSPORT}" in output
    assert (clone / "instance" / "demo-labels.pdf").read_bytes().startswith(b"%PDF")
    database = clone / "instance" / "cradletrace.db"
    size = database.stat().st_size

    second = start(clone, port, tmp_path / "second.log")
    try:
        again = wait_for_passport(second, port, tmp_path / "second.log")
    finally:
        stop(second)
    assert "nothing to do: the demo is loaded already" in (tmp_path / "second.log").read_text()
    assert database.stat().st_size == size
    print(f"scripts/run: populated pages after {seconds:.1f} s from a fresh clone, {again:.1f} s on a second start")
