"""The table as the checker sees it: the grid's rows, the header rows and columns, the title.

`Table` is filled by the header pass (`loaders.upload.header`) and then read by the row passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.messages import excel_column
from loaders.periods import Period
from loaders.regions import RegionMatch
from loaders.upload import limits
from loaders.upload.cells import CONTROL, is_blank
from loaders.upload.coded import CodedRows, as_list
from loaders.upload.labels import Column
from loaders.upload.messages import Collector


@dataclass
class Table:
    rows: list[list[object]]  # the outer list is the checker's own (trailing blank rows popped); rows are read only
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    kind: str = ""  # csv | xlsx
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    width: int = 0
    header_rows: list[int] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    title_text: str = ""
    title_region: RegionMatch | None = None  # the region the title names, when no column does
    table_period: Period | None = None  # the period the title names, when no column does
    total_labels: dict[int, str] = field(default_factory=dict)  # row -> the 合计/小计 text that made it a total row

    @classmethod
    def of_grid(cls, grid) -> Table:
        rows = getattr(grid, "rows", None)
        return cls(
            rows=rows if isinstance(rows, CodedRows) and len(rows) else list(rows or []),
            merged=list(getattr(grid, "merged", None) or []),
            kind=getattr(grid, "file_kind", "") or "",
            percent_cells=set(getattr(grid, "percent_cells", None) or ()),
        )

    def cell(self, r: int, c: int) -> object:
        row = self.rows[r] if r < len(self.rows) else []
        return row[c] if c < len(row) else None

    def col_name(self, index: int) -> str:
        for c in self.columns:
            if c.index == index and c.header:
                return c.header
        return excel_column(index)

    def merged_top(self) -> dict[tuple[int, int], object]:
        """Value of every cell inside a merged range, from the range's top-left cell."""
        filled = {}
        for r1, c1, r2, c2 in self.merged:
            if r2 - r1 > 10_000 or c2 - c1 > limits.MAX_COLUMNS:
                continue
            if r1 >= len(self.rows) or c1 >= len(self.rows[r1]):
                continue
            top = self.rows[r1][c1]
            for r in range(r1, min(r2, len(self.rows) - 1) + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        filled[(r, c)] = top
        return filled


def trim(table: Table) -> None:
    """Trailing blank rows and trailing columns blank everywhere do not count."""
    rows = table.rows
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    coded = rows.coded() if isinstance(rows, CodedRows) else None
    table.width = rows.width if coded else max((len(r) for r in rows), default=0)
    # Trailing columns that are empty everywhere (styled but blank) do not count.
    while table.width and all(len(r) < table.width or is_blank(r[table.width - 1]) for r in rows):
        table.width -= 1


def check_cells(table: Table, header: int | None, out: Collector) -> bool:
    """Every cell within Excel's length and free of control characters; False if one is too long."""
    ok = True
    names = {}
    if header is not None:
        names = {j: v.strip() for j, v in enumerate(table.rows[header]) if isinstance(v, str) and 0 < len(v.strip()) <= 40}
    for i, row in enumerate(as_list(table.rows)):
        for j, value in enumerate(row):
            if not isinstance(value, str):
                continue
            if len(value) > limits.MAX_CELL_CHARS:
                out.say("error", "too_long", row=i + 1, column=names.get(j, excel_column(j)), excel_column_j=excel_column(j), i_1=i + 1, len_value=len(value), limits_max_cell_chars=limits.MAX_CELL_CHARS)
                ok = False
            elif CONTROL.search(value):
                out.say("error", "control_char", row=i + 1, column=names.get(j, excel_column(j)), excel_column_j=excel_column(j), i_1=i + 1)
    return ok

