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



def serve_local_topojson(page) -> None:
    """Before `set_content`: a page drawing plotly figures outside the app (no server) gets the app's
    static files as the dashboard serves them. The page is opened on a made-up origin whose
    /app/static/ paths answer from static/ (a map's boundaries are such a URL), and plotly.js's base-map
    request (https://cdn.plot.ly/un/<name>.json unless told otherwise) answers from static/topojson/:
    a geo chart draws offline here as it does on the dashboard; anything else is refused."""
    static = Path(__file__).resolve().parents[2] / "static"

    def fulfil(route) -> None:
        url = route.request.url
        if url.startswith("https://cdn.plot.ly/"):
            local = static / "topojson" / url.rsplit("/", 1)[-1]
        elif url.startswith(PLOT_ORIGIN + "/app/static/"):
            local = static / url.removeprefix(PLOT_ORIGIN + "/app/static/").split("?")[0]
        elif url.rstrip("/") == PLOT_ORIGIN:
            route.fulfill(body="<html><body></body></html>", content_type="text/html")
            return
        else:
            local = None
        if local is not None and local.is_file() and static in local.resolve().parents:
            route.fulfill(path=str(local), content_type="application/json")
        else:
            route.abort()

    page.route("**/*", fulfil)
    page.goto(PLOT_ORIGIN + "/")


PLOT_ORIGIN = "http://plots.invalid"


@contextmanager
def plotly_page(viewport_height: int = 1200, chart_style: str = ""):
    """plotly.js (the plotly package's own) in a headless Chromium page with one empty `#chart` div, the
    app's static files served (`serve_local_topojson`): figures drawn outside the app, as the tests of
    drawn bars, text boxes and exports draw them."""
    import plotly
    from playwright import sync_api

    style = f' style="{chart_style}"' if chart_style else ""
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            page = chromium.new_page(viewport={"width": 1400, "height": viewport_height})
            serve_local_topojson(page)
            page.set_content(f'<html><body style="margin:0"><div id="chart"{style}></div></body></html>')
            page.add_script_tag(path=str(Path(plotly.__file__).parent / "package_data" / "plotly.min.js"))
            yield page
        finally:
            chromium.close()
