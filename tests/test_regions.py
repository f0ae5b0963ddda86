"""Region matching and the divisions reference table."""

from __future__ import annotations

import json

import pytest

from loaders.catalog import datasets_dir, read_csv_table
from loaders.regions import RegionMatch, RegionMatchError, match_region


@pytest.fixture(scope="module")
def divisions():
    return read_csv_table(datasets_dir() / "divisions.csv").set_index("region_code", drop=False)


@pytest.mark.parametrize(
    ("text", "code", "matched_by"),
    [
        ("北京", "110000", "short"),
        ("北京市", "110000", "name"),
        ("百色", "451000", "short"),
        ("百色市", "451000", "name"),
        ("广西", "450000", "short"),
        ("广西壮族自治区", "450000", "name"),
        ("内蒙古", "150000", "short"),
        ("新疆", "650000", "short"),
        ("宁夏", "640000", "short"),
        ("西藏", "540000", "short"),
        ("香港", "810000", "short"),
        ("澳门", "820000", "short"),
        ("台湾", "710000", "short"),
        ("甘肃", "620000", "short"),
        ("甘肃省", "620000", "name"),
        (" 甘肃省 ", "620000", "name"),
        ("甘　肃　省", "620000", "name"),  # ideographic spaces
        ("甘肃省\u00a0", "620000", "name"),  # NBSP from a web export
        ("\ufeff北京市", "110000", "name"),
        ("451000", "451000", "code"),
        ("４５１０００", "451000", "code"),  # full-width digits
        ("451000.0", "451000", "code"),  # a code typed as a number in Excel
        ("廣東省", "440000", "alias"),
        ("廣西", "450000", "alias"),
        ("恩施州", "422800", "short"),
        ("恩施土家族苗族自治州", "422800", "name"),
        ("黔东南州", "522600", "short"),
        ("广西百色市", "451000", "joined"),
        ("甘肃省兰州市", "620100", "joined"),
        ("仙桃市", "429004", "name"),
        ("百色市公安局", "451000", "office"),
        ("甘肃省人民政府", "620000", "office"),
        ("右江区", "451002", "name"),
        ("隆林各族自治县", "451031", "name"),
        ("東城區", "110101", "alias"),
        ("北京市朝阳区", "110105", "joined"),
        ("广西百色市右江区", "451002", "joined"),
        ("吉林省长春市朝阳区", "220104", "joined"),
        ("平果县", "451082", "renamed"),
        ("莱芜市", "370100", "renamed"),
    ],
)
def test_match_region_finds_the_division(text, code, matched_by):
    match = match_region(text)
    assert isinstance(match, RegionMatch), match
    assert (match.region_code, match.matched_by, match.text) == (code, matched_by, text)


@pytest.mark.parametrize(
    ("text", "error_code", "candidates"),
    [
        ("火星", "unknown_region", ()),
        ("Beijing", "unknown_region", ()),  # English names are not matched: tables are Chinese
        ("京", "unknown_region", ()),  # one-character abbreviations are too ambiguous
        ("华东地区", "unknown_region", ()),
        ("北京(2)", "unknown_region", (("110000", "北京市"),)),
        ("999999", "unknown_region", ()),
        ("10000", "unknown_region", ()),
        ("<script>alert(1)</script>", "unknown_region", ()),
        ("", "empty_region", ()),
        ("   ", "empty_region", ()),
        ("吉林", "ambiguous_region", (("220000", "吉林省"), ("220200", "吉林市"))),
        ("海南", "ambiguous_region", (("460000", "海南省"), ("632500", "海南藏族自治州"))),
    ],
)
def test_match_region_refuses_what_it_cannot_decide(text, error_code, candidates):
    error = match_region(text)
    assert isinstance(error, RegionMatchError)
    assert (error.code, error.candidates) == (error_code, candidates)
    for _, name in candidates:
        assert name in error.message_zh and name in error.message_en


@pytest.mark.parametrize(
    ("text", "parent_hint", "level", "code"),
    [
        ("吉林", None, "province", "220000"),
        ("吉林", None, "prefecture", "220200"),
        ("吉林", "吉林省", None, "220200"),
        ("吉林", "220000", None, "220200"),
        ("海南", "青海", None, "632500"),
        ("海南", None, "province", "460000"),
        ("吉林省", "广西", "prefecture", "220000"),  # a full name is never overridden by hints
        ("朝阳区", "北京", None, "110105"),
        ("朝阳区", "长春市", None, "220104"),
        ("朝阳区", "吉林省", None, "220104"),  # any ancestor settles it
        ("新华区", ("河北省", "沧州市"), None, "130902"),  # the narrowest hint decides
        ("新华区", "平顶山", None, "410402"),
        ("鼓楼区", "福建", None, "350102"),
    ],
)
def test_hints_settle_shared_short_names(text, parent_hint, level, code):
    match = match_region(text, parent_hint, level=level)
    assert isinstance(match, RegionMatch), match
    assert match.region_code == code


@pytest.mark.parametrize(
    ("text", "hint", "parents"),
    [
        ("朝阳区", None, ("北京市", "长春市")),
        ("鼓楼区", None, ("南京市", "徐州市", "福州市", "开封市")),
        ("新华区", "河北省", ("石家庄市", "沧州市")),  # the province leaves two
        ("河北省新华区", None, ("石家庄市", "沧州市")),
    ],
)
def test_same_name_counties_are_refused_naming_each_candidate_and_parent(text, hint, parents):
    error = match_region(text, hint)
    assert isinstance(error, RegionMatchError) and error.code == "ambiguous_region"
    assert len(error.candidates) == len(parents)
    for parent in parents:
        assert parent in error.message_zh
    assert "Changchun" in match_region("朝阳区").message_en


def test_a_renamed_division_says_what_was_mapped():
    match = match_region("平果县")
    assert (match.region_code, match.renamed_from, match.renamed_year) == ("451082", "平果县", "2019")
    assert "平果市" in match.renamed_zh and "2019" in match.renamed_zh and "Pingguo City" in match.renamed_en
    # A name the renames table does not record is not mapped by analogy.
    assert isinstance(match_region("田阳县"), RegionMatchError)


def test_common_parent_is_the_narrowest_shared_ancestor():
    from loaders.regions import common_parent

    assert common_parent(["451002", "451003"]) == "451000"
    assert common_parent(["451002", "450100"]) == "450000"
    assert common_parent(["451002", "110105"]) is None


def test_long_cell_text_is_cut_in_messages():
    error = match_region("某" * 40_000)
    assert isinstance(error, RegionMatchError)
    assert len(error.message_zh) < 120 and "…" in error.message_zh


def test_divisions_cover_every_level(divisions):
    levels = divisions.level.value_counts().to_dict()
    assert levels == {"province": 34, "prefecture": 333, "county": 2845}
    assert divisions.region_code.str.fullmatch(r"\d{6}").all()
    provinces = set(divisions[divisions.level == "province"].region_code)
    prefectures = set(divisions[divisions.level == "prefecture"].region_code)
    assert divisions[divisions.level == "prefecture"].parent_code.isin(provinces).all()
    counties = divisions[divisions.level == "county"]
    assert counties.parent_code.isin(provinces | prefectures).all()
    # A code starts with its parent's province (and prefecture) digits.
    assert all(code[:2] == parent[:2] for code, parent in zip(counties.region_code, counties.parent_code, strict=True))
    assert (divisions.name_en != "").all()
    assert not divisions.duplicated(["name_zh", "parent_code"]).any()


def test_divisions_hold_baise_counties_and_the_municipalities_districts(divisions):
    baise = divisions[divisions.parent_code == "451000"]
    assert len(baise) == 12 and {"右江区", "田阳区", "平果市", "隆林各族自治县"} <= set(baise.name_zh)
    beijing = divisions[divisions.parent_code == "110000"]
    assert len(beijing) == 16 and "朝阳区" in set(beijing.name_zh)
    assert divisions.at["451082", "name_en"] == "Pingguo City"
    assert divisions.at["110105", "name_en"] == "Chaoyang District"
    assert "東城區" in divisions.at["110101", "aliases"].split("|")
    same_name = divisions[divisions.name_zh == "鼓楼区"]
    assert len(same_name) == 4 and same_name.parent_code.is_unique


def test_renames_point_at_todays_divisions(divisions):
    renames = read_csv_table(datasets_dir() / "renames.csv")
    assert len(renames) > 0
    for rename in renames.itertuples():
        assert divisions.at[rename.region_code, "name_zh"] == rename.name_zh
        assert rename.old_name_zh not in set(divisions.name_zh)  # a former name is no current name
        assert rename.year.isdigit() and rename.source and rename.source_url.startswith("http")


def test_populations_cover_every_mainland_province_with_a_source(divisions):
    populations = read_csv_table(datasets_dir() / "populations.csv")
    provinces = populations[populations.region_code.str.endswith("0000")]
    assert len(provinces) == 31
    # Communiqué No. 3: 31 provinces plus 2,000,000 servicemen make the national total.
    assert provinces.population.astype(int).sum() + 2_000_000 == 1_411_778_724
    assert (populations.population_source != "").all() and populations.region_code.isin(divisions.index).all()
    for row in populations.itertuples():
        assert divisions.at[row.region_code, "name_zh"] == row.name_zh


def test_divisions_agree_with_the_curated_regions(divisions):
    regions = read_csv_table(datasets_dir() / "regions.csv")
    # The whole country (100000, the GB/T 2260 convention for the nation) is a region of figures, not a division.
    assert regions.loc[regions.level == "country", "region_code"].tolist() == ["100000"]
    assert "100000" not in divisions.index
    for region in regions[regions.level != "country"].itertuples():
        division = divisions.loc[region.region_code]
        assert (division.name_zh, division.name_en, division.level, division.parent_code) == (
            region.name_zh,
            region.name_en,
            region.level,
            region.parent_code,
        )


def test_divisions_metadata_cites_its_source():
    meta = json.loads((datasets_dir() / "divisions.meta.json").read_text(encoding="utf-8"))
    for key in ("producer", "title", "version", "date_published", "license"):
        assert meta["origin"][key]
    assert "build_divisions.py" in meta["processing"]


@pytest.mark.parametrize("name", ["divisions", "populations", "renames"])
def test_region_tables_document_every_column(name):
    meta = json.loads((datasets_dir() / f"{name}.meta.json").read_text(encoding="utf-8"))
    frame = read_csv_table(datasets_dir() / f"{name}.csv")
    assert list(meta["columns"]) == list(frame.columns)
    assert meta["origin"]["producer"] and meta["origin"]["date_accessed"]


def test_the_index_follows_the_datasets_folder_set_after_a_first_lookup(tmp_path, monkeypatch):
    # The index is kept between calls; pointing ANTIFRAUD_DATASETS elsewhere must take effect at once.
    assert isinstance(match_region("百色"), RegionMatch)
    for path in datasets_dir().iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    divisions = read_csv_table(tmp_path / "divisions.csv")
    divisions.loc[divisions.region_code == "451000", "short_zh"] = "百色新名"
    divisions.to_csv(tmp_path / "divisions.csv", index=False)
    monkeypatch.setenv("ANTIFRAUD_DATASETS", str(tmp_path))
    moved = match_region("百色新名")
    assert isinstance(moved, RegionMatch) and moved.region_code == "451000"
    monkeypatch.delenv("ANTIFRAUD_DATASETS")
    assert isinstance(match_region("百色新名"), RegionMatchError)
    assert match_region("百色").region_code == "451000"


@pytest.mark.parametrize(("old", "code", "year"), [("荔浦县", "450381", "2018"), ("柳江县", "450206", "2016"), ("宜州市", "451203", "2016")])
def test_guangxi_changes_with_a_cited_report_map_to_todays_division(old, code, year):
    found = match_region(old)
    assert (found.region_code, found.matched_by, found.renamed_year) == (code, "renamed", year)


def test_tianyang_county_stays_unknown_until_a_source_gives_its_change():
    assert isinstance(match_region("田阳县"), RegionMatchError)
