"""Rows kept as columns of codes: the grid of a plain delimited file, row lists made only when asked.

A plain CSV of a million rows is read column by column (`loaders.upload.plain_csv`): each column is
one array of small integer codes into the column's distinct texts. `CodedRows` is what the checker
sees as `Grid.rows` / `Table.rows`: a read-only sequence of rows, each row a new list made from the
codes when it is asked for (the header finder reads the first rows, the columnar path reads the
columns). A pass that needs every row, or changes one, turns it into a real list of lists first
(`materialized`), the same list the csv reader would have made.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa

try:  # the C library's allocator, to hand freed heap memory back (glibc keeps it otherwise)
    _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _MALLOC_TRIM = _LIBC.malloc_trim
except (OSError, AttributeError):  # not glibc: nothing to trim
    _MALLOC_TRIM = None

# A slice of more rows than this is made from the whole list, once, rather than row by row.
_SMALL_SLICE = 1_000


class CodedRows(Sequence):
    """`len(codes)` rows of `len(columns)` cells; cell (r, c) is `columns[c][1][columns[c][0][r]]`.

    Every row has the same width. A distinct value is `None` for an empty cell, else its text.
    """

    def __init__(self, columns: list[tuple[np.ndarray, np.ndarray]]):
        self.columns = columns
        self.width = len(columns)
        self._length = len(columns[0][0]) if columns else 0
        self._rows: list[list[object]] | None = None

    def __len__(self) -> int:
        return len(self._rows) if self._rows is not None else self._length

    def _row(self, r: int) -> list[object]:
        return [uniques[codes[r]] for codes, uniques in self.columns]

    def __getitem__(self, index):
        if self._rows is not None:
            return self._rows[index]
        if isinstance(index, slice):
            positions = range(*index.indices(self._length))
            if len(positions) > _SMALL_SLICE:
                return self.materialized()[index]
            return [self._row(r) for r in positions]
        r = index.__index__()
        if r < 0:
            r += self._length
        if not 0 <= r < self._length:
            raise IndexError("row index out of range")
        return self._row(r)

    def __iter__(self) -> Iterator[list[object]]:
        if self._rows is not None:
            return iter(self._rows)
        return (self._row(r) for r in range(self._length))

    def __eq__(self, other) -> bool:
        if isinstance(other, (CodedRows, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"CodedRows({len(self)} rows × {self.width} columns)"

    def coded(self) -> list[tuple[np.ndarray, np.ndarray]] | None:
        """The columns as (codes, distinct values), or None once the rows have been made."""
        return self.columns if self._rows is None else None

    def materialized(self) -> list[list[object]]:
        """Every row as a list (made once, then kept): what the csv reader would have made."""
        if self._rows is None:
            cells = [uniques[codes].tolist() for codes, uniques in self.columns]
            self._rows = [list(row) for row in zip(*cells, strict=True)] if cells else []
            self.columns = []
        return self._rows

    # Changing the rows makes them real lists first.
    def pop(self, index: int = -1) -> list[object]:
        return self.materialized().pop(index)

    def append(self, row: list[object]) -> None:
        self.materialized().append(row)

    def __setitem__(self, index, value) -> None:
        self.materialized()[index] = value

    def __delitem__(self, index) -> None:
        del self.materialized()[index]


def as_list(rows) -> list[list[object]]:
    """`rows` as a real list of row lists (coded rows are made; a list is returned as it is)."""
    return rows.materialized() if isinstance(rows, CodedRows) else rows


def give_back_memory() -> None:
    """Return the memory a large check has freed to the system: Arrow's pool and the C heap keep it.

    Between the passes of a million-row table, arrays of a few MB are made and freed; glibc serves
    them from its heap (its mmap threshold rises with the first one freed) and keeps the freed
    pages, so the process's peak would count every pass's scratch on top of the next one's.
    """
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
