"""Tables a person reads beside the charts: every figure, policies, source documents, in the language."""

from __future__ import annotations

import pandas as pd

from charts.provenance import text_column
from i18n import format_change, format_number, format_period, t
from loaders.catalog import Catalog

SEARCHED_COLUMNS = (
    "figure_id",
    "metric_id",
    "metric_zh",
    "metric_en",
    "region_zh",
    "region_en",
    "breakdown_zh",
    "breakdown_en",
    "evidence",
    "note",
    "formula",
    "period_text",
    "agency_zh",
    "agency_en",
)


def filter_figures(
    figures: pd.DataFrame,
    search: str = "",
    region_codes: list[str] | None = None,
    categories: list[str] | None = None,
    qualifiers: list[str] | None = None,
    include_derived: bool = True,
) -> pd.DataFrame:
    """Figures matching every filter; `search` is a case-insensitive substring of any text column."""
    mask = pd.Series(True, index=figures.index)
    if region_codes is not None:
        mask &= figures["region_code"].isin(region_codes)
    if categories is not None:
        mask &= figures["category"].isin(categories)
    if qualifiers is not None:
        mask &= figures["qualifier"].isin(qualifiers)
    if not include_derived:
        mask &= ~figures["derived"].astype(bool)
    needle = search.strip().lower()
    if needle:
        hit = pd.Series(False, index=figures.index)
        for column in SEARCHED_COLUMNS:
            hit |= figures[column].astype(str).str.lower().str.contains(needle, regex=False)
        mask &= hit
    return figures[mask]


def shown_value(row: pd.Series, lang: str) -> str:
    if row["measure"] == "change":
        return format_change(float(row["value"]), row["direction"], row["basis"], lang)
    return format_number(row["value"], row["unit"], row["qualifier"], lang)


def build_figure_table(figures: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """One row per figure with evidence, source, qualifier, basis, derived flag and formula."""
    citation = "citation_zh" if lang == "zh" else "citation_en"

    def source_of(row: pd.Series) -> str:
        if row["upload_id"]:
            return t("source.upload", lang, source=row["source_id"], upload=row["upload_id"])
        if row["source_id"] in catalog.sources.index:
            return str(catalog.sources.at[row["source_id"], citation])
        return row["source_id"]

    rows = [
        {
            t("chart.column.figure_id", lang): r["figure_id"],
            t("chart.column.region", lang): r[text_column("region", lang)],
            t("sources.column.metric", lang): r[text_column("metric", lang)],
            t("sources.column.breakdown", lang): r[text_column("breakdown", lang)],
            t("chart.column.shown", lang): shown_value(r, lang),
            t("chart.column.value", lang): float(r["value"]),
            t("chart.column.unit", lang): r[text_column("unit", lang)],
            t("chart.column.qualifier", lang): t(f"qualifier.{r['qualifier']}", lang) if r["qualifier"] else "",
            t("sources.column.measure", lang): t(f"measure.{r['measure']}", lang) if r["measure"] else "",
            t("sources.column.basis", lang): t(f"basis.{r['basis']}", lang) if r["basis"] else "",
            t("chart.column.period", lang): format_period(r["period_start"], r["period_end"], r["period_text"], lang),
            t("sources.column.agency", lang): r[text_column("agency", lang)],
            t("sources.column.category", lang): t(f"category.{r['category']}", lang) if f"category.{r['category']}" in _CATEGORY_KEYS else r["category"],
            t("chart.column.evidence", lang): r["evidence"],
            t("sources.column.source", lang): source_of(r),
            t("chart.column.derived", lang): t("derived.yes" if r["derived"] else "derived.no", lang),
            t("chart.column.formula", lang): r["formula"],
            t("sources.column.note", lang): r["note"],
            t("sources.column.upload", lang): r["upload_id"],
        }
        for _, r in figures.iterrows()
    ]
    columns = [
        t(k, lang)
        for k in (
            "chart.column.figure_id", "chart.column.region", "sources.column.metric", "sources.column.breakdown",
            "chart.column.shown", "chart.column.value", "chart.column.unit", "chart.column.qualifier",
            "sources.column.measure", "sources.column.basis", "chart.column.period", "sources.column.agency",
            "sources.column.category", "chart.column.evidence", "sources.column.source", "chart.column.derived",
            "chart.column.formula", "sources.column.note", "sources.column.upload",
        )
    ]
    return pd.DataFrame(rows, columns=columns)


_CATEGORY_KEYS = {
    f"category.{c}"
    for c in ("enforcement", "prevention", "financial_control", "telecom_control", "publicity", "outcome", "fraud_type")
}


def build_policy_table(catalog: Catalog, lang: str, source_id: str | None = None) -> pd.DataFrame:
    """Penalties and rules announced with the figures (all, or those of one source)."""
    suffix = "zh" if lang == "zh" else "en"
    policies = catalog.policies
    if source_id is not None:
        policies = policies[policies["source_id"] == source_id]
    return pd.DataFrame(
        {
            t("chart.column.figure_id", lang): policies["policy_id"],
            t("chart.column.region", lang): [catalog.label("regions", c, lang) for c in policies["region_code"]],
            t("sources.column.agency", lang): [catalog.label("agencies", a, lang) for a in policies["agency_id"]],
            t("sources.column.applies_to", lang): policies[f"applies_to_{suffix}"],
            t("sources.column.rule", lang): policies[f"rule_{suffix}"],
            t("sources.column.duration", lang): policies[f"duration_{suffix}"],
            t("chart.column.evidence", lang): policies["evidence"],
        }
    ).reset_index(drop=True)


def build_source_table(catalog: Catalog, lang: str) -> pd.DataFrame:
    sources = catalog.sources
    return pd.DataFrame(
        {
            t("sources.column.source", lang): sources["citation_zh" if lang == "zh" else "citation_en"],
            t("sources.column.producer", lang): sources["producer"],
            t("sources.column.title", lang): sources["title"],
            t("sources.column.date", lang): sources["date_published"],
            t("sources.column.publisher", lang): sources["publisher"],
            t("sources.column.license", lang): sources["license"],
        }
    ).reset_index(drop=True)
