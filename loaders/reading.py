"""Bytes -> cell grid, safely: file-kind sniffing, CSV decoding and dialect, guarded XLSX reading.

`read_grid(data, filename)` returns a `Grid` or raises `ReadError` carrying zh + en messages; no
other exception leaves it, whatever the bytes. The kind of file is decided by its content (magic
bytes); the file name only serves to warn when its extension says otherwise.

Decisions this module makes (and the table layer relies on):

* CSV text is decoded by BOM (UTF-8, UTF-16, UTF-32), then strict UTF-8, then strict GB18030, never
  with errors="replace". GB18030 accepts almost any byte soup, so its result must look like Chinese:
  most non-ASCII characters must be common GB2312 characters or punctuation (see
  `_looks_like_chinese`), which turns away Big5, Shift-JIS and Latin-1 files.
* A byte-order mark inside the text (two exports pasted together) is removed with a warning naming
  the row; control characters (NUL, ESC, ...) are removed from cells with a warning naming the cell.
  The data are kept so that the table layer can report everything at once.
* The delimiter is one of `,` `\\t` `;` `|`, chosen by the most consistent field count. The
  full-width comma `，` is never a delimiter (it appears inside Chinese text and in numbers such as
  1，427); a one-column file full of it gets a warning instead.
* Empty CSV fields and empty XLSX cells are both `None`; CSV rows keep their own length (ragged rows
  are reported by validation), XLSX rows are padded to the sheet's used width.
* Row i of the grid is row i + 1 in the person's spreadsheet, for CSV (records, not physical lines)
  and for XLSX (leading empty rows and columns are kept so that positions match Excel's).
* XLSX is checked with `zipfile` alone before any XML parser runs: entry count, declared
  uncompressed size, compression ratio, required parts, DOCTYPE/ENTITY declarations, XML encoding.
  Then openpyxl (read-only mode, for every size) reads the workbook's structure: sheets and their
  visibility, shared strings, styles, date system. The cells themselves are streamed by
  `_sheet_cells` with the C ElementTree parser (ten times faster than the defusedxml parser openpyxl
  uses, and safe once the scan has passed), which also gives what read-only worksheets do not
  expose: merged ranges, and formulas that have no cached value. Memory stays bounded by the grid.
* Total text extracted from a workbook is capped at `max_bytes` characters (shared-string
  amplification), and a grid at `MAX_CELLS` cells.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from loaders.messages import Message, ReadError, error, excel_column, info, warning
from loaders.upload import limits

# Room for the checker's 1,000,000 data rows (loaders.upload.limits.MAX_DATA_ROWS): a tidy table of that many
# rows is ~52 MB in UTF-8. .streamlit/config.toml's server.maxUploadSize must be at least this.
MAX_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024  # parsed whole (defusedxml): about 8,000 sheets' entries
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_CELLS = 10_000_000
EXCEL_CELL_CHARS = 32_767
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
MAX_MESSAGES_PER_CODE = 20

XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
DELIMITERS = (",", "\t", ";", "|")
INSTRUCTION_SHEET_RE = re.compile(r"说明|须知|指南|注意事项|帮助|instruction|readme|read[ _]me|help", re.I)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OTHER_BINARY_MAGICS = (
    (b"%PDF-", "PDF"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"{\\rtf", "RTF"),
)
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
_DTD_RE = re.compile(rb"<!\s*(?:doctype|entity)", re.I)
_SCAN_CHUNK = 1024 * 1024
_XML_ENCODINGS = (b"utf-8", b"utf8", b"us-ascii", b"ascii")
_XML_ENCODING_RE = re.compile(rb"""\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_SUSPECT_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ud800-\udfff]")
_HTML_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|table)\b", re.I)
_HTML_START_RE = re.compile(r"(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta|style|title)\b", re.S)
_WORKBOOK_CONTENT_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml",
    "application/vnd.ms-excel.template.macroenabled.main+xml",
)
_STRICT_NAMESPACE = b"purl.oclc.org/ooxml/spreadsheetml/main"


@dataclass
class Grid:
    """The cells of one table as read from a file, before any interpretation."""

    rows: list[list[object]]
    encoding: str | None = None
    sheet: str | None = None
    sheet_note_zh: str | None = None
    sheet_note_en: str | None = None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    file_kind: str = "csv"
    delimiter: str | None = None
    warnings: list[Message] = field(default_factory=list)
    # XLSX only: numeric cells whose number format is a percentage (0.429 shown as 42.9%), 0-based.
    percent_cells: set[tuple[int, int]] = field(default_factory=set)


def read_grid(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES, max_rows: int | None = None) -> Grid:
    """Read an uploaded CSV or XLSX file into a `Grid`; raise `ReadError` for anything unreadable.

    `max_rows` is the most data rows an upload may have (default: the checker's
    `loaders.upload.limits.MAX_DATA_ROWS`, read at call time). A CSV file is read only until it holds more
    non-blank rows than that plus a margin for title, header and total rows (`_row_cap`), and is then
    refused (`too_many_data_rows`), so a file far too large is refused quickly with little memory; up
    to that point the checker decides, with its own message.
    """
    try:
        return _read(data, filename, max_bytes, max_rows)
    except ReadError:
        raise
    except Exception as exc:  # the promise: no parser's exception reaches the person
        raise ReadError(
            error(
                "unreadable",
                "无法读取该文件，文件可能已损坏。请在Excel中打开后另存为“Excel 工作簿(*.xlsx)”或“CSV UTF-8(逗号分隔)”再上传",
                f"The file could not be read and may be damaged ({type(exc).__name__}: {_short(exc)}). "
                "Open it in Excel and save it as an Excel workbook (*.xlsx) or CSV UTF-8, then upload again",
            )
        ) from exc


def _read(data: bytes, filename: str, max_bytes: int, max_rows: int | None) -> Grid:
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise ReadError(
            error("not_bytes", "上传的内容不是文件数据", f"expected the file's bytes, got {type(data).__name__}")
        )
    if len(data) > max_bytes:
        raise ReadError(
            error(
                "file_too_large",
                f"文件大小为 {_megabytes(len(data))}，超过上限 {_megabytes(max_bytes)}，请拆分后再上传",
                f"The file is {_megabytes(len(data))}, above the limit of {_megabytes(max_bytes)}; "
                "split it and upload the parts",
            )
        )
    if not data:
        raise _empty_file()
    extension = os.path.splitext(os.path.basename(str(filename or "")))[1].lower()[:10]

    if data.startswith(_ZIP_MAGICS):
        grid = _read_xlsx(data, max_bytes)
        if extension not in XLSX_EXTENSIONS:
            grid.warnings.insert(0, _kind_mismatch(extension, "xlsx"))
        return grid
    if data.startswith(_OLE2_MAGIC):
        raise _ole2_error(data)
    for magic, name in _OTHER_BINARY_MAGICS:
        if data.startswith(magic):
            raise ReadError(
                error(
                    "not_a_table",
                    f"这是{name}文件，不是表格。请上传 .xlsx 或 .csv 文件",
                    f"This is a {name} file, not a table; upload an .xlsx or .csv file",
                )
            )
    grid = _read_csv(data, extension, filename, max_rows)
    if extension in XLSX_EXTENSIONS or extension == ".xls":
        grid.warnings.insert(0, _kind_mismatch(extension, "csv"))
    return grid


# ---------------------------------------------------------------- CSV


def _read_csv(data: bytes, extension: str, filename: str = "", max_rows: int | None = None) -> Grid:
    text, encoding = _decode(data)
    if not text.strip("\ufeff \t\r\n"):
        raise _empty_file()
    _refuse_markup(text, extension)
    nul_count = text.count("\x00")
    if nul_count > 8 and nul_count * 10 > len(text):
        raise ReadError(
            error(
                "binary_file",
                "文件包含大量空字符(NUL)，不是文本表格。请上传 .xlsx 或另存为“CSV UTF-8(逗号分隔)”的文件",
                "The file is full of NUL bytes and is not a text table; upload an .xlsx file or save as CSV UTF-8",
            )
        )
    delimiter = _sniff_delimiter(text)
    suspect, check_length = bool(_SUSPECT_RE.search(text)), len(text) > EXCEL_CELL_CHARS
    rows = _parse_csv(text, delimiter, _RowLimit(max_rows, filename))
    del text  # the grid holds the cells; the decoded text can go before the checker runs
    warnings: list[Message] = []
    _clean_csv_cells(rows, suspect, check_length, warnings)
    _trim_trailing_blank_rows(rows)
    if not rows:
        raise _empty_file()
    if delimiter == "," and _looks_fullwidth_delimited(rows):
        warnings.append(
            warning(
                "fullwidth_delimiter",
                "文件只有1列，且各行含全角逗号“，”：分隔符应为半角逗号“,”。请在Excel中另存为“CSV UTF-8(逗号分隔)”",
                "The file has a single column whose rows contain full-width commas “，”; the delimiter must be "
                "an ASCII comma. Save it from Excel as CSV UTF-8",
            )
        )
    return Grid(rows=rows, encoding=encoding, file_kind="csv", delimiter=delimiter, warnings=warnings)


def _decode(data: bytes) -> tuple[str, str]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), name
            except UnicodeDecodeError as exc:
                raise ReadError(
                    error(
                        "undecodable",
                        f"文件开头标明是 {name} 编码，但第 {exc.start + len(bom)} 字节处的内容不符合该编码，文件可能已损坏",
                        f"The file starts with a {name} byte-order mark but byte {exc.start + len(bom)} is not "
                        f"valid {name}; the file may be damaged",
                    )
                ) from None
    utf16 = _decode_utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            raise _undecodable(data, utf8_error, gb_error) from None
    plausible, share = _looks_like_chinese(text)
    if not plausible:
        raise ReadError(
            error(
                "implausible_encoding",
                "文件不是 UTF-8 编码；按 GBK/GB18030 解码后大多是生僻字或乱码"
                f"（常用字仅占 {share:.0%}），可能是繁体 Big5、日文 Shift-JIS 或西文 Latin-1 等编码。"
                "请在Excel中另存为“CSV UTF-8(逗号分隔)”后重新上传",
                "The file is not UTF-8, and read as GBK/GB18030 it is mostly rare characters or garbage "
                f"(common characters: {share:.0%}); it is probably Big5, Shift-JIS, Latin-1 or another "
                "encoding. Save it from Excel as CSV UTF-8 and upload again",
            )
        )
    return text, "gb18030"


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    head = data[:4096]
    if len(head) < 4 or head.count(0) * 4 < len(head):
        return None
    odd_nuls = head[1::2].count(0)
    even_nuls = head[0::2].count(0)
    codec = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        return None


def _undecodable(data: bytes, utf8_error: UnicodeDecodeError, gb_error: UnicodeDecodeError) -> ReadError:
    # The decoder that got further is the one the file was most likely meant for.
    failed = max((utf8_error, gb_error), key=lambda e: e.start)
    position = failed.start
    byte = data[position]
    line_start = data.rfind(b"\n", 0, position) + 1
    line = data.count(b"\n", 0, position) + 1
    column = None
    try:
        prefix = data[line_start:position].decode(failed.encoding)
        header = data[: data.find(b"\n") if b"\n" in data else len(data)].decode(failed.encoding, "ignore")
        delimiter = max(DELIMITERS, key=header.count)
        index = prefix.count(delimiter)
        names = header.strip("\r\ufeff").split(delimiter)
        column = names[index].strip() if index < len(names) and names[index].strip() else excel_column(index)
    except (UnicodeDecodeError, LookupError):
        pass
    euro_zh = "（0x80 在Windows简体中文代码页中是欧元符号“€”，标准GBK不含此字符）" if byte == 0x80 else ""
    euro_en = " (0x80 is the euro sign in Windows code page 936 but not part of GBK)" if byte == 0x80 else ""
    return ReadError(
        error(
            "undecodable",
            f"第 {line} 行含无法识别的字节 0x{byte:02X}{euro_zh}：文件既不是 UTF-8 也不是 GBK/GB18030 编码。"
            "请在Excel中另存为“CSV UTF-8(逗号分隔)”后重新上传",
            f"line {line} holds byte 0x{byte:02X}{euro_en}, which is neither UTF-8 nor GBK/GB18030. "
            f"Save the file from Excel as CSV UTF-8 and upload again (decoder: {_short(failed)})",
            row=line,
            column=column,
        )
    )


@functools.lru_cache(maxsize=65536)
def _character_class(char: str) -> str:
    code = ord(char)
    if 0xE000 <= code <= 0xF8FF:
        return "private"
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return "rare"
    lead = encoded[0]
    if 0xB0 <= lead <= 0xD7:
        return "level1"  # the 3,755 most used hanzi
    if 0xD8 <= lead <= 0xF7:
        return "level2"
    if lead in (0xA1, 0xA3):
        return "punctuation"  # CJK punctuation and full-width ASCII
    if lead == 0xA2:
        return "numbering"  # ①, ⑴, Ⅰ ...
    return "symbol"  # kana, Greek, Cyrillic, pinyin, box drawing


_CLASS_WEIGHTS = {"level1": 1.0, "punctuation": 1.0, "level2": 0.5, "numbering": 0.5}
PLAUSIBLE_CHINESE_SHARE = 0.8


def _looks_like_chinese(text: str) -> tuple[bool, float]:
    """Whether text decoded as GB18030 reads like Chinese, with the weighted share of common characters.

    Real GBK files measured: 0.93-1.0. Big5 read as GB18030: 0.19; Shift-JIS: 0.0 (all GBK-extension
    characters); random byte pairs land in GB2312 level 1 about one time in six.
    """
    if len(text) > 600_000:
        middle = len(text) // 2
        text = text[:200_000] + text[middle - 100_000 : middle + 100_000] + text[-200_000:]
    counts = Counter(text)
    total = 0
    good = 0.0
    for char, count in counts.items():
        if char < "\x80":
            continue
        total += count
        good += _CLASS_WEIGHTS.get(_character_class(char), 0.0) * count
    if total == 0:
        return True, 1.0
    share = good / total
    return share >= PLAUSIBLE_CHINESE_SHARE, share


def _refuse_markup(text: str, extension: str) -> None:
    head = text[:4096].lstrip("\ufeff \t\r\n")
    lowered = head[:2048].lower()
    is_xml = lowered.startswith("<?xml")
    if is_xml and ("urn:schemas-microsoft-com:office:spreadsheet" in lowered or "excel.sheet" in lowered):
        raise _spreadsheetml_2003()
    # A web page starts with one of its own tags; a CSV may start with "<img …>" in a header (and is a CSV).
    if lowered.startswith("mime-version:") or _HTML_START_RE.match(lowered) or (is_xml and _HTML_RE.search(lowered)):
        if extension in XLSX_EXTENSIONS or extension == ".xls":
            raise ReadError(
                error(
                    "html_disguised",
                    f"这是网页(HTML)表格另存为 {extension} 的文件，不是真正的Excel文件（很多系统的“导出Excel”"
                    "会生成这种文件）。请用Excel打开后另存为“Excel 工作簿(*.xlsx)”再上传",
                    f"This is a web page (HTML table) saved as {extension}, not a real Excel file (many systems' "
                    "'export to Excel' produce these). Open it in Excel and save it as an Excel workbook (*.xlsx)",
                )
            )
        raise ReadError(
            error(
                "html_disguised",
                "这是网页(HTML)文件，不是CSV或Excel表格。如果其中有表格，请用Excel打开后另存为“Excel 工作簿(*.xlsx)”",
                "This is a web page (HTML), not a CSV or Excel table. If it holds a table, open it in Excel and "
                "save it as an Excel workbook (*.xlsx)",
            )
        )
    if is_xml:
        raise ReadError(
            error(
                "xml_document",
                "这是XML文件，不是CSV或Excel表格",
                "This is an XML document, not a CSV or Excel table",
            )
        )


def _spreadsheetml_2003() -> ReadError:
    return ReadError(
        error(
            "spreadsheetml_2003",
            "这是“XML 电子表格 2003”格式，不支持。请用Excel打开后另存为“Excel 工作簿(*.xlsx)”再上传",
            "This is an 'XML Spreadsheet 2003' file, which is not supported; open it in Excel and save it as "
            "an Excel workbook (*.xlsx)",
        )
    )


def _sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rfind("\n") + 1]
    best_score, best = 0.0, ","
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        counts = []
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False)
        try:
            for row in itertools.islice(reader, 200):
                if any(cell.strip() for cell in row):
                    counts.append(len(row))
        except csv.Error:
            continue
        if not counts:
            continue
        width, frequency = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = frequency / len(counts)
        if score > best_score:
            best_score, best = score, delimiter
    return best


class _RowLimit:
    """Where reading a CSV file stops: more non-blank rows than the data-row limit plus a margin."""

    def __init__(self, max_rows: int | None, filename: str):
        if max_rows is None:
            max_rows = limits.MAX_DATA_ROWS  # at call time: tests tune it
        self.max_rows = max_rows
        self.cap = _row_cap(max_rows)
        self.filename = filename

    def error(self) -> ReadError:
        name = _shown_name(self.filename)
        return ReadError(
            error(
                "too_many_data_rows",
                f"文件“{name}”超过 {self.max_rows:,} 行数据的上限，已停止读取。请拆分为每个不超过 "
                f"{self.max_rows:,} 行的文件后分别上传",
                f"The file “{name}” has more than {self.max_rows:,} data rows, the upload limit; reading "
                f"stopped there. Split it into files of at most {self.max_rows:,} rows and upload them one by one",
            )
        )


def _row_cap(max_rows: int) -> int:
    """Non-blank rows read before a file is refused: the data-row limit plus title, header and total
    rows (a tenth more, and at least 1,000), so the checker still counts data rows near the limit."""
    return max_rows + max(max_rows // 10, 1_000)


def _shown_name(filename: str) -> str:
    name = _CONTROL_RE.sub("", os.path.basename(str(filename or ""))).strip()
    name = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", name)
    if len(name) > 80:
        name = name[:79] + "…"
    return name or "（未命名）"


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
# Cells repeated down a column (region, period, metric, unit) share one str object; each column
# remembers at most this many distinct texts, so a column of unique numbers costs a bounded dict.
_MEMO_PER_COLUMN = 4096


class _Lines:
    """The lines of `text` as `io.StringIO(text, newline="")` gives them (ending in \\n, \\r\\n or \\r),
    one at a time, without StringIO's copy of the whole text (four bytes per character)."""

    def __init__(self, text: str):
        self.text = text
        self.end = 0  # offset just past the last line handed out

    def __iter__(self):
        for match in _LINE_RE.finditer(self.text):
            self.end = match.end()
            yield match.group()


def _parse_csv(text: str, delimiter: str, limit: _RowLimit | None = None) -> list[list[object]]:
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    rows: list[list[object]] = []
    cells = 0
    last_offset = 0
    record_end = 0
    non_blank = 0
    cap = limit.cap if limit is not None else None
    memos: list[dict[str, str | None]] = []
    try:
        for row in reader:
            last_offset, record_end = record_end, lines.end
            width = len(row)
            while len(memos) < width:
                memos.append({"": None})  # an empty cell is None in the grid
            filled = False
            for c, cell in enumerate(row):
                memo = memos[c]
                shared = memo.get(cell, cell)
                if shared is not cell:
                    row[c] = shared
                elif len(memo) < _MEMO_PER_COLUMN:
                    memo[cell] = cell
                if not filled and shared and not shared.isspace():
                    filled = True
            rows.append(row)
            cells += width or 1
            if cells > MAX_CELLS:
                raise _too_many_cells()
            if len(rows) > EXCEL_MAX_ROWS:
                raise ReadError(
                    error(
                        "too_many_rows",
                        f"文件超过 {EXCEL_MAX_ROWS:,} 行（Excel的最大行数），已拒绝。请拆分后上传",
                        f"The file has more than {EXCEL_MAX_ROWS:,} rows (Excel's limit); split it and upload "
                        "the parts",
                    )
                )
            if filled:
                non_blank += 1
                if cap is not None and non_blank > cap:
                    raise limit.error()
    except csv.Error as exc:
        row_number = len(rows) + 1
        if "field larger than field limit" in str(exc):
            raise ReadError(
                error(
                    "cell_too_long",
                    f"第{row_number}行有一个超过 {csv.field_size_limit():,} 个字符的单元格，"
                    "通常是引号未闭合，使后面的内容都并进了同一个单元格。请检查该行的引号",
                    f"row {row_number} has a cell longer than {csv.field_size_limit():,} characters, usually "
                    "an unclosed quote that swallowed the rest of the file; check the quotes on that row",
                    row=row_number,
                )
            ) from None
        raise ReadError(
            error(
                "csv_error",
                f"第{row_number}行无法按CSV格式读取",
                f"row {row_number} cannot be read as CSV ({_short(exc)})",
                row=row_number,
            )
        ) from None
    if rows and _ends_inside_quotes(text[last_offset:], delimiter):
        column = len(rows[-1]) - 1
        label = _column_label(rows, column) if len(rows) > 1 else excel_column(column)
        raise ReadError(
            error(
                "unbalanced_quote",
                f"第{len(rows)}行“{label}”列的引号未闭合：从这里到文件末尾的内容都被当成了同一个单元格。"
                "请补上或删除该单元格中的引号",
                f"the quote that opens in row {len(rows)}, column “{label}” is never closed, so everything "
                "up to the end of the file became one cell; close or remove that quote",
                row=len(rows),
                column=label,
            )
        )
    return rows


def _ends_inside_quotes(tail: str, delimiter: str) -> bool:
    """Whether the last record (`tail`: the text from its first line on) runs into the end of the
    file inside a quoted field.

    The lenient reader silently closes such a field at EOF; re-reading only the last record in
    strict mode tells it apart from a well-formed one.
    """
    try:
        for _ in csv.reader(_Lines(tail), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _clean_csv_cells(rows: list[list[object]], suspect: bool, check_length: bool, warnings: list[Message]) -> None:
    """Clean suspicious characters and note over-long cells (empty cells are None already)."""
    if not (suspect or check_length):
        return
    notes = _CellNotes(rows)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if not value:
                row[c] = None
                continue
            if suspect:
                value = row[c] = notes.clean(value, r, c) or None
                if value is None:
                    continue
            if check_length and len(value) > EXCEL_CELL_CHARS:
                notes.long_cell(r, c, len(value))
    warnings.extend(notes.messages())


class _CellNotes:
    """Cleans suspicious characters out of cells and collects capped warnings naming each cell."""

    def __init__(self, rows: list[list[object]]):
        self.rows = rows
        self.by_code: dict[str, list[Message]] = {}
        self.overflow: Counter = Counter()
        self.bom_rows: set[int] = set()

    def clean(self, value: str, r: int, c: int) -> str:
        if "\ufeff" in value:
            value = value.replace("\ufeff", "")
            if r not in self.bom_rows and r > 0:
                self.bom_rows.add(r)
                self._add(
                    warning(
                        "bom_in_middle",
                        f"第{r + 1}行含字节顺序标记(BOM)，文件可能由两个导出文件拼接而成；已删除该标记，请检查是否有重复的表头",
                        f"row {r + 1} contains a byte-order mark: the file looks like two exports pasted together. "
                        "The mark was removed; check for a repeated header row",
                        row=r + 1,
                    )
                )
        if _CONTROL_RE.search(value):
            value = _CONTROL_RE.sub("", value)
            label = _column_label(self.rows, c)
            self._add(
                warning(
                    "control_characters",
                    f"第{r + 1}行“{label}”列含控制字符（如空字符、ESC），已删除",
                    f"row {r + 1}, column “{label}” contained control characters (such as NUL or ESC); "
                    "they were removed",
                    row=r + 1,
                    column=label,
                )
            )
        if _SURROGATE_RE.search(value):
            value = _SURROGATE_RE.sub("\ufffd", value)
            label = _column_label(self.rows, c)
            self._add(
                warning(
                    "invalid_character",
                    f"第{r + 1}行“{label}”列含无效的Unicode字符，已替换为“\ufffd”",
                    f"row {r + 1}, column “{label}” contained invalid Unicode (a lone surrogate); it was "
                    "replaced by “\ufffd”",
                    row=r + 1,
                    column=label,
                )
            )
        return value

    def long_cell(self, r: int, c: int, length: int) -> None:
        label = _column_label(self.rows, c)
        self._add(
            warning(
                "cell_longer_than_excel",
                f"第{r + 1}行“{label}”列有 {length:,} 个字符，超过Excel单元格上限 {EXCEL_CELL_CHARS:,} 个字符",
                f"row {r + 1}, column “{label}” has {length:,} characters, more than an Excel cell can hold "
                f"({EXCEL_CELL_CHARS:,})",
                row=r + 1,
                column=label,
            )
        )

    def formula_without_value(self, r: int, c: int) -> None:
        cell = f"{excel_column(c)}{r + 1}"
        self._add(
            warning(
                "formula_without_value",
                f"单元格 {cell} 是公式但没有保存计算结果（文件可能由程序生成），按空值处理。请在Excel中打开并保存后重新上传",
                f"cell {cell} holds a formula without a saved result (the file was probably written by a "
                "program); it is read as empty. Open and save the file in Excel, then upload again",
                row=r + 1,
                column=excel_column(c),
            )
        )

    def bad_date(self, r: int, c: int) -> None:
        cell = f"{excel_column(c)}{r + 1}"
        self._add(
            warning(
                "date_out_of_range",
                f"单元格 {cell} 设为日期格式，但数值超出日期范围，按错误值 #VALUE! 处理",
                f"cell {cell} is formatted as a date but its number is outside the range of dates; it is "
                "read as the error value #VALUE!",
                row=r + 1,
                column=excel_column(c),
            )
        )

    def _add(self, message: Message) -> None:
        kept = self.by_code.setdefault(message.code, [])
        if len(kept) < MAX_MESSAGES_PER_CODE:
            kept.append(message)
        else:
            self.overflow[message.code] += 1

    def messages(self) -> list[Message]:
        out = []
        for code, kept in self.by_code.items():
            out.extend(kept)
            if self.overflow[code]:
                more = self.overflow[code]
                out.append(
                    warning(code, f"另有 {more} 处同类问题未逐一列出", f"{more} more of the same were not listed")
                )
        return out


def _column_label(rows: list[list[object]], c: int) -> str:
    """The header the person wrote in the first row, or the Excel column letter."""
    if rows and c < len(rows[0]):
        header = rows[0][c]
        if isinstance(header, str):
            header = " ".join(_CONTROL_RE.sub("", header).replace("\ufeff", "").split())
            if header and len(header) <= 40:
                return header
    return excel_column(c)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trim_trailing_blank_rows(rows: list[list[object]]) -> None:
    while rows and all(_is_blank(v) for v in rows[-1]):
        rows.pop()


def _looks_fullwidth_delimited(rows: list[list[object]]) -> bool:
    sample = [row for row in rows[:50] if row]
    return bool(sample) and all(len(row) == 1 for row in sample) and sum(
        isinstance(row[0], str) and "，" in row[0] for row in sample
    ) * 2 > len(sample)


# ---------------------------------------------------------------- XLSX


def _read_xlsx(data: bytes, max_text: int) -> Grid:
    archive = _open_zip(data)
    with archive:
        _check_zip_limits(archive)
        safe_parts, macro_enabled = _check_package(archive)
    warnings: list[Message] = []
    if macro_enabled:
        warnings.append(
            warning(
                "macros_not_run",
                "工作簿含宏（.xlsm），宏不会被执行，只读取单元格中保存的值",
                "The workbook contains macros (.xlsm); they are never run, only the stored cell values are read",
            )
        )
    workbook = _load_workbook(data)
    try:
        grid = _read_best_sheet(workbook, max_text, safe_parts)
    finally:
        workbook.close()
    grid.warnings[:0] = warnings
    return grid


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, IndexError) as exc:
        raise ReadError(
            error(
                "damaged_file",
                "文件已损坏或不完整，无法作为Excel工作簿(.xlsx)打开。请重新导出或在Excel中另存为 .xlsx 后上传",
                f"The file is damaged or incomplete and cannot be opened as an Excel workbook ({_short(exc)}); "
                "export it again or save it from Excel as .xlsx",
            )
        ) from None


def _check_zip_limits(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ReadError(
            error(
                "zip_too_many_entries",
                f"文件内部包含 {len(entries):,} 个部件，超过上限 {MAX_ZIP_ENTRIES:,}，已拒绝",
                f"The file holds {len(entries):,} parts, above the limit of {MAX_ZIP_ENTRIES:,}; refused",
            )
        )
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise ReadError(
            error(
                "zip_too_large",
                f"文件解压后有 {_megabytes(declared)}，超过上限 {_megabytes(MAX_UNCOMPRESSED_BYTES)}"
                "（可能是“压缩炸弹”），已拒绝",
                f"The file would unpack to {_megabytes(declared)}, above the limit of "
                f"{_megabytes(MAX_UNCOMPRESSED_BYTES)} (possibly a zip bomb); refused",
            )
        )
    for entry in entries:
        if entry.file_size > RATIO_CHECK_MIN_BYTES and entry.file_size > MAX_COMPRESSION_RATIO * max(
            entry.compress_size, 1
        ):
            ratio = entry.file_size / max(entry.compress_size, 1)
            raise ReadError(
                error(
                    "zip_ratio",
                    f"文件解压后体积异常（压缩比 {ratio:,.0f}:1，上限 {MAX_COMPRESSION_RATIO}:1），可能是“压缩炸弹”，已拒绝",
                    f"The file's compression ratio is abnormal ({ratio:,.0f}:1, limit {MAX_COMPRESSION_RATIO}:1), "
                    "possibly a zip bomb; refused",
                )
            )
        if entry.flag_bits & 0x1:
            raise _encrypted_error()


def _check_package(archive: zipfile.ZipFile) -> tuple[frozenset[str], bool]:
    """Refuse what is not an OOXML workbook; return the parts found safe and whether it has macros."""
    names = {entry.filename.lower(): entry for entry in archive.infolist()}
    if "[content_types].xml" not in names:
        if "mimetype" in names and names["mimetype"].file_size < 200:
            if b"opendocument.spreadsheet" in archive.read(names["mimetype"]):
                raise ReadError(
                    error(
                        "ods_file",
                        "这是 OpenDocument 表格(.ods)，不支持。请另存为“Excel 工作簿(*.xlsx)”后上传",
                        "This is an OpenDocument spreadsheet (.ods), which is not supported; save it as an "
                        "Excel workbook (*.xlsx)",
                    )
                )
        raise ReadError(
            error(
                "not_a_workbook",
                "这是一个ZIP压缩包，不是Excel工作簿(.xlsx)。请解压后上传其中的表格，或上传 .xlsx/.csv 文件",
                "This is a ZIP archive, not an Excel workbook (it has no [Content_Types].xml); unpack it "
                "and upload the table inside, or upload an .xlsx/.csv file",
            )
        )
    safe_parts = _scan_xml_parts(archive)
    workbook_part, content_type = _find_workbook_part(archive, names["[content_types].xml"])
    if workbook_part is None or workbook_part.lower() not in names:
        raise ReadError(
            error(
                "not_a_workbook",
                "文件中没有找到工作簿（缺少 xl/workbook.xml），不是有效的Excel工作簿",
                "No workbook part was found (xl/workbook.xml is missing); this is not a valid Excel workbook",
            )
        )
    entry = names[workbook_part.lower()]
    with archive.open(entry) as handle:
        head = handle.read(65536)
    if _STRICT_NAMESPACE in head:
        raise ReadError(
            error(
                "strict_ooxml",
                "这是“Strict Open XML 电子表格”格式，不支持。请在Excel中另存为“Excel 工作簿(*.xlsx)”后上传",
                "This workbook uses the Strict Open XML format, which is not supported; save it from Excel "
                "as an Excel workbook (*.xlsx)",
            )
        )
    return safe_parts, "macroenabled" in (content_type or "")


def _find_workbook_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> tuple[str | None, str | None]:
    from defusedxml import ElementTree  # parses only after _scan_xml_parts found no DTD

    if entry.file_size > MAX_CONTENT_TYPES_BYTES:
        raise ReadError(
            error(
                "too_many_parts",
                f"工作簿的部件清单（[Content_Types].xml）有 {_megabytes(entry.file_size)}，超过上限 "
                f"{_megabytes(MAX_CONTENT_TYPES_BYTES)}（工作表或部件过多），已拒绝。请只保留需要的工作表后另存为 .xlsx 再上传",
                f"The workbook's list of parts ([Content_Types].xml) is {_megabytes(entry.file_size)}, above the limit of"
                f" {_megabytes(MAX_CONTENT_TYPES_BYTES)} (too many sheets or parts); refused. Keep only the sheets needed"
                " and save it as .xlsx",
            )
        )
    root = ElementTree.fromstring(archive.read(entry))
    overrides = {}
    for element in root:
        if element.tag.endswith("}Override"):
            overrides[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "").lower()
    for part, content_type in overrides.items():
        if content_type in _WORKBOOK_CONTENT_TYPES:
            return part, content_type
    kinds = " ".join(overrides.values())
    if "wordprocessingml" in kinds or "presentationml" in kinds:
        word = "wordprocessingml" in kinds
        raise ReadError(
            error(
                "other_office_document",
                f"这是{'Word 文档' if word else 'PowerPoint 演示文稿'}，不是Excel工作簿。请上传 .xlsx 或 .csv 文件",
                f"This is a {'Word document' if word else 'PowerPoint presentation'}, not an Excel workbook; "
                "upload an .xlsx or .csv file",
            )
        )
    names = {info.filename.lower() for info in archive.infolist()}
    if "xl/workbook.xml" in names:
        return "xl/workbook.xml", None
    return None, None


def _scan_xml_parts(archive: zipfile.ZipFile) -> frozenset[str]:
    """Refuse DTDs (entity bombs, external entities) and non-UTF-8 XML before any parser sees them;
    return the names of the parts found safe.

    Every part whose content looks like XML is scanned, whatever its name. Encodings other than
    UTF-8 are refused: in UTF-16 or EBCDIC a DOCTYPE would not match the byte pattern searched for.
    Images under xl/media/ are skipped (an SVG may carry a DOCTYPE), as nothing parses them here.
    Streams each part in 1 MB chunks; total work is bounded by the declared-size check before it.
    """
    checked = set()
    for entry in archive.infolist():
        name = entry.filename.lower()
        if entry.is_dir() or name.startswith("xl/media/"):
            continue
        with archive.open(entry) as handle:
            chunk = handle.read(_SCAN_CHUNK)
            body = chunk[3:] if chunk.startswith(codecs.BOM_UTF8) else chunk
            start = body[:4]
            if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or start[:2] in (b"<\x00", b"\x00<"):
                raise _xml_encoding_refused(entry.filename, "UTF-16")
            leading = body.lstrip()[:1]
            if leading and leading != b"<":
                continue  # binary (printer settings, VBA); no XML parser can read it
            declared = _XML_ENCODING_RE.match(body)
            if declared and declared.group(1).lower().replace(b"_", b"-") not in _XML_ENCODINGS:
                encoding = declared.group(1)[:20].decode("ascii", "replace")
                raise _xml_encoding_refused(entry.filename, encoding)
            carry = b""
            while chunk:
                window = carry + chunk
                if _DTD_RE.search(window):
                    raise _unsafe_xml(f"{entry.filename} declares a DOCTYPE or ENTITY")
                carry = window[-16:]
                chunk = handle.read(_SCAN_CHUNK)
        checked.add(entry.filename)
    return frozenset(checked)


def _load_workbook(data: bytes):
    """openpyxl's read-only workbook (`load_workbook(read_only=True, data_only=True, keep_links=False)`),
    without its scan of each worksheet for a size (see `_workbook_reader`)."""
    try:
        reader = _workbook_reader()(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.read()
        return reader.wb
    except Exception as exc:
        raise _workbook_error(exc) from exc


@functools.cache
def _workbook_reader():
    """openpyxl's ExcelReader, whose read-only worksheets do not look for their size when made.

    A read-only worksheet reads its `<dimension>` when it is created; where a file has none (files
    written by programs, openpyxl's own write-only mode) openpyxl parses the WHOLE sheet with the
    pure-Python defusedxml parser to find out, for every sheet, before a cell is read: 45 % of
    reading a 100,000-row workbook. The cells are streamed by `_sheet_cells`, which never asks the
    size. Otherwise the same steps as `openpyxl.load_workbook` (openpyxl 3.1, pinned): strings,
    workbook, properties, theme, styles, each sheet's relationships, defined names.
    """
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class SizelessWorksheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            pass

    class Reader(ExcelReader):
        def read_worksheets(self) -> None:
            # ExcelReader.read_worksheets for read_only=True, with the sheet made by SizelessWorksheet.
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                rels_path = get_rels_path(rel.target)
                if rels_path in self.valid_files:
                    get_dependents(self.archive, rels_path)
                worksheet = SizelessWorksheet(self.wb, sheet.name, rel.target, self.shared_strings)
                worksheet.sheet_state = sheet.state
                self.wb._sheets.append(worksheet)

    return Reader


def _workbook_error(exc: BaseException) -> ReadError:
    chain = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    if any(type(e).__module__.startswith("defusedxml") for e in chain):
        return _unsafe_xml(_short(chain[-1]))
    if any(isinstance(e, zipfile.BadZipFile) for e in chain):
        return ReadError(
            error(
                "damaged_file",
                "文件已损坏（内部数据校验失败），无法读取。请重新导出或在Excel中另存为 .xlsx 后上传",
                f"The file is damaged ({_short(exc)}); export it again or save it from Excel as .xlsx",
            )
        )
    return ReadError(
        error(
            "workbook_unreadable",
            "无法读取该Excel工作簿，文件可能已损坏或由不兼容的程序生成。请在Excel中打开后另存为“Excel 工作簿(*.xlsx)”再上传",
            f"The workbook could not be read ({type(exc).__name__}: {_short(exc)}); it may be damaged or "
            "written by an incompatible program. Open it in Excel and save it as an Excel workbook (*.xlsx)",
        )
    )


@dataclass
class _Sheet:
    name: str
    rows: list[list[object]]
    merged: list[tuple[int, int, int, int]]
    filled: int
    notes: _CellNotes
    percent_cells: set[tuple[int, int]]


def _read_best_sheet(workbook, max_text: int, safe_parts: frozenset[str]) -> Grid:
    from openpyxl.chartsheet import Chartsheet

    skipped_zh: list[str] = []
    skipped_en: list[str] = []
    hidden_skipped = False
    best: _Sheet | None = None
    others_with_data = 0
    budget = _TextBudget(max_text)
    percent_styles = _percent_styles(workbook)
    sheet_names = list(workbook.sheetnames)
    for name in sheet_names:
        sheet = workbook[name]
        if isinstance(sheet, Chartsheet) or not hasattr(sheet, "_get_source"):
            skipped_zh.append(f"图表页“{name}”")
            skipped_en.append(f"chart sheet “{name}”")
            continue
        if sheet.sheet_state != "visible":
            hidden_skipped = True
            skipped_zh.append(f"隐藏工作表“{name}”")
            skipped_en.append(f"hidden sheet “{name}”")
            continue
        if INSTRUCTION_SHEET_RE.search(name):
            skipped_zh.append(f"说明页“{name}”")
            skipped_en.append(f"instructions sheet “{name}”")
            continue
        if sheet._worksheet_path not in safe_parts:  # only parts the DTD scan has read
            raise _unsafe_xml(f"{sheet._worksheet_path} was not checked")
        current = _read_sheet(workbook, sheet, budget, percent_styles)
        if current.filled == 0:
            skipped_zh.append(f"空工作表“{name}”")
            skipped_en.append(f"empty sheet “{name}”")
        elif best is None or current.filled > best.filled:
            if best is not None:
                others_with_data += 1
                skipped_zh.append(f"工作表“{best.name}”（{best.filled}个非空单元格）")
                skipped_en.append(f"sheet “{best.name}” ({best.filled} non-empty cells)")
            best = current
        else:
            others_with_data += 1
            skipped_zh.append(f"工作表“{name}”（{current.filled}个非空单元格）")
            skipped_en.append(f"sheet “{name}” ({current.filled} non-empty cells)")

    if best is None:
        raise _no_data_sheet(sheet_names, _capped(skipped_zh, "等"), _capped(skipped_en, "and"))

    skipped_zh, skipped_en = _capped(skipped_zh, "等"), _capped(skipped_en, "and")
    if len(sheet_names) == 1:
        note_zh = f"已使用唯一的工作表“{best.name}”"
        note_en = f"Used the only sheet, “{best.name}”"
    else:
        note_zh = f"已使用工作表“{best.name}”（非空单元格最多：{best.filled}个）"
        note_en = f"Used sheet “{best.name}” (most non-empty cells: {best.filled})"
        if skipped_zh:
            note_zh += "；已跳过：" + "、".join(skipped_zh)
            note_en += "; skipped: " + ", ".join(skipped_en)
    messages = best.notes.messages()
    if len(sheet_names) > 1:
        level = warning if hidden_skipped or others_with_data else info
        messages.insert(0, level("sheet_chosen", note_zh, note_en))
    return Grid(
        rows=best.rows,
        encoding=None,
        sheet=best.name,
        sheet_note_zh=note_zh,
        sheet_note_en=note_en,
        merged=best.merged,
        file_kind="xlsx",
        delimiter=None,
        warnings=messages,
        percent_cells=best.percent_cells,
    )


def _capped(items: list[str], more_word: str, limit: int = 10) -> list[str]:
    if len(items) <= limit:
        return items
    rest = len(items) - limit
    more = f"等另外{rest}个" if more_word == "等" else f"and {rest} more"
    return items[:limit] + [more]


class _TextBudget:
    """Caps the characters taken out of a workbook: one shared string can be referenced by every cell."""

    def __init__(self, limit: int):
        self.left = limit
        self.limit = limit

    def spend(self, characters: int) -> None:
        self.left -= characters
        if self.left < 0:
            raise ReadError(
                error(
                    "text_amplification",
                    f"工作簿中的文字总量超过 {self.limit:,} 个字符（可能是同一长文本被大量单元格引用），已拒绝",
                    f"The workbook's cells hold more than {self.limit:,} characters in total (possibly one long "
                    "text referenced by many cells); refused",
                )
            )


_XSTRING_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape_xstring(value: str) -> str:
    """Decode Excel's `_xHHHH_` escapes (how it stores CR, control characters and a literal `_x`),
    which openpyxl leaves as they are."""
    return _XSTRING_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), value)


_QUOTED_RE = re.compile(r'"[^"]*"|\\.')


def _percent_styles(workbook) -> frozenset[int]:
    """Style ids whose number format shows a percentage (openpyxl 3.1 internals, as openpyxl's own
    date-format index is built)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, builtin_format_code

    found = set()
    try:
        custom = list(workbook._number_formats)
        for index, style in enumerate(workbook._cell_styles):
            number_format_id = style.numFmtId
            if number_format_id >= BUILTIN_FORMATS_MAX_SIZE:
                code = custom[number_format_id - BUILTIN_FORMATS_MAX_SIZE]
            else:
                code = builtin_format_code(number_format_id) or ""
            if "%" in _QUOTED_RE.sub("", code):
                found.add(index)
    except (AttributeError, IndexError, TypeError):
        return frozenset()
    return frozenset(found)


_CELL_REFERENCE_RE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_RANGE_REFERENCE_RE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})(?::([A-Za-z]{1,3})([0-9]{1,7}))?")


@functools.lru_cache(maxsize=4096)
def _column_index(letters: str) -> int:
    """Excel column letters -> 0-based index (A -> 0, AA -> 26)."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _local_name(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


class _BadReference(ValueError):
    pass


class _BadSharedString(Exception):
    """A cell of type "s" whose index is not in the shared-string table (a damaged file)."""

    def __init__(self, row: int, column: int, index: str, count: int):
        super().__init__(f"{excel_column(column)}{row + 1}: shared string {index!r} of {count}")
        self.cell = f"{excel_column(column)}{row + 1}"
        self.index = index[:20]
        self.count = count


def _sheet_cells(source, shared_strings, date_styles: set[str], timedelta_styles: set[str], epoch, merged: list):
    """Stream one worksheet part: yield (row, column, value, kind, style id), 0-based, for every cell.

    kind is "value", "formula" (a formula with no cached value: value None) or "bad_date" (a date
    number outside the calendar: value "#VALUE!", as openpyxl reads it). Merged ranges are appended
    to `merged`. This uses the C-accelerated ElementTree parser, not defusedxml's pure-Python one
    (ten times slower): `_scan_xml_parts` has already refused any DOCTYPE, ENTITY or non-UTF-8 part,
    so there is nothing for a parser to expand or fetch. Cells are handled when their row ends, and
    each row is dropped from the tree once handled, so memory stays flat.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.datetime import from_excel, from_ISO8601

    names: dict[str, str] = {}
    parents: list = []
    row_number = -1
    for event, element in iterparse(source, events=("start", "end")):
        tag = element.tag
        name = names.get(tag)
        if name is None:
            name = names[tag] = _local_name(tag) if isinstance(tag, str) else ""
        if event == "start":
            if name == "sheetData":
                parents.append(element)
            continue
        if name == "row":
            number = element.get("r")
            try:
                row_number = int(number) - 1 if number is not None else row_number + 1
            except ValueError:
                raise _BadReference(f"row r={number[:20]!r}") from None
            column_number = -1
            for cell in element:
                if names.get(cell.tag) != "c" and _local_name(cell.tag) != "c":
                    continue
                reference = cell.get("r")
                if reference is not None:
                    match = _CELL_REFERENCE_RE.fullmatch(reference)
                    if match is None:
                        raise _BadReference(f"cell r={reference[:20]!r}")
                    r, c = int(match.group(2)) - 1, _column_index(match.group(1))
                    column_number = c
                else:
                    column_number += 1
                    r, c = row_number, column_number
                cell_type = cell.get("t", "n")
                style = cell.get("s", "0")
                text = None
                has_formula = False
                inline = None
                for child in cell:
                    child_name = names.get(child.tag) or _local_name(child.tag)
                    if child_name == "v":
                        text = child.text
                    elif child_name == "f":
                        has_formula = True
                    elif child_name == "is":
                        inline = child
                kind = "value"
                value: object = None
                if cell_type == "inlineStr":
                    if inline is not None:
                        value = _inline_text(inline, names)
                elif text is None or text == "":
                    if has_formula:
                        kind = "formula"
                elif cell_type == "n":
                    try:
                        value = int(text)
                    except ValueError:
                        value = float(text)
                    if style in date_styles:
                        try:
                            value = from_excel(value, epoch, timedelta=style in timedelta_styles)
                        except (OverflowError, ValueError):
                            value, kind = "#VALUE!", "bad_date"
                elif cell_type == "s":
                    # Never Python's negative indexing: -1 would read the last string.
                    index = int(text) if text.strip().isdigit() else -1
                    if not 0 <= index < len(shared_strings):
                        raise _BadSharedString(r, c, text.strip(), len(shared_strings))
                    value = shared_strings[index]
                elif cell_type == "b":
                    value = text.strip() in ("1", "true")
                elif cell_type == "d":
                    try:
                        value = from_ISO8601(text)
                    except ValueError:
                        value = text
                else:  # "str" (a formula's text result), "e" (an error value such as #N/A)
                    value = text
                yield r, c, value, kind, style
            element.clear()
            if parents:
                del parents[0][:]
        elif name == "mergeCell":
            match = _RANGE_REFERENCE_RE.fullmatch(element.get("ref") or "")
            if match:
                top, left = int(match.group(2)) - 1, _column_index(match.group(1))
                bottom = int(match.group(4)) - 1 if match.group(4) else top
                right = _column_index(match.group(3)) if match.group(3) else left
                merged.append((min(top, bottom), min(left, right), max(top, bottom), max(left, right)))


def _inline_text(inline, names: dict[str, str]) -> str:
    parts = []
    for child in inline:
        child_name = names.get(child.tag) or _local_name(child.tag)
        if child_name == "t":
            parts.append(child.text or "")
        elif child_name == "r":  # a rich-text run; phonetic runs (rPh) are not part of the text
            parts.extend(t.text or "" for t in child if _local_name(t.tag) == "t")
    return "".join(parts)


def _read_sheet(workbook, sheet, budget: _TextBudget, percent_styles: frozenset[int]) -> _Sheet:
    # The shared strings, styles and epoch come from openpyxl's read-only workbook (its private
    # attributes in 3.1, pinned; the xlsx tests guard them); the cells are streamed by _sheet_cells.
    cells: dict[int, dict[int, object]] = {}
    formula_cells: list[tuple[int, int]] = []
    percent_cells: set[tuple[int, int]] = set()
    bad_dates: list[tuple[int, int]] = []
    merged: list[tuple[int, int, int, int]] = []
    filled = 0
    max_row = max_col = 0
    percent_style_names = {str(style) for style in percent_styles}
    with sheet._get_source() as source:
        stream = _sheet_cells(
            source,
            sheet._shared_strings,
            {str(style) for style in workbook._date_formats},
            {str(style) for style in workbook._timedelta_formats},
            workbook.epoch,
            merged,
        )
        try:
            for r, c, value, kind, style in stream:
                if not (0 <= r < EXCEL_MAX_ROWS and 0 <= c < EXCEL_MAX_COLUMNS):
                    raise _BadReference(f"row {r + 1}, column {c + 1}")
                if kind == "formula":
                    # Kept inside the grid's extent: the cell exists, only its value is unknown.
                    formula_cells.append((r, c))
                    max_row, max_col = max(max_row, r + 1), max(max_col, c + 1)
                    continue
                if kind == "bad_date":
                    bad_dates.append((r, c))
                if value is None:
                    continue
                if isinstance(value, str):
                    if "_x" in value:
                        value = _unescape_xstring(value)
                    if not value:
                        continue
                    budget.spend(len(value))
                elif style in percent_style_names and isinstance(value, (int, float)) and not isinstance(value, bool):
                    percent_cells.add((r, c))
                cells.setdefault(r, {})[c] = value
                if not _is_blank(value):
                    filled += 1
                    if filled > MAX_CELLS:
                        raise _too_many_cells()
                    if r >= max_row:
                        max_row = r + 1
                    if c >= max_col:
                        max_col = c + 1
        except ParseError as exc:
            raise ReadError(
                error(
                    "damaged_sheet",
                    f"工作表“{sheet.title}”的内容已损坏（XML格式错误），无法读取。请在Excel中打开后另存为 .xlsx 再上传",
                    f"sheet “{sheet.title}” is damaged (malformed XML: {_short(exc)}); open the file in Excel, "
                    "save it as .xlsx and upload again",
                )
            ) from None
        except _BadSharedString as exc:
            raise ReadError(
                error(
                    "bad_shared_string",
                    f"工作表“{sheet.title}”的单元格{exc.cell}引用了不存在的共享字符串（编号“{exc.index}”，文件中只有"
                    f"{exc.count}个），文件已损坏。请在Excel中打开后另存为 .xlsx 再上传",
                    f"sheet “{sheet.title}”, cell {exc.cell} refers to shared string “{exc.index}”, but the file holds"
                    f" {exc.count} (numbered from 0); the file is damaged. Open it in Excel, save it as .xlsx and upload"
                    " again",
                    row=int(exc.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
                    column=exc.cell.rstrip("0123456789"),
                )
            ) from None
        except (_BadReference, IndexError, ValueError) as exc:
            raise ReadError(
                error(
                    "bad_cell_reference",
                    f"工作表“{sheet.title}”含无效的单元格位置或引用，文件可能已损坏。请在Excel中另存为 .xlsx 后上传",
                    f"sheet “{sheet.title}” has an invalid cell position or reference ({_short(exc)}); the file "
                    "may be damaged. Save it from Excel as .xlsx and upload again",
                )
            ) from None

    merged.sort()
    # A merged range anchored on a value belongs to the table (a title spanning A1:H1).
    for top, left, bottom, right in merged:
        if not _is_blank(cells.get(top, {}).get(left)):
            max_row = max(max_row, min(bottom + 1, EXCEL_MAX_ROWS))
            max_col = max(max_col, min(right + 1, EXCEL_MAX_COLUMNS))
    if max_row * max_col > MAX_CELLS:
        raise _too_many_cells()

    rows: list[list[object]] = [[None] * max_col for _ in range(max_row)]
    for r, row_values in cells.items():
        if r < max_row:
            target = rows[r]
            for c, value in row_values.items():
                if c < max_col:
                    target[c] = value

    notes = _CellNotes(rows)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                if _SUSPECT_RE.search(value):
                    row[c] = value = notes.clean(value, r, c)
                if len(value) > EXCEL_CELL_CHARS:
                    notes.long_cell(r, c, len(value))
    for r, c in formula_cells:
        notes.formula_without_value(r, c)
    for r, c in bad_dates:
        notes.bad_date(r, c)

    percent_cells = {(r, c) for r, c in percent_cells if r < max_row and c < max_col}
    return _Sheet(sheet.title, rows, merged, filled, notes, percent_cells)


def _no_data_sheet(sheet_names: list[str], skipped_zh: list[str], skipped_en: list[str]) -> ReadError:
    if not sheet_names:
        return ReadError(
            error(
                "no_sheets",
                "工作簿中没有可读取的工作表。请在Excel中另存为“Excel 工作簿(*.xlsx)”后上传",
                "The workbook has no readable worksheet; save it from Excel as an Excel workbook (*.xlsx)",
            )
        )
    detail_zh = "（已跳过：" + "、".join(skipped_zh) + "）" if skipped_zh else ""
    detail_en = " (skipped: " + ", ".join(skipped_en) + ")" if skipped_en else ""
    return ReadError(
        error(
            "no_data_sheet",
            f"工作簿中没有含数据的可见工作表{detail_zh}。如数据在隐藏工作表中，请取消隐藏后重新上传",
            f"The workbook has no visible sheet with data{detail_en}. If the data are on a hidden sheet, "
            "unhide it and upload again",
        )
    )


# ---------------------------------------------------------------- messages shared by both kinds


def _empty_file() -> ReadError:
    return ReadError(error("file_empty", "文件为空，没有表头和数据", "The file is empty: no header and no data"))


def _too_many_cells() -> ReadError:
    return ReadError(
        error(
            "too_many_cells",
            f"表格超过 {MAX_CELLS:,} 个单元格，已拒绝。请拆分后上传",
            f"The table has more than {MAX_CELLS:,} cells; split it and upload the parts",
        )
    )


def _kind_mismatch(extension: str, kind: str) -> Message:
    shown = extension or "（无）"
    shown_en = extension or "(none)"
    if kind == "xlsx":
        return warning(
            "kind_mismatch",
            f"文件扩展名为 {shown}，但内容是Excel工作簿(xlsx)，已按xlsx读取",
            f"The file's extension is {shown_en} but its content is an Excel workbook (xlsx); it was read as xlsx",
        )
    return warning(
        "kind_mismatch",
        f"文件扩展名为 {shown}，但内容是文本(CSV)，已按CSV读取",
        f"The file's extension is {shown_en} but its content is text (CSV); it was read as CSV",
    )


def _ole2_error(data: bytes) -> ReadError:
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return _encrypted_error()
    return ReadError(
        error(
            "legacy_or_encrypted",
            "这是旧版Excel(.xls)文件或设置了打开密码的工作簿，不支持。请在Excel中去掉打开密码，"
            "并另存为“Excel 工作簿(*.xlsx)”后上传",
            "This is an old Excel (.xls) file or a password-protected workbook, which is not supported. "
            "Remove the password in Excel and save it as an Excel workbook (*.xlsx)",
        )
    )


def _encrypted_error() -> ReadError:
    return ReadError(
        error(
            "encrypted",
            "该工作簿设置了打开密码（已加密），无法读取。请在Excel中去掉密码（文件→信息→保护工作簿→用密码进行加密，"
            "清空密码）后另存为 .xlsx 再上传",
            "The workbook is password-protected (encrypted) and cannot be read. Remove the password in Excel "
            "(File > Info > Protect Workbook > Encrypt with Password, clear it) and save as .xlsx",
        )
    )


def _unsafe_xml(detail: str) -> ReadError:
    return ReadError(
        error(
            "unsafe_xml",
            "文件包含不安全的XML内容（实体声明或外部引用），已拒绝。请在Excel中另存为“Excel 工作簿(*.xlsx)”后上传",
            f"The file contains unsafe XML (entity declarations or external references: {detail}); refused. "
            "Save it from Excel as an Excel workbook (*.xlsx)",
        )
    )


def _xml_encoding_refused(part: str, encoding: str) -> ReadError:
    """Code unsafe_xml as before, but saying the true reason: XML in an encoding other than UTF-8 could
    hide a DOCTYPE from the scan, so it is not read."""
    shown = part[:80]
    return ReadError(
        error(
            "unsafe_xml",
            f"文件中的XML部件“{shown}”使用 {encoding} 编码（Excel只写UTF-8），无法做安全检查，已拒绝。"
            "请在Excel中另存为“Excel 工作簿(*.xlsx)”后上传",
            f"The XML part “{shown}” is encoded in {encoding} (Excel writes only UTF-8) and cannot be checked safely;"
            " refused. Save it from Excel as an Excel workbook (*.xlsx)",
        )
    )


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.1f} MB"
    if size >= 1024:
        return f"{size / 1024:,.1f} KB"
    return f"{size} B"


def _short(exc: object) -> str:
    text = str(exc).replace("\n", " ")
    return text[:200] + ("…" if len(text) > 200 else "")
