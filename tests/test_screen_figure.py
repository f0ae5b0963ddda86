"""charts.style.build_screen_figure: the page's copy of a chart, laid out to read on a phone as well."""

from __future__ import annotations

import json

import pytest

from charts.pages import build_page_charts
from charts.style import MAX_LOG_TICKS, SCREEN_LABEL_WIDTH, SCREEN_TITLE_WIDTH, _wrap, build_screen_figure, text_width
from loaders.frame import build_all_figures


@pytest.fixture(scope="module")
def crackdown():
    return build_page_charts("crackdown", build_all_figures(), "en")


def test_the_chart_itself_is_left_as_built(crackdown):
    """Exports lay out the original; the screen works on a copy."""
    for chart in crackdown:
        before = json.loads(chart.figure.to_json())
        build_screen_figure(chart.figure, chart.title, chart.subtitle)
        assert json.loads(chart.figure.to_json()) == before


def test_titles_and_left_labels_wrap_to_a_phone(crackdown):
    for chart in crackdown:
        screen = build_screen_figure(chart.figure, chart.title, chart.subtitle)
        first_lines = screen.layout.title.text.split("<span")[0].split("<br>")
        assert all(text_width(line) <= SCREEN_TITLE_WIDTH for line in first_lines if line), chart.chart_id
        if screen.layout.yaxis.ticktext:
            assert all(text_width(line) <= SCREEN_LABEL_WIDTH + 2 for label in screen.layout.yaxis.ticktext for line in label.split("<br>"))
        assert screen.layout.dragmode is False
        assert screen.layout.height >= chart.figure.layout.height


def test_log_axes_label_at_most_four_decades(crackdown):
    logs = [build_screen_figure(c.figure, c.title, c.subtitle).layout.xaxis for c in crackdown if c.figure.layout.xaxis.type == "log"]
    assert logs and any(len(c.figure.layout.xaxis.tickvals) > MAX_LOG_TICKS for c in crackdown if c.figure.layout.xaxis.type == "log")
    assert all(len(axis.tickvals) <= MAX_LOG_TICKS for axis in logs)


@pytest.mark.parametrize(
    ("text", "lines"),
    [("清理无效企业银行账户（户）", ["清理无效企业银行账户", "（户）"]), ("Persons given credit penalties (persons)", ["Persons given credit", "penalties (persons)"])],
)
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(text, lines):
    assert _wrap(text, 24) == lines


def test_the_screen_copy_is_made_once_per_chart_content():
    """ui.charts keeps each laid-out copy by the digest of the chart's content: the same content gets
    the same copy, any change (here the title) a new one that shows the change."""
    import dataclasses

    from ui.charts import screen_figure
    from ui.export import chart_fingerprint

    chart, twin = (build_page_charts("crackdown", build_all_figures(), "en")[0] for _ in range(2))  # as two reruns build it
    assert twin is not chart and twin.figure is not chart.figure
    first = screen_figure(chart, chart_fingerprint(chart))
    assert screen_figure(twin, chart_fingerprint(twin)) is first
    retitled = dataclasses.replace(chart, title="Another title")
    other = screen_figure(retitled, chart_fingerprint(retitled))
    assert other is not first and "Another title" in other.layout.title.text
    assert other.to_json() == build_screen_figure(retitled.figure, retitled.title, retitled.subtitle).to_json()
