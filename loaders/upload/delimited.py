"""Delimited text (CSV, TSV …) → rows of cells: decoding, delimiter, records, cleaning.

See `loaders.upload.reading` for the decisions (encodings, delimiters, row numbers).
"""

from __future__ import annotations

import csv
import functools
import os
import re
from collections import Counter

from loaders.messages import Message, ReadError, excel_column
from loaders.upload import limits
from loaders.upload.dialect import refuse_markup, sniff_delimiter
from loaders.upload.grid import (
    _BOMS,
    _CONTROL_RE,
    _SUSPECT_RE,
    DELIMITERS,
    EXCEL_CELL_CHARS,
    EXCEL_MAX_ROWS,
    MAX_CELLS,
    Grid,
    _CellNotes,
    _column_label,
    _empty_file,
    _is_blank,
    _short,
    _too_many_cells,
)
from loaders.upload.messages import catalogued
from loaders.upload.plain_csv import read_plain_csv

# ---------------------------------------------------------------- CSV


def _read_csv(data: bytes, extension: str, filename: str = "", max_rows: int | None = None) -> Grid:
    limit = _RowLimit(max_rows, filename)
    plain = read_plain_csv(data, extension, limit.cap)
    if plain is not None:
        return plain
    text, encoding = _decode(data)
    if not text.strip("\ufeff \t\r\n"):
        raise _empty_file()
    refuse_markup(text, extension)
    nul_count = text.count("\x00")
    if nul_count > 8 and nul_count * 10 > len(text):
        raise ReadError(
            catalogued("error", "binary_file")
        )
    delimiter = sniff_delimiter(text)
    suspect, check_length = bool(_SUSPECT_RE.search(text)), len(text) > EXCEL_CELL_CHARS
    rows = _parse_csv(text, delimiter, limit)
    del text  # the grid holds the cells; the decoded text can go before the checker runs
    warnings: list[Message] = []
    _clean_csv_cells(rows, suspect, check_length, warnings)
    _trim_trailing_blank_rows(rows)
    if not rows:
        raise _empty_file()
    if delimiter == "," and _looks_fullwidth_delimited(rows):
        warnings.append(
            catalogued("warning", "fullwidth_delimiter")
        )
    return Grid(rows=rows, encoding=encoding, file_kind="csv", delimiter=delimiter, warnings=warnings)


def _decode(data: bytes) -> tuple[str, str]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), name
            except UnicodeDecodeError as exc:
                raise ReadError(
                    catalogued("error", "undecodable:2", name=name, exc_start_len_bom=exc.start + len(bom))
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
            catalogued("error", "implausible_encoding", share=share)
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
        catalogued("error", "undecodable", row=line, column=column, line=line, byte=byte, euro_zh=euro_zh, euro_en=euro_en, short_failed=_short(failed))
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
            catalogued("error", "too_many_data_rows", name=name, self_max_rows=self.max_rows)
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
                    catalogued("error", "too_many_rows:2", EXCEL_MAX_ROWS=EXCEL_MAX_ROWS)
                )
            if filled:
                non_blank += 1
                if cap is not None and non_blank > cap:
                    raise limit.error()
    except csv.Error as exc:
        row_number = len(rows) + 1
        if "field larger than field limit" in str(exc):
            raise ReadError(
                catalogued("error", "cell_too_long", row=row_number, row_number=row_number, csv_field_size_limit=csv.field_size_limit())
            ) from None
        raise ReadError(
            catalogued("error", "csv_error", row=row_number, row_number=row_number, short_exc=_short(exc))
        ) from None
    if rows and _ends_inside_quotes(text[last_offset:], delimiter):
        column = len(rows[-1]) - 1
        label = _column_label(rows, column) if len(rows) > 1 else excel_column(column)
        raise ReadError(
            catalogued("error", "unbalanced_quote", row=len(rows), column=label, len_rows=len(rows), label=label)
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


def _trim_trailing_blank_rows(rows: list[list[object]]) -> None:
    while rows and all(_is_blank(v) for v in rows[-1]):
        rows.pop()


def _looks_fullwidth_delimited(rows: list[list[object]]) -> bool:
    sample = [row for row in rows[:50] if row]
    return bool(sample) and all(len(row) == 1 for row in sample) and sum(
        isinstance(row[0], str) and "，" in row[0] for row in sample
    ) * 2 > len(sample)
