"""The sizes an upload may have: read at call time by the reader and the checker (tests tune them)."""

from __future__ import annotations

MAX_DATA_ROWS = 1_000_000  # a 1,000,000-row tidy table: see bench/RESULTS.md for its time and memory
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_MESSAGES = 300
