"""A plain delimited file → coded columns in one vectorised read (pyarrow.csv), no Python per cell.

`read_plain_csv` takes the files the csv reader (`loaders.upload.delimited`) would read without
anything to report: UTF-8 (with or without its BOM), no quote character, no NUL, no empty line, the
same number of fields on every line, no control character, no cell longer than Excel allows, within
the row and cell limits, and no blank last row. Anything else gives None and the csv reader reads
the file as before, with its messages; so the grid is the one the csv reader would make, cell for
cell (an empty field is None), and no message depends on which reader ran.

Line ends are \\n, \\r\\n or a lone \\r (classic Mac), as for the csv reader. The text is checked
as strict UTF-8 (its first slice decoded, then each distinct cell text validated by Arrow), so the
decoded text is never held.
"""

from __future__ import annotations

import codecs

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from loaders.messages import ReadError
from loaders.upload.coded import CodedRows, give_back_memory
from loaders.upload.dialect import refuse_markup, sniff_delimiter
from loaders.upload.grid import _SUSPECT_RE, EXCEL_CELL_CHARS, EXCEL_MAX_ROWS, MAX_CELLS, Grid

# Below this size the csv reader is as fast, and its path is the one every small test exercises.
MIN_BYTES = 1 << 20
_SAMPLE_CHARS = 65536  # what dialect.sniff_delimiter looks at
_SLICE = 1 << 22


def read_plain_csv(data: bytes, extension: str, row_cap: int) -> Grid | None:
    """The grid of `data` if it is a plain delimited file; None when the csv reader must read it.

    `row_cap` is the number of non-blank rows past which the csv reader refuses the file.
    """
    if len(data) < MIN_BYTES:
        return None
    if data.startswith(codecs.BOM_UTF8):
        body, encoding = memoryview(data)[3:], "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # and the UTF-32 ones
        return None
    else:
        body, encoding = memoryview(data), "utf-8"
    raw = data[3:] if encoding == "utf-8-sig" else data
    if b'"' in raw or b"\x00" in raw or raw[:1] in (b"\r", b"\n"):
        return None
    if b"\n\n" in raw or b"\r\r" in raw or b"\n\r" in raw:
        return None  # an empty line: the csv reader makes it an empty row
    head = _utf8_text(body)
    if head is None:
        return None
    try:
        refuse_markup(head, extension)
    except ReadError:
        return None
    delimiter = sniff_delimiter(head)
    first_line = head.split("\n", 1)[0].split("\r", 1)[0]
    width = first_line.count(delimiter) + 1
    lines = raw.count(b"\n") + (not raw.endswith((b"\n", b"\r")))
    if b"\r" in raw:  # CR-only or CRLF line ends
        lines += raw.count(b"\r") - raw.count(b"\r\n")
    if width < 2 or lines > EXCEL_MAX_ROWS or lines * width > MAX_CELLS or lines > row_cap:
        return None
    columns = _read_columns(body, delimiter, width)
    if columns is None or len(columns[0][0]) != lines:
        return None
    if all(uniques[codes[-1]] is None or uniques[codes[-1]].isspace() for codes, uniques in columns):
        return None  # a blank last row: the csv reader drops it
    return Grid(rows=CodedRows(columns), encoding=encoding, file_kind="csv", delimiter=delimiter)


def _utf8_text(body: memoryview) -> str | None:
    """The first characters of `body` (enough to sniff), strict UTF-8; None when they are not.

    Only the first slice is decoded here: the rest of the file is delimiters and line ends (ASCII)
    and the cells' texts, and every distinct text is checked as strict UTF-8 after the read
    (`_read_columns`), so the file is checked whole without decoding a copy of it."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        text = decoder.decode(body[:_SLICE], final=len(body) <= _SLICE)
    except UnicodeDecodeError:
        return None
    return text[: _SAMPLE_CHARS * 2]


def _read_columns(body: memoryview, delimiter: str, width: int) -> list[tuple[np.ndarray, np.ndarray]] | None:
    names = [f"c{i}" for i in range(width)]
    text_type = pa.dictionary(pa.int32(), pa.large_string())
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, quote_char=False, double_quote=False, escape_char=False,
                newlines_in_values=False, ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                check_utf8=False, column_types=dict.fromkeys(names, text_type), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a line with another number of fields, …
    table = table.unify_dictionaries()
    columns = []
    for name in names:
        chunked = table.column(name)
        array = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
        del chunked
        try:  # strict UTF-8, as Python's decoder (Arrow's check also refuses surrogates and overlongs)
            array.dictionary.validate(full=True)
        except pa.ArrowInvalid:
            return None  # the csv reader reads it and names the encoding
        uniques = array.dictionary.to_pylist()
        for value in uniques:
            if len(value) > EXCEL_CELL_CHARS or _SUSPECT_RE.search(value):
                return None  # the csv reader cleans it and warns, naming the cell
        codes = np.array(array.indices.to_numpy(zero_copy_only=False), dtype=np.int32)  # own memory
        columns.append((codes, np.array([value or None for value in uniques], dtype=object)))
        table = table.drop_columns([name])
    del table, array
    give_back_memory()  # the parser's blocks
    return columns
