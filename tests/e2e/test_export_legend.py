"""The legend of an exported chart sits under the title block, never on the subtitle (the period line).

A one-agency results chart (打击整治, 预警防范, 通信管控) asks plotly for its legend, so plotly draws it
even for one trace; the export used to reserve room only for legends of two or more traces, and the
legend landed on the period line. The real exported SVG (the PNG, PDF and the deck's pictures are
drawn from the same export figure) is opened in Chromium and the drawn boxes are measured.
"""

from __future__ import annotations

import pytest

from charts.export import to_image
from charts.results import build_results_chart
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures
from tests.e2e.conftest import launch_chromium, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")

SINGLE_AGENCY = ("enforcement", "prevention", "telecom_control")
# Boxes (left, top, right, bottom) of the legend and of every text of the title block.
BOXES = """() => {
    const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const legend = document.querySelector('g.legend');
    const titles = Array.from(document.querySelectorAll('.g-gtitle text, .gtitle, .gtitle-subtitle')).filter(el => el.textContent.trim());
    return {legend: legend ? box(legend) : null, titles: titles.map(el => [el.textContent, ...box(el)])};
}"""


@pytest.fixture(scope="module")
def page():
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium.new_page(viewport={"width": 960, "height": 540})
        chromium.close()


@pytest.mark.parametrize("with_title", [True, False])  # the download and the deck's slide picture
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_agency_legend_is_below_the_subtitle_in_the_exported_svg(page, lang, with_title):
    figures = build_all_figures(include_uploaded=False)
    rows = figures[figures["source_id"] == "gansu_2020_duanka"]
    for category in SINGLE_AGENCY:
        chart = build_results_chart(rows, lang, load_catalog(), category)
        assert chart.figure.layout.showlegend and len(chart.figure.data) == 1  # one agency, a legend asked for
        svg = to_image(chart, "svg", with_title=with_title).decode("utf-8")
        page.set_content(f'<html><body style="margin:0">{svg}</body></html>')
        boxes = page.evaluate(BOXES)
        assert boxes["legend"] is not None, category
        left, top, right, bottom = boxes["legend"]
        assert boxes["titles"], category
        assert any(chart.subtitle.split(" ")[0] in text for text, *_ in boxes["titles"])
        for text, t_left, t_top, t_right, t_bottom in boxes["titles"]:
            overlaps = left < t_right and t_left < right and top < t_bottom and t_top < bottom
            assert not overlaps, (category, lang, text, boxes["legend"])
            assert top >= t_bottom - 1, (category, lang, text, boxes["legend"])  # under the whole title block
