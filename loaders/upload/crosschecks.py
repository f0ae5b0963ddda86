"""Cross-checks over the whole table: totals against their rows, duplicate rows, solved ≤ filed and kin."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from loaders.messages import excel_column
from loaders.numbers import NumberParseError, parse_number
from loaders.periods import Period
from loaders.regions import echo
from loaders.upload.cells import FORMULA, cell_text, is_blank
from loaders.upload.labels import TOTAL_LABELS
from loaders.upload.messages import Collector
from loaders.upload.table import Table
from loaders.upload.values import Candidate


class PeriodKeys:
    """Period.key worked out once per Period object (rows share their memoised Periods)."""

    def __init__(self) -> None:
        self._keys: dict[int, tuple[Period, tuple[str, str]]] = {}  # id -> (the Period kept alive, its key)

    def __getitem__(self, period: Period) -> tuple[str, str]:
        found = self._keys.get(id(period))
        if found is None:
            found = self._keys[id(period)] = (period, period.key)
        return found[1]


def check_totals(table: Table, totals, order, candidates: list[Candidate], out: Collector) -> None:
    if not totals:
        return
    region_col = next((c for c in table.columns if c.role == "region"), None)
    column_name = region_col.header if region_col else None
    by_row: dict[int, list[Candidate]] = {}
    for cand in candidates:
        by_row.setdefault(cand.row, []).append(cand)
    positions = [r for _, r in order]
    for row_no, values, kind in totals:
        # The words as written (小计), never the code's English name inside a Chinese message.
        label = table.total_labels.get(row_no, "")
        label_zh, label_en = (label, label) if label else TOTAL_LABELS[kind]
        if kind == "of_which":
            out.say("info", "subtotal_row", row=row_no, column=column_name, label_zh=echo(label_zh), label_en=echo(label_en))
            continue
        out.say("info", "total_row" if kind == "total" else "subtotal_row:excluded", row=row_no, column=column_name,
                label_zh=echo(label_zh), label_en=echo(label_en))
        idx = positions.index(row_no)
        if kind == "subtotal":
            above = []
            for k, r in reversed(order[:idx]):
                if k != "data":
                    break
                above.append(r)
            rows = above
        else:
            rows = [r for k, r in order[:idx] if k == "data"]
            if not rows:
                rows = []
                for k, r in order[idx + 1 :]:
                    if k != "data":
                        break
                    rows.append(r)
        compare_total(table, row_no, values, rows, by_row, out)


def compare_total(table: Table, row_no, values, rows, by_row, out: Collector) -> None:
    for c in table.columns:
        if c.role != "figure" or c.spec is None or c.spec.measure != "level" or c.spec.kind not in ("count", "money"):
            continue
        cell = values[c.index]
        where = c.header
        if is_blank(cell) and out.formula_cells.pop((row_no, excel_column(c.index)), None) is not None:
            cell = "=SUM()"
        if is_blank(cell):
            continue
        if isinstance(cell, str) and FORMULA.match(cell.strip()):
            out.say("warning", "formula_no_value", row=row_no, column=where, excel_column_c_index=excel_column(c.index), row_no=row_no)
            continue
        try:
            parsed = parse_number(cell)
        except NumberParseError:
            continue
        parts = [cand for r in rows for cand in by_row.get(r, []) if cand.col == c.index]
        if not parts or len(parts) < len(rows) or any(p.qualifier != "exact" for p in parts) or parsed.qualifier != "exact":
            continue
        total = Decimal(str(parsed.value))
        if not parsed.scale_text and parsed.unit != "元":
            total *= c.spec.scale
        stated = Decimal(str(parsed.value))
        exponent = stated.as_tuple().exponent if isinstance(stated.as_tuple().exponent, int) else 0
        tolerance = Decimal(5) * Decimal(10) ** (min(exponent, 0) - 1) * (c.spec.scale if not parsed.scale_text else 1)
        summed = sum((p.value for p in parts), Decimal(0))
        if abs(summed - total) > tolerance:
            shown_sum = summed / c.spec.scale if c.spec.scale > 1 else summed
            out.say("warning", "total_mismatch", row=row_no, column=where, c_header=echo(c.header), cell=cell_text(cell).strip(), min_rows=min(rows), max_rows=max(rows), shown_sum_normalize=shown_sum.normalize())


def check_duplicates(table: Table, candidates: list[Candidate], out: Collector) -> None:
    first: dict[tuple, dict[str, Candidate]] = {}
    pairs: dict[tuple[int, int], bool] = {}  # (later row, earlier row) -> values differ
    period_keys = PeriodKeys()
    for cand in candidates:
        spec = cand.spec
        group_key = (period_keys[cand.period], spec.metric_id, spec.measure, spec.basis)
        group = first.get(group_key)
        if group is None:
            group = first[group_key] = {}
        earlier = group.get(cand.region_code)
        if earlier is None:
            group[cand.region_code] = cand
        elif earlier.row != cand.row:
            pair = (cand.row, earlier.row)
            differs = earlier.value != cand.value or earlier.qualifier != cand.qualifier
            pairs[pair] = pairs.get(pair, False) or differs
    if not pairs:
        return
    region_col = next((c for c in table.columns if c.role in ("region", "region_code")), None)
    first_of_row: dict[int, Candidate] = {}
    for cand in candidates:
        first_of_row.setdefault(cand.row, cand)
    for (later, earlier), differs in sorted(pairs.items()):
        sample = first_of_row[later]
        what = f"{sample.region_zh} {sample.period.text}"
        if differs:
            out.say("error", "conflicting_duplicate", row=later, column=region_col.header if region_col else None, earlier=earlier, what=what, later=later)
        else:
            out.say("error", "duplicate_row", row=later, column=region_col.header if region_col else None, earlier=earlier, what=what, later=later)


def check_cross_fields(candidates: list[Candidate], out: Collector) -> None:
    period_keys = PeriodKeys()
    if all(a.row <= b.row for a, b in pairwise(candidates)):
        # Candidates come row by row (the usual case): one row's groups are held at a time, and
        # checked in the order the whole-table dict below would give them.
        rows: dict[tuple[int, tuple], dict[str, Candidate]] = {}
        current = None
        for cand in candidates:
            if cand.row != current:
                for (row_no, _), found in rows.items():
                    cross_field_row(row_no, found, out)
                rows.clear()
                current = cand.row
            if cand.spec.measure == "level" and cand.qualifier == "exact":
                rows.setdefault((cand.row, period_keys[cand.period]), {})[cand.spec.metric_id] = cand
        for (row_no, _), found in rows.items():
            cross_field_row(row_no, found, out)
        return
    rows = {}
    for cand in candidates:
        if cand.spec.measure == "level" and cand.qualifier == "exact":
            rows.setdefault((cand.row, period_keys[cand.period]), {})[cand.spec.metric_id] = cand
    for (row_no, _), found in rows.items():
        cross_field_row(row_no, found, out)


def cross_field_row(row_no: int, found: dict[str, Candidate], out: Collector) -> None:
    filed, solved = found.get("cases_filed"), found.get("cases_solved")
    if filed and solved and solved.value > filed.value:
        out.say("warning", "cross_field", row=row_no, column=solved.header, solved_value=solved.value, filed_value=filed.value)
    losses, recovered = found.get("fraud_losses"), found.get("losses_recovered")
    if losses and recovered and recovered.value > losses.value:
        out.say("warning", "cross_field:2", row=row_no, column=recovered.header)
    rate = found.get("clearance_rate")
    if rate and filed and solved and filed.value > 0:
        computed = solved.value * 100 / filed.value
        if abs(computed - rate.value) > Decimal("0.15"):
            out.say("warning", "cross_field:3", row=row_no, column=rate.header, rate_value=rate.value, computed=computed)

