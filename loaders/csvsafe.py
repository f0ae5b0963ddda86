"""Text cells a spreadsheet must not read as formulas, and the one CSV writer.

Every CSV or XLSX the project writes (page downloads, chart workbooks, `python -m charts export
--format xlsx`, `python -m loaders figures --format csv`, the upload templates) goes through
`neutralise_cell`, here: below both the loaders (templates, the command line) and the charts
(`charts.downloads` re-exports it and adds XLSX). The rule (OWASP "CSV injection"):

- a number (int, float, numpy number) is never changed: -20 is a value, written -20;
- a text cell is given a leading apostrophe when it begins with tab or carriage return, or when its
  first character after any leading spaces and control characters is = + - or @ (`=HYPERLINK(...)`,
  `+cmd|...`, `  =cmd|...`, `\\x00=...`);
- except a text cell that is a plain number literal (`-20`, `+3.5`, `-1e5`, `-6.6%`): a spreadsheet
  reads it as that number, not as a formula, so it stays as written.
"""

from __future__ import annotations

import math
import re

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Text a spreadsheet may read as a formula: tab or CR first, or = + - @ after leading blanks/controls.
# (Both Python's re and pyarrow's RE2 read it, so a text column is screened in C.)
FORMULA_START = r"^(?:[\t\r]|[\s\x00-\x1f\x7f-\x9f]*[=+\-@])"
_FORMULA_START = re.compile(FORMULA_START)
_NUMBER_LITERAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe; numbers,
    and text that is a plain number literal such as "-20", are left as they are."""
    if isinstance(value, str) and _FORMULA_START.match(value) and not _NUMBER_LITERAL.fullmatch(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell (and header) neutralised; numeric columns untouched."""
    out = frame.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if isinstance(series.dtype, pd.StringDtype):
            # Screened in C first: a million-figure frame would otherwise call neutralise_cell per cell.
            suspects = series.str.contains(FORMULA_START, regex=True, na=False)
            if suspects.any():
                series = series.copy()
                series[suspects] = series[suspects].map(neutralise_cell)
                out.isetitem(position, series)
        elif series.dtype == object:
            # A list, not Series.map: map would turn an object column of ints into floats (20 -> 20.0).
            out.isetitem(position, pd.Series([neutralise_cell(v) for v in series], index=series.index, dtype=object))
    return out


def plain_number(value: object) -> object:
    """1427.0 -> 1427 so a CSV shows the figure as stated; other values unchanged."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with BOM and CRLF line ends (what Excel on Windows expects)."""
    out = neutralise_frame(frame)
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = pd.Series([plain_number(v) for v in out[column]], index=out.index, dtype=object)
    text = out.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")
