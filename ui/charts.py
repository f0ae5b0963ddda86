"""Draw a Chart: the figure, its source line and footnotes, and its numbers as a table."""

from __future__ import annotations

import threading
from collections import OrderedDict

import plotly.graph_objects as go
import streamlit as st

from charts.data import localise_columns
from charts.spec import Chart
from charts.style import build_screen_figure
from i18n import t
from ui.markdown import escape_markdown

# No toolbar on screen: it covered chart titles (on a phone, at the first touch), every chart has
# its own PNG/SVG/PDF/PPTX exports below it, and charts.style.build_screen_figure turns zoom off.
PLOTLY_CONFIG = {
    "displayModeBar": False,
    "responsive": True,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


SHOWN_KEY = "_charts_shown_this_run"

# The screen's copies of the charts drawn lately, by the digest of everything the chart shows (its
# figure, words and data: ui.export.chart_fingerprint), for the whole process: a presenter clicking
# back to a view, or a second visitor, gets the copy already laid out. Only read once made
# (st.plotly_chart serialises a copy of it).
_SCREEN_FIGURES: OrderedDict[str, go.Figure] = OrderedDict()
_SCREEN_FIGURES_KEPT = 64
_SCREEN_LOCK = threading.Lock()


def screen_figure(chart: Chart, fingerprint: str) -> go.Figure:
    """The chart's figure as the page draws it (charts.style.build_screen_figure: a copy, exports lay
    out the original), made once per chart content."""
    with _SCREEN_LOCK:
        figure = _SCREEN_FIGURES.get(fingerprint)
        if figure is not None:
            _SCREEN_FIGURES.move_to_end(fingerprint)
            return figure
    figure = build_screen_figure(chart.figure, chart.title, chart.subtitle)
    with _SCREEN_LOCK:
        _SCREEN_FIGURES[fingerprint] = figure
        while len(_SCREEN_FIGURES) > _SCREEN_FIGURES_KEPT:
            _SCREEN_FIGURES.popitem(last=False)
    return figure


def start_chart_collection() -> None:
    """Forget the charts of the previous run (called as a page starts)."""
    st.session_state[SHOWN_KEY] = []


def render_page_export(page_id: str, lang: str) -> None:
    """"导出本页": the charts this run showed, in the view the person chose, as a deck and a workbook."""
    from ui import export

    st.divider()
    export.render_page_export(page_id, list(st.session_state.get(SHOWN_KEY, [])), lang)


def render_chart(chart: Chart, key: str) -> None:
    """The chart, the source line under it, footnotes, an expander with its data, then exports."""
    lang = chart.lang
    st.session_state.setdefault(SHOWN_KEY, [])
    if not chart.data.empty:
        st.session_state[SHOWN_KEY].append(chart)
    if chart.data.empty:
        st.info(t("chart.no_data", lang))
        return
    config = {**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "filename": chart.chart_id}}
    from ui import export

    figure = screen_figure(chart, export.chart_fingerprint(chart))
    st.plotly_chart(figure, key=f"{key}_figure", theme=None, config=config)
    if chart.source_line:
        st.caption(escape_markdown(chart.source_line))
    for note in chart.footnotes:
        st.caption(escape_markdown(note))
    with st.expander(t("chart.show_data", lang)):
        st.dataframe(localise_columns(chart.data, lang), hide_index=True, key=f"{key}_data")
    export.render_chart_downloads(chart, key)
