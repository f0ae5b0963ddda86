"""`python -m loaders check` over every file of the shared corpus (../shared/corpus); skipped where it is absent.

Every file ends in a report with the documented keys: accepted with the right values, or refused
with messages naming row and column; never a traceback, never a hang. Most files are checked in
process through `check_file`; a handful go through the real command line to prove its contract.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loaders.tables import STATUSES, check_bytes, check_file
from tests import shared_material

REPO = Path(__file__).resolve().parents[1]
CORPUS = shared_material.corpus_dir()
GENERATED = CORPUS / "generated"
REPORT_KEYS = ["file", "status", "encoding", "sheet", "rows", "messages"]
MESSAGE_KEYS = ["level", "row", "column", "code", "message_zh", "message_en"]
BOMBS = ("D05_zip_bomb_plain_renamed.xlsx", "D06_zip_bomb_valid_ooxml_6M_rows.xlsx", "D08_xml_billion_laughs_in_sheet.xlsx")
OUTCOME = {"accept": "accepted", "accept_with_warnings": "accepted_with_warnings", "reject": "rejected"}

CORPUS_FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []
ABSENT = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"needs the shared test corpus, kept outside the repository, not found at {CORPUS} "
    "(its generated cases are also built in code: tests/test_corpus_fixtures.py)",
)


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(CORPUS)) for p in paths]


def _assert_report_shape(payload: dict) -> None:
    assert list(payload) == REPORT_KEYS
    assert payload["status"] in STATUSES
    for message in payload["messages"]:
        assert list(message) == MESSAGE_KEYS
        assert message["level"] in ("error", "warning", "info")
        assert message["message_zh"] and message["message_en"]
    has_error = any(m["level"] == "error" for m in payload["messages"])
    has_warning = any(m["level"] == "warning" for m in payload["messages"])
    expected = "rejected" if has_error else ("accepted_with_warnings" if has_warning else "accepted")
    assert payload["status"] == expected
    if payload["status"] == "rejected":
        assert payload["rows"] == 0


@ABSENT
@pytest.mark.parametrize("path", CORPUS_FILES, ids=_ids(CORPUS_FILES))
def test_every_corpus_file_ends_in_a_report(path):
    started = time.monotonic()
    report = check_file(path)
    elapsed = time.monotonic() - started
    _assert_report_shape(json.loads(json.dumps(report.to_dict(), ensure_ascii=False)))
    assert report.file == str(path)
    assert all(m.code != "internal_error" for m in report.messages), report.messages
    assert elapsed < (2 if path.name in BOMBS or path.name.startswith("poc-") else 10)
    if report.status != "rejected":
        assert len(report.figures) and report.rows == report.figures.source_row.nunique()
        assert report.figures.figure_id.is_unique
    else:
        assert report.figures.empty
    if path.is_relative_to(CORPUS / "public"):
        # Files from other projects' test suites are not anti-fraud tables: refused with a reason.
        assert report.status == "rejected"
        assert any(m.level == "error" for m in report.messages)


# Our outcome per generated file, and messages (code, row, column) it must contain. Where it
# differs from expected.json the comment says which product rule decides.
BARE_CHANGE = ("change_without_metric", 1, "同比(%)")  # a bare 同比(%) after 破案率 names no metric: not imported
OURS = {
    "A01": ("accepted_with_warnings", [BARE_CHANGE]),  # expected: accept; the bare 同比 column is not guessed
    "A02": ("accepted_with_warnings", [BARE_CHANGE]),  # as A01
    "A03": ("accepted_with_warnings", [BARE_CHANGE, ("cross_field", 3, "破案率(%)")]),  # "1,427" makes 377/1427 ≠ 46.9
    "A04": ("rejected", [("undecodable", 4, "备注")]),
    "A06": ("accepted_with_warnings", [BARE_CHANGE]),  # as A01
    "A07": ("rejected", [("repeated_header", 10, "地区"), ("duplicate_row", 11, "地区"), ("duplicate_row", 12, "地区")]),
    "A08": ("accepted_with_warnings", [BARE_CHANGE]),  # as A01
    "A11": ("accepted_with_warnings", [BARE_CHANGE]),  # as A01
    "A12": ("rejected", [("file_empty", None, None)]),
    "A13": ("rejected", [("file_empty", None, None)]),
    "A14": ("rejected", [("file_empty", None, None)]),
    "A15": ("rejected", [("no_rows", None, None)]),
    "A16": ("accepted_with_warnings", [("kind_mismatch", None, None)]),  # routed by content, with a warning
    "A17": ("accepted_with_warnings", [("kind_mismatch", None, None)]),  # routed by content, with a warning
    "A18": ("rejected", [("html_disguised", None, None)]),
    "A19": ("rejected", [("legacy_or_encrypted", None, None)]),
    # Two-row header columns are named "group/sub" so that the person finds them.
    "B01": ("accepted_with_warnings", [("formula_no_value", 13, "案件情况/立案数"), ("total_row", 13, "地区")]),
    "B02": ("accepted_with_warnings", [("total_row", 10, "地区"), ("subtotal_row", 11, "地区")]),
    "B04": ("rejected", [("duplicate_header", 1, "立案数")]),
    "B06": ("rejected", [("conflicting_duplicate", 10, "地区"), ("duplicate_row", 11, "地区")]),
    "B07": ("rejected", [("extra_cell", 4, None), ("missing_cell", 6, "劝阻人数")]),
    "B08": ("rejected", [("unbalanced_quote", 3, "地区")]),
    "B09": ("accepted_with_warnings", [("sheet_chosen", None, None)]),
    "B11": ("accepted_with_warnings", [BARE_CHANGE]),  # as A01
    "B12": ("accepted_with_warnings", [("blank_row", 5, None), ("section_row", 6, "地区")]),
    # 约1400 and 1400+ are kept with their qualifiers (about, at_least); "-" is a missing value, not an error.
    "C01": ("rejected", [("scientific_notation", 13, "立案数"), ("not_integer", 14, "立案数"), ("missing_value", 15, "立案数")]),
    "C02": ("rejected", [("ambiguous_percent", 4, "破案率(%)"), ("chinese_numerals", 7, "破案率(%)"), ("missing_value", 8, "破案率(%)")]),
    "C03": ("rejected", [("negative", 4, "立案数"), ("negative", 6, "劝阻人数")]),
    "C04": ("rejected", [("out_of_range", 3, "破案率(%)")]),  # the bare 同比 column (row 5's -120) is not imported
    "C06": ("rejected", [("ambiguous_date", 6, "统计月份"), ("bad_date", 7, "统计月份"), ("bad_date", 8, "统计月份")]),
    # A bare 980124000 in a 万元 column would be 9.8万亿元: refused rather than stored (a wrong number is the worst bug).
    "C07": ("rejected", [("unit_outlier", 7, "涉案金额(万元)")]),
    # Cross-field inconsistencies are warnings by the product's rule (the expected file rejects row 3).
    "C08": ("accepted_with_warnings", [("cross_field", 3, "破案数"), ("cross_field", 5, "挽损金额(万元)"), ("cross_field", 7, "破案率(%)")]),
    "C09": ("rejected", [("unknown_region", r, "地区") for r in (10, 11, 12, 13)] + [("missing_value", 3, "劝阻人数")]),
    # Row 11 (北京市朝阳区) is read as the district 110105 since divisions go to the county (issue 14).
    "C10": ("rejected", [("unknown_region", r, "地区") for r in (4, 5, 10)]),
    "C12": ("rejected", [("control_characters", r, "地区") for r in (3, 4, 5, 6)]),
    "C14": ("rejected", [("too_long", 2, "备注")]),  # over-long cells are refused, not truncated
    "C15": ("rejected", [("too_many_columns", 1, None)]),
    "C16": ("rejected", [("formula_no_value", 4, "立案数"), ("excel_error", 5, "破案数"), ("excel_error", 6, "涉案金额(万元)")]),
    "C17": ("accepted_with_warnings", [("formula_no_value", 10, "立案数"), ("total_row", 10, "地区")]),
    "C18": ("accepted_with_warnings", [BARE_CHANGE]),  # 合计 verified silently; the warning is the bare 同比
    "C19": ("rejected", [("precision_lost", 2, "案件编号"), ("precision_lost", 4, "案件编号"), ("bad_code", 5, "行政区划代码")]),
    "C20": ("rejected", [("ambiguous_date", 4, "统计月份"), ("implausible_date", 5, "统计月份")]),
    "D01": ("rejected", [("unknown_region", 12, "地区")]),
    "D03": ("rejected", [("unknown_region", r, "地区") for r in range(2, 10)]),
    "D04": ("rejected", [("no_region_column", 1, None)]),
    "D05": ("rejected", [("zip_too_large", None, None)]),
    "D06": ("rejected", [("zip_too_large", None, None)]),
    "D08": ("rejected", [("unsafe_xml", None, None)]),
    "D10": ("rejected", [("unsafe_xml", None, None)]),
    "D12": ("rejected", []),  # a JSON list of file names, not a table
    "E01": ("rejected", []),  # a Python script, not a table
}


def _expected_cases() -> list[dict]:
    if not (GENERATED / "expected.json").exists():
        return []
    return json.loads((GENERATED / "expected.json").read_text(encoding="utf-8"))


EXPECTED = _expected_cases()


@ABSENT
def test_every_generated_case_has_an_outcome_here():
    assert sorted(OURS) == sorted(case["id"] for case in EXPECTED)


@ABSENT
@pytest.mark.parametrize("case", EXPECTED, ids=[c["id"] for c in EXPECTED])
def test_generated_case_outcome(case):
    status, required = OURS[case["id"]]
    report = check_file(GENERATED / case["file"])
    found = {(m.code, m.row, m.column) for m in report.messages}
    assert report.status == status, sorted(found, key=str)
    for message in required:
        assert message in found, sorted(found, key=str)
    if OUTCOME[case["outcome"]] == "rejected" and status == "rejected":
        # Where expected.json names a row and column and we agree on refusing, we name it too.
        located = {(m.row, m.column) for m in report.messages}
        for error in case["errors"]:
            if (case["id"], error["row"]) in ACCEPTED_SINCE:
                continue
            if error["row"] is not None and case["id"] not in ("C01", "C04", "C14"):
                assert (error["row"], error["column"]) in located or error["row"] in {m.row for m in report.messages}


# Rows the corpus expects refused that the checker reads on purpose: (case, row) -> its region code.
ACCEPTED_SINCE = {("C10", 11): "110105"}  # 北京市朝阳区: county-level divisions since issue 14


@ABSENT
def test_rows_read_on_purpose_are_read():
    for (case_id, row), code in ACCEPTED_SINCE.items():
        case = next(c for c in EXPECTED if c["id"] == case_id)
        report = check_file(GENERATED / case["file"])
        assert not [m for m in report.messages if m.row == row and m.level == "error"]
        lines = (GENERATED / case["file"]).read_bytes().splitlines()
        alone = check_bytes(lines[0] + b"\n" + lines[row - 1] + b"\n", case["file"])
        assert alone.status != "rejected" and list(alone.figures.region_code) == [code]


BASELINE_ROW_2 = {  # 北京市 2024 in the baseline files, in the figure model's units
    "cases_filed": 1427,
    "cases_solved": 612,
    "fraud_losses": 352_105_000,  # 35210.5 万元
    "losses_recovered": 81_203_000,  # 8120.3 万元
    "victims_prevented": 20311,
    "clearance_rate": 42.9,
}


@ABSENT
@pytest.mark.parametrize(
    "name",
    [
        "A01_valid_baseline_utf8.csv",
        "A02_valid_baseline.xlsx",
        "A06_utf8_bom.csv",
        "A08_utf16le_tab_unicode_text.csv",
        "A11_semicolon_delimiter.csv",
        "B11_dimension_claims_1048576_rows.xlsx",
        "C18_formulas_with_cached_values.xlsx",
        "B01_title_row_two_row_merged_header_total_notes.xlsx",
        "B09_multiple_sheets_hidden_and_instructions.xlsx",
    ],
)
def test_baseline_values(name):
    report = check_file(GENERATED / name)
    figures = report.figures
    first = figures[figures.source_row == figures.source_row.min()]
    assert dict(zip(first.metric_id, first.value, strict=True)) == BASELINE_ROW_2
    assert set(first.region_code) == {"110000"}
    assert set(figures.period_text) == {"2024年"} and set(figures.period_end) == {"2024-12-31"}
    assert report.rows == 8 and len(figures) == 48


@ABSENT
def test_gbk_export_reads_the_quoted_thousands():
    report = check_file(GENERATED / "A03_gbk_excel_export.csv")
    assert report.encoding == "gb18030"
    figures = report.figures
    assert figures[(figures.source_row == 3) & (figures.metric_id == "cases_filed")].value.tolist() == [1427]


@ABSENT
def test_qualified_counts_are_kept_not_refused():
    # C01 with its refused rows removed: 约1400 and 1400+ keep their qualifiers.
    lines = (GENERATED / "C01_count_number_formats.csv").read_text(encoding="utf-8").splitlines()
    from loaders.tables import check_bytes

    kept = ("\n".join(lines[:12]) + "\n").encode("utf-8")  # header + rows 2-12
    report = check_bytes(kept, "C01_part.csv")
    # The case's own description column (说明(非数据)) is named as not imported, and nothing else is said.
    assert report.status == "accepted_with_warnings"
    assert [(m.code, m.column) for m in report.messages] == [("column_not_imported", "说明(非数据)")]
    by_row = {r.source_row: (r.value, r.qualifier) for r in report.figures.itertuples()}
    assert by_row == {
        2: (1427, "exact"), 3: (1427, "exact"), 4: (1427, "exact"), 5: (1427, "exact"), 6: (1427, "exact"),
        7: (1427, "exact"), 8: (13000, "exact"), 9: (20000000, "exact"), 10: (1427, "exact"),
        11: (1400, "about"), 12: (1400, "at_least"),
    }


CLI_FILES = [
    "generated/A01_valid_baseline_utf8.csv",
    "generated/B06_duplicate_region_year_rows.csv",
    "generated/A12_empty_0_bytes.csv",
    "generated/D06_zip_bomb_valid_ooxml_6M_rows.xlsx",
    "public/csv-spectrum/simple.csv",
]


@ABSENT
@pytest.mark.parametrize("name", CLI_FILES)
def test_check_command_contract(name):
    path = CORPUS / name
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "check", "--format", "json", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert "Traceback" not in result.stderr, result.stderr
    payload = json.loads(result.stdout)
    _assert_report_shape(payload)
    assert payload["file"] == str(path)
    assert result.returncode == (1 if payload["status"] == "rejected" else 0)
    if "bomb" in name:
        assert elapsed < 10  # includes interpreter start-up; the check itself is timed in process
