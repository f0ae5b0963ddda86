"""地区对比 Compare regions and years: shared metrics, absolute / per 100,000 / per 30 days, with caveats."""

import streamlit as st

from charts.compare import (
    MODES,
    CompareData,
    build_caveats,
    build_compare_chart,
    build_comparison,
    combo_labels,
    default_combos,
    period_key,
    prepare_compare,
    region_key,
)
from charts.provenance import text_column
from i18n import format_number, t
from ui.charts import render_chart, render_page_export, start_chart_collection
from ui.data import per_store
from ui.markdown import escape_markdown
from ui.page import start_page
from ui.params import init_choice, init_choices, sync_param
from ui.regions import load_populations, order_by_level, region_labels

lang, figures, catalog = start_page("compare.title", "compare.intro")
data: CompareData = per_store("compare", prepare_compare)  # every figure indexed once per store version; read-only

metrics = data.metrics
if not metrics:
    st.info(t("compare.none", lang))
    st.stop()
metric_names = data.metric_names[lang]
choices = data.choices()
first_view = default_combos(data)  # bounded: every combo when few, else the curated ones and the latest uploads
first_regions = [r for r in choices.regions if r in {region_key(c) for c in first_view}]
first_periods = [p for p in choices.periods if p in {period_key(c) for c in first_view}]
# A link from before the two pickers (?combos=region|start|end) still opens the view it named.
linked = [c for c in st.query_params.get_all("combos") if c in data.combo_set]
if linked and "compare_regions" not in st.session_state:
    st.query_params.pop("combos", None)
    st.session_state["compare_regions"] = [r for r in choices.regions if r in {region_key(c) for c in linked}]
    st.session_state["compare_periods"] = [p for p in choices.periods if p in {period_key(c) for c in linked}]

init_choices("compare_regions", "regions", choices.region_names["zh"], first_regions)
init_choices("compare_periods", "periods", choices.period_names["zh"], first_periods)
init_choices("compare_metrics", "metrics", metrics, metrics)
init_choice("compare_mode", "mode", MODES, "absolute")
left, middle, right = st.columns([2, 2, 2])
region_labels_shown, period_names = region_labels(choices.region_names[lang], catalog, lang), choices.period_names[lang]
left.multiselect(
    t("compare.regions", lang), order_by_level(choices.regions, catalog), format_func=region_labels_shown.get,
    key="compare_regions", help=t("regions.help", lang),
)
middle.multiselect(
    t("compare.periods", lang), choices.periods, format_func=period_names.get, key="compare_periods",
    help=t("compare.pairs_help", lang),
)
right.multiselect(t("compare.metrics", lang), metrics, format_func=metric_names.get, key="compare_metrics")
sync_param("compare_regions", "regions", first_regions)
sync_param("compare_periods", "periods", first_periods)
sync_param("compare_metrics", "metrics", metrics)

chosen_combos = choices.combos(st.session_state["compare_regions"], st.session_state["compare_periods"])
selected_metrics = set(st.session_state["compare_metrics"])
chosen_metrics = [m for m in metrics if m in selected_metrics]


@st.fragment
def compare_view(chosen_metrics: list[str], chosen_combos: list[str]) -> None:
    """The measure, caveats, chart, table and page export: a change of measure reruns only this part
    (not the router, the data key or the pickers), which is what a presenter clicks through."""
    start_chart_collection()
    st.radio(t("compare.mode", lang), MODES, format_func=lambda m: t(f"compare.mode.{m}", lang), key="compare_mode", horizontal=True)
    sync_param("compare_mode", "mode", "absolute")
    mode = st.session_state["compare_mode"]
    populations = load_populations()  # census and uploaded: the table's population column in every mode, per 100k
    comparison = build_comparison(figures, catalog, chosen_metrics, chosen_combos, mode, data=data, populations=populations)
    if comparison.empty:
        st.info(t("compare.none", lang))
        return

    caveats = build_caveats(comparison, data.changes, catalog, lang)  # the change figures are all the caveats read
    if caveats:
        lines = [f"**{escape_markdown(t('compare.caveats', lang))}**", ""]
        for caveat in caveats:
            first, *rest = caveat.split("\n")
            lines.append(f"- {escape_markdown(first)}")
            lines += [f"    - {escape_markdown(line)}" for line in rest]
        st.warning("\n".join(lines), icon=":material/warning:")

    render_chart(build_compare_chart(comparison, lang, catalog, chart_id=f"compare_metrics_{mode}"), "compare_metrics")

    st.subheader(t("compare.table", lang))
    shown = zip(comparison["value"], comparison["unit"], comparison["qualifier"], strict=True)
    table = {
        t("chart.column.figure_id", lang): comparison["figure_id"],
        t("compare.column.combo", lang): combo_labels(comparison, lang),
        t("compare.column.metric", lang): comparison[text_column("metric", lang)],
        t("compare.column.agency", lang): comparison[text_column("agency", lang)],
        t("chart.column.shown", lang): [format_number(value, unit, qualifier, lang) for value, unit, qualifier in shown],
        t("compare.column.days", lang): comparison["days"].astype("Int64"),
        t("compare.column.population", lang): comparison["population"].astype("Float64").round().astype("Int64"),
        t(f"compare.mode.{mode}", lang): comparison["plotted"],
    }
    st.dataframe(table, hide_index=True, key="compare_table")
    render_page_export("compare", lang)


compare_view(chosen_metrics, chosen_combos)

