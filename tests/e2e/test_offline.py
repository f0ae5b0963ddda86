"""The dashboard makes no request off the machine it runs on, in a real headless Chromium.

Every request of a browser context is routed: those to the app's own host go through, every other
one (a font host, a CDN, an icon service) is blocked and counted, over a visit of every page in
both languages, at desktop and phone width. None may happen.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from charts.pages import PAGES
from tests.e2e.conftest import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect

LOAD_MS = 45_000
PATHS = [info.url_path for info in PAGES] + ["upload"]
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def open_page(page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_test_id("stMainBlockContainer").locator("h1").first).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=LOAD_MS)


def test_no_request_leaves_the_machine_on_any_page_at_desktop_width(browser, dashboard_url):
    visit_every_page(browser, dashboard_url, {"width": 1400, "height": 1000})


# The phone width is tests/e2e/test_offline_phone.py: a file of its own, so that the two run on two
# workers (test.sh: pytest-xdist, --dist loadfile); each visits every page twice (~35 s).


def visit_every_page(browser, dashboard_url: str, viewport: dict) -> None:
    """Every page in both languages at `viewport`, every request off the app's host blocked and counted."""
    host = urlparse(dashboard_url).netloc
    own, blocked = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(LOCAL_SCHEMES) or urlparse(url).netloc == host:
            own.append(url)
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(LOAD_MS)
    try:
        for lang in ("zh", "en"):
            for path in PATHS:
                open_page(page, f"{dashboard_url}/{path}?lang={lang}")
                if path in ("overview", "crackdown", "fraud_types", "compare"):
                    expect(page.locator(".js-plotly-plot .main-svg .trace").first).to_be_attached()
                # The favicon is set by the app's script once the page config arrives: it must be
                # the app's own file (a Material icon here is fetched from fonts.gstatic.com).
                expect(page.locator("link[rel='shortcut icon']")).to_have_attribute("href", re.compile(r"/media/[^/]+\.png$"))
                expect(page.get_by_test_id("stException")).to_have_count(0)
    finally:
        context.close()
    assert any("/_stcore/" in url or "/static/" in url for url in own)  # the route saw the app's own requests
    assert blocked == []
