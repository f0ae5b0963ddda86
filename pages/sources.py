"""数据来源 Sources: every figure, searchable and filterable, with downloads; policies and documents."""

import pandas as pd
import streamlit as st

from charts.cards import region_choices
from charts.tables import build_figure_view, build_policy_table, build_source_table, filter_figures, filter_options
from i18n import t
from loaders.catalog import CATEGORIES
from ui.data import load_reference, per_store
from ui.downloads import render_downloads
from ui.page import start_page
from ui.params import init_choices, init_flag, init_text, sync_param


def figure_view(figures: pd.DataFrame, lang: str, filters: tuple) -> tuple[pd.DataFrame, int]:
    """The table's first rows and the count of matching figures, once per store version and filters."""
    return build_figure_view(figures, load_reference(), lang, **dict(filters))


lang, figures, catalog = start_page("sources.title", "sources.intro")

region_names = per_store("region_choices", region_choices, lang)
region_codes = list(region_names)
categories, qualifiers = per_store("sources_filter_options", filter_options)

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


def every_option(selected: list[str], options: list[str]) -> tuple[str, ...] | None:
    """None (no filter) when every option is chosen: the options are every value in the figures."""
    return None if set(selected) >= set(options) else tuple(selected)


filters = (
    ("search", st.session_state["sources_search"]),
    ("region_codes", every_option(st.session_state["sources_regions"], region_codes)),
    ("categories", every_option(st.session_state["sources_categories"], categories)),
    # Not every_option: the choices hold the known qualifiers only, a figure may carry another.
    ("qualifiers", tuple(st.session_state["sources_qualifiers"])),
    ("include_derived", st.session_state["sources_derived"]),
)
table, matching = per_store("sources_figure_view", figure_view, lang, filters)

st.subheader(t("sources.figures", lang))
st.caption(t("sources.count", lang, shown=matching, total=len(figures)))
if matching > len(table):
    # The browser gets at most charts.tables.TABLE_ROW_LIMIT rows; the downloads below hold every matching figure.
    st.caption(t("sources.capped", lang, rows=len(table), total=matching))
st.dataframe(table, hide_index=True, key="sources_table")

st.markdown(f"**{t('sources.download', lang)}**")
render_downloads(
    lambda: filter_figures(figures, **dict(filters)),  # filtered only when a download is asked for
    "sources_filtered", "figures_filtered", t("sources.download.filtered_csv", lang), t("sources.download.filtered_xlsx", lang),
)  # fmt: skip
render_downloads(figures, "sources_all", "figures_all", t("sources.download.all_csv", lang), t("sources.download.all_xlsx", lang))

st.subheader(t("sources.policies", lang))
st.dataframe(build_policy_table(catalog, lang), hide_index=True, key="sources_policies")
st.subheader(t("sources.documents", lang))
st.dataframe(build_source_table(catalog, lang), hide_index=True, key="sources_documents")

st.subheader(t("page.map", lang))
st.caption(t("map.sources_note", lang))
