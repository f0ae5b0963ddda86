"""Pages and regions: pickers grouped by level and searchable by code, compare's caveats for levels and
populations (missing, another year, uploaded), and the upload page's population section (AppTest)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui.data
from charts.compare import build_caveats, build_compare_chart, build_comparison
from loaders import access
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures
from loaders.populations import check_population_table, combine_populations, read_uploaded_populations, save_populations
from tests.conftest import REPO
from ui.regions import order_by_level, region_labels

TIMEOUT = 60


@pytest.fixture
def store_env(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("ANTIFRAUD_DB_URL", url)
    monkeypatch.delenv(access.ENV_VAR, raising=False)
    ui.data.clear_data_cache()
    yield url
    ui.data.clear_data_cache()


def open_page(path: str, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    if path != "pages/overview.py":
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ----- pickers -------------------------------------------------------------------------------------


def test_regions_are_ordered_by_level_then_code():
    catalog = load_catalog()
    assert order_by_level(["451002", "451000", "440300", "620000", "100000", "999999"], catalog) == [
        "100000", "620000", "440300", "451000", "451002", "999999",
    ]


def test_a_label_carries_level_and_code_in_the_language():
    catalog = load_catalog()
    names = {"451000": "百色市", "451002": "右江区", "999999": "某地"}
    assert region_labels(names, catalog, "zh") == {"451000": "百色市 · 地市级 · 451000", "451002": "右江区 · 县级 · 451002", "999999": "某地 · 999999"}
    assert region_labels({"620000": "Gansu Province"}, catalog, "en") == {"620000": "Gansu Province · province · 620000"}


@pytest.mark.parametrize(("path", "key"), [("pages/compare.py", "compare_regions"), ("pages/overview.py", "overview_regions")])
def test_pickers_list_regions_by_level_with_code_in_the_label(store_env, path, key):
    at = open_page(path)
    picker = at.multiselect(key=key)
    labels = list(picker.options)
    assert labels[0] == "全国 · 国家级 · 100000"
    levels = [label.split(" · ")[1] for label in labels]
    assert levels == sorted(levels, key=["国家级", "省级", "地市级", "县级"].index)
    assert "百色市 · 地市级 · 451000" in labels
    assert picker.help  # says it searches names, levels and codes


# ----- compare caveats -----------------------------------------------------------------------------


def county_upload(figures: pd.DataFrame) -> pd.DataFrame:
    rows = figures[figures.figure_id.isin(["bs24-007", "bs24-008"])].copy()
    rows["figure_id"] = ["yj-001", "yj-002"]
    rows["fact_id"] = rows["figure_id"]
    rows["source_id"], rows["upload_id"] = "upload_yj", "u-yj"
    rows["region_code"], rows["region_zh"], rows["region_en"] = "451002", "右江区", "Youjiang District"
    return pd.concat([figures, rows], ignore_index=True)


def combos_of(figures: pd.DataFrame, *codes: str) -> list[str]:
    keys = figures[figures.region_code.isin(codes)][["region_code", "period_start", "period_end"]].drop_duplicates()
    return ["|".join(map(str, k)) for k in keys.itertuples(index=False)]


@pytest.mark.parametrize(("lang", "words"), [("zh", ["右江区为县级", "百色市为地市级"]), ("en", ["Youjiang District is a county", "Baise City is a prefecture-level city"])])
def test_a_county_beside_its_city_is_said_to_differ_in_level(lang, words):
    figures = county_upload(build_all_figures())
    catalog = load_catalog()
    comparison = build_comparison(figures, catalog, ["two_card_suspects"], combos_of(figures, "451000", "451002"), "absolute")
    text = "\n".join(build_caveats(comparison, figures, catalog, lang))
    for word in words:
        assert word in text


def test_per_100k_says_which_population_is_missing_uploaded_or_of_another_year(store_env):
    figures = county_upload(build_all_figures())
    catalog = load_catalog()
    combos = combos_of(figures, "451000", "451002")
    census_only = build_comparison(figures, catalog, ["two_card_suspects"], combos, "per_100k")
    text = "\n".join(build_caveats(census_only, figures, catalog, "zh"))
    assert "没有人口数据，不计算每10万人：右江区" in text
    assert "百色市 2024用2020年人口" in text  # the 2024 period uses the 2020 census
    assert "百色市 357.1505万人（2020年，百色市第七次全国人口普查主要数据公报" in text

    report = check_population_table([["地区", "年份", "常住人口（万人）", "来源"], ["右江区", "2024", "40.5", "右江区统计公报"]], "p.csv")
    save_populations(report, "analyst", store_env)
    populations = combine_populations(read_uploaded_populations(store_env))
    with_upload = build_comparison(figures, catalog, ["two_card_suspects"], combos, "per_100k", populations=populations)
    youjiang = with_upload[with_upload.region_code == "451002"].iloc[0]
    assert (youjiang.population, youjiang.population_year, bool(youjiang.population_uploaded)) == (405000.0, "2024", True)
    assert youjiang.plotted == pytest.approx(youjiang.value / 405000 * 100000, rel=1e-2)
    zh = "\n".join(build_caveats(with_upload, figures, catalog, "zh"))
    en = "\n".join(build_caveats(with_upload, figures, catalog, "en"))
    assert "右江区 40.5万人（2024年，右江区统计公报，上传数据）" in zh and "没有人口数据" not in zh
    assert "uploaded)" in en and "uses the 2020 population" in en
    # An exported chart has no caveats: its footnote names each population's year, and which were uploaded.
    footnotes = build_compare_chart(with_upload, "zh", catalog).footnotes
    assert "人口年份：" in footnotes[-1] and "百色市2020年" in footnotes[-1] and "右江区2024年，上传数据" in footnotes[-1]


def test_the_compare_page_uses_an_uploaded_population(store_env):
    report = check_population_table([["地区", "年份", "常住人口（人）", "来源"], ["百色市", "2024", "3571000", "百色市2024年统计公报"]], "p.csv")
    save_populations(report, "analyst", store_env)
    at = open_page("pages/compare.py")
    at.radio(key="compare_mode").set_value("per_100k").run()
    assert not at.exception
    caveats = "\n".join(w.value for w in at.warning)
    assert "百色市 357.1万人（2024年，百色市2024年统计公报，上传数据）" in caveats


# ----- the upload page -----------------------------------------------------------------------------


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def population_uploader(at: AppTest):
    return next(u for u in at.get("file_uploader") if "populations_file" in u.proto.id)


def test_a_population_table_is_previewed_then_stored_and_listed_as_uploaded(store_env):
    at = AppTest.from_file(str(REPO / "pages" / "upload.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh"
    at.run()
    data = "地区,年份,常住人口（万人）,来源\n百色市,2023,357.12,百色市2023年统计公报\n".encode()
    population_uploader(at).set_value(("人口.csv", data, "text/csv"))
    at.run()
    assert not at.exception
    assert read_uploaded_populations(store_env).empty, "nothing stored before confirmation"
    preview = table_with(at, "行")
    assert preview.iloc[0].tolist() == [2, "百色市", "451000", 2023, 3571200, "百色市2023年统计公报"]
    at.text_input(key="populations_uploader").input("百色市公安局")
    at.button(key="populations_save").click()
    at.run()
    assert not at.exception
    stored = read_uploaded_populations(store_env)
    assert stored[["region_code", "year", "population", "uploader"]].values.tolist() == [["451000", 2023, 3571200.0, "百色市公安局"]]
    assert "已保存1行人口数据（上传）" in "\n".join(s.value for s in at.success)
    assert table_with(at, "上传时间").iloc[0, 0] == "451000"


def test_a_bad_population_table_names_file_row_and_column_and_stores_nothing(store_env):
    at = AppTest.from_file(str(REPO / "pages" / "upload.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    data = "地区,年份,常住人口,来源\n百色市,2023,3571200,x\n".encode()
    population_uploader(at).set_value(("bad.csv", data, "text/csv"))
    at.run()
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert "file “bad.csv”, row 1, column “常住人口”" in errors
    assert not [b for b in at.button if b.key == "populations_save"]
    assert read_uploaded_populations(store_env).empty
