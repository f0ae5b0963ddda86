"""A real dashboard server (`python serve.py`, as run.sh starts it) and Debian's Chromium for the browser tests.

Servers and the browser come from the benchmarks' own harness (`bench/servers.py`, `bench/browser.py`),
so the tests and the benchmarks launch both the same way. The dashboard gets a free port and an empty
upload store of its own, so what the browser sees is the curated data only; it is stopped at the end.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.browser import CHROMIUM
from bench.browser import launch as launch_chromium  # noqa: F401 - re-exported: the one set of Chromium flags
from bench.servers import ServerError, StreamlitServer

REPO = Path(__file__).resolve().parents[2]
# A JS function of a `.js-plotly-plot` element: its drawn texts that reach outside its box, each as
# [text, left, top, right, bottom] in pixels from the box's corner.
TEXTS_OUTSIDE_JS = """(plot) => {
    const box = plot.getBoundingClientRect();
    return Array.from(plot.querySelectorAll('.main-svg text')).filter(el => el.textContent.trim()).map(el => {
        const r = el.getBoundingClientRect();
        const outside = r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1);
        return outside ? [el.textContent, r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top] : null;
    }).filter(Boolean);
}"""
STARTUP_SECONDS = 60


def require_chromium() -> None:
    """Skip the calling module when Debian's chromium is missing (test.sh installs it)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}, which is not installed", allow_module_level=True)


@contextmanager
def running_app(script: str, store: Path | None = None):
    """SCRIPT served on a free port (the dashboard through serve.py, as run.sh does) (with the given upload store); yields its base URL."""
    env = {"ANTIFRAUD_DB_URL": f"sqlite:///{store}"} if store else None
    with StreamlitServer(script, env=env) as server:
        try:
            server.wait_ready(timeout=STARTUP_SECONDS)
        except ServerError as exc:
            pytest.fail(str(exc))
        yield server.url


@pytest.fixture(scope="session")
def dashboard_url(tmp_path_factory) -> str:
    """Base URL of a dashboard started for this test session (with an empty store of its own)."""
    folder = tmp_path_factory.mktemp("e2e_dashboard")
    with running_app("dashboard.py", folder / "store.db") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium with the project's flags (bench.browser), one per test module."""
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
