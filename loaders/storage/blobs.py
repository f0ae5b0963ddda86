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
    if isinstance(values.dtype, pd.CategoricalDtype):  # codes + distinct texts already: written as they are
        codes = values.cat.codes.to_numpy()
        dictionary = pa.array(values.cat.categories.tolist(), type=pa.large_string())
        return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), dictionary)
    array = pa.array(values, type=pa.large_string(), from_pandas=True)
    if len(array) > 16:
        sample = array.slice(0, SAMPLE_ROWS)
        if len(sample) == len(array) or len(sample.unique()) < DICTIONARY_SHARE * len(sample):
            encoded = array.dictionary_encode()
            if len(encoded.dictionary) < DICTIONARY_SHARE * len(array):
                return encoded
    return array


# Schema metadata of a blob whose figure_id and fact_id are not stored: both are f"{prefix}-{n:03d}",
# n = 1 … rows (every figure its own fact, the store's numbering), made again when read.
NUMBERED = b"numbered_ids"
_NUMBERED_COLUMNS = ("figure_id", "fact_id")


def numbered_ids(prefix: str, total: int) -> pa.Array:
    """`f"{prefix}-{n:03d}"` for n = 1 … total as a large_string Arrow array (no Python strings)."""
    import pyarrow.compute as pc  # here, not with the module: the pages import the store at start

    text = pa.large_string()
    numbers = pc.utf8_lpad(pa.array(np.arange(1, total + 1, dtype=np.int64)).cast(text), width=3, padding="0")
    return pc.binary_join_element_wise(pa.scalar(f"{prefix}-", text), numbers, pa.scalar("", text))


def to_blob(figures: pd.DataFrame) -> bytes:
    """The normalised figures (`loaders.storage.normalise.normalise_figures`) as one Arrow IPC file."""
    return encode_blob(figures).tobytes()


def encode_blob(figures: pd.DataFrame, numbered: str | None = None) -> memoryview:
    """`to_blob` as a view of Arrow's buffer (not copied into bytes): what `write_parts` takes.

    With `numbered`, the figures' ids are `numbered_ids(numbered, rows)` and each is its own fact:
    figure_id and fact_id are not written (a million unique ids were a third of the save), only the
    prefix in the schema's metadata; `from_blob` makes them again."""
    arrays = {}
    for column in BLOB_COLUMNS:
        if numbered is not None and column in _NUMBERED_COLUMNS:
            continue
        if column == "value":
            arrays[column] = pa.array(figures[column].to_numpy(dtype=float), type=pa.float64())
        elif column == "derived":
            arrays[column] = pa.array(figures[column].to_numpy(dtype=bool), type=pa.bool_())
        elif column == "source_row":
            arrays[column] = pa.array(figures[column], type=pa.int64(), from_pandas=True)
        else:
            arrays[column] = _text_array(figures[column])
    table = pa.table(arrays)
    if numbered is not None:
        table = table.replace_schema_metadata({NUMBERED: numbered.encode()})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=_WRITE_OPTIONS) as writer:
        writer.write_table(table, max_chunksize=256 * 1024)
    return memoryview(sink.getvalue())


def from_blob(data: bytes, columns: list[str] | None = None) -> pa.Table:
    """The blob's table: every column, or only `columns` (the others are not decompressed)."""
    schema = pa.ipc.open_file(pa.BufferReader(data)).schema
    prefix = (schema.metadata or {}).get(NUMBERED)
    if columns is None and prefix is None:
        return pa.ipc.open_file(pa.BufferReader(data)).read_all()
    wanted = list(BLOB_COLUMNS if columns is None else columns)
    names = schema.names
    stored = [c for c in wanted if c in names]
    read = stored or names[:1]  # at least one column, for the number of rows
    options = pa.ipc.IpcReadOptions(included_fields=[names.index(c) for c in read])
    table = pa.ipc.open_file(pa.BufferReader(data), options=options).read_all().select(read)
    if prefix is None:
        return table
    made = {}
    if any(c in _NUMBERED_COLUMNS for c in wanted):
        made = dict.fromkeys(_NUMBERED_COLUMNS, numbered_ids(prefix.decode(), table.num_rows))
    return pa.table({c: made[c] if c in made else table.column(c) for c in wanted})


def write_parts(conn: Connection, upload_id: str, data: bytes | memoryview) -> int:
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
