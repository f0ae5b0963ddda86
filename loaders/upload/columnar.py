"""The plain tidy table, column by column: the passes' result for a clean table, at read speed.

A tidy CSV (地区 | 期间 | 指标 | 数值 | 单位, one figure per row) is what scripts and exports make, and
what a million-row upload looks like. For such a table every pass of the checker is a function of
a cell's text (a region name, a period, a metric and unit, a value), so each distinct text is
worked out once by the passes' own functions and the results are spread over the rows with
NumPy/Arrow `take`. The figures frame is then built from those small tables.

Anything that would give a message (an unknown region or metric, a bad value, a blank cell, a
duplicate row, a total row, …) sends the whole table back to the row passes, which report it
exactly as before: this path never reports anything itself. `tests/test_upload_columnar.py`
checks that both paths give the same frame.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.core.arrays.string_arrow import ArrowStringArray

from loaders.model import MAX_EVIDENCE
from loaders.periods import Period, PeriodError
from loaders.regions import RegionMatch
from loaders.upload import limits, places
from loaders.upload import values as value_pass
from loaders.upload.cells import CONTROL, cell_text, header_key, is_blank, may_be_header_key
from loaders.upload.coded import CodedRows, give_back_memory
from loaders.upload.labels import NOTE_PREFIXES, PERCENTAGE_POINT_WORDS, MetricIndex, total_kind_of
from loaders.upload.messages import Collector
from loaders.upload.report import CATEGORY_COLUMNS, REPORT_COLUMNS, categorical
from loaders.upload.specs import tidy_spec
from loaders.upload.table import Table

TIDY_ROLES = frozenset({"region", "period", "metric_name", "value", "unit"})
_STRING = pd.StringDtype("pyarrow", na_value=np.nan)  # what the row path's frame holds
_PLAIN_DECIMAL = re.compile(r"(0|[1-9][0-9]*)(?:\.([0-9]+))?")
QUALIFIERS = ("exact", "at_least", "about", "less_than")
DIRECTIONS = ("", "increase", "decrease")
_NOTHING = pa.scalar("", pa.large_string())  # the separator of joined texts
_POWERS_OF_TEN = np.array([10**k for k in range(1, 19)], dtype=np.int64)


class NotPlain(Exception):
    """The table is not a plain tidy table: the row passes check it."""


def _factorize(column: tuple) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(np.array(column, dtype=object), use_na_sentinel=False)
    return codes, uniques


def _data_part(codes: np.ndarray, uniques: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of rows[start:] from those of every row, in order of first appearance."""
    # Codes number the values in order of first appearance, so the header rows hold 0 … k - 1; when
    # no data row repeats one of those, the data rows' codes are the rest, shifted.
    seen = int(codes[:start].max()) + 1 if start else 0
    if not start or int(codes[start:].min()) >= seen:
        return codes[start:] - seen, uniques[seen:]
    part, used = pd.factorize(codes[start:])
    return part, uniques[used]


def code_columns(rows: list[list[object]]) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Each column of a rectangular grid as (codes, distinct values); None for a ragged grid."""
    if isinstance(rows, CodedRows) and rows.coded():
        return rows.coded()  # read as columns already (loaders.upload.plain_csv)
    if not rows or any(len(r) != len(rows[0]) for r in rows):
        return None
    return [_factorize(column) for column in zip(*rows, strict=True)]


def cells_are_clean(coded: list[tuple[np.ndarray, np.ndarray]] | None) -> bool:
    """True when `check_cells` would find nothing: every distinct text within length, no control characters.

    Looked at once per distinct text of each column; a ragged grid (`coded` None) is left to `check_cells`.
    """
    if coded is None:
        return False
    for _, uniques in coded:
        for value in uniques:
            if isinstance(value, str) and (len(value) > limits.MAX_CELL_CHARS or CONTROL.search(value)):
                return False
    return True


def plain_tidy_frame(table: Table, metrics: MetricIndex, display_name: str, sha8: str,
                     coded: list | None = None) -> pd.DataFrame | None:
    """The figures of a plain tidy table, as `frame.build_frame` would give them; None when not plain.

    `coded` is `code_columns(table.rows)` when the caller has it already.
    """
    known = dict(metrics.new_metrics)
    try:
        return _plain_tidy_frame(table, metrics, display_name, sha8, coded)
    except NotPlain:
        metrics.new_metrics.clear()
        metrics.new_metrics.update(known)  # the row passes must find the catalogue as it was
        return None


def _plain_tidy_frame(table: Table, metrics: MetricIndex, display_name: str, sha8: str,
                      coded: list | None) -> pd.DataFrame:
    columns = table.columns
    roles = [c.role for c in columns]
    if (
        table.kind != "csv" or table.merged or table.percent_cells or len(table.header_rows) != 1
        or sorted(roles) != sorted(TIDY_ROLES) or table.title_region is not None or table.table_period is not None
    ):
        raise NotPlain
    start = table.header_rows[-1] + 1
    width = table.width
    n = len(table.rows) - start
    if n <= 0 or n > limits.MAX_DATA_ROWS:
        raise NotPlain
    if isinstance(table.rows, CodedRows) and table.rows.coded():
        if table.rows.width != width:
            raise NotPlain
    elif any(len(r) != width for r in table.rows[start:]):
        raise NotPlain
    by_role = {c.role: c for c in columns}
    if coded is None or len(coded) != width:
        coded = [_factorize(col) for col in zip(*table.rows[start:], strict=True)]
    else:  # the whole grid's codes: keep the data rows' and their distinct values only
        coded = [_data_part(codes, uniques, start) for codes, uniques in coded]

    # Row classification (rows.read_rows): every cell filled, no note, repeated header or total row.
    for c, (_, uniques) in zip(columns, coded, strict=True):
        key, memo = header_key(c.header), {}
        for k in _not_plainly_text(uniques, key):
            value = uniques[k]
            if is_blank(value) or not isinstance(value, str) or may_be_header_key(value, key, memo):
                raise NotPlain
    first_uniques = coded[0][1]
    if any(cell_text(v).strip().startswith(NOTE_PREFIXES) for v in first_uniques):
        raise NotPlain
    region_col, period_col = by_role["region"], by_role["period"]
    region_codes, region_texts = coded[region_col.index]
    if any(total_kind_of(cell_text(v)) for v in region_texts):
        raise NotPlain

    # Regions (places.resolve_regions): each distinct name once, shared names settled by the rest.
    memo: dict = {}

    def match(text: str, parent: str | None = None, level: str | None = None):
        key = (text, parent, level)
        if key not in memo:
            memo[key] = places.match_region(text, parent, level=level)
        return memo[key]

    texts = [cell_text(v) for v in region_texts]
    level, parent = places.table_hint([match(t) for t in set(texts)], table.title_text)
    regions: list[RegionMatch] = []
    for text in texts:
        found = match(text)
        if not isinstance(found, RegionMatch) and found.code == "ambiguous_region" and (level or parent()):
            found = match(text, parent(), level)
        if not isinstance(found, RegionMatch) or found.matched_by == "renamed":  # a former name is warned of
            raise NotPlain
        regions.append(found)
    if places.outside_title({m.region_code for m in regions}, table.title_text)[1]:
        raise NotPlain  # the row passes warn of a region outside the title's division

    # Periods (values.row_period): each distinct cell once.
    period_codes, period_cells = coded[period_col.index]
    periods: list[Period] = []
    for value in period_cells:
        try:
            periods.append(value_pass.not_yet_begun(value_pass.parse_period(value, month_column="月" in period_col.header)))
        except PeriodError:
            raise NotPlain from None

    # Metric and unit (specs.tidy_spec): each distinct pair once, without a message.
    metric_col, unit_col, value_col = by_role["metric_name"], by_role["unit"], by_role["value"]
    metric_codes, metric_cells = coded[metric_col.index]
    unit_codes, unit_cells = coded[unit_col.index]
    pair_codes, pair_index = pd.factorize(metric_codes.astype(np.int64) * len(unit_cells) + unit_codes)
    scratch = Collector()
    specs, headers = [], []
    for pair in pair_index:
        name, unit = metric_cells[pair // len(unit_cells)], unit_cells[pair % len(unit_cells)]
        if header_key(cell_text(unit)) in PERCENTAGE_POINT_WORDS:
            raise NotPlain  # the row passes say why a percentage-point change is not stored
        spec = tidy_spec(cell_text(name), cell_text(unit), 0, metric_col.header, metrics=metrics,
                         title_text=table.title_text, out=scratch, specs_memo={})
        if spec is None or scratch.messages:
            raise NotPlain
        specs.append(spec)
        headers.append(cell_text(name).strip())

    # Values (values.figure). A plain decimal (1346, 3939.6) in a count or amount column is the same
    # exact number whatever the row: worked out with integer arithmetic on whole columns. Every other
    # distinct (value, metric and unit) goes through figure() once, and must give no message.
    value_codes, value_cells = coded[value_col.index]
    row_values, row_qualifiers, row_directions = _plain_decimals(value_codes, value_cells, specs, pair_codes)
    rest = np.flatnonzero(row_qualifiers < 0)
    if len(rest):
        figure_codes, figure_index = pd.factorize(value_codes[rest].astype(np.int64) * len(pair_index) + pair_codes[rest])
        numbers = np.empty(len(figure_index), dtype=np.float64)
        qualifiers = np.empty(len(figure_index), dtype=np.int8)
        directions = np.empty(len(figure_index), dtype=np.int8)
        anywhere = Period(date(2000, 1, 1), date(2000, 1, 1), "")
        somewhere = RegionMatch("000000", "", "", "province", "", "name", "")  # figure() keeps a figure with a region
        cells = value_pass.Cells(table, value_pass.Memo(), scratch, [])
        for k, key in enumerate(figure_index):
            value, pair = value_cells[key // len(pair_index)], key % len(pair_index)
            spec = specs[pair]
            value_pass.figure(start + 1, value_col, headers[pair], value, spec, somewhere, anywhere, "", {}, cells=cells)
            if scratch.messages or len(cells.candidates) != 1:
                raise NotPlain
            cand = cells.candidates.pop()
            if spec.kind == "percent" and 0 < abs(cand.value) < 1:
                raise NotPlain  # ambiguous_percent depends on the rows above: the row passes decide
            numbers[k] = float(cand.value)
            qualifiers[k] = QUALIFIERS.index(cand.qualifier)
            directions[k] = DIRECTIONS.index(cand.direction)
        row_values[rest] = numbers[figure_codes]
        row_qualifiers[rest] = qualifiers[figure_codes]
        row_directions[rest] = directions[figure_codes]

    # Duplicates (crosschecks.check_duplicates): one figure per (period, metric, measure, basis, region).
    # (each key factorized over the distinct values, then spread over the rows)
    period_keys = pd.factorize(np.array(["|".join(p.key) for p in periods], dtype=object))[0][period_codes]
    spec_keys = pd.factorize(np.array(["|".join((s.metric_id, s.measure, s.basis)) for s in specs], dtype=object))[0][pair_codes]
    region_keys = pd.factorize(np.array([m.region_code for m in regions], dtype=object))[0][region_codes]
    combined = (period_keys.astype(np.int64) * (spec_keys.max() + 1) + spec_keys) * (region_keys.max() + 1) + region_keys
    if len(pd.unique(combined)) != n:
        raise NotPlain
    del period_keys, spec_keys, region_keys, combined
    give_back_memory()  # the passes' scratch, before the frame's columns are made
    return _frame(
        n, start, display_name, sha8,
        regions=(regions, region_codes), periods=(periods, period_codes), specs=(specs, headers, pair_codes),
        figures=(row_values, row_qualifiers, row_directions),
    )


def _not_plainly_text(uniques: np.ndarray, key: str) -> list[int]:
    """Positions of the distinct cells the row classification must look at one by one.

    An ASCII text whose first character is visible ASCII (! … ~) is not blank (`is_blank`) and can
    never fold to a key with other than ASCII characters (`may_be_header_key`): with such a key,
    those cells (the plain numbers of a value column: ~140,000 distinct in a million rows) are
    answered for all at once by Arrow."""
    if key.isascii() or len(uniques) < 1000:
        return list(range(len(uniques)))
    try:
        texts = pa.array(uniques, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return list(range(len(uniques)))
    plain = pc.and_(pc.string_is_ascii(texts), pc.match_substring_regex(texts, r"^[\x21-\x7e]"))
    return np.flatnonzero(~pc.fill_null(plain, False).to_numpy(zero_copy_only=False)).tolist()


def _strings(values: list[str], codes: np.ndarray) -> pa.Array:
    """`values[codes]` as one large_string Arrow array."""
    if len(values) == 1:
        return _repeated(values[0], len(codes))
    return pa.array(values, type=pa.large_string()).take(pa.array(codes))


def _repeated(value: str, n: int) -> pa.Array:
    """`value` n times as a large_string Arrow array, built from its buffers."""
    data = value.encode()
    offsets = np.arange(0, (n + 1) * len(data), len(data), dtype=np.int64) if data else np.zeros(n + 1, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data * n))


def _frame(n, start, display_name, sha8, *, regions, periods, specs, figures) -> pd.DataFrame:
    region_list, region_codes = regions
    period_list, period_codes = periods
    spec_list, headers, pair_codes = specs
    row_values, row_qualifiers, row_directions = figures
    row_numbers = np.arange(start + 1, start + n + 1, dtype=np.int64)
    # 1 … start + n as text, once: the ids number 1 … n (at least three digits), the evidence start + 1 ….
    numbers = pc.cast(pa.array(np.arange(1, start + n + 1, dtype=np.int64)), pa.large_string())
    padded = pa.concat_arrays([pc.utf8_lpad(numbers.slice(0, min(n, 99)), 3, "0"), numbers.slice(min(n, 99), max(n - 99, 0))])
    ids = pc.binary_join_element_wise(pa.scalar(f"up-{sha8}-", pa.large_string()), padded, _NOTHING)
    changes = [s.measure == "change" for s in spec_list]
    nothing = np.zeros(n, dtype=np.int8)
    # Repeated texts as (distinct values, row codes): categoricals, no per-row text (report.CATEGORY_COLUMNS).
    coded = {
        "source_id": ([f"upload:{sha8}"], nothing),
        "region_code": ([m.region_code for m in region_list], region_codes),
        "period_start": ([p.start.isoformat() for p in period_list], period_codes),
        "period_end": ([p.end.isoformat() for p in period_list], period_codes),
        "period_text": ([p.text for p in period_list], period_codes),
        "phase": ([""], nothing),
        "agency_id": ([""], nothing),
        "category": ([s.category for s in spec_list], pair_codes),
        "metric_id": ([s.metric_id for s in spec_list], pair_codes),
        "breakdown": ([""], nothing),
        "measure": ([s.measure for s in spec_list], pair_codes),
        "unit": ([s.unit for s in spec_list], pair_codes),
        "qualifier": (list(QUALIFIERS), row_qualifiers),
        "direction": (list(DIRECTIONS), row_directions),
        "basis": ([(s.basis or "yoy") if change else "" for s, change in zip(spec_list, changes, strict=True)], pair_codes),
        "note": ([""], nothing),
        "metric_zh": ([s.metric_zh for s in spec_list], pair_codes),
        "metric_en": ([s.metric_en for s in spec_list], pair_codes),
        "formula": ([""], nothing),
    }
    assert set(coded) == set(CATEGORY_COLUMNS)
    text = {"figure_id": ids, "fact_id": ids, "evidence": _evidence(display_name, row_numbers, numbers.slice(start, n), headers, pair_codes)}
    columns: dict[str, pd.Series] = {}
    for name in REPORT_COLUMNS:
        if name == "value":
            columns[name] = pd.Series(row_values, name=name, copy=False)
        elif name == "source_row":
            columns[name] = pd.Series(row_numbers, name=name, copy=False)
        elif name == "derived":
            columns[name] = pd.Series(np.zeros(n, dtype=bool), name=name, copy=False)
        elif name in coded:
            columns[name] = pd.Series(categorical(*coded[name]), name=name, copy=False)
        else:
            array = text[name]
            array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
            columns[name] = pd.Series(ArrowStringArray(pa.chunked_array([array]), dtype=_STRING), name=name)
    frame = pd.DataFrame(columns, columns=REPORT_COLUMNS, copy=False)
    give_back_memory()  # the joins' and takes' scratch
    return frame


def _plain_decimals(value_codes: np.ndarray, value_cells: np.ndarray, specs: list, pair_codes: np.ndarray):
    """Values of the rows whose cell is a plain decimal in a count or amount column; qualifier -1 elsewhere.

    `values.figure` gives such a cell the number × the column's scale (a power of ten), exact, with no
    qualifier or direction, provided the result is whole (a count), below its kind's ceiling and,
    for an amount in 万元/亿元, below the unit-typo bound. Whole numbers below 2^53 are exact as floats,
    so integer arithmetic gives the very float `float(Decimal)` gives.
    """
    n = len(value_codes)
    mantissa, fraction = _decimal_parts(value_cells)
    exponents = np.full(len(specs), -1, dtype=np.int64)
    limits_ = np.zeros(len(specs), dtype=np.float64)
    for k, spec in enumerate(specs):
        exponent = len(str(spec.scale)) - 1
        if spec.measure != "level" or spec.scale != 10**exponent or spec.new_metric:
            continue
        if spec.kind == "count":
            exponents[k], limits_[k] = exponent, 10.0**12
        elif spec.kind == "money" and spec.scale_stated:
            exponents[k], limits_[k] = exponent, (10.0**11 if spec.scale > 1 else 10.0**14)
    row_exponents = exponents[pair_codes] - fraction[value_codes]
    row_mantissa = mantissa[value_codes]
    plain = (exponents[pair_codes] >= 0) & (row_exponents >= 0)
    power = np.where(plain, row_exponents, 0)
    approximate = row_mantissa.astype(np.float64) * np.power(10.0, power)
    plain &= approximate < limits_[pair_codes] * 0.5
    values = np.zeros(n, dtype=np.float64)
    values[plain] = (row_mantissa[plain] * np.power(10, power[plain], dtype=np.int64)).astype(np.float64)
    qualifiers = np.where(plain, QUALIFIERS.index("exact"), -1).astype(np.int8)
    directions = np.zeros(n, dtype=np.int8)  # DIRECTIONS[0] == "": a level has none
    return values, qualifiers, directions


def _decimal_parts(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(digits as one integer, digits after the point) of each plain decimal text of at most 16
    characters (`_PLAIN_DECIMAL`); (0, 99) for any other cell. Worked out on all texts at once."""
    texts = pa.array(cells, type=pa.large_string(), from_pandas=True)
    plain = pc.and_kleene(
        pc.match_substring_regex(texts, "^" + _PLAIN_DECIMAL.pattern + "$"), pc.less_equal(pc.utf8_length(texts), 16)
    )
    plain = pc.fill_null(plain, False)
    digits = pc.if_else(plain, pc.replace_substring(texts, ".", ""), "0")
    mantissa = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
    point = pc.find_substring(texts, ".").to_numpy(zero_copy_only=False)
    length = pc.utf8_length(texts).to_numpy(zero_copy_only=False)
    fraction = np.where(point >= 0, length - point - 1, 0).astype(np.int64)
    plain = plain.to_numpy(zero_copy_only=False)
    return np.where(plain, mantissa, 0), np.where(plain, fraction, 99)


def _evidence(display_name: str, row_numbers: np.ndarray, row_texts: pa.Array, headers: list[str],
              pair_codes: np.ndarray) -> pa.Array:
    """frame.evidence(display_name, row, header) for every row, worked out per (header, digits of the row)."""
    digits = np.searchsorted(_POWERS_OF_TEN, row_numbers, side="right").astype(np.int64) + 1
    groups, group_index = pd.factorize(pair_codes.astype(np.int64) * 32 + digits)
    heads, tails = [], []
    for key in group_index:
        header, width = headers[key // 32], key % 32
        suffix_len = len(f" 第{'0' * width}行 {header}")
        if suffix_len > MAX_EVIDENCE - 4:
            raise NotPlain  # a suffix cut through the row number: rare, the row path writes it
        budget = MAX_EVIDENCE - suffix_len
        name = display_name if len(display_name) <= budget else display_name[: budget - 1] + "…"
        heads.append(name + " 第")
        tails.append("行 " + header)
    head = pa.scalar(heads[0], pa.large_string()) if len(set(heads)) == 1 else _strings(heads, groups)
    return pc.binary_join_element_wise(head, row_texts, _strings(tails, groups), _NOTHING)
