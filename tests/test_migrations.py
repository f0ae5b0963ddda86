"""Schema versions of the upload store (loaders/migrations.py) and `python -m loaders db upgrade`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from loaders import migrations
from loaders import store as store_module
from loaders.store import Store
from tests.conftest import REPO
from tests.pg import forget_engine
from tests.store_crash_worker import Report, build_figures

FIRST_RELEASE = Path(__file__).with_name("data") / "store_first_release.sql"
SAVED, REMOVED = "udfe95d4be3f4", "u3687f4d3ffa5"  # the two uploads in that file


def first_release_file(path: Path) -> str:
    """A SQLite store as the first release left it (no schema_version table); its URL."""
    with sqlite3.connect(path) as conn:
        conn.executescript(FIRST_RELEASE.read_text(encoding="utf-8"))
    return f"sqlite:///{path}"


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args],
        cwd=REPO,
        env={**os.environ, "ANTIFRAUD_DB_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_main(url: str, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """`python -m loaders ARGS` in this process (faster than a new one): (status, stdout, stderr)."""
    from loaders.__main__ import main

    monkeypatch.setenv("ANTIFRAUD_DB_URL", url)
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def versions(url: str) -> list[int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(sa.select(migrations.schema_version.c.version).order_by(migrations.schema_version.c.version))]
    finally:
        engine.dispose()


def schema_of(url: str) -> dict:
    """Tables → (columns with their types and nullability, indexes), as the database reports them."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        return {
            table: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
                sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)),
            )
            for table in sorted(inspector.get_table_names())
        }
    finally:
        engine.dispose()


def test_a_first_release_file_is_upgraded_keeping_every_row(tmp_path, monkeypatch, capsys):
    url = first_release_file(tmp_path / "old.db")
    done = run_cli(url, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"已升级数据库结构：版本 0 → {migrations.head()}"), done.stdout
    assert versions(url) == [step.version for step in migrations.STEPS]
    store = Store(url)
    uploads = store.list_uploads().set_index("upload_id")
    assert uploads.status.to_dict() == {SAVED: "active", REMOVED: "removed"}
    assert list(store.read_figures()["value"]) == list(build_figures(5, seed=1)["value"])
    assert store.read_events()[["upload_id", "event"]].values.tolist() == [
        [SAVED, "saved"],
        [REMOVED, "saved"],
        [REMOVED, "removed"],
    ]
    assert store.original_bytes(SAVED) == b"first file"
    # The upgraded store takes on where it was: restore, then a new upload.
    assert store.restore_upload(REMOVED, "王五")
    store.save_upload(Report(build_figures(2, seed=3)), b"third file", "丙.csv", "王五")
    assert len(store.read_figures()) == 5 + 3 + 2
    status, out, _ = run_main(url, monkeypatch, capsys, "db", "upgrade", "--lang", "en")
    assert status == 0 and out.startswith(f"The database schema is current (version {migrations.head()})"), out


def test_an_upgraded_first_release_file_has_the_schema_of_a_new_one(tmp_path):
    old = first_release_file(tmp_path / "old.db")
    Store(old)
    new = f"sqlite:///{tmp_path / 'new.db'}"
    Store(new)
    assert schema_of(old) == schema_of(new)


def test_a_new_database_is_created_at_the_newest_version(db_factory, monkeypatch, capsys):
    url = db_factory(empty=True)
    status, out, _ = run_main(url, monkeypatch, capsys, "db", "upgrade", "--lang", "en")
    assert status == 0
    assert out.startswith(f"Created the database schema (version {migrations.head()})"), out
    assert versions(url) == [step.version for step in migrations.STEPS]
    password = sa.make_url(url).password
    assert password is None or password not in out


def add_note_column(conn: sa.engine.Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE uploads ADD COLUMN office_note TEXT NOT NULL DEFAULT ''")
    conn.exec_driver_sql("UPDATE uploads SET office_note = 'by ' || uploader")


def failing_step(conn: sa.engine.Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE uploads ADD COLUMN half_done TEXT")
    raise RuntimeError("step failed")


def test_later_steps_run_once_in_order_and_keep_the_data(db_factory):
    url = db_factory()
    store = Store(url)
    upload_id = store.save_upload(Report(build_figures(3, seed=4)), b"kept", "a.csv", "张三")
    forget_engine(url)
    after = migrations.head() + 1
    steps = [*migrations.STEPS, migrations.Step(after, "office note", add_note_column)]
    engine = store_module._new_engine(url)
    try:
        done = migrations.upgrade(engine, steps)
        assert (done.before, done.after, done.applied, done.created) == (after - 1, after, [after], False)
        assert migrations.upgrade(engine, steps).applied == []  # once only
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT upload_id, office_note FROM uploads").all() == [(upload_id, "by 张三")]
    finally:
        engine.dispose()
    assert versions(url) == list(range(1, after + 1))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM upload_parts").scalar() == 1
    engine.dispose()


def test_a_failing_step_leaves_the_database_as_it_was(db_factory):
    url = db_factory()
    Store(url).save_upload(Report(build_figures(2, seed=5)), b"kept", "a.csv", "li")
    forget_engine(url)
    engine = store_module._new_engine(url)
    try:
        with pytest.raises(RuntimeError, match="step failed"):
            migrations.upgrade(engine, [*migrations.STEPS, migrations.Step(migrations.head() + 1, "fails", failing_step)])
        with engine.connect() as conn:
            assert "half_done" not in {c["name"] for c in sa.inspect(conn).get_columns("uploads")}
    finally:
        engine.dispose()
    assert versions(url) == [step.version for step in migrations.STEPS]
    assert len(Store(url).read_figures()) == 2


def test_a_database_newer_than_the_code_is_refused(db_factory, monkeypatch, capsys):
    url = db_factory()
    Store(url)
    forget_engine(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(migrations.schema_version.insert().values(version=99, name="future", applied_at=sa.func.now()))
    engine.dispose()
    assert run_main(url, monkeypatch, capsys, "db", "upgrade") == (1, "", f"数据库结构为版本 99，比本程序的版本 {migrations.head()} 新：请先更新程序\n")


# ----- version 2: each upload's figures as one blob ---------------------------------------------


def shown_rows(conn, hider_active: bool = True) -> list[tuple]:
    """The first schema's shown figures, read the way its read_figures did (save order, row order)."""
    columns = ", ".join(f"f.{c}" for c in store_module.READ_COLUMNS)
    return conn.exec_driver_sql(
        f"SELECT {columns} FROM upload_figures f JOIN uploads u ON u.upload_id = f.upload_id "
        "LEFT JOIN uploads h ON h.upload_id = f.hidden_by "
        "WHERE u.status = 'active' AND (f.hidden_by IS NULL OR h.status != 'active') ORDER BY f.row_id"
    ).all()


def as_frame(rows: list[tuple]):
    import pandas as pd

    frame = pd.DataFrame.from_records(rows, columns=store_module.READ_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame["derived"] = frame["derived"].astype(bool)
    text = [c for c in store_module.READ_COLUMNS if c not in ("value", "derived")]
    frame[text] = frame[text].astype(str)
    return frame


def test_a_first_release_file_with_a_conflict_choice_reads_the_same_figures_after_the_upgrade(tmp_path):
    """The real first-release schema (SQLite): both uploads active, one figure of the later one hidden
    by the earlier; after the upgrade, the same figures in the same order, the choice kept."""
    import pandas as pd

    url = first_release_file(tmp_path / "old.db")
    with sqlite3.connect(tmp_path / "old.db") as plain:
        plain.execute("UPDATE uploads SET status = 'active', removed_at = NULL, removed_by = NULL")
        plain.execute(f"UPDATE upload_figures SET hidden_by = '{SAVED}', value = value + 0.5 WHERE row_id = 7")
        plain.execute("UPDATE upload_figures SET source_row = NULL, derived = 1, formula = 'a / b' WHERE row_id = 2")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        before = shown_rows(conn)
        everything = conn.exec_driver_sql("SELECT * FROM upload_figures ORDER BY row_id").all()
    engine.dispose()
    assert len(before) == 7 and len(everything) == 8
    store = Store(url)
    assert versions(url) == [step.version for step in migrations.STEPS]
    after = store.read_figures()
    pd.testing.assert_frame_equal(after, as_frame(before))
    # Nothing lost: every figure, hidden ones too, with every column.
    with store.engine.connect() as conn:
        tables = store_module.upload_tables(conn, [SAVED, REMOVED])
        choices = conn.execute(sa.select(store_module.figure_choices)).all()
    assert sum(t.num_rows for t in tables.values()) == 8
    assert [tuple(c) for c in choices] == [(REMOVED, 1, SAVED)]  # row 7 is the second of its upload
    assert tables[SAVED].column("source_row").to_pylist()[1] is None
    # Removing the hider shows the hidden figure again; the choice still works after the upgrade.
    store.remove_upload(SAVED, "王五")
    assert store.read_figures()["figure_id"].tolist() == [f"{REMOVED}-00{n}" for n in (1, 2, 3)]


def make_first_version(url: str) -> None:
    """A database of schema version 1 on either backend: the store's tables of that version (the
    first schema's `upload_figures`), stamped 1."""
    forget_engine(url)
    engine = store_module._new_engine(url)
    try:
        migrations.upgrade(engine, migrations.STEPS[:1])
        with engine.begin() as conn:
            store_module.figure_choices.drop(conn)
            store_module.upload_parts.drop(conn)
            migrations._v1_upload_figures.create(conn)
    finally:
        engine.dispose()


def test_a_version_1_database_is_converted_keeping_every_figure_and_choice(db_factory):
    import pandas as pd

    url = db_factory(empty=True)
    make_first_version(url)
    figures = [build_figures(4, seed=11), build_figures(3, seed=12)]
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        for n, frame in enumerate(figures):
            upload_id = f"u00000000000{n}"
            conn.execute(
                store_module.uploads.insert().values(
                    upload_id=upload_id, sha256=str(n) * 64, file_name=f"{n}.csv", encoding="utf-8", sheet=None,
                    row_count=len(frame), figure_count=len(frame), byte_count=1, uploaded_at=store_module._now(),
                    uploader="张三", status="active", check_status="accepted", check_messages="[]", content=b"x",
                )
            )  # fmt: skip
            conn.execute(
                store_module.upload_events.insert().values(
                    upload_id=upload_id, event="saved", who="张三", at=store_module._now(), detail="{}"
                )
            )
            rows = store_module.normalise_figures(frame).assign(upload_id=upload_id, hidden_by=None)
            rows.loc[1, "hidden_by"] = "u000000000000" if n == 1 else None
            conn.execute(
                migrations._v1_upload_figures.insert(),
                [{c: (None if pd.isna(v) else v) for c, v in r.items()} for r in rows[store_module.INSERT_COLUMNS].to_dict("records")],
            )
        before = shown_rows(conn)
    engine.dispose()
    assert len(before) == 6
    store = Store(url)
    assert versions(url) == [step.version for step in migrations.STEPS]
    pd.testing.assert_frame_equal(store.read_figures(), as_frame(before))
    assert store.original_bytes("u000000000000") == b"x"
    store.remove_upload("u000000000000", "li")
    assert len(store.read_figures()) == 3
