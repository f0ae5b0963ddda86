"""The Arrow snapshot of the figures a store last read: a cache beside the database, never the storage."""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from glob import escape as glob_escape
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

try:
    import fcntl
except ImportError:  # Windows: stale snapshot temporaries are told by age instead
    fcntl = None

from loaders.storage.engine import _sqlite_path
from loaders.storage.schema import READ_COLUMNS, upload_events

# ----- figure snapshots --------------------------------------------------------------------------
# read_figures of a million figures takes ~8 s (fetching rows, building columns) on every first load
# after a restart or an upload. A SQLite store keeps the frame it last read as an Arrow IPC file
# beside the database, named by the store's state: the last event (id, upload, kind, time) hashed.
# Events are append-only and every change adds one, so a state has one key; a restored backup that
# then takes other uploads differs in the last event's upload id or time. The snapshot is a cache:
# any problem reading or writing it falls back to the database, which stays the only storage.
SNAPSHOT_PATTERN = "{name}.figures-{key}.arrow"


SNAPSHOT_DIR_ENV = "ANTIFRAUD_SNAPSHOT_DIR"


def _snapshot_database(url: str) -> Path | None:
    """The path the snapshots are named after: a SQLite file (they sit beside it), or for a database
    server a name in this machine's snapshot folder (`ANTIFRAUD_SNAPSHOT_DIR`, default `data/snapshots`;
    empty: no snapshots), one per database URL. Each replica keeps its own; the key (the last event,
    read in the figures' transaction) makes one written by another replica or before a restore safe."""
    parsed = sa.make_url(url)
    path = _sqlite_path(parsed)
    if path is not None:
        return path if path.exists() else None
    if parsed.get_backend_name() == "sqlite":  # in memory
        return None
    folder = os.environ.get(SNAPSHOT_DIR_ENV)
    if folder == "":
        return None
    folder_path = Path(folder) if folder else Path(__file__).resolve().parents[2] / "data" / "snapshots"
    try:
        folder_path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    identity = parsed.set(password=None).render_as_string(hide_password=False)
    return folder_path / f"{parsed.get_backend_name()}-{hashlib.sha256(identity.encode()).hexdigest()[:16]}"


def _snapshot_key(conn: Connection) -> str | None:
    e = upload_events.c
    last = conn.execute(sa.select(e.event_id, e.upload_id, e.event, e.at).order_by(e.event_id.desc()).limit(1)).first()
    if last is None:
        return None
    return hashlib.sha256(repr(tuple(last)).encode("utf-8")).hexdigest()[:20]


def _snapshot_file(database: Path, key: str) -> Path:
    return database.with_name(SNAPSHOT_PATTERN.format(name=database.name, key=key))


def _read_snapshot(database: Path, key: str) -> pd.DataFrame | None:
    file = _snapshot_file(database, key)
    if not file.is_file():
        return None
    try:
        with pa.OSFile(str(file), "rb") as source:
            table = pa.ipc.open_file(source).read_all()
        if table.column_names != READ_COLUMNS:
            return None
        return _table_frame(table)
    except (OSError, pa.ArrowException, ValueError):
        return None


def _write_snapshot(database: Path, key: str, frame: pd.DataFrame) -> None:
    file = _snapshot_file(database, key)
    temporary = file.with_name(TEMPORARY_PATTERN.format(name=file.name, id=uuid.uuid4().hex))
    try:
        table = pa.table({c: pa.array(frame[c]) for c in READ_COLUMNS})
        with open(temporary, "xb") as sink:
            # Held until the file is renamed or this process dies: how others tell a live write from a
            # dead one's leftovers (_remove_stale_temporaries).
            _lock_exclusively(sink)
            with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
                writer.write_table(table)
            sink.flush()
            temporary.replace(file)  # atomic: a reader sees the whole file or none
        for old in database.parent.glob(SNAPSHOT_PATTERN.format(name=glob_escape(database.name), key="*")):
            if old != file:
                old.unlink(missing_ok=True)
        _remove_stale_temporaries(database)
    except (OSError, pa.ArrowException, ValueError):
        temporary.unlink(missing_ok=True)


# A snapshot is written to `.<snapshot name>.<random id>.tmp`, then renamed. A process killed while it
# writes leaves that file behind; each process removes such leftovers when it first opens the store.
# Stale = no process holds its lock (flock: released by the kernel when the writer dies, however it
# dies). Where flock does not exist (Windows), stale = untouched for STALE_TEMPORARY_SECONDS.
TEMPORARY_PATTERN = ".{name}.{id}.tmp"
STALE_TEMPORARY_SECONDS = 3600.0


def _lock_exclusively(handle, blocking: bool = True) -> bool:
    """flock the open file; False when another process holds it (non-blocking), True where flock is missing."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _remove_stale_temporaries(database: Path) -> list[Path]:
    """Delete snapshot temporaries beside `database` that no live process is writing; the ones deleted."""
    pattern = TEMPORARY_PATTERN.format(name=SNAPSHOT_PATTERN.format(name=glob_escape(database.name), key="*"), id="*")
    removed = []
    for temporary in database.parent.glob(pattern):
        try:
            if fcntl is None:
                if time.time() - temporary.stat().st_mtime < STALE_TEMPORARY_SECONDS:
                    continue
                temporary.unlink()
            else:
                with open(temporary, "rb") as handle:
                    if not _lock_exclusively(handle, blocking=False):
                        continue  # a live writer holds it
                    temporary.unlink()  # while locked: no writer can be inside it
        except OSError:  # gone meanwhile, or not ours to remove: leave it
            continue
        removed.append(temporary)
    return removed


def _table_frame(table: pa.Table) -> pd.DataFrame:
    """The frame `_columns_frame` builds, from a snapshot's Arrow table (same dtypes)."""
    text_dtype = pd.StringDtype("pyarrow", na_value=float("nan"))
    data = {}
    for name in READ_COLUMNS:
        column = table.column(name).combine_chunks()
        if name == "value":
            data[name] = column.to_numpy(zero_copy_only=False).astype(float)
        elif name == "derived":
            data[name] = column.to_numpy(zero_copy_only=False).astype(bool)
        else:
            data[name] = pd.Series(column.cast(pa.large_string()), dtype=text_dtype)
    return pd.DataFrame(data, copy=False)


def _columns_frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    """`read_figures`' frame from row tuples, column by column: text straight into Arrow strings.

    With a million figures, `DataFrame.from_records` and `astype(str)` took ~6 s of the first page
    load; pyarrow builds each text column from the Python strings in C (~0.1 s a column).
    """
    text_dtype = pd.StringDtype("pyarrow", na_value=float("nan"))  # pandas 3's "str"
    data = {}
    for name, values in zip(columns, zip(*rows, strict=True), strict=True):
        if name == "value":
            data[name] = np.asarray(values, dtype=float)
        elif name == "derived":
            data[name] = np.asarray(values, dtype=bool)
        else:
            data[name] = pd.Series(pa.array(values, type=pa.large_string()), dtype=text_dtype)
    return pd.DataFrame(data, copy=False)
