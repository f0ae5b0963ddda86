"""Classifying the rows below the header: data rows, 合计/小计/其中 rows, notes, section labels, blanks.

`read_rows` hands back the data rows and the total rows (with their kind) for the passes after it,
and reports rows it cannot read (repeated headers, extra or missing cells, values without a header).
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.messages import excel_column
from loaders.regions import RegionMatch, echo, match_region
from loaders.upload import limits
from loaders.upload.cells import cell_text, header_key, is_blank, may_be_header_key, own_copy
from loaders.upload.labels import NOTE_PREFIXES, Column, total_kind_of
from loaders.upload.messages import Collector
from loaders.upload.table import Table


@dataclass
class Rows:
    data: list[tuple[int, list[object]]]  # (1-based row number, its cells) of every data row, in file order
    totals: list[tuple[int, list[object], str]]  # (row, cells, "total" | "subtotal" | "of_which")
    tidy: bool  # a 指标 column: one figure per row and value column

    def order(self) -> list[tuple[str, int]]:
        """("data" | a total kind, row) of every data and total row, in file order."""
        return sorted([("data", r) for r, _ in self.data] + [(kind, r) for r, _, kind in self.totals], key=lambda e: e[1])


def read_rows(table: Table, out: Collector) -> Rows | None:
    """The data and total rows below the header; None when there is no data row to check."""
    start = table.header_rows[-1] + 1
    merged = table.merged_top()
    by_role: dict[str, list[Column]] = {}
    for c in table.columns:
        by_role.setdefault(c.role, []).append(c)
    fill_roles = {"region", "region_code", "period", "metric_name", "unit", "qualifier", "agency", "source"}
    header_keys = [header_key(c.header) for c in table.columns]
    tidy = "metric_name" in by_role
    data_rows: list[tuple[int, list[object]]] = []
    totals: list[tuple[int, list[object], str]] = []
    blank_rows = []
    n_data = 0
    region_cols = by_role.get("region", [])
    first_col = region_cols[0].index if region_cols else 0
    width = table.width
    header_memos: list[dict[str, bool]] = [{} for _ in range(width)]
    total_kinds: dict[str, str] = {}  # label text -> _total_kind, worked out once per distinct label
    for i in range(start, len(table.rows)):
        raw = table.rows[i]
        row_no = i + 1
        if len(raw) == width and not merged and type(raw) is list:
            values = raw  # never changed below: shared with the grid instead of copied
        else:
            values = list(raw[:width])
            if len(values) < width:
                values += [None] * (width - len(values))
        if merged:
            for j in range(width):
                if is_blank(values[j]) and (i, j) in merged and table.columns[j].role in fill_roles:
                    values[j] = merged[(i, j)]
        filled = [j for j, v in enumerate(values) if not is_blank(v)]
        extra = [j for j in range(width, len(raw)) if not is_blank(raw[j])] if len(raw) > width else []
        if not filled and not extra:
            blank_rows.append(row_no)
            continue
        first_text = cell_text(values[filled[0]]).strip() if filled else ""
        if filled and isinstance(values[filled[0]], str) and first_text.startswith(NOTE_PREFIXES):
            continue
        if filled and sum(may_be_header_key(values[j], header_keys[j], header_memos[j]) for j in filled) >= max(
            2, len(filled) // 2 + 1
        ):
            out.say("error", "repeated_header", row=row_no, column=table.col_name(first_col))
            continue
        if extra:
            out.say("error", "extra_cell", row=row_no, len_raw=len(raw), table_width=table.width, excel_column_extra_0=excel_column(extra[0]))
            continue
        if table.kind == "csv" and len(raw) < table.width and filled:
            missing = [table.columns[j].header for j in range(len(raw), table.width) if table.columns[j].header]
            if missing:
                out.say("error", "missing_cell", row=row_no, column=missing[0], len_raw=len(raw),
                        missing_zh="".join(f"“{m}”" for m in missing[:5]), missing_en=", ".join(missing[:5]))
                continue
        unbound = [j for j in filled if table.columns[j].role == "blank"]
        if unbound:
            out.say("error", "cell_without_header", row=row_no, column=excel_column(unbound[0]), excel_column_unbound_0=excel_column(unbound[0]), row_no=row_no)
            continue
        label_text = ""
        if region_cols and not is_blank(values[region_cols[0].index]):
            label_text = cell_text(values[region_cols[0].index])
        elif filled and isinstance(values[filled[0]], str):
            label_text = first_text
        total_kind = total_kinds.get(label_text)
        if total_kind is None:
            total_kind = total_kind_of(label_text)
            if len(total_kinds) < 100_000:
                total_kinds[own_copy(label_text)] = total_kind
        if not total_kind and len(region_cols) > 1:
            # 甘肃省 | 小计: a total word in a narrower region column totals the rows of the region named.
            for c in region_cols[1:]:
                if not is_blank(values[c.index]) and (kind := total_kind_of(cell_text(values[c.index]))):
                    label_text = cell_text(values[c.index])
                    total_kind = kind if kind == "of_which" or is_blank(values[first_col]) else "subtotal"
                    break
        if total_kind:
            table.total_labels[row_no] = label_text.strip()
            totals.append((row_no, values, total_kind))
            continue
        if len(filled) == 1 and filled[0] == first_col and table.width > 1:
            match = match_region(first_text) if region_cols else None
            if isinstance(match, RegionMatch):
                out.say("warning", "no_values", row=row_no, column=table.col_name(first_col))
            else:
                out.say("warning", "section_row", row=row_no, column=table.col_name(first_col), first_text=echo(first_text))
            continue
        n_data += 1
        if n_data > limits.MAX_DATA_ROWS:
            out.say("error", "too_many_rows", row=row_no, limits_max_data_rows=limits.MAX_DATA_ROWS)
            return None
        data_rows.append((row_no, values))
    last_data = max((r for r, _ in data_rows), default=0)
    for b in blank_rows:
        if b < last_data and b > start:
            out.say("info", "blank_row", row=b)
    if not data_rows:
        out.say("error", "no_rows")
        return None
    return Rows(data_rows, totals, tidy)

