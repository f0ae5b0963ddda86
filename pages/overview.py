"""概览 Overview: headline figures per region and period, the changes, and who reported what."""

import streamlit as st

from charts.cards import build_cards, build_source_sentences
from charts.changes import build_changes_chart, select_changes
from i18n import t
from ui.cards import render_cards
from ui.charts import render_chart, render_page_export
from ui.markdown import escape_markdown
from ui.page import start_page
from ui.params import init_choices, init_flag, sync_param

lang, figures, catalog = start_page("overview.title", "overview.intro")

regions = figures.drop_duplicates("region_code")
codes = list(regions["region_code"])
names = dict(zip(codes, regions[f"region_{lang}"], strict=True))
init_choices("overview_regions", "regions", codes, codes)
init_flag("overview_show_all", "all", False)
left, right = st.columns([3, 1], vertical_alignment="bottom")
left.multiselect(t("overview.regions", lang), options=codes, format_func=names.get, key="overview_regions")
right.toggle(t("overview.show_all", lang), key="overview_show_all")
sync_param("overview_regions", "regions", codes)
sync_param("overview_show_all", "all", False)
selected = st.session_state["overview_regions"]

if not selected:
    st.info(t("overview.no_regions", lang))
    st.stop()

render_cards(build_cards(figures, lang, catalog, selected, st.session_state["overview_show_all"]), "overview_cards")

if len(select_changes(figures, selected)):
    st.divider()
    render_chart(build_changes_chart(figures, lang, catalog, region_codes=selected), "overview_changes")

st.divider()
st.subheader(t("overview.source_heading", lang))
chosen = figures[figures["region_code"].isin(selected)]
st.markdown("\n".join(f"- {escape_markdown(s)}" for s in build_source_sentences(chosen, catalog, lang)))

render_page_export("overview", lang)
