"""The region of every data row (a name, a code, 省份 | 地市, the title), and of the title."""

from __future__ import annotations

from loaders.regions import (
    RegionMatch,
    RegionMatchError,
    common_parent,
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
                        out.say("warning", "region_mismatch:2", row=row_no, column=region_col.header, cell_text_values_region_col_in=echo(cell_text(values[region_col.index])), code_text=code_text, match__name_zh=match_.name_zh, match__name_en=match_.name_en)
                continue
            out.say("error", "bad_code", row=row_no, column=code_col.header, code_text=echo(code_text))
            continue
        if region_col is None:
            if code_col is None and table.title_region is not None:
                found[k] = table.title_region
            else:
                out.say("error", "missing_region", row=row_no, column=code_col.header if code_col else None)
            continue
        text = values[region_col.index]
        if is_blank(text):
            if tidy and previous_text is not None:
                text = previous_text
                out.say("info", "region_filled", row=row_no, column=region_col.header, previous_text=echo(previous_text))
            else:
                out.say("error", "missing_region", row=row_no, column=region_col.header)
                continue
        previous_text = cell_text(text)
        pending[k] = previous_text
    # Two passes: names shared by two divisions (吉林, 海南) are settled by the rest of the table.
    # Same-name counties (朝阳区) are settled by the other rows' common ancestor, else by the title.
    texts = {text for text in pending if text is not None}
    level, parent = table_hint([match(text) for text in texts], table.title_text)
    for k, text in enumerate(pending):
        if text is None:
            continue
        match_ = match(text)
        if not isinstance(match_, RegionMatch) and match_.code == "ambiguous_region" and (level or parent()):
            match_ = match(text, parent(), level)
        if isinstance(match_, RegionMatch):
            note_renamed(match_, data_rows[k][0], region_col.header, out)
            found[k] = match_
        else:
            out.add("error", match_.code, match_.message_zh, match_.message_en, row=data_rows[k][0],
                     column=region_col.header)
    if texts:
        warn_outside_title([(row_no, m) for (row_no, _), m in zip(data_rows, found, strict=True) if m is not None],
                           table.title_text, region_col.header, out)
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
        if code_col is not None and not is_blank(values[code_col.index]):
            code_text = code_of(values[code_col.index])
            by_code = match(code_text)
            if not (isinstance(by_code, RegionMatch) and by_code.matched_by == "code"):
                out.say("error", "bad_code", row=row_no, column=code_col.header, code_text=echo(code_text))
                continue
            found[k] = previous = by_code
            for c, text in named:
                by_name = match(text, by_code.parent_code or None, levels[c.index])
                if not isinstance(by_name, RegionMatch) or not (
                    by_name.region_code == by_code.region_code or is_within(by_code.region_code, by_name.region_code)
                ):
                    out.say("warning", "region_mismatch", row=row_no, column=c.header, text=echo(text), code_text=code_text, by_code_name_zh=by_code.name_zh, by_code_name_en=by_code.name_en)
            continue
        if not named:
            if tidy and previous is not None:
                found[k] = previous
                out.say("info", "region_filled:2", row=row_no, column=ordered_cols[0].header, previous_name_zh=previous.name_zh, previous_name_en=previous.name_en)
            else:
                out.say("error", "missing_region", row=row_no, column=region_cols[0].header)
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
            out.say("error", "region_outside_parent", row=row_no, column=outer_col.header, inner_col_header=echo(inner_col.header), inner_text=echo(inner_text), inner_name_zh=inner.name_zh, outer_col_header=echo(outer_col.header), outer_text=echo(outer_text), outer_name_zh=outer.name_zh, inner_name_en=inner.name_en, outer_name_en=outer.name_en)
            continue
        note_renamed(specific[2], row_no, specific[0].header, out)
        found[k] = previous = specific[2]
    return found


def table_hint(matches, title_text: str):
    """(level, parent) that settle a shared name from the rest of a one-column table.

    `matches` are the distinct region texts' matches. The level is the one level of the sure
    matches (吉林 in a table of prefectures), the parent a function giving the sure matches' common
    ancestor (朝阳区 among Beijing's districts) when they are not provinces, else the division the
    title names; the title is only read when a shared name needs it.
    """
    sure = [m for m in matches if isinstance(m, RegionMatch)]
    levels = {m.level for m in sure}
    level = levels.pop() if len(levels) == 1 else None
    common = common_parent({m.region_code for m in sure}) if level != "province" and sure else None
    memo: list[str | None] = []

    def parent() -> str | None:
        if common is not None:
            return common
        if not memo:
            title = title_region_of(title_text)
            memo.append(title.region_code if title is not None else None)
        return memo[0]

    return level, parent


def outside_title(codes, title_text: str) -> tuple[RegionMatch | None, set[str]]:
    """The division the title names and which of `codes` lie outside it (none when the title names none)."""
    title = title_region_of(title_text) if title_text else None
    if title is None or title.level == "country":
        return title, set()
    return title, {c for c in codes if c != title.region_code and not is_within(c, title.region_code)}


def warn_outside_title(rows: list[tuple[int, RegionMatch]], title_text: str, column: str, out: Collector) -> None:
    """A row's region outside the one division the title names (南宁市… over 右江区): warned once per region.

    The title may be loose or wrong and the rows right, so this is a warning naming both, not a refusal.
    """
    title, outside = outside_title({m.region_code for _, m in rows}, title_text)
    for row_no, match_ in rows:
        if match_.region_code in outside:
            outside.discard(match_.region_code)
            out.say("warning", "region_outside_title", row=row_no, column=column, text=echo(match_.text),
                    name_zh=match_.name_zh, name_en=match_.name_en, title_zh=title.name_zh, title_en=title.name_en)


def note_renamed(match: RegionMatch, row_no: int, column: str, out: Collector) -> None:
    """A former name (平果县) read as today's division: the uploader is told, with the year."""
    if match.matched_by == "renamed":
        out.say("warning", "region_renamed", row=row_no, column=column, text=echo(match.text),
                year=match.renamed_year, name_zh=match.name_zh, name_en=match.name_en, code=match.region_code)


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

