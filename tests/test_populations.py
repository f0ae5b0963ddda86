"""Populations: the curated census rows add up, uploaded tables are checked cell by cell and stored,
and a period uses the population of the nearest year."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pandas as pd
import pytest

from loaders.catalog import datasets_dir, read_csv_table
from loaders.populations import (
    TABLE_COLUMNS,
    check_population_table,
    combine_populations,
    curated_populations,
    pick_population,
    read_population_table,
    read_uploaded_populations,
    save_populations,
    uploaded_populations_key,
)

TODAY = date(2026, 12, 6)


def check(text: str, name: str = "人口.csv"):
    rows = [line.split(",") for line in text.strip().splitlines()]
    return check_population_table(rows, name, today=TODAY)


def codes(report) -> list[tuple[str, int | None, str | None]]:
    return [(m.code, m.row, m.column) for m in report.messages]


# ----- the curated table ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def census() -> pd.DataFrame:
    return read_csv_table(datasets_dir() / "populations.csv").assign(population=lambda f: f.population.astype(int))


def test_yulin_counties_add_up_to_the_city_as_its_bulletin_table_does(census):
    people = census.set_index("region_code").population
    counties = ["450902", "450903", "450921", "450922", "450923", "450924", "450981"]
    assert people[counties].sum() == people["450900"] == 5_796_766


def test_listed_divisions_never_exceed_their_province(census):
    people = census.set_index("region_code").population
    for province in {c[:2] + "0000" for c in census.region_code}:
        prefectures = [c for c in people.index if c[:2] == province[:2] and c.endswith("00") and c != province]
        assert people[prefectures].sum() < people[province], province
        for prefecture in prefectures:
            counties = [c for c in people.index if c[:4] == prefecture[:4] and not c.endswith("00")]
            assert people[counties].sum() <= people[prefecture], prefecture


def test_every_row_below_the_provinces_names_the_copy_it_was_read_from(census):
    below = census[~census.region_code.str.endswith("0000")]
    assert len(below) == 18
    assert below.source_url.str.startswith("http").all()
    assert (below.population_year == "2020").all()
    # Where the copy did not show the date, the row says so instead of guessing one.
    undated = below[below.date_published == ""]
    assert set(undated.name_zh) == {"南宁市", "桂林市", "兰州市"}
    assert undated.population_source.str.contains("未能核实").all()


def test_curated_regions_keep_their_own_citation():
    table = curated_populations()
    gansu = table[(table.region_code == "620000") & (table.year == 2020)]
    assert len(gansu) == 1 and "甘肃省统计局" in gansu.iloc[0].source  # regions.csv's bulletin, not communiqué No. 3
    assert pick_population(table, "100000").population == 1_411_778_724


# ----- choosing the year -------------------------------------------------------------------------


def table_of(*rows: tuple[str, int, float, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"region_code": c, "year": y, "population": p, "source": s, "origin": "census", "file_name": "", "uploader": "", "uploaded_at": None} for c, y, p, s in rows],
        columns=TABLE_COLUMNS,
    )


@pytest.mark.parametrize(
    ("start", "end", "year"),
    [
        ("2024-01-01", "2024-10-31", "2024"),  # inside the period
        ("2021-01-01", "2021-12-31", "2020"),  # 2020 and 2022 equally near: the earlier
        ("2019-06-01", "2023-05-31", "2022"),  # several inside: the one nearest the period's end
        ("", "2030-12-31", "2024"),  # no start: the end's year
        ("", "", "2024"),  # no period: the latest
        ("2010-01-01", "2010-12-31", "2020"),
    ],
)
def test_the_population_of_the_nearest_year(start, end, year):
    table = table_of(("451000", 2020, 3571505, "census"), ("451000", 2022, 3600000, "a"), ("451000", 2024, 3610000, "b"))
    assert pick_population(table, "451000", start, end).year == year


def test_no_population_is_none_never_a_neighbour():
    table = table_of(("451000", 2020, 3571505, "census"))
    assert pick_population(table, "451002", "2024-01-01", "2024-12-31").population is None


def test_an_upload_replaces_the_census_figure_of_its_year_and_the_latest_upload_wins():
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    uploaded = pd.DataFrame(
        [
            {"region_code": "451000", "year": 2020, "population": 3500000.0, "source": "first", "origin": "uploaded", "file_name": "a.csv", "uploader": "x", "uploaded_at": early},
            {"region_code": "451000", "year": 2020, "population": 3571000.0, "source": "second", "origin": "uploaded", "file_name": "b.csv", "uploader": "x", "uploaded_at": late},
        ]
    )
    table = combine_populations(uploaded)
    choice = pick_population(table, "451000", "2020-01-01", "2020-12-31")
    assert (choice.population, choice.source, choice.uploaded) == (3571000.0, "second", True)
    assert len(table[table.region_code == "451000"]) == 1


# ----- checking an uploaded table ----------------------------------------------------------------


def test_a_table_in_10k_persons_is_read_in_persons():
    report = check("地区,年份,常住人口（万人）,来源\n百色市,2023,357.12,百色市2023年统计公报\n451002,2023年,40.5,右江区公报")
    assert report.ok and report.messages == []
    assert report.frame[["region_code", "year", "population"]].values.tolist() == [["451000", 2023, 3571200], ["451002", 2023, 405000]]


def test_english_headers_and_persons():
    report = check("region,year,population (10k persons),source\n620100,2023,441.53,Lanzhou statistics\n")
    assert report.ok and report.messages == []
    assert report.frame[["region_code", "population"]].values.tolist() == [["620100", 4415300]]


def test_a_population_header_without_unit_is_refused_naming_the_column():
    report = check("地区,年份,常住人口,来源\n百色市,2023,3571200,x")
    assert codes(report) == [("population_unit_missing", 1, "常住人口")]
    assert not report.ok
    assert report.lines("zh")[0].startswith("文件“人口.csv”，第1行，“常住人口”列：")
    assert report.lines("en")[0].startswith("file “人口.csv”, row 1, column “常住人口”: ")


def test_missing_columns_are_named():
    assert codes(check("备注,说明\n1,2")) == [("population_header_missing", None, None)]
    assert [c for c, _, _ in codes(check("地区,常住人口（人）\n百色市,1"))] == ["population_year_column_missing", "population_source_column_missing"]


def test_every_bad_cell_is_named_by_row_and_column():
    report = check(
        "标题：各地常住人口\n"
        "地区,年份,常住人口（万人）,来源\n"
        "朝阳区,2023,345,x\n"  # two 朝阳区: refused with both candidates
        "不存在县,2023,10,x\n"
        "百色市,20,357,x\n"
        "右江区,2023,约40,x\n"
        "兰州市,2023,441,\n"
        "百色市,2023,1,x\n"  # ten thousand persons where the census has 3.57 million: a unit mistake
        "田东县,2023,40,x\n"
        "田东县,2023,41,x\n"
        "合计,2023,900,x\n"
    )
    assert codes(report) == [
        ("ambiguous_region", 3, "地区"),
        ("unknown_region", 4, "地区"),
        ("population_year", 5, "年份"),
        ("population_not_exact", 6, "常住人口（万人）"),
        ("population_source_missing", 7, "来源"),
        ("population_unit_mismatch", 8, "常住人口（万人）"),
        ("population_duplicate", 10, "地区"),
        ("population_total_row", 11, "地区"),
    ]
    ambiguous = report.messages[0]
    assert "110105" in ambiguous.message_zh and "北京市" in ambiguous.message_zh and "长春市" in ambiguous.message_zh
    assert not report.ok
    assert report.frame.name_zh.tolist() == ["田东县"]  # the good row is read; nothing is stored while errors remain


def test_a_former_name_is_read_as_todays_division_with_a_warning():
    report = check("地区,年份,常住人口（人）,来源\n平果县,2018,520000,平果县统计公报")
    assert report.ok and codes(report) == [("region_renamed", 2, "地区")]
    assert report.frame.region_code.tolist() == ["451082"]


def test_replacing_a_census_figure_is_said():
    report = check("地区,年份,常住人口（人）,来源\n百色市,2020,3571000,更正\n")
    assert report.ok and codes(report) == [("population_replaces_census", 2, "常住人口（人）")]
    assert "3,571,505" in report.messages[0].message_zh


def test_a_future_year_and_a_double_scale_are_refused():
    report = check("地区,年份,常住人口（万人）,来源\n百色市,2030,357,x\n右江区,2023,40万,x")
    assert [c for c, _, _ in codes(report)] == ["population_year", "population_double_scale"]


def test_an_xlsx_upload_is_read_through_the_upload_reader():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["地区", "年份", "常住人口（人）", "来源"])
    sheet.append(["百色市", 2023, 3571200, "百色市2023年统计公报"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = read_population_table(buffer.getvalue(), "人口.xlsx")
    assert report.ok and report.frame.population.tolist() == [3571200]


def test_an_unreadable_file_gives_messages_not_a_traceback():
    report = read_population_table(b"PK\x03\x04broken zip", "人口.xlsx")
    assert not report.ok and report.messages and report.messages[0].level == "error"


# ----- the store -----------------------------------------------------------------------------------


def test_populations_are_stored_and_read_back(db_url):
    report = check("地区,年份,常住人口（万人）,来源\n百色市,2023,357.12,百色市2023年统计公报\n右江区,2023,40.5,右江区公报")
    assert uploaded_populations_key(db_url) == (0, 0)
    assert save_populations(report, "analyst", db_url) == 2
    stored = read_uploaded_populations(db_url)
    assert stored[["region_code", "year", "population", "source", "file_name", "uploader", "origin"]].values.tolist() == [
        ["451000", 2023, 3571200.0, "百色市2023年统计公报", "人口.csv", "analyst", "uploaded"],
        ["451002", 2023, 405000.0, "右江区公报", "人口.csv", "analyst", "uploaded"],
    ]
    assert stored.uploaded_at.iloc[0].tzinfo is not None
    assert uploaded_populations_key(db_url)[0] == 2
    table = combine_populations(stored)
    assert pick_population(table, "451002", "2023-01-01", "2023-12-31").uploaded


def test_a_table_with_errors_is_never_stored(db_url):
    report = check("地区,年份,常住人口（万人）,来源\n百色市,2023,357.12,x\n朝阳区,2023,1,x")
    with pytest.raises(ValueError):
        save_populations(report, "analyst", db_url)
    assert read_uploaded_populations(db_url).empty


def test_an_index_picks_what_the_table_picks():
    from loaders.populations import index_populations

    table = table_of(("451000", 2020, 3571505, "census"), ("451000", 2022, 3600000, "a"), ("620000", 2020, 25019831, "b"))
    index = index_populations(table)
    assert index_populations(index) is index
    for code, start, end in [("451000", "2021-01-01", "2021-12-31"), ("451000", "", ""), ("620000", "2024-01-01", "2024-06-30"), ("110000", "", "")]:
        assert pick_population(index, code, start, end) == pick_population(table, code, start, end)
