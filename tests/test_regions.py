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
        ("北京市朝阳区", "unknown_region", (("110000", "北京市"), ("211300", "朝阳市"))),
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
    ],
)
def test_hints_settle_shared_short_names(text, parent_hint, level, code):
    match = match_region(text, parent_hint, level=level)
    assert isinstance(match, RegionMatch), match
    assert match.region_code == code


def test_long_cell_text_is_cut_in_messages():
    error = match_region("某" * 40_000)
    assert isinstance(error, RegionMatchError)
    assert len(error.message_zh) < 120 and "…" in error.message_zh


def test_divisions_cover_every_province_and_prefecture(divisions):
    levels = divisions.level.value_counts().to_dict()
    assert levels == {"province": 34, "prefecture": 333, "county": 32}
    assert divisions.region_code.str.fullmatch(r"\d{6}").all()
    children = divisions[divisions.level != "province"]
    assert children.parent_code.isin(divisions[divisions.level == "province"].region_code).all()
    assert (divisions.name_en != "").all() and divisions.name_zh.is_unique


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
