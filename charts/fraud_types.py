"""Fraud cases by type: counts and shares as stated, with the derived remainder "其他类型"."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.data import build_chart_data, build_hover, row_label
from charts.labels import distinct_labels
from charts.provenance import (
    build_footnotes,
    build_source_line,
    build_subtitle,
    in_language,
    text_column,
    title_with_region,
)
from charts.spec import Chart
from charts.style import (
    DERIVED_COLOR,
    DERIVED_PATTERN,
    PALETTE,
    apply_layout,
    break_label,
    outside_text_margin,
    plot_text,
    rows_height,
)
from i18n import format_number, format_period, t
from loaders.catalog import Catalog

OTHER = "fraud_type:other"
MEASURES = {"level": ("fraud_cases", "fraud_types.counts_title", "chart.cases_axis"), "share": ("fraud_case_share", "fraud_types.shares_title", "chart.share_axis")}
COMBO_KEYS = ["source_id", "region_code", "period_start", "period_end"]


def fraud_type_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """Every row the fraud-type page reads, in order: figures by fraud type, stated changes, implied totals.

    mix_combos, select_mix, select_implied_total and select_changes give the same rows from this
    slice as from every figure; the page takes it once per store version instead of filtering a
    million uploaded figures on every rerun.
    """
    mask = (
        figures["breakdown"].str.startswith("fraud_type:")
        | (figures["measure"] == "change")
        | ((figures["metric_id"] == "fraud_cases") & (figures["measure"] == "level") & (figures["breakdown"] == "") & figures["derived"].astype(bool))
    )
    return figures[mask]


def mix_combos(figures: pd.DataFrame) -> pd.DataFrame:
    """Region/period groups that state fraud cases by type (count or share)."""
    rows = figures[figures["breakdown"].str.startswith("fraud_type:") & figures["metric_id"].isin(["fraud_cases", "fraud_case_share"]) & figures["measure"].isin(["level", "share"])]
    return rows.drop_duplicates(COMBO_KEYS)[[*COMBO_KEYS, "region_zh", "region_en", "period_text"]].reset_index(drop=True)


def combo_key(row: pd.Series | dict) -> str:
    """A group's key as kept in the URL: source|region|start|end."""
    return "|".join(str(row[k]) for k in COMBO_KEYS)


def select_mix(figures: pd.DataFrame, key: str, measure: str) -> pd.DataFrame:
    """Counts (measure "level") or shares ("share") by fraud type of one group, remainder last."""
    metric_id = MEASURES[measure][0]
    values = dict(zip(COMBO_KEYS, key.split("|"), strict=True))
    rows = figures[
        (figures["metric_id"] == metric_id)
        & (figures["measure"] == measure)
        & figures["breakdown"].str.startswith("fraud_type:")
    ]
    for column, value in values.items():
        rows = rows[rows[column] == value]
    rows = rows.drop_duplicates("fact_id")
    stated = rows[rows["breakdown"] != OTHER].sort_values("value", ascending=False)
    return pd.concat([stated, rows[rows["breakdown"] == OTHER]])


def select_implied_total(figures: pd.DataFrame, key: str) -> pd.DataFrame:
    """The derived total of fraud cases of a group (empty when not derivable)."""
    values = dict(zip(COMBO_KEYS, key.split("|"), strict=True))
    rows = figures[(figures["metric_id"] == "fraud_cases") & (figures["measure"] == "level") & (figures["breakdown"] == "") & figures["derived"].astype(bool)]
    for column, value in values.items():
        rows = rows[rows[column] == value]
    return rows


def build_type_mix_chart(
    figures: pd.DataFrame,
    lang: str,
    catalog: Catalog,
    key: str,
    measure: str = "level",
    *,
    chart_id: str | None = None,
    page: str = "fraud_types",
) -> Chart:
    """Bars of counts or shares by fraud type; the derived "other types" bar is grey and dotted."""
    rows = select_mix(figures, key, measure)
    labels = distinct_labels(rows, [row_label(r, lang) for _, r in rows.iterrows()], lang)
    shown = []
    for _, r in rows.iterrows():
        text = format_number(r.value, r.unit, r.qualifier, lang)
        if r.derived:
            text += f"（{t('derived.yes', lang)}）" if lang == "zh" else f" ({t('derived.yes', lang)})"
        shown.append(text)
    order = list(range(len(rows)))[::-1]
    derived = list(rows["derived"].astype(bool))
    figure = go.Figure(
        go.Bar(
            x=[float(rows.iloc[i].value) for i in order],
            y=[break_label(labels[i]) for i in order],
            orientation="h",
            marker={
                "color": [DERIVED_COLOR if derived[i] else PALETTE[0] for i in order],
                "pattern": {"shape": [DERIVED_PATTERN if derived[i] else "" for i in order], "fillmode": "overlay", "fgcolor": "#5d6b75", "size": 5},
            },
            text=[plot_text(shown[i]) for i in order],
            textposition="outside",
            cliponaxis=False,
            customdata=[[rows.iloc[i].figure_id, build_hover(rows.iloc[i], lang, shown[i], labels[i])] for i in order],
            hovertemplate="%{customdata[1]}<extra></extra>",
            showlegend=False,
        )
    )
    _, title_key, axis_key = MEASURES[measure]
    title = title_with_region(rows, t(title_key, lang), lang)
    subtitle = build_subtitle(rows, lang) if len(rows) else ""
    high = float(rows["value"].max()) if len(rows) else 1.0
    figure.update_xaxes(range=[0, high * 1.6], title_text=plot_text(t(axis_key, lang)), ticksuffix="%" if measure == "share" else "")
    figure.update_yaxes(categoryorder="array", categoryarray=[break_label(labels[i]) for i in order])
    apply_layout(figure, title, subtitle, height=max(280, 160 + rows_height(labels, gap=22)))
    figure.update_layout(margin_r=outside_text_margin(shown, [float(v) / (high * 1.6) for v in rows["value"]]))
    footnotes = []
    if (rows["breakdown"] == OTHER).any():
        footnotes.append(t("footnote.not_rescaled", lang))
    footnotes += build_footnotes(rows, lang)
    total = select_implied_total(figures, key)
    for _, r in total.iterrows():
        footnotes.append(
            t(
                "footnote.implied_total",
                lang,
                figure_id=r.figure_id,
                value=format_number(r.value, r.unit, r.qualifier, lang),
                formula=in_language(r.formula, r.get("formula_zh", ""), lang),
            )
        )
    return Chart(
        chart_id=chart_id or f"{page}_mix_{measure}",
        figure=figure,
        title=title,
        subtitle=subtitle,
        source_line=build_source_line(rows, catalog.sources, lang) if len(rows) else "",
        data=build_chart_data(rows, lang, labels=labels, plotted=list(rows["value"]), shown=shown),
        lang=lang,
        footnotes=footnotes,
        page=page,
    )


def describe_combo(row: pd.Series | dict, lang: str) -> str:
    region = row[text_column("region", lang)]
    return f"{region} · {format_period(row['period_start'], row['period_end'], row.get('period_text', ''), lang)}"
