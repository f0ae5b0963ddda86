"""Transactions on the store's engine, and the fast paths of its large statements.

Writers hold the database's write lock from their first statement (`_write_transaction`); readers
see one committed state (`_one_snapshot`). Large inserts and reads go through the DBAPI driver with
statements compiled by the dialect (`_bulk_insert`, `_fetch_tuples`), so they stay portable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

# Rows per executemany call: large enough to amortise the round trip, small enough to keep the
# parameter lists (and the memory of one chunk) modest at a million figures.
CHUNK_SIZE = 5_000
# Page cache (KiB) of the SQLite connection while it writes a save; SQLite's default is 2,000 KiB
# (`PRAGMA cache_size = -2000`), restored when the save's statements are done.
SAVE_CACHE_KB = 65_536
DEFAULT_CACHE_SIZE = -2000


@contextmanager
def _write_transaction(engine: Engine, lock: bool = True) -> Iterator[Connection]:
    """A transaction that holds the database's write lock from its first statement."""
    with engine.connect() as conn:
        conn = conn.execution_options(antifraud_begin="IMMEDIATE")
        with conn.begin():
            if lock and conn.dialect.name == "postgresql":
                # Serialise writers (conflict checks read, then write); readers are not blocked.
                conn.exec_driver_sql("LOCK TABLE uploads IN EXCLUSIVE MODE")
            yield conn


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

