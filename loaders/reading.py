"""Bytes → cell grid: kept as a name for older callers; the reader is `loaders.upload.reading`.

`loaders.upload.grid` (the Grid, limits, shared messages), `loaders.upload.delimited` (CSV text)
and `loaders.upload.workbook` (XLSX) hold the rest.
"""

from __future__ import annotations

from loaders.upload.delimited import _Lines, _row_cap  # noqa: F401
from loaders.upload.grid import _SCAN_CHUNK, MAX_BYTES, MAX_CELLS, Grid  # noqa: F401
from loaders.upload.reading import read_grid  # noqa: F401
