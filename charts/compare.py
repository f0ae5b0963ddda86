"""Regions and years side by side: the metrics they share, absolute, per 100,000 residents, per 30 days.

A "combo" is one region in one reporting period (region_code|period_start|period_end). Anything an
upload adds to the figures (a new region code, a new period) becomes a combo here with no code change.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.data import build_hover
from charts.provenance import build_footnotes, build_source_line, text_column
from charts.spec import Chart
from charts.style import PALETTE, apply_layout, break_label, plot_text
from i18n import format_number, format_period, round_significant, t
from loaders.catalog import Catalog
from loaders.derive import period_days

MODES = ("absolute", "per_100k", "per_30_days")
COMBO_KEYS = ["region_code", "period_start", "period_end"]
EXCLUDED_METRICS = ("period_days",)
PER_POPULATION = 100_000
PER_DAYS = 30


def comparable_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Stated levels of a whole region and period: no breakdowns, no before/after halves, no derived."""
    rows = figures[
        (figures["measure"] == "level")
        & (figures["breakdown"] == "")
        & (figures["phase"] == "")
        & ~figures["derived"].astype(bool)
        & ~figures["metric_id"].isin(EXCLUDED_METRICS)
    ]
    rows = rows.drop_duplicates("fact_id")
    return rows.assign(combo=["|".join(k) for k in rows[COMBO_KEYS].itertuples(index=False)])


def shared_metrics(figures: pd.DataFrame) -> list[str]:
    """Metrics stated for two or more combos, most widely shared first."""
    rows = comparable_figures(figures)
    counts = rows.groupby("metric_id", sort=False)["combo"].nunique()
    shared = counts[counts >= 2]
    order = {m: i for i, m in enumerate(rows["metric_id"].drop_duplicates())}
    return sorted(shared.index, key=lambda m: (-shared[m], order[m]))


def list_combos(figures: pd.DataFrame, metric_ids: list[str] | None = None) -> pd.DataFrame:
    """Every combo that states at least one of the metrics, with labels in both languages."""
    rows = comparable_figures(figures)
    if metric_ids is not None:
        rows = rows[rows["metric_id"].isin(metric_ids)]
    combos = rows.drop_duplicates("combo")[["combo", *COMBO_KEYS, "region_zh", "region_en", "period_text"]]
    return combos.sort_values(["period_end", "region_code"]).reset_index(drop=True)


def combo_label(row: pd.Series, lang: str, short: bool = False) -> str:
    region = row[text_column("region", lang)]
    if short:
        return f"{region} {str(row['period_end'])[:4]}"
    return f"{region} · {format_period(row['period_start'], row['period_end'], '', lang)}"


def unique_short_labels(comparison: pd.DataFrame, lang: str) -> dict[str, str]:
    """combo -> "甘肃省 2020", or the full label where two combos would read the same."""
    combos = comparison.drop_duplicates("combo")
    short = {r["combo"]: combo_label(r, lang, short=True) for _, r in combos.iterrows()}
    counts = pd.Series(list(short.values())).value_counts()
    return {c: (label if counts[label] == 1 else combo_label(combos[combos["combo"] == c].iloc[0], lang)) for c, label in short.items()}


def region_population(catalog: Catalog, region_code: str) -> tuple[float | None, str, str]:
    """(population, year, source) of a region from the reference tables; None when not known."""
    for table in (catalog.regions, catalog.divisions):
        if region_code in table.index and "population" in table.columns:
            text = str(table.at[region_code, "population"]).strip()
            if text and text.lower() != "nan":
                year = str(table.at[region_code, "population_year"]) if "population_year" in table.columns else ""
                source = str(table.at[region_code, "population_source"]) if "population_source" in table.columns else ""
                return float(text), year, source
    return None, "", ""


def period_days_figure(figures: pd.DataFrame, row: pd.Series) -> str:
    """figure_id of the derived period length of this figure's period, if one was derived."""
    match = figures[
        (figures["metric_id"] == "period_days")
        & (figures["region_code"] == row["region_code"])
        & (figures["period_start"] == row["period_start"])
        & (figures["period_end"] == row["period_end"])
    ]
    return str(match.iloc[0]["figure_id"]) if len(match) else ""


def build_comparison(figures: pd.DataFrame, catalog: Catalog, metric_ids: list[str], combos: list[str], mode: str = "absolute") -> pd.DataFrame:
    """One row per compared figure with its period length, population and the value in `mode`.

    `plotted` is None where the mode cannot apply (no population, no stated period start).
    """
    rows = comparable_figures(figures)
    rows = rows[rows["metric_id"].isin(metric_ids) & rows["combo"].isin(combos)].copy()
    days, days_ids, populations, years, plotted = [], [], [], [], []
    for _, row in rows.iterrows():
        length = period_days(row["period_start"], row["period_end"]) if row["period_start"] and row["period_end"] else None
        population, year, _ = region_population(catalog, row["region_code"])
        days.append(length)
        days_ids.append(period_days_figure(figures, row) if length else "")
        populations.append(population)
        years.append(year)
        value = float(row["value"])
        if mode == "per_100k":
            plotted.append(round_significant(value / population * PER_POPULATION, 3, row["qualifier"]) if population else None)
        elif mode == "per_30_days":
            plotted.append(round_significant(value / length * PER_DAYS, 3, row["qualifier"]) if length else None)
        else:
            plotted.append(value)
    rows["days"] = days
    rows["days_figure_id"] = days_ids
    rows["population"] = populations
    rows["population_year"] = years
    rows["plotted"] = plotted
    rows["mode"] = mode
    metric_order = {m: i for i, m in enumerate(metric_ids)}
    combo_order = {c: i for i, c in enumerate(combos)}
    rows["_m"] = rows["metric_id"].map(metric_order)
    rows["_c"] = rows["combo"].map(combo_order)
    return rows.sort_values(["_m", "_c", "agency_id"]).drop(columns=["_m", "_c"]).reset_index(drop=True)


def _shown(row: pd.Series, lang: str) -> str:
    if row["plotted"] is None or (isinstance(row["plotted"], float) and math.isnan(row["plotted"])):
        return t("compare.unavailable." + row["mode"], lang)
    if row["mode"] == "absolute":
        return format_number(row["value"], row["unit"], row["qualifier"], lang)
    return format_number(row["plotted"], None, row["qualifier"], lang)


def build_compare_chart(comparison: pd.DataFrame, lang: str, catalog: Catalog, *, chart_id: str = "compare_metrics", page: str = "compare") -> Chart:
    """Small multiples: one panel per metric with its own axis and unit, one bar per combo."""
    mode = comparison["mode"].iloc[0] if len(comparison) else "absolute"
    metric_ids = list(dict.fromkeys(comparison["metric_id"]))
    columns = min(max(len(metric_ids), 1), 3)
    panel_rows = max(math.ceil(len(metric_ids) / columns), 1)
    first_rows = [comparison[comparison["metric_id"] == m].iloc[0] for m in metric_ids]
    figure = make_subplots(
        rows=panel_rows,
        cols=columns,
        subplot_titles=[plot_text(r[text_column("metric", lang)]) for r in first_rows] or [""],
        horizontal_spacing=0.1,
        vertical_spacing=0.22 if panel_rows > 1 else 0.1,
    )
    combos = list(dict.fromkeys(comparison["combo"]))
    colors = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(combos)}
    short_labels = unique_short_labels(comparison, lang)
    shown_all = [_shown(r, lang) for _, r in comparison.iterrows()]
    comparison = comparison.assign(_shown=shown_all)
    for index, metric_id in enumerate(metric_ids):
        panel = comparison[comparison["metric_id"] == metric_id]
        row_i, col_i = index // columns + 1, index % columns + 1
        several = panel.groupby("combo")["agency_id"].nunique().max() > 1
        for _, r in panel.iterrows():
            width = 12 if several else 18
            label = break_label(short_labels[r["combo"]], width)
            if several:
                label = f"{label}<br>{break_label(r[text_column('agency', lang)], width)}"
            available = r["plotted"] is not None and not (isinstance(r["plotted"], float) and math.isnan(r["plotted"]))
            hover = build_hover(r, lang, r["_shown"], r[text_column("metric", lang)])
            figure.add_trace(
                go.Bar(
                    x=[label],
                    y=[float(r["plotted"]) if available else 0.0],
                    name=plot_text(combo_label(r, lang)),
                    showlegend=False,
                    marker={"color": colors[r["combo"]], "pattern": {"shape": "/" if r["qualifier"] != "exact" else "", "fillmode": "overlay", "fgcolor": "white", "size": 6}},
                    text=[plot_text(r["_shown"])],
                    textposition="outside",
                    textfont={"size": 12},
                    cliponaxis=False,
                    customdata=[[r["figure_id"], hover]],
                    hovertemplate="%{customdata[1]}<extra></extra>",
                ),
                row=row_i,
                col=col_i,
            )
        unit = panel.iloc[0][text_column("unit", lang)]
        top = max([float(p) for p in panel["plotted"] if p is not None and not (isinstance(p, float) and math.isnan(p))] or [1.0])
        figure.update_yaxes(title_text=plot_text(t(f"compare.axis.{mode}", lang, unit=unit)), range=[0, top * 1.25], row=row_i, col=col_i)
    title = t("compare.chart_title", lang, mode=t(f"compare.mode.{mode}", lang))
    regions = t("list.separator", lang).join(dict.fromkeys(comparison[text_column("region", lang)]))
    periods = t("list.separator", lang).join(dict.fromkeys(combo_label(r, lang).split(" · ", 1)[1] for _, r in comparison.iterrows()))
    subtitle = f"{regions} · {periods}" if len(comparison) else ""
    apply_layout(figure, title, subtitle, height=220 + 330 * panel_rows)
    figure.update_layout(barmode="overlay", bargap=0.3, title_pad_b=36, uniformtext={"minsize": 12, "mode": "show"})
    crowded = len(combos) > 4  # uploads can add many regions: slant the labels, keep values in hover and table
    figure.update_xaxes(tickangle=-45 if crowded else 0)
    if crowded:
        figure.update_traces(textposition="none")
    figure.update_annotations(font_size=13)
    data = pd.DataFrame(
        {
            "figure_id": comparison["figure_id"],
            "label": [f"{combo_label(r, lang)} · {r[text_column('metric', lang)]}" for _, r in comparison.iterrows()],
            "region": comparison[text_column("region", lang)],
            "period": [format_period(r["period_start"], r["period_end"], r["period_text"], lang) for _, r in comparison.iterrows()],
            "value": comparison["value"].astype(float),
            "unit": comparison[text_column("unit", lang)],
            "qualifier": [t(f"qualifier.{q}", lang) for q in comparison["qualifier"]],
            "shown": shown_all,
            "plotted": [float("nan") if p is None else float(p) for p in comparison["plotted"]],
            "derived": [mode != "absolute"] * len(comparison),
            "formula": [rate_formula(r, lang) for _, r in comparison.iterrows()],
            "evidence": comparison["evidence"],
        }
    ).reset_index(drop=True)
    footnotes = build_footnotes(comparison.assign(derived=False), lang)
    if (comparison["qualifier"] != "exact").any():
        footnotes.append(t("footnote.pattern", lang))
    if mode != "absolute":
        footnotes.append(t("compare.caveat.derived_rate", lang))
    return Chart(
        chart_id=chart_id,
        figure=figure,
        title=title,
        subtitle=subtitle,
        source_line=build_source_line(comparison, catalog.sources, lang) if len(comparison) else "",
        data=data,
        lang=lang,
        footnotes=footnotes,
        page=page,
    )


def rate_formula(row: pd.Series, lang: str) -> str:
    value = format_number(row["value"], None, "exact", "en")
    if row["mode"] == "per_100k" and row["population"]:
        return f"{value} ÷ {format_number(row['population'], None, 'exact', 'en')} × 100,000 = {row['plotted']:g}"
    if row["mode"] == "per_30_days" and _known_days(row["days"]):
        return f"{value} ÷ {int(row['days'])} days × 30 = {row['plotted']:g}"
    return ""


def _known_days(days: object) -> bool:
    """A period length that is stated (not None, not NaN, positive)."""
    try:
        return days is not None and not math.isnan(float(days)) and float(days) > 0
    except (TypeError, ValueError):
        return False


def build_caveats(comparison: pd.DataFrame, figures: pd.DataFrame, catalog: Catalog, lang: str) -> list[str]:
    """What differs between the compared figures, one sentence each, in the language."""
    if comparison.empty:
        return []
    sep = t("list.separator", lang)
    caveats: list[str] = []
    combos = comparison.drop_duplicates("combo")

    lengths = {}
    for _, r in combos.iterrows():
        if _known_days(r["days"]):
            lengths[combo_label(r, lang, short=True)] = int(r["days"])
    if len(set(lengths.values())) > 1:
        items = sep.join(t("compare.caveat.period_item", lang, combo=c, days=d) for c, d in lengths.items())
        caveats.append(t("compare.caveat.period_length", lang, items=items))

    levels = {}
    for _, r in combos.drop_duplicates("region_code").iterrows():
        level = _region_level(catalog, r["region_code"])
        levels[r[text_column("region", lang)]] = t(f"compare.level.{level}", lang) if f"compare.level.{level}" in _LEVEL_KEYS else (level or "?")
    if len(set(levels.values())) > 1:
        items = sep.join(t("compare.caveat.level_item", lang, region=k, level=v) for k, v in levels.items())
        caveats.append(t("compare.caveat.levels", lang, items=items))

    changes = figures[(figures["measure"] == "change") & figures["region_code"].isin(combos["region_code"]) & (figures["basis"] != "")]
    bases = changes.groupby(text_column("region", lang))["basis"].agg(lambda b: list(dict.fromkeys(b)))
    if changes["basis"].nunique() > 1:
        items = sep.join(
            t("compare.caveat.basis_item", lang, region=region, basis=sep.join(t(f"basis.{b}", lang) for b in bs)) for region, bs in bases.items()
        )
        caveats.append(t("compare.caveat.bases", lang, items=items))

    bounded = comparison[comparison["qualifier"] != "exact"]
    if len(bounded):
        items = sep.join(
            f"{combo_label(r, lang, short=True)} {r[text_column('metric', lang)]} {format_number(r['value'], r['unit'], r['qualifier'], lang)}"
            for _, r in bounded.iterrows()
        )
        caveats.append(t("compare.caveat.bounds", lang, items=items))

    for _, group in comparison.groupby(["combo", "metric_id"], sort=False):
        if group["agency_id"].nunique() > 1:
            first = group.iloc[0]
            caveats.append(
                t(
                    "compare.caveat.same_region_agencies",
                    lang,
                    region=combo_label(first, lang, short=True),
                    metric=first[text_column("metric", lang)],
                    agencies=sep.join(group[text_column("agency", lang)]),
                )
            )

    mode = comparison["mode"].iloc[0]
    missing = comparison[comparison["plotted"].isna()] if mode != "absolute" else comparison.iloc[0:0]
    if mode == "per_100k" and len(missing):
        caveats.append(t("compare.caveat.no_population", lang, items=sep.join(dict.fromkeys(missing[text_column("region", lang)]))))
    if mode == "per_30_days" and len(missing):
        caveats.append(t("compare.caveat.no_period", lang, items=sep.join(missing["figure_id"])))
    if mode == "per_100k":
        populations = []
        for code in dict.fromkeys(comparison["region_code"]):
            population, year, source = region_population(catalog, code)
            if population:
                name = comparison[comparison["region_code"] == code].iloc[0][text_column("region", lang)]
                populations.append(f"{name} {format_number(population, 'persons', 'exact', lang)}（{year}，{source}）" if lang == "zh" else f"{name} {format_number(population, 'persons', 'exact', lang)} ({year}, {source})")
        if populations:
            caveats.append(t("compare.caveat.population_source", lang, items=sep.join(populations)))

    noted = comparison[comparison["note"] != ""]
    if len(noted):
        lines = [t("compare.caveat.definitions", lang)]
        for _, r in noted.iterrows():
            lines.append(
                t(
                    "compare.caveat.definition_item",
                    lang,
                    region=combo_label(r, lang, short=True),
                    metric=r[text_column("metric", lang)],
                    evidence=r["evidence"],
                    note=r["note"],
                )
            )
        caveats.append("\n".join(lines))
    return caveats


_LEVEL_KEYS = {"compare.level.province", "compare.level.prefecture", "compare.level.county"}


def _region_level(catalog: Catalog, region_code: str) -> str:
    for table in (catalog.regions, catalog.divisions):
        if region_code in table.index and "level" in table.columns:
            return str(table.at[region_code, "level"])
    return ""
