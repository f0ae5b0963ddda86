"""Every URL the dashboard has ever shown opens its page, never Streamlit's "Page not found" dialog.

The paths are every page's own url path, the default page's url path (/overview: Streamlit serves
the default page at "/", yet its legacy multipage mode listed every file of `pages/`), and former
url paths (/fraud-types); each with and without a query string, which must keep the view it names.
"""

from __future__ import annotations

import re

import pytest

from charts.pages import PAGES, old_url_paths
from i18n import t
from tests.e2e.conftest import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect

LOAD_MS = 45_000
# url path -> the page id it must open
OWN_PATHS = {info.url_path: info.page_id for info in PAGES} | {"upload": "upload"}
# Paths the sidebar of a legacy first run linked: the files of pages/.
LEGACY_FILE_PATHS = {info.page_id: info.page_id for info in PAGES} | {"upload": "upload"}
EVERY_PATH = OWN_PATHS | LEGACY_FILE_PATHS | old_url_paths()


@pytest.fixture(scope="module")
def context(browser):
    shared = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    yield shared
    shared.close()


@pytest.fixture
def page(context):
    tab = context.new_page()
    tab.set_default_timeout(LOAD_MS)
    yield tab
    tab.close()


def title_of(page_id: str, lang: str) -> str:
    return t(f"{page_id}.title", lang)


def expect_page(page, page_id: str, lang: str) -> None:
    """The page's own title in the language asked for, and no "Page not found" dialog."""
    heading = page.get_by_test_id("stMainBlockContainer").locator("h1").first
    expect(heading).to_have_text(title_of(page_id, lang), timeout=LOAD_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=LOAD_MS)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_paths_cover_every_page_and_the_old_ones():
    assert set(EVERY_PATH.values()) == {info.page_id for info in PAGES} | {"upload"}
    assert {"", "overview", "crackdown", "fraud_types", "fraud-types", "compare", "sources", "upload"} <= set(EVERY_PATH)


@pytest.mark.parametrize("path", list(EVERY_PATH))
def test_every_path_opens_its_page_without_a_query_string(page, dashboard_url, path):
    page.goto(f"{dashboard_url}/{path}")
    expect_page(page, EVERY_PATH[path], "zh")


@pytest.mark.parametrize("path", list(EVERY_PATH))
def test_every_path_opens_its_page_in_the_language_of_its_query_string(page, dashboard_url, path):
    page.goto(f"{dashboard_url}/{path}?lang=en")
    expect_page(page, EVERY_PATH[path], "en")
    expect(page).to_have_url(re.compile(r"[?&]lang=en(&|$)"))


@pytest.mark.parametrize("path", [path for path, page_id in EVERY_PATH.items() if page_id == "overview"])
def test_an_old_overview_link_keeps_the_view_it_names(page, dashboard_url, path):
    """/overview?lang=en&all=1: the overview in English with every figure shown, at the page's own address."""
    page.goto(f"{dashboard_url}/{path}?lang=en&all=1")
    expect_page(page, "overview", "en")
    expect(page.get_by_role("switch", name=t("overview.show_all", "en"))).to_be_checked()
    expect(page).to_have_url(re.compile(r"[?&]all=1(&|$)"))
    expect(page).not_to_have_url(re.compile(r"/overview(\?|$)"))  # the page's own address, the sidebar's
