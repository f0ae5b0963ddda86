"""Reading bytes into a cell grid: every corpus file ends as a Grid or a ReadError, quickly.

XLSX fixtures are built here with openpyxl; hostile zip layouts are built with zipfile. The cases of
the generated corpus ("generated/A03" …) are read from their stand-ins built in code
(tests/corpus_fixtures.py); third-party files ("public/…") only from ../shared, where present.
"""

from __future__ import annotations

import datetime
import io
import random
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from loaders import reading
from loaders.messages import Message, ReadError
from loaders.reading import MAX_CELLS, Grid, read_grid
from tests import shared_material
from tests.corpus_fixtures import COLUMN_TOTALS, FIXTURES

CORPUS = shared_material.corpus_dir()
GENERATED = CORPUS / "generated"
PUBLIC = CORPUS / "public"
BOMBS = ("generated/D05", "generated/D06", "generated/D08", "generated/D10", "public/apache-poi/poc-")
# openpyxl warns about styles and extensions it drops; not this module's concern.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:openpyxl.*")
CELL_TYPES = (str, int, float, bool, datetime.datetime, datetime.date, datetime.time, datetime.timedelta)


def _corpus_files() -> list:
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"needs the shared test corpus (its third-party files stay outside the repository), not found at {CORPUS.resolve()}"))]
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    return [pytest.param(p, id=p.relative_to(CORPUS).as_posix()) for p in files]


def _corpus(relative_prefix: str) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"needs the shared test corpus (its third-party files stay outside the repository), not found at {CORPUS.resolve()}")
    folder, _, prefix = relative_prefix.rpartition("/")
    matches = sorted((CORPUS / folder).glob(prefix + "*"))
    assert len(matches) == 1, f"expected one corpus file for {relative_prefix}, found {matches}"
    return matches[0]


def _file(relative_prefix: str) -> tuple[bytes, str]:
    """(bytes, file name): a generated case's stand-in built in code, or a file of the shared corpus."""
    folder, _, prefix = relative_prefix.rpartition("/")
    if folder == "generated":
        (fixture,) = [f for f in FIXTURES.values() if f.case == prefix and not f.differs]
        return fixture.build(), fixture.name
    path = _corpus(relative_prefix)
    return path.read_bytes(), path.name


def _read(relative_prefix: str) -> Grid:
    return read_grid(*_file(relative_prefix))


def _refusal(relative_prefix: str) -> Message:
    data, name = _file(relative_prefix)
    with pytest.raises(ReadError) as caught:
        read_grid(data, name)
    return caught.value.messages[0]


def _assert_messages_complete(messages: list[Message]) -> None:
    assert messages
    for message in messages:
        assert isinstance(message, Message)
        assert message.message_zh.strip() and message.message_en.strip()


def _assert_grid_well_formed(grid: Grid) -> None:
    assert grid.file_kind in ("csv", "xlsx")
    assert isinstance(grid.rows, list) and grid.rows
    for row in grid.rows:
        assert isinstance(row, list)
        for value in row:
            assert value is None or isinstance(value, CELL_TYPES), type(value)
            assert value != ""
    for top, left, bottom, right in grid.merged:
        assert 0 <= top <= bottom and 0 <= left <= right
    if grid.file_kind == "csv":
        assert grid.encoding and grid.delimiter and grid.sheet is None
    else:
        assert grid.encoding is None and grid.sheet and grid.sheet_note_zh and grid.sheet_note_en
        widths = {len(row) for row in grid.rows}
        assert len(widths) == 1, "xlsx rows are padded to one width"
    for message in grid.warnings:
        _assert_messages_complete([message])


# ---------------------------------------------------------------- the whole corpus


@pytest.mark.timeout(10)
@pytest.mark.parametrize("path", _corpus_files())
def test_every_corpus_file_gives_a_grid_or_a_read_error(path):
    data = path.read_bytes()
    start = time.perf_counter()
    try:
        grid = read_grid(data, path.name)
    except ReadError as refusal:
        _assert_messages_complete(refusal.messages)
    else:
        _assert_grid_well_formed(grid)
    elapsed = time.perf_counter() - start
    if path.relative_to(CORPUS).as_posix().startswith(BOMBS):
        assert elapsed < 2.0, f"{path.name} took {elapsed:.2f} s"


@pytest.mark.timeout(10)
@pytest.mark.parametrize("name", list(FIXTURES))
def test_every_corpus_fixture_gives_a_grid_or_a_read_error(name):
    data = FIXTURES[name].build()
    start = time.perf_counter()
    try:
        grid = read_grid(data, name)
    except ReadError as refusal:
        _assert_messages_complete(refusal.messages)
    else:
        _assert_grid_well_formed(grid)
    assert time.perf_counter() - start < 2.0


@pytest.mark.timeout(10)
@pytest.mark.parametrize("prefix", ["generated/D05", "generated/D06", "generated/D08", "generated/D10"])
def test_generated_bombs_are_refused_fast(prefix):
    start = time.perf_counter()
    message = _refusal(prefix)
    assert time.perf_counter() - start < 2.0
    assert message.code in {"zip_too_large", "zip_ratio", "unsafe_xml"}


@pytest.mark.timeout(10)
def test_apache_poi_bombs_are_refused_fast():
    paths = sorted((PUBLIC / "apache-poi").glob("poc-*")) if CORPUS.is_dir() else []
    if not paths:
        pytest.skip(f"needs the shared test corpus (its third-party files stay outside the repository), not found at {CORPUS.resolve()}")
    for path in paths:
        start = time.perf_counter()
        with pytest.raises(ReadError):
            read_grid(path.read_bytes(), path.name)
        assert time.perf_counter() - start < 2.0, path.name


# ---------------------------------------------------------------- named corpus files


def test_gbk_export_decodes_as_gb18030_with_chinese_headers():
    grid = _read("generated/A03")
    assert grid.encoding == "gb18030"
    assert grid.rows[0][:5] == ["地区", "年份", "立案数", "破案数", "涉案金额(万元)"]
    assert grid.rows[1][0] == "北京市"
    assert grid.rows[2][:3] == ["天津市", "2024", "1,846"]  # the quoted "1,427" stays one cell


def test_euro_byte_is_refused_naming_line_and_column():
    message = _refusal("generated/A04")
    assert message.code == "undecodable"
    assert (message.row, message.column) == (4, "备注")
    assert "0x80" in message.message_zh and "UTF-8" in message.message_zh


def test_utf8_bom_is_stripped_from_the_first_header():
    grid = _read("generated/A06")
    assert grid.encoding == "utf-8-sig"
    assert grid.rows[0][0] == "地区"


def test_bom_in_the_middle_is_removed_with_a_warning_naming_the_row():
    grid = _read("generated/A07")
    assert [(m.code, m.row) for m in grid.warnings] == [("bom_in_middle", 10)]
    assert grid.rows[9][0] == "地区"


def test_utf16_tab_separated_text():
    grid = _read("generated/A08")
    assert (grid.encoding, grid.delimiter) == ("utf-16", "\t")
    assert grid.rows[0][0] == "地区" and len(grid.rows[0]) == 9


def test_semicolon_delimiter_is_sniffed():
    grid = _read("generated/A11")
    assert grid.delimiter == ";"
    assert len(grid.rows[0]) == 9


@pytest.mark.parametrize("prefix", ["generated/A12", "generated/A13", "generated/A14"])
def test_empty_files_are_refused(prefix):
    assert _refusal(prefix).code == "file_empty"


def test_csv_named_xlsx_is_read_as_csv_with_a_warning():
    grid = _read("generated/A16")
    assert grid.file_kind == "csv"
    assert grid.warnings[0].code == "kind_mismatch"
    assert ".xlsx" in grid.warnings[0].message_zh


def test_xlsx_named_csv_is_read_as_xlsx_with_a_warning():
    grid = _read("generated/A17")
    assert grid.file_kind == "xlsx"
    assert grid.warnings[0].code == "kind_mismatch"
    assert grid.rows[1][:3] == ["北京市", 2024, 1510]


def test_html_saved_as_xls_is_refused():
    message = _refusal("generated/A18")
    assert message.code == "html_disguised"
    assert "网页" in message.message_zh and "web page" in message.message_en


def test_ole2_container_is_refused_as_old_xls_or_encrypted():
    message = _refusal("generated/A19")
    assert message.code == "legacy_or_encrypted"
    assert ".xls" in message.message_zh and "密码" in message.message_zh


@pytest.mark.parametrize("prefix", ["public/calamine/pass_protected", "public/apache-poi/protected_passtika"])
def test_encrypted_workbooks_say_so(prefix):
    message = _refusal(prefix)
    assert message.code == "encrypted"
    assert "密码" in message.message_zh and "password" in message.message_en


def test_b01_keeps_merged_ranges_percent_formats_and_warns_on_uncached_sums():
    grid = _read("generated/B01")
    assert (0, 0, 0, 7) in grid.merged and (2, 1, 2, 2) in grid.merged
    assert grid.rows[0][1] is None  # merged values are not filled in
    assert grid.rows[4][6] == 0.434 and (4, 6) in grid.percent_cells
    assert {(m.code, m.row) for m in grid.warnings} >= {("formula_without_value", 13)}


def test_unbalanced_quote_names_the_row_where_it_opened():
    message = _refusal("generated/B08")
    assert message.code == "unbalanced_quote"
    assert (message.row, message.column) == (3, "地区")


def test_data_sheet_is_chosen_over_instructions_and_hidden_sheets():
    grid = _read("generated/B09")
    assert grid.sheet == "2024数据"
    assert "2023旧数据" in grid.sheet_note_zh and "hidden" in grid.sheet_note_en
    assert grid.warnings[0].code == "sheet_chosen" and grid.warnings[0].level == "warning"


@pytest.mark.timeout(10)
def test_huge_dimension_claim_gives_a_small_grid():
    start = time.perf_counter()
    grid = _read("generated/B11")
    assert time.perf_counter() - start < 2.0
    assert len(grid.rows) == 9 and len(grid.rows[0]) == 9


def test_control_characters_are_removed_with_warnings_naming_the_cells():
    grid = _read("generated/C12")
    assert [(m.code, m.row, m.column) for m in grid.warnings] == [
        ("control_characters", row, "地区") for row in (3, 4, 5, 6)
    ]
    assert all("\x00" not in (cell or "") for row in grid.rows for cell in row if isinstance(cell, str))


def test_cell_longer_than_excel_allows_is_kept_with_a_warning():
    grid = _read("generated/C14")
    assert [(m.code, m.row, m.column) for m in grid.warnings] == [("cell_longer_than_excel", 2, "备注")]


def test_excel_error_values_stay_strings_and_uncached_formulas_are_named():
    grid = _read("generated/C16")
    assert grid.rows[4][3] == "#N/A" and grid.rows[5][4] == "#REF!"
    assert grid.rows[3][2] is None
    assert [(m.code, m.row, m.column) for m in grid.warnings] == [("formula_without_value", 4, "C")]


def test_formulas_without_cached_values_warn():
    grid = _read("generated/C17")
    warned = [(m.code, m.row, m.column) for m in grid.warnings]
    assert ("formula_without_value", 10, "C") in warned
    assert grid.rows[9][2] is None


def test_formulas_with_cached_values_read_the_cache():
    grid = _read("generated/C18")
    assert grid.rows[9][2] == COLUMN_TOTALS[2]
    assert grid.warnings == []


def test_dates_stay_datetimes():
    grid = _read("generated/C20")
    assert grid.rows[1][1] == datetime.datetime(2024, 1, 1)
    assert grid.rows[3][1] == 45292


@pytest.mark.parametrize(
    "prefix",
    ["public/pandas/sauron.SHIFT_JIS", "public/chardet/_ude_1"],
)
def test_other_east_asian_encodings_are_refused(prefix):
    message = _refusal(prefix)
    assert message.code == "implausible_encoding"
    assert "UTF-8" in message.message_zh


@pytest.mark.parametrize(
    "prefix",
    ["public/csvkit/test_latin1", "public/frictionless-py/latin1", "public/frictionless-py/table-infer-iso-8859-7"],
)
def test_western_encodings_are_refused(prefix):
    assert _refusal(prefix).code in {"undecodable", "implausible_encoding"}


@pytest.mark.parametrize(
    ("prefix", "code"),
    [
        ("public/apache-poi/SimpleStrict", "strict_ooxml"),
        ("public/apache-poi/ContentTypeHasEntities", "unsafe_xml"),
        ("public/apache-poi/invalid.xlsx", "not_a_workbook"),
        ("public/apache-poi/chinese-provinces", "legacy_or_encrypted"),
        ("public/openpyxl/null_file", "file_empty"),
        ("public/calamine/empty_sheet", "no_data_sheet"),
    ],
)
def test_public_refusals(prefix, code):
    assert _refusal(prefix).code == code


def test_merged_ranges_are_zero_based():
    grid = _read("public/calamine/merge_cells")
    assert grid.merged == [(0, 0, 0, 1), (1, 0, 3, 0), (1, 1, 3, 3)]


def test_table_not_at_a1_keeps_excel_positions():
    grid = _read("public/calamine/temperature-in-middle")
    assert grid.rows[0] == [None, None, None]
    assert grid.rows[3] == [None, "label", "value"]


# ---------------------------------------------------------------- CSV built here


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(delimiter):
    text = delimiter.join(["地区", "备注", "立案数"]) + "\n"
    text += delimiter.join(["北京市", '"a, b; c| d"', "1427"]) + "\n"
    text += delimiter.join(["天津市", "", "803"]) + "\n"
    grid = read_grid(text.encode(), "t.csv")
    assert grid.delimiter == delimiter
    assert grid.rows == [["地区", "备注", "立案数"], ["北京市", "a, b; c| d", "1427"], ["天津市", None, "803"]]


def test_ragged_rows_and_blank_rows_are_kept_in_place():
    grid = read_grid(b"a,b,c\n1,2,3,4\n\n5,6\n\n\n", "t.csv")
    assert grid.rows == [["a", "b", "c"], ["1", "2", "3", "4"], [], ["5", "6"]]


def test_quoted_newlines_keep_one_record_per_excel_row():
    grid = read_grid(b'a,b\r"x\r\ny",2\r3,4\r', "t.csv")
    assert grid.rows == [["a", "b"], ["x\r\ny", "2"], ["3", "4"]]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")],
)
def test_chinese_text_encodings(encoding, expected):
    text = "地区,立案数,备注\n北京市,1427,电信网络诈骗\n上海市,1655,涉案金额较大\n"
    grid = read_grid(text.encode(encoding), "t.csv")
    assert grid.encoding == expected
    assert grid.rows[2] == ["上海市", "1655", "涉案金额较大"]


@pytest.mark.parametrize("encoding", ["big5", "shift_jis"])
def test_non_chinese_mainland_encodings_are_refused(encoding):
    text = {
        "big5": "地區,立案數,備註\n臺北市,1427,電信網路詐騙案件數量統計\n",
        "shift_jis": "地域,件数,備考\n東京都,1427,ホビットの冒険とサウロンの物語\n",
    }[encoding]
    with pytest.raises(ReadError) as caught:
        read_grid(text.encode(encoding), "t.csv")
    assert caught.value.messages[0].code in {"implausible_encoding", "undecodable"}


def test_utf16_without_bom_is_recognised():
    grid = read_grid("a\tb\n1\t2\n".encode("utf-16-le"), "t.txt")
    assert grid.encoding == "utf-16-le" and grid.rows == [["a", "b"], ["1", "2"]]


def test_binary_junk_is_refused():
    with pytest.raises(ReadError) as caught:
        read_grid(bytes(range(256)) * 40, "t.csv")
    _assert_messages_complete(caught.value.messages)


def test_nul_heavy_text_is_refused():
    with pytest.raises(ReadError) as caught:
        read_grid(b"a,b\n" + b"\x00\x00\x00x,1\n" * 50, "t.csv")
    assert caught.value.messages[0].code == "binary_file"


def test_a_field_past_the_csv_limit_names_its_row():
    data = b"a,b\n1,2\n3,\"" + b"x" * 200_000 + b'"\n'
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.csv")
    assert (caught.value.messages[0].code, caught.value.messages[0].row) == ("cell_too_long", 3)


@pytest.mark.timeout(10)
def test_more_rows_than_excel_holds_are_refused():
    with pytest.raises(ReadError) as caught:
        read_grid(b"a\n" + b"\n" * 1_100_000 + b"b\n", "t.csv")
    assert caught.value.messages[0].code == "too_many_rows"


def test_fullwidth_comma_is_not_a_delimiter_but_warned():
    grid = read_grid("地区，立案数\n北京市，1427\n天津市，803\n".encode(), "t.csv")
    assert grid.rows[1] == ["北京市，1427"]
    assert [m.code for m in grid.warnings] == ["fullwidth_delimiter"]


def test_file_above_the_size_limit_is_refused_stating_the_limit():
    with pytest.raises(ReadError) as caught:
        read_grid(b"a,b\n" * 1000, "t.csv", max_bytes=1024)
    message = caught.value.messages[0]
    assert message.code == "file_too_large"
    assert "1.0 KB" in message.message_zh and "上限" in message.message_zh
    assert "3.9 KB" in message.message_en


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n...", "not_a_table"),
        (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "spreadsheetml_2003"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "html_disguised"),
        (b"<!-- exported -->\r\n<table><tr><td>1</td></tr></table>", "html_disguised"),
        (b'<?xml version="1.0"?><records><r>1</r></records>', "xml_document"),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n", "html_disguised"),
        (b"\xef\xbb\xbf\r\n\r\n", "file_empty"),
        (b",,,\n ,\t,\n", "file_empty"),
    ],
)
def test_text_refusals(data, code):
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xls")
    assert caught.value.messages[0].code == code


def test_header_starting_with_a_tag_is_still_csv():
    grid = read_grid(b"<img src=x onerror=alert(1)>,b\n<script>alert(1)</script>,<table>\n", "t.csv")
    assert grid.rows == [["<img src=x onerror=alert(1)>", "b"], ["<script>alert(1)</script>", "<table>"]]


def test_non_bytes_input_is_a_read_error_and_bytearray_is_fine():
    with pytest.raises(ReadError):
        read_grid("a,b\n1,2\n", "t.csv")  # type: ignore[arg-type]
    assert read_grid(bytearray(b"a,b\n1,2\n"), "t.csv").rows == [["a", "b"], ["1", "2"]]


# ---------------------------------------------------------------- XLSX built here


def _xlsx(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def table_workbook() -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(["地区", "立案数", "破案率", "日期"])
    sheet.append(["北京市", 1427, 0.429, datetime.datetime(2024, 1, 1)])
    sheet.append(["天津市", 803, 0.469, datetime.datetime(2024, 2, 1)])
    sheet["C2"].number_format = "0.0%"
    return workbook


def test_xlsx_values_keep_their_types(table_workbook):
    grid = read_grid(_xlsx(table_workbook), "t.xlsx")
    assert grid.rows[1] == ["北京市", 1427, 0.429, datetime.datetime(2024, 1, 1)]
    assert grid.percent_cells == {(1, 2)}
    assert grid.sheet == "数据" and grid.sheet_note_en == "Used the only sheet, “数据”"


def test_xlsx_merged_ranges_are_listed_not_filled(table_workbook):
    table_workbook.active.merge_cells("A5:B6")
    table_workbook.active["A5"] = "合计"
    grid = read_grid(_xlsx(table_workbook), "t.xlsx")
    assert grid.merged == [(4, 0, 5, 1)]
    assert grid.rows[4][:2] == ["合计", None] and grid.rows[5][:2] == [None, None]


def test_xlsx_formula_without_cached_value_is_none_with_a_warning(table_workbook):
    table_workbook.active["B4"] = "=SUM(B2:B3)"
    grid = read_grid(_xlsx(table_workbook), "t.xlsx")
    assert grid.rows[3][1] is None
    assert [(m.code, m.row, m.column) for m in grid.warnings] == [("formula_without_value", 4, "B")]
    assert "B4" in grid.warnings[0].message_zh


def test_xlsx_far_styled_cell_does_not_grow_the_grid(table_workbook):
    table_workbook.active["Z1048576"].number_format = "0.00"
    table_workbook.active["Z1048576"].font = openpyxl.styles.Font(bold=True)
    table_workbook.active["Y900000"] = "   "
    start = time.perf_counter()
    grid = read_grid(_xlsx(table_workbook), "t.xlsx")
    assert time.perf_counter() - start < 2.0
    assert (len(grid.rows), len(grid.rows[0])) == (3, 4)


def test_xlsx_sheet_choice_skips_hidden_chart_and_instruction_sheets(table_workbook):
    instructions = table_workbook.create_sheet("填表说明", 0)
    for row in range(1, 30):
        instructions.append([f"第{row}条说明", "很长的填表说明文字", "更多说明"])
    hidden = table_workbook.create_sheet("旧数据")
    for row in range(1, 30):
        hidden.append(["地区", row, row, row])
    hidden.sheet_state = "hidden"
    small = table_workbook.create_sheet("备用")
    small["A1"] = "x"
    chart = openpyxl.chart.BarChart()
    chart.add_data(openpyxl.chart.Reference(table_workbook["数据"], min_col=2, min_row=1, max_row=3))
    table_workbook.create_chartsheet("图表").add_chart(chart)
    grid = read_grid(_xlsx(table_workbook), "t.xlsx")
    assert grid.sheet == "数据"
    for skipped in ("填表说明", "旧数据", "备用", "图表"):
        assert skipped in grid.sheet_note_zh and skipped in grid.sheet_note_en


def test_xlsx_with_only_hidden_data_is_refused():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    workbook.active.sheet_state = "hidden"
    workbook.create_sheet("空")
    with pytest.raises(ReadError) as caught:
        read_grid(_xlsx(workbook), "t.xlsx")
    assert caught.value.messages[0].code == "no_data_sheet"
    assert "隐藏" in caught.value.messages[0].message_zh


def test_xlsx_escaped_characters_are_decoded_then_cleaned(table_workbook):
    # Excel stores control characters as _xHHHH_ escapes; openpyxl leaves them as text.
    table_workbook.active["A3"] = "天津市_x001B_[31m"
    table_workbook.active["A4"] = "line_x000D_\nbreak"
    table_workbook.active["A5"] = "bad_xDC88_"
    grid = read_grid(_xlsx(table_workbook), "t.xlsx")
    assert [row[0] for row in grid.rows[2:5]] == ["天津市[31m", "line\r\nbreak", "bad\ufffd"]
    assert [(m.code, m.row, m.column) for m in grid.warnings] == [
        ("control_characters", 3, "地区"),
        ("invalid_character", 5, "地区"),
    ]


def test_text_amplification_is_capped():
    # One 100,000-character shared string referenced by 200 cells: 20 million characters of cells
    # from a file of a few kilobytes, with no entry large enough for the ratio check.
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 201))
    data = _package(cells, shared_strings=["x" * 100_000])
    assert len(data) < 10_000
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx", max_bytes=1024 * 1024)
    assert caught.value.messages[0].code == "text_amplification"


def test_hand_built_package_reads():
    grid = read_grid(_package('<row r="2"><c r="B2" t="s"><v>0</v></c></row>', shared_strings=["地区"]), "t.xlsx")
    assert grid.rows == [[None, None], [None, "地区"]]


def test_macro_enabled_workbook_is_read_with_a_warning(table_workbook):
    data = _replace_part(
        _xlsx(table_workbook),
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )
    grid = read_grid(data, "t.xlsm")
    assert grid.warnings[0].code == "macros_not_run"


# ---------------------------------------------------------------- hostile zips built here


def _replace_part(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            target.writestr(entry.filename, change(content) if entry.filename == name else content)
    return out.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _package(sheet_data: str, shared_strings: list[str]) -> bytes:
    """A minimal workbook written by hand, for layouts openpyxl would not write."""
    strings = "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{_RELS}/officeDocument"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{_RELS}/worksheet"/>'
            f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{_RELS}/sharedStrings"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}" count="{len(shared_strings)}">{strings}</sst>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content.encode())
    return out.getvalue()


def _add_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


@pytest.mark.timeout(10)
def test_high_compression_ratio_is_refused(table_workbook):
    data = _add_parts(_xlsx(table_workbook), {"xl/media/padding.xml": b"\x00" * (20 * 1024 * 1024)})
    start = time.perf_counter()
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx")
    assert time.perf_counter() - start < 2.0
    assert caught.value.messages[0].code == "zip_ratio"


@pytest.mark.timeout(10)
def test_too_many_entries_are_refused(table_workbook):
    data = _add_parts(_xlsx(table_workbook), {f"xl/extra/{i}.txt": b"" for i in range(10_001)})
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx")
    assert caught.value.messages[0].code == "zip_too_many_entries"


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
        b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>',
        b"<!doctype x>",
    ],
)
def test_dtd_in_any_part_is_refused(table_workbook, doctype):
    data = _replace_part(
        _xlsx(table_workbook), "xl/worksheets/sheet1.xml", lambda xml: doctype + xml
    )
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx")
    assert caught.value.messages[0].code == "unsafe_xml"


def test_utf16_xml_part_is_refused(table_workbook):
    data = _replace_part(
        _xlsx(table_workbook),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    )
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx")
    assert caught.value.messages[0].code == "unsafe_xml"


def test_dtd_straddling_the_scan_chunks_is_refused(table_workbook):
    from loaders.reading import _SCAN_CHUNK

    rng = random.Random(7)
    filler = bytes(rng.choice(b"0123456789abcdef") for _ in range(_SCAN_CHUNK - 8))  # incompressible-ish
    padded = b"<!--" + filler + b"-->" + b'<!DOCTYPE x [<!ENTITY a "a">]>'
    data = _replace_part(_xlsx(table_workbook), "xl/worksheets/sheet1.xml", lambda xml: padded + xml)
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx")
    assert caught.value.messages[0].code == "unsafe_xml"


def test_other_declared_xml_encodings_are_refused(table_workbook):
    data = _replace_part(
        _xlsx(table_workbook),
        "xl/worksheets/sheet1.xml",
        lambda xml: b'<?xml version="1.0" encoding="cp037"?>' + xml,
    )
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx")
    assert caught.value.messages[0].code == "unsafe_xml"


def test_worksheet_hidden_among_images_is_never_parsed(table_workbook):
    source = zipfile.ZipFile(io.BytesIO(_xlsx(table_workbook)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            name = entry.filename
            if name == "xl/worksheets/sheet1.xml":
                name, content = "xl/media/sheet1.xml", b'<!DOCTYPE x [<!ENTITY a "a">]>' + content
            content = content.replace(b"/xl/worksheets/sheet1.xml", b"/xl/media/sheet1.xml")
            content = content.replace(b"worksheets/sheet1.xml", b"media/sheet1.xml")
            target.writestr(name, content)
    with pytest.raises(ReadError) as caught:
        read_grid(out.getvalue(), "t.xlsx")
    _assert_messages_complete(caught.value.messages)


def test_malformed_sheet_xml_names_the_sheet(table_workbook):
    data = _replace_part(_xlsx(table_workbook), "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) * 2 // 3])
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx")
    message = caught.value.messages[0]
    assert message.code == "damaged_sheet" and "数据" in message.message_zh


def test_zip_without_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="x"></Types>')
        target.writestr("readme.txt", b"hello")
    with pytest.raises(ReadError) as caught:
        read_grid(out.getvalue(), "t.xlsx")
    assert caught.value.messages[0].code == "not_a_workbook"


def test_plain_zip_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("data.csv", b"a,b\n1,2\n")
    with pytest.raises(ReadError) as caught:
        read_grid(out.getvalue(), "t.zip")
    assert caught.value.messages[0].code == "not_a_workbook"


@pytest.mark.timeout(20)
def test_mutated_files_only_ever_raise_read_error(table_workbook):
    rng = random.Random(20240601)
    seeds = [_xlsx(table_workbook), "地区,立案数\n北京市,\"1,427\"\n天津市,803\n".encode("gbk")]
    for _ in range(150):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(data))
            data[position] = rng.randrange(256)
        if rng.random() < 0.2:
            del data[rng.randrange(len(data)) :]
        try:
            grid = read_grid(bytes(data), "t.xlsx")
        except ReadError as refusal:
            _assert_messages_complete(refusal.messages)
        else:
            assert isinstance(grid, Grid)


def test_cell_limit_constant_is_sane():
    assert MAX_CELLS >= 1_000_000


# ---------------------------------------------------------------- CSV row cap, shared cells, lines


def _tidy_csv(rows: int, blank_every: int = 0) -> bytes:
    lines = ["地区,期间,指标,数值"]
    for i in range(rows):
        lines.append(f"北京市,2024年{i % 12 + 1}月,立案数,{i}")
        if blank_every and i % blank_every == 0:
            lines.append(",,,")
    return ("\n".join(lines) + "\n").encode()


def test_a_csv_far_over_the_data_row_limit_is_refused_naming_the_file_and_the_limit():
    cap = reading._row_cap(100)
    assert cap == 1_100  # a tenth more, and at least 1,000, for title, header and total rows
    with pytest.raises(ReadError) as caught:
        read_grid(_tidy_csv(cap), "大表\u202e.csv", max_rows=100)  # header + cap data rows: one too many
    message = caught.value.messages[0]
    assert message.code == "too_many_data_rows"
    assert "“大表.csv”" in message.message_zh and "100 行" in message.message_zh
    assert "“大表.csv”" in message.message_en and "more than 100 data rows" in message.message_en


def test_up_to_the_margin_the_csv_is_read_and_blank_rows_do_not_count():
    cap = reading._row_cap(100)
    assert len(read_grid(_tidy_csv(cap - 1), "t.csv", max_rows=100).rows) == cap
    grid = read_grid(_tidy_csv(cap - 1, blank_every=2), "t.csv", max_rows=100)
    assert len(grid.rows) > cap + cap // 3


def test_reading_stops_at_the_cap_before_the_rest_of_the_file():
    # Past the cap the file runs into an unclosed quote: never reached, so the row cap is what is said.
    data = _tidy_csv(2_000) + b'\xe5\xa4\xa9\xe6\xb4\xa5\xe5\xb8\x82,"2024\n' + b"x,y\n" * 10
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.csv", max_rows=100)
    assert caught.value.messages[0].code == "too_many_data_rows"
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.csv", max_rows=10_000)
    assert caught.value.messages[0].code == "unbalanced_quote"


def test_the_default_row_cap_follows_the_checkers_limit_at_call_time(monkeypatch):
    from loaders import tables
    from loaders.upload import limits

    monkeypatch.setattr(limits, "MAX_DATA_ROWS", 50)
    data = _tidy_csv(reading._row_cap(50) + 1)
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.csv")
    assert "50" in caught.value.messages[0].message_zh
    # Within the cap the checker decides, with its own message.
    report = tables.check_bytes(_tidy_csv(60), "t.csv")
    assert [m.code for m in report.messages if m.level == "error"] == ["too_many_rows"]
    monkeypatch.setattr(limits, "MAX_DATA_ROWS", 10**9)
    assert len(read_grid(data, "t.csv").rows) == reading._row_cap(50) + 2


def test_repeated_cell_texts_share_one_object():
    grid = read_grid(_tidy_csv(30), "t.csv")
    assert grid.rows[1][0] == grid.rows[29][0] == "北京市"
    assert grid.rows[1][0] is grid.rows[29][0]
    assert grid.rows[1][1] is grid.rows[13][1]  # 2024年1月 again
    assert grid.rows[1][3] == "0" and grid.rows[2][3] == "1"


def test_empty_cells_are_none_in_every_column():
    grid = read_grid(b"a,b,c\n,x,\n1,,\n,,\n2,3,4\n", "t.csv")
    assert grid.rows == [["a", "b", "c"], [None, "x", None], ["1", None, None], [None, None, None], ["2", "3", "4"]]


@pytest.mark.parametrize(
    "text", ["", "a", "a\n", "a\r\nb", "a\rb\r", "\r\r\n\n", 'a,"x\r\ny"\rb', "a\x0bb\u2028c\x1cd\n", "中\r\n文"]
)
def test_lines_are_split_as_stringio_splits_them(text):
    assert list(reading._Lines(text)) == list(io.StringIO(text, newline=""))


def test_a_workbook_without_dimensions_is_not_parsed_for_its_size(monkeypatch):
    """openpyxl's read-only sheets parse the whole sheet (slowly) for a size when <dimension> is missing."""
    from openpyxl.worksheet._reader import WorkSheetParser

    book = openpyxl.Workbook(write_only=True)  # writes no <dimension>
    hidden = book.create_sheet("旧表")
    hidden.sheet_state = "hidden"
    hidden.append(["地区", "立案数"])
    sheet = book.create_sheet("统计表")
    for row in (["地区", "立案数"], ["北京市", 1427], ["天津市", 803]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<dimension" not in archive.read("xl/worksheets/sheet2.xml")

    def refuse(self):
        raise AssertionError("the sheet was parsed for its size")

    monkeypatch.setattr(WorkSheetParser, "parse_dimensions", refuse)
    grid = read_grid(data, "t.xlsx")
    assert grid.rows == [["地区", "立案数"], ["北京市", 1427], ["天津市", 803]]
    assert grid.sheet == "统计表" and "隐藏工作表“旧表”" in grid.sheet_note_zh


def test_the_byte_limit_leaves_room_for_the_checkers_row_limit():
    from loaders import tables

    row = "广西壮族自治区防城港市,2024年12月,关停涉案电话号码,123456,个\n".encode()  # a long tidy row
    assert tables.MAX_DATA_ROWS * len(row) * 1.1 <= reading.MAX_BYTES


@pytest.mark.parametrize("index", ["-1", "2", "99999999", "1.5", "x"])
def test_a_shared_string_index_outside_the_table_is_refused_naming_the_cell(index):
    """A corrupt index was read as the last shared string (-1) and the file accepted."""
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        f'<row r="2"><c r="A2" t="s"><v>{index}</v></c><c r="B2"><v>5</v></c></row>'
    )
    with pytest.raises(ReadError) as caught:
        read_grid(_package(sheet, ["地区", "立案数"]), "t.xlsx")
    message = caught.value.messages[0]
    assert message.code == "bad_shared_string"
    assert "A2" in message.message_zh and "A2" in message.message_en and index in message.message_en
    assert "共享字符串" in message.message_zh and "shared string" in message.message_en


def test_the_shared_string_table_is_still_read_when_every_index_is_right():
    sheet = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    assert read_grid(_package(sheet, ["地区", "立案数"]), "t.xlsx").rows == [["地区", "立案数"]]


@pytest.mark.timeout(30)
def test_a_workbook_whose_part_list_is_too_large_is_refused_for_that_reason(table_workbook):
    """9,000 sheets make [Content_Types].xml larger than 1 MB: refused as what it is, not as entity declarations."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(2, 9_002)
    )
    data = _replace_part(
        _xlsx(table_workbook), "[Content_Types].xml", lambda xml: xml.replace(b"</Types>", overrides.encode() + b"</Types>")
    )
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx")
    message = caught.value.messages[0]
    assert message.code == "too_many_parts"
    assert "实体" not in message.message_zh and "entity" not in message.message_en
    assert "[Content_Types].xml" in message.message_en and "1.0 MB" in message.message_en


def test_a_part_in_another_encoding_is_refused_naming_the_encoding_not_entities(table_workbook):
    data = _replace_part(
        _xlsx(table_workbook),
        "xl/worksheets/sheet1.xml",
        lambda xml: b'<?xml version="1.0" encoding="cp037"?>' + xml,
    )
    with pytest.raises(ReadError) as caught:
        read_grid(data, "t.xlsx")
    message = caught.value.messages[0]
    assert message.code == "unsafe_xml" and "cp037" in message.message_zh and "cp037" in message.message_en
    assert "实体" not in message.message_zh and "entity" not in message.message_en
