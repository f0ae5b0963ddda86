"""断卡行动 Gansu crackdown: before/after, declines by fraud type, results by agency and category."""

import streamlit as st

from charts.bounds import build_before_after_chart, select_before_after
from charts.changes import build_changes_chart, select_changes
from charts.pages import RESULT_CATEGORIES, crackdown_sources
from charts.provenance import text_column
from charts.results import build_results_chart, select_results
from charts.tables import build_policy_table
from i18n import format_number, t
from ui.charts import render_chart, render_page_export
from ui.data import per_store
from ui.markdown import escape_markdown
from ui.page import start_page
from ui.params import init_choice, init_choices, sync_param

lang, figures, catalog = start_page("crackdown.title", "crackdown.intro")

sources = per_store("crackdown_sources", crackdown_sources)  # once per store version, not per rerun
if not sources:
    st.info(t("crackdown.no_source", lang))
    st.stop()


def source_name(source_id: str) -> str:
    if source_id in catalog.sources.index:
        return str(catalog.sources.at[source_id, "citation_zh" if lang == "zh" else "citation_en"])
    return source_id


init_choice("crackdown_source", "source", sources, sources[0])
st.selectbox(t("crackdown.source", lang), sources, format_func=source_name, key="crackdown_source")
sync_param("crackdown_source", "source", sources[0])
rows = figures[figures["source_id"] == st.session_state["crackdown_source"]]

before_after = select_before_after(rows)
type_changes = select_changes(rows, by_type=True)
if len(before_after) or len(type_changes):
    left, right = st.columns(2)
    with left:
        for metric_id in dict.fromkeys(before_after["metric_id"]):
            chart_id = "crackdown_cards_daily" if metric_id == "case_linked_phone_cards_daily" else f"crackdown_before_after_{metric_id}"
            render_chart(build_before_after_chart(rows, lang, catalog, metric_id, chart_id=chart_id), chart_id)
    with right:
        if len(type_changes):
            render_chart(build_changes_chart(rows, lang, catalog, by_type=True, chart_id="crackdown_type_changes", page="crackdown"), "crackdown_type_changes")
        streaks = rows[rows["metric_id"] == "days_without_case"]
        if len(streaks):
            items = t("list.separator", lang).join(
                f"{r[text_column('breakdown', lang)]} {format_number(r['value'], r['unit'], r['qualifier'], lang)}" for _, r in streaks.iterrows()
            )
            st.info(escape_markdown(t("crackdown.streaks", lang, items=items)))

available = [c for c in RESULT_CATEGORIES if len(select_results(rows, c))]
init_choices("crackdown_categories", "categories", available, available)
st.divider()
st.multiselect(t("crackdown.categories", lang), available, format_func=lambda c: t(f"category.{c}", lang), key="crackdown_categories")
sync_param("crackdown_categories", "categories", available)
chosen = [c for c in available if c in st.session_state["crackdown_categories"]]
for start in range(0, len(chosen), 2):
    columns = st.columns(2)
    for column, category in zip(columns, chosen[start : start + 2], strict=False):
        with column:
            render_chart(build_results_chart(rows, lang, catalog, category), f"crackdown_results_{category}")

policies = build_policy_table(catalog, lang, st.session_state["crackdown_source"])
if len(policies):
    st.divider()
    st.subheader(t("crackdown.policies", lang))
    st.dataframe(policies, hide_index=True, key="crackdown_policies")

render_page_export("crackdown", lang)
