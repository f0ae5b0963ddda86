"""Parsing values: every figure cell of every data row → a `Candidate` (number, unit, qualifier), or a message.

Numbers are read by `loaders.numbers.parse_number`; the row rules shared with curated tables
(negative, out_of_range) come from `loaders.model`, the plausible sizes from `loaders.bounds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from loaders.bounds import bound_problem
from loaders.messages import excel_column
from loaders.model import negative_problem, percent_problem
from loaders.numbers import NumberParseError, ParsedNumber, parse_number
from loaders.periods import Period, PeriodError, parse_period
from loaders.regions import RegionMatch, echo
from loaders.upload.cells import FORMULA, cell_text, header_key, is_blank, own_copy, plain
from loaders.upload.labels import (
    PERCENTAGE_POINT_WORDS,
    TEMPLATE_EXAMPLE_NOTE,
    Column,
    MetricIndex,
    Spec,
    Unit,
    agency_of,
    parse_unit,
)
from loaders.upload.messages import Collector
from loaders.upload.specs import tidy_change_spec, tidy_spec
from loaders.upload.table import Table
from loaders.vocabulary import QUALIFIER_WORDS

MONEY_OUTLIER_YUAN = 10**11  # a region's amount above 1000亿元 is a unit typo, not a statistic


@dataclass(slots=True)
class Candidate:
    """One figure a cell yields, before the table-wide checks."""

    row: int
    col: int
    header: str
    region_code: str
    region_zh: str
    period: Period
    spec: Spec
    value: Decimal
    qualifier: str
    direction: str = ""
    agency_id: str = ""
    note: str = ""


@dataclass
class Memo:
    """What the value pass works out once per distinct text and reuses for every row."""

    shared: dict[str, str] = field(default_factory=dict)  # one string object per distinct header / note text
    letters: dict[int, str] = field(default_factory=dict)  # column index -> Excel letters
    specs: dict = field(default_factory=dict)  # (指标, 单位) -> (Spec, messages to replay)
    changes: dict = field(default_factory=dict)  # (id(Spec), column) -> the change Spec of a bare 同比 column
    periods: dict = field(default_factory=dict)  # (type, cell, column) -> Period | PeriodError
    tidy_layout: tuple | None = None
    title_period_refused: bool = False  # the title's period has not begun: said once, every row left out


def build_candidates(table: Table, data_rows: list[tuple[int, list[object]]], regions: list[RegionMatch | None],
                     tidy: bool, *, metrics: MetricIndex, out: Collector) -> list[Candidate]:
    """Every figure of every data row, in row order (columns in table order within a row)."""
    memo = Memo()
    candidates: list[Candidate] = []
    roles = {c.role: c for c in reversed(table.columns)}
    period_col = roles.get("period")
    agency_col = roles.get("agency")
    check_identifiers(table, data_rows, out)
    percent_rules = percent_columns(table, data_rows, out)
    note_cols = [c for c in table.columns if c.role == "note"]
    cells = Cells(table, memo, out, candidates)
    for (row_no, values), region in zip(data_rows, regions, strict=True):
        period = row_period(row_no, values, period_col, table, memo, out)
        agency = agency_of(values[agency_col.index]) if agency_col is not None else ""
        remark = row_remark(values, note_cols, memo) if note_cols else ""
        if remark and TEMPLATE_EXAMPLE_NOTE in remark:
            example_col = next(c for c in note_cols if TEMPLATE_EXAMPLE_NOTE in cell_text(values[c.index]))
            out.say("error", "template_example_row", row=row_no, column=example_col.header)
            continue
        if tidy:
            tidy_row(row_no, values, region, period, agency, percent_rules, remark, cells=cells, metrics=metrics)
            continue
        for c in table.columns:
            if c.role != "figure" or c.spec is None:
                continue
            figure(row_no, c, c.header, values[c.index], c.spec, region, period, agency, percent_rules, note=remark,
                   cells=cells)
    return candidates


@dataclass(slots=True)
class Cells:
    """Where the figures of the value pass go, and what it reads: handed to `figure` for every cell."""

    table: Table
    memo: Memo
    out: Collector
    candidates: list[Candidate]


def not_yet_begun(period: Period) -> Period:
    """A period that starts after today cannot have been reported (2042 typed for 2024): refused."""
    today = date.today()
    if period.start > today:
        raise PeriodError(
            "period_in_future",
            f"“{period.text}”从{period.start.isoformat()}开始，晚于今天（{today.isoformat()}），不可能已有统计：请核对年份",
            f"“{period.text}” starts on {period.start.isoformat()}, after today ({today.isoformat()}): "
            "no figures can have been reported for it; please check the year",
        )
    return period


def row_period(row_no: int, values: list[object], period_col: Column | None, table: Table, memo: Memo,
               out: Collector) -> Period | None:
    if period_col is None:
        period = table.table_period
        if period is not None and period.start > date.today():
            if not memo.title_period_refused:
                memo.title_period_refused = True
                try:
                    not_yet_begun(period)
                except PeriodError as exc:
                    out.add("error", exc.code, "标题中的" + exc.message_zh, "In the title: " + exc.message_en, row=row_no)
            return None
        return period
    value = values[period_col.index]
    if is_blank(value):
        out.say("error", "missing_period", row=row_no, column=period_col.header)
        return None
    # parse_period is a function of the cell (and the column): each distinct cell is read once.
    key = (type(value), value, period_col.index)
    try:
        result = memo.periods.get(key)
    except TypeError:  # an unhashable cell: read it without the memo
        key, result = None, None
    if result is None:
        try:
            result = not_yet_begun(parse_period(value, month_column="月" in period_col.header))
        except PeriodError as exc:
            result = PeriodError(exc.code, exc.message_zh, exc.message_en)  # without the traceback's frames
        if key is not None:
            # Kept for the whole check: hold copies, not the cell itself, so that the grid's memory
            # can be given back once it is let go (one cell kept alive pins its whole arena).
            if isinstance(value, str):
                key = (str, own_copy(value), period_col.index)
            if isinstance(result, Period) and isinstance(value, str):
                result = Period(result.start, result.end, own_copy(result.text))
            memo.periods[key] = result
    if isinstance(result, PeriodError):
        code = result.code if result.code != "missing_period" else "bad_date"
        shown = f"{excel_column(period_col.index)}{row_no} "
        out.add("error", code, shown + result.message_zh, shown + result.message_en, row=row_no,
                 column=period_col.header)
        return None
    return result


def row_remark(values: list[object], note_cols: list[Column], memo: Memo) -> str:
    """A row's 备注 (附注, 注 …) cells as one text, "备注：…", kept in the note of each of its figures."""
    texts = [cell_text(values[c.index]).strip() for c in note_cols if not is_blank(values[c.index])]
    if not texts:
        return ""
    remark = "备注：" + "; ".join(texts)
    return memo.shared.get(remark) or memo.shared.setdefault(remark, own_copy(remark))


def tidy_row(row_no, values, region, period, agency, percent_rules, remark: str = "", *, cells: Cells,
             metrics: MetricIndex) -> None:
    table, memo, out = cells.table, cells.memo, cells.out
    layout = memo.tidy_layout
    if layout is None:
        roles = {c.role: c for c in reversed(table.columns)}
        layout = memo.tidy_layout = (
            roles["metric_name"], roles.get("unit"), roles.get("qualifier"), roles.get("source"),
            [c for c in table.columns if c.role in ("value", "period_value")],
        )
    metric_col, unit_col, qual_col, source_col, value_cols = layout
    name = values[metric_col.index]
    if is_blank(name):
        out.say("error", "missing_metric", row=row_no, column=metric_col.header)
        return
    unit_text = cell_text(values[unit_col.index]) if unit_col is not None else None
    if unit_text is not None and header_key(unit_text) in PERCENTAGE_POINT_WORDS:
        out.say("warning", "percentage_points_not_stored", row=row_no, column=unit_col.header, cell=unit_text.strip())
        return
    spec = tidy_spec(cell_text(name), unit_text, row_no, metric_col.header, metrics=metrics, title_text=table.title_text,
                     out=out, specs_memo=memo.specs)
    if spec is None:
        return
    qualifier = ""
    note = ""
    if qual_col is not None and not is_blank(values[qual_col.index]):
        word = header_key(values[qual_col.index])
        if word in QUALIFIER_WORDS:
            qualifier = QUALIFIER_WORDS[word]
        else:
            note = cell_text(values[qual_col.index]).strip()
    if source_col is not None and not is_blank(values[source_col.index]):
        note = (note + "; " if note else "") + "来源：" + cell_text(values[source_col.index]).strip()
    if remark:
        note = (note + "; " if note else "") + remark
    # One string object per distinct text: candidates keep it, not each row's own cell.
    header = cell_text(name).strip()
    header = memo.shared.get(header) or memo.shared.setdefault(header, own_copy(header))
    note = memo.shared.get(note) or memo.shared.setdefault(note, own_copy(note))
    for c in value_cols:
        col_period = c.period if c.role == "period_value" else period
        figure(row_no, c, header, values[c.index], spec, region, col_period, agency, percent_rules,
                     qualifier=qualifier, note=note, cells=cells)
    for c in table.columns:
        if c.role == "figure" and c.label is not None and c.label.measure == "change" and not c.label.base:
            change = tidy_change_spec(spec, c, memo.changes)
            figure(row_no, c, f"{header}{c.header}", values[c.index], change, region, period, agency,
                         percent_rules, note=note, cells=cells)
        elif c.role == "figure" and c.spec is not None:
            figure(row_no, c, c.header, values[c.index], c.spec, region, period, agency, percent_rules,
                         note=note, cells=cells)


def check_identifiers(table: Table, data_rows, out: Collector) -> None:
    """Identifier columns (编号, 身份证 …) saved as numbers have lost digits beyond 15."""
    for c in table.columns:
        if c.role != "identifier":
            continue
        for row_no, values in data_rows:
            v = values[c.index]
            if isinstance(v, float) and abs(v) >= 1e15 or isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**15:
                out.say("error", "precision_lost", row=row_no, column=c.header, excel_column_c_index=excel_column(c.index), row_no=row_no, v=v)


def percent_columns(table: Table, data_rows, out: Collector) -> dict[int, str]:
    """Percent columns holding cells in Excel's percent format (0.429 shown as 42.9%)."""
    rules = {}
    header_row = table.header_rows[-1] + 1
    for c in table.columns:
        if c.role != "figure" or c.spec is None or c.spec.kind != "percent":
            continue
        if any((row_no - 1, c.index) in table.percent_cells for row_no, _ in data_rows):
            rules[c.index] = "fraction"
            out.say("info", "percent_format", row=header_row, column=c.header)
    return rules


def figure(row_no, column: Column, header, value, spec: Spec, region, period, agency, percent_rules,
           qualifier: str = "", note: str = "", *, cells: Cells) -> None:
    memo, out = cells.memo, cells.out
    letter = memo.letters.get(column.index)
    if letter is None:
        letter = memo.letters[column.index] = excel_column(column.index)
    cell = f"{letter}{row_no}"
    where = column.header
    if is_blank(value):
        if out.formula_cells.pop((row_no, excel_column(column.index)), None) is not None:
            value = "="  # a formula whose result was never saved
        else:
            return
    if value == "=":
        out.say("error", "formula_no_value:2", row=row_no, column=where, cell=cell)
        return
    if isinstance(value, str) and FORMULA.match(value.strip()):
        out.say("error", "formula_no_value:3", row=row_no, column=where, cell=cell, value=echo(value.strip()))
        return
    if isinstance(value, (datetime, date, time)):
        out.say("error", "not_a_number", row=row_no, column=where, cell=cell)
        return
    try:
        parsed = parse_number(value)
    except NumberParseError as exc:
        if exc.code == "missing_value":
            out.say("info", "missing_value", row=row_no, column=where, cell=cell, cell_text_value=echo(cell_text(value).strip()))
        else:
            out.add("error", exc.code, f"{cell} {exc.message_zh}", f"{cell} {exc.message_en}", row=row_no, column=where)
        return
    scaled = scale_value(parsed, value, spec, column, cell, row_no, where, percent_rules, cells)
    if scaled is None:
        return
    number, direction = scaled
    if qualifier and parsed.qualifier != "exact" and qualifier != parsed.qualifier:
        out.say("error", "conflicting_qualifiers", row=row_no, column=where, cell=cell)
        return
    final_qualifier = parsed.qualifier if parsed.qualifier != "exact" else (qualifier or "exact")
    if region is None or period is None:
        return
    cells.candidates.append(
        Candidate(row_no, column.index, header, region.region_code, region.name_zh, period, spec, number,
                   final_qualifier, direction, agency, note)
    )


def scale_value(parsed: ParsedNumber, raw, spec: Spec, column: Column, cell: str, row_no: int, where: str,
                percent_rules, cells: Cells) -> tuple[Decimal, str] | None:
    table, out = cells.table, cells.out
    header_unit = column.label.unit if column.label is not None else None
    if parsed.unit in PERCENTAGE_POINT_WORDS or (header_unit is not None and header_unit.word in PERCENTAGE_POINT_WORDS):
        out.say("warning", "percentage_points_not_stored", row=row_no, column=where, cell=cell)
        return None
    try:
        number = Decimal(str(parsed.value))
    except InvalidOperation:
        return None
    cell_unit = parse_unit(parsed.unit) if parsed.unit else None
    if parsed.unit and cell_unit is None and parsed.unit not in ("倍",):
        cell_unit = Unit(1, "", "count", parsed.unit)
    if parsed.is_percent:
        cell_unit = Unit(1, "percent", "percent", "%")
    if cell_unit is not None and cell_unit.kind and spec.kind and cell_unit.kind != spec.kind:
        out.say("error", "unit_mismatch:2", row=row_no, column=where, cell=cell, cell_text_raw=echo(cell_text(raw).strip()), parsed_unit=parsed.unit)
        return None
    own_scale = bool(parsed.scale_text) or (cell_unit is not None and cell_unit.kind == "money")
    if spec.kind == "money" and not spec.scale_stated and not (cell_unit is not None and cell_unit.kind == "money"):
        out.say("error", "money_unit_missing", row=row_no, column=where, cell=cell)
        return None
    if not own_scale:
        number *= spec.scale
        if spec.kind == "money" and spec.scale > 1 and number >= MONEY_OUTLIER_YUAN:
            out.say("error", "unit_outlier", row=row_no, column=where, cell=cell, cell_text_raw=echo(cell_text(raw).strip()), number_10_8=number / 10**8)
            return None
    if spec.kind == "percent" and not parsed.is_percent:
        if (row_no - 1, column.index) in table.percent_cells and isinstance(raw, (int, float)):
            number = (number * 100).normalize()
        elif spec.measure != "change" and 0 < abs(number) < 1 and isinstance(raw, (str, int, float)):
            others = [c for c in cells.candidates if c.col == column.index and c.value >= 1]
            if others or column_has_large(table, column):
                out.say("error", "ambiguous_percent", row=row_no, column=where, cell=cell, raw=cell_text(raw).strip(), plain_decimal_str_parsed_value=plain(Decimal(str(parsed.value)) * 100))
                return None
    if spec.measure == "change":
        if spec.direction:
            if number < 0:
                number = -number
                direction = "increase" if spec.direction == "decrease" else "decrease"
            else:
                direction = spec.direction
        else:
            direction = "decrease" if number < 0 else "increase"
            number = abs(number)
        problem = percent_problem(number, "change", direction)
        if problem is not None:
            out.add("error", problem.code, f"{cell} {problem.message_zh}", f"{cell} {problem.message_en}",
                     row=row_no, column=where)
            return None
        if not plausible(number, spec, cell, row_no, where, out):
            return None
        return number, direction
    problem = negative_problem(number, cell_text(raw).strip())
    if problem is None and spec.kind == "percent":
        problem = percent_problem(number, spec.measure)
    if problem is not None:
        out.add("error", problem.code, f"{cell} {problem.message_zh}", f"{cell} {problem.message_en}",
                 row=row_no, column=where)
        return None
    if spec.kind == "count" and number != number.to_integral_value():
        out.say("error", "not_integer", row=row_no, column=where, cell=cell, cell_text_raw=echo(cell_text(raw).strip()))
        return None
    if not plausible(number, spec, cell, row_no, where, out):
        return None
    return number, ""


def plausible(number: Decimal, spec: Spec, cell: str, row_no: int, where: str, out: Collector) -> bool:
    """The value lies within its unit's bounds and is stored digit for digit (loaders.bounds)."""
    problem = bound_problem(number, spec.kind)
    if problem is None:
        return True
    out.add("error", problem.code, f"{cell} {problem.message_zh}", f"{cell}: {problem.message_en}",
             row=row_no, column=where)
    return False


def column_has_large(table: Table, column: Column) -> bool:
    start = table.header_rows[-1] + 1
    for r in range(start, len(table.rows)):
        v = table.cell(r, column.index)
        if isinstance(v, bool) or is_blank(v):
            continue
        try:
            p = parse_number(v)
        except NumberParseError:
            continue
        if abs(p.value) >= 1:
            return True
    return False

