"""The checker over the project's own corpus fixtures (tests/corpus_fixtures.py), built in code.

Each fixture stands for one case of ../shared/corpus/generated: these tests run on a clone without
../shared. Where ../shared is present, the last tests also check that each fixture still behaves
as the case it stands for (same status, same messages at the same rows and columns).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time

import pytest

from loaders.tables import CheckReport, check_bytes, check_file
from tests import shared_material
from tests.corpus_fixtures import (
    COLUMN_TOTALS,
    FIRST_ROW_FIGURES,
    FIXTURES,
    NOT_TABLES,
    ROWS,
    build,
    csv_text,
)
from tests.test_check_corpus import _assert_report_shape as assert_report_shape

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:openpyxl.*")
BARE_CHANGE = ("change_without_metric", 1, "同比(%)")  # a bare 同比(%) names no metric: not imported
ACCEPTED, WARNED, REJECTED = "accepted", "accepted_with_warnings", "rejected"

# fixture -> (status, data rows kept, messages (code, row, column) it must contain).
OUTCOMES = {
    "baseline_utf8.csv": (WARNED, 8, [BARE_CHANGE]),
    "baseline.xlsx": (WARNED, 8, [BARE_CHANGE]),
    "gbk_excel_export.csv": (WARNED, 8, [BARE_CHANGE, ("cross_field", 3, "破案率(%)")]),  # "1,846" against 391 and 46.2
    "cp936_euro_byte_0x80.csv": (REJECTED, 0, [("undecodable", 4, "备注")]),
    "utf8_bom.csv": (WARNED, 8, [BARE_CHANGE]),
    "concatenated_exports_bom_mid_file.csv": (
        REJECTED, 0,
        [("repeated_header", 10, "地区"), ("bom_in_middle", 10, None), ("duplicate_row", 11, "地区"), ("duplicate_row", 12, "地区")],
    ),
    "utf16le_tab_unicode_text.csv": (WARNED, 8, [BARE_CHANGE]),
    "semicolon_delimiter.csv": (WARNED, 8, [BARE_CHANGE]),
    "empty_0_bytes.csv": (REJECTED, 0, [("file_empty", None, None)]),
    "bom_only.csv": (REJECTED, 0, [("file_empty", None, None)]),
    "blank_lines_only.csv": (REJECTED, 0, [("file_empty", None, None)]),
    "header_only.csv": (REJECTED, 0, [("no_rows", None, None)]),
    "csv_content_named.xlsx": (WARNED, 8, [("kind_mismatch", None, None)]),  # read by content, with a warning
    "xlsx_content_named.csv": (WARNED, 8, [("kind_mismatch", None, None)]),
    "html_table_named.xls": (REJECTED, 0, [("html_disguised", None, None)]),
    "ole2_container_named.xlsx": (REJECTED, 0, [("legacy_or_encrypted", None, None)]),
    "title_row_two_row_merged_header_total_notes.xlsx": (
        WARNED, 8,
        [("formula_no_value", 13, "案件情况/立案数"), ("total_row", 13, "地区"), ("period_from_title", None, None),
         ("percent_format", 4, "破案率"), ("change_without_metric", 4, "同比")],
    ),
    "total_and_subtotal_rows.csv": (WARNED, 8, [("total_row", 10, "地区"), ("subtotal_row", 11, "地区")]),
    "wrong_total_row.csv": (WARNED, 8, [("total_mismatch", 10, "立案数"), ("total_row", 10, "地区")]),
    "duplicate_columns.csv": (REJECTED, 0, [("duplicate_header", 1, "立案数")]),
    "duplicate_region_year_rows.csv": (REJECTED, 0, [("conflicting_duplicate", 10, "地区"), ("duplicate_row", 11, "地区")]),
    "ragged_rows.csv": (REJECTED, 0, [("extra_cell", 4, None), ("missing_cell", 6, "劝阻人数")]),
    "unbalanced_quote.csv": (REJECTED, 0, [("unbalanced_quote", 3, "地区")]),
    "multiple_sheets_hidden_and_instructions.xlsx": (WARNED, 8, [("sheet_chosen", None, None)]),
    "dimension_claims_1048576_rows.xlsx": (WARNED, 8, [BARE_CHANGE]),
    "blank_row_and_section_label_row.csv": (WARNED, 8, [("blank_row", 5, None), ("section_row", 6, "地区")]),
    # 约1500 and 1500+ are kept with their qualifiers; "-" is a missing value, not an error.
    "count_number_formats.csv": (
        REJECTED, 0, [("scientific_notation", 13, "立案数"), ("not_integer", 14, "立案数"), ("missing_value", 15, "立案数")],
    ),
    "percent_formats.csv": (
        REJECTED, 0,
        [("ambiguous_percent", 4, "破案率(%)"), ("chinese_numerals", 7, "破案率(%)"), ("missing_value", 8, "破案率(%)")],
    ),
    "negative_counts.csv": (REJECTED, 0, [("negative", 4, "立案数"), ("negative", 6, "劝阻人数")]),
    "percent_out_of_range.csv": (REJECTED, 0, [("out_of_range", 3, "破案率(%)")]),  # the bare 同比 column is not read
    "month_variants.csv": (
        REJECTED, 0, [("ambiguous_date", 6, "统计月份"), ("bad_date", 7, "统计月份"), ("bad_date", 8, "统计月份")],
    ),
    "mixed_units_amount.csv": (REJECTED, 0, [("unit_outlier", 7, "涉案金额(万元)")]),
    "cross_field_inconsistency.csv": (
        WARNED, 8,
        [("cross_field", 3, "破案数"), ("cross_field", 5, "挽损金额(万元)"), ("cross_field", 7, "破案率(%)")],
    ),
    "missing_value_markers.csv": (
        REJECTED, 0,
        [*(("unknown_region", r, "地区") for r in (10, 11, 12, 13)), ("excel_error", 10, "劝阻人数"),
         *(("missing_value", r, "劝阻人数") for r in (3, 4, 5, 6, 7, 8, 9, 11, 12))],
    ),
    "region_name_variants.csv": (REJECTED, 0, [("unknown_region", r, "地区") for r in (4, 5, 10)]),
    "control_chars_nul.csv": (REJECTED, 0, [("control_characters", r, "地区") for r in (3, 4, 5, 6)]),
    "cell_longer_than_excel_limit.csv": (REJECTED, 0, [("too_long", 2, "备注")]),
    "5000_columns.csv": (REJECTED, 0, [("too_many_columns", 1, None)]),
    "excel_error_values.xlsx": (
        REJECTED, 0, [("formula_no_value", 4, "立案数"), ("excel_error", 5, "破案数"), ("excel_error", 6, "涉案金额(万元)")],
    ),
    "formulas_without_cached_values.xlsx": (
        WARNED, 8, [("formula_no_value", 10, "立案数"), ("formula_no_value", 10, "劝阻人数"), ("total_row", 10, "地区")],
    ),
    "formulas_with_cached_values.xlsx": (WARNED, 8, [BARE_CHANGE, ("total_row", 10, "地区")]),
    "codes_and_long_ids_as_numbers.xlsx": (
        REJECTED, 0, [("precision_lost", 2, "案件编号"), ("precision_lost", 4, "案件编号"), ("bad_code", 5, "行政区划代码")],
    ),
    "dates_real_text_serial.xlsx": (REJECTED, 0, [("ambiguous_date", 4, "统计月份"), ("implausible_date", 5, "统计月份")]),
    "formula_injection_cells.csv": (REJECTED, 0, [("unknown_region", 12, "地区")]),
    "html_markdown_in_region.csv": (REJECTED, 0, [("unknown_region", r, "地区") for r in range(2, 10)]),
    "html_in_header.csv": (REJECTED, 0, [("no_region_column", 1, None)]),
    "zip_bomb_plain_renamed.xlsx": (REJECTED, 0, [("zip_too_large", None, None)]),
    "zip_bomb_valid_ooxml.xlsx": (REJECTED, 0, [("zip_too_large", None, None)]),
    "zip_bomb_valid_ooxml_ratio.xlsx": (REJECTED, 0, [("zip_ratio", None, None)]),
    "xml_billion_laughs_in_sheet.xlsx": (REJECTED, 0, [("unsafe_xml", None, None)]),
    "xml_xxe_external_entity_in_sheet.xlsx": (REJECTED, 0, [("unsafe_xml", None, None)]),
}
# Refused before anything is unpacked or parsed: well under a second, whatever the file claims.
BOMBS = [name for name, (_, _, messages) in OUTCOMES.items() if messages[0][0] in ("zip_too_large", "zip_ratio", "unsafe_xml")]


def check(name: str) -> CheckReport:
    return check_bytes(build(name), name)


def messages(report: CheckReport) -> set[tuple[str, int | None, str | None]]:
    return {(m.code, m.row, m.column) for m in report.messages}


def test_every_fixture_has_an_outcome():
    assert sorted(OUTCOMES) == sorted(FIXTURES)


def test_fixtures_are_the_same_bytes_every_time():
    first = {name: build(name) for name in FIXTURES}
    time.sleep(1.1)  # zip entries and workbook properties hold times to the second
    assert [name for name in FIXTURES if build(name) != first[name]] == []


@pytest.mark.parametrize("name", list(OUTCOMES))
def test_fixture_outcome(name):
    status, rows, required = OUTCOMES[name]
    report = check(name)
    found = messages(report)
    assert report.status == status, sorted(found, key=str)
    assert [m for m in required if m not in found] == [], sorted(found, key=str)
    assert all(m.code != "internal_error" for m in report.messages)
    assert all(m.message_zh.strip() and m.message_en.strip() for m in report.messages)
    assert report.rows == rows
    if status == REJECTED:
        assert report.figures.empty
        assert any(m.level == "error" for m in report.messages)
    else:
        assert len(report.figures) == 6 * rows  # six metrics a row; the bare 同比 is not read
        assert report.figures.figure_id.is_unique


@pytest.mark.timeout(10)
@pytest.mark.parametrize("name", BOMBS)
def test_bombs_are_refused_before_anything_is_unpacked(name):
    data = build(name)
    assert len(data) < 100_000
    started = time.perf_counter()
    report = check_bytes(data, name)
    assert time.perf_counter() - started < 1.0
    assert report.status == REJECTED and len(report.messages) == 1


@pytest.mark.parametrize(
    "name", ["baseline_utf8.csv", "duplicate_region_year_rows.csv", "empty_0_bytes.csv", "zip_bomb_valid_ooxml.xlsx"]
)
def test_check_command_contract(name, tmp_path):
    path = tmp_path / name
    path.write_bytes(build(name))
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "check", "--format", "json", str(path)],
        cwd=shared_material.REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    payload = json.loads(result.stdout)
    assert_report_shape(payload)
    assert (payload["file"], payload["status"]) == (str(path), OUTCOMES[name][0])
    assert result.returncode == (1 if payload["status"] == REJECTED else 0)


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    "name",
    [
        "baseline_utf8.csv",
        "baseline.xlsx",
        "utf8_bom.csv",
        "utf16le_tab_unicode_text.csv",
        "semicolon_delimiter.csv",
        "csv_content_named.xlsx",
        "xlsx_content_named.csv",
        "title_row_two_row_merged_header_total_notes.xlsx",
        "total_and_subtotal_rows.csv",
        "multiple_sheets_hidden_and_instructions.xlsx",
        "dimension_claims_1048576_rows.xlsx",
        "formulas_with_cached_values.xlsx",
    ],
)
def test_first_row_values(name):
    figures = check(name).figures
    first = figures[figures.source_row == figures.source_row.min()]
    assert dict(zip(first.metric_id, first.value, strict=True)) == FIRST_ROW_FIGURES
    assert set(first.region_code) == {"110000"}
    assert set(figures.period_text) == {"2024年"} and set(figures.period_end) == {"2024-12-31"}
    assert sorted(figures.region_code.unique()) == sorted(
        ["110000", "120000", "310000", "500000", "130000", "440000", "330000", "510000"]
    )


@pytest.mark.parametrize(("name", "encoding"), [
    ("baseline_utf8.csv", "utf-8"),
    ("gbk_excel_export.csv", "gb18030"),
    ("utf8_bom.csv", "utf-8-sig"),
    ("utf16le_tab_unicode_text.csv", "utf-16"),
])
def test_encoding_is_reported(name, encoding):
    assert check(name).encoding == encoding


def test_gbk_export_reads_the_quoted_thousands():
    figures = check("gbk_excel_export.csv").figures
    assert figures[(figures.source_row == 3) & (figures.metric_id == "cases_filed")].value.tolist() == [1846]


def test_wrong_total_names_both_sums():
    report = check("wrong_total_row.csv")
    (message,) = [m for m in report.messages if m.code == "total_mismatch"]
    total = COLUMN_TOTALS[2]
    assert f"{total + 100}" in message.message_zh and f"{total}" in message.message_zh
    assert message.level == "warning"


def test_correct_totals_are_verified_silently():
    assert not any(m.code == "total_mismatch" for m in check("total_and_subtotal_rows.csv").messages)


def test_section_and_total_rows_are_not_regions():
    for name in ("blank_row_and_section_label_row.csv", "total_and_subtotal_rows.csv", "formulas_with_cached_values.xlsx"):
        figures = check(name).figures
        assert len(figures.region_code.unique()) == 8, name


def _part(name: str, keep: list[int]) -> CheckReport:
    """The fixture with only some of its spreadsheet rows (1 = the header)."""
    rows = list(csv.reader(io.StringIO(build(name).decode("utf-8"), newline="")))
    return check_bytes(csv_text([rows[r - 1] for r in keep]).encode(), f"part_{name}")


def _values(report: CheckReport) -> dict[int, tuple]:
    return {r.source_row: (r.region_code, r.value, r.unit, r.qualifier) for r in report.figures.itertuples()}


def test_counts_in_every_format_and_with_qualifiers():
    report = _part("count_number_formats.csv", list(range(1, 13)))
    # Only the case's own description column (说明(非数据)) is warned of, as not imported.
    assert report.status == WARNED and {m.code for m in report.messages} == {"column_not_imported"}
    values = {row: (value, qualifier) for row, (_, value, _, qualifier) in _values(report).items()}
    assert values == {
        2: (1510, "exact"), 3: (1510, "exact"), 4: (1510, "exact"), 5: (1510, "exact"), 6: (1510, "exact"),
        7: (1510, "exact"), 8: (16000, "exact"), 9: (30_000_000, "exact"), 10: (1510, "exact"),
        11: (1500, "about"), 12: (1500, "at_least"),
    }


def test_percent_in_every_readable_format():
    report = _part("percent_formats.csv", [1, 2, 3, 5, 6])
    assert report.status == ACCEPTED
    assert {value for _, value, _, _ in _values(report).values()} == {33.5}
    assert set(report.figures.unit) == {"percent"}


def test_months_in_every_readable_format():
    report = _part("month_variants.csv", [1, 2, 3, 4, 5])
    assert report.status == ACCEPTED
    assert set(zip(report.figures.period_start, report.figures.period_end, strict=True)) == {("2024-01-01", "2024-01-31")}


def test_amounts_with_their_own_units_become_yuan():
    report = _part("mixed_units_amount.csv", [1, 2, 3, 4, 5, 6])
    assert report.status == ACCEPTED
    assert {row: value for row, (_, value, _, _) in _values(report).items()} == {
        2: 331_205_000,  # 33120.5 (万元, the header's unit)
        3: 142_100_000,  # 14210万元
        4: 405_118_000,  # 405118000元
        5: 220_000_000,  # 2.2亿元
        6: 298_702_000,  # 29870.2万
    }
    assert set(report.figures.unit) == {"yuan"}


def test_region_aliases_are_matched():
    report = _part("region_name_variants.csv", [1, 2, 6, 7, 8])  # 北京, 内蒙古, 新疆, 廣東省
    assert report.status == ACCEPTED
    assert [code for code, _, _, _ in _values(report).values()] == ["110000", "150000", "650000", "440000"]


def test_a_district_with_its_municipality_is_matched():
    report = _part("region_name_variants.csv", [1, 11])  # 北京市朝阳区: a county-level division since issue 14
    assert report.status == ACCEPTED
    assert [code for code, _, _, _ in _values(report).values()] == ["110105"]
    assert ("unknown_region", 11, "地区") not in messages(check("region_name_variants.csv"))


def test_payload_notes_do_not_stop_the_real_rows():
    data = build("formula_injection_cells.csv")
    report = check_bytes(data[: data.rindex(b"\n=1+1,") + 1], "no_formula_region.csv")  # without row 12
    assert (report.status, report.rows) == (ACCEPTED, 10)
    # The 备注 column is kept (issue 12.5) as the row's note, verbatim text: downloads neutralise it
    # (charts.downloads) and pages show it as text, never as a formula or a link.
    notes = report.figures.note[report.figures.note.ne("")]
    assert len(notes) and notes.str.startswith("备注：").all()
    assert notes.str.contains("=cmd|", regex=False).any()


def test_markup_is_echoed_as_typed():
    report = check("html_markdown_in_region.csv")
    texts = " ".join(m.message_zh for m in report.messages)
    assert "<script>alert(1)</script>" in texts and ":red[北京市]" in texts


def test_rows_are_the_fixtures_rows():
    # Guards the fixture data itself: consistent rates, so only the planted defects are reported.
    for row in ROWS:
        assert abs(int(row[3]) * 100 / int(row[2]) - float(row[7])) <= 0.05
        assert float(row[5]) < float(row[4])


# ---------------------------------------------------------------- fidelity to the shared corpus


def _generated_cases() -> list[dict]:
    path = shared_material.corpus_file("generated/expected.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_generated_case_has_a_fixture_or_a_reason():
    ids = {case["id"] for case in _generated_cases()}
    covered = {f.case for f in FIXTURES.values()} | set(NOT_TABLES)
    assert sorted(ids - covered) == []
    assert sorted(covered - ids) == []


def test_every_fixture_behaves_as_its_corpus_case():
    # Same status, rows and messages (level, code, row, column) as the file it stands for; the
    # fixtures that differ on purpose say how (Fixture.differs).
    cases = {case["id"]: case for case in _generated_cases()}
    differences = []
    for name, fixture in FIXTURES.items():
        if fixture.differs:
            continue
        real = check_file(shared_material.corpus_file(f"generated/{cases[fixture.case]['file']}"))
        mine = check(name)
        if (mine.status, mine.rows, located(mine)) != (real.status, real.rows, located(real)):
            differences.append((name, mine.status, real.status, sorted(located(mine) ^ located(real), key=str)))
    assert differences == []


def located(report: CheckReport) -> set[tuple[str, str, int | None, str | None]]:
    return {(m.level, m.code, m.row, m.column) for m in report.messages}
