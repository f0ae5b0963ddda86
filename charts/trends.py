"""A metric over time, one line per region: absolute, per 100,000 residents, per 30 days, or change
against a base period.

The values of the first three measures are compare's (`charts.compare.build_comparison`: the same
figures, period lengths, populations and rounding); the change against a base period is derived
here and carries its formula. Points keep their qualifier (a marker symbol per qualifier: a bound is
never drawn like a value), their source and their period's own wording; uploaded points are hollow.
A line joins only consecutive, adjoining periods of the same length (years with years, quarters with
quarters); periods that overlap or differ in length stay apart and are named in the caveats.
Stated changes (同比/环比) are listed as stated (`stated_changes`), never turned into levels.
"""

from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.compare import (
    CompareData,
    build_caveats,
    build_comparison,
    plain_text,
    positions_by,
    prepare_compare,
    records_of,
)
from charts.provenance import build_footnotes, build_source_line, in_language, text_column
from charts.spec import Chart
from charts.style import NEUTRAL_COLOR, PALETTE, apply_layout, plot_text
from i18n import format_change, format_period, t
from i18n import format_number as _format_number
from loaders.catalog import Catalog
from loaders.model import DATASETS_ENV


def format_number(value: object, unit: str | None = None, qualifier: str = "exact", lang: str = "zh") -> str:
    """i18n.format_number, remembered per value (a trends view formats each of ~1,500 points three
    times: hover, chart data and table). The datasets folder is in the key: it names the unit labels."""
    try:
        return _format_remembered(value, unit, qualifier, lang, os.environ.get(DATASETS_ENV, ""))
    except TypeError:  # an unhashable value
        return _format_number(value, unit, qualifier, lang)


@functools.lru_cache(maxsize=16_384, typed=True)  # 1 and 1.0 apart, as i18n may write them apart
def _format_remembered(value: object, unit: str | None, qualifier: str, lang: str, datasets: str) -> str:
    del datasets
    return _format_number(value, unit, qualifier, lang)


MEASURES = ("absolute", "per_100k", "per_30_days", "change")
DEFAULT_REGIONS = 6  # the first view draws at most this many lines (the picker offers every region)
MAX_LINES = 40  # a chart draws at most this many regions; the table lists every point
SYMBOLS = {"exact": "circle", "at_least": "triangle-up", "less_than": "triangle-down", "about": "diamond"}
DASHES = {"year": "solid", "half": "dashdot", "quarter": "dash", "month": "dot", "other": "longdash", "open": "longdashdot"}
_NOTE_SOURCE = re.compile(r"^来源：[^;]*(; )?")
SIMILAR_LENGTH = 0.1  # periods whose lengths differ by at most 10% are compared as stated (365/366, 90-92 days)


def period_kind(days: object) -> str:
    """year / half / quarter / month / other by the length in days; "open" without a stated start."""
    if days is None or (isinstance(days, float) and math.isnan(days)):
        return "open"
    days = int(days)
    if 365 <= days <= 366:
        return "year"
    if 181 <= days <= 184:
        return "half"
    if 90 <= days <= 92:
        return "quarter"
    if 28 <= days <= 31:
        return "month"
    return "other"


@dataclass
class TrendsData:
    """What the trends page reads of every figure, once per store version (read-only).

    `compare` is compare's index of the comparable figures (stated levels of whole regions and
    periods); `metrics` every metric with such a figure, most points first; `regions[metric]` the
    region codes with a point of it, most points first; `changes` the stated change figures.
    """

    compare: CompareData
    metrics: list[str]
    regions: dict[str, list[str]]
    region_names: dict[str, dict[str, str]]
    metric_names: dict[str, dict[str, str]]
    changes: pd.DataFrame
    by_metric: dict[str, np.ndarray] = field(default_factory=dict)  # metric -> its rows' positions in compare.keys
    codes: tuple = ()  # (region code per row of compare.keys, region codes, combo code per row, combos): factorized once
    combos: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # metric -> region -> combos, made on first use

    def combos_of(self, metric_id: str, regions: list[str]) -> list[str]:
        """Every region-period (compare's combo) of the metric among the regions (regions in the
        order of their first figure, combos in the order of theirs)."""
        if metric_id not in self.combos:
            self.combos[metric_id] = self._combos_by_region(metric_id)
        wanted = set(regions)
        return [c for r, combos in self.combos[metric_id].items() if r in wanted for c in combos]

    def _combos_by_region(self, metric_id: str) -> dict[str, list[str]]:
        """region -> its combos of the metric, regions and combos in the order of their first row."""
        positions = self.by_metric.get(metric_id)
        if positions is None or not len(positions):
            return {}
        region_codes, region_values, combo_codes, combo_values = self.codes
        _, first = np.unique(combo_codes[positions], return_index=True)  # several agencies' rows of a combo: its first
        rows = positions[np.sort(first)]
        regions, region_first, inverse = np.unique(region_codes[rows], return_index=True, return_inverse=True)
        rank = np.argsort(np.argsort(region_first, kind="stable"), kind="stable")[inverse.ravel()]
        order = np.argsort(rank, kind="stable")
        groups = np.split(combo_values[combo_codes[rows[order]]], np.searchsorted(rank[order], np.arange(1, len(regions))))
        names = region_values[regions[np.argsort(region_first, kind="stable")]]
        return {str(r): [str(c) for c in g] for r, g in zip(names, groups, strict=True)}


def prepare_trends(figures: pd.DataFrame, compare: CompareData | None = None) -> TrendsData:
    """Index every figure for the trends page and the map. `compare` is `prepare_compare(figures)`
    when the caller keeps it (the pages share the compare page's, once per store version)."""
    data = compare if compare is not None else prepare_compare(figures)
    keys = data.keys
    counts = keys.groupby("metric_id", sort=False).size().sort_values(ascending=False, kind="stable")
    metrics = [str(m) for m in counts.index]
    per_region = keys.groupby(["metric_id", "region_code"], sort=False).size()
    regions: dict[str, list[str]] = {}
    for metric_id in metrics:
        sizes = per_region.loc[metric_id].sort_values(ascending=False, kind="stable")
        regions[metric_id] = [str(r) for r in sizes.index]
    by_metric = positions_by(keys["metric_id"])  # combos per metric are listed on first use (TrendsData.combos_of)
    region_codes, region_values = pd.factorize(keys["region_code"], sort=False)
    combo_codes, combo_values = pd.factorize(keys["combo"], sort=False)
    codes = (region_codes, np.asarray(region_values, dtype=object), combo_codes, np.asarray(combo_values, dtype=object))
    names = keys.drop_duplicates("region_code")
    region_names = {lang: dict(zip(names["region_code"], names[text_column("region", lang)], strict=True)) for lang in ("zh", "en")}
    changes = figures.loc[figures["measure"] == "change"]
    return TrendsData(data, metrics, regions, region_names, data.metric_names, changes, by_metric, codes)


def default_regions(data: TrendsData, metric_id: str, limit: int = DEFAULT_REGIONS) -> list[str]:
    """The regions with the most points of the metric (curated ones first among equals)."""
    return data.regions.get(metric_id, [])[:limit]


def base_periods(trend: pd.DataFrame) -> list[str]:
    """The periods ("start|end") a change can be measured against, earliest first."""
    periods = trend.drop_duplicates(["period_start", "period_end"]).sort_values(["period_end", "period_start"])
    return [f"{s}|{e}" for s, e in zip(periods["period_start"], periods["period_end"], strict=True)]


def _series_keys(rows: pd.DataFrame) -> list[str]:
    """A region's line; when several agencies state the metric for one region, one line per agency."""
    several = rows.groupby("region_code")["agency_id"].transform("nunique") > 1
    return [f"{r}|{a}" if s else r for r, a, s in zip(rows["region_code"], rows["agency_id"], several, strict=True)]


def _midpoint(start: str, end: str) -> str:
    if not start:
        return end
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return (first + (last - first) / 2).isoformat()


def _change(value: float, base: float, q_value: str, q_base: str) -> tuple[float | None, str]:
    """(percent change, its qualifier) of a value against a base; None where the bounds allow no
    honest figure (two lower bounds, a bound over an approximate base, …)."""
    if base == 0 or math.isnan(base) or math.isnan(value):
        return None, ""
    change = (value - base) / base * 100
    pair = (q_value, q_base)
    if pair == ("exact", "exact"):
        return round(change, 1), "exact"
    if "about" in pair and set(pair) <= {"about", "exact"}:
        return round(change, 1), "about"
    lower = {("at_least", "exact"), ("exact", "less_than"), ("at_least", "less_than")}
    upper = {("less_than", "exact"), ("exact", "at_least"), ("less_than", "at_least")}
    if pair in lower:
        return math.floor(change * 10) / 10, "at_least"
    if pair in upper:
        return math.ceil(change * 10) / 10, "less_than"
    return None, ""


def build_trend(
    figures: pd.DataFrame,
    catalog: Catalog,
    metric_id: str,
    regions: list[str],
    measure: str = "absolute",
    base: str | None = None,
    *,
    data: TrendsData | None = None,
) -> pd.DataFrame:
    """One row per point: compare's columns (value, qualifier, days, population, plotted …) plus
    `series`, `kind` (year, quarter, …), `x` (the period's middle), `measure` and `formula`.

    For `change`, `base` is the base period ("start|end"; default the earliest) and `plotted` the
    percent change of each point against its own line's base point (None where the line has none).
    """
    if data is None:
        data = prepare_trends(figures)
    combos = data.combos_of(metric_id, regions)
    mode = "per_30_days" if measure == "change" else measure
    rows = build_comparison(figures, catalog, [metric_id], combos, mode, data=data.compare)
    if rows.empty:
        return rows.assign(series=[], kind=[], x=[], measure=[], formula=[], formula_zh=[], base_value=[])
    rows = rows.assign(
        series=_series_keys(rows),
        kind=[period_kind(d) for d in rows["days"]],
        x=[_midpoint(s, e) for s, e in zip(rows["period_start"], rows["period_end"], strict=True)],
        measure=measure,
    )
    formulas, formulas_zh = [], []
    if measure != "change":
        from charts.compare import rate_formula

        for record in records_of(rows):
            formulas.append(rate_formula(record, "en") if measure != "absolute" else "")
            formulas_zh.append(rate_formula(record, "zh") if measure != "absolute" else "")
        rows = rows.assign(formula=formulas, formula_zh=formulas_zh, base_value=np.nan)
    else:
        rows = _with_changes(rows, base or (base_periods(rows)[0] if len(rows) else ""))
    order = {r: i for i, r in enumerate(regions)}
    rows = rows.assign(_r=rows["region_code"].map(order))
    rows = rows.sort_values(["_r", "series", "period_end", "period_start"], kind="stable").drop(columns="_r").reset_index(drop=True)
    return plain_text(rows)


def _with_changes(rows: pd.DataFrame, base: str) -> pd.DataFrame:
    base_start, _, base_end = base.partition("|")
    plotted, qualifiers, formulas, formulas_zh, base_values = [], [], [], [], []
    bases = {}
    for record in records_of(rows):
        if record["period_start"] == base_start and record["period_end"] == base_end:
            bases.setdefault(record["series"], record)
    for record in records_of(rows):
        b = bases.get(record["series"])
        if b is None:
            plotted.append(None)
            qualifiers.append(record["qualifier"])
            formulas.append("")
            formulas_zh.append("")
            base_values.append(np.nan)
            continue
        days, base_days = record["days"], b["days"]
        same_length = _known(days) and _known(base_days) and abs(days - base_days) <= SIMILAR_LENGTH * base_days
        if same_length or (record is b):
            value, base_value = float(record["value"]), float(b["value"])
            en = f"({_n(value)} − {_n(base_value)}) ÷ {_n(base_value)} × 100"
            zh = en
        elif _known(days) and _known(base_days):  # different lengths: per 30 days against per 30 days
            value, base_value = float(record["value"]) / days * 30, float(b["value"]) / base_days * 30
            en = f"({_n(record['value'])} ÷ {int(days)} days × 30 − {_n(b['value'])} ÷ {int(base_days)} days × 30) ÷ ({_n(b['value'])} ÷ {int(base_days)} days × 30) × 100"
            zh = en.replace(" days", "天")
        else:
            plotted.append(None)
            qualifiers.append(record["qualifier"])
            formulas.append("")
            formulas_zh.append("")
            base_values.append(np.nan)
            continue
        change, qualifier = _change(value, base_value, record["qualifier"], b["qualifier"])
        plotted.append(change)
        qualifiers.append(qualifier or record["qualifier"])
        formulas.append(f"{en} = {change:g}%" if change is not None else "")
        formulas_zh.append(f"{zh} = {change:g}%" if change is not None else "")
        base_values.append(float(b["value"]))
    return rows.assign(plotted=plotted, change_qualifier=qualifiers, formula=formulas, formula_zh=formulas_zh, base_value=base_values, base=base)


def _known(days: object) -> bool:
    return days is not None and not (isinstance(days, float) and math.isnan(days)) and float(days) > 0


def _n(value: object) -> str:
    return format_number(value, None, "exact", "en")


def _available(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def shown_value(row: dict, lang: str) -> str:
    """What a point shows: the stated value with its qualifier and unit, or the measure's value."""
    if not _available(row["plotted"]):
        key = "trends.no_base" if row["measure"] == "change" else f"compare.unavailable.{row['measure']}"
        return t(key, lang)
    if row["measure"] == "absolute":
        return format_number(row["value"], row["unit"], row["qualifier"], lang)
    if row["measure"] == "change":
        sign = "+" if row["plotted"] > 0 else ""
        symbol = {"at_least": "≥", "less_than": "<", "about": "≈"}.get(row.get("change_qualifier", "exact"), "")
        return f"{symbol}{sign}{format_number(row['plotted'], None, 'exact', lang)}%"
    return format_number(row["plotted"], None, row["qualifier"], lang)


def point_source(row: dict, sources: pd.DataFrame, lang: str) -> str:
    """The citation of a point: its curated source, or the upload it came from."""
    if not row.get("upload_id") and row["source_id"] in sources.index:
        return str(sources.at[row["source_id"], "citation_zh" if lang == "zh" else "citation_en"])
    return t("source.upload", lang, source=row["source_id"] or "?", upload=row.get("upload_id") or "?")


def series_label(row: dict, lang: str, several_agencies: bool) -> str:
    label = str(row[text_column("region", lang)])
    return f"{label} · {row[text_column('agency', lang)]}" if several_agencies else label


def _segments(points: list[dict]) -> tuple[list[list[dict]], list[tuple[dict, dict]]]:
    """Split a line's points of one period kind into runs of adjoining periods; (runs, overlapping pairs)."""
    runs: list[list[dict]] = []
    overlaps = []
    for point in points:
        if runs:
            last = runs[-1][-1]
            if point["period_start"] and last["period_end"]:
                start = date.fromisoformat(point["period_start"])
                end = date.fromisoformat(last["period_end"])
                if start <= end:
                    overlaps.append((last, point))
                    runs.append([point])
                    continue
                if start == end + timedelta(days=1):
                    runs[-1].append(point)
                    continue
            runs.append([point])
            continue
        runs.append([point])
    return runs, overlaps


def build_trend_chart(trend: pd.DataFrame, lang: str, catalog: Catalog, events: pd.DataFrame | None = None, *, chart_id: str = "trends_metric", page: str = "trends") -> Chart:
    """Lines per region over its periods; markers by qualifier (hollow when uploaded); events as
    dotted vertical lines with their label; the source line names every source, events' too."""
    measure = str(trend["measure"].iloc[0]) if len(trend) else "absolute"
    series_order = list(dict.fromkeys(trend["series"]))
    drawn_series = series_order[:MAX_LINES]
    several = {s: "|" in s for s in series_order}
    records = records_of(trend)
    metric_column, unit_column = text_column("metric", lang), text_column("unit", lang)
    colors = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series_order)}
    traces = []
    kinds_drawn: set[str] = set()
    for index, series in enumerate(drawn_series):
        points = [r for r in records if r["series"] == series and _available(r["plotted"])]
        by_kind: dict[str, list[dict]] = {}
        for point in points:
            by_kind.setdefault(point["kind"], []).append(point)
        first = True
        for kind, kind_points in by_kind.items():
            kinds_drawn.add(kind)
            runs, _ = _segments(kind_points)
            x, y, symbols, hover, ids = [], [], [], [], []
            for run in runs:
                for point in run:
                    x.append(point["x"])
                    y.append(float(point["plotted"]))
                    qualifier = point["change_qualifier"] if measure == "change" else point["qualifier"]
                    symbol = SYMBOLS.get(qualifier, "circle")
                    symbols.append(f"{symbol}-open" if point.get("upload_id") else symbol)
                    hover.append(_hover(point, lang, catalog))
                    ids.append(point["figure_id"])
                x.append(None)  # a gap between runs: adjoining periods only are joined
                y.append(None)
                symbols.append("circle")
                hover.append("")
                ids.append("")
            label = series_label(kind_points[0], lang, several[series])
            traces.append(
                {
                    "type": "scatter", "x": x[:-1], "y": y[:-1], "mode": "lines+markers", "name": plot_text(label), "legendgroup": series,
                    "showlegend": first, "line": {"color": colors[series], "dash": DASHES[kind], "width": 2},
                    "marker": {"symbol": symbols[:-1], "size": 10, "color": colors[series], "line": {"color": colors[series], "width": 2}},
                    "customdata": [[i, h] for i, h in zip(ids[:-1], hover[:-1], strict=True)],
                    "hovertemplate": "%{customdata[1]}<extra></extra>", "connectgaps": False,
                }  # fmt: skip
            )
            first = False
        del index
    shown = [r for r in records if r["series"] in set(drawn_series) and _available(r["plotted"])]
    unit = records[0][unit_column] if records else ""
    title = t("trends.chart_title", lang, metric=records[0][metric_column] if records else "", measure=t(f"trends.measure.{measure}", lang))
    regions = t("list.separator", lang).join(dict.fromkeys(r[text_column("region", lang)] for r in shown))
    subtitle = regions
    if shown:  # the span of the periods drawn: the first start (or end) to the last end
        first = min((r["period_start"] or r["period_end"]) for r in shown)
        last = max(r["period_end"] for r in shown)
        subtitle = f"{regions} · {format_period(first, last, '', lang)}"
    if measure == "change" and records:
        start, _, end = str(records[0].get("base", "")).partition("|")
        subtitle = f"{subtitle} · {t('trends.base_label', lang, period=format_period(start, end, '', lang))}"
    # Traces built unvalidated (as compare's bars): every value is set here from checked figures, and
    # plotly's validation of ~1,500 points was a tenth of a metric change (bench/pages_speed.py).
    figure = go.Figure(data=traces, _validate=False)
    figure._validate = True  # the layout set below is validated as before
    legend_rows = max(1, math.ceil(len(drawn_series) / 4))
    apply_layout(figure, title, subtitle, height=460 + 20 * min(legend_rows, 8), legend="bottom")
    figure.update_layout(hovermode="closest", legend={"y": -0.18})
    figure.update_xaxes(type="date", title={"text": plot_text(t("trends.axis.period", lang))})
    if lang == "zh":  # plotly's own date ticks are English ("Jul 2022") whatever the page's language
        figure.update_xaxes(tickformat="%Y年%-m月")
    figure.update_yaxes(title={"text": plot_text(t(f"trends.axis.{measure}", lang, unit=unit))}, rangemode="tozero" if measure != "change" else "normal")
    if measure == "change":
        figure.add_hline(y=0, line={"color": NEUTRAL_COLOR, "width": 1})
    event_rows = _events_in_range(events, shown)
    for event in event_rows:
        figure.add_shape(type="line", x0=event["date"], x1=event["date"], yref="paper", y0=0, y1=1, line={"color": NEUTRAL_COLOR, "width": 1, "dash": "dot"})
        label = event[f"label_{'zh' if lang == 'zh' else 'en'}"]
        region = catalog.label("divisions", event["region_code"], lang) if event["region_code"] else ""
        text = f"{label}（{region}）" if region and lang == "zh" else (f"{label} ({region})" if region else label)
        figure.add_annotation(
            x=event["date"], y=1, yref="paper", text=plot_text(text), showarrow=False, xanchor="left", yanchor="top",
            font={"size": 11, "color": NEUTRAL_COLOR}, bgcolor="rgba(255,255,255,0.8)",
            hovertext=plot_text(event[f"description_{'zh' if lang == 'zh' else 'en'}"]),
        )  # fmt: skip
    data = _chart_data(trend, lang)
    footnotes = build_footnotes(trend[["qualifier"]].assign(derived=False), lang) if len(trend) else []
    footnotes.append(t("trends.footnote.symbols", lang))
    if len(trend) and trend["upload_id"].astype(bool).any():
        footnotes.append(t("trends.footnote.uploaded", lang))
    if len(kinds_drawn) > 1:
        footnotes.append(t("trends.footnote.dashes", lang, kinds=t("list.separator", lang).join(t(f"trends.kind.{k}", lang) for k in sorted(kinds_drawn))))
    if measure in ("per_100k", "per_30_days"):
        footnotes.append(t("compare.caveat.derived_rate", lang))
    if measure == "change":
        footnotes.append(t("trends.footnote.change", lang))
    if len(series_order) > MAX_LINES:
        footnotes.insert(0, t("trends.capped", lang, shown=MAX_LINES, total=len(series_order)))
    source_rows = trend[["source_id", "upload_id"]] if len(trend) else pd.DataFrame(columns=["source_id", "upload_id"])
    source_line = build_source_line(source_rows, catalog.sources, lang) if len(trend) else ""
    if event_rows:
        citations = list(dict.fromkeys(e[f"citation_{'zh' if lang == 'zh' else 'en'}"] for e in event_rows))
        source_line += t("trends.event_sources", lang, citations=t("source.separator", lang).join(citations))
    return Chart(chart_id=chart_id, figure=figure, title=title, subtitle=subtitle, source_line=source_line, data=data, lang=lang, footnotes=footnotes, page=page)


def _events_in_range(events: pd.DataFrame | None, shown: list[dict]) -> list[dict]:
    if events is None or events.empty or not shown:
        return []
    first = min((p["period_start"] or p["period_end"]) for p in shown)
    last = max(p["period_end"] for p in shown)
    return [e for e in events.to_dict("records") if first <= e["date"] <= last]


def _hover(point: dict, lang: str, catalog: Catalog) -> str:
    lines = [f"<b>{plot_text(point[text_column('region', lang)])}</b>", plot_text(shown_value(point, lang))]
    if point["measure"] != "absolute":
        lines.append(plot_text(t("trends.hover.stated", lang, value=format_number(point["value"], point["unit"], point["qualifier"], lang))))
    lines.append(plot_text(t("chart.hover.period", lang, period=format_period(point["period_start"], point["period_end"], point["period_text"], lang))))
    formula = in_language(point.get("formula", ""), point.get("formula_zh", ""), lang)
    if formula:
        lines.append(plot_text(t("chart.hover.derived", lang, formula=formula)))
    lines.append(plot_text(t("trends.hover.source", lang, source=point_source(point, catalog.sources, lang))))
    if point.get("upload_id"):
        lines.append(f"<i>{plot_text(t('trends.hover.uploaded', lang))}</i>")
    lines.append(plot_text(t("chart.hover.figure", lang, figure_id=point["figure_id"])))
    return "<br>".join(lines)


def _chart_data(trend: pd.DataFrame, lang: str) -> pd.DataFrame:
    records = records_of(trend)
    return pd.DataFrame(
        {
            "figure_id": [r["figure_id"] for r in records],
            "label": [r[text_column("metric", lang)] for r in records],
            "region": [r[text_column("region", lang)] for r in records],
            "period": [format_period(r["period_start"], r["period_end"], r["period_text"], lang) for r in records],
            "value": [float(r["value"]) for r in records],
            "unit": [r[text_column("unit", lang)] for r in records],
            "qualifier": [t(f"qualifier.{r['qualifier']}", lang) for r in records],
            "shown": [shown_value(r, lang) for r in records],
            "plotted": [float(r["plotted"]) if _available(r["plotted"]) else float("nan") for r in records],
            "derived": [r["measure"] != "absolute" for r in records],
            "formula": [in_language(r.get("formula", ""), r.get("formula_zh", ""), lang) for r in records],
            "evidence": [r["evidence"] for r in records],
        }
    )


def build_trend_table(trend: pd.DataFrame, lang: str, catalog: Catalog) -> pd.DataFrame:
    """The page's table and CSV: one row per point, with its source, period wording and upload."""
    records = records_of(trend)
    return pd.DataFrame(
        {
            t("chart.column.figure_id", lang): [r["figure_id"] for r in records],
            t("chart.column.region", lang): [r[text_column("region", lang)] for r in records],
            t("chart.column.period", lang): [format_period(r["period_start"], r["period_end"], r["period_text"], lang) for r in records],
            t("compare.column.days", lang): pd.array([int(r["days"]) if _known(r["days"]) else None for r in records], dtype="Int64"),
            t("chart.column.shown", lang): [format_number(r["value"], r["unit"], r["qualifier"], lang) for r in records],
            t(f"trends.measure.{trend['measure'].iloc[0]}" if len(trend) else "trends.measure.absolute", lang): [shown_value(r, lang) for r in records],
            t("chart.column.formula", lang): [in_language(r.get("formula", ""), r.get("formula_zh", ""), lang) for r in records],
            t("trends.column.source", lang): [point_source(r, catalog.sources, lang) for r in records],
            t("trends.column.uploaded", lang): [t("trends.yes" if r.get("upload_id") else "trends.no", lang) for r in records],
        }
    )


def build_trend_caveats(trend: pd.DataFrame, data: TrendsData, catalog: Catalog, lang: str) -> list[str]:
    """Compare's caveats (levels, bounds, bases, agencies, population, definitions) and the trend's own:
    periods of different lengths not joined, overlapping periods, lines without the base period."""
    if trend.empty:
        return []
    # Period lengths are caveated below by kind (a caveat per 365/366-day year would be noise), and an
    # upload's "来源：…" note is its source, shown in the hover and the table, not a definition.
    notes = [_NOTE_SOURCE.sub("", n) if u else n for n, u in zip(trend["note"], trend["upload_id"], strict=True)]
    comparison = trend.assign(days=None, note=notes, mode="per_30_days" if trend["measure"].iloc[0] == "change" else trend["measure"].iloc[0])
    caveats = build_caveats(comparison, data.compare.changes, catalog, lang)
    sep = t("list.separator", lang)
    region_column = text_column("region", lang)
    records = records_of(trend)
    mixed = []
    overlaps = []
    for series in dict.fromkeys(trend["series"]):
        points = [r for r in records if r["series"] == series]
        kinds = list(dict.fromkeys(p["kind"] for p in points))
        if len(kinds) > 1:
            mixed.append(f"{points[0][region_column]}（{sep.join(t(f'trends.kind.{k}', lang) for k in kinds)}）" if lang == "zh" else f"{points[0][region_column]} ({sep.join(t(f'trends.kind.{k}', lang) for k in kinds)})")
        for kind in kinds:
            _, pairs = _segments([p for p in points if p["kind"] == kind])
            for a, b in pairs:
                overlaps.append(
                    f"{a[region_column]} {format_period(a['period_start'], a['period_end'], a['period_text'], lang)} / {format_period(b['period_start'], b['period_end'], b['period_text'], lang)}"
                )
    if mixed:
        caveats.insert(0, t("trends.caveat.lengths", lang, items=sep.join(mixed)))
    if overlaps:
        caveats.insert(0, t("trends.caveat.overlaps", lang, items=sep.join(overlaps)))
    if trend["measure"].iloc[0] == "change":
        missing = list(dict.fromkeys(r[region_column] for r in records if not _available(r["plotted"])))
        if missing:
            caveats.append(t("trends.caveat.no_base", lang, items=sep.join(missing)))
    return caveats


def stated_changes(data: TrendsData, metric_id: str, regions: list[str], lang: str, catalog: Catalog) -> pd.DataFrame:
    """The metric's stated changes (同比/环比 …) of the regions, as stated: never turned into levels."""
    rows = data.changes[(data.changes["metric_id"] == metric_id) & data.changes["region_code"].isin(regions)]
    records = records_of(rows)
    return pd.DataFrame(
        {
            t("chart.column.figure_id", lang): [r["figure_id"] for r in records],
            t("chart.column.region", lang): [r[text_column("region", lang)] for r in records],
            t("chart.column.period", lang): [format_period(r["period_start"], r["period_end"], r["period_text"], lang) for r in records],
            t("trends.column.stated_change", lang): [format_change(float(r["value"]), r["direction"], r["basis"], lang) for r in records],
            t("chart.column.evidence", lang): [r["evidence"] for r in records],
            t("trends.column.source", lang): [point_source(r, catalog.sources, lang) for r in records],
            t("trends.column.uploaded", lang): [t("trends.yes" if r.get("upload_id") else "trends.no", lang) for r in records],
        }
    )


def build_default_trend_charts(figures: pd.DataFrame, lang: str, catalog: Catalog) -> list[Chart]:
    """The trends page's first view: its first metric, its first regions, absolute (for exports)."""
    from loaders.events import load_events

    data = prepare_trends(figures)
    if not data.metrics:
        return []
    metric_id = data.metrics[0]
    trend = build_trend(figures, catalog, metric_id, default_regions(data, metric_id), data=data)
    return [build_trend_chart(trend, lang, catalog, load_events(catalog), chart_id=f"trends_{metric_id}_absolute")]
