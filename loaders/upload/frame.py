"""Building the figures frame: the candidates of an accepted table → one row per figure (REPORT_COLUMNS)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.core.arrays.string_arrow import ArrowStringArray

from loaders.model import MAX_EVIDENCE
from loaders.periods import Period
from loaders.upload.report import CATEGORY_COLUMNS, REPORT_COLUMNS, categorical
from loaders.upload.values import Candidate

FIGURE_CHUNK = 65_536  # candidates turned into frame columns at a time


def build_frame(candidates: list[Candidate], display_name: str, sha8: str) -> pd.DataFrame:
    """The figures as a frame of REPORT_COLUMNS, in row then column order.

    Built column-wise, FIGURE_CHUNK candidates at a time: each chunk's values go straight into
    Arrow/NumPy arrays and its candidates are let go, so a large table never holds one dict per
    figure, nor every candidate and the whole frame at once. Same columns, dtypes and values as
    a frame made from one record per figure.
    """
    if not candidates:
        return pd.DataFrame([], columns=REPORT_COLUMNS)
    ordered = candidates
    ordered.sort(key=lambda c: (c.row, c.col))  # stable, as sorted() was; nothing reads them after this
    n = len(ordered)
    source_id = f"upload:{sha8}"
    periods: dict[int, tuple[Period, str, str]] = {}
    for c in ordered:
        if id(c.period) not in periods:
            periods[id(c.period)] = (c.period, c.period.start.isoformat(), c.period.end.isoformat())

    def text_columns(part: list[Candidate], first: int) -> dict[str, list[str]]:
        specs = [c.spec for c in part]
        empty = [""] * len(part)
        changes = [spec.measure == "change" for spec in specs]
        figure_ids = [f"up-{sha8}-{k:03d}" for k in range(first, first + len(part))]
        return {
            "figure_id": figure_ids,
            "fact_id": figure_ids,
            "source_id": [source_id] * len(part),
            "region_code": [c.region_code for c in part],
            "period_start": [periods[id(c.period)][1] for c in part],
            "period_end": [periods[id(c.period)][2] for c in part],
            "period_text": [c.period.text for c in part],
            "phase": empty,
            "agency_id": [c.agency_id for c in part],
            "category": [spec.category for spec in specs],
            "metric_id": [spec.metric_id for spec in specs],
            "breakdown": empty,
            "measure": [spec.measure for spec in specs],
            "unit": [spec.unit for spec in specs],
            "qualifier": [c.qualifier for c in part],
            "direction": [c.direction if change else "" for c, change in zip(part, changes, strict=True)],
            "basis": [(spec.basis or "yoy") if change else "" for spec, change in zip(specs, changes, strict=True)],
            "evidence": [evidence(display_name, c.row, c.header) for c in part],
            "note": [c.note for c in part],
            "metric_zh": [spec.metric_zh for spec in specs],
            "metric_en": [spec.metric_en for spec in specs],
            "formula": empty,
        }

    text_chunks: dict[str, list[pa.Array]] = {}
    values, source_rows = np.empty(n, dtype=np.float64), np.empty(n, dtype=np.int64)
    for first in range(0, n, FIGURE_CHUNK):
        part = ordered[first : first + FIGURE_CHUNK]
        for name, texts in text_columns(part, first + 1).items():
            text_chunks.setdefault(name, []).append(pa.array(texts, type=pa.large_string()))
        values[first : first + len(part)] = [float(c.value) for c in part]
        source_rows[first : first + len(part)] = [c.row for c in part]
        ordered[first : first + len(part)] = [None] * len(part)
        del part
    del ordered[:]
    string = pd.StringDtype("pyarrow", na_value=np.nan)  # what pandas infers for a column of str
    columns: dict[str, pd.Series] = {}
    for name in REPORT_COLUMNS:
        if name == "value":
            columns[name] = pd.Series(values, name=name, copy=False)
        elif name == "source_row":
            columns[name] = pd.Series(source_rows, name=name, copy=False)
        elif name == "derived":
            columns[name] = pd.Series(np.zeros(n, dtype=bool), name=name, copy=False)
        else:
            combined = pa.chunked_array(text_chunks.pop(name), type=pa.large_string()).combine_chunks()
            if name in CATEGORY_COLUMNS:  # codes + distinct texts (report.CATEGORY_COLUMNS)
                encoded = combined.dictionary_encode()
                codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                columns[name] = pd.Series(categorical(encoded.dictionary.to_pylist(), codes), name=name, copy=False)
            else:
                columns[name] = pd.Series(ArrowStringArray(pa.chunked_array([combined]), dtype=string), name=name)
    frame = pd.DataFrame(columns, columns=REPORT_COLUMNS, copy=False)  # the Series are ours: no second copy
    pa.default_memory_pool().release_unused()  # the chunks just combined: give their memory back now
    return frame



def evidence(filename: str, row: int, header: str) -> str:
    """Where a figure was read: the file, row and header, within MAX_EVIDENCE characters."""
    suffix = f" 第{row}行 {header}"
    if len(suffix) > MAX_EVIDENCE - 4:
        suffix = suffix[: MAX_EVIDENCE - 5] + "…"
    budget = MAX_EVIDENCE - len(suffix)
    name = filename if len(filename) <= budget else filename[: budget - 1] + "…"
    return name + suffix
