"""数据来源 Sources: every figure, searchable and filterable, with downloads; policies and documents."""

import streamlit as st

from charts.tables import build_figure_table, build_policy_table, build_source_table, filter_figures
from i18n import t
from loaders.catalog import CATEGORIES, QUALIFIERS
from ui.downloads import render_downloads
from ui.page import start_page
from ui.params import init_choices, init_flag, init_text, sync_param

lang, figures, catalog = start_page("sources.title", "sources.intro")

regions = figures.drop_duplicates("region_code")
region_codes = list(regions["region_code"])
region_names = dict(zip(region_codes, regions[f"region_{lang}"], strict=True))
categories = [c for c in CATEGORIES if c in set(figures["category"])] + sorted(set(figures["category"]) - set(CATEGORIES))
qualifiers = [q for q in QUALIFIERS if q in set(figures["qualifier"])]

init_text("sources_search", "q")
init_choices("sources_regions", "regions", region_codes, region_codes)
init_choices("sources_categories", "categories", categories, categories)
init_choices("sources_qualifiers", "qualifiers", qualifiers, qualifiers)
init_flag("sources_derived", "derived", True)

st.text_input(t("sources.search", lang), key="sources_search")
a, b, c, d = st.columns([2, 3, 2, 1], vertical_alignment="bottom")
a.multiselect(t("sources.regions", lang), region_codes, format_func=region_names.get, key="sources_regions")
b.multiselect(t("sources.categories", lang), categories, format_func=lambda k: t(f"category.{k}", lang) if k in CATEGORIES else k, key="sources_categories")
c.multiselect(t("sources.qualifiers", lang), qualifiers, format_func=lambda q: t(f"qualifier.{q}", lang), key="sources_qualifiers")
d.toggle(t("sources.derived", lang), key="sources_derived")
sync_param("sources_search", "q", "")
sync_param("sources_regions", "regions", region_codes)
sync_param("sources_categories", "categories", categories)
sync_param("sources_qualifiers", "qualifiers", qualifiers)
sync_param("sources_derived", "derived", True)

filtered = filter_figures(
    figures,
    search=st.session_state["sources_search"],
    region_codes=st.session_state["sources_regions"],
    categories=st.session_state["sources_categories"],
    qualifiers=st.session_state["sources_qualifiers"],
    include_derived=st.session_state["sources_derived"],
)

st.subheader(t("sources.figures", lang))
st.caption(t("sources.count", lang, shown=len(filtered), total=len(figures)))
st.dataframe(build_figure_table(filtered, catalog, lang), hide_index=True, key="sources_table")

st.markdown(f"**{t('sources.download', lang)}**")
render_downloads(filtered, "sources_filtered", "figures_filtered", t("sources.download.filtered_csv", lang), t("sources.download.filtered_xlsx", lang))
render_downloads(figures, "sources_all", "figures_all", t("sources.download.all_csv", lang), t("sources.download.all_xlsx", lang))

st.subheader(t("sources.policies", lang))
st.dataframe(build_policy_table(catalog, lang), hide_index=True, key="sources_policies")
st.subheader(t("sources.documents", lang))
st.dataframe(build_source_table(catalog, lang), hide_index=True, key="sources_documents")
