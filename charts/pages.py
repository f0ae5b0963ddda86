"""Every chart of every page, built without Streamlit (for exports and scripted reports).

    PAGES                                             page ids with their zh/en titles and url paths
    build_page_charts(page_id, figures, lang)         the charts a page shows in its default view
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from charts.bounds import build_before_after_chart, select_before_after
from charts.changes import build_changes_chart, select_changes
from charts.compare import MODES, build_compare_chart, build_comparison, list_combos, shared_metrics
from charts.fraud_types import build_type_mix_chart, combo_key, mix_combos
from charts.results import build_results_chart, select_results
from charts.spec import Chart
from loaders.catalog import CATEGORIES, Catalog, load_catalog

CRACKDOWN_SOURCE = "gansu_2020_duanka"
RESULT_CATEGORIES = [c for c in CATEGORIES if c not in ("outcome", "fraud_type")]


@dataclass(frozen=True)
class PageInfo:
    page_id: str
    title_zh: str
    title_en: str
    url_path: str
    icon: str
    # Paths the app once showed for this page, which must still open it (old_url_paths()).
    old_url_paths: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


PAGES: list[PageInfo] = [
    PageInfo("overview", "概览", "Overview", "", ":material/dashboard:", ("overview",)),  # the default page, at "/"
    PageInfo("crackdown", "断卡行动", "Gansu crackdown", "crackdown", ":material/sim_card:"),
    PageInfo("fraud_types", "诈骗类型", "Fraud types", "fraud_types", ":material/category:", ("fraud-types",)),
    PageInfo("compare", "地区对比", "Compare regions", "compare", ":material/compare_arrows:"),
    PageInfo("trends", "趋势", "Trends", "trends", ":material/show_chart:"),
    PageInfo("map", "地图", "Map", "map", ":material/map:"),
    PageInfo("sources", "数据来源", "Sources", "sources", ":material/table_view:"),
]
PAGE_IDS = [p.page_id for p in PAGES]


def old_url_paths() -> dict[str, str]:
    """Every path the app once linked that is no longer a page's own, to the page id it opens.

    The overview is served at "/", yet Streamlit's legacy multipage mode (the first run of a server
    started with `streamlit run dashboard.py`) listed every file of `pages/` under its file name,
    /overview too; the fraud types page was once at /fraud-types.
    """
    return {path: info.page_id for info in PAGES for path in info.old_url_paths}


def crackdown_sources(figures: pd.DataFrame) -> list[str]:
    """Sources with operation results; the Gansu crackdown first."""
    sources = list(dict.fromkeys(figures.loc[figures["category"].isin(RESULT_CATEGORIES), "source_id"]))
    return sorted(sources, key=lambda s: (s != CRACKDOWN_SOURCE, sources.index(s)))


def build_crackdown_charts(figures: pd.DataFrame, lang: str, catalog: Catalog, source_id: str, categories: list[str] | None = None) -> list[Chart]:
    rows = figures[figures["source_id"] == source_id]
    charts = []
    for category in categories or RESULT_CATEGORIES:
        if len(select_results(rows, category)):
            charts.append(build_results_chart(rows, lang, catalog, category))
    for metric_id in dict.fromkeys(select_before_after(rows)["metric_id"]):
        chart_id = "crackdown_cards_daily" if metric_id == "case_linked_phone_cards_daily" else f"crackdown_before_after_{metric_id}"
        charts.append(build_before_after_chart(rows, lang, catalog, metric_id, chart_id=chart_id))
    if len(select_changes(rows, by_type=True)):
        charts.append(build_changes_chart(rows, lang, catalog, by_type=True, chart_id="crackdown_type_changes", page="crackdown"))
    return charts


def build_fraud_type_charts(figures: pd.DataFrame, lang: str, catalog: Catalog, mix_key: str | None = None, change_region: str | None = None) -> list[Chart]:
    charts = []
    combos = mix_combos(figures)
    if mix_key is None and len(combos):
        mix_key = combo_key(combos.iloc[0])
    if mix_key:
        charts.append(build_type_mix_chart(figures, lang, catalog, mix_key, "level"))
        charts.append(build_type_mix_chart(figures, lang, catalog, mix_key, "share"))
    changes = select_changes(figures, by_type=True)
    if change_region is None and len(changes):
        change_region = changes.iloc[0]["region_code"]
    if change_region:
        charts.append(
            build_changes_chart(figures, lang, catalog, region_codes=[change_region], by_type=True, chart_id="fraud_types_changes", page="fraud_types")
        )
    return charts


def build_compare_charts(figures: pd.DataFrame, lang: str, catalog: Catalog, modes: tuple[str, ...] = MODES) -> list[Chart]:
    metrics = shared_metrics(figures)
    if not metrics:
        return []
    combos = list(list_combos(figures, metrics)["combo"])
    return [
        build_compare_chart(build_comparison(figures, catalog, metrics, combos, mode), lang, catalog, chart_id=f"compare_metrics_{mode}")
        for mode in modes
    ]


def build_page_charts(page_id: str, figures: pd.DataFrame, lang: str) -> list[Chart]:
    """The charts of a page in its default view, in `lang` ("zh" or "en"); [] for a page without charts."""
    if page_id not in PAGE_IDS:
        raise KeyError(f"unknown page {page_id!r}; pages are {', '.join(PAGE_IDS)}")
    catalog = load_catalog()
    if page_id == "overview":
        return [build_changes_chart(figures, lang, catalog)] if len(select_changes(figures)) else []
    if page_id == "crackdown":
        sources = crackdown_sources(figures)
        return build_crackdown_charts(figures, lang, catalog, sources[0]) if sources else []
    if page_id == "fraud_types":
        return build_fraud_type_charts(figures, lang, catalog)
    if page_id == "compare":
        return build_compare_charts(figures, lang, catalog)
    if page_id == "trends":
        from charts.trends import build_default_trend_charts

        return build_default_trend_charts(figures, lang, catalog)
    if page_id == "map":
        from charts.maps import build_default_map_charts

        return build_default_map_charts(figures, lang, catalog)
    return []
