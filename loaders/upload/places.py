"""The region of every data row (a name, a code, 省份 | 地市, the title), and of the title."""

from __future__ import annotations

from loaders.regions import (
    RegionMatch,
    RegionMatchError,
    echo,
    is_within,
    match_region,
    normalize_region_text,
)
from loaders.regions import _index as division_index
from loaders.upload.cells import cell_text, code_of, header_key, is_blank
from loaders.upload.labels import LEVEL_RANK, REGION_HEADER_LEVELS, Column
from loaders.upload.messages import Collector
from loaders.upload.table import Table


def resolve_regions(table: Table, data_rows: list[tuple[int, list[object]]], tidy: bool,
                    out: Collector) -> list[RegionMatch | None]:
    """The region of every data row (in data_rows' order; None where the row's region is refused)."""
    region_col = next((c for c in table.columns if c.role == "region"), None)
    code_col = next((c for c in table.columns if c.role == "region_code"), None)
    region_cols = [c for c in table.columns if c.role == "region"]
    if len(region_cols) > 1:
        return resolve_nested_regions(data_rows, region_cols, code_col, tidy, out)
    found: list[RegionMatch | None] = [None] * len(data_rows)
    pending: list[str | None] = [None] * len(data_rows)  # region text still to match, per data row
    previous_text = None
    memo: dict[tuple[str, str | None, str | None], RegionMatch | RegionMatchError] = {}

    def match(text: str, parent: str | None = None, level: str | None = None) -> RegionMatch | RegionMatchError:
        # match_region is a function of its arguments: each distinct text is matched once.
        key = (text, parent, level)
        result = memo.get(key)
        if result is None:
            result = memo[key] = match_region(text, parent, level=level)
        return result

    for k, (row_no, values) in enumerate(data_rows):
        if code_col is not None and not is_blank(values[code_col.index]):
            code_text = code_of(values[code_col.index])
            match_ = match(code_text)
            if isinstance(match_, RegionMatch) and match_.matched_by == "code":
                found[k] = match_
                if region_col is not None and not is_blank(values[region_col.index]):
                    by_name = match(cell_text(values[region_col.index]))
                    if not isinstance(by_name, RegionMatch) or by_name.region_code != match_.region_code:
                        out.add(
                            "warning",
                            "region_mismatch",
                            f"地区“{echo(cell_text(values[region_col.index]))}”与区划代码{code_text}（{match_.name_zh}）不一致，按代码读取",
                            f"region “{echo(cell_text(values[region_col.index]))}” does not fit code {code_text} ({match_.name_en}); the code is used",
                            row=row_no,
                            column=region_col.header,
                        )
                continue
            out.add(
                "error",
                "bad_code",
                f"区划代码“{echo(code_text)}”无效（应为6位GB/T 2260代码，如 451000）",
                f"region code “{echo(code_text)}” is not a valid 6-digit GB/T 2260 code (e.g. 451000)",
                row=row_no,
                column=code_col.header,
            )
            continue
        if region_col is None:
            if code_col is None and table.title_region is not None:
                found[k] = table.title_region
            else:
                out.add("error", "missing_region", "地区为空", "the region is empty", row=row_no,
                         column=code_col.header if code_col else None)
            continue
        text = values[region_col.index]
        if is_blank(text):
            if tidy and previous_text is not None:
                text = previous_text
                out.add("info", "region_filled", f"地区为空，沿用上一行“{echo(previous_text)}”",
                         f"the region is empty; “{echo(previous_text)}” from the row above is used",
                         row=row_no, column=region_col.header)
            else:
                out.add("error", "missing_region", "地区为空", "the region is empty", row=row_no,
                         column=region_col.header)
                continue
        previous_text = cell_text(text)
        pending[k] = previous_text
    # Two passes: names shared by two divisions (吉林, 海南) are settled by the rest of the table.
    texts = {text for text in pending if text is not None}
    sure = [m for m in {match(text) for text in texts} if isinstance(m, RegionMatch)]
    levels = {m.level for m in sure}
    parents = {m.parent_code for m in sure if m.level != "province"}
    level = levels.pop() if len(levels) == 1 else None
    parent = parents.pop() if len(parents) == 1 and level != "province" else None
    for k, text in enumerate(pending):
        if text is None:
            continue
        match_ = match(text)
        if not isinstance(match_, RegionMatch) and match_.code == "ambiguous_region" and (level or parent):
            match_ = match(text, parent, level)
        if isinstance(match_, RegionMatch):
            found[k] = match_
        else:
            out.add("error", match_.code, match_.message_zh, match_.message_en, row=data_rows[k][0],
                     column=region_col.header)
    return found


def resolve_nested_regions(data_rows, region_cols: list[Column], code_col: Column | None,
                           tidy: bool, out: Collector) -> list[RegionMatch | None]:
    """Regions of a table with several region columns (省份 | 地市): each row's region is the most
    specific division its columns name; the broader columns must contain it (else an error naming
    both). A blank broader cell (a merged cell saved as CSV) only lends the text above as a hint."""
    found: list[RegionMatch | None] = [None] * len(data_rows)
    levels = {c.index: REGION_HEADER_LEVELS.get(header_key(c.header)) for c in region_cols}
    ordered_cols = sorted(region_cols, key=lambda c: LEVEL_RANK[levels[c.index]])
    memo: dict[tuple[str, str | None, str | None], RegionMatch | RegionMatchError] = {}

    def match(text: str, parent: str | None = None, level: str | None = None) -> RegionMatch | RegionMatchError:
        key = (text, parent, level)
        result = memo.get(key)
        if result is None:
            result = memo[key] = match_region(text, parent, level=level)
        return result

    above: dict[int, str] = {}  # column -> the last text it held (hint for a blank cell below)
    previous: RegionMatch | None = None
    for k, (row_no, values) in enumerate(data_rows):
        named = [(c, cell_text(values[c.index]).strip()) for c in ordered_cols if not is_blank(values[c.index])]
        county = next(((c, text) for c, text in named if levels[c.index] == "county"), None)
        if county is not None:
            out.add(
                "error",
                "county_not_supported",
                f"暂不支持县级地区（“{echo(county[1])}”）：请按地市汇总后上传，或删除“{echo(county[0].header)}”列",
                f"county-level regions (“{echo(county[1])}”) are not supported yet: total them by prefecture,"
                f" or delete the “{echo(county[0].header)}” column",
                row=row_no,
                column=county[0].header,
            )
            continue
        if code_col is not None and not is_blank(values[code_col.index]):
            code_text = code_of(values[code_col.index])
            by_code = match(code_text)
            if not (isinstance(by_code, RegionMatch) and by_code.matched_by == "code"):
                out.add("error", "bad_code",
                         f"区划代码“{echo(code_text)}”无效（应为6位GB/T 2260代码，如 451000）",
                         f"region code “{echo(code_text)}” is not a valid 6-digit GB/T 2260 code (e.g. 451000)",
                         row=row_no, column=code_col.header)
                continue
            found[k] = previous = by_code
            for c, text in named:
                by_name = match(text, by_code.parent_code or None, levels[c.index])
                if not isinstance(by_name, RegionMatch) or not (
                    by_name.region_code == by_code.region_code or is_within(by_code.region_code, by_name.region_code)
                ):
                    out.add("warning", "region_mismatch",
                             f"地区“{echo(text)}”与区划代码{code_text}（{by_code.name_zh}）不一致，按代码读取",
                             f"region “{echo(text)}” does not fit code {code_text} ({by_code.name_en}); the code is used",
                             row=row_no, column=c.header)
            continue
        if not named:
            if tidy and previous is not None:
                found[k] = previous
                out.add("info", "region_filled", f"地区为空，沿用上一行“{previous.name_zh}”",
                         f"the region is empty; “{previous.name_en}” from the row above is used",
                         row=row_no, column=ordered_cols[0].header)
            else:
                out.add("error", "missing_region", "地区为空", "the region is empty", row=row_no,
                         column=region_cols[0].header)
            continue
        # Broader columns first: each match settles a shared name (吉林) in the narrower ones.
        parent: str | None = None
        for c in ordered_cols:
            if not is_blank(values[c.index]) or c.index not in above:
                continue
            hint = match(above[c.index], None, levels[c.index])
            parent = hint.region_code if isinstance(hint, RegionMatch) else parent
            break
        matches: list[tuple[Column, str, RegionMatch]] = []
        for c, text in named:
            above[c.index] = text
            result = match(text, parent, levels[c.index])
            if isinstance(result, RegionMatchError):
                out.add("error", result.code, result.message_zh, result.message_en, row=row_no, column=c.header)
                matches = []
                break
            matches.append((c, text, result))
            parent = result.region_code
        if not matches:
            continue
        specific = max(matches, key=lambda m: LEVEL_RANK[m[2].level])
        wrong = next(
            (m for m in matches
             if m[2].region_code != specific[2].region_code and not is_within(specific[2].region_code, m[2].region_code)),
            None,
        )
        if wrong is not None:
            outer_col, outer_text, outer = wrong
            inner_col, inner_text, inner = specific
            out.add(
                "error",
                "region_outside_parent",
                f"“{echo(inner_col.header)}”列的“{echo(inner_text)}”（{inner.name_zh}）不属于“{echo(outer_col.header)}”列的"
                f"“{echo(outer_text)}”（{outer.name_zh}），请核对",
                f"“{echo(inner_text)}” in column “{echo(inner_col.header)}” ({inner.name_en}) is not in"
                f" “{echo(outer_text)}” in column “{echo(outer_col.header)}” ({outer.name_en}); please check",
                row=row_no,
                column=outer_col.header,
            )
            continue
        found[k] = previous = specific[2]
    return found


def title_region_of(title_text: str) -> RegionMatch | None:
    """The one division a title names (the most specific), else None."""
    if not title_text:
        return None
    text = normalize_region_text(title_text)
    found = {}
    for key, entries in division_index().by_name.items():
        for division, how in entries:
            if how == "name" and len(key) >= 3 and key in text:
                found[division.region_code] = division
    # Keep the most specific: drop a province whose prefecture is also named.
    codes = set(found)
    for code in list(codes):
        if any(found[c].parent_code == code for c in codes if c != code):
            codes.discard(code)
    if len(codes) != 1:
        return None
    return match_region(found[codes.pop()].region_code)

