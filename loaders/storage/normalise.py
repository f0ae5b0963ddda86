"""The checker's figures and labels made fit to store: every column present and typed, control and
bidi characters dropped (`loaders.labels`), NUL refused (PostgreSQL cannot store it in text)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from loaders.labels import CONTROL_PATTERN, clean_label
from loaders.model import FIGURE_COLUMNS
from loaders.storage.blobs import numbered_ids
from loaders.storage.errors import StoreError
from loaders.storage.schema import TEXT_COLUMNS
from loaders.upload.report import categorical

MAX_NAME = 255


class CheckReportLike(Protocol):
    """What the store reads from `loaders.tables.CheckReport`."""

    status: str
    encoding: str | None
    sheet: str | None
    rows: int
    messages: list
    figures: pd.DataFrame
    new_metrics: list[dict]


# Characters PostgreSQL cannot store in text (and SQLite would keep invisibly): refused with a message.
NUL = "\x00"


def _refuse_nul(figures: pd.DataFrame | None = None, **labels: object) -> None:
    """StoreError naming the field when a label or a figure's text holds a NUL character."""
    for name, value in labels.items():
        if value is not None and NUL in str(value):
            raise StoreError(
                f"“{_FIELD_ZH.get(name, name)}”中含有空字符（NUL），请删除后重试",
                f"{name} contains a NUL character; remove it and try again",
            )
    if figures is None:
        return
    import pyarrow.compute as pc  # here, not with the module: the pages import the store at start

    for column in TEXT_COLUMNS:  # Arrow's substring search: ~0.4 s for a million figures' 22 columns
        if column in figures.columns and pc.any(pc.match_substring(pa.array(figures[column]), NUL)).as_py():
            raise StoreError(
                f"数字的“{column}”中含有空字符（NUL），未保存", f"a figure's {column} contains a NUL character; not stored"
            )


_FIELD_ZH = {"uploader": "上传人", "who": "操作人", "sheet": "工作表", "encoding": "编码", "file_name": "文件名"}


def display_name(file_name: str) -> str:
    """A file name fit to show: control and bidi-override characters dropped (loaders.labels: NUL breaks
    PostgreSQL text, U+202E lets `数据\u202excsl.csv` pose as `数据lscx.csv`), length capped."""
    name = clean_label(file_name).strip()
    if len(name) > MAX_NAME:
        name = name[: MAX_NAME - 1] + "…"
    return name or "(unnamed)"


def _iso_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def normalise_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """The checker's figure frame with every stored column present: text as str, value as float."""
    missing = [c for c in FIGURE_COLUMNS if c not in figures.columns]
    if missing:
        raise ValueError(f"figure frame lacks column(s): {', '.join(missing)}")
    # A shallow copy is enough: pandas 3 copies on write, so the caller's frame is never changed.
    out = figures.copy(deep=False)
    for column in ("metric_zh", "metric_en", "formula"):
        if column not in out.columns:
            out[column] = ""
    if "derived" not in out.columns:
        out["derived"] = False
    if "source_row" not in out.columns:
        out["source_row"] = None
    # A categorical of str (the checker's repeated columns, `loaders.upload.report.CATEGORY_COLUMNS`) is
    # normalised through its few distinct values and stays a categorical: no per-row text is made.
    coded = [c for c in TEXT_COLUMNS if _is_str_categorical(out[c])]
    for column in coded:
        out[column] = _normalised_categorical(out[column])
    for column in ("period_start", "period_end"):
        if column not in coded and not _is_str_column(out[column]):  # a str column holds no dates to format
            out[column] = out[column].map(_iso_date)
    # Columns already str without gaps are left as they are (what fillna("").astype(str) gives them).
    convert = [c for c in TEXT_COLUMNS if c not in coded and not (_is_str_column(out[c]) and not out[c].hasnans)]
    if convert:
        out[convert] = out[convert].fillna("").astype(str)
    for column in TEXT_COLUMNS:  # labels from a file: no terminal escapes or bidi overrides (loaders.labels)
        if column not in coded and _holds_control(out[column]):
            out[column] = out[column].map(clean_label)
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype(float)
    bad = out.index[~np.isfinite(out["value"].to_numpy())]
    if len(bad):
        raise ValueError(f"figure {out.at[bad[0], 'figure_id']} has no finite value")
    out["derived"] = out["derived"].fillna(False).astype(bool)
    if out["source_row"].dtype != np.int64:  # an int64 column already holds what the list would give
        out["source_row"] = [None if pd.isna(v) else int(v) for v in out["source_row"]]
    return out.reset_index(drop=True)


def _is_str_categorical(column: pd.Series) -> bool:
    dtype = column.dtype
    return isinstance(dtype, pd.CategoricalDtype) and (
        isinstance(dtype.categories.dtype, pd.StringDtype) or len(dtype.categories) == 0
    )


def _normalised_categorical(column: pd.Series) -> pd.Series:
    """What `fillna("").astype(str)` then `clean_label` give, as a categorical: worked on the distinct
    values only (a missing value reads ""; labels merged by cleaning share one category)."""
    categories = [clean_label(v) for v in column.cat.categories.tolist()]
    codes = column.cat.codes.to_numpy()
    if column.hasnans:
        categories.append("")
        codes = np.where(codes < 0, len(categories) - 1, codes)
    if categories == column.cat.categories.tolist():
        return column
    return pd.Series(categorical(categories, codes), index=column.index, name=column.name)


def _holds_control(column: pd.Series) -> bool:
    """Whether any value holds a control or bidi character (`CONTROL_PATTERN`, one character class).

    One regex search over all the values joined end to end (a match cannot span two values, the
    pattern being one character), instead of one per value: ~0.36 s a column of a million → a copy
    and one scan."""
    import pyarrow.compute as pc  # here, not with the module: the pages import the store at start

    values = pa.array(column, type=pa.large_string(), from_pandas=True)
    if values.null_count:
        return bool(column.str.contains(CONTROL_PATTERN, regex=True).fillna(False).any())
    if not _may_hold_control(values):
        return False
    # Joined a slice at a time: the joined copy stays a few MB, not the whole column once more.
    for start in range(0, len(values), _JOIN_ROWS):
        part = values.slice(start, _JOIN_ROWS)
        one_list = pa.LargeListArray.from_arrays(pa.array([0, len(part)], type=pa.int64()), part)
        joined = pc.binary_join(one_list, pa.scalar("", pa.large_string()))
        if pc.match_substring_regex(joined, CONTROL_PATTERN)[0].as_py():
            return True
    return False


_JOIN_ROWS = 1 << 17
# Bytes that begin the UTF-8 of a CONTROL_PATTERN character: U+0000-001F and U+007F themselves,
# C2 (U+0080-009F), D8 (U+061C), E2 (U+200E/F, U+2028/9, U+202A-E, U+2066-9). UTF-8 text holding
# none of them holds none of those characters (C2, D8 and E2 only ever lead a character).
_SAFE_BYTES = bytes(b for b in range(256) if not (b < 0x20 or b in (0x7F, 0xC2, 0xD8, 0xE2)))
_SCAN_BYTES = 1 << 22


def _may_hold_control(values: pa.Array | pa.ChunkedArray) -> bool:
    """False when no value's bytes hold a byte that can begin a CONTROL_PATTERN character: the data
    buffer is scanned in place, a few MB at a time (~10x faster than joining and matching)."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        if not len(chunk):
            continue
        _, offsets_buffer, data = chunk.buffers()
        if data is None:
            continue
        offsets = np.frombuffer(offsets_buffer, dtype=np.int64)
        start, end = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        view = memoryview(data)[start:end]
        for at in range(0, len(view), _SCAN_BYTES):
            if bytes(view[at : at + _SCAN_BYTES]).translate(None, _SAFE_BYTES):
                return True
    return False


def new_figure_ids(upload_id: str, total: int) -> pd.Series:
    """`f"{upload_id}-{n:03d}"` for n = 1 … total, made in Arrow (a million Python strings took ~70 MB
    and ~0.3 s), as an Arrow-backed str column."""
    ids = numbered_ids(upload_id, total)
    return pd.Series(pd.array(ids, dtype=pd.StringDtype("pyarrow", na_value=float("nan"))))


def _renumbered_facts(figures: pd.DataFrame, new_ids) -> list[str]:
    """Each figure's fact_id in the new numbering (see `renumbered_fact_ids`), as a list."""
    return renumbered_fact_ids(figures, pd.Series(list(new_ids), dtype="str")).tolist()


def renumbered_fact_ids(figures: pd.DataFrame, new_ids: pd.Series) -> pd.Series:
    """Each figure's fact_id in the new numbering: the new id of the figure its fact_id names (the
    last one of that id), or its own new id when it names none.

    Same as `{old: new for old, new in zip(figure_id, new_ids)}.get(fact_id, own)`, without a dict of
    every figure: only ids that some other figure's fact names, or that occur twice, are looked up,
    and only the figures whose fact differs from their own id get a value of their own.
    """
    import pyarrow.compute as pc

    figure_ids = figures["figure_id"]
    fact = figures["fact_id"]
    elsewhere = (fact != figure_ids).to_numpy()
    if not elsewhere.any() and _numbered(figure_ids):
        return new_ids  # every figure its own fact, ids unique: nothing to look up
    wanted = set(fact[elsewhere].unique().tolist())
    repeated = figure_ids.duplicated(keep=False).to_numpy()
    looked_up = figure_ids.isin(wanted).to_numpy() | repeated
    id_map = {}
    for position in np.flatnonzero(looked_up).tolist():
        id_map[figure_ids.iat[position]] = new_ids.iat[position]
    changed = np.flatnonzero(elsewhere | repeated)
    if not len(changed):
        return new_ids
    values = [id_map.get(fact.iat[p], new_ids.iat[p]) for p in changed.tolist()]
    mask = np.zeros(len(new_ids), dtype=bool)
    mask[changed] = True
    ids = pa.array(new_ids, type=pa.large_string(), from_pandas=True)
    out = pc.replace_with_mask(ids, pa.array(mask), pa.array(values, type=pa.large_string()))
    return pd.Series(pd.array(out, dtype=pd.StringDtype("pyarrow", na_value=float("nan"))))


def each_its_own_numbered_fact(figures: pd.DataFrame) -> bool:
    """Whether every figure is its own fact and the ids are numbered in order (`_numbered`): then the
    renumbered ids are `new_figure_ids` and each fact_id its figure's (what `renumbered_fact_ids` gives)."""
    same = _same_arrow_text(figures["fact_id"], figures["figure_id"]) or not (
        (figures["fact_id"] != figures["figure_id"]).to_numpy().any()
    )
    return same and _numbered(figures["figure_id"])


def _same_arrow_text(a: pd.Series, b: pd.Series) -> bool:
    """Whether two Arrow-backed str columns are views of the very same buffers (the checker makes
    fact_id and figure_id from one array): equal without comparing a million values."""
    if not (_is_str_column(a) and _is_str_column(b)) or len(a) != len(b):
        return False
    try:
        left, right = a.array._pa_array, b.array._pa_array
    except AttributeError:
        return False
    if left.num_chunks != right.num_chunks:
        return False
    for x, y in zip(left.chunks, right.chunks, strict=True):
        if x.type != y.type or x.offset != y.offset or len(x) != len(y) or x.null_count or y.null_count:
            return False
        if [buf.address if buf else None for buf in x.buffers()] != [buf.address if buf else None for buf in y.buffers()]:
            return False
    return True


def _numbered(figure_ids: pd.Series) -> bool:
    """Whether the ids are one prefix + 1 … n padded to three digits, in order (the checker's
    `up-<sha8>-001` …): unique, known without hashing a million ids."""
    import pyarrow.compute as pc  # here, not with the module: the pages import the store at start

    if not len(figure_ids) or figure_ids.hasnans or not _is_str_column(figure_ids):
        return False
    first = str(figure_ids.iat[0])
    if not first.endswith("-001"):
        return False
    expected = new_figure_ids(first[: -len("001")].rstrip("-"), len(figure_ids))
    ids = pa.array(figure_ids, type=pa.large_string(), from_pandas=True)
    return bool(pc.all(pc.equal(ids, pa.array(expected, type=pa.large_string()))).as_py())


def _is_str_column(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype)


def _as_list(series: pd.Series) -> list:
    """A column's values as Python objects (str, float, int, bool, None), as `Series.tolist()` gives
    them, without iterating an Arrow-backed column element by element."""
    return series.to_numpy(dtype=object).tolist()


def _messages_json(report: CheckReportLike) -> str:
    messages = []
    for m in getattr(report, "messages", None) or []:
        messages.append(m.to_dict() if hasattr(m, "to_dict") else str(m))
    return json.dumps(messages, ensure_ascii=False)


def _metric_row(upload_id: str, metric: dict) -> dict:
    return {
        "upload_id": upload_id,
        "metric_id": clean_label(metric["metric_id"]),
        "label_zh": clean_label(metric.get("label_zh") or ""),
        "label_en": clean_label(metric.get("label_en") or ""),
        "unit": str(metric.get("unit") or ""),
        "category": str(metric.get("category") or ""),
        "details": json.dumps(metric, ensure_ascii=False, default=str),
    }

