"""The grid of cells a file holds, the reader's limits, and the messages both readers give.

`loaders.upload.reading.read_grid` makes a `Grid`; `loaders.upload.delimited` (CSV and other
delimited text) and `loaders.upload.workbook` (XLSX) fill it.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.messages import Message, ReadError, excel_column
from loaders.upload.messages import catalogued

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
                    catalogued("warning", "bom_in_middle", row=r + 1, r_1=r + 1)
                )
        if _CONTROL_RE.search(value):
            value = _CONTROL_RE.sub("", value)
            label = _column_label(self.rows, c)
            self._add(
                catalogued("warning", "control_characters", row=r + 1, column=label, r_1=r + 1, label=label)
            )
        if _SURROGATE_RE.search(value):
            value = _SURROGATE_RE.sub("\ufffd", value)
            label = _column_label(self.rows, c)
            self._add(
                catalogued("warning", "invalid_character", row=r + 1, column=label, r_1=r + 1, label=label)
            )
        return value

    def long_cell(self, r: int, c: int, length: int) -> None:
        label = _column_label(self.rows, c)
        self._add(
            catalogued("warning", "cell_longer_than_excel", row=r + 1, column=label, r_1=r + 1, label=label, length=length, EXCEL_CELL_CHARS=EXCEL_CELL_CHARS)
        )

    def formula_without_value(self, r: int, c: int) -> None:
        cell = f"{excel_column(c)}{r + 1}"
        self._add(
            catalogued("warning", "formula_without_value", row=r + 1, column=excel_column(c), cell=cell)
        )

    def bad_date(self, r: int, c: int) -> None:
        cell = f"{excel_column(c)}{r + 1}"
        self._add(
            catalogued("warning", "date_out_of_range", row=r + 1, column=excel_column(c), cell=cell)
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
                    catalogued("warning", "more_of_the_same", code=code, more=more)
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


# ---------------------------------------------------------------- messages shared by both kinds


def _empty_file() -> ReadError:
    return ReadError(catalogued("error", "file_empty"))


def _too_many_cells() -> ReadError:
    return ReadError(
        catalogued("error", "too_many_cells", MAX_CELLS=MAX_CELLS)
    )


def _kind_mismatch(extension: str, kind: str) -> Message:
    shown = extension or "（无）"
    shown_en = extension or "(none)"
    if kind == "xlsx":
        return catalogued("warning", "kind_mismatch:2", shown=shown, shown_en=shown_en)
    return catalogued("warning", "kind_mismatch", shown=shown, shown_en=shown_en)


def _ole2_error(data: bytes) -> ReadError:
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return _encrypted_error()
    return ReadError(
        catalogued("error", "legacy_or_encrypted")
    )


def _encrypted_error() -> ReadError:
    return ReadError(
        catalogued("error", "encrypted")
    )


def _unsafe_xml(detail: str) -> ReadError:
    return ReadError(
        catalogued("error", "unsafe_xml", detail=detail)
    )


def _xml_encoding_refused(part: str, encoding: str) -> ReadError:
    """Code unsafe_xml as before, but saying the true reason: XML in an encoding other than UTF-8 could
    hide a DOCTYPE from the scan, so it is not read."""
    shown = part[:80]
    return ReadError(
        catalogued("error", "unsafe_xml:2", shown=shown, encoding=encoding)
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
