"""`check`: one uploaded file → `CheckReport`, by passes that hand explicit values to each other.

    grid ──trim, check_cells──▶ Table ──find_header, read_header──▶ Table with columns
         ──read_rows──▶ Rows (data, totals) ──resolve_regions──▶ regions
         ──build_candidates──▶ candidates ──check_totals, check_duplicates, check_cross_fields
         ──build_frame──▶ figures ──▶ CheckReport

Every pass reports into one `Collector`; the first pass that finds the table unreadable ends the
check (the report then lists what was found so far).
"""

from __future__ import annotations

import gc
import hashlib
import threading
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from loaders import messages as msg
from loaders.catalog import Catalog, load_catalog
from loaders.messages import ReadError
from loaders.upload import limits
from loaders.upload.coded import as_list
from loaders.upload.columnar import cells_are_clean, code_columns, plain_tidy_frame
from loaders.upload.crosschecks import check_cross_fields, check_duplicates, check_totals
from loaders.upload.frame import build_frame
from loaders.upload.header import find_header, read_header, warn_unread_columns
from loaders.upload.labels import MetricIndex
from loaders.upload.messages import Collector
from loaders.upload.places import resolve_regions
from loaders.upload.report import REPORT_COLUMNS, CheckReport, sorted_messages, status_of
from loaders.upload.rows import read_rows
from loaders.upload.table import Table, check_cells, trim
from loaders.upload.values import Candidate, build_candidates

ESCALATED_READ_WARNINGS = frozenset({"control_characters"})
FATAL_HEADER_CODES = frozenset(
    {"duplicate_header", "no_region_column", "no_metric_columns", "no_metric_column", "unit_mismatch", "unknown_unit"}
)


def check_file(path: Path) -> CheckReport:
    """Check one file on disk; `file` in the report is the path as given."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        problem = msg.error(
            "unreadable_file",
            f"无法打开文件：{exc.strerror or type(exc).__name__}",
            f"cannot open the file: {exc.strerror or type(exc).__name__}",
        )
        return CheckReport(file=name, status="rejected", messages=[problem])
    report = check_bytes(data, Path(path).name)
    report.file = name
    return report


def check_bytes(data: bytes, filename: str) -> CheckReport:
    """Check an uploaded file's bytes; never raises."""
    try:
        from loaders.upload.reading import read_grid

        try:
            grid = read_grid(data, filename)
        except ReadError as exc:
            return CheckReport(file=filename, status="rejected", messages=list(exc.messages))
        # The grid is handed over, not kept here: the check lets go of its cells before the
        # figures frame is built, which lowers the peak memory of a large table.
        handed = [grid]
        del grid
        return _check_handed_grid(handed, filename, hashlib.sha256(data).hexdigest())
    except Exception as exc:  # the promise: a message, never a traceback
        problem = msg.error(
            "internal_error",
            f"处理文件时出现内部错误（{type(exc).__name__}），请把文件发给维护人员",
            f"internal error while checking the file ({type(exc).__name__}); please send the file to the maintainers",
        )
        return CheckReport(file=filename, status="rejected", messages=[problem])


def check_grid(grid, filename: str, sha256_hex: str, catalog: Catalog | None = None) -> CheckReport:
    """Check a grid already read from a file (see `loaders.upload.grid.Grid`)."""
    return _check_handed_grid([grid], filename, sha256_hex, catalog)


def check_table(table: Table, reader_warnings, metrics: MetricIndex, out: Collector, display_name: str = "",
                sha8: str = "") -> list[Candidate] | pd.DataFrame:
    """The passes in order; the candidates of the table (empty when a pass found it unreadable).

    A plain tidy table gives its figures frame straight away (`loaders.upload.columnar`: the same
    frame, worked out once per distinct text instead of once per cell).
    """
    for warning in reader_warnings or []:
        if warning.code in ESCALATED_READ_WARNINGS:
            # The reader cleaned the cell and kept going; a table with such cells is refused.
            out.add("error", warning.code, warning.message_zh, warning.message_en, warning.row, warning.column)
        elif warning.code == "formula_without_value" and warning.row is not None:
            out.formula_cells[(warning.row, warning.column)] = warning
        elif warning.code != "cell_longer_than_excel":  # reported below as an error per cell
            out.messages.append(warning)
    trim(table)
    if not table.rows:
        out.say("error", "empty_file")
        return []
    if table.width > limits.MAX_COLUMNS:
        out.say("error", "too_many_columns", row=1, table_width=table.width, limits_max_columns=limits.MAX_COLUMNS)
        return []
    header = find_header(table.rows, metrics)
    coded = code_columns(table.rows)  # each distinct text once, for the cell checks and the columnar path
    if not (cells_are_clean(coded) or check_cells(table, header, out)):
        return []
    if header is None:
        out.say("error", "no_header")
        return []
    read_header(table, header, metrics, out)
    if any(m.level == "error" and m.code in FATAL_HEADER_CODES for m in out.messages):
        return []
    warn_unread_columns(table, display_name, out)
    if not out.formula_cells:
        frame = plain_tidy_frame(table, metrics, display_name, sha8, coded)
        if frame is not None:
            return frame
    del coded
    table.rows = as_list(table.rows)  # the row passes read every row
    rows = read_rows(table, out)
    if rows is None:
        return []
    regions = resolve_regions(table, rows.data, rows.tidy, out)
    candidates = build_candidates(table, rows.data, regions, rows.tidy, metrics=metrics, out=out)
    if rows.totals:
        check_totals(table, rows.totals, rows.order(), candidates, out)
    check_duplicates(table, candidates, out)
    check_cross_fields(candidates, out)
    return candidates


_GC_LOCK = threading.Lock()
_GC_PAUSES = [0, False]  # checks running, whether the collector was on when the first one started


@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector while a table is checked.

    A large table allocates millions of lists and tuples; each allocation burst makes the collector
    walk every live object (the grid's cells included), which made checking grow faster than the
    table. Nothing the checker keeps forms reference cycles. The collector is switched back on when
    the last running check ends (checks may run in several threads at once).
    """
    with _GC_LOCK:
        if _GC_PAUSES[0] == 0:
            _GC_PAUSES[1] = gc.isenabled()
            gc.disable()
        _GC_PAUSES[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES[0] -= 1
            if _GC_PAUSES[0] == 0 and _GC_PAUSES[1]:
                gc.enable()


def _check_handed_grid(handed: list, filename: str, sha256_hex: str, catalog: Catalog | None = None) -> CheckReport:
    """check_grid of `handed`'s one grid, taken out of the list so that the check holds the only reference."""
    with _cyclic_gc_paused():
        return _check_handed_grid_now(handed, filename, sha256_hex, catalog)


def _check_handed_grid_now(handed: list, filename: str, sha256_hex: str, catalog: Catalog | None) -> CheckReport:
    grid = handed.pop()
    encoding, sheet = getattr(grid, "encoding", None), getattr(grid, "sheet", None)
    reader_warnings = getattr(grid, "warnings", None)
    table = Table.of_grid(grid)
    del grid
    metrics = MetricIndex(catalog or load_catalog())
    out = Collector()
    display_name = Path(filename).name or filename
    candidates = check_table(table, reader_warnings, metrics, out, display_name, sha256_hex[:8])
    table.rows = []  # the cells are no longer needed: only the candidates are
    messages = sorted_messages(out.messages + list(out.formula_cells.values()))
    status = status_of(messages)
    if status == "rejected":
        figures = pd.DataFrame(columns=REPORT_COLUMNS)
    elif isinstance(candidates, pd.DataFrame):
        figures = candidates
    else:
        figures = build_frame(candidates, display_name, sha256_hex[:8])
    del candidates
    rows = int(figures["source_row"].nunique()) if len(figures) else 0
    used = set(figures["metric_id"].unique()) if len(figures) else set()
    return CheckReport(
        file=filename,
        status=status,
        encoding=encoding,
        sheet=sheet,
        rows=rows,
        messages=messages,
        figures=figures,
        new_metrics=[m for k, m in metrics.new_metrics.items() if k in used],
    )
