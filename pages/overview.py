"""概览 Overview: headline figures per region and period, the changes, and who reported what."""

import streamlit as st

from charts.cards import (
    UPLOADED_CARD_LIMIT,
    build_card_view,
    build_source_sentences,
    default_regions,
    region_choices,
    region_rows,
    rows_of_regions,
)
from charts.changes import build_changes_chart, select_changes
from i18n import t
from ui.cards import render_cards
from ui.charts import render_chart, render_page_export
from ui.data import per_store
from ui.markdown import escape_markdown
from ui.page import start_page
from ui.params import init_choices, init_flag, sync_param
from ui.provenance import load_uploads
from ui.regions import order_by_level, region_labels

lang, figures, catalog = start_page("overview.title", "overview.intro")

names = per_store("region_choices", region_choices, lang)
codes = order_by_level(names, catalog)  # 全国, 省级, 地市级, 县级; the label carries level and code for search
labels = region_labels(names, catalog, lang)
# First view: every region when few, else the curated regions only (uploads can add hundreds);
# the person adds uploaded regions in the multiselect. See charts.cards.default_regions.
first_view = per_store("overview_default_regions", default_regions)
init_choices("overview_regions", "regions", codes, first_view)
init_flag("overview_show_all", "all", False)
left, right = st.columns([3, 1], vertical_alignment="bottom")
left.multiselect(t("overview.regions", lang), options=codes, format_func=labels.get, key="overview_regions", help=t("regions.help", lang))
right.toggle(t("overview.show_all", lang), key="overview_show_all")
sync_param("overview_regions", "regions", first_view)
sync_param("overview_show_all", "all", False)
selected = st.session_state["overview_regions"]

if not selected:
    st.info(t("overview.no_regions", lang))
    st.stop()

# The selected regions' figures, taken once: every builder below then reads a few rows, not every upload.
chosen = rows_of_regions(figures, per_store("region_rows", region_rows), selected)
# Who uploaded what, when: read only when an uploaded figure is among the chosen ones.
uploads = load_uploads() if (chosen["upload_id"] != "").any() else None
cards, left_out = build_card_view(chosen, lang, catalog, selected, st.session_state["overview_show_all"], uploads)
if left_out:  # said before the cards, where it is seen (issue 12.12)
    st.caption(t("overview.uploaded_cards_left_out", lang, shown=UPLOADED_CARD_LIMIT, left_out=left_out))
render_cards(cards, "overview_cards")

if len(select_changes(chosen, selected)):
    st.divider()
    render_chart(build_changes_chart(chosen, lang, catalog, region_codes=selected), "overview_changes")

st.divider()
st.subheader(t("overview.source_heading", lang))
st.markdown("\n".join(f"- {escape_markdown(s)}" for s in build_source_sentences(chosen, catalog, lang, uploads)))

render_page_export("overview", lang)
