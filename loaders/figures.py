"""Curated figures: read and validate the tables of `datasets/`.

The columns, allowed values and row rules are the figure model's (`loaders.model`); the one tidy
frame of every figure (curated, derived, uploaded) is `loaders.frame.build_all_figures()`.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from loaders import messages as msg
from loaders.bounds import bound_problem
from loaders.catalog import Catalog, figure_table_names, load_catalog, read_csv_table
from loaders.messages import Message
from loaders.model import (  # noqa: F401  (FIGURE_COLUMNS, MAX_EVIDENCE: imported from here too)
    BASES,
    CATEGORIES,
    CURATED_COLUMNS,
    DIRECTIONS,
    FIGURE_COLUMNS,
    FIGURE_ID,
    MAX_EVIDENCE,
    MEASURES,
    PHASES,
    QUALIFIERS,
    datasets_dir,
    negative_problem,
    percent_problem,
)


class FiguresError(ValueError):
    """A curated table that fails validation; carries every problem found."""

    def __init__(self, table: str, problems: list[Message]):
        self.table = table
        self.problems = problems
        lines = "\n".join(f"  {p.text('en')} [{p.code}]" for p in problems)
        super().__init__(f"{table}: {len(problems)} problem(s)\n{lines}")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def validate_figures(frame: pd.DataFrame, catalog: Catalog, table: str) -> list[Message]:
    """Every problem of a curated figure table at once.

    Rows are reported as the spreadsheet shows them (header is row 1), columns by header.
    """
    problems: list[Message] = []
    missing = [c for c in CURATED_COLUMNS if c not in frame.columns]
    if missing:
        return [
            msg.error(
                "missing_column",
                f"缺少列：{'、'.join(missing)}",
                f"missing column(s): {', '.join(missing)}",
            )
        ]

    def bad(row: int, column: str, code: str, zh: str, en: str) -> None:
        problems.append(msg.error(code, zh, en, row=row, column=column))

    def in_table(row: int, column: str, value: str, keys, name: str, optional: bool = False) -> None:
        if optional and value == "":
            return
        if value not in keys:
            bad(row, column, f"unknown_{name}", f"未知的{name}：“{value}”", f"unknown {name} “{value}”")

    source_prefix = dict(zip(catalog.sources.source_id, catalog.sources.prefix, strict=True))
    ids = set(frame.figure_id)
    duplicated = frame.figure_id[frame.figure_id.duplicated()]
    for idx in duplicated.index:
        bad(idx + 2, "figure_id", "duplicate_id", "编号重复", f"duplicate figure_id {frame.at[idx, 'figure_id']}")

    for idx, r in frame.iterrows():
        row = idx + 2
        m = FIGURE_ID.match(r.figure_id)
        if not m or source_prefix.get(r.source_id) != m.group("prefix"):
            bad(row, "figure_id", "bad_id", "编号格式应为“来源前缀-三位数字”", "figure_id must be <source prefix>-<nnn>")
        if r.fact_id not in ids:
            bad(row, "fact_id", "unknown_fact", "fact_id 不指向本表中的编号", "fact_id names no figure of this table")
        in_table(row, "source_id", r.source_id, catalog.sources.index, "source")
        in_table(row, "region_code", r.region_code, catalog.regions.index, "region")
        in_table(row, "agency_id", r.agency_id, catalog.agencies.index, "agency")
        in_table(row, "category", r.category, CATEGORIES, "category")
        in_table(row, "metric_id", r.metric_id, catalog.metrics.index, "metric")
        in_table(row, "breakdown", r.breakdown, catalog.breakdowns.index, "breakdown", optional=True)
        in_table(row, "unit", r.unit, catalog.units.index, "unit")
        in_table(row, "measure", r.measure, MEASURES, "measure")
        in_table(row, "qualifier", r.qualifier, QUALIFIERS, "qualifier")
        in_table(row, "phase", r.phase, PHASES, "phase", optional=True)
        for column in ("period_start", "period_end"):
            value = r[column]
            if value and not _is_date(value):
                bad(row, column, "bad_date", f"日期应为 YYYY-MM-DD：“{value}”", f"date must be YYYY-MM-DD: “{value}”")
        if not r.period_end:
            bad(row, "period_end", "missing_period_end", "缺少期末日期", "period_end is required")
        elif r.period_start and _is_date(r.period_start) and _is_date(r.period_end):
            if r.period_start > r.period_end:
                bad(row, "period_start", "period_order", "期初晚于期末", "period_start is after period_end")
        if not r.period_text:
            bad(row, "period_text", "missing_period_text", "缺少原文期间表述", "period_text is required")
        try:
            value = float(r.value)
        except ValueError:
            bad(row, "value", "not_a_number", f"数值不是数字：“{r.value}”", f"value is not a number: “{r.value}”")
            value = math.nan
        problem = None if math.isnan(value) else negative_problem(value)
        if problem is not None:
            bad(row, "value", problem.code, f"数值{problem.message_zh}", f"value {problem.message_en}")
        if not math.isnan(value):
            kind = str(catalog.units.at[r.unit, "kind"]) if r.unit in catalog.units.index else ""
            out_of_bounds = bound_problem(r.value, kind)
            if out_of_bounds is not None:
                bad(row, "value", out_of_bounds.code, out_of_bounds.message_zh, out_of_bounds.message_en)
        if r.measure == "change":
            in_table(row, "direction", r.direction, DIRECTIONS, "direction")
            in_table(row, "basis", r.basis, BASES, "basis")
            if r.unit != "percent":
                bad(row, "unit", "change_unit", "变化幅度的单位应为 percent", "a change must be in percent")
        else:
            if r.direction or r.basis:
                bad(row, "direction", "direction_on_level", "非变化数不应有方向或基准", "only changes have direction/basis")
        if r.measure == "share":
            if r.unit != "percent":
                bad(row, "unit", "share_unit", "占比的单位应为 percent", "a share must be in percent")
        problem = None if math.isnan(value) or r.unit != "percent" else percent_problem(value, r.measure, r.direction)
        if problem is not None:
            bad(row, "value", problem.code, f"数值{problem.message_zh}", f"value {problem.message_en}")
        if r.measure == "level" and r.metric_id in catalog.metrics.index:
            expected = catalog.metrics.at[r.metric_id, "unit"]
            if r.unit != expected:
                bad(row, "unit", "unit_mismatch", f"单位应为 {expected}", f"unit should be {expected} for this metric")
        if bool(r.note) != bool(r.note_zh):
            column = "note_zh" if r.note else "note"
            bad(row, column, "note_one_language", "备注须同时有英文（note）和中文（note_zh）", "a note needs both note (English) and note_zh (Chinese)")
        if not r.evidence:
            bad(row, "evidence", "missing_evidence", "缺少出处原文短语", "evidence phrase is required")
        elif len(r.evidence) > MAX_EVIDENCE:
            bad(row, "evidence", "long_evidence", f"出处短语超过{MAX_EVIDENCE}字", f"evidence longer than {MAX_EVIDENCE} characters")

    # The same fact reported twice must agree with itself.
    for fact_id, group in frame.groupby("fact_id"):
        if len(group) > 1 and group[["metric_id", "value", "unit", "qualifier"]].nunique().max() > 1:
            bad(int(group.index[0]) + 2, "fact_id", "fact_disagrees", f"同一事实 {fact_id} 的各行不一致", f"rows of fact {fact_id} disagree")
    return problems


def load_curated_table(name: str, catalog: Catalog | None = None) -> pd.DataFrame:
    """One curated figure table, validated; raises FiguresError listing every problem."""
    catalog = catalog or load_catalog()
    frame = read_csv_table(datasets_dir() / f"{name}.csv")
    problems = validate_figures(frame, catalog, name)
    if problems:
        raise FiguresError(name, problems)
    return frame


def load_curated_figures(catalog: Catalog | None = None) -> pd.DataFrame:
    """Every curated figure of every source, validated, with value as float."""
    catalog = catalog or load_catalog()
    frames = [load_curated_table(name, catalog) for name in figure_table_names()]
    figures = pd.concat(frames, ignore_index=True)
    figures["value"] = figures["value"].astype(float)
    return figures
