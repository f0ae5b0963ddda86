"""地区对比 Compare regions and years: shared metrics, absolute / per 100,000 / per 30 days, with caveats."""

import streamlit as st

from charts.compare import (
    MODES,
    build_caveats,
    build_compare_chart,
    build_comparison,
    combo_label,
    list_combos,
    shared_metrics,
)
from charts.provenance import text_column
from i18n import format_number, t
from ui.charts import render_chart, render_page_export
from ui.markdown import escape_markdown
from ui.page import start_page
from ui.params import init_choice, init_choices, sync_param

lang, figures, catalog = start_page("compare.title", "compare.intro")

metrics = shared_metrics(figures)
if not metrics:
    st.info(t("compare.none", lang))
    st.stop()
combos = list_combos(figures, metrics)
combo_keys = list(combos["combo"])
combo_names = {r["combo"]: combo_label(r, lang) for _, r in combos.iterrows()}
metric_names = dict(zip(figures["metric_id"], figures[text_column("metric", lang)], strict=False))

init_choices("compare_combos", "combos", combo_keys, combo_keys)
init_choices("compare_metrics", "metrics", metrics, metrics)
init_choice("compare_mode", "mode", MODES, "absolute")
left, middle = st.columns([3, 2])
left.multiselect(t("compare.combos", lang), combo_keys, format_func=combo_names.get, key="compare_combos")
middle.multiselect(t("compare.metrics", lang), metrics, format_func=metric_names.get, key="compare_metrics")
st.radio(t("compare.mode", lang), MODES, format_func=lambda m: t(f"compare.mode.{m}", lang), key="compare_mode", horizontal=True)
sync_param("compare_combos", "combos", combo_keys)
sync_param("compare_metrics", "metrics", metrics)
sync_param("compare_mode", "mode", "absolute")

chosen_combos = [c for c in combo_keys if c in st.session_state["compare_combos"]]
chosen_metrics = [m for m in metrics if m in st.session_state["compare_metrics"]]
mode = st.session_state["compare_mode"]
comparison = build_comparison(figures, catalog, chosen_metrics, chosen_combos, mode)
if comparison.empty:
    st.info(t("compare.none", lang))
    st.stop()

caveats = build_caveats(comparison, figures, catalog, lang)
if caveats:
    lines = [f"**{escape_markdown(t('compare.caveats', lang))}**", ""]
    for caveat in caveats:
        first, *rest = caveat.split("\n")
        lines.append(f"- {escape_markdown(first)}")
        lines += [f"    - {escape_markdown(line)}" for line in rest]
    st.warning("\n".join(lines), icon=":material/warning:")

render_chart(build_compare_chart(comparison, lang, catalog, chart_id=f"compare_metrics_{mode}"), "compare_metrics")

st.subheader(t("compare.table", lang))
table = {
    t("chart.column.figure_id", lang): comparison["figure_id"],
    t("compare.column.combo", lang): [combo_label(r, lang) for _, r in comparison.iterrows()],
    t("compare.column.metric", lang): comparison[text_column("metric", lang)],
    t("compare.column.agency", lang): comparison[text_column("agency", lang)],
    t("chart.column.shown", lang): [format_number(r["value"], r["unit"], r["qualifier"], lang) for _, r in comparison.iterrows()],
    t("compare.column.days", lang): comparison["days"].astype("Int64"),
    t("compare.column.population", lang): comparison["population"].astype("Float64").round().astype("Int64"),
    t(f"compare.mode.{mode}", lang): comparison["plotted"],
}
st.dataframe(table, hide_index=True, key="compare_table")

render_page_export("compare", lang)
