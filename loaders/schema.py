"""The store's tables (`metadata`), its error type and its write transaction.

Apart from `loaders.store` so that `loaders.migrations`, which creates and upgrades these tables,
and the store, which runs the upgrade, need not import each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex

from loaders.messages import BilingualError
from loaders.model import FIGURE_COLUMNS

ACTIVE, REMOVED = "active", "removed"


metadata = sa.MetaData()

uploads = sa.Table(
    "uploads",
    metadata,
    sa.Column("upload_id", sa.String(32), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("encoding", sa.String(32)),
    sa.Column("sheet", sa.Text),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("figure_count", sa.Integer, nullable=False),
    sa.Column("byte_count", sa.Integer, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("uploader", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("removed_at", sa.DateTime(timezone=True)),
    sa.Column("removed_by", sa.Text),
    sa.Column("check_status", sa.String(32), nullable=False),
    sa.Column("check_messages", sa.Text, nullable=False),  # JSON list of Message.to_dict()
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.CheckConstraint("status IN ('active', 'removed')", name="ck_uploads_status"),
)
# The same file may be stored again only after its earlier upload was removed: a partial unique
# index. Its PostgreSQL WHERE is added when the DDL is compiled for PostgreSQL (see
# `_create_index_on_postgresql`): a `postgresql_where=` argument here would import SQLAlchemy's
# PostgreSQL dialect with this module, a tenth of its import time, on every start of the app.
_ACTIVE_SHA256_INDEX = sa.Index(
    "ux_uploads_active_sha256",
    uploads.c.sha256,
    unique=True,
    sqlite_where=uploads.c.status == ACTIVE,
)
_POSTGRESQL_WHERE = {_ACTIVE_SHA256_INDEX.name: uploads.c.status == ACTIVE}


@compiles(CreateIndex, "postgresql")
def _create_index_on_postgresql(create: CreateIndex, compiler, **kw) -> str:
    """CREATE INDEX for PostgreSQL, with the partial indexes' WHERE (the dialect is loaded by now)."""
    index = create.element
    where = _POSTGRESQL_WHERE.get(index.name) if index.table is not None and index.table.metadata is metadata else None
    if where is not None and index.dialect_options["postgresql"]["where"] is None:
        index.dialect_options["postgresql"]["where"] = where
    return compiler.visit_create_index(create, **kw)


upload_figures = sa.Table(
    "upload_figures",
    metadata,
    sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("upload_id", sa.String(32), sa.ForeignKey("uploads.upload_id"), nullable=False, index=True),
    *[sa.Column(c, sa.Double if c == "value" else sa.Text, nullable=False) for c in FIGURE_COLUMNS],
    sa.Column("metric_zh", sa.Text, nullable=False),
    sa.Column("metric_en", sa.Text, nullable=False),
    sa.Column("source_row", sa.Integer),
    sa.Column("derived", sa.Boolean, nullable=False),
    sa.Column("formula", sa.Text, nullable=False),
    sa.Column("hidden_by", sa.String(32), sa.ForeignKey("uploads.upload_id")),
)
sa.Index("ix_upload_figures_key", upload_figures.c.region_code, upload_figures.c.metric_id, upload_figures.c.period_end)

upload_metrics = sa.Table(
    "upload_metrics",
    metadata,
    sa.Column("upload_id", sa.String(32), sa.ForeignKey("uploads.upload_id"), primary_key=True),
    sa.Column("metric_id", sa.Text, primary_key=True),
    sa.Column("label_zh", sa.Text, nullable=False),
    sa.Column("label_en", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("details", sa.Text, nullable=False),  # the whole dict the checker gave, as JSON
)

upload_events = sa.Table(
    "upload_events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("upload_id", sa.String(32), sa.ForeignKey("uploads.upload_id"), nullable=False, index=True),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # JSON
    sa.CheckConstraint("event IN ('saved', 'removed', 'restored')", name="ck_upload_events_event"),
)


class StoreError(BilingualError):
    """A store operation that cannot be done; says why in both languages."""


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
