"""Stated changes (同比/环比) as signed bars, coloured so that fewer cases and losses read as good news."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.data import build_chart_data, build_hover, row_label
from charts.labels import distinct_labels
from charts.provenance import build_footnotes, build_source_line, build_subtitle, text_column, title_with_region
from charts.spec import Chart
from charts.style import BAD_COLOR, GOOD_COLOR, NEUTRAL_COLOR, apply_layout, break_label, plot_text, rows_height
from i18n import format_change, signed_change, t
from loaders.catalog import Catalog


def change_tone(metric_id: str, direction: str, catalog: Catalog) -> str:
    """"good", "bad" or "neutral": a decrease of cases or losses is good, of clearance bad."""
    if metric_id not in catalog.metrics.index:
        return "neutral"
    flag = str(catalog.metrics.at[metric_id, "decrease_is_good"]).strip().lower()
    if flag not in ("true", "false"):
        return "neutral"
    decrease_is_good = flag == "true"
    return "good" if (direction == "decrease") == decrease_is_good else "bad"


TONE_COLORS = {"good": GOOD_COLOR, "bad": BAD_COLOR, "neutral": NEUTRAL_COLOR}


def select_changes(figures: pd.DataFrame, region_codes: list[str] | None = None, by_type: bool = False) -> pd.DataFrame:
    """Stated changes: overall ones (by_type False) or by fraud type with the overall fraud change."""
    rows = figures[(figures["measure"] == "change") & ~figures["derived"].astype(bool)]
    if region_codes:
        rows = rows[rows["region_code"].isin(region_codes)]
    if by_type:
        typed = rows[rows["breakdown"].str.startswith("fraud_type:")]
        overall = rows[(rows["breakdown"] == "") & (rows["metric_id"].isin(typed["metric_id"]))]
        overall = overall[overall["basis"].isin(typed["basis"]) & overall["region_code"].isin(typed["region_code"])]
        return pd.concat([overall, typed])
    return rows[rows["breakdown"] == ""]


def _bar_label(row: pd.Series, lang: str, with_region: bool, by_type: bool, with_basis: bool) -> str:
    if by_type and not row.breakdown:
        label = t("crackdown.all_fraud", lang)
    else:
        label = row_label(row, lang)
    if with_basis and row.basis:
        basis = t(f"basis.{row.basis}", lang)
        label = f"{label}（{basis}）" if lang == "zh" else f"{label} ({basis})"
    if with_region:
        label = f"{row[text_column('region', lang)]} · {label}"
    return label


def build_changes_chart(
    figures: pd.DataFrame,
    lang: str,
    catalog: Catalog,
    *,
    region_codes: list[str] | None = None,
    by_type: bool = False,
    chart_id: str = "overview_changes",
    page: str = "overview",
    title: str | None = None,
) -> Chart:
    """Horizontal bars of signed changes in percent, one per stated change, labelled with its basis."""
    rows = select_changes(figures, region_codes, by_type)
    with_region = rows["region_code"].nunique() > 1
    bases = list(dict.fromkeys(rows["basis"]))
    with_basis = len(bases) > 1
    labels = distinct_labels(rows, [_bar_label(r, lang, with_region, by_type, with_basis) for _, r in rows.iterrows()], lang)
    label_width = 24 if by_type else 34  # by-type charts sit in half a page
    axis_title = t("chart.change_axis", lang)
    if len(bases) == 1 and bases[0]:
        axis_title = t("chart.change_axis_basis", lang, basis=t(f"basis.{bases[0]}", lang))
    signed = [signed_change(float(r.value), r.direction) for r in rows.itertuples()]
    shown = [format_change(float(r.value), r.direction, r.basis, lang) for r in rows.itertuples()]
    tones = [change_tone(r.metric_id, r.direction, catalog) for r in rows.itertuples()]
    order = list(range(len(rows)))[::-1]  # first stated change at the top
    figure = go.Figure(
        go.Bar(
            x=[signed[i] for i in order],
            y=[break_label(labels[i], label_width) for i in order],
            orientation="h",
            marker={
                "color": [TONE_COLORS[tones[i]] for i in order],
                "pattern": {"shape": ["" if rows.iloc[i].breakdown or not by_type else "x" for i in order], "fillmode": "overlay", "fgcolor": "white", "size": 6},
            },
            text=[plot_text(f"{signed[i]:+g}%") for i in order],
            textposition="outside",
            cliponaxis=False,
            customdata=[[rows.iloc[i].figure_id, build_hover(rows.iloc[i], lang, shown[i], labels[i])] for i in order],
            hovertemplate="%{customdata[1]}<extra></extra>",
            showlegend=False,
        )
    )
    if title is None:
        title = t("crackdown.declines_title", lang) if by_type else t("overview.changes_title", lang)
    title = title_with_region(rows, title, lang)
    subtitle = build_subtitle(rows, lang) if len(rows) else ""
    low, high = min([*signed, 0.0]), max([*signed, 0.0])
    pad = max(high - low, 1.0) * 0.55
    figure.update_xaxes(range=[low - pad if low < 0 else 0, high + pad if high > 0 else pad * 0.3], title_text=plot_text(axis_title), ticksuffix="%", zeroline=True, zerolinewidth=2)
    figure.update_yaxes(categoryorder="array", categoryarray=[break_label(labels[i], label_width) for i in order])
    apply_layout(figure, title, subtitle, height=max(260, 150 + rows_height(labels, label_width)))
    footnotes = [t("footnote.colour", lang)]
    if by_type:
        footnotes.append(t("footnote.change_not_share", lang))
    footnotes += build_footnotes(rows, lang)
    return Chart(
        chart_id=chart_id,
        figure=figure,
        title=title,
        subtitle=subtitle,
        source_line=build_source_line(rows, catalog.sources, lang) if len(rows) else "",
        data=build_chart_data(rows, lang, labels=labels, plotted=signed, shown=shown),
        lang=lang,
        footnotes=footnotes,
        page=page,
    )
