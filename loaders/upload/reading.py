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

import os

from loaders.messages import ReadError
from loaders.upload.delimited import _read_csv
from loaders.upload.grid import (
    _OLE2_MAGIC,
    _OTHER_BINARY_MAGICS,
    _ZIP_MAGICS,
    MAX_BYTES,
    XLSX_EXTENSIONS,
    Grid,
    _empty_file,
    _kind_mismatch,
    _megabytes,
    _ole2_error,
    _short,
)
from loaders.upload.messages import catalogued
from loaders.upload.workbook import _read_xlsx


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
            catalogued("error", "unreadable", type_exc___name=type(exc).__name__, short_exc=_short(exc))
        ) from exc


def _read(data: bytes, filename: str, max_bytes: int, max_rows: int | None) -> Grid:
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise ReadError(
            catalogued("error", "not_bytes", type_data___name=type(data).__name__)
        )
    if len(data) > max_bytes:
        raise ReadError(
            catalogued("error", "file_too_large", megabytes_len_data=_megabytes(len(data)), megabytes_max_bytes=_megabytes(max_bytes))
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
                catalogued("error", "not_a_table", name=name)
            )
    grid = _read_csv(data, extension, filename, max_rows)
    if extension in XLSX_EXTENSIONS or extension == ".xls":
        grid.warnings.insert(0, _kind_mismatch(extension, "csv"))
    return grid
