"""Tables a person reads beside the charts: every figure, policies, source documents, in the language."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from charts.provenance import in_language, text_column
from i18n import format_change, format_number, format_period, t
from loaders.catalog import CATEGORIES, QUALIFIERS, Catalog

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


# The sources page shows at most this many rows of the figure table; the downloads hold every row.
TABLE_ROW_LIMIT = 1_000


def filter_figures(
    figures: pd.DataFrame,
    search: str = "",
    region_codes: list[str] | None = None,
    categories: list[str] | None = None,
    qualifiers: list[str] | None = None,
    include_derived: bool = True,
) -> pd.DataFrame:
    """Figures matching every filter; `search` is a case-insensitive substring of any text column.

    When no filter excludes a row, `figures` itself is returned (no copy): treat the result as read-only.
    """
    mask = np.ones(len(figures), dtype=bool)
    if region_codes is not None:
        mask &= figures["region_code"].isin(region_codes).to_numpy()
    if categories is not None:
        mask &= figures["category"].isin(categories).to_numpy()
    if qualifiers is not None:
        mask &= figures["qualifier"].isin(qualifiers).to_numpy()
    if not include_derived:
        mask &= ~figures["derived"].astype(bool).to_numpy()
    needle = search.strip().lower()
    if needle:
        hit = np.zeros(len(figures), dtype=bool)
        for column in SEARCHED_COLUMNS:
            hit |= figures[column].astype(str).str.lower().str.contains(needle, regex=False).to_numpy(dtype=bool)
        mask &= hit
    if mask.all():
        return figures
    return figures[mask]


def filter_options(figures: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The sources page's category and qualifier choices: known ones in catalogue order, then others."""
    present = set(figures["category"].unique())
    categories = [c for c in CATEGORIES if c in present] + sorted(present - set(CATEGORIES))
    present = set(figures["qualifier"].unique())
    qualifiers = [q for q in QUALIFIERS if q in present]
    return categories, qualifiers


def build_figure_view(
    figures: pd.DataFrame,
    catalog: Catalog,
    lang: str,
    limit: int = TABLE_ROW_LIMIT,
    **filters: object,
) -> tuple[pd.DataFrame, int]:
    """The sources page's table: the first `limit` figures matching `filters` (filter_figures), and how many match."""
    filtered = filter_figures(figures, **filters)  # type: ignore[arg-type]
    return build_figure_table(filtered.head(limit), catalog, lang), len(filtered)


def shown_value(row: pd.Series, lang: str) -> str:
    if row["measure"] == "change":
        return format_change(float(row["value"]), row["direction"], row["basis"], lang)
    return format_number(row["value"], row["unit"], row["qualifier"], lang)


def _memo(function: Callable[..., str]) -> Callable[..., str]:
    """`function` computed once per distinct arguments (a table repeats few periods, units, sources)."""
    cache: dict[tuple, str] = {}

    def memoised(*args: object) -> str:
        if args not in cache:
            cache[args] = function(*args)
        return cache[args]

    return memoised


def build_figure_table(figures: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """One row per figure with evidence, source, qualifier, basis, derived flag and formula."""
    citation = "citation_zh" if lang == "zh" else "citation_en"

    @_memo
    def source_of(source_id: str, upload_id: str) -> str:
        if upload_id:
            return t("source.upload", lang, source=source_id, upload=upload_id)
        if source_id in catalog.sources.index:
            return str(catalog.sources.at[source_id, citation])
        return source_id

    @_memo
    def shown(measure: str, value: float, unit: str, qualifier: str, direction: str, basis: str) -> str:
        if measure == "change":
            return format_change(float(value), direction, basis, lang)
        return format_number(value, unit, qualifier, lang)

    @_memo
    def worded(prefix: str, key: str) -> str:
        return t(f"{prefix}.{key}", lang) if key else ""

    @_memo
    def category(key: str) -> str:
        return t(f"category.{key}", lang) if f"category.{key}" in _CATEGORY_KEYS else key

    period = _memo(lambda start, end, text: format_period(start, end, text, lang))
    derived = {True: t("derived.yes", lang), False: t("derived.no", lang)}
    region, metric, breakdown = text_column("region", lang), text_column("metric", lang), text_column("breakdown", lang)
    unit, agency = text_column("unit", lang), text_column("agency", lang)
    used = [
        "figure_id", region, metric, breakdown, "measure", "value", "unit", "qualifier", "direction", "basis",
        unit, "period_start", "period_end", "period_text", agency, "category", "evidence", "source_id",
        "upload_id", "derived", "formula", "note", "formula_zh", "note_zh",
    ]  # fmt: skip
    rows = [
        (
            r[0], r[1], r[2], r[3],
            shown(r[4], r[5], r[6], r[7], r[8], r[9]),
            float(r[5]),
            r[10],
            worded("qualifier", r[7]),
            worded("measure", r[4]),
            worded("basis", r[9]),
            period(r[11], r[12], r[13]),
            r[14],
            category(r[15]),
            r[16],
            source_of(r[17], r[18]),
            derived[bool(r[19])],
            in_language(r[20], r[22], lang), in_language(r[21], r[23], lang), r[18],
        )  # fmt: skip
        for r in figures[used].itertuples(index=False, name=None)
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
