"""The compare chart's fixed margins hold every drawn text, in a real headless Chromium.

charts.compare sets the screen chart's margins from its text instead of plotly's automargin (which
lays the chart out twice on every redraw: bench/RESULTS.md, interaction). Each golden compare view
(curated, upload, crowded with slanted labels, a subset; every mode, both languages) is drawn by the
plotly.js that ships with the plotly package, at a wide and a narrow width, and no text may reach
outside the chart, and nothing may overlap the chart's title or a panel title.
"""

from __future__ import annotations

import gzip
import json

import pytest

from tests.e2e.conftest import TEXTS_OUTSIDE_JS, plotly_page, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")

WIDTHS = (1200, 700)  # the wide layout's chart on a large screen, and a narrow window
# Every drawn text of the chart outside the chart's box, as [text, left, top, right, bottom] (pixels).
OUTSIDE = """async ([figure, width]) => {
    const textsOutside = TEXTS_OUTSIDE;
    const div = document.getElementById('chart');
    div.style.width = width + 'px';
    // The figure's own height, as Streamlit sizes a chart (an unsized div here is the window's
    // height: texts past a short chart's bottom would pass, a tall chart's lower panels would not).
    div.style.height = (figure.layout.height || 450) + 'px';
    Plotly.purge(div);
    await Plotly.newPlot(div, figure.data, figure.layout);
    const texts = Array.from(div.querySelectorAll('.main-svg text')).filter(el => el.textContent.trim());
    const outside = textsOutside(div);
    // The chart title and the panel titles must not overlap any other text (tick labels may crowd
    // one another in a narrow window; they did so with automargin too).
    const headings = texts.filter(el => el.closest('.g-gtitle, .annotation'));
    const overlaps = [];
    for (const a of headings) {
        const ra = a.getBoundingClientRect();
        for (const b of texts) {
            if (a === b || a.contains(b) || b.contains(a)) continue;
            const rb = b.getBoundingClientRect();
            if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1) {
                overlaps.push([a.textContent, b.textContent]);
            }
        }
    }
    return [texts.length, outside, headings.length, overlaps];
}""".replace("TEXTS_OUTSIDE", TEXTS_OUTSIDE_JS)


@pytest.fixture(scope="module")
def plot_page():
    with plotly_page() as page:
        yield page


@pytest.fixture(scope="module")
def golden() -> dict[str, dict]:
    """The golden views (tests/test_compare.py checks that the builder still makes exactly these).

    Read from the golden file, not built here: a module fixture runs before the per-test empty store
    (tests/conftest.py), so building would read whatever uploads the machine's own store holds."""
    from tests.test_compare import GOLDEN

    return json.loads(gzip.decompress(GOLDEN.read_bytes()).decode("utf-8"))


@pytest.fixture(scope="module")
def views(golden) -> dict[str, dict]:
    return {case: snapshot["figure"] for case, snapshot in golden.items()}


def test_every_compare_view_draws_all_its_text_inside_the_chart(plot_page, views):
    assert len(views) == 24
    for case, figure in views.items():
        assert figure["layout"]["xaxis"]["automargin"] is False  # what this test is about
        figure = {**figure, "layout": {k: v for k, v in figure["layout"].items() if k != "template"}}
        for width in WIDTHS:
            drawn, outside, headings, overlaps = plot_page.evaluate(OUTSIDE, [json.loads(json.dumps(figure)), width])
            assert drawn >= 5, (case, width)  # title, panel titles, ticks: the chart was drawn
            assert outside == [], (case, width, outside)
            assert headings >= 2, (case, width)  # the title and at least one panel title were found
            assert overlaps == [], (case, width, overlaps)


PHONE_WIDTH = 358  # a 390 px phone's chart


def test_every_compare_view_as_the_screen_draws_it_fits_a_phone(plot_page, golden, views):
    """The screen's copy (charts.style.build_screen_figure) of every golden view at a phone's width."""
    import plotly.graph_objects as go

    from charts.style import build_screen_figure

    assert len(views) == 24
    failures = []
    for case, figure in views.items():
        _, title, subtitle, *_ = golden[case]["words"]
        screen = json.loads(build_screen_figure(go.Figure(figure), title, subtitle).to_json())
        screen["layout"].pop("template", None)
        drawn, outside, headings, overlaps = plot_page.evaluate(OUTSIDE, [screen, PHONE_WIDTH])
        assert drawn >= 5 and headings >= 2, case
        if outside or overlaps:
            failures.append((case, outside, overlaps))
    assert failures == []
