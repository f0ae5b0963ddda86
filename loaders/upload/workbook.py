"""XLSX → rows of cells, guarded: zip limits and XML scan before any parser, then streamed cells.

See `loaders.upload.reading` for the decisions (bombs, entity declarations, merged cells, hidden sheets).
"""

from __future__ import annotations

import codecs
import functools
import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from loaders.messages import Message, ReadError, excel_column, info, warning
from loaders.upload.grid import (
    _DTD_RE,
    _SCAN_CHUNK,
    _STRICT_NAMESPACE,
    _SUSPECT_RE,
    _WORKBOOK_CONTENT_TYPES,
    _XML_ENCODING_RE,
    _XML_ENCODINGS,
    EXCEL_CELL_CHARS,
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    INSTRUCTION_SHEET_RE,
    MAX_CELLS,
    MAX_COMPRESSION_RATIO,
    MAX_CONTENT_TYPES_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_CHECK_MIN_BYTES,
    Grid,
    _CellNotes,
    _encrypted_error,
    _is_blank,
    _megabytes,
    _short,
    _too_many_cells,
    _unsafe_xml,
    _xml_encoding_refused,
)
from loaders.upload.messages import catalogued

# ---------------------------------------------------------------- XLSX


def _read_xlsx(data: bytes, max_text: int) -> Grid:
    archive = _open_zip(data)
    with archive:
        _check_zip_limits(archive)
        safe_parts, macro_enabled = _check_package(archive)
    warnings: list[Message] = []
    if macro_enabled:
        warnings.append(
            catalogued("warning", "macros_not_run")
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
            catalogued("error", "damaged_file:2", short_exc=_short(exc))
        ) from None


def _check_zip_limits(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ReadError(
            catalogued("error", "zip_too_many_entries", len_entries=len(entries), MAX_ZIP_ENTRIES=MAX_ZIP_ENTRIES)
        )
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise ReadError(
            catalogued("error", "zip_too_large", megabytes_declared=_megabytes(declared), megabytes_MAX_UNCOMPRESSED_BYTES=_megabytes(MAX_UNCOMPRESSED_BYTES))
        )
    for entry in entries:
        if entry.file_size > RATIO_CHECK_MIN_BYTES and entry.file_size > MAX_COMPRESSION_RATIO * max(
            entry.compress_size, 1
        ):
            ratio = entry.file_size / max(entry.compress_size, 1)
            raise ReadError(
                catalogued("error", "zip_ratio", ratio=ratio, MAX_COMPRESSION_RATIO=MAX_COMPRESSION_RATIO)
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
                    catalogued("error", "ods_file")
                )
        raise ReadError(
            catalogued("error", "not_a_workbook")
        )
    safe_parts = _scan_xml_parts(archive)
    workbook_part, content_type = _find_workbook_part(archive, names["[content_types].xml"])
    if workbook_part is None or workbook_part.lower() not in names:
        raise ReadError(
            catalogued("error", "not_a_workbook:2")
        )
    entry = names[workbook_part.lower()]
    with archive.open(entry) as handle:
        head = handle.read(65536)
    if _STRICT_NAMESPACE in head:
        raise ReadError(
            catalogued("error", "strict_ooxml")
        )
    return safe_parts, "macroenabled" in (content_type or "")


def _find_workbook_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> tuple[str | None, str | None]:
    from defusedxml import ElementTree  # parses only after _scan_xml_parts found no DTD

    if entry.file_size > MAX_CONTENT_TYPES_BYTES:
        raise ReadError(
            catalogued("error", "too_many_parts", megabytes_entry_file_size=_megabytes(entry.file_size), megabytes_MAX_CONTENT_TYPES_BYTES=_megabytes(MAX_CONTENT_TYPES_BYTES))
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
            catalogued("error", "other_office_document", Word_文档_if_word_else_PowerPoint_演示文稿='Word 文档' if word else 'PowerPoint 演示文稿', Word_document_if_word_else_PowerPoint_presentation='Word document' if word else 'PowerPoint presentation')
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
            catalogued("error", "damaged_file", short_exc=_short(exc))
        )
    return ReadError(
        catalogued("error", "workbook_unreadable", type_exc___name=type(exc).__name__, short_exc=_short(exc))
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
                catalogued("error", "text_amplification", self_limit=self.limit)
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
                catalogued("error", "damaged_sheet", sheet_title=sheet.title, short_exc=_short(exc))
            ) from None
        except _BadSharedString as exc:
            raise ReadError(
                catalogued("error", "bad_shared_string", row=int(exc.cell.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')), column=exc.cell.rstrip('0123456789'), sheet_title=sheet.title, exc_cell=exc.cell, exc_index=exc.index, exc_count=exc.count)
            ) from None
        except (_BadReference, IndexError, ValueError) as exc:
            raise ReadError(
                catalogued("error", "bad_cell_reference", sheet_title=sheet.title, short_exc=_short(exc))
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
            catalogued("error", "no_sheets")
        )
    detail_zh = "（已跳过：" + "、".join(skipped_zh) + "）" if skipped_zh else ""
    detail_en = " (skipped: " + ", ".join(skipped_en) + ")" if skipped_en else ""
    return ReadError(
        catalogued("error", "no_data_sheet", detail_zh=detail_zh, detail_en=detail_en)
    )
