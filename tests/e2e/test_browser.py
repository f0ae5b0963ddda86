"""The dashboard in a real headless Chromium: pages load, charts draw, no exception, language switches.

Screenshots of every page in both languages go to artifacts/screenshots/ (kept by CI, not by git).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import TEXTS_OUTSIDE_JS, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
LOAD_MS = 45_000
# url path -> (page id, does it show charts?)
PAGES = {"": ("overview", True), "crackdown": ("crackdown", True), "fraud_types": ("fraud_types", True), "compare": ("compare", True), "sources": ("sources", False)}
TITLES = {
    "zh": {"overview": "概览", "crackdown": "断卡", "fraud_types": "诈骗类型", "compare": "对比", "sources": "数据来源"},
    "en": {"overview": "Overview", "crackdown": "crackdown", "fraud_types": "Fraud types", "compare": "Compare", "sources": "Sources"},
}


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for the module, so the app's scripts are fetched once and then cached."""
    shared = browser.new_context(viewport={"width": 1400, "height": 2200}, locale="zh-CN")
    yield shared
    shared.close()


@pytest.fixture
def page(context):
    tab = context.new_page()
    tab.set_default_timeout(LOAD_MS)
    yield tab
    tab.close()


def open_page(page, base: str, path: str, lang: str, query: str = "") -> None:
    page.goto(f"{base}/{path}?lang={lang}{query}")
    expect(page.get_by_test_id("stMainBlockContainer").locator("h1").first).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=LOAD_MS)


def expect_charts_drawn(page) -> int:
    """Every chart element has drawn its SVG layer with at least one trace (none is blank)."""
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.first).to_be_visible(timeout=LOAD_MS)
    count = charts.count()
    for index in range(count):
        chart = charts.nth(index)
        expect(chart.locator(".js-plotly-plot .main-svg").first).to_be_attached(timeout=LOAD_MS)
        expect(chart.locator(".main-svg .trace").first).to_be_attached(timeout=LOAD_MS)
    return count


# Drawn chart texts that reach outside their chart (a clipped title, tick or label), per chart.
_TEXT_OUTSIDE = f"() => Array.from(document.querySelectorAll('.js-plotly-plot')).map({TEXTS_OUTSIDE_JS})"


def expect_chart_text_inside(page) -> None:
    outside = page.evaluate(_TEXT_OUTSIDE)
    assert outside and not any(outside), outside


def expect_no_exception(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback (most recent call last)")).to_have_count(0)


def test_a_fresh_server_opened_on_a_deep_link_shows_the_whole_frame(page, dashboard_url):
    """The first visit of a new server, straight to a page: the router's frame, not a bare page script."""
    open_page(page, dashboard_url, "crackdown", "zh")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("English")).to_be_visible()
    expect(sidebar.get_by_text("概览")).to_be_visible()
    expect_charts_drawn(page)
    expect_no_exception(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_loads_and_draws_every_chart(page, dashboard_url, path, lang):
    page_id, has_charts = PAGES[path]
    open_page(page, dashboard_url, path, lang)
    expect(page.locator("h1").first).to_contain_text(TITLES[lang][page_id])
    if has_charts:
        assert expect_charts_drawn(page) >= 1
    else:
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect_no_exception(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{page_id}_{lang}.png"), full_page=True)
    if has_charts:
        expect_chart_text_inside(page)


def test_language_switch_changes_chart_text(page, dashboard_url):
    open_page(page, dashboard_url, "", "zh")
    expect_charts_drawn(page)
    title = page.locator(".js-plotly-plot .gtitle").first
    expect(title).to_contain_text("同比")
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(title).to_contain_text("year on year")
    expect(title).not_to_contain_text("同比")
    expect(page.locator("h1").first).to_contain_text("Overview")
    expect(page).to_have_url(re.compile(r"lang=en"))
    expect_no_exception(page)


def test_a_link_reproduces_a_filtered_view(page, dashboard_url):
    open_page(page, dashboard_url, "sources", "en", "&q=%E4%B8%A4%E5%8D%A1")  # q=两卡
    expect(page.get_by_text(re.compile(r"Showing \d+ of"))).to_be_visible()  # fewer than all: the filter applied
    expect(page.get_by_label("Search (metric, source text, id …)")).to_have_value("两卡")
    expect_no_exception(page)


def test_page_export_on_the_dashboard_delivers_a_deck_of_the_charts_shown(browser, dashboard_url):
    """"导出本页" on a real page: a PPTX with one slide per chart shown (plus title and sources)."""
    from pptx import Presentation

    context = browser.new_context(viewport={"width": 1400, "height": 2200}, locale="zh-CN", accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(LOAD_MS)
    try:
        open_page(tab, dashboard_url, "fraud_types", "zh")
        charts = expect_charts_drawn(tab)
        tab.get_by_role("button", name="导出本页").click()
        pptx_button = tab.get_by_role("button", name="下载 PPTX 演示文稿")
        expect(pptx_button).to_be_visible(timeout=120_000)
        with tab.expect_download(timeout=30_000) as info:
            pptx_button.click()
        deck = Presentation(info.value.path())
        assert len(deck.slides) == charts + 2
        expect_no_exception(tab)
    finally:
        context.close()


# --- a phone (390 × 844) --------------------------------------------------------------------------------
PHONE = {"width": 390, "height": 844}
# Pairs of drawn texts of one chart that overlap (ticks piled up, labels over values), and texts over
# its title, as [text, text].
_OVERLAPS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => {
    const texts = Array.from(plot.querySelectorAll('.main-svg text')).filter(el => el.textContent.trim() && el.getBoundingClientRect().width > 0);
    const pairs = [];
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i], b = texts[j];
        if (a.contains(b) || b.contains(a)) continue;
        const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
        if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1) pairs.push([a.textContent, b.textContent]);
    }
    return pairs;
})"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    tab = context.new_page()
    tab.set_default_timeout(LOAD_MS)
    yield tab
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", [path for path, (_, has_charts) in PAGES.items() if has_charts])
def test_every_chart_reads_on_a_phone(phone, dashboard_url, path, lang):
    """390 px: charts stack to the screen's width, every drawn text inside its chart, no two texts
    over each other (ticks, labels, values, titles), and no toolbar over a title."""
    page_id, _ = PAGES[path]
    open_page(phone, dashboard_url, path, lang)
    count = expect_charts_drawn(phone)
    expect_no_exception(phone)
    widths = [phone.get_by_test_id("stPlotlyChart").nth(i).bounding_box()["width"] for i in range(count)]
    assert min(widths) >= 340, widths  # one chart a row, the screen's width (columns stacked)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / f"{page_id}_{lang}_phone.png"))
    expect_chart_text_inside(phone)
    overlaps = phone.evaluate(_OVERLAPS)
    assert not any(overlaps), overlaps
    # plotly draws its toolbar (hidden until hovered or touched) unless told not to: none, on any chart
    expect(phone.locator(".modebar")).to_have_count(0)
