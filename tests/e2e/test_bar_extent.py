"""Every bar plotly.js draws reaches exactly the number its text shows, on screen and in exports.

The figures are those of tests/test_chart_labels.py: the curated ones plus an analyst's upload saved
in a real store, colliding with a curated figure on each chart's category. Each chart's screen figure
and its export figure (charts.export.build_export_figure, what PNG, SVG, PDF and the PPTX slides are
drawn from) are drawn by the plotly.js that ships with plotly in Debian's Chromium, and plotly's own
computed bars (`gd.calcdata`: position, start and end after any stacking) are read back: every bar
starts at 0, ends at the number its text shows, and no two bars of one panel share a position.
"""

from __future__ import annotations

import json
import re

import pytest

from charts.export import build_export_figure, to_image
from charts.pages import build_page_charts
from tests.e2e.conftest import plotly_page, require_chromium
from tests.test_chart_labels import LANGS, every_chart, figures, shown_number, with_made_collisions  # noqa: F401 - figures is a fixture

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")

# Each bar plotly computed, after stacking: [x axis, y axis, position, start, end, text, figure_id].
DRAWN_BARS = """async (figure) => {
    const div = document.getElementById('chart');
    Plotly.purge(div);
    await Plotly.newPlot(div, figure.data, figure.layout);
    const bars = [];
    for (const trace of div.calcdata) {
        const t = trace[0].t, full = trace[0].trace;
        if (full.type !== 'bar' || full.visible !== true) continue;
        trace.forEach((point, i) => {
            const offset = Array.isArray(t.poffset) ? t.poffset[i] : t.poffset;
            const text = Array.isArray(full.text) ? full.text[point.i] : full.text;
            const id = full.customdata ? full.customdata[point.i][0] : null;
            bars.push([full.xaxis, full.yaxis, +(point.p + offset).toFixed(6), point.s0, point.s1, text, id]);
        });
    }
    return bars;
}"""


@pytest.fixture(scope="module")
def plot_page():
    with plotly_page(1000, "width:960px") as page:
        yield page


def drawn_bars(page, figure) -> list[list]:
    data = json.loads(figure.to_json())
    data["layout"].pop("template", None)
    return page.evaluate(DRAWN_BARS, data)


def check_drawn(name: str, bars: list[list], plotted: dict[str, float]) -> None:
    places = [(x, y, p) for x, y, p, *_ in bars]
    shared = sorted({p for p in places if places.count(p) > 1})
    assert not shared, f"{name}: two bars drawn at one place {shared}"
    for _, _, _, start, end, text, figure_id in bars:
        assert start == 0, (name, text, start)  # nothing stacked under it
        if plotted.get(figure_id) is None or plotted[figure_id] != plotted[figure_id]:  # NaN: a rate that has no value
            assert end == 0, (name, text, end)
            continue
        value, half_step = shown_number(text)
        assert abs(end - value) <= half_step + 1e-9 * max(abs(value), 1), (name, text, end)


@pytest.mark.parametrize("lang", LANGS)
def test_every_drawn_bar_ends_at_its_shown_number_on_screen_and_in_exports(plot_page, figures, lang):  # noqa: F811
    charts = every_chart(with_made_collisions(figures), lang)
    checked = 0
    for chart in charts:
        plotted = dict(zip(chart.data["figure_id"], chart.data["plotted"], strict=True))
        for where, figure in (("screen", chart.figure), ("export", build_export_figure(chart))):
            bars = drawn_bars(plot_page, figure)
            check_drawn(f"{chart.chart_id} {lang} {where}", bars, plotted)
            checked += len(bars)
    assert checked > 400


def test_the_overview_svg_export_shows_both_losses(figures):  # noqa: F811
    """The issue's case in a real exported file: both numbers drawn, the uploaded one marked."""
    (chart,) = build_page_charts("overview", figures, "zh")
    svg = to_image(chart, "svg").decode("utf-8")
    texts = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    assert "-47.2%" in texts and "-20%" in texts
    assert sum("上传" in t for t in texts) >= 3  # the three uploaded bars' labels (and the footnote)
