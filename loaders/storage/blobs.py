"""An upload's figures as ONE columnar blob in the database: Arrow IPC, zstd, text dictionary-encoded.

A million figures were 27 text columns × a million rows through `executemany`, two indexes and
~60 MB of WAL (11–22 s). As one Arrow IPC file (repeated labels dictionary-encoded, the whole file
zstd-compressed) they are a few MB, written as `upload_parts` rows (split into parts of `PART_BYTES`,
so no single bytea/BLOB value grows without bound) in the same transaction as the upload's row and
its audit event: crash-safe on SQLite and PostgreSQL, and seen by every replica of a shared database.

A figure is named by (upload_id, figure_index): its 0-based position in the blob (file order).
Conflict choices are rows of `figure_choices` keyed that way (see `loaders.storage.schema`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from loaders.storage.schema import BLOB_COLUMNS, upload_parts

# Largest value of one `upload_parts` row; a blob of more bytes is split into several rows.
PART_BYTES = 16 * 1024 * 1024
# A text column is dictionary-encoded when it has fewer distinct values than this share of its rows.
DICTIONARY_SHARE = 0.5
_WRITE_OPTIONS = pa.ipc.IpcWriteOptions(compression="zstd")
_TEXT = [c for c in BLOB_COLUMNS if c not in ("value", "source_row", "derived")]


# Rows of a column looked at first: a column whose sample is mostly distinct (ids, evidence) is
# left plain without hashing all of it.
SAMPLE_ROWS = 10_000


def _text_array(values: pd.Series) -> pa.Array:
    array = pa.array(values, type=pa.large_string(), from_pandas=True)
    if len(array) > 16:
        sample = array.slice(0, SAMPLE_ROWS)
        if len(sample) == len(array) or len(sample.unique()) < DICTIONARY_SHARE * len(sample):
            encoded = array.dictionary_encode()
            if len(encoded.dictionary) < DICTIONARY_SHARE * len(array):
                return encoded
    return array


def to_blob(figures: pd.DataFrame) -> bytes:
    """The normalised figures (`loaders.storage.normalise.normalise_figures`) as one Arrow IPC file."""
    arrays = {}
    for column in BLOB_COLUMNS:
        if column == "value":
            arrays[column] = pa.array(figures[column].to_numpy(dtype=float), type=pa.float64())
        elif column == "derived":
            arrays[column] = pa.array(figures[column].to_numpy(dtype=bool), type=pa.bool_())
        elif column == "source_row":
            arrays[column] = pa.array(figures[column], type=pa.int64(), from_pandas=True)
        else:
            arrays[column] = _text_array(figures[column])
    table = pa.table(arrays)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=_WRITE_OPTIONS) as writer:
        writer.write_table(table, max_chunksize=256 * 1024)
    return sink.getvalue().to_pybytes()


def from_blob(data: bytes, columns: list[str] | None = None) -> pa.Table:
    """The blob's table: every column, or only `columns` (the others are not decompressed)."""
    source = pa.BufferReader(data)
    if columns is None:
        return pa.ipc.open_file(source).read_all()
    names = pa.ipc.open_file(pa.BufferReader(data)).schema.names
    options = pa.ipc.IpcReadOptions(included_fields=[names.index(c) for c in columns])
    return pa.ipc.open_file(source, options=options).read_all().select(columns)


def write_parts(conn: Connection, upload_id: str, data: bytes) -> int:
    """Store one upload's blob as its `upload_parts` rows; the number of parts."""
    rows = [
        {"upload_id": upload_id, "part": n, "data": data[start : start + PART_BYTES]}
        for n, start in enumerate(range(0, max(len(data), 1), PART_BYTES))
    ]
    conn.execute(upload_parts.insert(), rows)
    return len(rows)


def read_blobs(conn: Connection, upload_ids: Iterable[str]) -> dict[str, bytes]:
    """{upload_id: blob} of the named uploads (those without parts are absent)."""
    wanted = sorted(set(upload_ids))
    out: dict[str, list[bytes]] = {}
    p = upload_parts.c
    for start in range(0, len(wanted), 500):
        query = (
            sa.select(p.upload_id, p.data)
            .where(p.upload_id.in_(wanted[start : start + 500]))
            .order_by(p.upload_id, p.part)
        )
        for upload_id, data in conn.execute(query):
            out.setdefault(upload_id, []).append(bytes(data))
    return {upload_id: b"".join(parts) for upload_id, parts in out.items()}


def hidden_mask(length: int, hidden: Iterable[int]) -> np.ndarray:
    """True for each figure index shown (not in `hidden`)."""
    mask = np.ones(length, dtype=bool)
    indexes = np.fromiter(hidden, dtype=np.int64)
    if len(indexes):
        mask[indexes[(indexes >= 0) & (indexes < length)]] = False
    return mask
