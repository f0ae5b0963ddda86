"""Uploaded tables -> figures: shapes, headers, totals, units, periods and every refusal."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from loaders.model import FIGURE_COLUMNS, MAX_EVIDENCE
from loaders.periods import PeriodError, parse_period
from loaders.tables import REPORT_COLUMNS, CheckReport, check_bytes, header_key, parse_label

BASE_HEADER = "地区,年份,立案数,破案数,涉案金额(万元),劝阻人数,破案率(%)"


def check_csv(text: str, encoding: str = "utf-8", name: str = "表.csv") -> CheckReport:
    return check_bytes(text.encode(encoding), name)


def check_xlsx(rows: list[list[object]], merged: list[str] = (), percent: list[str] = (), name: str = "表.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    for row in rows:
        sheet.append(row)
    for ref in merged:
        sheet.merge_cells(ref)
    for ref in percent:
        sheet[ref].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return check_bytes(buffer.getvalue(), name)


def figure(report: CheckReport, row: int, metric_id: str, measure: str = "level") -> dict:
    f = report.figures
    found = f[(f.source_row == row) & (f.metric_id == metric_id) & (f.measure == measure)]
    assert len(found) == 1, f"row {row} {metric_id}: {found.to_dict(orient='records')}"
    return found.iloc[0].to_dict()


def codes(report: CheckReport, level: str | None = None) -> list[tuple[str, int | None, str | None]]:
    return [(m.code, m.row, m.column) for m in report.messages if level is None or m.level == level]


# ---------------------------------------------------------------- shapes


def test_wide_table_gives_one_figure_per_cell_in_the_figure_model():
    report = check_csv(f"{BASE_HEADER}\n北京市,2024,1427,612,35210.5,20311,42.9\n百色,2024,803,377,15002,9120,46.9\n")
    assert (report.status, report.rows, report.encoding) == ("accepted", 2, "utf-8")
    assert list(report.figures.columns) == REPORT_COLUMNS
    assert set(FIGURE_COLUMNS) <= set(report.figures.columns)
    assert len(report.figures) == 10
    cases = figure(report, 2, "cases_filed")
    assert (cases["region_code"], cases["value"], cases["unit"], cases["qualifier"]) == ("110000", 1427, "cases", "exact")
    assert (cases["period_start"], cases["period_end"], cases["period_text"]) == ("2024-01-01", "2024-12-31", "2024年")
    assert cases["category"] == "outcome" and cases["derived"] is False and cases["formula"] == ""
    assert re.fullmatch(r"up-[0-9a-f]{8}-001", cases["figure_id"])
    assert cases["source_id"] == "upload:" + cases["figure_id"][3:11]
    assert cases["evidence"] == "表.csv 第2行 立案数"
    money = figure(report, 2, "fraud_losses")
    assert (money["value"], money["unit"]) == (352105000, "yuan")  # 万元 -> yuan
    assert figure(report, 3, "clearance_rate")["value"] == 46.9
    assert figure(report, 3, "victims_prevented")["region_code"] == "451000"
    assert report.figures.figure_id.is_unique
    assert (report.figures.evidence.str.len() <= MAX_EVIDENCE).all()


def test_gbk_bytes_from_excel_on_chinese_windows():
    report = check_csv(f"{BASE_HEADER}\r\n甘肃省,2024,\"1,427\",612,35210.5,20311,42.9\r\n", encoding="gbk")
    assert report.status == "accepted"
    assert report.encoding == "gb18030"
    assert figure(report, 2, "cases_filed")["value"] == 1427


def test_title_rows_two_row_merged_header_total_and_notes_in_xlsx():
    rows = [
        ["2024年全市反诈工作统计表", None, None, None, None],
        ["单位：起、万元", None, None, None, None],
        ["地区", "打击情况", None, "金额（万元）", None],
        [None, "立案数", "破案数", "涉案金额", "挽损金额"],
        ["百色市", 100, 40, 12.5, 3],
        ["南宁市", 200, 90, 20, 4],
        ["合计", 300, 130, 32.5, 7],
        ["注：本表为测试数据", None, None, None, None],
    ]
    report = check_xlsx(rows, merged=["A1:E1", "A3:A4", "B3:C3", "D3:E3", "A8:E8"])
    assert report.status == "accepted", codes(report)
    assert report.rows == 2 and report.sheet == "数据"
    assert figure(report, 5, "cases_filed")["value"] == 100
    assert figure(report, 6, "cases_solved")["value"] == 90
    assert figure(report, 5, "fraud_losses")["value"] == 125000  # 12.5万元 from the group header's unit
    assert figure(report, 6, "losses_recovered")["value"] == 40000
    assert figure(report, 5, "cases_filed")["period_text"] == "2024年"  # the period comes from the title
    assert ("total_row", 7, "地区") in codes(report, "info")
    assert set(report.figures.source_row) == {5, 6}


def test_forward_filled_group_header_in_csv():
    report = check_csv("地区,年份,打击情况,,备注\n,,立案数,破案数,\n百色市,2024,10,4,无\n")
    assert report.status == "accepted", codes(report)
    assert figure(report, 3, "cases_solved")["value"] == 4


def test_tidy_table_keeps_qualifiers_units_and_sources():
    report = check_csv(
        "地区,期间,指标,数值,单位,限定,来源,同比(%)\n"
        "百色市,2024年1-10月,挽回损失,2230余万元,,,市公安局,12.5\n"
        "百色市,2024年1-10月,立案数,约9万,起,,,-44.5\n"
        "百色市,2024年1-10月,劝阻人数,10,人,不足,,\n"
        "甘肃省,2020,破案数,230,起,,,\n"
    )
    assert report.status == "accepted", codes(report)
    recovered = figure(report, 2, "losses_recovered")
    assert (recovered["value"], recovered["unit"], recovered["qualifier"]) == (22300000, "yuan", "at_least")
    assert (recovered["period_start"], recovered["period_end"]) == ("2024-01-01", "2024-10-31")
    assert recovered["note"] == "来源：市公安局"
    cases = figure(report, 3, "cases_filed")
    assert (cases["value"], cases["qualifier"]) == (90000, "about")
    change = figure(report, 3, "cases_filed", "change")
    assert (change["value"], change["direction"], change["basis"], change["unit"]) == (44.5, "decrease", "yoy", "percent")
    assert figure(report, 2, "losses_recovered", "change")["direction"] == "increase"
    assert figure(report, 4, "victims_prevented")["qualifier"] == "less_than"
    assert figure(report, 5, "cases_solved")["region_code"] == "620000"


def test_tidy_table_fills_vertically_merged_region_cells():
    rows = [
        ["地区", "年份", "指标", "数值"],
        ["百色市", 2024, "立案数", 10],
        [None, 2024, "破案数", 4],
        ["南宁市", 2024, "立案数", 20],
    ]
    report = check_xlsx(rows, merged=["A2:A3"])
    assert report.status == "accepted", codes(report)
    assert figure(report, 3, "cases_solved")["region_code"] == "451000"


def test_wide_by_year_columns():
    report = check_csv("地区,指标,2022年,2023年,2024年1-10月\n百色市,立案数,100,90,-\n百色市,涉案金额(万元),5,6,7\n")
    assert report.status == "accepted", codes(report)
    f = report.figures
    assert sorted(f[f.metric_id == "cases_filed"].period_text) == ["2022年", "2023年"]
    late = f[(f.metric_id == "fraud_losses") & (f.period_text == "2024年1-10月")].iloc[0]
    assert (late.value, late.period_end) == (70000, "2024-10-31")
    assert ("missing_value", 2, "2024年1-10月") in codes(report, "info")  # "-" is no figure, not zero


def test_change_column_right_of_a_metric_is_that_metrics_change():
    report = check_csv("地区,年份,立案数,同比(%),涉案金额(元),下降率(%)\n百色市,2024,100,-12.5,5000,3\n")
    assert report.status == "accepted_with_warnings"
    change = figure(report, 2, "cases_filed", "change")
    assert (change["value"], change["direction"], change["basis"]) == (12.5, "decrease", "yoy")
    losses = figure(report, 2, "fraud_losses", "change")
    assert (losses["value"], losses["direction"]) == (3, "decrease")
    assert ("change_attributed", 1, "同比(%)") in codes(report, "warning")


def test_bare_change_column_after_a_rate_is_not_imported():
    report = check_csv("地区,年份,破案率(%),同比(%)\n百色市,2024,42.9,5\n")
    assert ("change_without_metric", 1, "同比(%)") in codes(report, "warning")
    assert list(report.figures.metric_id) == ["clearance_rate"]


def test_unknown_header_becomes_a_stable_new_metric_with_a_warning():
    text = "地区,年份,反诈APP注册数(人)\n百色市,2024,1200\n"
    first, second = check_csv(text), check_csv(text.replace("1200", "1300"))
    assert first.status == "accepted_with_warnings"
    assert first.new_metrics[0]["metric_id"] == second.new_metrics[0]["metric_id"]
    assert first.new_metrics[0]["metric_id"].startswith("custom_")
    row = figure(first, 2, first.new_metrics[0]["metric_id"])
    assert (row["value"], row["unit"], row["category"], row["metric_zh"]) == (1200, "persons", "outcome", "反诈APP注册数")
    assert ("new_metric", 1, "反诈APP注册数(人)") in codes(first, "warning")


def test_percent_formatted_xlsx_cells_are_read_as_shown():
    rows = [["地区", "年份", "破案率"], ["百色市", 2024, 0.429]]
    report = check_xlsx(rows, percent=["C2"])
    assert figure(report, 2, "clearance_rate")["value"] == 42.9


# ---------------------------------------------------------------- totals


@pytest.mark.parametrize(
    ("total_row", "expected"),
    [
        ("合计,2024,30,12", []),
        ("合计,2024,31,12", [("total_mismatch", 4, "立案数")]),
        ("全市,2024,30,11", [("total_mismatch", 4, "破案数")]),
    ],
)
def test_total_rows_are_excluded_and_checked(total_row, expected):
    report = check_csv(f"地区,年份,立案数,破案数\n百色市,2024,10,4\n南宁市,2024,20,8\n{total_row}\n")
    assert codes(report, "warning") == expected
    assert set(report.figures.source_row) == {2, 3}


def test_subtotal_sums_the_rows_since_the_previous_subtotal():
    report = check_csv(
        "地区,年份,立案数\n百色市,2024,10\n南宁市,2024,20\n小计,2024,30\n甘肃省,2024,5\n河北省,2024,6\n小计,2024,12\n总计,2024,41\n"
    )
    assert codes(report, "warning") == [("total_mismatch", 7, "立案数")]
    assert ("subtotal_row", 4, "地区") in codes(report, "info")


def test_blank_section_and_note_rows_are_skipped():
    report = check_csv(
        "地区,年份,立案数\n百色市,2024,10\n,,\n华东地区,,\n南宁市,2024,20\n注：数据截至10月\n填表人：张三\n"
    )
    assert report.rows == 2
    assert codes(report, "warning") == [("section_row", 4, "地区")]
    assert ("blank_row", 3, None) in codes(report, "info")


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [
        ("2024", "2024-01-01", "2024-12-31"),
        ("2024年1-10月", "2024-01-01", "2024-10-31"),
        ("2024.1-10", "2024-01-01", "2024-10-31"),
        ("2024年10月", "2024-10-01", "2024-10-31"),
        ("202410", "2024-10-01", "2024-10-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2024年第三季度", "2024-07-01", "2024-09-30"),
        ("2024年上半年", "2024-01-01", "2024-06-30"),
    ],
)
def test_period_cells(cell, start, end):
    report = check_csv(f"地区,统计期间,立案数\n百色市,{cell},10\n")
    row = figure(report, 2, "cases_filed")
    shown = {"2024": "2024年", "202410": "2024年10月"}.get(cell, cell)  # bare digits get the 年/月 wording
    assert (row["period_start"], row["period_end"], row["period_text"]) == (start, end, shown)


@pytest.mark.parametrize(
    ("value", "code"),
    [("45292", "ambiguous_date"), ("1月", "bad_date"), ("2024-13", "bad_date"), ("去年", "bad_date"), (1900, "implausible_date")],
)
def test_unreadable_periods_are_refused(value, code):
    with pytest.raises(PeriodError) as caught:
        parse_period(value)
    assert caught.value.code == code
    report = check_csv(f"地区,统计月份,立案数\n百色市,{value},10\n")
    assert report.status == "rejected"
    assert (code, 2, "统计月份") in codes(report, "error")


def test_a_table_without_period_says_the_period_is_required():
    report = check_csv("地区,立案数\n百色市,10\n")
    assert report.status == "rejected"
    assert ("period_required", 1, "年份") in codes(report, "error")


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("cell", "column", "code"),
    [
        ("-12", "立案数", "negative"),
        ("1427.6", "立案数", "not_integer"),
        ("1.5e3", "立案数", "scientific_notation"),
        ("#DIV/0!", "立案数", "excel_error"),
        ("35万元", "立案数", "unit_mismatch"),
        ("130", "破案率(%)", "out_of_range"),
        ("980124000", "涉案金额(万元)", "unit_outlier"),
        ("=SUM(C2:C3)", "立案数", "formula_no_value"),
    ],
)
def test_bad_values_are_errors_naming_row_and_column(cell, column, code):
    report = check_csv(f"地区,年份,{column}\n百色市,2024,10\n南宁市,2024,{cell}\n")
    assert report.status == "rejected"
    assert codes(report, "error") == [(code, 3, column)]
    assert report.figures.empty


@pytest.mark.parametrize(
    ("cell", "value", "qualifier"),
    [
        ("1,427", 1427, "exact"),
        ("１４２７", 1427, "exact"),
        ("1.3万", 13000, "exact"),
        ("1427起", 1427, "exact"),
        ("约1400", 1400, "about"),
        ("1400余", 1400, "at_least"),
        ("不足10", 10, "less_than"),
    ],
)
def test_number_cells_keep_their_qualifier(cell, value, qualifier):
    report = check_csv(f"地区,年份,立案数\n百色市,2024,\"{cell}\"\n")
    row = figure(report, 2, "cases_filed")
    assert (row["value"], row["qualifier"]) == (value, qualifier)


@pytest.mark.parametrize("marker", ["无", "-", "—", "/", "空"])
def test_missing_markers_give_no_figure_not_zero(marker):
    report = check_csv(f"地区,年份,立案数,劝阻人数\n百色市,2024,10,{marker}\n")
    assert report.status == "accepted"
    assert list(report.figures.metric_id) == ["cases_filed"]
    assert ("missing_value", 2, "劝阻人数") in codes(report, "info")


def test_amounts_with_their_own_unit_ignore_the_header_scale():
    report = check_csv("地区,年份,涉案金额(万元)\n百色市,2024,412308000元\n南宁市,2024,2.2亿元\n甘肃省,2024,30117.6万\n")
    assert [figure(report, r, "fraud_losses")["value"] for r in (2, 3, 4)] == [412308000, 220000000, 301176000]


def test_mixed_fractions_in_a_percent_column_are_ambiguous():
    report = check_csv("地区,年份,破案率(%)\n百色市,2024,31.2%\n南宁市,2024,0.312\n")
    assert codes(report, "error") == [("ambiguous_percent", 3, "破案率(%)")]


def test_cross_field_inconsistency_is_a_warning():
    report = check_csv("地区,年份,立案数,破案数\n百色市,2024,803,900\n")
    assert report.status == "accepted_with_warnings"
    assert codes(report, "warning") == [("cross_field", 2, "破案数")]


# ---------------------------------------------------------------- structure and regions


def test_duplicate_rows_name_both_rows():
    report = check_csv("地区,年份,立案数\n北京市,2024,1\n北京,2024,2\n天津市,2024,3\n天津市,2024,3\n")
    assert codes(report, "error") == [("conflicting_duplicate", 3, "地区"), ("duplicate_row", 5, "地区")]
    assert "第2行" in report.messages[0].message_zh and "第4行" in report.messages[1].message_zh


def test_duplicate_headers_name_both_columns():
    report = check_csv("地区,年份,立案数,立案数\n北京市,2024,1,2\n")
    assert codes(report) == [("duplicate_header", 1, "立案数")]
    assert "C" in report.messages[0].message_zh and "D" in report.messages[0].message_zh


@pytest.mark.parametrize(
    ("region", "code"),
    [("火星", "unknown_region"), ("朝阳区", "ambiguous_region"), ("<b>北京</b>", "unknown_region")],
)
def test_unknown_regions_are_errors_on_the_region_column(region, code):
    report = check_csv(f"地区,年份,立案数\n{region},2024,1\n百色市,2024,2\n")
    assert codes(report, "error") == [(code, 2, "地区")]
    assert region in report.messages[0].message_zh  # kept verbatim, never rendered


def test_shared_short_names_are_settled_by_the_rest_of_the_table():
    report = check_csv("地区,年份,立案数\n吉林,2024,1\n甘肃省,2024,2\n河北省,2024,3\n")
    assert figure(report, 2, "cases_filed")["region_code"] == "220000"
    alone = check_csv("地区,年份,立案数\n吉林,2024,1\n")
    assert codes(alone, "error") == [("ambiguous_region", 2, "地区")]


def test_region_code_column_is_used_directly():
    report = check_csv("行政区划代码,年份,立案数\n451000,2024,1\n620000,2024,2\n")
    assert list(report.figures.region_code) == ["451000", "620000"]
    bad = check_csv("行政区划代码,年份,立案数\n451000,2024,1\n10000,2024,2\n")
    assert codes(bad, "error") == [("bad_code", 3, "行政区划代码")]


def test_region_from_the_title_when_the_table_has_no_region_column():
    report = check_csv("百色市2024年反诈工作统计表\n指标,数值\n立案数,100\n破案数,40\n")
    assert report.status == "accepted", codes(report)
    assert set(report.figures.region_code) == {"451000"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("name,value\nalpha,1\n", "no_region_column"),
        ("地区,年份,备注\n百色市,2024,好\n", "no_metric_columns"),
        ("地区,年份,立案数\n", "no_rows"),
        ("", "file_empty"),
        ("地区,年份,立案数\n百色市,2024,1,9\n", "extra_cell"),
        ("地区,年份,立案数,破案数\n百色市,2024,1,2,3\n南宁市,2024,1,2\n", "extra_cell"),
        ("地区,年份,立案数,破案数\n百色市,2024,1\n南宁市,2024,1,2\n", "missing_cell"),
        ("地区,年份,涉案金额\n百色市,2024,100\n", "money_unit_missing"),
        ("地区,年份,立案数\n百色市\u0000,2024,1\n", "control_characters"),
        ("地区,年份,立案数,备注\n百色市,2024,1," + "长" * 40_000 + "\n", "too_long"),
        (",".join(f"列{i}" for i in range(300)) + "\n", "too_many_columns"),
    ],
)
def test_refusals(text, code):
    report = check_csv(text)
    assert report.status == "rejected"
    assert code in [m.code for m in report.messages if m.level == "error"]


@pytest.mark.parametrize(
    "data", [b"\x00\x01\x02", b"PK\x03\x04garbage", "地区,年份\n".encode() * 3, bytes(range(256)), b"\xff\xfe\x00"]
)
def test_never_raises_for_any_bytes(data):
    report = check_bytes(data, "x.xlsx")
    assert report.status == "rejected"
    assert all(m.code != "internal_error" for m in report.messages)


def test_report_dict_and_text():
    report = check_csv("地区,年份,立案数\n火星,2024,1\n")
    d = report.to_dict()
    assert list(d) == ["file", "status", "encoding", "sheet", "rows", "messages"]
    assert list(d["messages"][0]) == ["level", "row", "column", "code", "message_zh", "message_en"]
    assert "第2行，“地区”列" in report.to_text("zh") and "row 2, column “地区”" in report.to_text("en")
    assert "已拒绝" in report.to_text("zh") and "rejected" in report.to_text("en")


# ---------------------------------------------------------------- header words


@pytest.mark.parametrize(
    ("header", "base", "measure", "scale", "unit"),
    [
        ("涉案金额(万元)", "涉案金额", "level", 10_000, "yuan"),
        ("涉案金额（亿元）", "涉案金额", "level", 100_000_000, "yuan"),
        ("劝阻人数(人)", "劝阻人数", "level", 1, "persons"),
        ("破案率(%)", "破案率", "level", 1, "percent"),
        ("立案数同比(%)", "立案数", "change", 1, "percent"),
        ("发案占比", "发案", "share", None, None),
        ("“两卡”嫌疑人", "两卡嫌疑人", "level", None, None),
    ],
)
def test_parse_label(header, base, measure, scale, unit):
    label = parse_label(header)
    assert (label.base, label.measure) == (base, measure)
    if scale is not None:
        assert (label.unit.scale, label.unit.unit_id) == (scale, unit)


def test_header_key_folds_full_width_and_spaces():
    assert header_key(" 立案 数（起）") == header_key("立案数(起)")


@pytest.mark.parametrize(("cell", "code"), [("12³", "footnote_mark"), ("1²", "footnote_mark"), ("١٢٣", "other_digits"),
                                            ("१२३", "other_digits")])
def test_a_lookalike_digit_refuses_the_cell_and_names_it(cell, code):
    report = check_csv(f"地区,年份,立案数\n黑龙江省,2024,{cell}\n")
    assert report.status == "rejected" and report.figures.empty
    assert codes(report, "error") == [(code, 2, "立案数")]
    assert all(cell in m.message_zh and "C2" in m.message_en for m in report.messages if m.level == "error")


def test_full_width_digits_are_stored_as_their_digits():
    report = check_csv("地区,年份,立案数\n黑龙江省,２０２４,１２３\n")
    assert report.status == "accepted" and figure(report, 2, "cases_filed")["value"] == 123


def test_the_templates_own_remark_column_is_kept_in_the_note():
    """备注 was silently dropped (only 来源 reached note); it is joined after 来源 as "备注：…"."""
    from loaders.template import HEADERS

    header = ",".join(HEADERS)
    assert header.endswith("来源,备注")
    report = check_csv(
        f"{header}\n"
        "百色市,2024年1-10月,立案数,1200,起,精确,百色市公安局,含跨境案件\n"
        "百色市,2024年1-10月,破案数,600,起,精确,,口径：刑事立案\n"
        "百色市,2024年1-10月,劝阻人数,900,人,精确,百色市公安局,\n"
    )
    assert report.status != "rejected", [m.message_en for m in report.messages]
    assert figure(report, 2, "cases_filed")["note"] == "来源：百色市公安局; 备注：含跨境案件"
    assert figure(report, 3, "cases_solved")["note"] == "备注：口径：刑事立案"
    assert figure(report, 4, "victims_prevented")["note"] == "来源：百色市公安局"


def test_a_remark_column_of_a_wide_table_reaches_every_figure_of_its_row():
    report = check_csv("地区,年份,立案数,破案数,备注\n百色市,2024,803,377,不含跨境案件\n北京市,2024,10,5,\n")
    assert report.status != "rejected"
    assert {figure(report, 2, m)["note"] for m in ("cases_filed", "cases_solved")} == {"备注：不含跨境案件"}
    assert figure(report, 3, "cases_filed")["note"] == ""


@pytest.mark.parametrize(
    ("word", "qualifier"),
    [("将近", "about"), ("接近", "about"), ("超", "at_least"), ("不少于", "at_least"), ("上下", "about"),
     ("以内", "less_than"), ("最多", "less_than"), ("约", "about"), ("余", "at_least"), ("精确", "exact")],
)
def test_a_qualifier_column_knows_every_word_the_number_parser_knows(word, qualifier):
    """限定 将近 is 'about' (it became a note: the checker had its own, shorter list of words)."""
    report = check_csv(f"地区,期间,指标,数值,单位,限定\n百色市,2024年,立案数,900,起,{word}\n")
    assert report.status == "accepted", codes(report)
    row = figure(report, 2, "cases_filed")
    assert (row["qualifier"], row["note"]) == (qualifier, "")


def test_one_vocabulary_for_cells_columns_and_formatting():
    from charts import export
    from i18n import numbers as i18n_numbers
    from loaders import numbers, tables, vocabulary

    for word, qualifier in {**vocabulary.PREFIX_QUALIFIERS, **vocabulary.SUFFIX_QUALIFIERS}.items():
        assert vocabulary.QUALIFIER_WORDS[word] == qualifier
    assert numbers.PREFIX_QUALIFIERS is vocabulary.PREFIX_QUALIFIERS
    assert tables.QUALIFIER_WORDS is vocabulary.QUALIFIER_WORDS
    assert i18n_numbers.QUALIFIER_SYMBOLS is export.QUALIFIER_SYMBOLS is vocabulary.QUALIFIER_SYMBOLS
    assert numbers.parse_number("将近100").qualifier == "about"


def test_a_column_that_is_not_imported_is_named_with_the_file_not_dropped_silently():
    from loaders.upload.check import check_bytes

    data = "序号,地区,年份,立案数,号码,联系人\n1,北京市,2024,1427,13800000000,张三\n".encode()
    report = check_bytes(data, "北京.csv")
    assert report.status == "accepted_with_warnings"
    assert len(report.figures) == 1 and report.figures["metric_id"].tolist() == ["cases_filed"]
    unread = [m for m in report.messages if m.code == "column_not_imported"]
    assert [(m.level, m.row, m.column) for m in unread] == [("warning", 1, "号码"), ("warning", 1, "联系人")]
    for m in unread:
        assert "北京.csv" in m.message_zh and m.column in m.message_zh
        assert "北京.csv" in m.message_en and "not imported" in m.message_en
    assert "编号或号码" in unread[0].message_zh and "未导入" in unread[1].message_zh


@pytest.mark.parametrize("rows", [1, 40_000])  # the row passes, and the plain-CSV columnar path (≥ 1 MB)
def test_a_period_that_has_not_begun_is_refused_naming_row_and_column(rows):
    """2042 typed for 2024 would be stored as a figure of a period nobody can have reported yet."""
    from datetime import date

    year = date.today().year + 1
    body = "".join(f"百色市,2024年{1 + i % 12}月{1 + i // 12 % 28}日,立案数,{i},起\n" for i in range(rows - 1))
    text = "地区,期间,指标,数值,计量单位\n" + body + f"百色市,{year}年3月,立案数,5,起\n"
    report = check_bytes(text.encode("utf-8"), "future.csv")
    assert report.status == "rejected"
    future = [m for m in report.messages if m.code == "period_in_future"]
    assert [(m.row, m.column) for m in future] == [(rows + 1, "期间")]
    assert f"{year}年3月" in future[0].message_zh and "after today" in future[0].message_en


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("地区,年份,破案率同比（百分点）,立案数（起）\n百色市,2024,3.2,100\n", "破案率同比（百分点）"),
        ("地区,年份,破案率同比,立案数（起）\n百色市,2024,3.2个百分点,100\n", "破案率同比"),
        ("地区,年份,指标,数值,计量单位\n百色市,2024,破案率同比上升,3.2,个百分点\n百色市,2024,立案数,100,起\n", "计量单位"),
    ],
)
def test_a_change_in_percentage_points_is_not_stored_as_a_percent_change(text, column):
    """上升3.2个百分点 (41.5% → 44.7%) is not 上升3.2% (41.5% → 42.8%): named and left out, the rest kept."""
    report = check_bytes(text.encode("utf-8"), "pp.csv")
    assert report.status == "accepted_with_warnings"
    assert [(m.code, m.row, m.column) for m in report.messages] == [("percentage_points_not_stored", 2, column)]
    assert "百分点" in report.messages[0].message_zh and "percentage points" in report.messages[0].message_en
    assert report.figures[["metric_id", "value"]].values.tolist() == [["cases_filed", 100.0]]


@pytest.mark.parametrize("header", ["破案率同比（%）", "破案率同比增减（%）", "破案率同比上升（%）"])
def test_the_change_of_a_rate_is_the_rates_change_not_its_counts(header):
    """破案率同比 was read as 破案 (cases solved) with its 率 dropped as a change word."""
    report = check_bytes(f"地区,年份,{header}\n百色市,2024,3.2\n".encode(), "rate.csv")
    assert report.figures[["metric_id", "measure", "unit"]].values.tolist() == [["clearance_rate", "change", "percent"]]


def test_a_title_period_that_has_not_begun_is_refused_once_and_nothing_is_stored():
    from datetime import date

    year = date.today().year + 3
    text = f"百色市{year}年各县立案数\n区县,立案数（起）\n右江区,100\n田阳区,50\n"
    report = check_bytes(text.encode("utf-8"), "title.csv")
    assert report.status == "rejected" and report.figures.empty
    future = [m for m in report.messages if m.code == "period_in_future"]
    assert [(m.level, m.row) for m in future] == [("error", 3)]
    assert future[0].message_zh.startswith("标题中的") and future[0].message_en.startswith("In the title")
