"""The upload store's tables, as SQLAlchemy Core declares them (the newest schema version).

- `uploads`: one row per stored file: original bytes, sha256, display file name (never used as a
  path), encoding, sheet, row and figure counts, UTC time, uploader label, status active/removed.
- `upload_parts`: the figures of each upload, in the curated figure shape, as ONE Arrow IPC blob
  (`loaders.storage.blobs`), split into parts when large. A figure is (upload_id, figure_index).
- `figure_choices`: conflict choices: the figure (upload_id, figure_index) is shown only while its
  own upload is active and the upload named in `hidden_by` is not.
- `upload_metrics`: metrics first created by an upload (headers the catalogue did not know).
- `upload_events`: audit trail: saved, removed, restored, with who and when.

Imports nothing of the project but the model; `loaders.migrations` takes `metadata` from here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex

from loaders.model import FIGURE_COLUMNS

KEY_COLUMNS = ["region_code", "metric_id", "breakdown", "period_start", "period_end", "measure"]
TEXT_COLUMNS = [c for c in FIGURE_COLUMNS if c != "value"] + ["metric_zh", "metric_en", "formula"]
READ_COLUMNS = FIGURE_COLUMNS + ["derived", "formula", "upload_id", "metric_zh", "metric_en"]
# The columns of an upload's blob, in its order.
BLOB_COLUMNS = [*FIGURE_COLUMNS, "metric_zh", "metric_en", "source_row", "derived", "formula"]
# The columns of the first schema's `upload_figures` rows (`loaders.migrations` converts them).
INSERT_COLUMNS = ["upload_id", *BLOB_COLUMNS, "hidden_by"]
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


# Each upload's figures as ONE columnar blob (`loaders.storage.blobs`: Arrow IPC, zstd), in parts of
# at most `blobs.PART_BYTES`, written in the transaction that writes the upload's row and event.
upload_parts = sa.Table(
    "upload_parts",
    metadata,
    sa.Column("upload_id", sa.String(32), sa.ForeignKey("uploads.upload_id"), primary_key=True),
    sa.Column("part", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# Conflict choices: the figure at `figure_index` of upload `upload_id` is hidden while the upload
# `hidden_by` is active (a figure without a row here is shown while its upload is active).
figure_choices = sa.Table(
    "figure_choices",
    metadata,
    sa.Column("upload_id", sa.String(32), sa.ForeignKey("uploads.upload_id"), primary_key=True),
    sa.Column("figure_index", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("hidden_by", sa.String(32), sa.ForeignKey("uploads.upload_id"), nullable=False, index=True),
)

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

# Resident populations analysts upload (loaders.populations): every row kept; the latest per region and year is used.
upload_populations = sa.Table(
    "upload_populations",
    metadata,
    sa.Column("population_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("region_code", sa.String(6), nullable=False, index=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("population", sa.BigInteger, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("row_number", sa.Integer, nullable=False),
    sa.Column("uploader", sa.Text, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
)

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

def _utc(moment: datetime) -> datetime:
    """Drivers without time zones (SQLite) give naive datetimes back: they were stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)
