"""地图 Map: one metric, measure and period by province, or by prefecture within a province (SVG geo
choropleth, offline boundaries)."""

import streamlit as st

from charts.maps import (
    NATIONAL,
    TOPOJSON_URL,
    build_map_chart,
    build_map_values,
    default_map_period,
    map_areas,
    map_metrics,
    map_periods,
)
from charts.trends import MEASURES, TrendsData, prepare_trends
from i18n import format_period, t
from ui.charts import PLOTLY_CONFIG, SHOWN_KEY, render_page_export
from ui.data import per_store
from ui.downloads import render_downloads
from ui.markdown import escape_markdown
from ui.page import start_page
from ui.params import init_choice, sync_param

MAP_MEASURES = [m for m in MEASURES if m != "change"]  # a change needs a base period per region: the trends page

lang, figures, catalog = start_page("map.title", "map.intro")
data: TrendsData = per_store("trends", prepare_trends)
areas = map_areas()


def area_label(area: str) -> str:
    if area == NATIONAL:
        return t("map.area.national", lang)
    return t("map.area.province", lang, province=catalog.label("divisions", area, lang))


init_choice("map_area", "area", areas, NATIONAL)
area_column, _ = st.columns([2, 6])
area_column.selectbox(t("map.area", lang), areas, format_func=area_label, key="map_area")
sync_param("map_area", "area", NATIONAL)


@st.fragment
def map_view(area: str) -> None:
    """Metric, measure, period, chart, table and exports: a change of any of them reruns only this."""
    metrics = map_metrics(data, area)
    if not metrics:
        st.info(t("trends.none", lang))
        return
    metric_names = data.metric_names[lang]
    init_choice("map_metric", "metric", metrics, metrics[0])
    init_choice("map_measure", "measure", MAP_MEASURES, "absolute")
    metric_column, measure_column, period_column = st.columns([2, 2, 2])
    metric_column.selectbox(t("trends.metric", lang), metrics, format_func=lambda m: metric_names.get(m, m), key="map_metric")
    measure_column.selectbox(t("trends.measure", lang), MAP_MEASURES, format_func=lambda m: t(f"trends.measure.{m}", lang), key="map_measure")
    sync_param("map_metric", "metric", metrics[0])
    sync_param("map_measure", "measure", "absolute")
    values = build_map_values(figures, catalog, st.session_state["map_metric"], st.session_state["map_measure"], data, area)
    periods = map_periods(values)
    first_period = default_map_period(values)
    init_choice("map_period", "period", periods, first_period)
    period_column.selectbox(t("map.period", lang), periods, format_func=lambda p: format_period(*p.split("|"), "", lang), key="map_period")
    sync_param("map_period", "period", first_period)

    chart = build_map_chart(values, st.session_state["map_period"], lang, catalog, area=area)
    st.session_state[SHOWN_KEY] = [chart]
    config = {**PLOTLY_CONFIG, "topojsonURL": TOPOJSON_URL, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "filename": chart.chart_id}}
    st.plotly_chart(chart.figure, key="map_chart_figure", theme=None, config=config)
    st.caption(escape_markdown(chart.source_line))
    for note in chart.footnotes:
        st.caption(escape_markdown(note))
    from ui import export  # as ui.charts does: the export code only when a page draws a chart

    export.render_chart_downloads(chart, "map_chart")
    st.subheader(t("map.table", lang))
    from charts.data import localise_columns

    table = localise_columns(chart.data, lang)
    st.dataframe(table, hide_index=True, key="map_table")
    render_downloads(table, "map_table", f"map_{st.session_state['map_metric']}", t("trends.download_csv", lang), t("trends.download_xlsx", lang))
    render_page_export("map", lang)


map_view(st.session_state["map_area"])
