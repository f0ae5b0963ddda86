"""Making the store's engine for a URL: SQLite's connect and begin hooks (WAL, busy timeout, durable
commits, `BEGIN IMMEDIATE` for writers), PostgreSQL's options (psycopg, pre-ping, connect timeout),
and driver errors translated into `StoreUnavailableError` (`loaders.storage.errors`).

Every save is ONE transaction (all figures or none). On SQLite it runs in WAL mode and starts with
`BEGIN IMMEDIATE`, so two writers queue on the write lock (up to `busy_timeout`) instead of failing,
while readers keep reading the last committed state.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from loaders.model import configured_database_url
from loaders.storage.errors import _on_error

# Milliseconds a writer waits for another writer's transaction before giving up (SQLite only).
# A million-figure save takes tens of seconds, so the wait is generous.
BUSY_TIMEOUT_MS = 120_000

# Seconds a PostgreSQL connection attempt may take before the store counts as unavailable (unless the
# URL sets its own connect_timeout): a page must not hang for minutes on an unreachable server.
CONNECT_TIMEOUT_S = 10


def database_url() -> str:
    """The store's SQLAlchemy URL: `ANTIFRAUD_DB_URL`, read now, or the default SQLite file.

    Defined once in loaders.model (which pages import without SQLAlchemy)."""
    return configured_database_url()


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

