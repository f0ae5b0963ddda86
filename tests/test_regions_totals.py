"""A 合计 row of a county table whose parent city is named only in the title (issue 14, left from the
fourth session): the total is checked against the rows above it and is never stored as a region's figure."""

from __future__ import annotations

import pytest

from loaders.upload.check import check_bytes

TITLE = "百色市2024年1-10月各县（市、区）电信网络诈骗立案数\n区县,立案数（起）\n右江区,100\n田阳区,50\n田东县,30\n"


def report(text: str):
    return check_bytes(text.encode("utf-8"), "百色县区.csv")


def codes(result) -> list[tuple[str, str, int | None]]:
    return [(m.level, m.code, m.row) for m in result.messages]


def test_a_total_that_agrees_is_excluded_and_only_the_counties_are_stored():
    result = report(TITLE + "合计,180\n")
    assert result.status == "accepted"
    assert result.figures.region_code.tolist() == ["451002", "451003", "451022"]  # no 百色市 figure made of the total
    assert ("info", "total_row", 6) in codes(result)
    assert not [m for m in result.messages if m.code == "total_mismatch"]


@pytest.mark.parametrize("label", ["合计", "全市合计", "全市"])
def test_a_total_that_disagrees_is_named_with_both_numbers(label):
    result = report(TITLE + f"{label},170\n")
    mismatch = [m for m in result.messages if m.code == "total_mismatch"]
    assert len(mismatch) == 1
    assert (mismatch[0].row, mismatch[0].column) == (6, "立案数（起）")
    assert "170" in mismatch[0].message_zh and "180" in mismatch[0].message_zh


def test_a_total_named_after_the_title_region_is_a_total():
    result = report(TITLE + "百色市合计,180\n")
    assert result.status == "accepted"
    assert result.figures.region_code.tolist() == ["451002", "451003", "451022"]
    assert not [m for m in result.messages if m.code == "total_mismatch"]


def test_a_region_total_that_disagrees_is_named_with_both_numbers():
    result = report(TITLE + "百色市合计,170\n")
    mismatch = [m for m in result.messages if m.code == "total_mismatch"]
    assert [(m.row, m.column) for m in mismatch] == [(6, "立案数（起）")]
    assert "170" in mismatch[0].message_zh and "180" in mismatch[0].message_zh


def test_each_citys_total_is_checked_against_its_own_rows():
    text = ("2024年各县（区）立案数\n区县,立案数（起）\n右江区,100\n田阳区,50\n百色市合计,150\n"
            "兴宁区,20\n青秀区,30\n南宁市合计,51\n")
    result = check_bytes(text.encode("utf-8"), "两市.csv")
    mismatch = [m for m in result.messages if m.code == "total_mismatch"]
    assert [m.row for m in mismatch] == [8]  # 南宁市's 51 against its own 50; 百色市's 150 agrees
    assert sorted(result.figures.region_code) == ["450102", "450103", "451002", "451003"]


def test_counties_outside_the_title_region_are_named():
    result = check_bytes("南宁市2024年各县（区）立案数\n区县,立案数（起）\n右江区,100\n田东县,30\n兴宁区,5\n".encode(), "t.csv")
    outside = [m for m in result.messages if m.code == "region_outside_title"]
    assert [(m.level, m.row, m.column) for m in outside] == [("warning", 3, "区县"), ("warning", 4, "区县")]
    assert "南宁市" in outside[0].message_zh and "右江区" in outside[0].message_zh
    assert "Nanning" in outside[0].message_en


def test_a_large_plain_table_outside_its_title_is_warned_too():
    """The columnar path (plain tidy CSV of 1 MB or more) gives the same warning as the row passes."""
    from loaders.regions import build_regions_frame

    regions = build_regions_frame()
    counties = regions[(regions.level == "county") & regions.region_code.str.startswith("45")].name_zh.tolist()
    rows = "".join(f"{c},{y}年{m}月,立案数,{n},起\n" for n, (c, y, m) in enumerate(
        (c, y, m) for c in counties for y in range(2000, 2025) for m in range(1, 13)))
    text = "南宁市各县区各月立案数\n地区,期间,指标,数值,计量单位\n" + rows
    assert len(text.encode("utf-8")) > 1_000_000
    result = check_bytes(text.encode("utf-8"), "big.csv")
    warned = {m.message_zh.split("（")[0].strip("“”") for m in result.messages if m.code == "region_outside_title"}
    assert len(warned) == len(counties) - 12  # every Guangxi county but Nanning's twelve, once each
    assert not warned & {"兴宁区", "青秀区", "武鸣区"}
