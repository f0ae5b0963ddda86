"""Curated figures: load, validate, derive, and the one tidy frame of every figure.

`build_all_figures()` is what pages, charts, exports and the command line read.
"""

from __future__ import annotations

import math
import os
import re
from datetime import date
from pathlib import Path

import pandas as pd

from loaders import messages as msg
from loaders.bounds import bound_problem
from loaders.catalog import (
    BASES,
    CATEGORIES,
    DIRECTIONS,
    MEASURES,
    PACKAGE_ROOT,
    PHASES,
    QUALIFIERS,
    Catalog,
    datasets_dir,
    figure_table_names,
    load_catalog,
    read_csv_table,
)
from loaders.derive import derive_figures
from loaders.messages import Message

FIGURE_COLUMNS = [
    "figure_id",
    "fact_id",
    "source_id",
    "region_code",
    "period_start",
    "period_end",
    "period_text",
    "phase",
    "agency_id",
    "category",
    "metric_id",
    "breakdown",
    "measure",
    "value",
    "unit",
    "qualifier",
    "direction",
    "basis",
    "evidence",
    "note",
]

# A curated table's header: the figure model plus the note in Chinese (the Chinese view shows it).
# Uploads and the store keep FIGURE_COLUMNS: an upload's note is in the uploader's own words.
CURATED_COLUMNS = [*FIGURE_COLUMNS, "note_zh"]

# The tidy shape every consumer reads; the first columns are the documented contract.
OUTPUT_COLUMNS = [
    "figure_id",
    "source_id",
    "region_code",
    "region_zh",
    "region_en",
    "metric_id",
    "metric_zh",
    "metric_en",
    "breakdown",
    "breakdown_zh",
    "breakdown_en",
    "measure",
    "value",
    "unit",
    "unit_zh",
    "unit_en",
    "qualifier",
    "direction",
    "basis",
    "period_start",
    "period_end",
    "period_text",
    "phase",
    "agency_id",
    "agency_zh",
    "agency_en",
    "category",
    "derived",
    "formula",
    "formula_zh",
    "evidence",
    "fact_id",
    "note",
    "note_zh",
    "upload_id",
]

MAX_EVIDENCE = 40
# The store's URL variable, as loaders.store reads it; a SQLite file URL (any driver, optional query).
DB_URL_ENV = "ANTIFRAUD_DB_URL"
SQLITE_FILE_URL = re.compile(r"^sqlite(\+\w+)?:///(?P<database>[^?]*)(\?.*)?$")
FIGURE_ID = re.compile(r"^(?P<prefix>[a-z0-9]+)-\d{3}$")


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
        if not math.isnan(value) and value < 0:
            bad(row, "value", "negative", "数值不能为负；减少用 direction 表示", "value must not be negative; use direction")
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
            if not math.isnan(value) and value > 100:
                bad(row, "value", "share_over_100", "占比不能超过100%", "a share cannot exceed 100%")
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


def _lookup(keys: pd.Series, table: pd.DataFrame, column: str) -> pd.Series:
    """`str(table.at[key, column])` for every key found in `table`, NaN for the others.

    Looked up once per distinct key and mapped (a million uploaded figures hold a few hundred keys).
    """
    codes, distinct = pd.factorize(keys)  # a missing key is -1: no label
    labels = pd.array([str(table.at[k, column]) if k in table.index else None for k in distinct], dtype="str")
    return pd.Series(labels.take(codes, allow_fill=True), index=keys.index)


def _with_labels(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Labels in both languages beside every key; a key without a label stands for itself."""
    out = frame.copy()
    divisions = catalog.divisions
    regions = catalog.regions
    for lang_column, name_column in (("region_zh", "name_zh"), ("region_en", "name_en")):
        # The regions table first, then the divisions (GB/T 2260), else the code itself.
        names = _lookup(out["region_code"], regions, name_column)
        names = names.fillna(_lookup(out["region_code"], divisions, name_column))
        out[lang_column] = names.fillna(out["region_code"])
    if "metric_zh" not in out.columns:
        out["metric_zh"] = ""
        out["metric_en"] = ""
    metric_labels = {}
    for lang_column, label_column in (("metric_zh", "label_zh"), ("metric_en", "label_en")):
        labels = _lookup(out["metric_id"], catalog.metrics, label_column).astype(object)
        unknown = labels.isna().to_numpy()
        if unknown.any():
            # A metric not in the reference table keeps the label its upload gave, else its id.
            fallback = zip(out["metric_id"].to_numpy()[unknown], out[lang_column].to_numpy()[unknown], strict=True)
            labels[unknown] = [given or metric_id for metric_id, given in fallback]
        metric_labels[lang_column] = labels
    for lang_column, labels in metric_labels.items():
        out[lang_column] = labels
    for table, column, prefix in (
        ("breakdowns", "breakdown", "breakdown"),
        ("units", "unit", "unit"),
        ("agencies", "agency_id", "agency"),
    ):
        frame_ = getattr(catalog, table)
        out[f"{prefix}_zh"] = _lookup(out[column], frame_, "label_zh").fillna(out[column])
        out[f"{prefix}_en"] = _lookup(out[column], frame_, "label_en").fillna(out[column])
    return out


def configured_database_url() -> str:
    """`loaders.store.database_url()` without importing the store (SQLAlchemy costs ~1 s at a cold start)."""
    return os.environ.get(DB_URL_ENV) or f"sqlite:///{PACKAGE_ROOT / 'data' / 'antifraud.db'}"


def store_may_hold_figures(url: str | None = None) -> bool:
    """False only when the store is a SQLite file that does not exist yet: nothing was ever uploaded.

    Any other URL (another database, an in-memory or URI-style SQLite name) may hold figures.
    """
    url = url or configured_database_url()
    match = SQLITE_FILE_URL.match(url)
    if not match:
        return True
    database = match.group("database")
    if database in ("", ":memory:") or database.startswith("file:") or "%" in database:
        return True
    return Path(database).exists()


def uploaded_figures() -> pd.DataFrame:
    """Figures stored by uploads (empty when the store has none; a missing SQLite file is created)."""
    try:
        from loaders import store  # imported only when uploads are read (SQLAlchemy is slow to import)
    except ImportError:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    return store.read_figures()


def build_all_figures(include_uploaded: bool = True) -> pd.DataFrame:
    """Every figure the project knows: curated, derived, and uploaded, in one tidy shape."""
    catalog = load_catalog()
    curated = load_curated_figures(catalog)
    prefixes = dict(zip(catalog.sources.source_id, catalog.sources.prefix, strict=True))
    derived = derive_figures(curated, prefixes)
    curated = curated.assign(derived=False, formula="", formula_zh="")
    parts = [curated, derived]
    if include_uploaded and store_may_hold_figures():
        uploaded = uploaded_figures()
        if len(uploaded):
            parts.append(uploaded)
    frames = [p for p in parts if len(p)]
    figures = pd.concat(frames, ignore_index=True)
    figures["derived"] = figures["derived"].astype(bool)
    figures["value"] = figures["value"].astype(float)
    for column in OUTPUT_COLUMNS:
        if column not in figures.columns:
            figures[column] = ""
    figures = _with_labels(figures, catalog)
    text_columns = [c for c in OUTPUT_COLUMNS if c not in ("value", "derived")]
    figures[text_columns] = figures[text_columns].fillna("").astype(str)
    return _contiguous(figures[OUTPUT_COLUMNS].reset_index(drop=True))


def _contiguous(frame: pd.DataFrame) -> pd.DataFrame:
    """Each Arrow-backed column as one chunk (concat leaves several).

    Pages filter this frame on every rerun; taking rows out of a chunked column costs ~10x more
    (54 ms against 5 ms for 3,000 of a million rows), the same for every later filter.
    """
    for column in frame.columns:
        array = frame[column].array
        if hasattr(array, "__arrow_array__"):
            chunked = array.__arrow_array__()
            if getattr(chunked, "num_chunks", 1) > 1:
                frame[column] = pd.array(chunked.combine_chunks(), dtype=frame[column].dtype)
    return frame
