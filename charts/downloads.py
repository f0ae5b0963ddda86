"""Table downloads as bytes: CSV (UTF-8 with BOM, so Excel opens it) and XLSX, formula-safe.

Every cell goes through `loaders.csvsafe.neutralise_cell` (the one formula-neutralising function,
below the loaders and the charts alike; its rule is written there). CSV is `loaders.csvsafe.to_csv_bytes`,
re-exported here with the neutralising names for the chart and page code.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from loaders.csvsafe import (  # noqa: F401 - re-exported: the charts' and pages' CSV goes through these
    FORMULA_START,
    FORMULA_TRIGGERS,
    neutralise_cell,
    neutralise_frame,
    plain_number,
    to_csv_bytes,
)

MAX_SHEET_TITLE = 31


def _xlsx_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (bool, int, float, datetime, date)):
        return plain_number(value)
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
