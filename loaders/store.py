"""The durable store of uploaded tables: SQLAlchemy Core, SQLite by default.

The database is named by the SQLAlchemy URL in the environment variable `ANTIFRAUD_DB_URL`, read at
call time; without it, `sqlite:///<repo>/data/antifraud.db` (the folder is created). The SQL is kept
portable so a PostgreSQL server can replace the file without code changes.

This module holds `Store` (save, conflicts, remove/restore, reads, events) and the process's engine
per URL (made, then its schema upgraded by `loaders.migrations`, on first use). Its parts are in
`loaders/storage/`, one module per noun, none importing this one:

- `schema`: the tables (`uploads`, `upload_parts`, `figure_choices`, `upload_metrics`, `upload_events`), column lists;
- `blobs`: an upload's figures as one Arrow IPC blob, in parts; `shown`: what the store shows now;
- `errors`: `StoreError` and the rest, driver errors translated into `StoreUnavailableError`;
- `transactions`: write transactions and locks, one-snapshot reads, bulk insert and fetch;
- `engine`: making an engine (SQLite hooks, PostgreSQL options), `database_url`;
- `normalise`: figures and labels made fit to store (control characters, NUL);
- `snapshot`: the Arrow snapshot cache of `read_figures` and its stale temporaries;
- `conflicts`: new figures against the figures shown now.

Every name those modules define that callers used from here is re-exported (`__all__`).
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from loaders.labels import clean_label
from loaders.migrations import upgrade
from loaders.storage.blobs import PART_BYTES, encode_blob, from_blob, read_blobs, to_blob, write_parts
from loaders.storage.conflicts import (
    _KEY_SLICE,
    _UPLOAD_INFO_COLUMNS,
    _VISIBLE_COLUMNS,
    CHOICES,
    CONFLICT_COLUMNS,
    MAX_IN_LIST,
    _choice,
    _conflict_pairs,
    _conflicts,
    _empty_conflicts,
    _visible_rows,
    conflict_key,
    hide_released,
)
from loaders.storage.engine import (
    BUSY_TIMEOUT_MS,
    CONNECT_TIMEOUT_S,
    _new_engine,
    _on_sqlite_begin,
    _on_sqlite_connect,
    _sqlite_path,
    database_url,
)
from loaders.storage.errors import (
    _UNAVAILABLE_SQLSTATES,
    DuplicateUploadError,
    RefusedUploadError,
    StoreError,
    StoreUnavailableError,
    UnknownUploadError,
    _on_error,
)
from loaders.storage.normalise import (
    _FIELD_ZH,
    MAX_NAME,
    NUL,
    CheckReportLike,
    _as_list,
    _is_str_column,
    _iso_date,
    _messages_json,
    _metric_row,
    _refuse_nul,
    _renumbered_facts,
    display_name,
    each_its_own_numbered_fact,
    new_figure_ids,
    normalise_figures,
    renumbered_fact_ids,
)
from loaders.storage.schema import (
    _ACTIVE_SHA256_INDEX,
    _POSTGRESQL_WHERE,
    ACTIVE,
    BLOB_COLUMNS,
    INSERT_COLUMNS,
    KEY_COLUMNS,
    METRIC_COLUMNS,
    READ_COLUMNS,
    REMOVED,
    TEXT_COLUMNS,
    UPLOAD_COLUMNS,
    _create_index_on_postgresql,
    _now,
    _utc,
    figure_choices,
    metadata,
    upload_events,
    upload_metrics,
    upload_parts,
    uploads,
)
from loaders.storage.shown import active_uploads, hidden_now, set_choices, upload_tables
from loaders.storage.snapshot import (
    SNAPSHOT_DIR_ENV,
    SNAPSHOT_PATTERN,
    STALE_TEMPORARY_SECONDS,
    TEMPORARY_PATTERN,
    _columns_frame,
    _lock_exclusively,
    _read_snapshot,
    _remove_stale_temporaries,
    _snapshot_database,
    _snapshot_file,
    _snapshot_key,
    _table_frame,
    _write_snapshot,
)
from loaders.storage.transactions import (
    CHUNK_SIZE,
    DEFAULT_CACHE_SIZE,
    SAVE_CACHE_KB,
    _bulk_insert,
    _driver_executemany,
    _fetch_tuples,
    _frame,
    _large_page_cache,
    _one_snapshot,
    _write_transaction,
    bulk_insert_statement,
)

__all__ = [
    # schema
    "ACTIVE", "BLOB_COLUMNS", "INSERT_COLUMNS", "KEY_COLUMNS", "METRIC_COLUMNS", "READ_COLUMNS", "REMOVED", "TEXT_COLUMNS",
    "UPLOAD_COLUMNS", "_ACTIVE_SHA256_INDEX", "_POSTGRESQL_WHERE", "_create_index_on_postgresql", "_now", "_utc",
    "figure_choices", "metadata", "upload_events", "upload_metrics", "upload_parts", "uploads",
    # blobs, shown
    "PART_BYTES", "from_blob", "read_blobs", "to_blob", "write_parts", "active_uploads", "hidden_now", "set_choices",
    "upload_tables",
    # errors
    "DuplicateUploadError", "RefusedUploadError", "StoreError", "StoreUnavailableError", "UnknownUploadError",
    "_UNAVAILABLE_SQLSTATES", "_on_error",
    # transactions
    "CHUNK_SIZE", "DEFAULT_CACHE_SIZE", "SAVE_CACHE_KB", "_bulk_insert", "_driver_executemany", "_fetch_tuples",
    "_frame", "_large_page_cache", "_one_snapshot", "_write_transaction", "bulk_insert_statement",
    # engine
    "BUSY_TIMEOUT_MS", "CONNECT_TIMEOUT_S", "_new_engine", "_on_sqlite_begin", "_on_sqlite_connect", "_sqlite_path",
    "database_url",
    # normalise
    "MAX_NAME", "NUL", "CheckReportLike", "_FIELD_ZH", "_as_list", "_is_str_column", "_iso_date", "_messages_json",
    "_metric_row", "_refuse_nul", "_renumbered_facts", "display_name", "normalise_figures",
    "new_figure_ids", "renumbered_fact_ids",
    # snapshot
    "SNAPSHOT_DIR_ENV", "SNAPSHOT_PATTERN", "STALE_TEMPORARY_SECONDS", "TEMPORARY_PATTERN", "_columns_frame",
    "_lock_exclusively", "_read_snapshot", "_remove_stale_temporaries", "_snapshot_database", "_snapshot_file",
    "_snapshot_key", "_table_frame", "_write_snapshot",
    # conflicts
    "CHOICES", "CONFLICT_COLUMNS", "MAX_IN_LIST", "_KEY_SLICE", "_UPLOAD_INFO_COLUMNS", "_VISIBLE_COLUMNS", "_choice",
    "_conflict_pairs", "_conflicts", "_empty_conflicts", "_visible_rows", "conflict_key", "hide_released",
    # this module
    "Store", "StoreState", "_engine", "_engines", "_engines_lock", "_upgrades", "read_figures", "read_metrics", "store_version",
    "upgrade_schema",
]

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_upgrades: dict[str, Any] = {}  # url -> loaders.migrations.Upgrade done when its engine was made


def _engine(url: str) -> Engine:
    """One engine per URL per process, with the schema created or upgraded on first use."""
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
            found = _conflicts(conn, normalised, chunk_size=CHUNK_SIZE)
        return found[CONFLICT_COLUMNS]

    def read_figures(self) -> pd.DataFrame:
        """Figures of active uploads, as `build_all_figures` expects them (values float, text str).

        Uploads in the order they were saved, each one's figures in file order, those hidden by a
        conflict choice left out."""
        snapshots = _snapshot_database(self.url)
        # One read transaction: the snapshot's key (the last event) and the figures are of one state.
        with self.engine.connect() as conn, _one_snapshot(conn):
            key = _snapshot_key(conn) if snapshots else None
            if key is not None:
                cached = _read_snapshot(snapshots, key)
                if cached is not None:
                    return cached
            tables = upload_tables(conn, active_uploads(conn), None, hidden_now(conn))
        frame = _read_frame(tables)
        if key is not None and len(frame):
            _write_snapshot(snapshots, key, frame)
        return frame

    def read_state(self, known: Any = ()) -> StoreState:
        """What the store shows, for a reader that holds the figures of the uploads in `known`
        (`read_upload_frame` frames) and applies the change: the version, the active uploads in save
        order, the figures hidden now, and the figures of each active upload not in `known` — all
        of one committed state."""
        known = set(known)
        with self.engine.connect() as conn, _one_snapshot(conn):
            version = int(conn.execute(sa.select(sa.func.max(upload_events.c.event_id))).scalar() or 0)
            order = active_uploads(conn)
            hidden = hidden_now(conn)
            tables = upload_tables(conn, [u for u in order if u not in known])
        new = {upload_id: _upload_frame(upload_id, table) for upload_id, table in tables.items()}
        return StoreState(version, order, hidden, new)

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
        # The figures' text holds no NUL: `normalise_figures` dropped it with the other control characters.
        _refuse_nul(uploader=uploader, sheet=report.sheet, encoding=report.encoding)
        for key in replace or {}:
            _choice(replace, key)
        sha256 = hashlib.sha256(data).hexdigest()
        upload_id = "u" + uuid.uuid4().hex[:12]
        uploader = clean_label(uploader).strip()

        # Figure ids must be unique across uploads: renumber in file order, keep facts together.
        total = len(figures)
        # The blob is made before the write lock is taken (its figure ids are this upload's own).
        if each_its_own_numbered_fact(figures):  # the checker's ids: new ones numbered in the blob itself
            blob = encode_blob(figures, numbered=upload_id)
        else:
            new_ids = new_figure_ids(upload_id, total)
            fact_ids = renumbered_fact_ids(figures, new_ids)
            blob = encode_blob(figures.assign(figure_id=new_ids, fact_id=fact_ids))
            del new_ids, fact_ids  # the blob holds them

        now = _now()
        # SQLite's default page cache: the figures are one blob now, not rows and index pages, and a
        # large cache held the file's bytes and the blob's pages in memory once more.
        with _write_transaction(self.engine) as conn:
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
            pairs, _ = _conflict_pairs(conn, figures, chunk_size=CHUNK_SIZE)
            choices: list[tuple[str, int, str]] = []
            kept = {"existing": 0, "new": 0}
            for position, row in pairs:
                choice = _choice(replace, "|".join(map(str, row[_KEY_SLICE])))
                kept[choice] += 1
                if choice == "new":
                    choices.append((row[2], int(row[0]), upload_id))
                else:
                    choices.append((upload_id, position, row[2]))
            write_parts(conn, upload_id, blob)
            set_choices(conn, choices)
            if progress:
                progress(total, total)
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
            # Figures this upload hid are shown again; where that would show two in one slot, one stays.
            shown_again, hidden_again = hide_released(conn, upload_id)
            detail = {"conflicts_shown_again": shown_again, "conflicts_hidden_again": hidden_again}
            self._event(conn, upload_id, "removed", who, now, detail if shown_again else {})
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
            own_table = upload_tables(conn, [upload_id], KEY_COLUMNS).get(upload_id)
            own_frame = own_table.to_pandas() if own_table is not None else _frame([], ["figure_index", *KEY_COLUMNS])
            own_frame[KEY_COLUMNS] = own_frame[KEY_COLUMNS].astype(str)
            pairs, _ = _conflict_pairs(conn, own_frame, restoring=upload_id, chunk_size=CHUNK_SIZE)
            hidden = [(upload_id, position, row[2]) for position, row in pairs]
            conn.execute(
                uploads.update()
                .where(uploads.c.upload_id == upload_id)
                .values(status=ACTIVE, removed_at=None, removed_by=None)
            )
            set_choices(conn, hidden)
            self._event(conn, upload_id, "restored", who, now, {"conflicts_kept_existing": len(hidden)})
        return True


@dataclass
class StoreState:
    """What `Store.read_state` found: the store's version, its active uploads in save order, the figure
    indexes hidden now per upload, and the figures (`_upload_frame`) of the uploads the reader lacked."""

    version: int
    order: list[str]
    hidden: dict[str, list[int]]
    new: dict[str, pd.DataFrame]


def _upload_frame(upload_id: str, table: Any) -> pd.DataFrame:
    """One upload's figures as `read_figures` gives them, with `figure_index` (all of them, hidden too)."""
    frame = _read_frame({upload_id: table})
    frame["figure_index"] = table.column("figure_index").to_numpy()
    return frame


def _read_frame(tables: dict) -> pd.DataFrame:
    """`read_figures`' frame from each upload's decoded table (`upload_tables`), in their order."""
    import pyarrow as pa

    if not tables:
        frame = _frame([], READ_COLUMNS)
        frame["value"] = frame["value"].astype(float)
        frame["derived"] = frame["derived"].astype(bool)
        text = [c for c in READ_COLUMNS if c not in ("value", "derived")]
        frame[text] = frame[text].astype(str)
        return frame
    parts = []
    for upload_id, table in tables.items():
        columns = {}
        for name in READ_COLUMNS:
            if name == "upload_id":
                columns[name] = pa.array([upload_id] * table.num_rows, type=pa.large_string())
            elif name in ("value", "derived"):
                columns[name] = table.column(name)
            else:
                columns[name] = table.column(name).cast(pa.large_string())
        parts.append(pa.table(columns))
    return _table_frame(pa.concat_tables(parts))


def read_figures() -> pd.DataFrame:
    """Figures of active uploads in the store named by `ANTIFRAUD_DB_URL` (created when missing)."""
    return Store().read_figures()


def read_metrics() -> pd.DataFrame:
    return Store().read_metrics()


def store_version() -> int:
    return Store().version()
