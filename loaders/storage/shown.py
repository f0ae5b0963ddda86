"""What the store shows now: active uploads in save order, the figures conflict choices hide, and
those uploads' figures decoded from their blobs (`loaders.storage.blobs`).

A figure (upload_id, figure_index) is shown while its upload is active and no `figure_choices` row
names it with an active `hidden_by`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from loaders.storage.blobs import from_blob, hidden_mask, read_blobs
from loaders.storage.schema import ACTIVE, figure_choices, upload_events, uploads


def active_uploads(conn: Connection) -> list[str]:
    """Ids of the active uploads in the order they were saved (their `saved` event)."""
    e = upload_events.c
    saved = (
        sa.select(e.upload_id, sa.func.min(e.event_id).label("saved_at"))
        .where(e.event == "saved")
        .group_by(e.upload_id)
        .subquery()
    )
    query = (
        sa.select(uploads.c.upload_id)
        .select_from(uploads.outerjoin(saved, saved.c.upload_id == uploads.c.upload_id))
        .where(uploads.c.status == ACTIVE)
        .order_by(saved.c.saved_at, uploads.c.uploaded_at, uploads.c.upload_id)
    )
    return [row[0] for row in conn.execute(query)]


def hidden_now(conn: Connection, restoring: str | None = None) -> dict[str, list[int]]:
    """{upload_id: figure indexes hidden by an active upload} for the active uploads (and `restoring`).

    With `restoring`, as they will be once that upload is active again: what it hides counts too."""
    owner, hider = uploads.alias("owner"), uploads.alias("hider")
    c = figure_choices.c
    hider_counts = hider.c.status == ACTIVE
    owner_counts = owner.c.status == ACTIVE
    if restoring is not None:
        hider_counts = sa.or_(hider_counts, c.hidden_by == restoring)
        owner_counts = sa.or_(owner_counts, c.upload_id == restoring)
    query = (
        sa.select(c.upload_id, c.figure_index)
        .select_from(
            figure_choices.join(owner, owner.c.upload_id == c.upload_id).join(hider, hider.c.upload_id == c.hidden_by)
        )
        .where(owner_counts, hider_counts)
    )
    out: dict[str, list[int]] = {}
    for upload_id, index in conn.execute(query):
        out.setdefault(upload_id, []).append(int(index))
    return out


def upload_tables(
    conn: Connection,
    upload_ids: Iterable[str],
    columns: list[str] | None = None,
    hidden: dict[str, list[int]] | None = None,
) -> dict[str, pa.Table]:
    """{upload_id: its figures (`columns` of the blob, then `figure_index`)}, without the `hidden` ones."""
    upload_ids = list(upload_ids)
    blobs = read_blobs(conn, upload_ids)
    out = {}
    for upload_id in upload_ids:
        data = blobs.get(upload_id)
        if data is None:
            continue
        table = from_blob(data, columns)
        table = table.append_column("figure_index", pa.array(range(table.num_rows), type=pa.int64()))
        if hidden and hidden.get(upload_id):
            table = table.filter(pa.array(hidden_mask(table.num_rows, hidden[upload_id])))
        out[upload_id] = table
    return out


def set_choices(conn: Connection, rows: list[tuple[str, int, str]]) -> None:
    """Record choices (upload_id, figure_index, hidden_by), replacing any earlier choice of those figures."""
    rows = list({(u, int(i)): (u, int(i), by) for u, i, by in rows}.values())  # the last choice of a figure
    if not rows:
        return
    c = figure_choices.c
    delete = figure_choices.delete().where(
        c.upload_id == sa.bindparam("u"), c.figure_index == sa.bindparam("i")
    )
    conn.execute(delete, [{"u": u, "i": int(i)} for u, i, _ in rows])
    conn.execute(
        figure_choices.insert(), [{"upload_id": u, "figure_index": int(i), "hidden_by": by} for u, i, by in rows]
    )
