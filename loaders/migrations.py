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

from loaders.storage.errors import StoreError
from loaders.storage.schema import metadata
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


STEPS: list[Step] = [
    Step(1, "uploads, upload_figures, upload_metrics, upload_events (the first release)", _first_release),
    Step(2, "upload_populations (uploaded resident populations)", lambda conn: metadata.tables["upload_populations"].create(conn, checkfirst=True)),
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
                metadata.create_all(conn, checkfirst=True)
                conn.execute(schema_version.insert().values(version=1, name=steps[0].name, applied_at=now))
                before = 1
            for step in steps:
                if step.version > before:
                    step.apply(conn)
                    conn.execute(schema_version.insert().values(version=step.version, name=step.name, applied_at=now))
                    done.applied.append(step.version)
        return done
