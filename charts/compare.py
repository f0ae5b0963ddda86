"""Regions and years side by side: the metrics they share, absolute, per 100,000 residents, per 30 days.

A "combo" is one region in one reporting period (region_code|period_start|period_end). Anything an
upload adds to the figures (a new region code, a new period) becomes a combo here with no code change.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.data import build_hover
from charts.labels import distinct_labels
from charts.provenance import build_footnotes, build_source_line, in_language, text_column
from charts.spec import Chart
from charts.style import PALETTE, TEXT_UNIT_PX, apply_layout, break_label, drawn_units, plot_text
from i18n import format_number, format_period, round_significant, t
from loaders.catalog import Catalog
from loaders.derive import period_days
from loaders.populations import (
    PopulationChoice,
    PopulationIndex,
    curated_populations,
    index_populations,
    pick_population,
)

MODES = ("absolute", "per_100k", "per_30_days")
COMBO_KEYS = ["region_code", "period_start", "period_end"]
EXCLUDED_METRICS = ("period_days",)
PER_POPULATION = 100_000
PER_DAYS = 30
DEFAULT_COMBOS = 4  # the first view: every combo up to this many (no slanted labels), else the curated ones and the latest
MAX_CHART_COMBOS = 30  # a chart draws at most this many combos (the table lists every one) ...
MAX_CHART_BARS = 1_000  # ... and at most this many bars, far under the 10,000 points a chart may send
KEY_COLUMNS = ["fact_id", "metric_id", *COMBO_KEYS, "region_zh", "region_en", "period_text", "upload_id"]
CHANGE_COLUMNS = ["measure", "region_code", "basis", "region_zh", "region_en"]


def _comparable_mask(figures: pd.DataFrame) -> pd.Series:
    return (
        (figures["measure"] == "level")
        & (figures["breakdown"] == "")
        & (figures["phase"] == "")
        & ~figures["derived"].astype(bool)
        & ~figures["metric_id"].isin(EXCLUDED_METRICS)
    )


def _combo_column(rows: pd.DataFrame) -> pd.Series:
    """region_code|period_start|period_end of every row (vectorised "|".join)."""
    if rows.empty:
        return pd.Series([], index=rows.index, dtype=object)
    return rows["region_code"] + "|" + rows["period_start"] + "|" + rows["period_end"]


def comparable_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Stated levels of a whole region and period: no breakdowns, no before/after halves, no derived."""
    rows = figures[_comparable_mask(figures)]
    rows = rows.drop_duplicates("fact_id")
    return rows.assign(combo=[str(c) for c in _combo_column(rows)])


def _shared(rows: pd.DataFrame) -> list[str]:
    counts = rows.groupby("metric_id", sort=False)["combo"].nunique()
    shared = counts[counts >= 2]
    order = {m: i for i, m in enumerate(rows["metric_id"].drop_duplicates())}
    return sorted(shared.index, key=lambda m: (-shared[m], order[m]))


def _combos(rows: pd.DataFrame, metric_ids: list[str] | None) -> pd.DataFrame:
    if metric_ids is not None:
        rows = rows[rows["metric_id"].isin(metric_ids)]
    columns = ["combo", *COMBO_KEYS, "region_zh", "region_en", "period_text"]
    if "upload_id" in rows.columns:
        columns.append("upload_id")
    combos = rows.drop_duplicates("combo")[columns]
    return combos.sort_values(["period_end", "region_code"]).reset_index(drop=True)


def shared_metrics(figures: pd.DataFrame) -> list[str]:
    """Metrics stated for two or more combos, most widely shared first."""
    return _shared(comparable_figures(figures))


def list_combos(figures: pd.DataFrame, metric_ids: list[str] | None = None) -> pd.DataFrame:
    """Every combo that states at least one of the metrics, with labels in both languages."""
    combos = _combos(comparable_figures(figures), metric_ids)
    return combos.drop(columns=["upload_id"], errors="ignore")


@dataclass
class CompareData:
    """What the compare page reads of every figure, worked out once per set of figures.

    `keys` holds the comparable figures' key columns (and `pos`, their position in the figures frame);
    `by_combo` the positions in `keys` of each combo's rows; `days_ids` the figure_id of each derived
    period length by (region_code, period_start, period_end); `changes` the change figures with a
    basis (all that the caveats read of the figures); `metric_names` metric_id -> name per language;
    `combo_keys`/`combo_set` every combo in order and as a set; `curated` the combos with a curated figure;
    `labels` the combo labels per language and `first_views` the default selections, made on first use.
    """

    keys: pd.DataFrame
    metrics: list[str]
    combos: pd.DataFrame
    by_combo: dict[str, np.ndarray]
    days_ids: dict[tuple[str, str, str], str]
    changes: pd.DataFrame
    metric_names: dict[str, dict[str, str]]
    combo_keys: list[str] = field(default_factory=list)
    combo_set: frozenset[str] = frozenset()
    curated: frozenset[str] = frozenset()
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    first_views: dict[int, list[str]] = field(default_factory=dict)
    _choices: ComboChoices | None = None

    def choices(self) -> ComboChoices:
        """The regions and periods the page offers (worked out on first use)."""
        if self._choices is None:
            self._choices = combo_choices(self)
        return self._choices

    def combo_names(self, lang: str) -> dict[str, str]:
        """combo -> its full label (region · period) in the language, every combo."""
        if lang not in self.labels:
            self.labels[lang] = dict(zip(self.combos["combo"], combo_labels(self.combos, lang), strict=True))
        return self.labels[lang]


def prepare_compare(figures: pd.DataFrame) -> CompareData:
    """Filter, de-duplicate and index every figure once; the page caches the result per store version."""
    mask = _comparable_mask(figures).to_numpy(dtype=bool)
    columns = [c for c in KEY_COLUMNS if c in figures.columns]
    keys = figures.loc[mask, columns]
    keys = keys.assign(pos=np.flatnonzero(mask))
    keys = keys.drop_duplicates("fact_id")
    keys = keys.assign(combo=_combo_column(keys).astype(object)).reset_index(drop=True)
    metrics = _shared(keys)
    combos = _combos(keys, metrics)
    by_combo = positions_by(keys["combo"])
    days = figures.loc[figures["metric_id"] == "period_days", [*COMBO_KEYS, "figure_id"]]
    days_ids: dict[tuple[str, str, str], str] = {}
    for region, start, end, figure_id in days.itertuples(index=False):
        days_ids.setdefault((region, start, end), str(figure_id))
    changes = figures.loc[(figures["measure"] == "change") & (figures["basis"] != ""), CHANGE_COLUMNS]
    names = figures[["metric_id", "metric_zh", "metric_en"]].drop_duplicates("metric_id", keep="last")
    metric_names = {lang: dict(zip(names["metric_id"], names[f"metric_{lang}"], strict=True)) for lang in ("zh", "en")}
    combo_keys = [str(c) for c in combos["combo"]]
    curated = frozenset(keys.loc[keys["upload_id"] == "", "combo"]) if "upload_id" in keys.columns else frozenset(combo_keys)
    return CompareData(keys, metrics, combos, by_combo, days_ids, changes, metric_names, combo_keys, frozenset(combo_keys), curated)


def positions_by(column: pd.Series) -> dict[str, np.ndarray]:
    """value -> the positions of its rows, ascending (groupby(...).indices, without its dict of
    tens of thousands of per-group calls: a second of the first visit with a million figures)."""
    codes, uniques = pd.factorize(column, sort=False)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(uniques)))
    return dict(zip((str(u) for u in uniques), np.split(order, starts)[1:], strict=True))  # [0]: missing values (code -1)


def default_combos(data: CompareData, limit: int = DEFAULT_COMBOS) -> list[str]:
    """The first view: every combo when there are few; else the curated ones, then the latest periods'."""
    if limit not in data.first_views:
        data.first_views[limit] = _default_combos(data, limit)
    return list(data.first_views[limit])


def _default_combos(data: CompareData, limit: int) -> list[str]:
    combos = data.combo_keys
    if len(combos) <= limit:
        return list(combos)
    latest = [str(c) for c in data.combos.sort_values(["period_end", "region_code"], ascending=[False, True], kind="stable")["combo"]]
    curated = [c for c in latest if c in data.curated]
    per_region = list({region_key(c): c for c in reversed(curated)}.values())  # each curated region's latest period
    # First each curated region (its latest period), then the latest uploaded region-periods (an
    # analyst's upload is seen on the first view), then the curated regions' other periods.
    picked: list[str] = []
    for combo in [*per_region, *(c for c in latest if c not in data.curated), *curated]:
        if len(picked) >= limit:
            break
        if combo not in picked:
            picked.append(combo)
    chosen = set(picked)
    return [c for c in combos if c in chosen]


def period_key(combo: str) -> str:
    """The period part of a combo: "period_start|period_end"."""
    return combo.split("|", 1)[1]


def region_key(combo: str) -> str:
    return combo.split("|", 1)[0]


@dataclass
class ComboChoices:
    """The compare page's two pickers: regions and periods (a million uploaded figures make tens of
    thousands of region-period combos, far too many for one list). The combos compared are the ones
    that exist among the chosen regions × the chosen periods."""

    regions: list[str]  # region codes in combo order (the earliest period's first)
    periods: list[str]  # "start|end", earliest end first
    by_region: dict[str, list[str]]  # region -> its combos in combo order
    region_names: dict[str, dict[str, str]]  # lang -> region code -> name
    period_names: dict[str, dict[str, str]]  # lang -> "start|end" -> period words
    order: dict[str, int]  # combo -> its place in the page's combo order

    def combos(self, regions: list[str] | set[str], periods: list[str] | set[str]) -> list[str]:
        """Every existing combo of the chosen regions and periods, in combo order."""
        wanted = set(periods)
        picked = [c for r in set(regions) for c in self.by_region.get(r, ()) if period_key(c) in wanted]
        return sorted(picked, key=self.order.__getitem__)


def combo_choices(data: CompareData) -> ComboChoices:
    """Regions and periods to pick from, with their names in both languages (once per store version)."""
    combos = data.combos
    by_region: dict[str, list[str]] = {}
    for combo in data.combo_keys:
        by_region.setdefault(region_key(combo), []).append(combo)
    ends = combos.drop_duplicates(["period_start", "period_end"]).sort_values(["period_end", "period_start"], kind="stable")
    periods = [f"{start}|{end}" for start, end in zip(ends["period_start"], ends["period_end"], strict=True)]
    region_rows = combos.drop_duplicates("region_code")
    region_names = {
        lang: dict(zip(region_rows["region_code"], region_rows[text_column("region", lang)], strict=True)) for lang in ("zh", "en")
    }
    period_names = {
        lang: {
            f"{start}|{end}": format_period(start, end, "", lang)
            for start, end in zip(ends["period_start"], ends["period_end"], strict=True)
        }
        for lang in ("zh", "en")
    }
    order = {combo: i for i, combo in enumerate(data.combo_keys)}
    return ComboChoices(list(by_region), periods, by_region, region_names, period_names, order)


def combo_label(row: pd.Series, lang: str, short: bool = False) -> str:
    region = row[text_column("region", lang)]
    if short:
        return f"{region} {str(row['period_end'])[:4]}"
    return f"{region} · {format_period(row['period_start'], row['period_end'], '', lang)}"


def combo_labels(frame: pd.DataFrame, lang: str) -> list[str]:
    """combo_label of every row, with each period worded once."""
    periods: dict[tuple[str, str], str] = {}
    labels = []
    for region, start, end in zip(frame[text_column("region", lang)], frame["period_start"], frame["period_end"], strict=True):
        period = periods.get((start, end))
        if period is None:
            period = periods[(start, end)] = format_period(start, end, "", lang)
        labels.append(f"{region} · {period}")
    return labels


def unique_short_labels(comparison: pd.DataFrame, lang: str) -> dict[str, str]:
    """combo -> "甘肃省 2020", or the full label where two combos would read the same."""
    region = text_column("region", lang)
    combos = comparison[["combo", region, "period_start", "period_end"]].drop_duplicates("combo")
    rows = list(zip(combos["combo"], combos[region], combos["period_start"], combos["period_end"], strict=True))
    short = {combo: f"{name} {str(end)[:4]}" for combo, name, _, end in rows}
    counts = pd.Series(list(short.values())).value_counts()
    full = {combo: f"{name} · {format_period(start, end, '', lang)}" for combo, name, start, end in rows}
    return {c: (label if counts[label] == 1 else full[c]) for c, label in short.items()}


def region_population(
    catalog: Catalog, region_code: str, start: object = "", end: object = "", populations: pd.DataFrame | PopulationIndex | None = None
) -> tuple[float | None, str, str]:
    """(population, year, source) of a region: the year nearest the period `start`..`end` in `populations`
    (default: the curated census table, `loaders.populations`), else the catalog's reference tables;
    None when not known."""
    choice = population_choice(catalog, region_code, start, end, populations)
    return choice.population, choice.year, choice.source


def population_choice(
    catalog: Catalog, region_code: str, start: object = "", end: object = "", populations: pd.DataFrame | PopulationIndex | None = None
) -> PopulationChoice:
    """`region_population` with whether the population was uploaded (`PopulationChoice.uploaded`)."""
    choice = pick_population(curated_populations() if populations is None else populations, region_code, start, end)
    if choice.population is not None:
        return choice
    population, year, source = _catalog_population(catalog, region_code)
    return PopulationChoice(population, year, source) if population is not None else choice


def _catalog_population(catalog: Catalog, region_code: str) -> tuple[float | None, str, str]:
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


def plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text columns as plain Python objects (pandas 3 stores a column made from
    a list of strings in Arrow, and iterating it, as `to_dict("records")` does, boxes every cell)."""
    text = [name for name, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    return frame.astype(dict.fromkeys(text, object)) if text else frame


def records_of(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict]:
    """`frame[columns].to_dict("records")` (columns that exist; default all), column by column:
    pandas boxes every cell on its own, which made each of a trends view's five passes over ~1,500
    points cost 50-100 ms."""
    names = list(frame.columns) if columns is None else [c for c in dict.fromkeys(columns) if c in frame.columns]
    values = [frame[name].tolist() for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)] if names else [{} for _ in range(len(frame))]


def take_rows(figures: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """`figures.iloc[positions]` with its text columns as plain Python objects (same values, NaN for
    missing). The figures frame keeps its text in chunked Arrow arrays (ui/data.py); pandas' take of
    a few rows joined every chunk of every column first, and each later `to_dict("records")` of the
    selection boxed every cell through pyarrow: most of a trends metric change with a million figures
    in the store (bench/pages_speed.py). Here each chunk is taken from on its own and converted once."""
    positions = np.asarray(positions, dtype=np.int64)
    columns = {}
    for name in figures.columns:
        column = figures[name]
        chunked = getattr(column.array, "_pa_array", None)
        if chunked is not None and isinstance(column.dtype, pd.StringDtype):
            values = _take_chunked(chunked, positions)
            columns[name] = pd.Series(np.where(pd.isna(values), np.nan, values) if len(values) else values, dtype=object, copy=False)
        else:
            columns[name] = pd.Series(column.to_numpy()[positions], dtype=column.dtype)
    frame = pd.DataFrame(columns, copy=False)
    frame.index = figures.index[positions]
    return frame


def _take_chunked(chunked, positions: np.ndarray) -> np.ndarray:
    """The values at `positions` of a pyarrow ChunkedArray, as an object array, chunk by chunk."""
    import pyarrow as pa

    out = np.empty(len(positions), dtype=object)
    if not len(positions):
        return out
    bounds = np.cumsum([0, *(len(c) for c in chunked.chunks)])
    which = np.searchsorted(bounds, positions, side="right") - 1
    for chunk in np.unique(which):
        at = np.flatnonzero(which == chunk)
        taken = chunked.chunk(int(chunk)).take(pa.array(positions[at] - bounds[chunk], type=pa.int64()))
        out[at] = taken.to_numpy(zero_copy_only=False)
    return out


def build_comparison(
    figures: pd.DataFrame,
    catalog: Catalog,
    metric_ids: list[str],
    combos: list[str],
    mode: str = "absolute",
    *,
    data: CompareData | None = None,
    populations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per compared figure with its period length, population and the value in `mode`.

    `plotted` is None where the mode cannot apply (no population, no stated period start).
    `data` is `prepare_compare(figures)` when the caller keeps it (the page does, per store version).
    `populations` is `loaders.populations.combine_populations(...)` (census and uploaded; default the
    census only): each figure uses the population of the year nearest its period, named in
    `population_year`, `population_source` and `population_uploaded`.
    """
    if data is None:
        data = prepare_compare(figures)
    keys = data.keys
    parts = [data.by_combo[c] for c in dict.fromkeys(combos) if c in data.by_combo]
    picked = keys.iloc[np.sort(np.concatenate(parts))] if parts else keys.iloc[0:0]
    picked = picked[picked["metric_id"].isin(list(metric_ids))]
    rows = take_rows(figures, picked["pos"].to_numpy()).assign(combo=[str(c) for c in picked["combo"]])
    populations = index_populations(curated_populations() if populations is None else populations)  # once, not per region
    days, days_ids, chosen, plotted = [], [], [], []
    lengths: dict[tuple[str, str], object] = {}
    regions: dict[tuple[str, str, str], PopulationChoice] = {}
    for region, start, end, value, qualifier in zip(
        rows["region_code"], rows["period_start"], rows["period_end"], rows["value"], rows["qualifier"], strict=True
    ):
        if (start, end) not in lengths:
            lengths[(start, end)] = period_days(start, end) if start and end else None
        length = lengths[(start, end)]
        if (region, start, end) not in regions:
            regions[(region, start, end)] = population_choice(catalog, region, start, end, populations)
        choice = regions[(region, start, end)]
        population = choice.population
        days.append(length)
        days_ids.append(data.days_ids.get((region, start, end), "") if length else "")
        chosen.append(choice)
        value = float(value)
        if mode == "per_100k":
            plotted.append(round_significant(value / population * PER_POPULATION, 3, qualifier) if population else None)
        elif mode == "per_30_days":
            plotted.append(round_significant(value / length * PER_DAYS, 3, qualifier) if length else None)
        else:
            plotted.append(value)
    rows["days"] = days
    rows["days_figure_id"] = days_ids
    rows["population"] = [c.population for c in chosen]
    rows["population_year"] = [c.year for c in chosen]
    rows["population_source"] = [c.source for c in chosen]
    rows["population_uploaded"] = [c.uploaded for c in chosen]
    rows["plotted"] = plotted
    rows["mode"] = mode
    metric_order = {m: i for i, m in enumerate(metric_ids)}
    combo_order = {c: i for i, c in enumerate(combos)}
    rows["_m"] = rows["metric_id"].map(metric_order)
    rows["_c"] = rows["combo"].map(combo_order)
    rows = rows.sort_values(["_m", "_c", "agency_id"]).drop(columns=["_m", "_c"]).reset_index(drop=True)
    return plain_text(rows)


def _shown(row: pd.Series, lang: str) -> str:
    if row["plotted"] is None or (isinstance(row["plotted"], float) and math.isnan(row["plotted"])):
        return t("compare.unavailable." + row["mode"], lang)
    if row["mode"] == "absolute":
        return format_number(row["value"], row["unit"], row["qualifier"], lang)
    return format_number(row["plotted"], None, row["qualifier"], lang)


class _Row(dict):
    """A record that reads like the pandas row build_hover expects (row.name and row.get(name))."""

    def __getattr__(self, name: str) -> object:
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(name) from error


def _available(plotted: object) -> bool:
    return plotted is not None and not (isinstance(plotted, float) and math.isnan(plotted))


@functools.lru_cache(maxsize=64)
def _grid_layout(panel_rows: int, columns: int, panels: int) -> str:
    """make_subplots' axes (domains, anchors) and title annotations, as JSON; titles are placeholders."""
    figure = make_subplots(
        rows=panel_rows,
        cols=columns,
        subplot_titles=[f"\x00{i}" for i in range(panels)] or [""],
        horizontal_spacing=0.1,
        vertical_spacing=0.22 if panel_rows > 1 else 0.1,
    )
    layout = figure.layout.to_plotly_json()
    layout.pop("template", None)
    return json.dumps(layout)


@functools.lru_cache(maxsize=64)
def _style_layout(title: str, subtitle: str, height: int) -> str:
    """What charts.style.apply_layout sets, as JSON: the top level and the style of every axis."""
    figure = apply_layout(go.Figure(layout={"xaxis": {}, "yaxis": {}}), title, subtitle, height=height)
    layout = figure.layout.to_plotly_json()
    layout.pop("template", None)
    return json.dumps(layout)


# Half-width units a panel title may take before it wraps, by the number of panels side by side.
PANEL_TITLE_WIDTH = {1: 80, 2: 36, 3: 20}
# Tick text of the screen chart (charts.style) is 13 px; plotly spaces the lines of a text 1.3 em apart.
_TICK_PX, _LINE = 13, 1.3


def _tick_units(top: float) -> int:
    """Width in half-width units of the widest tick label of a linear axis from 0 to `top`, written
    out in full (charts.style: "3,500", "0.35", "0.0005"); plotly's ticks never exceed the range."""
    if top >= 10:
        return len(f"{top:,.0f}")
    return len(f"{top:.2g}") + 1


def _fix_margins(layout: dict, x_labels: set[str], crowded: bool) -> None:
    """Left, right and bottom margins that hold the first panel's y axis and the bottom row's x labels.

    plotly's automargin on the six axes measures the drawn text and lays the chart out again until
    the margins settle, which doubled the browser's time for every redraw of this chart (bench
    interaction: Plotly.react 32 -> 16 ms); the labels are known here, so these margins are set and
    the axes' automargin is off. The title keeps its automargin (no measurable cost, and it places
    the title block above the panel titles). The export (charts.export) lays its figure out afresh
    and switches the axes' automargin back on.
    """
    lines = [label.split("<br>") for label in x_labels] or [[""]]
    label_lines = max(len(label) for label in lines)
    widest = max(drawn_units(line) for label in lines for line in label) * TEXT_UNIT_PX
    label_height = label_lines * _TICK_PX * _LINE
    if crowded:  # slanted 45°: the label's box turned about its tick, reaching down-left (and its lines down-right)
        reach = (widest + label_height) * math.sqrt(0.5)
        bottom, left_labels, right = reach + 16, reach - 16, max(30, label_height * math.sqrt(0.5) + 20)
    else:
        bottom, left_labels, right = label_height + 20, widest / 2 - 16, max(30, widest / 2 - 16)
    y_axis = layout.get("yaxis", {})
    left_axis = _tick_units(y_axis.get("range", [0, 1])[1]) * TEXT_UNIT_PX + 10 + (_TICK_PX * _LINE + 10 if y_axis.get("title", {}).get("text") else 0)
    margin = layout.setdefault("margin", {})
    margin.update(b=math.ceil(max(bottom, 50)), l=math.ceil(max(left_axis, left_labels)), r=math.ceil(right))
    for name in [k for k in layout if k.startswith(("xaxis", "yaxis"))]:
        layout[name]["automargin"] = False


def _merge(target: dict, update: dict) -> dict:
    """Nested update, as plotly's update_layout does it; dicts are copied, never shared."""
    for key, value in update.items():
        if isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            _merge(target[key], value)
        else:
            target[key] = value
    return target


def chart_rows(comparison: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows a chart draws: whole combos in order, at most MAX_CHART_COMBOS and MAX_CHART_BARS bars."""
    counts = comparison.groupby("combo", sort=False).size()
    kept, bars = [], 0
    for combo, count in counts.items():
        if len(kept) == MAX_CHART_COMBOS or (kept and bars + count > MAX_CHART_BARS):
            break
        kept.append(combo)
        bars += count
    if len(kept) == len(counts):
        return comparison, len(counts)
    return comparison[comparison["combo"].isin(kept)].head(MAX_CHART_BARS), len(counts)


def build_compare_chart(comparison: pd.DataFrame, lang: str, catalog: Catalog, *, chart_id: str = "compare_metrics", page: str = "compare") -> Chart:
    """Small multiples: one panel per metric with its own axis and unit, one bar per combo.

    A selection of more than MAX_CHART_COMBOS combos (or MAX_CHART_BARS bars) draws the first ones and
    says so in a footnote; the page's table still lists every compared figure.
    """
    comparison, selected = chart_rows(comparison)
    mode = comparison["mode"].iloc[0] if len(comparison) else "absolute"
    metric_ids = list(dict.fromkeys(comparison["metric_id"]))
    columns = min(max(len(metric_ids), 1), 3)
    panel_rows = max(math.ceil(len(metric_ids) / columns), 1)
    record_columns = ["combo", "metric_id", "figure_id", "qualifier", "value", "unit", "plotted", "mode", "population", "days", "period_text", *COMBO_KEYS]
    record_columns += [c for c in ("evidence", "derived", "formula", "formula_zh") if c in comparison.columns]  # what build_hover reads
    records = comparison[record_columns + [text_column(n, lang) for n in ("metric", "agency", "unit")]].to_dict("records")
    first_rows = {}
    for r in records:
        first_rows.setdefault(r["metric_id"], r)
    layout = json.loads(_grid_layout(panel_rows, columns, len(metric_ids)))
    for annotation, metric_id in zip(layout.get("annotations", []), metric_ids, strict=False):
        # Wrapped to its panel: a long title over a narrow panel would run over the next panel's ticks.
        annotation["text"] = break_label(first_rows[metric_id][text_column("metric", lang)], PANEL_TITLE_WIDTH[columns])
    combos = list(dict.fromkeys(comparison["combo"]))
    colors = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(combos)}
    short_labels = unique_short_labels(comparison, lang)
    shown_all = [_shown(r, lang) for r in records]
    full_labels = combo_labels(comparison, lang)
    crowded = len(combos) > 4  # uploads can add many regions: slant the labels, keep values in hover and table
    metric_column, agency_column, unit_column = text_column("metric", lang), text_column("agency", lang), text_column("unit", lang)
    panel_of = {m: i for i, m in enumerate(metric_ids)}
    several = {
        m: bool(n > 1) for m, n in comparison.groupby(["metric_id", "combo"], sort=False)["agency_id"].nunique().groupby(level=0).max().items()
    }
    # One bar trace per panel, its bars' colours, patterns, texts and hover data as arrays: a trace per
    # bar made plotly validate, serialise and draw every bar as a figure part of its own (39 bars in
    # the big-store benchmark's first view).
    panels: dict[int, dict] = {}
    x_labels: set[str] = set()
    order = sorted(range(len(records)), key=lambda i: panel_of[records[i]["metric_id"]])  # panel by panel, as drawn
    names = [short_labels[r["combo"]] + (f"\n{r[agency_column]}" if several[r["metric_id"]] else "") for r in records]
    for metric_id in metric_ids:  # one bar per x label in each panel (charts.labels)
        members = [i for i in order if records[i]["metric_id"] == metric_id]
        for i, name in zip(members, distinct_labels([records[i] for i in members], [names[i] for i in members], lang), strict=True):
            names[i] = name
    for i in order:
        r = records[i]
        index = panel_of[r["metric_id"]] + 1
        width = 12 if several[r["metric_id"]] else 18
        label = "<br>".join(break_label(part, width) for part in names[i].split("\n"))
        x_labels.add(label)
        hover = build_hover(_Row(r), lang, shown_all[i], r[metric_column])
        trace = panels.get(index)
        if trace is None:
            trace = panels[index] = {
                "type": "bar",
                "x": [],
                "y": [],
                "name": plot_text(r[metric_column]),
                "showlegend": False,
                "marker": {"color": [], "pattern": {"shape": [], "fillmode": "overlay", "fgcolor": "white", "size": 6}},
                "text": [],
                "textposition": "none" if crowded else "outside",
                "textfont": {"size": 12},
                "cliponaxis": False,
                "customdata": [],
                "hovertemplate": "%{customdata[1]}<extra></extra>",
                "xaxis": "x" if index == 1 else f"x{index}",
                "yaxis": "y" if index == 1 else f"y{index}",
            }
        trace["x"].append(label)
        trace["y"].append(float(r["plotted"]) if _available(r["plotted"]) else 0.0)
        trace["marker"]["color"].append(colors[r["combo"]])
        trace["marker"]["pattern"]["shape"].append("/" if r["qualifier"] != "exact" else "")
        trace["text"].append(plot_text(shown_all[i]))
        trace["customdata"].append([r["figure_id"], hover])
    traces = [panels[index] for index in sorted(panels)]
    for index, metric_id in enumerate(metric_ids):
        panel = [r for r in records if r["metric_id"] == metric_id]
        unit = panel[0][unit_column]
        top = max([float(r["plotted"]) for r in panel if _available(r["plotted"])] or [1.0])
        axis = "yaxis" if index == 0 else f"yaxis{index + 1}"
        _merge(layout.setdefault(axis, {}), {"title": {"text": plot_text(t(f"compare.axis.{mode}", lang, unit=unit))}, "range": [0, top * 1.25]})
    title = t("compare.chart_title", lang, mode=t(f"compare.mode.{mode}", lang))
    regions = t("list.separator", lang).join(dict.fromkeys(comparison[text_column("region", lang)]))
    periods = t("list.separator", lang).join(dict.fromkeys(label.split(" · ", 1)[1] for label in full_labels))
    subtitle = f"{regions} · {periods}" if len(comparison) else ""
    style = json.loads(_style_layout(title, subtitle, 220 + 330 * panel_rows))
    axis_style = {"x": style.pop("xaxis", {}), "y": style.pop("yaxis", {})}
    _merge(layout, style)
    for name in [k for k in layout if k.startswith(("xaxis", "yaxis"))]:
        _merge(layout[name], axis_style[name[0]])
        if name.startswith("xaxis"):
            layout[name]["tickangle"] = -45 if crowded else 0
    title_lines = max((a["text"].count("<br>") + 1 for a in layout.get("annotations", [])), default=1)
    pad = 36 + 17 * (title_lines - 1)  # room for the panel titles between the chart title and the panels
    _merge(layout, {"barmode": "overlay", "bargap": 0.3, "title": {"pad": {"b": pad}}, "uniformtext": {"minsize": 12, "mode": "show"}})
    for annotation in layout.get("annotations", []):
        _merge(annotation, {"font": {"size": 13}})
    _fix_margins(layout, x_labels, crowded)
    # Built unvalidated: every value above is set here from checked figures, and plotly's validation of
    # this figure was ~10-30 ms of each measure change (bench interaction); the compare golden file
    # holds the figure as validated, value for value.
    figure = go.Figure(data=traces, layout=layout, _validate=False)
    data = pd.DataFrame(
        {
            "figure_id": comparison["figure_id"],
            "label": [f"{label} · {r[metric_column]}" for label, r in zip(full_labels, records, strict=True)],
            "region": comparison[text_column("region", lang)],
            "period": [format_period(r["period_start"], r["period_end"], r["period_text"], lang) for r in records],
            "value": comparison["value"].astype(float),
            "unit": comparison[unit_column],
            "qualifier": [t(f"qualifier.{q}", lang) for q in comparison["qualifier"]],
            "shown": shown_all,
            "plotted": [float("nan") if p is None else float(p) for p in comparison["plotted"]],
            "derived": [mode != "absolute"] * len(comparison),
            "formula": [rate_formula(r, lang) for r in records],
            "evidence": comparison["evidence"],
        }
    ).reset_index(drop=True)
    footnotes = build_footnotes(comparison[["qualifier"]].assign(derived=False), lang)  # rates are not derived figures
    if (comparison["qualifier"] != "exact").any():
        footnotes.append(t("footnote.pattern", lang))
    if mode != "absolute":
        footnotes.append(t("compare.caveat.derived_rate", lang))
    if mode == "per_100k" and "population_year" in comparison.columns:
        # An exported chart travels without the page's caveats: it names the year of each population (one line).
        years = {}
        region_col = text_column("region", lang)
        for name, year, uploaded in zip(comparison[region_col], comparison["population_year"], comparison["population_uploaded"], strict=True):
            if year:
                years.setdefault((name, year), t("compare.footnote.population_item", lang, region=name, year=year,
                                                 uploaded=t("compare.population_uploaded", lang) if uploaded else ""))
        one_year = {year for _, year in years} if not comparison["population_uploaded"].any() else set()
        if len(one_year) == 1:  # every population of one year, none uploaded: the year once, not per region
            footnotes[-1] += " " + t("compare.footnote.population_one_year", lang, year=one_year.pop())
        elif years:  # on the rate's own footnote line: a slide has room for few lines under a two-row chart
            footnotes[-1] += " " + t("compare.footnote.populations", lang, items=t("list.separator", lang).join(years.values()))
    if selected > len(combos):
        footnotes.insert(0, t("compare.chart_capped", lang, shown=len(combos), total=selected))
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
        days = t("compare.formula.days", lang, days=int(row["days"]))
        return f"{value} ÷ {days} × 30 = {row['plotted']:g}"
    return ""


def _known_days(days: object) -> bool:
    """A period length that is stated (not None, not NaN, positive)."""
    try:
        return days is not None and not math.isnan(float(days)) and float(days) > 0
    except (TypeError, ValueError):
        return False


def build_caveats(comparison: pd.DataFrame, figures: pd.DataFrame, catalog: Catalog, lang: str) -> list[str]:
    """What differs between the compared figures, one sentence each, in the language.

    `figures` is read only for its change figures (their bases); the page passes `CompareData.changes`.
    """
    if comparison.empty:
        return []
    region_col, metric_col, agency_col = (text_column(name, lang) for name in ("region", "metric", "agency"))
    needed = ["combo", "metric_id", "agency_id", *COMBO_KEYS, region_col, metric_col, agency_col, "days", "qualifier", "value", "unit", "mode", "plotted", "figure_id", "evidence", "note", "note_zh"]
    rows = comparison[list(dict.fromkeys(needed))].to_dict("records")
    sep = t("list.separator", lang)
    caveats: list[str] = []
    combos = list(_first_by(rows, "combo").values())  # the first row of each combo, in order

    lengths = {}
    for r in combos:
        if _known_days(r["days"]):
            lengths[combo_label(r, lang, short=True)] = int(r["days"])
    if len(set(lengths.values())) > 1:
        items = sep.join(t("compare.caveat.period_item", lang, combo=c, days=d) for c, d in lengths.items())
        caveats.append(t("compare.caveat.period_length", lang, items=items))

    levels = {}
    for r in _first_by(combos, "region_code").values():
        level = _region_level(catalog, r["region_code"])
        levels[r[region_col]] = t(f"compare.level.{level}", lang) if f"compare.level.{level}" in _LEVEL_KEYS else (level or "?")
    if len(set(levels.values())) > 1:
        items = sep.join(t("compare.caveat.level_item", lang, region=k, level=v) for k, v in levels.items())
        caveats.append(t("compare.caveat.levels", lang, items=items))

    codes = {r["region_code"] for r in combos}
    changes = figures.loc[(figures["measure"] == "change") & (figures["basis"] != ""), ["region_code", region_col, "basis"]]
    bases: dict[str, list[str]] = {}
    used: set[str] = set()
    for code, region, basis in changes.itertuples(index=False):
        if code in codes and not pd.isna(basis):
            used.add(basis)
            if not pd.isna(region):
                bases.setdefault(region, [])
                if basis not in bases[region]:
                    bases[region].append(basis)
    if len(used) > 1:
        items = sep.join(
            t("compare.caveat.basis_item", lang, region=region, basis=sep.join(t(f"basis.{b}", lang) for b in bases[region])) for region in sorted(bases)
        )
        caveats.append(t("compare.caveat.bases", lang, items=items))

    bounded = [r for r in rows if r["qualifier"] != "exact"]
    if bounded:
        items = sep.join(
            f"{combo_label(r, lang, short=True)} {r[metric_col]} {format_number(r['value'], r['unit'], r['qualifier'], lang)}" for r in bounded
        )
        caveats.append(t("compare.caveat.bounds", lang, items=items))

    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["combo"], r["metric_id"]), []).append(r)
    for group in groups.values():
        if len({r["agency_id"] for r in group if not pd.isna(r["agency_id"])}) > 1:
            first = group[0]
            caveats.append(
                t(
                    "compare.caveat.same_region_agencies",
                    lang,
                    region=combo_label(first, lang, short=True),
                    metric=first[metric_col],
                    agencies=sep.join(r[agency_col] for r in group),
                )
            )

    mode = rows[0]["mode"]
    missing = [r for r in rows if pd.isna(r["plotted"])] if mode != "absolute" else []
    if mode == "per_100k" and missing:
        caveats.append(t("compare.caveat.no_population", lang, items=sep.join(dict.fromkeys(r[region_col] for r in missing))))
    if mode == "per_30_days" and missing:
        caveats.append(t("compare.caveat.no_period", lang, items=sep.join(r["figure_id"] for r in missing)))
    if mode == "per_100k":
        caveats += _population_caveats(comparison, rows, catalog, region_col, sep, lang)

    noted = [r for r in rows if r["note"] != ""]
    if noted:
        lines = [t("compare.caveat.definitions", lang)]
        for r in noted:
            lines.append(t("compare.caveat.definition_item", lang, region=combo_label(r, lang, short=True), metric=r[metric_col], evidence=r["evidence"], note=in_language(r["note"], r["note_zh"], lang)))
        caveats.append("\n".join(lines))
    return caveats


def _population_caveats(comparison: pd.DataFrame, rows: list[dict], catalog: Catalog, region_col: str, sep: str, lang: str) -> list[str]:
    """Which population each region's per-100,000 value used (year, source, uploaded), and where its
    year lies outside the period."""
    if "population_year" in comparison.columns:
        extra = comparison[["population", "population_year", "population_source", "population_uploaded"]].to_dict("records")
    else:  # a comparison made before populations had years: look them up as then
        extra = []
        for r in rows:
            population, year, source = region_population(catalog, r["region_code"])
            extra.append({"population": population, "population_year": year, "population_source": source, "population_uploaded": False})
    used: dict[tuple, str] = {}
    other_year: dict[tuple, str] = {}
    for r, p in zip(rows, extra, strict=True):
        if p["population"] is None or pd.isna(p["population"]):
            continue
        name, year = r[region_col], str(p["population_year"])
        shown = format_number(p["population"], "persons", "exact", lang)
        mark = t("compare.population_uploaded", lang) if p["population_uploaded"] else ""
        used.setdefault((r["region_code"], year, p["population_source"]), t("compare.caveat.population_item", lang, region=name, population=shown, year=year, source=p["population_source"], uploaded=mark))
        first, last = str(r["period_start"] or r["period_end"])[:4], str(r["period_end"])[:4]
        if year.isdigit() and first.isdigit() and last.isdigit() and not int(first) <= int(year) <= int(last):
            other_year.setdefault((r["region_code"], year, first, last), t(
                "compare.caveat.population_year_item", lang, combo=combo_label(r, lang, short=True), year=year
            ))
    caveats = []
    if used:
        caveats.append(t("compare.caveat.population_source", lang, items=sep.join(used.values())))
    if other_year:
        caveats.append(t("compare.caveat.population_other_year", lang, items=sep.join(other_year.values())))
    return caveats


def _first_by(rows: list[dict], key: str) -> dict[object, dict]:
    """The first row of each value of `key`, in order of first appearance (drop_duplicates on records)."""
    first: dict[object, dict] = {}
    for r in rows:
        first.setdefault(r[key], r)
    return first


_LEVEL_KEYS = {"compare.level.country", "compare.level.province", "compare.level.prefecture", "compare.level.county"}


def _region_level(catalog: Catalog, region_code: str) -> str:
    for table in (catalog.regions, catalog.divisions):
        if region_code in table.index and "level" in table.columns:
            return str(table.at[region_code, "level"])
    return ""
