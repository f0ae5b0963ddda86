"""The durable store of uploaded tables: SQLAlchemy Core, SQLite by default.

The database is named by the SQLAlchemy URL in the environment variable `ANTIFRAUD_DB_URL`, read at
call time; without it, `sqlite:///<repo>/data/antifraud.db` (the folder is created). The SQL is kept
portable so a PostgreSQL server can replace the file without code changes.

Tables:

- `uploads`: one row per stored file: original bytes, sha256, display file name (never used as a
  path), encoding, sheet, row and figure counts, UTC time, uploader label, status active/removed.
- `upload_figures`: the figures of each upload, in the curated figure shape, pointing to their upload.
  `hidden_by` records a conflict choice: the figure is shown only while its own upload is active and
  the upload named in `hidden_by` (if any) is not.
- `upload_metrics`: metrics first created by an upload (headers the catalogue did not know).
- `upload_events`: audit trail: saved, removed, restored, with who and when.

Every save is ONE transaction (all figures or none). On SQLite it runs in WAL mode and starts with
`BEGIN IMMEDIATE`, so two writers queue on the write lock (up to `busy_timeout`) instead of failing,
while readers keep reading the last committed state.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

try:
    import fcntl
except ImportError:  # Windows: stale snapshot temporaries are told by age instead
    fcntl = None
from loaders.labels import CONTROL_PATTERN, clean_label
from loaders.model import FIGURE_COLUMNS, configured_database_url
from loaders.schema import (  # noqa: F401  (the schema is part of the store's interface)
    ACTIVE,
    REMOVED,
    StoreError,
    _write_transaction,
    metadata,
    upload_events,
    upload_figures,
    upload_metrics,
    uploads,
)

# Rows per executemany call: large enough to amortise the round trip, small enough to keep the
# parameter lists (and the memory of one chunk) modest at a million figures.
CHUNK_SIZE = 5_000
# Page cache (KiB) of the SQLite connection while it writes a save; SQLite's default is 2,000 KiB
# (`PRAGMA cache_size = -2000`), restored when the save's statements are done.
SAVE_CACHE_KB = 65_536
DEFAULT_CACHE_SIZE = -2000
# Milliseconds a writer waits for another writer's transaction before giving up (SQLite only).
# A million-figure save takes tens of seconds, so the wait is generous.
BUSY_TIMEOUT_MS = 120_000

# Longest list of values bound into one IN (...) filter (SQLite allows 32,766 parameters).
MAX_IN_LIST = 2_000
KEY_COLUMNS = ["region_code", "metric_id", "breakdown", "period_start", "period_end", "measure"]
TEXT_COLUMNS = [c for c in FIGURE_COLUMNS if c != "value"] + ["metric_zh", "metric_en", "formula"]
READ_COLUMNS = FIGURE_COLUMNS + ["derived", "formula", "upload_id", "metric_zh", "metric_en"]
INSERT_COLUMNS = [
    "upload_id",
    *FIGURE_COLUMNS,
    "metric_zh",
    "metric_en",
    "source_row",
    "derived",
    "formula",
    "hidden_by",
]
CHOICES = ("existing", "new")

MAX_NAME = 255
METRIC_COLUMNS = ["metric_id", "label_zh", "label_en", "unit", "category", "upload_id"]
UPLOAD_COLUMNS = [
    "upload_id",
    "file_name",
    "uploader",
    "uploaded_at",
    "row_count",
    "figure_count",
    "byte_count",
    "encoding",
    "sheet",
    "status",
    "removed_at",
    "removed_by",
    "check_status",
    "sha256",
]
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


class CheckReportLike(Protocol):
    """What the store reads from `loaders.tables.CheckReport`."""

    status: str
    encoding: str | None
    sheet: str | None
    rows: int
    messages: list
    figures: pd.DataFrame
    new_metrics: list[dict]


class DuplicateUploadError(StoreError):
    """The same bytes are already stored in an active upload."""

    def __init__(self, upload_id: str, file_name: str, uploader: str, uploaded_at: datetime):
        self.upload_id = upload_id
        self.file_name = file_name
        self.uploader = uploader
        self.uploaded_at = uploaded_at
        when = _utc(uploaded_at).strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"同一文件已于 {when} 由“{uploader}”上传（上传编号 {upload_id}，文件名“{file_name}”），未重复保存",
            f"the same file was already uploaded by “{uploader}” at {when} "
            f"(upload {upload_id}, file “{file_name}”); not stored again",
        )


class UnknownUploadError(StoreError, KeyError):
    def __init__(self, upload_id: str):
        self.upload_id = upload_id
        StoreError.__init__(self, f"没有编号为 {upload_id} 的上传", f"no upload with id {upload_id}")

    def __str__(self) -> str:
        return self.message_en


class RefusedUploadError(StoreError):
    """A report that must not be stored (rejected, or holding no figures)."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached (server stopped, network down, connection lost)."""

    def __init__(self, url: str, detail: str):
        where = sa.make_url(url).render_as_string(hide_password=True) if url else "?"
        self.url = where
        # The driver's message can span lines (psycopg adds a hint); its first line says enough.
        detail = (detail.strip().splitlines() or [""])[0][:300]
        super().__init__(
            f"无法连接上传数据库 {where}：{detail}", f"the upload database {where} cannot be reached: {detail}"
        )


# SQLSTATE classes of a lost or refused connection: 08 connection exception, 57P operator intervention
# (server shutting down, restarting, not yet accepting connections).
_UNAVAILABLE_SQLSTATES = ("08", "57P")


def _on_error(context: sa.engine.ExceptionContext) -> StoreUnavailableError | None:
    """Driver errors that mean "no database here now" become one StoreUnavailableError: a failed
    connect (server down, unknown host, wrong password or database name), a dropped connection."""
    if context.is_pre_ping:  # the pool is testing a pooled connection; it reconnects by itself
        return None
    original = context.original_exception
    sqlstate = getattr(original, "sqlstate", None) or ""
    connecting = context.connection is None and context.execution_context is None
    if connecting or context.is_disconnect or sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
        engine = context.engine
        url = engine.url.render_as_string(hide_password=False) if engine is not None else ""
        return StoreUnavailableError(url, str(original))
    return None


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


def _utc(moment: datetime) -> datetime:
    """Drivers without time zones (SQLite) give naive datetimes back: they were stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def database_url() -> str:
    """The store's SQLAlchemy URL: `ANTIFRAUD_DB_URL`, read now, or the default SQLite file.

    Defined once in loaders.model (which pages import without SQLAlchemy)."""
    return configured_database_url()


def display_name(file_name: str) -> str:
    """A file name fit to show: control and bidi-override characters dropped (loaders.labels: NUL breaks
    PostgreSQL text, U+202E lets `数据\u202excsl.csv` pose as `数据lscx.csv`), length capped."""
    name = clean_label(file_name).strip()
    if len(name) > MAX_NAME:
        name = name[: MAX_NAME - 1] + "…"
    return name or "(unnamed)"


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # SQLAlchemy, not the sqlite3 module, emits BEGIN (see _on_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # busy_timeout first: switching an existing file to WAL needs a lock another process may hold.
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Switching a new file to WAL needs an exclusive lock, and SQLite answers "database is locked" at
    # once, without its busy handler, while another process holds a write lock on the file (two
    # processes opening a new store together: the second failed in 1 of ~3 runs of the concurrency
    # test). Ask again until the other lets go, within the busy timeout.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    # FULL: in WAL mode this is one extra fsync of the WAL per commit, negligible for one commit per
    # upload, and it makes a commit durable across power loss (NORMAL is only safe against process
    # crashes: the last commits may roll back on power loss). An analyst told "stored" must find it.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads, then writes, can fail
    # with SQLITE_BUSY at once (without waiting) when another writer committed in between.
    mode = conn.get_execution_options().get("antifraud_begin", "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


def _sqlite_path(url: sa.URL) -> Path | None:
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_upgrades: dict[str, Any] = {}  # url -> loaders.migrations.Upgrade done when its engine was made
# Seconds a PostgreSQL connection attempt may take before the store counts as unavailable (unless the
# URL sets its own connect_timeout): a page must not hang for minutes on an unreachable server.
CONNECT_TIMEOUT_S = 10


def _new_engine(url: str) -> Engine:
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql":  # SQLAlchemy's default driver would be psycopg2, not installed
        parsed = parsed.set(drivername="postgresql+psycopg")
    path = _sqlite_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {"hide_parameters": True}  # a driver error never prints stored values
    if parsed.get_backend_name() == "postgresql":
        # A pooled connection the server dropped (restart, failover) is replaced before use.
        options["pool_pre_ping"] = True
        if "connect_timeout" not in parsed.query:
            options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
    engine = sa.create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        sa.event.listen(engine, "begin", _on_sqlite_begin)
    sa.event.listen(engine, "handle_error", _on_error)
    return engine


def _engine(url: str) -> Engine:
    """One engine per URL per process, with the schema created or upgraded on first use."""
    from loaders.migrations import upgrade

    with _engines_lock:
        engine = _engines.get(url)
        if engine is not None:
            return engine
        engine = _new_engine(url)
        try:
            _upgrades[url] = upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        snapshot_name = _snapshot_database(url)
        if snapshot_name is not None:
            _remove_stale_temporaries(snapshot_name)  # a killed writer's leftovers (only those no live process holds)
        _engines[url] = engine
        return engine


def upgrade_schema(url: str | None = None) -> Any:
    """Bring the database's schema to this code's version; the `loaders.migrations.Upgrade` done.

    A database first opened by this process is upgraded then (every Store does it); the answer is
    what was done at that moment."""
    url = url or database_url()
    _engine(url)
    return _upgrades[url]


@contextmanager
def _one_snapshot(conn: Connection) -> Iterator[None]:
    """A read transaction whose statements all see one committed state.

    SQLite's transactions do; PostgreSQL's default (READ COMMITTED) gives each statement its own
    snapshot, so a save committed between two statements would show in the second only (a
    snapshot key from before an upload, figures from after it). REPEATABLE READ, read only: one
    snapshot, and a reader never waits for or fails because of a writer.
    """
    if conn.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with conn.begin():
        yield


@contextmanager
def _large_page_cache(conn: Connection) -> Iterator[None]:
    """A larger SQLite page cache while a save writes: with the default 2 MB, index pages are spilled
    to the WAL and written again many times over a large save (a fifth of a million-figure save).
    SQLite's default is restored afterwards, so pooled connections do not keep the memory."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size = -{SAVE_CACHE_KB}")
    try:
        yield
    finally:
        try:
            conn.exec_driver_sql(f"PRAGMA cache_size = {DEFAULT_CACHE_SIZE}")
        except sa.exc.DBAPIError:  # the save failed in the driver; its own error is the one to raise
            pass


def bulk_insert_statement(table: sa.Table, columns: list[str], dialect: sa.Dialect) -> sa.engine.Compiled:
    """The INSERT of `columns` compiled by `dialect` as for executemany (no RETURNING, no id prefetch)."""
    return table.insert().compile(dialect=dialect, column_keys=columns, for_executemany=True)


def _bulk_insert(conn: Connection, table: sa.Table, columns: list[str]) -> Callable[[list[tuple]], None]:
    """An executemany of plain tuples through the driver, with the INSERT compiled by the dialect.

    SQLAlchemy's own executemany builds and type-processes a parameter dict per row, which is
    two thirds of a large save; the values here are already plain str/float/int/bool/None, which
    every DBAPI driver binds as is. The statement text and parameter style still come from the
    dialect, so this stays portable.
    """
    return _driver_executemany(conn, bulk_insert_statement(table, columns, conn.dialect), columns)


def _driver_executemany(
    conn: Connection, compiled: sa.engine.Compiled, keys: list[str]
) -> Callable[[list[tuple]], None]:
    """Run `compiled` once per tuple of values (in the order of `keys`) through the driver's executemany."""
    sql = str(compiled)
    if compiled.positional:
        order = [keys.index(name) for name in compiled.positiontup]

        def run(rows: list[tuple]) -> None:
            if order != list(range(len(keys))):
                rows = [tuple(row[i] for i in order) for row in rows]
            conn.exec_driver_sql(sql, rows)
    else:

        def run(rows: list[tuple]) -> None:
            conn.exec_driver_sql(sql, [dict(zip(keys, row, strict=True)) for row in rows])

    return run


def _set_hidden_by(conn: Connection, rows: list[tuple[int, str | None]]) -> None:
    """Set `hidden_by` of the stored figures named by row_id: rows of (row_id, hiding upload id)."""
    statement = (
        upload_figures.update()
        .where(upload_figures.c.row_id == sa.bindparam("rid"))
        .values(hidden_by=sa.bindparam("by"))
    )
    _driver_executemany(conn, statement.compile(dialect=conn.dialect), ["rid", "by"])(rows)


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
    for column in ("period_start", "period_end"):
        if not _is_str_column(out[column]):  # a str column holds no dates to format
            out[column] = out[column].map(_iso_date)
    # Columns already str without gaps are left as they are (what fillna("").astype(str) gives them).
    convert = [c for c in TEXT_COLUMNS if not (_is_str_column(out[c]) and not out[c].hasnans)]
    if convert:
        out[convert] = out[convert].fillna("").astype(str)
    for column in TEXT_COLUMNS:  # labels from a file: no terminal escapes or bidi overrides (loaders.labels)
        if out[column].str.contains(CONTROL_PATTERN, regex=True).any():
            out[column] = out[column].map(clean_label)
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype(float)
    bad = out.index[~np.isfinite(out["value"].to_numpy())]
    if len(bad):
        raise ValueError(f"figure {out.at[bad[0], 'figure_id']} has no finite value")
    out["derived"] = out["derived"].fillna(False).astype(bool)
    if out["source_row"].dtype != np.int64:  # an int64 column already holds what the list would give
        out["source_row"] = [None if pd.isna(v) else int(v) for v in out["source_row"]]
    return out.reset_index(drop=True)


def _renumbered_facts(figures: pd.DataFrame, new_ids: list[str]) -> list[str]:
    """Each figure's fact_id in the new numbering: the new id of the figure its fact_id names (the
    last one of that id), or its own new id when it names none.

    Same as `{old: new for old, new in zip(figure_id, new_ids)}.get(fact_id, own)`, without a dict of
    every figure: only ids that some other figure's fact names, or that occur twice, are looked up.
    """
    figure_ids = figures["figure_id"]
    fact = figures["fact_id"]
    elsewhere = (fact != figure_ids).to_numpy()
    wanted = set(fact[elsewhere].unique().tolist())
    repeated = figure_ids.duplicated(keep=False).to_numpy()
    looked_up = figure_ids.isin(wanted).to_numpy() | repeated
    id_map = {}
    for position in np.flatnonzero(looked_up).tolist():
        id_map[figure_ids.iat[position]] = new_ids[position]
    out = list(new_ids)
    for position in np.flatnonzero(elsewhere | repeated).tolist():
        out[position] = id_map.get(fact.iat[position], new_ids[position])
    return out


def _is_str_column(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype)


def _as_list(series: pd.Series) -> list:
    """A column's values as Python objects (str, float, int, bool, None), as `Series.tolist()` gives
    them, without iterating an Arrow-backed column element by element."""
    return series.to_numpy(dtype=object).tolist()


def conflict_key(row: Any) -> str:
    """The text naming one (region, metric, breakdown, period, measure) slot, used to choose."""
    return "|".join(str(row[c]) for c in KEY_COLUMNS)


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    """A frame from result rows, built column by column (much faster than from_records on Row)."""
    data = list(zip(*rows, strict=True)) if rows else [[] for _ in columns]
    return pd.DataFrame({c: list(v) for c, v in zip(columns, data, strict=True)}, columns=columns)


def _fetch_tuples(conn: Connection, query: sa.Select) -> list[tuple]:
    """All rows of a SELECT as plain tuples, straight from the DBAPI cursor.

    For the large reads: SQLAlchemy's Row objects and pandas' handling of them cost about three
    times the fetch itself. The statement and its parameter style still come from the dialect.
    """
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()


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
    folder_path = Path(folder) if folder else Path(__file__).resolve().parents[1] / "data" / "snapshots"
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


_VISIBLE_COLUMNS = ["row_id", "figure_id", "upload_id", *KEY_COLUMNS, "value", "unit", "qualifier"]
_UPLOAD_INFO_COLUMNS = ["file_name", "uploader", "uploaded_at"]
_KEY_SLICE = slice(3, 3 + len(KEY_COLUMNS))  # the key's place in a row of _VISIBLE_COLUMNS


def _visible_rows(
    conn: Connection, within: pd.DataFrame, restoring: str | None = None
) -> tuple[list[tuple], dict[str, tuple]]:
    """Figures the store shows now that may share a key with a row of `within`.

    With `restoring`, as they will be shown once that upload is active again: the figures it hid
    when it was saved are hidden again, so they do not count. Narrowed in SQL by the regions, metrics
    and period ends of `within` (each list only when short enough to bind); the exact key match is
    done by the caller. Returns plain tuples in `_VISIBLE_COLUMNS` order, straight from the driver,
    and `{upload_id: (file_name, uploader, uploaded_at)}` for the uploads they belong to (read through
    SQLAlchemy, so times come back as datetimes on every backend).
    """
    hider = uploads.alias("hider")
    f = upload_figures.c
    query = (
        sa.select(*[f[c] for c in _VISIBLE_COLUMNS])
        .select_from(
            upload_figures.join(uploads, uploads.c.upload_id == f.upload_id).outerjoin(
                hider, hider.c.upload_id == f.hidden_by
            )
        )
        .where(uploads.c.status == ACTIVE)
        .where(sa.or_(f.hidden_by.is_(None), sa.and_(hider.c.status != ACTIVE, f.hidden_by != (restoring or ""))))
    )
    for column in ("region_code", "metric_id", "period_end"):
        values = sorted(within[column].unique().tolist())
        if len(values) <= MAX_IN_LIST:
            query = query.where(f[column].in_(values))
    rows = _fetch_tuples(conn, query)
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
    conn: Connection, figures: pd.DataFrame, restoring: str | None = None
) -> tuple[list[tuple[int, tuple]], dict[str, tuple]]:
    """Pairs (position of a new figure, visible stored row) sharing a key, in the order of `figures`
    and, for one figure, of the stored rows (the order an inner merge gives); `figures` holds the
    KEY_COLUMNS as str. Also `{upload_id: (file_name, uploader, uploaded_at)}` (see `_visible_rows`).

    One read of the candidate stored rows, matched in a dict by key; the new keys are built a chunk
    at a time so memory stays bounded at a million figures.
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
    for start in range(0, len(keys), CHUNK_SIZE):
        part = keys.iloc[start : start + CHUNK_SIZE]
        for position, key in enumerate(zip(*(_as_list(part[c]) for c in KEY_COLUMNS), strict=True), start):
            found = by_key.get(key)
            if found:
                pairs.extend((position, row) for row in found)
    return pairs, info


def _empty_conflicts() -> pd.DataFrame:
    return pd.DataFrame(columns=CONFLICT_COLUMNS + ["existing_row_id", "new_index"])


def _conflicts(conn: Connection, figures: pd.DataFrame, restoring: str | None = None) -> pd.DataFrame:
    """Pairs (new figure, visible stored figure) sharing the same key; `figures` is normalised."""
    if figures.empty:
        return _empty_conflicts()
    pairs, info = _conflict_pairs(conn, figures, restoring)
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


class Store:
    """The upload store at `url` (default: `database_url()`, read when the Store is made)."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        self.engine = _engine(self.url)

    # ----- reading -------------------------------------------------------------------------

    def find_duplicate(self, data: bytes) -> DuplicateUploadError | None:
        """The error a save of these bytes would raise, or None when they are not stored yet."""
        with self.engine.connect() as conn:
            return self._duplicate(conn, hashlib.sha256(data).hexdigest())

    @staticmethod
    def _duplicate(conn: Connection, sha256: str, besides: str | None = None) -> DuplicateUploadError | None:
        query = sa.select(uploads.c.upload_id, uploads.c.file_name, uploads.c.uploader, uploads.c.uploaded_at).where(
            uploads.c.sha256 == sha256, uploads.c.status == ACTIVE
        )
        if besides is not None:
            query = query.where(uploads.c.upload_id != besides)
        row = conn.execute(query).first()
        return DuplicateUploadError(*row) if row else None

    def find_conflicts(self, figures: pd.DataFrame) -> pd.DataFrame:
        """Stored figures (of active uploads, as shown now) for the same region, metric, breakdown,
        period and measure as a new figure, with both values side by side.

        One row per pair; `conflict_key` is what `save_upload(replace={key: "new"|"existing"})` takes.
        """
        normalised = normalise_figures(figures)
        with self.engine.connect() as conn, _one_snapshot(conn):  # one state for the figures and their uploads
            found = _conflicts(conn, normalised)
        return found[CONFLICT_COLUMNS]

    def read_figures(self) -> pd.DataFrame:
        """Figures of active uploads, as `build_all_figures` expects them (values float, text str)."""
        hider = uploads.alias("hider")
        f = upload_figures.c
        query = (
            sa.select(*[f[c] for c in FIGURE_COLUMNS], f.derived, f.formula, f.upload_id, f.metric_zh, f.metric_en)
            .select_from(
                upload_figures.join(uploads, uploads.c.upload_id == f.upload_id).outerjoin(
                    hider, hider.c.upload_id == f.hidden_by
                )
            )
            .where(uploads.c.status == ACTIVE)
            .where(sa.or_(f.hidden_by.is_(None), hider.c.status != ACTIVE))
            .order_by(f.row_id)  # save order: uploads in the order they were stored, figures in file order
        )
        snapshots = _snapshot_database(self.url)
        # One read transaction: the snapshot's key (the last event) and the figures are of one state.
        with self.engine.connect() as conn, _one_snapshot(conn):
            key = _snapshot_key(conn) if snapshots else None
            if key is not None:
                cached = _read_snapshot(snapshots, key)
                if cached is not None:
                    return cached
            rows = _fetch_tuples(conn, query)
        if not rows:
            frame = _frame([], READ_COLUMNS)
            frame["value"] = frame["value"].astype(float)
            frame["derived"] = frame["derived"].astype(bool)
            text = [c for c in READ_COLUMNS if c not in ("value", "derived")]
            frame[text] = frame[text].astype(str)
            return frame
        frame = _columns_frame(rows, READ_COLUMNS)
        if key is not None:
            _write_snapshot(snapshots, key, frame)
        return frame

    def read_metrics(self) -> pd.DataFrame:
        """Metrics created by active uploads, one row per metric_id (the earliest upload's wording)."""
        query = (
            sa.select(*[upload_metrics.c[c] for c in METRIC_COLUMNS])
            .join(uploads, uploads.c.upload_id == upload_metrics.c.upload_id)
            .where(uploads.c.status == ACTIVE)
            .order_by(uploads.c.uploaded_at)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        frame = _frame(rows, columns=METRIC_COLUMNS).astype(str)
        return frame.drop_duplicates("metric_id").reset_index(drop=True)

    def list_uploads(self, include_removed: bool = True) -> pd.DataFrame:
        """Past uploads, newest first: who, when, file name, rows, status (no bytes)."""
        query = sa.select(*[uploads.c[c] for c in UPLOAD_COLUMNS]).order_by(uploads.c.uploaded_at.desc())
        if not include_removed:
            query = query.where(uploads.c.status == ACTIVE)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        frame = _frame(rows, columns=UPLOAD_COLUMNS)
        for column in ("uploaded_at", "removed_at"):
            frame[column] = pd.to_datetime([None if t is None else _utc(t) for t in frame[column]], utc=True)
        return frame

    def read_events(self, upload_id: str | None = None) -> pd.DataFrame:
        """The audit trail, oldest first."""
        columns = ["event_id", "upload_id", "event", "who", "at", "detail"]
        query = sa.select(*[upload_events.c[c] for c in columns]).order_by(upload_events.c.event_id)
        if upload_id is not None:
            query = query.where(upload_events.c.upload_id == upload_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        frame = _frame(rows, columns=columns)
        frame["at"] = pd.to_datetime([_utc(t) for t in frame["at"]], utc=True)
        return frame

    def original_bytes(self, upload_id: str) -> bytes:
        with self.engine.connect() as conn:
            content = conn.execute(sa.select(uploads.c.content).where(uploads.c.upload_id == upload_id)).scalar()
        if content is None:
            raise UnknownUploadError(upload_id)
        return bytes(content)

    def version(self) -> int:
        """A number that changes whenever what the store shows changes (the last event id).

        Cached readers (the dashboard caches `build_all_figures`) can take it as a cache key so a
        save, removal or restore in any process is seen at the next rerun.
        """
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(upload_events.c.event_id))).scalar() or 0)

    # ----- writing -------------------------------------------------------------------------

    def save_upload(
        self,
        report: CheckReportLike,
        data: bytes,
        filename: str,
        uploader: str,
        *,
        replace: dict | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> str:
        """Store one checked file and its figures in ONE transaction; returns the new upload id.

        `replace` chooses per conflict (see `find_conflicts`): `{conflict_key: "new" | "existing"}`,
        with `"*"` as the default for keys not named; unnamed conflicts keep the existing figure.
        Conflicts are looked up again inside the transaction, so a save made by someone else since
        the preview is taken into account. Either way every figure of the file is stored; the one
        not chosen is hidden (and shown again if the upload that hides it is removed).
        `progress(done, total)` is called once the transaction holds the write lock (done=0), then
        after each chunk of figures is written.
        Raises DuplicateUploadError when the same bytes are already in an active upload, and
        RefusedUploadError for a rejected report or one without figures.
        """
        if report.status == "rejected":
            raise RefusedUploadError("校验未通过的文件不能保存", "a rejected file cannot be stored")
        figures = normalise_figures(report.figures)
        if figures.empty:
            raise RefusedUploadError("文件中没有可保存的数字", "the file holds no figures to store")
        _refuse_nul(figures, uploader=uploader, sheet=report.sheet, encoding=report.encoding)
        for key in replace or {}:
            _choice(replace, key)
        sha256 = hashlib.sha256(data).hexdigest()
        upload_id = "u" + uuid.uuid4().hex[:12]
        uploader = clean_label(uploader).strip()

        # Figure ids must be unique across uploads: renumber in file order, keep facts together.
        total = len(figures)
        new_ids = [f"{upload_id}-{n:03d}" for n in range(1, total + 1)]
        fact_ids = _renumbered_facts(figures, new_ids)
        hidden_by: list[str | None] = [None] * total

        now = _now()
        with _write_transaction(self.engine) as conn, _large_page_cache(conn):
            if progress:
                progress(0, total)
            duplicate = self._duplicate(conn, sha256)
            if duplicate is not None:
                raise duplicate
            conn.execute(
                uploads.insert().values(
                    upload_id=upload_id,
                    sha256=sha256,
                    file_name=display_name(filename),
                    encoding=report.encoding,
                    sheet=report.sheet,
                    row_count=int(report.rows or 0),
                    figure_count=total,
                    byte_count=len(data),
                    uploaded_at=now,
                    uploader=str(uploader),
                    status=ACTIVE,
                    check_status=report.status,
                    check_messages=_messages_json(report),
                    content=data,
                )
            )
            pairs, _ = _conflict_pairs(conn, figures)
            hide_existing: list[tuple[int, str]] = []
            kept = {"existing": 0, "new": 0}
            for position, row in pairs:
                choice = _choice(replace, "|".join(map(str, row[_KEY_SLICE])))
                kept[choice] += 1
                if choice == "new":
                    hide_existing.append((int(row[0]), upload_id))
                else:
                    hidden_by[position] = row[2]

            insert = _bulk_insert(conn, upload_figures, INSERT_COLUMNS)
            made_here = {"figure_id": new_ids, "fact_id": fact_ids, "hidden_by": hidden_by}
            from_frame = [c for c in INSERT_COLUMNS if c not in made_here and c != "upload_id"]
            for start in range(0, total, CHUNK_SIZE):
                stop = min(start + CHUNK_SIZE, total)
                # Plain Python values a chunk at a time: converting an Arrow-backed column slice in one
                # call is fast (iterating it is not), and only one chunk of objects exists at once.
                part = figures.iloc[start:stop]
                values = {c: _as_list(part[c]) for c in from_frame}
                values.update({c: made[start:stop] for c, made in made_here.items()})
                values["upload_id"] = [upload_id] * (stop - start)
                insert(list(zip(*(values[c] for c in INSERT_COLUMNS), strict=True)))
                if progress:
                    progress(stop, total)
            if hide_existing:
                _set_hidden_by(conn, hide_existing)
            metrics = {}
            for metric in getattr(report, "new_metrics", None) or []:
                metrics[str(metric["metric_id"])] = _metric_row(upload_id, metric)
            if metrics:
                conn.execute(upload_metrics.insert(), list(metrics.values()))
            detail = {
                "figures": total,
                "conflicts_kept_existing": kept["existing"],
                "conflicts_used_new": kept["new"],
            }
            self._event(conn, upload_id, "saved", uploader, now, detail)
        return upload_id

    @staticmethod
    def _event(conn: Connection, upload_id: str, event: str, who: str, at: datetime, detail: dict) -> None:
        conn.execute(
            upload_events.insert().values(
                upload_id=upload_id, event=event, who=clean_label(who), at=at, detail=json.dumps(detail, ensure_ascii=False)
            )
        )

    def _status(self, conn: Connection, upload_id: str) -> str:
        status = conn.execute(sa.select(uploads.c.status).where(uploads.c.upload_id == upload_id)).scalar()
        if status is None:
            raise UnknownUploadError(upload_id)
        return status

    def remove_upload(self, upload_id: str, who: str) -> bool:
        """Hide an upload and its figures (kept, restorable). False when it was already removed."""
        _refuse_nul(who=who)
        now = _now()
        with _write_transaction(self.engine) as conn:
            if self._status(conn, upload_id) == REMOVED:
                return False
            conn.execute(
                uploads.update()
                .where(uploads.c.upload_id == upload_id)
                .values(status=REMOVED, removed_at=now, removed_by=clean_label(who))
            )
            self._event(conn, upload_id, "removed", who, now, {})
        return True

    def restore_upload(self, upload_id: str, who: str) -> bool:
        """Show a removed upload again. False when it was already active.

        Raises DuplicateUploadError when the same file was stored again meanwhile. Where a figure now
        shown by another upload has the same key, the shown one stays (the restored one is hidden by
        it), so no slot ever shows two values.
        """
        _refuse_nul(who=who)
        now = _now()
        with _write_transaction(self.engine) as conn:
            if self._status(conn, upload_id) == ACTIVE:
                return False
            sha256 = conn.execute(sa.select(uploads.c.sha256).where(uploads.c.upload_id == upload_id)).scalar()
            duplicate = self._duplicate(conn, sha256, besides=upload_id)
            if duplicate is not None:
                raise duplicate
            own = _fetch_tuples(
                conn,
                sa.select(upload_figures.c.row_id, *[upload_figures.c[c] for c in KEY_COLUMNS]).where(
                    upload_figures.c.upload_id == upload_id
                ),
            )
            own_frame = _frame(own, columns=["row_id", *KEY_COLUMNS])
            pairs, _ = _conflict_pairs(conn, own_frame, restoring=upload_id)
            hidden = [(int(own[position][0]), row[2]) for position, row in pairs]
            conn.execute(
                uploads.update()
                .where(uploads.c.upload_id == upload_id)
                .values(status=ACTIVE, removed_at=None, removed_by=None)
            )
            if hidden:
                _set_hidden_by(conn, hidden)
            self._event(conn, upload_id, "restored", who, now, {"conflicts_kept_existing": len(hidden)})
        return True


def read_figures() -> pd.DataFrame:
    """Figures of active uploads in the store named by `ANTIFRAUD_DB_URL` (created when missing)."""
    return Store().read_figures()


def read_metrics() -> pd.DataFrame:
    return Store().read_metrics()


def store_version() -> int:
    return Store().version()
