"""Value labels of the results charts are readable at desktop width (1400 px): full size, apart, inside.

The 宣传教育 chart drew its four bars 15 px apart and plotly shrank their value texts (≥1亿, ≈1000, …)
to a few pixels; Baise's drew one of its two 开展反诈宣传活动 bars under the other. The dashboard is
opened in Chromium as a desktop user sees it, every results chart of both sources in both languages is
drawn, and each bar's value text is measured.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import launch_chromium, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect

LOAD_MS = 60_000
MIN_FONT_PX = 12  # the charts' own text size is 13 px
# Per chart: its title, and each bar value text as [text, font size as drawn (px), left, top, right, bottom].
VALUE_TEXTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => {
    const title = plot.querySelector('.g-gtitle text');
    const texts = Array.from(plot.querySelectorAll('.bars text.bartext')).filter(el => el.textContent.trim()).map(el => {
        const r = el.getBoundingClientRect();
        const scale = el.getCTM() ? Math.hypot(el.getCTM().a, el.getCTM().b) : 1;
        const size = parseFloat(getComputedStyle(el).fontSize) * scale;
        return [el.textContent, size, r.left, r.top, r.right, r.bottom];
    });
    const box = plot.getBoundingClientRect();
    return [title ? title.textContent : '', texts, [box.left, box.top, box.right, box.bottom]];
})"""


@pytest.fixture(scope="module")
def page():
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        tab = chromium.new_page(viewport={"width": 1400, "height": 1000})
        tab.set_default_timeout(LOAD_MS)
        yield tab
        chromium.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("source", ["gansu_2020_duanka", "baise_2024_fraud"])
def test_results_charts_value_labels_are_full_size_apart_and_inside(page, dashboard_url, source, lang):
    page.goto(f"{dashboard_url}/crackdown?lang={lang}&source={source}")
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.first).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=LOAD_MS)
    publicity = "宣传教育" if lang == "zh" else "Publicity"
    # The page may still be drawing its later charts when the first is visible (a loaded machine):
    # wait for the publicity chart's value texts before measuring every chart.
    publicity_plot = page.locator(".js-plotly-plot").filter(has=page.locator(".g-gtitle text", has_text=publicity))
    expect(publicity_plot.locator(".bars text.bartext").first).to_be_attached(timeout=LOAD_MS)
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg .trace").first).to_be_attached(timeout=LOAD_MS)
    measured = page.evaluate(VALUE_TEXTS)
    results = [m for m in measured if m[1] and ("成果" in m[0] or "Results" in m[0])]
    assert any(publicity in title for title, _, _ in results), [m[0] for m in measured]
    for title, texts, (box_left, box_top, box_right, box_bottom) in results:
        for text, size, left, top, right, bottom in texts:
            assert size >= MIN_FONT_PX, (title, text, size)
            assert box_left - 1 <= left and right <= box_right + 1 and box_top - 1 <= top and bottom <= box_bottom + 1, (title, text)
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                apart = a[4] <= b[2] + 1 or b[4] <= a[2] + 1 or a[5] <= b[3] + 1 or b[5] <= a[3] + 1
                assert apart, (title, a[0], b[0])
    if source == "baise_2024_fraud":  # both agencies' publicity events are drawn (one was hidden under the other)
        shown = [text for title, texts, _ in results if publicity in title for text, *_ in texts]
        assert "251" in shown and ("≥2960" in shown or "≥2,960" in shown), shown
