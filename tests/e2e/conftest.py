"""A real `streamlit run dashboard.py` for the browser tests: one server per test session.

The server gets a free port and an empty upload store of its own, so what the browser sees is the
curated data only; it is stopped at the end of the session.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, server: subprocess.Popen, log: Path, deadline: float) -> None:
    """Poll /_stcore/health until it answers "ok" (the server is up) or the deadline passes."""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    server.kill()
    output = log.read_text(encoding="utf-8", errors="replace")[-3000:]
    pytest.fail(f"streamlit did not answer on {url} within {STARTUP_SECONDS}s:\n{output}")


@contextmanager
def running_dashboard(folder: Path, store: Path):
    """`streamlit run dashboard.py` on a free port with the given store; yields its base URL."""
    port = free_port()
    log = folder / f"streamlit-{port}.log"
    env = {**os.environ, "PYTHONPATH": str(REPO), "ANTIFRAUD_DB_URL": f"sqlite:///{store}"}
    log_file = open(log, "wb")  # noqa: SIM115 - open for the server's whole life, closed at teardown
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "dashboard.py",
            "--server.port", str(port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=REPO,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, server, log, time.monotonic() + STARTUP_SECONDS)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log_file.close()


@pytest.fixture(scope="session")
def dashboard_url(tmp_path_factory) -> str:
    """Base URL of a dashboard started for this test session (with an empty store of its own)."""
    folder = tmp_path_factory.mktemp("e2e_dashboard")
    with running_dashboard(folder, folder / "store.db") as url:
        yield url
