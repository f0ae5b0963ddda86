"""`python -m loaders db copy --to URL`: every stored upload of this store (ANTIFRAUD_DB_URL, by
default the SQLite file) copied into another, empty store (e.g. a new PostgreSQL database).

Rows are copied table by table, as they are (upload ids, event ids and times, uploaders, removed
and conflict-hidden figures in their blobs and choices, the original files), in one transaction of the target: on any error
nothing is stored. The target's schema is created or upgraded first; a target already holding an
upload is refused. The source is only read (its schema must be this code's version).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from loaders import store
from loaders.migrations import head, read_version

BATCH = 5_000
PART_BATCH = 4  # upload_parts rows (each up to blobs.PART_BYTES) held at once


class CopyRefusedError(store.StoreError):
    """The copy cannot be made (same database, target not empty, source of another schema version)."""


@dataclass
class Copied:
    source: str
    target: str
    rows: dict[str, int]


def _shown(url: str) -> str:
    return sa.make_url(url).render_as_string(hide_password=True)


def _as_utc(row: tuple, datetime_columns: list[int]) -> tuple:
    """Naive datetimes (SQLite's) were stored as UTC: say so, or PostgreSQL would take its own zone."""
    if not datetime_columns:
        return row
    values = list(row)
    for i in datetime_columns:
        if isinstance(values[i], datetime):
            values[i] = store._utc(values[i])
    return tuple(values)


def copy_store(source_url: str, target_url: str) -> Copied:
    if sa.make_url(source_url) == sa.make_url(target_url):
        raise CopyRefusedError(
            "源数据库与目标数据库相同，未复制", "the source and the target are the same database; nothing copied"
        )
    source = store._engine(source_url)  # upgrades an older source to this code's schema first
    target = store._engine(target_url)
    with source.connect() as conn:
        version = read_version(conn)
    if version != head():
        raise CopyRefusedError(
            f"源数据库的结构版本 {version} 不是本程序的版本 {head()}，未复制",
            f"the source's schema version {version} is not this code's {head()}; nothing copied",
        )
    counts: dict[str, int] = {}
    with store._write_transaction(target) as out:
        if out.execute(sa.select(sa.func.count()).select_from(store.uploads)).scalar_one():
            raise CopyRefusedError(
                f"目标数据库已有上传记录，未复制：{_shown(target_url)}",
                f"the target already holds uploads; nothing copied: {_shown(target_url)}",
            )
        with source.connect() as conn, conn.begin():
            for table in store.metadata.sorted_tables:
                columns = [c.name for c in table.columns]
                times = [i for i, c in enumerate(table.columns) if isinstance(c.type, sa.DateTime)]
                order = list(table.primary_key.columns)
                batch_size = PART_BATCH if table is store.upload_parts else BATCH
                result = conn.execution_options(yield_per=batch_size).execute(sa.select(table).order_by(*order))
                counts[table.name] = 0
                for batch in result.partitions(batch_size):
                    rows = [dict(zip(columns, _as_utc(tuple(r), times), strict=True)) for r in batch]
                    out.execute(table.insert(), rows)
                    counts[table.name] += len(rows)
        # The figures themselves (in the uploads' blobs), as the first schema counted its rows.
        counts["upload_figures"] = int(
            out.execute(sa.select(sa.func.coalesce(sa.func.sum(store.uploads.c.figure_count), 0))).scalar_one()
        )
        if out.dialect.name == "postgresql":  # serial ids go on after the copied ones
            for table in store.metadata.sorted_tables:
                for column in table.primary_key.columns:
                    if column.autoincrement is True or (
                        isinstance(column.type, sa.Integer) and len(table.primary_key.columns) == 1
                    ):
                        out.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                            f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                        )
    return Copied(_shown(source_url), _shown(target_url), counts)
