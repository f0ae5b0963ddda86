"""趋势 Trends: one metric over time, a line per region; absolute, per 100,000, per 30 days, or change
against a base period; stated changes as stated; events marked; table and CSV beside the chart."""

import streamlit as st

from charts.trends import (
    MEASURES,
    TrendsData,
    base_periods,
    build_trend,
    build_trend_caveats,
    build_trend_chart,
    build_trend_table,
    default_regions,
    prepare_trends,
    stated_changes,
)
from i18n import format_period, t
from loaders.events import load_events
from ui.charts import render_chart, render_page_export, start_chart_collection
from ui.data import per_store
from ui.downloads import render_downloads
from ui.markdown import escape_markdown
from ui.page import start_page
from ui.params import init_choice, init_choices, sync_param

lang, figures, catalog = start_page("trends.title", "trends.intro")
data: TrendsData = per_store("trends", prepare_trends)  # every figure indexed once per store version; read-only

if not data.metrics:
    st.info(t("trends.none", lang))
    st.stop()


@st.fragment
def trend_view() -> None:
    """Metric, regions, measure, base period, caveats, chart, stated changes and table: a change of
    any of them reruns only this, not the page's frame."""
    metric_names = data.metric_names[lang]
    init_choice("trends_metric", "metric", data.metrics, data.metrics[0])
    left, right = st.columns([2, 3])
    left.selectbox(t("trends.metric", lang), data.metrics, format_func=lambda m: metric_names.get(m, m), key="trends_metric")
    sync_param("trends_metric", "metric", data.metrics[0])
    metric_id = st.session_state["trends_metric"]

    regions = data.regions[metric_id]
    first_regions = default_regions(data, metric_id)
    init_choices("trends_regions", "regions", regions, first_regions)
    region_names = data.region_names[lang]
    right.multiselect(t("trends.regions", lang), regions, format_func=lambda r: region_names.get(r, r), key="trends_regions")
    sync_param("trends_regions", "regions", first_regions)
    chosen_regions = [r for r in regions if r in set(st.session_state["trends_regions"])]

    start_chart_collection()
    init_choice("trends_measure", "measure", MEASURES, "absolute")
    st.radio(t("trends.measure", lang), MEASURES, format_func=lambda m: t(f"trends.measure.{m}", lang), key="trends_measure", horizontal=True)
    sync_param("trends_measure", "measure", "absolute")
    measure = st.session_state["trends_measure"]
    base = None
    if measure == "change":
        periods = base_periods(build_trend(figures, catalog, metric_id, chosen_regions, "absolute", data=data))
        if periods:
            init_choice("trends_base", "base", periods, periods[0])
            st.selectbox(
                t("trends.base", lang), periods, key="trends_base",
                format_func=lambda p: format_period(p.split("|")[0], p.split("|")[1], "", lang),
            )  # fmt: skip
            sync_param("trends_base", "base", periods[0])
            base = st.session_state["trends_base"]
    trend = build_trend(figures, catalog, metric_id, chosen_regions, measure, base, data=data)
    if trend.empty:
        st.info(t("chart.no_data", lang))
        return

    caveats = build_trend_caveats(trend, data, catalog, lang)
    if caveats:
        lines = [f"**{escape_markdown(t('compare.caveats', lang))}**", ""]
        for caveat in caveats:
            first, *rest = caveat.split("\n")
            lines.append(f"- {escape_markdown(first)}")
            lines += [f"    - {escape_markdown(line)}" for line in rest]
        st.warning("\n".join(lines), icon=":material/warning:")

    render_chart(build_trend_chart(trend, lang, catalog, load_events(catalog), chart_id=f"trends_{metric_id}_{measure}"), "trends_chart")

    st.subheader(t("trends.stated_changes", lang))
    changes = stated_changes(data, metric_id, chosen_regions, lang, catalog)
    if changes.empty:
        st.caption(t("trends.stated_changes_none", lang))
    else:
        st.dataframe(changes, hide_index=True, key="trends_changes")

    st.subheader(t("trends.table", lang))
    table = build_trend_table(trend, lang, catalog)
    st.dataframe(table, hide_index=True, key="trends_table")
    render_downloads(table, "trends_table", f"trends_{metric_id}_{measure}", t("trends.download_csv", lang), t("trends.download_xlsx", lang))
    render_page_export("trends", lang)


trend_view()
