"""Results of an operation by kind of work: one chart per category, bars on a log axis by agency."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from charts.data import build_chart_data, build_hover
from charts.labels import distinct_labels
from charts.provenance import build_footnotes, build_source_line, build_subtitle, text_column, title_with_region
from charts.spec import Chart
from charts.style import (
    AGENCY_COLORS,
    LOWER_BOUND_PATTERN,
    apply_layout,
    break_label,
    color_for,
    outside_text_margin,
    plot_text,
    rows_height,
)
from i18n import format_number, t
from loaders.catalog import Catalog

EXCLUDED_METRICS = ("period_days",)
AXIS_TITLE_WIDTH = 24  # half-width units: the log axis's title wraps under a half-width chart's plot
# Pixels around the bars: title and subtitle lines (apply_layout adds extra lines), the ticks and the
# two-line axis title under the plot; each agency's legend row adds LEGEND_ROW. The rest is the bars'.
# With 130 px, a 4-bar chart drew bars 15 px apart, and plotly shrank their value texts to ~7 px.
FRAME_HEIGHT = 200
LEGEND_ROW = 22
EN_TICKS = {1: "1", 10: "10", 100: "100", 10**3: "1k", 10**4: "10k", 10**5: "100k", 10**6: "1M", 10**7: "10M", 10**8: "100M", 10**9: "1B", 10**10: "10B"}


def log_tick_label(value: int, lang: str) -> str:
    """Tick labels of a log axis: 1万, 1亿 in Chinese; 10k, 100M in English."""
    if lang == "zh":
        return format_number(value, None, "exact", "zh")
    return EN_TICKS.get(value, format_number(value, None, "exact", "en"))


def select_results(figures: pd.DataFrame, category: str, source_id: str | None = None, region_code: str | None = None) -> pd.DataFrame:
    """Stated levels of one category: no breakdowns, no before/after halves, each fact once."""
    rows = figures[
        (figures["measure"] == "level")
        & (figures["category"] == category)
        & (figures["breakdown"] == "")
        & (figures["phase"] == "")
        & ~figures["derived"].astype(bool)
        & ~figures["metric_id"].isin(EXCLUDED_METRICS)
    ]
    if source_id:
        rows = rows[rows["source_id"] == source_id]
    if region_code:
        rows = rows[rows["region_code"] == region_code]
    return rows.drop_duplicates("fact_id", keep="first")


def repeated_facts(figures: pd.DataFrame, shown: pd.DataFrame) -> list[tuple[str, str]]:
    """(repeat, first) evidence of facts reported twice, of which only the first is drawn: a reader
    recognises the source's words, not the figure ids."""
    evidence = dict(zip(shown["figure_id"], shown["evidence"], strict=True))
    pairs = []
    for row in figures[figures["fact_id"].isin(shown["fact_id"]) & ~figures["figure_id"].isin(shown["figure_id"])].itertuples():
        pairs.append((row.evidence, evidence.get(row.fact_id, row.fact_id)))
    return pairs


def build_results_chart(
    figures: pd.DataFrame,
    lang: str,
    catalog: Catalog,
    category: str,
    *,
    source_id: str | None = None,
    region_code: str | None = None,
    chart_id: str | None = None,
    page: str = "crackdown",
) -> Chart:
    """Horizontal bars on a log axis (54 dens and 1.2亿 calls side by side), coloured by agency."""
    rows = select_results(figures, category, source_id, region_code)
    rows = rows.sort_values("value", ascending=True)
    figure = go.Figure()
    labels = [f"{r[text_column('metric', lang)]}（{r[text_column('unit', lang)]}）" if lang == "zh" else f"{r[text_column('metric', lang)]} ({r[text_column('unit', lang)]})" for _, r in rows.iterrows()]
    labels = distinct_labels(rows, labels, lang)
    rows = rows.assign(_label=labels)
    for index, (agency_id, group) in enumerate(rows.groupby("agency_id", sort=False)):
        shown = [format_number(r.value, r.unit, r.qualifier, lang) for r in group.itertuples()]
        bar_text = [format_number(r.value, None, r.qualifier, lang) for r in group.itertuples()]  # unit is in the label
        figure.add_trace(
            go.Bar(
                x=list(group["value"]),
                y=[break_label(label) for label in group["_label"]],
                orientation="h",
                name=plot_text(group.iloc[0][text_column("agency", lang)]),
                marker={
                    "color": color_for(agency_id, AGENCY_COLORS, index),
                    "pattern": {"shape": [LOWER_BOUND_PATTERN if q != "exact" else "" for q in group["qualifier"]], "fillmode": "overlay", "fgcolor": "white", "size": 6},
                },
                text=[plot_text(s) for s in bar_text],
                textposition="outside",
                constraintext="none",  # value texts keep their size (plotly shrinks them to a thin bar's height)
                cliponaxis=False,
                customdata=[[r.figure_id, build_hover(r, lang, s, r._label)] for (_, r), s in zip(group.iterrows(), shown, strict=True)],
                hovertemplate="%{customdata[1]}<extra></extra>",
            )
        )
    title = title_with_region(rows, t("crackdown.results_title", lang, category=t(f"category.{category}", lang)), lang)
    subtitle = build_subtitle(rows, lang) if len(rows) else ""
    right_margin = 30
    if len(rows):
        low, high = math.log10(rows["value"].min()), math.log10(rows["value"].max())
        ticks = [10**k for k in range(math.floor(low), math.ceil(high) + 1)]
        start, end = math.floor(low) - 0.2, math.ceil(high) + 0.7
        texts = [format_number(r.value, None, r.qualifier, lang) for r in rows.itertuples()]
        right_margin = outside_text_margin(texts, [(math.log10(v) - start) / (end - start) for v in rows["value"]])
        figure.update_xaxes(
            type="log",
            range=[start, end],
            title_text=break_label(t("chart.count_axis", lang), AXIS_TITLE_WIDTH),
            tickvals=ticks,
            ticktext=[log_tick_label(v, lang) for v in ticks],
        )
    figure.update_yaxes(categoryorder="array", categoryarray=[break_label(label) for label in rows["_label"]])
    figure.update_layout(barmode="overlay", bargap=0.35)
    agencies = rows["agency_id"].nunique()
    height = max(260, FRAME_HEIGHT + LEGEND_ROW * agencies + rows_height(list(rows["_label"])))
    apply_layout(figure, title, subtitle, height=height, legend=True, legend_rows=agencies)
    figure.update_layout(margin_r=right_margin)
    data = build_chart_data(rows.drop(columns="_label"), lang, labels=list(rows["_label"]), plotted=list(rows["value"]))
    footnotes = [t("footnote.log_axis", lang), *build_footnotes(rows, lang)]
    if (rows["qualifier"] != "exact").any():
        footnotes.append(t("footnote.pattern", lang))
    for repeat, first in repeated_facts(figures, rows):
        footnotes.append(t("footnote.same_fact", lang, repeat=repeat, first=first))
    return Chart(
        chart_id=chart_id or f"{page}_results_{category}",
        figure=figure,
        title=title,
        subtitle=subtitle,
        source_line=build_source_line(rows, catalog.sources, lang) if len(rows) else "",
        data=data,
        lang=lang,
        footnotes=footnotes,
        page=page,
    )
