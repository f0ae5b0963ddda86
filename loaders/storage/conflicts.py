"""Conflicts: a new figure and a figure the store shows now for the same region, metric, breakdown,
period and measure. Found with a few statements, whatever the number of figures."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from loaders.storage.normalise import _as_list
from loaders.storage.schema import ACTIVE, KEY_COLUMNS, _utc, figure_choices, uploads
from loaders.storage.shown import active_uploads, hidden_now, set_choices, upload_tables

# Longest list of values bound into one IN (...) filter (SQLite allows 32,766 parameters).
MAX_IN_LIST = 2_000
CHOICES = ("existing", "new")

CONFLICT_COLUMNS = [
    "conflict_key",
    *KEY_COLUMNS,
    "metric_zh",
    "existing_value",
    "new_value",
    "existing_unit",
    "new_unit",
    "existing_qualifier",
    "new_qualifier",
    "same_value",
    "existing_figure_id",
    "existing_upload_id",
    "existing_file_name",
    "existing_uploader",
    "existing_uploaded_at",
    "new_figure_id",
    "new_source_row",
]


def conflict_key(row: Any) -> str:
    """The text naming one (region, metric, breakdown, period, measure) slot, used to choose."""
    return "|".join(str(row[c]) for c in KEY_COLUMNS)


# "row_id": the figure's index in its upload's blob (with upload_id, what names a stored figure).
_VISIBLE_COLUMNS = ["row_id", "figure_id", "upload_id", *KEY_COLUMNS, "value", "unit", "qualifier"]
_UPLOAD_INFO_COLUMNS = ["file_name", "uploader", "uploaded_at"]
_KEY_SLICE = slice(3, 3 + len(KEY_COLUMNS))  # the key's place in a row of _VISIBLE_COLUMNS


def _visible_rows(
    conn: Connection, within: pd.DataFrame, restoring: str | None = None
) -> tuple[list[tuple], dict[str, tuple]]:
    """Figures the store shows now that may share a key with a row of `within`.

    With `restoring`, as they will be shown once that upload is active again: the figures it hid
    when it was saved are hidden again, so they do not count. The key columns of every active
    upload's blob are decoded (not the rest) and narrowed by the regions, metrics and period ends of
    `within`; the exact key match is done by the caller. Returns plain tuples in `_VISIBLE_COLUMNS`
    order (the first is the figure's index in its upload's blob), and `{upload_id: (file_name,
    uploader, uploaded_at)}` for the uploads they belong to.
    """
    import pyarrow.compute as pc  # here, not with the module: the pages import the store at start

    wanted = ["figure_id", *KEY_COLUMNS, "value", "unit", "qualifier"]
    narrow = {c: pa.array(within[c].unique().tolist(), type=pa.large_string()) for c in ("region_code", "metric_id", "period_end")}
    tables = upload_tables(conn, active_uploads(conn), wanted, hidden_now(conn, restoring))
    rows: list[tuple] = []
    for upload_id, table in tables.items():
        mask = None
        for column, values in narrow.items():
            found = pc.is_in(table.column(column).cast(pa.large_string()), value_set=values)
            mask = found if mask is None else pc.and_(mask, found)
        if mask is not None:
            table = table.filter(mask)
        if not table.num_rows:
            continue
        columns = {c: table.column(c).to_pylist() for c in table.column_names}
        columns["upload_id"] = [upload_id] * table.num_rows
        columns["row_id"] = columns.pop("figure_index")
        rows.extend(zip(*(columns[c] for c in _VISIBLE_COLUMNS), strict=True))
    if not rows:
        return rows, {}
    # By id, whatever their status now: every row found has its upload's details.
    upload_ids = sorted({row[2] for row in rows})
    query = sa.select(uploads.c.upload_id, *[uploads.c[c] for c in _UPLOAD_INFO_COLUMNS])
    if len(upload_ids) <= MAX_IN_LIST:
        query = query.where(uploads.c.upload_id.in_(upload_ids))
    info = {upload_id: tuple(rest) for upload_id, *rest in conn.execute(query)}
    return rows, info


def _conflict_pairs(
    conn: Connection, figures: pd.DataFrame, restoring: str | None = None, *, chunk_size: int
) -> tuple[list[tuple[int, tuple]], dict[str, tuple]]:
    """Pairs (position of a new figure, visible stored row) sharing a key, in the order of `figures`
    and, for one figure, of the stored rows (the order an inner merge gives); `figures` holds the
    KEY_COLUMNS as str. Also `{upload_id: (file_name, uploader, uploaded_at)}` (see `_visible_rows`).

    One read of the candidate stored rows, matched in a dict by key; the new keys are built
    `chunk_size` at a time so memory stays bounded at a million figures.
    """
    if figures.empty:
        return [], {}
    existing, info = _visible_rows(conn, figures, restoring)
    if not existing:
        return [], info
    by_key: dict[tuple, list[tuple]] = {}
    for row in existing:
        by_key.setdefault(row[_KEY_SLICE], []).append(row)
    pairs = []
    keys = figures[KEY_COLUMNS]
    for start in range(0, len(keys), chunk_size):
        part = keys.iloc[start : start + chunk_size]
        for position, key in enumerate(zip(*(_as_list(part[c]) for c in KEY_COLUMNS), strict=True), start):
            found = by_key.get(key)
            if found:
                pairs.extend((position, row) for row in found)
    return pairs, info


def _empty_conflicts() -> pd.DataFrame:
    return pd.DataFrame(columns=CONFLICT_COLUMNS + ["existing_row_id", "new_index"])


def _conflicts(
    conn: Connection, figures: pd.DataFrame, restoring: str | None = None, *, chunk_size: int
) -> pd.DataFrame:
    """Pairs (new figure, visible stored figure) sharing the same key; `figures` is normalised."""
    if figures.empty:
        return _empty_conflicts()
    pairs, info = _conflict_pairs(conn, figures, restoring, chunk_size=chunk_size)
    if not pairs:
        return _empty_conflicts()
    info = {upload_id: (name, who, _utc(at)) for upload_id, (name, who, at) in info.items()}
    positions = [position for position, _ in pairs]
    new = figures.iloc[positions]
    existing = list(zip(*(row for _, row in pairs), strict=True))
    found = dict(zip(_VISIBLE_COLUMNS, existing, strict=True))
    shown = [info[upload_id] for upload_id in found["upload_id"]]
    out = pd.DataFrame(
        {
            "conflict_key": ["|".join(map(str, row[_KEY_SLICE])) for _, row in pairs],
            **{c: new[c].to_numpy() for c in KEY_COLUMNS},
            "metric_zh": new["metric_zh"].to_numpy(),
            "existing_value": pd.Series(found["value"], dtype=float).to_numpy(),
            "new_value": new["value"].astype(float).to_numpy(),
            "existing_unit": list(found["unit"]),
            "new_unit": new["unit"].to_numpy(),
            "existing_qualifier": list(found["qualifier"]),
            "new_qualifier": new["qualifier"].to_numpy(),
            "existing_figure_id": list(found["figure_id"]),
            "existing_upload_id": list(found["upload_id"]),
            "existing_file_name": [s[0] for s in shown],
            "existing_uploader": [s[1] for s in shown],
            "existing_uploaded_at": [s[2] for s in shown],
            "new_figure_id": new["figure_id"].to_numpy(),
            "new_source_row": new["source_row"].to_numpy(),
            "existing_row_id": list(found["row_id"]),
            "new_index": figures.index[positions].to_numpy(),
        }
    )
    out["same_value"] = (
        (out.existing_value == out.new_value)
        & (out.existing_unit == out.new_unit)
        & (out.existing_qualifier == out.new_qualifier)
    )
    return out[CONFLICT_COLUMNS + ["existing_row_id", "new_index"]].reset_index(drop=True)


def _choice(replace: dict | None, key: str) -> str:
    replace = replace or {}
    choice = replace.get(key, replace.get("*", "existing"))
    if choice not in CHOICES:
        raise ValueError(f"conflict choice must be one of {CHOICES}, got {choice!r} for {key}")
    return choice



def hide_released(conn: Connection, removed: str) -> tuple[int, int]:
    """After `removed` was marked removed: the figures it hid are shown again, and where that would
    show more than one figure in a slot, one stays shown and the others are hidden by its upload.

    The one that stays: a figure that was shown before the removal, if any (what is shown does not
    change under the user's eyes); otherwise the figure of the upload saved last (the newest of the
    values a user chose between; removing that one too shows the next). Returns (figures shown again,
    figures hidden again).
    """
    c = figure_choices.c
    owner = uploads.alias("owner")
    released = [
        (upload_id, int(index))
        for upload_id, index in conn.execute(
            sa.select(c.upload_id, c.figure_index)
            .select_from(figure_choices.join(owner, owner.c.upload_id == c.upload_id))
            .where(c.hidden_by == removed, owner.c.status == ACTIVE, c.upload_id != removed)
        )
    ]
    if not released:
        return 0, 0
    by_upload: dict[str, list[int]] = {}
    for upload_id, index in released:
        by_upload.setdefault(upload_id, []).append(index)
    keys = []
    for upload_id, table in upload_tables(conn, by_upload, KEY_COLUMNS).items():
        frame = table.to_pandas()
        keys.append(frame[frame["figure_index"].isin(by_upload[upload_id])])
    within = pd.concat(keys, ignore_index=True)
    within[KEY_COLUMNS] = within[KEY_COLUMNS].astype(str)
    visible, _ = _visible_rows(conn, within)
    wanted = {tuple(k) for k in within[KEY_COLUMNS].itertuples(index=False)}
    slots: dict[tuple, list[tuple]] = {}
    for row in visible:
        if row[_KEY_SLICE] in wanted:
            slots.setdefault(row[_KEY_SLICE], []).append(row)
    order = {upload_id: n for n, upload_id in enumerate(active_uploads(conn))}
    freed = set(released)
    choices = []
    for found in slots.values():
        if len({row[2] for row in found}) < 2:
            continue
        before = [row for row in found if (row[2], row[0]) not in freed]
        winner = before[0] if before else max(found, key=lambda row: order.get(row[2], -1))
        choices.extend((row[2], row[0], winner[2]) for row in found if row[2] != winner[2])
    set_choices(conn, choices)
    return len(released), len(choices)
