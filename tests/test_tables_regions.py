"""Tables with a province column and a prefecture column (省份 | 地市): the row's region is the most
specific division its columns name, the broader column confirms it, and 小计 rows are named as written."""

from __future__ import annotations

import io

import openpyxl
import pytest

from loaders.regions import match_region
from loaders.store import Store
from loaders.tables import CheckReport, check_bytes


def check_csv(text: str, name: str = "表.csv") -> CheckReport:
    return check_bytes(text.encode("utf-8"), name)


def check_xlsx(rows: list[list[object]], merged: list[str] = (), name: str = "表.xlsx") -> CheckReport:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    for row in rows:
        sheet.append(row)
    for ref in merged:
        sheet.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return check_bytes(buffer.getvalue(), name)


def regions_by_row(report: CheckReport) -> dict[int, str]:
    assert report.status != "rejected", [(m.code, m.row, m.column, m.message_zh) for m in report.messages]
    return dict(zip(report.figures["source_row"], report.figures["region_code"], strict=True))


def errors(report: CheckReport):
    return [m for m in report.messages if m.level == "error"]


REPEATED = "省份,地市,年份,立案数\n甘肃省,兰州市,2024,10\n甘肃省,天水市,2024,20\n广西壮族自治区,百色市,2024,30\n"


def test_province_repeated_on_each_row_gives_each_city():
    """Was refused: 与第2行同为“甘肃省 2024年”…请删除其中一行 (the message told the user to delete city rows)."""
    report = check_csv(REPEATED)
    assert regions_by_row(report) == {2: "620100", 3: "620500", 4: "451000"}
    assert not any(m.code in ("conflicting_duplicate", "duplicate_row") for m in report.messages)


def test_the_columns_may_come_in_either_order():
    report = check_csv("地市,省份,年份,立案数\n兰州市,甘肃省,2024,10\n天水,甘肃,2024,20\n")
    assert regions_by_row(report) == {2: "620100", 3: "620500"}


def test_province_merged_over_its_cities_in_xlsx():
    rows = [
        ["省份", "地市", "年份", "立案数"],
        ["甘肃省", "兰州市", 2024, 10],
        [None, "天水市", 2024, 20],
        [None, "嘉峪关市", 2024, 5],
        ["广西壮族自治区", "百色市", 2024, 30],
        [None, "南宁市", 2024, 40],
    ]
    report = check_xlsx(rows, merged=["A2:A4", "A5:A6"])
    assert regions_by_row(report) == {2: "620100", 3: "620500", 4: "620200", 5: "451000", 6: "450100"}


def test_province_left_blank_below_its_first_city_in_csv():
    """A merged cell saved as CSV keeps its value in the first row only."""
    report = check_csv("省份,地市,年份,立案数\n甘肃省,兰州市,2024,10\n,天水市,2024,20\n广西,百色市,2024,30\n,南宁,2024,40\n")
    assert regions_by_row(report) == {2: "620100", 3: "620500", 4: "451000", 5: "450100"}


def test_a_city_outside_its_province_is_an_error_naming_row_column_and_both_names():
    report = check_csv("省份,地市,年份,立案数\n甘肃省,兰州市,2024,10\n广西壮族自治区,天水市,2024,20\n")
    assert report.status == "rejected"
    [problem] = errors(report)
    assert (problem.code, problem.row, problem.column) == ("region_outside_parent", 3, "省份")
    for text in ("广西壮族自治区", "天水市", "地市", "省份"):
        assert text in problem.message_zh
    assert "Tianshui" in problem.message_en and "Guangxi" in problem.message_en


def test_a_name_shared_by_a_province_and_a_city_is_settled_by_the_province_column():
    report = check_csv("省份,地市,年份,立案数\n吉林省,吉林,2024,10\n吉林省,长春,2024,20\n海南省,海口市,2024,5\n")
    assert regions_by_row(report) == {2: "220200", 3: "220100", 4: "460100"}


def test_a_row_naming_only_the_province_is_the_province():
    report = check_csv("省份,地市,年份,立案数\n甘肃省,,2024,30\n甘肃省,兰州市,2024,10\n")
    assert regions_by_row(report) == {2: "620000", 3: "620100"}


def test_a_province_subtotal_row_is_excluded_checked_and_named_as_written():
    report = check_csv("省份,地市,年份,立案数\n甘肃省,兰州市,2024,10\n甘肃省,天水市,2024,20\n甘肃省,小计,2024,31\n"
                       "广西,百色市,2024,5\n,小计,2024,5\n合计,,2024,35\n")
    assert regions_by_row(report) == {2: "620100", 3: "620500", 5: "451000"}
    excluded = [m for m in report.messages if m.code in ("subtotal_row", "total_row")]
    assert [(m.row, m.code) for m in excluded] == [(4, "subtotal_row"), (6, "subtotal_row"), (7, "total_row")]
    for m in excluded:
        assert "subtotal" not in m.message_zh and "total" not in m.message_zh, m.message_zh
    assert "“小计”" in excluded[0].message_zh and "“小计”" in excluded[1].message_zh
    mismatches = [(m.row, m.code) for m in report.messages if m.code == "total_mismatch"]
    assert mismatches == [(4, "total_mismatch")]  # 10 + 20 is not 31; 百色's 5 and the 合计 35 agree


def test_a_blank_region_label_of_a_subtotal_row_is_not_english_in_chinese():
    """`,小计` in a one-region-column table: the message said “subtotal”行不是地区数据."""
    report = check_csv("地区,区县,年份,立案数\n兰州市,城关区,2024,10\n,小计,2024,10\n")
    labels = [m.message_zh for m in report.messages if m.code == "subtotal_row"]
    assert labels and all("subtotal" not in text for text in labels)


def test_nested_regions_are_stored_with_the_city_codes(tmp_path):
    report = check_csv(REPEATED)
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    store.save_upload(report, REPEATED.encode(), "表.csv", "test")
    stored = store.read_figures()
    assert sorted(stored["region_code"]) == ["451000", "620100", "620500"]


BAISE_COUNTIES = [
    ("右江区", "451002"), ("田阳区", "451003"), ("田东县", "451022"), ("德保县", "451024"), ("那坡县", "451026"),
    ("凌云县", "451027"), ("乐业县", "451028"), ("田林县", "451029"), ("西林县", "451030"),
    ("隆林各族自治县", "451031"), ("靖西市", "451081"), ("平果市", "451082"),
]


@pytest.mark.parametrize("header", ["区县", "县（市、区）", "地区", "县区"])
def test_baise_twelve_counties_land_on_their_codes_csv(header):
    text = f"{header},年份,立案数\n" + "".join(f"{name},2024,{i + 1}\n" for i, (name, _) in enumerate(BAISE_COUNTIES))
    report = check_csv(text)
    assert sorted(regions_by_row(report).values()) == sorted(code for _, code in BAISE_COUNTIES)


def test_baise_twelve_counties_land_on_their_codes_xlsx():
    rows = [["地市", "县（市、区）", "年份", "立案数"]]
    rows += [["百色市" if i == 0 else None, name, 2024, i + 1] for i, (name, _) in enumerate(BAISE_COUNTIES)]
    report = check_xlsx(rows, merged=[f"A2:A{len(rows)}"])
    assert regions_by_row(report) == {i + 2: code for i, (_, code) in enumerate(BAISE_COUNTIES)}


SAME_NAMES = (
    "省份,地市,区县,年份,立案数\n"
    "北京市,,朝阳区,2024,1\n"
    "吉林省,长春市,朝阳区,2024,2\n"
    "河北省,石家庄市,新华区,2024,3\n"
    "河北省,沧州市,新华区,2024,4\n"
    "河南省,平顶山市,新华区,2024,5\n"
    "福建省,福州市,鼓楼区,2024,6\n"
    "江苏省,南京市,鼓楼区,2024,7\n"
)


def test_same_name_districts_are_told_apart_by_their_parent_columns_csv():
    report = check_csv(SAME_NAMES)
    assert regions_by_row(report) == {2: "110105", 3: "220104", 4: "130105", 5: "130902", 6: "410402", 7: "350102",
                                      8: "320106"}


def test_same_name_districts_are_told_apart_by_their_parent_columns_xlsx():
    rows = [line.split(",") for line in SAME_NAMES.strip().split("\n")]
    rows = [[cell if cell else None for cell in row] for row in rows]
    report = check_xlsx(rows)
    assert regions_by_row(report)[3] == "220104" and regions_by_row(report)[6] == "410402"


def test_province_merged_over_its_cities_and_counties_xlsx():
    rows = [
        ["省份", "地市", "区县", "年份", "立案数"],
        ["广西壮族自治区", "百色市", "右江区", 2024, 1],
        [None, None, "平果市", 2024, 2],
        [None, "南宁市", "兴宁区", 2024, 3],
    ]
    report = check_xlsx(rows, merged=["A2:A4", "B2:B3"])
    assert regions_by_row(report) == {2: "451002", 3: "451082", 4: "450102"}


def test_a_bare_same_name_district_is_refused_with_candidates_and_parents():
    report = check_csv("区县,年份,立案数\n朝阳区,2024,1\n右江区,2024,2\n")
    assert report.status == "rejected"
    (error,) = [m for m in errors(report) if m.code == "ambiguous_region"]
    assert (error.row, error.column) == (2, "区县")
    assert "北京市" in error.message_zh and "长春市" in error.message_zh
    assert "Beijing" in error.message_en and "Changchun" in error.message_en


def test_the_other_rows_common_parent_settles_a_same_name_district():
    report = check_csv("区县,年份,立案数\n朝阳区,2024,1\n宽城区,2024,2\n南关区,2024,3\n")
    assert regions_by_row(report) == {2: "220104", 3: "220103", 4: "220102"}


def test_the_title_settles_a_same_name_district():
    report = check_csv("长春市各区立案情况\n区县,年份,立案数\n朝阳区,2024,1\n")
    assert list(regions_by_row(report).values()) == ["220104"]


def test_a_county_outside_its_province_column_is_an_error_naming_both():
    report = check_csv("省份,区县,年份,立案数\n甘肃省,右江区,2024,1\n")
    (error,) = errors(report)
    assert (error.code, error.row, error.column) == ("region_outside_parent", 2, "省份")
    assert "右江区" in error.message_zh and "甘肃省" in error.message_zh


def test_a_former_name_is_mapped_with_a_warning():
    report = check_csv("区县,年份,立案数\n平果县,2018,1\n右江区,2018,2\n")
    assert regions_by_row(report) == {2: "451082", 3: "451002"}
    (warning,) = [m for m in report.messages if m.code == "region_renamed"]
    assert (warning.row, warning.column) == (2, "区县") and "平果市" in warning.message_zh
    # The checker's catalogue words it as the region matcher does.
    match = match_region("平果县")
    assert (warning.message_zh, warning.message_en) == (match.renamed_zh, match.renamed_en)


def test_a_former_name_in_a_county_column_beside_its_prefecture():
    report = check_csv("地市,县（市、区）,年份,立案数\n百色市,平果县,2018,1\n百色市,右江区,2018,2\n")
    assert regions_by_row(report) == {2: "451082", 3: "451002"}
    assert [(m.code, m.row, m.column) for m in report.messages] == [("region_renamed", 2, "县（市、区）")]


def test_county_rows_and_a_city_subtotal():
    report = check_csv("地市,区县,年份,立案数\n百色市,右江区,2024,10\n百色市,田阳区,2024,20\n百色市,小计,2024,31\n")
    assert [(m.row, m.code) for m in report.messages if m.code == "total_mismatch"] == [(4, "total_mismatch")]
