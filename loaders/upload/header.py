"""Finding the header: which row names the columns, one or two header rows, each column's role and Spec.

Fills a `Table` (header rows, columns, title, the title's region and period) and reports what is
wrong with the header. The passes after it only read the Table.
"""

from __future__ import annotations

from loaders.messages import excel_column
from loaders.periods import PeriodError, find_period_in_text, parse_period
from loaders.regions import echo
from loaders.upload.cells import cell_text, header_key, is_blank, is_number
from loaders.upload.labels import Column, MetricIndex, Spec, Unit, parse_label, role_of
from loaders.upload.messages import Collector
from loaders.upload.places import title_region_of
from loaders.upload.specs import spec_for
from loaders.upload.table import Table

HEADER_SCAN_ROWS = 30


def find_header(rows: list[list[object]], metrics: MetricIndex) -> int | None:
    """The header row: the first naming a region column, else two known columns, else two texts."""
    limit = min(len(rows), HEADER_SCAN_ROWS)
    fallback = None
    for i in range(limit):
        cells = [v for v in rows[i] if not is_blank(v)]
        if len(cells) < 2:
            continue
        roles = [role_of(v, metrics) for v in cells]
        if "region" in roles or "region_code" in roles:
            return i
        known = sum(r not in ("text", "blank") for r in roles)
        if known >= 2 and not any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells[:1]):
            return i
        if fallback is None and sum(isinstance(v, str) and not is_number(v) for v in cells) >= 2:
            fallback = i
    return fallback


def is_subheader(table: Table, h: int, metrics: MetricIndex) -> bool:
    if h + 1 >= len(table.rows):
        return False
    below = table.rows[h + 1]
    cells = [v for v in below if not is_blank(v)]
    if not cells or any(is_number(v) for v in cells):
        return False
    if any(r1 == h and r2 >= h + 1 for r1, _, r2, _ in table.merged):
        return True
    top = table.rows[h]
    region_cols = [j for j, v in enumerate(top) if role_of(v, metrics) in ("region", "region_code")]
    if region_cols and not all(is_blank(table.cell(h + 1, j)) for j in region_cols):
        return False
    # Sub-labels sit under blank top cells (a group label spanning them) or under group labels.
    return any(is_blank(table.cell(h, j)) and not is_blank(v) for j, v in enumerate(below))


def read_header(table: Table, h: int, metrics: MetricIndex, out: Collector) -> None:
    two_rows = is_subheader(table, h, metrics)
    table.header_rows = [h, h + 1] if two_rows else [h]
    if table.kind == "csv":
        # CSV rows keep their own length: values beyond the header's are extra cells.
        table.width = max(len(table.rows[r]) for r in table.header_rows)
    merged = table.merged_top()
    title_cells = []
    for r in range(h):
        for v in table.rows[r]:
            if isinstance(v, str) and not is_blank(v) and not any(w in v for w in ("填报日期", "制表日期", "报送日期", "日期：", "日期:")):
                title_cells.append(v.strip())
    table.title_text = " ".join(title_cells)

    headers: list[tuple[str, str]] = []  # (group, sub)
    group = ""
    for j in range(table.width):
        top = table.cell(h, j)
        if is_blank(top):
            top = merged.get((h, j))
        if two_rows:
            sub = table.cell(h + 1, j)
            if is_blank(sub):
                sub = merged.get((h + 1, j))
            if sub is not None and top is not None and cell_text(sub) == cell_text(top):
                sub = None  # a label merged down over both rows
            if is_blank(top) and not is_blank(sub) and group:
                top = group  # forward-fill a group label over the columns it spans
            group = cell_text(top) if not is_blank(sub) and not is_blank(top) else ""
            headers.append((cell_text(top).strip(), "" if is_blank(sub) else cell_text(sub).strip()))
        else:
            headers.append(("", "" if is_blank(top) else cell_text(top).strip()) if not isinstance(top, (int, float)) or isinstance(top, bool) else ("", cell_text(top)))
    assign_roles(table, headers, h, metrics, out)


def assign_roles(table: Table, headers: list[tuple[str, str]], h: int, metrics: MetricIndex, out: Collector) -> None:
    header_row = table.header_rows[-1] + 1
    columns: list[Column] = []
    for j, (group, sub) in enumerate(headers):
        display = f"{group}/{sub}" if group and sub else (sub or group)
        raw_top = table.cell(h, j)
        role = role_of(raw_top if not group and not isinstance(raw_top, str) else display, metrics) if display else "blank"
        if group and sub:
            role_sub = role_of(sub, metrics)
            role = role_sub if role_sub != "text" else role_of(group + sub, metrics)
            if role == "text" and role_of(group, metrics) in ("figure",):
                role = "figure"
        columns.append(Column(j, display, role, group=group if sub else "", sub=sub if group else ""))
    table.columns = columns
    roles = [c.role for c in columns]

    # 单位 names the region in a wide table but the unit in a tidy one.
    if "metric_name" in roles:
        for c in columns:
            if header_key(c.header) == "单位" and "region" in roles[: c.index] + roles[c.index + 1 :]:
                c.role = "unit"
        if "region" not in [c.role for c in columns]:
            for c in columns:
                if header_key(c.header) == "单位":
                    c.role = "region"
                    break
    # 说明 is a qualifier only in a tidy table.
    if "value" not in roles:
        for c in columns:
            if c.role == "qualifier" and header_key(c.header) == "说明":
                c.role = "note"

    check_duplicate_headers(table, header_row, out)
    resolve_figure_columns(table, header_row, metrics, out)


def check_duplicate_headers(table: Table, header_row: int, out: Collector) -> None:
    seen: dict[str, Column] = {}
    for c in table.columns:
        if c.role == "blank":
            continue
        key = header_key(c.header)
        if key in seen:
            first = seen[key]
            out.say("error", "duplicate_header", row=header_row, column=c.header, c_header=echo(c.header), excel_column_first_index=excel_column(first.index), excel_column_c_index=excel_column(c.index))
        else:
            seen[key] = c


def two_row_text(c: Column, metrics: MetricIndex) -> tuple[str, Unit | None]:
    """The words that name a two-row header's metric, and the group's unit (金额（万元）/涉案金额)."""
    group, sub = parse_label(c.group), parse_label(c.sub)
    if sub.measure == "change" and not sub.base and metrics.find(group.base):
        return c.group + c.sub, None  # 立案数 / 同比
    if metrics.find(sub.base) or not metrics.find(group.base + sub.base):
        return c.sub, group.unit
    return c.group + c.sub, None


def resolve_figure_columns(table: Table, header_row: int, metrics: MetricIndex, out: Collector) -> None:
    previous: Column | None = None
    roles = [c.role for c in table.columns]
    if "region" not in roles and "region_code" not in roles:
        title_region = title_region_of(table.title_text)
        if title_region is None:
            unknown = [c.header for c in table.columns if c.role == "text" and c.header]
            listed_zh = f"；无法识别的列：{'、'.join(echo(u) for u in unknown[:5])}" if unknown else ""
            listed_en = f"; unrecognised columns: {', '.join(echo(u) for u in unknown[:5])}" if unknown else ""
            out.say("error", "no_region_column", row=header_row, listed_zh=listed_zh, listed_en=listed_en)
            return
        table.title_region = title_region
        out.say("info", "region_from_title", title_region_name_zh=title_region.name_zh, title_region_name_en=title_region.name_en)
    else:
        table.title_region = None
    for c in table.columns:
        if c.role == "period_value":
            try:
                c.period = parse_period(c.header)
            except PeriodError as exc:
                c.period_error = exc
        if c.role == "text" and c.header:
            # Unknown header: a new metric if its cells are numbers, else text kept aside.
            values = [table.cell(r, c.index) for r in range(header_row, min(len(table.rows), header_row + 200))]
            values = [v for v in values if not is_blank(v)]
            numeric = sum(is_number(v) for v in values)
            if values and numeric * 2 > len(values):
                c.role = "figure"
        default_unit = None
        spec_text = c.header
        if c.role == "figure" and c.group:
            spec_text, default_unit = two_row_text(c, metrics)
        if c.role == "figure":
            label = parse_label(spec_text)
            c.label = label
            if label.measure == "change" and not label.base and "metric_name" in roles:
                pass  # a tidy table's 同比 column: the change of each row's own metric
            elif label.measure == "change" and not label.base:
                # 同比 right after a count or amount is that metric's change (立案数 | 同比).
                if (
                    previous is not None
                    and previous.spec is not None
                    and previous.spec.measure == "level"
                    and previous.spec.kind in ("count", "money")
                ):
                    base = previous.spec
                    c.spec = Spec(base.metric_id, base.metric_zh, base.metric_en, base.category, "change",
                                  "percent", "percent", direction=label.direction, basis=label.basis,
                                  new_metric=base.new_metric)
                    out.say("warning", "change_attributed", row=header_row, column=c.header, c_header=echo(c.header), base_metric_zh=base.metric_zh, 同比_if_label_basis_yoy_else_环比='同比' if label.basis == 'yoy' else '环比')
                else:
                    out.say("warning", "change_without_metric", row=header_row, column=c.header, c_header=echo(c.header))
                    c.role = "text"
            else:
                c.spec = spec_for(spec_text, None, header_row, c.header, default_unit, metrics=metrics,
                                  title_text=table.title_text, out=out)
                if c.spec is None:
                    c.role = "text"
        if c.role in ("figure",):
            previous = c
        elif c.role not in ("blank",):
            previous = None if c.role not in ("note", "text") else previous

    roles = [c.role for c in table.columns]
    has_figures = "figure" in roles or "value" in roles or "period_value" in roles
    if not has_figures:
        out.say("error", "no_metric_columns", row=header_row)
        return
    if "value" in roles and "metric_name" not in roles:
        out.say("error", "no_metric_column", row=header_row)
        return
    if "period_value" in roles and "metric_name" not in roles and "figure" not in roles:
        out.say("error", "no_metric_column:2", row=header_row)
        return
    for c in table.columns:
        if c.role == "period_value" and c.period_error is not None:
            out.add("error", c.period_error.code, c.period_error.message_zh, c.period_error.message_en,
                     row=header_row, column=c.header)
    if "period" not in roles and "period_value" not in roles:
        table.table_period = find_period_in_text(table.title_text) if table.title_text else None
        if table.table_period is None:
            out.say("error", "period_required", row=header_row, column="年份")
        else:
            out.say("info", "period_from_title", table_table_period_text=table.table_period.text)
    else:
        table.table_period = None



def warn_unread_columns(table: Table, display_name: str, out: Collector) -> None:
    """A column kept out of the figures (a header not recognised, an identifier) is named, not dropped silently.

    Columns already named by a message of the header pass (a change without its metric, a unit the
    header cannot take) and the ordinal columns (序号, 排名 …) are not named again.
    """
    named = {m.column for m in out.messages}
    header_row = table.header_rows[-1] + 1 if table.header_rows else None
    for c in table.columns:
        if c.role not in ("text", "identifier") or not c.header or c.header in named:
            continue
        out.say("warning", "column_not_imported:identifier" if c.role == "identifier" else "column_not_imported",
                row=header_row, column=c.header, file=echo(display_name), header=echo(c.header))
