"""A Streamlit server on a free local port, started and stopped by the benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120.0


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The dashboard starts the way run.sh starts it: through its launcher serve.py (`streamlit run
# dashboard.py` plus a warm-up and the router from the first run); any other script (the bare
# baseline app, test apps) with plain `streamlit run`.
LAUNCHERS = {"dashboard.py": "serve.py"}


def launch_command(script: str) -> list[str]:
    if script in LAUNCHERS:
        return [sys.executable, LAUNCHERS[script]]
    return [sys.executable, "-m", "streamlit", "run", script]


class StreamlitServer:
    """`streamlit run SCRIPT` (the dashboard: `python serve.py`) on 127.0.0.1 with `--server.headless true`; a context manager.

    `start()` returns as soon as the process is spawned; `wait_ready()` polls the health endpoint,
    so a caller can time from spawn to first chart itself. The working folder is the repository
    root (so `.streamlit/config.toml` applies to both the dashboard and the bare app alike).
    """

    def __init__(self, script: str, env: dict[str, str] | None = None):
        self.script = script
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        self.process: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server; closed in stop()

    def start(self) -> StreamlitServer:
        command = [
            *launch_command(self.script),
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Return once the server answers its health check (polled every 20 ms)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServerError(f"{self.script} exited with {self.process.returncode}: {self.log()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.02)
        raise ServerError(f"{self.script} did not answer within {timeout:g} s: {self.log()[-2000:]}")

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._log.close()

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
