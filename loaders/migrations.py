"""Versions of the upload store's schema, and the ordered steps between them.

`schema_version` holds one row per version the database went through (number, name, time). The
store's tables as `loaders.storage.schema.metadata` declares them are the newest version, `head()`.

`upgrade(engine)` (run by every `Store` on first use, and by `python -m loaders db upgrade`):

- a database without the store's tables gets them from the metadata, stamped with every version;
- a database holding the tables without `schema_version` (made before versions existed) is the
  first version: it is stamped 1 (tables missing from it are created, as the store always did);
- then every step newer than the database's version runs, in order, each recorded in the table.

All of it is ONE transaction holding the schema lock (PostgreSQL: an advisory lock; SQLite: the
write lock), so two processes opening a new database at once never both create tables (on
PostgreSQL that raced: `IntegrityError ... pg_type_typname_nsp_index`), and a failing step leaves
the database as it was. A step is written once and never changed: it takes a database of the
previous version to the next, with plain SQL or SQLAlchemy Core, keeping every row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from loaders.storage.blobs import to_blob, write_parts
from loaders.storage.errors import StoreError
from loaders.storage.schema import BLOB_COLUMNS, TEXT_COLUMNS, figure_choices, metadata, upload_parts
from loaders.storage.shown import set_choices
from loaders.storage.transactions import _write_transaction

VERSION_TABLE = "schema_version"
# PostgreSQL advisory lock key held while the schema is created or upgraded (any fixed number).
SCHEMA_LOCK_KEY = 0x616E7469_66726175  # "antifrau"

version_metadata = sa.MetaData()
schema_version = sa.Table(
    VERSION_TABLE,
    version_metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _first_release(conn: Connection) -> None:
    """Version 1 is the schema of the first release: nothing to do on a database that has it."""


# The first release's figure table, as step 2 reads it before dropping it (not in `metadata`).
_v1_metadata = sa.MetaData()
_v1_upload_figures = sa.Table(
    "upload_figures",
    _v1_metadata,
    sa.Column("row_id", sa.Integer, primary_key=True),
    sa.Column("upload_id", sa.String(32)),
    *[sa.Column(c, sa.Double if c == "value" else sa.Integer if c == "source_row" else sa.Boolean if c == "derived" else sa.Text) for c in BLOB_COLUMNS],
    sa.Column("hidden_by", sa.String(32)),
)


def _figures_as_blobs(conn: Connection) -> None:
    """Version 2: each upload's `upload_figures` rows become ONE blob (`upload_parts`, in row order:
    figure_index = position among its upload's rows by row_id) and each `hidden_by` a `figure_choices`
    row; then `upload_figures` is dropped. Every column of every row is kept."""
    import pandas as pd  # here: migrations are imported by the store at start

    upload_parts.create(conn, checkfirst=True)
    figure_choices.create(conn, checkfirst=True)
    if not sa.inspect(conn).has_table("upload_figures"):
        return
    f = _v1_upload_figures.c
    upload_ids = [r[0] for r in conn.execute(sa.select(f.upload_id).distinct().order_by(f.upload_id))]
    for upload_id in upload_ids:
        rows = conn.execute(
            sa.select(*[f[c] for c in BLOB_COLUMNS], f.hidden_by).where(f.upload_id == upload_id).order_by(f.row_id)
        ).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=[*BLOB_COLUMNS, "hidden_by"])
        frame["value"] = frame["value"].astype(float)
        frame["derived"] = frame["derived"].astype(bool)
        frame[TEXT_COLUMNS] = frame[TEXT_COLUMNS].fillna("").astype(str)
        frame["source_row"] = [None if pd.isna(v) else int(v) for v in frame["source_row"]]
        write_parts(conn, upload_id, to_blob(frame))
        set_choices(
            conn, [(upload_id, i, by) for i, by in enumerate(frame["hidden_by"].tolist()) if by is not None and not pd.isna(by)]
        )
    _v1_upload_figures.drop(conn)


STEPS: list[Step] = [
    Step(1, "uploads, upload_figures, upload_metrics, upload_events (the first release)", _first_release),
    Step(2, "each upload's figures as one columnar blob (upload_parts), conflict choices in figure_choices", _figures_as_blobs),
    Step(3, "upload_populations (uploaded resident populations)", lambda conn: metadata.tables["upload_populations"].create(conn, checkfirst=True)),
]


@dataclass
class Upgrade:
    """What `upgrade` found and did."""

    before: int | None  # None: no store tables; 0: tables without a version
    after: int
    applied: list[int] = field(default_factory=list)  # steps run on existing tables
    created: bool = False  # the tables were made from the metadata


def head(steps: list[Step] | None = None) -> int:
    return max(step.version for step in steps or STEPS)


def read_version(conn: Connection) -> int | None:
    """The database's schema version: None without the store's tables, 0 for tables made before versions."""
    inspector = sa.inspect(conn)
    if inspector.has_table(VERSION_TABLE):
        return int(conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0)
    return 0 if inspector.has_table("uploads") else None


def upgrade(engine: Engine, steps: list[Step] | None = None) -> Upgrade:
    """Create or upgrade the store's schema (see the module's doc); what was done."""
    steps = sorted(steps or STEPS, key=lambda s: s.version)
    newest = head(steps)
    # Look before taking the lock: a process starting while a long save runs elsewhere must not
    # wait for it just to learn that the schema is current.
    with engine.connect() as conn:
        before = read_version(conn)
    if before == newest:
        return Upgrade(before, newest)
    with _write_transaction(engine, lock=False) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
        before = read_version(conn)  # again, under the lock: another process may have done it
        done = Upgrade(before, newest)
        if before == newest:
            return done
        if before is not None and before > newest:
            raise StoreError(
                f"数据库结构为版本 {before}，比本程序的版本 {newest} 新：请先更新程序",
                f"the database schema is version {before}, newer than this code's {newest}: update the code first",
            )
        now = datetime.now(UTC)
        version_metadata.create_all(conn, checkfirst=True)
        if before is None:
            metadata.create_all(conn, checkfirst=True)
            conn.execute(schema_version.insert(), [{"version": s.version, "name": s.name, "applied_at": now} for s in steps])
            done.created = True
        else:
            if before == 0:  # tables of the first release, from before versions were recorded
                metadata.create_all(conn, checkfirst=True)  # (the newest tables; step 2 fills them)
                conn.execute(schema_version.insert().values(version=1, name=steps[0].name, applied_at=now))
                before = 1
            for step in steps:
                if step.version > before:
                    step.apply(conn)
                    conn.execute(schema_version.insert().values(version=step.version, name=step.name, applied_at=now))
                    done.applied.append(step.version)
        return done
