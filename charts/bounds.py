"""Before/after pairs stated as bounds (100余 → 不足10): ranges of possible values, never exact bars."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.data import build_chart_data, build_hover, row_label
from charts.labels import distinct_labels
from charts.provenance import build_footnotes, build_source_line, build_subtitle, text_column, title_with_region
from charts.spec import Chart
from charts.style import BAD_COLOR, GOOD_COLOR, NEUTRAL_COLOR, apply_layout, plot_text
from i18n import format_number, format_period, t
from loaders.catalog import Catalog

OPEN_END = 1.35  # how far above the largest lower bound the open range is drawn


def select_before_after(figures: pd.DataFrame, metric_id: str | None = None, region_code: str | None = None) -> pd.DataFrame:
    """The before and after halves of a stated pair, before first."""
    rows = figures[figures["phase"].isin(["before", "after"]) & (figures["measure"] == "level")]
    if metric_id:
        rows = rows[rows["metric_id"] == metric_id]
    if region_code:
        rows = rows[rows["region_code"] == region_code]
    return rows.assign(_order=rows["phase"].map({"before": 0, "after": 1})).sort_values(["metric_id", "_order"]).drop(columns="_order")


def range_of(value: float, qualifier: str, top: float) -> tuple[float, float]:
    """The interval of values the source allows: ≥ v is [v, open], < v is [0, v), ≈/exact is v."""
    if qualifier == "at_least":
        return value, top
    if qualifier == "less_than":
        return 0.0, value
    return value, value


def build_before_after_chart(
    figures: pd.DataFrame,
    lang: str,
    catalog: Catalog,
    metric_id: str = "case_linked_phone_cards_daily",
    *,
    region_code: str | None = None,
    chart_id: str = "crackdown_cards_daily",
    page: str = "crackdown",
) -> Chart:
    rows = select_before_after(figures, metric_id, region_code)
    figure = go.Figure()
    top = float(rows["value"].max()) * OPEN_END if len(rows) else 1.0
    decrease_is_good = metric_id in catalog.metrics.index and catalog.metrics.at[metric_id, "decrease_is_good"] == "true"
    categories, shown = [], []
    names = [f"{t(f'phase.{r.phase}', lang)}\n{format_period(r.period_start, r.period_end, '', lang)}" for r in rows.itertuples()]
    names = distinct_labels(rows, names, lang)
    for (_, row), name in zip(rows.iterrows(), names, strict=True):
        category = "<br>".join(plot_text(line) for line in name.split("\n"))
        categories.append(category)
        text = format_number(row.value, row.unit, row.qualifier, lang)
        shown.append(text)
        low, high = range_of(float(row.value), row.qualifier, top)
        color = NEUTRAL_COLOR
        if row.phase == "after" and len(rows) > 1:
            color = GOOD_COLOR if decrease_is_good else BAD_COLOR
        if low != high:
            figure.add_trace(
                go.Scatter(
                    x=[category, category],
                    y=[low, high],
                    mode="lines",
                    line={"color": color, "width": 26},
                    opacity=0.28,
                    hoverinfo="skip",
                    showlegend=False,
                    name="range",
                )
            )
        open_top = row.qualifier == "at_least"
        figure.add_trace(
            go.Scatter(
                x=[category],
                y=[float(row.value)],
                mode="markers+text",
                marker={"symbol": "line-ew-open", "size": 46, "color": color, "line": {"width": 4, "color": color}},
                text=[plot_text(text)],
                textposition="middle right",
                textfont={"size": 15, "color": color},
                customdata=[[row.figure_id, build_hover(row, lang, text, row_label(row, lang))]],
                hovertemplate="%{customdata[1]}<extra></extra>",
                showlegend=False,
                name=row.figure_id,
            )
        )
        if open_top:
            figure.add_trace(
                go.Scatter(
                    x=[category],
                    y=[high],
                    mode="markers",
                    marker={"symbol": "triangle-up", "size": 14, "color": color},
                    hoverinfo="skip",
                    showlegend=False,
                    name="open end",
                )
            )
    title = t("crackdown.cards_title", lang) if metric_id == "case_linked_phone_cards_daily" else (row_label(rows.iloc[0], lang) if len(rows) else "")
    title = title_with_region(rows, title, lang)
    subtitle = build_subtitle(rows, lang) if len(rows) else ""
    unit = rows.iloc[0][text_column("unit", lang)] if len(rows) else ""
    figure.update_yaxes(range=[0, top * 1.08], title_text=plot_text(unit), rangemode="tozero")
    figure.update_xaxes(categoryorder="array", categoryarray=categories, range=[-0.5, len(categories) - 0.5 + 0.75], tickangle=0)
    apply_layout(figure, title, subtitle, height=420)
    data = build_chart_data(rows, lang, labels=[row_label(r, lang) for _, r in rows.iterrows()], plotted=list(rows["value"]), shown=shown)
    return Chart(
        chart_id=chart_id,
        figure=figure,
        title=title,
        subtitle=subtitle,
        source_line=build_source_line(rows, catalog.sources, lang) if len(rows) else "",
        data=data,
        lang=lang,
        footnotes=[t("footnote.bounds", lang), *build_footnotes(rows, lang)],
        page=page,
    )
