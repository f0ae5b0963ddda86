"""Table downloads as bytes: CSV (UTF-8 with BOM, so Excel opens it) and XLSX, formula-safe.

Every CSV or XLSX the project hands out goes through `to_csv_bytes` / `to_xlsx_bytes`. A text
cell that begins with = + - @, tab or carriage return is neutralised with a leading apostrophe
(OWASP "CSV injection"); numbers stay numbers.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell (and header) neutralised; numeric columns untouched."""
    out = frame.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    return out


def _plain_number(value: object) -> object:
    """1427.0 -> 1427 so a CSV shows the figure as stated; other values unchanged."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with BOM and CRLF line ends (what Excel on Windows expects)."""
    out = neutralise_frame(frame)
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = pd.Series([_plain_number(v) for v in out[column]], index=out.index, dtype=object)
    text = out.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _xlsx_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (bool, int, float, datetime, date)):
        return _plain_number(value)
    if hasattr(value, "item"):  # numpy scalars
        return _xlsx_value(value.item())
    if value is pd.NA or value is pd.NaT:
        return None
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return neutralise_cell(text)


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """One-sheet XLSX; text cells are written as text (never as formulas), numbers as numbers."""
    return to_xlsx_workbook_bytes({sheet_name: frame})


def to_xlsx_workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Several frames as sheets of one XLSX, in order; sheet names cut to Excel's 31 characters."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for name, frame in sheets.items():
        title = _sheet_title(name, used)
        used.add(title)
        sheet = workbook.create_sheet(title)
        sheet.append([_xlsx_value(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_xlsx_value(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # belt and braces: nothing may become a formula
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in str(name)).strip("'") or "sheet"
    base = base[:MAX_SHEET_TITLE]
    title, n = base, 2
    while title in used:
        suffix = f"_{n}"
        title = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    return title
