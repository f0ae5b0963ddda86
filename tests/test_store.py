"""The upload store: real SQLite files in tmp_path and real PostgreSQL databases (tests/pg.py), other
processes where durability is the point. Tests taking `store`/`db_url` run on both backends."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from loaders import store as store_module
from loaders.frame import build_all_figures, uploaded_figures
from loaders.model import FIGURE_COLUMNS
from loaders.store import (
    READ_COLUMNS,
    DuplicateUploadError,
    RefusedUploadError,
    Store,
    UnknownUploadError,
    display_name,
)
from tests.conftest import REPO
from tests.corpus_fixtures import HOSTILE_FILE_NAMES
from tests.shared_material import corpus_file
from tests.store_crash_worker import Report, build_figures, data_for

WORKER = Path(__file__).with_name("store_crash_worker.py")


def figure(**overrides) -> dict:
    """One figure in the checker's shape; tests override what they are about."""
    row = {c: "" for c in FIGURE_COLUMNS}
    row.update(
        figure_id="up-001",
        fact_id="up-001",
        source_id="upload",
        region_code="110000",
        period_start="2024-01-01",
        period_end="2024-12-31",
        period_text="2024年",
        agency_id="public_security",
        category="outcome",
        metric_id="cases_filed",
        measure="level",
        value=1427.0,
        unit="cases",
        qualifier="exact",
        evidence="立案数",
        metric_zh="立案数",
        metric_en="Cases filed",
        source_row=2,
        derived=False,
        formula="",
    )
    row.update(overrides)
    return row


def report_of(*rows: dict, **fields) -> Report:
    frame = pd.DataFrame(list(rows))
    return Report(frame, rows=fields.pop("rows", len(rows)), **fields)


def url_for(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def db_path(tmp_path) -> Path:
    """The SQLite file of SQLite-only tests (the file `db_url` names on the SQLite backend)."""
    return tmp_path / "store.db"


@pytest.fixture
def store(db_url) -> Store:
    """A store on a fresh database, SQLite or PostgreSQL (the `backend` parameter)."""
    return Store(db_url)


@pytest.fixture
def sqlite_store(db_path) -> Store:
    return Store(url_for(db_path))


def counts(url: str) -> dict[str, int]:
    """Rows per table, read through a connection of its own."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                for t in ("uploads", "upload_parts", "figure_choices", "upload_metrics", "upload_events")
            }
    finally:
        engine.dispose()


# ----- round trip --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [0.0, 1427.0, 35210.5, 6.6, 0.1 + 0.2, 1 / 3, 120_000_000.0, 544_000_000.0, 1e15 + 1, 42.9],
)
def test_values_round_trip_exactly(store, value):
    store.save_upload(report_of(figure(value=value)), b"one,figure\n" + repr(value).encode(), "a.csv", "li")
    stored = store.read_figures()
    assert stored["value"].tolist() == [value]


def test_figures_round_trip_with_every_column(store):
    rows = [
        figure(),
        figure(
            figure_id="up-002",
            fact_id="up-002",
            region_code="451000",
            metric_id="new:劝阻人数",
            metric_zh="劝阻人数",
            metric_en="",
            value=20311.0,
            unit="persons",
            qualifier="at_least",
            source_row=3,
            note="余 → at least",
        ),
        figure(
            figure_id="up-003",
            fact_id="up-003",
            measure="change",
            value=3.2,
            unit="percent",
            direction="decrease",
            basis="yoy",
            period_start="",
            evidence="同比下降3.2%",
            source_row=4,
        ),
        figure(
            figure_id="up-004",
            fact_id="up-002",
            region_code="451000",
            metric_id="new:劝阻人数",
            metric_zh="劝阻人数",
            value=20311.0,
            unit="persons",
            qualifier="at_least",
            source_row=9,
        ),
        figure(
            figure_id="up-005",
            fact_id="up-005",
            metric_id="clearance_rate",
            value=42.9,
            unit="percent",
            derived=True,
            formula="cases_solved / cases_filed",
            source_row=2,
        ),
    ]
    upload_id = store.save_upload(report_of(*rows), b"file bytes", "表.csv", "张三")
    stored = store.read_figures()

    assert list(stored.columns) == READ_COLUMNS
    assert stored["figure_id"].tolist() == [f"{upload_id}-{n:03d}" for n in range(1, 6)]
    # The repeated fact keeps pointing at its first figure after renumbering.
    assert stored["fact_id"].tolist() == [f"{upload_id}-00{n}" for n in (1, 2, 3, 2, 5)]
    assert set(stored["upload_id"]) == {upload_id}
    expected = pd.DataFrame(rows)
    for column in FIGURE_COLUMNS + ["metric_zh", "metric_en", "formula"]:
        if column in ("figure_id", "fact_id"):
            continue
        assert stored[column].tolist() == expected[column].tolist(), column
    assert stored["derived"].tolist() == [False, False, False, False, True]
    assert stored["value"].dtype == float
    assert all(isinstance(v, str) for v in stored["period_start"])


def test_upload_row_keeps_bytes_and_details(store):
    data = "地区,年份,立案数\n北京市,2024,1427\n".encode("gb18030")
    before = datetime.now(UTC)
    upload_id = store.save_upload(
        report_of(figure(), encoding="gb18030", sheet="2024数据", rows=7), data, "报表<b>.csv", "王五"
    )
    listed = store.list_uploads()
    assert len(listed) == 1
    row = listed.iloc[0]
    assert row.upload_id == upload_id
    assert row.file_name == "报表<b>.csv"
    assert (row.uploader, row.encoding, row.sheet, row.row_count, row.figure_count) == (
        "王五",
        "gb18030",
        "2024数据",
        7,
        1,
    )
    assert row.status == "active"
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.byte_count == len(data)
    assert before - timedelta(seconds=1) <= row.uploaded_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert str(row.uploaded_at.tz) == "UTC"
    assert store.original_bytes(upload_id) == data


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.csv", "../../etc/passwd.csv"),
        ("北京市\x00.csv", "北京市.csv"),
        ("数据\u202excsl.csv", "数据xcsl.csv"),
        ("a\r\nb.csv", "a b.csv"),  # a line break reads as a space (loaders.labels)
        ("", "(unnamed)"),
        ("a" * 300 + ".csv", "a" * 254 + "…"),
        ("2024年 统计 (最终版)(1).xlsx", "2024年 统计 (最终版)(1).xlsx"),
    ],
)
def test_display_name_keeps_text_and_drops_controls(name, shown):
    assert display_name(name) == shown


@pytest.mark.parametrize("source", ["built", "corpus"])
def test_hostile_file_names_are_stored_as_text_only(store, backend, tmp_path, source):
    if source == "built":
        names = HOSTILE_FILE_NAMES
    else:
        names = json.loads(corpus_file("generated/D12_upload_filenames_to_test.json").read_text(encoding="utf-8"))["names"]
    for n, name in enumerate(names):
        store.save_upload(report_of(figure(region_code=str(110000 + n * 100))), f"f{n}".encode(), name, "x")
    assert sorted(store.list_uploads().file_name) == sorted(display_name(n) for n in names)
    files = {"sqlite": ["store.db", "store.db-shm", "store.db-wal"], "postgresql": []}[backend]
    assert sorted(p.name for p in tmp_path.iterdir()) == files


def test_new_metrics_are_stored_and_follow_their_upload(store):
    metric = {
        "metric_id": "new:劝阻人数",
        "label_zh": "劝阻人数",
        "label_en": "",
        "unit": "persons",
        "category": "prevention",
        "synonyms": ["劝阻"],
    }
    upload_id = store.save_upload(report_of(figure(), new_metrics=[metric]), b"m", "m.csv", "li")
    metrics = store.read_metrics()
    assert metrics[["metric_id", "label_zh", "unit", "category", "upload_id"]].values.tolist() == [
        ["new:劝阻人数", "劝阻人数", "persons", "prevention", upload_id]
    ]
    store.remove_upload(upload_id, "li")
    assert store.read_metrics().empty


# ----- refusals and atomicity --------------------------------------------------------------


@pytest.mark.parametrize(
    "report",
    [
        report_of(figure(), status="rejected"),
        Report(pd.DataFrame(columns=FIGURE_COLUMNS)),
    ],
    ids=["rejected", "no-figures"],
)
def test_refused_reports_store_nothing(store, report):
    with pytest.raises(RefusedUploadError):
        store.save_upload(report, b"x", "x.csv", "li")
    assert counts(store.url) == {"uploads": 0, "upload_parts": 0, "figure_choices": 0, "upload_metrics": 0, "upload_events": 0}


def test_a_save_failing_midway_leaves_nothing(store):
    store.save_upload(report_of(figure()), b"earlier", "earlier.csv", "li")
    before = counts(store.url)

    def fail_after_first_chunk(done, total):
        if done > 0:
            raise RuntimeError("disk full")

    figures = build_figures(store_module.CHUNK_SIZE * 3, seed=5)
    with pytest.raises(RuntimeError, match="disk full"):
        store.save_upload(Report(figures), b"big", "big.csv", "li", progress=fail_after_first_chunk)
    assert counts(store.url) == before
    assert len(store.read_figures()) == 1


def test_progress_reports_the_lock_taken_and_the_figures_written(store):
    seen = []
    figures = build_figures(store_module.CHUNK_SIZE * 2 + 7, seed=6)
    store.save_upload(Report(figures), b"p", "p.csv", "li", progress=lambda d, t: seen.append((d, t)))
    total = len(figures)
    assert seen == [(0, total), (total, total)]


# ----- duplicates ----------------------------------------------------------------------------


def test_the_same_file_twice_names_the_earlier_upload(store):
    first = store.save_upload(report_of(figure()), b"same bytes", "a.csv", "李四")
    before = counts(store.url)
    with pytest.raises(DuplicateUploadError) as raised:
        store.save_upload(report_of(figure(value=1.0)), b"same bytes", "renamed.csv", "王五")
    error = raised.value
    assert (error.upload_id, error.uploader, error.file_name) == (first, "李四", "a.csv")
    assert first in error.text("zh") and "李四" in error.text("zh") and "UTC" in error.text("zh")
    assert first in error.text("en") and "李四" in error.text("en")
    assert counts(store.url) == before
    assert store.find_duplicate(b"same bytes").upload_id == first
    assert store.find_duplicate(b"other bytes") is None


def test_a_removed_file_can_be_uploaded_again_but_not_restored_twice(store):
    first = store.save_upload(report_of(figure()), b"same bytes", "a.csv", "li")
    store.remove_upload(first, "li")
    second = store.save_upload(report_of(figure()), b"same bytes", "a.csv", "li")
    with pytest.raises(DuplicateUploadError) as raised:
        store.restore_upload(first, "li")
    assert raised.value.upload_id == second
    assert store.list_uploads().set_index("upload_id").status.to_dict() == {first: "removed", second: "active"}


# ----- conflicts -----------------------------------------------------------------------------


@pytest.fixture
def stored_pair(store) -> tuple[Store, str]:
    """A store holding Beijing 2024 cases_filed = 1427 and cases_solved = 612 from upload A."""
    upload_id = store.save_upload(
        report_of(figure(), figure(figure_id="up-002", fact_id="up-002", metric_id="cases_solved", value=612.0)),
        b"upload A",
        "a.csv",
        "张三",
    )
    return store, upload_id


def new_upload() -> Report:
    return report_of(
        figure(value=1500.0, source_row=5),  # conflicts with A (different value)
        figure(figure_id="up-002", fact_id="up-002", metric_id="cases_solved", value=612.0, source_row=6),  # same
        figure(figure_id="up-003", fact_id="up-003", region_code="120000", value=803.0, source_row=7),  # new slot
    )


def test_conflicts_show_both_values_side_by_side(stored_pair):
    store, existing = stored_pair
    conflicts = store.find_conflicts(new_upload().figures).sort_values("metric_id").reset_index(drop=True)
    assert conflicts[["metric_id", "existing_value", "new_value", "same_value"]].values.tolist() == [
        ["cases_filed", 1427.0, 1500.0, False],
        ["cases_solved", 612.0, 612.0, True],
    ]
    assert set(conflicts.existing_upload_id) == {existing}
    assert set(conflicts.existing_uploader) == {"张三"}
    assert conflicts.new_source_row.tolist() == [5, 6]
    assert conflicts.conflict_key[0] == "110000|cases_filed||2024-01-01|2024-12-31|level"


@pytest.mark.parametrize(
    ("replace", "shown_filed", "shown_from_new"),
    [
        (None, 1427.0, {"120000"}),
        ({"110000|cases_filed||2024-01-01|2024-12-31|level": "existing"}, 1427.0, {"120000"}),
        ({"110000|cases_filed||2024-01-01|2024-12-31|level": "new"}, 1500.0, {"110000", "120000"}),
        ({"*": "new"}, 1500.0, {"110000", "120000"}),
    ],
    ids=["default-keeps-existing", "keep-existing", "use-new", "all-new"],
)
def test_conflict_choice_is_applied_in_the_save(stored_pair, replace, shown_filed, shown_from_new):
    store, existing = stored_pair
    new_id = store.save_upload(new_upload(), b"upload B", "b.csv", "李四", replace=replace)
    shown = store.read_figures()
    beijing = shown[(shown.region_code == "110000") & (shown.metric_id == "cases_filed")]
    assert beijing["value"].tolist() == [shown_filed]
    assert set(shown[shown.upload_id == new_id].region_code) == shown_from_new
    # Every slot shows one value, never two.
    assert not shown.duplicated(store_module.KEY_COLUMNS).any()


def test_removing_the_chosen_upload_shows_the_other_value_again(stored_pair):
    store, existing = stored_pair
    new_id = store.save_upload(new_upload(), b"upload B", "b.csv", "李四", replace={"*": "new"})
    store.remove_upload(new_id, "李四")
    shown = store.read_figures()
    assert shown.sort_values("metric_id")["value"].tolist() == [1427.0, 612.0]
    store.restore_upload(new_id, "李四")
    filed = store.read_figures().query("metric_id == 'cases_filed' and region_code == '110000'")
    assert filed["value"].tolist() == [1500.0]


def test_restore_keeps_what_is_shown_when_slots_clash(stored_pair):
    store, existing = stored_pair
    store.remove_upload(existing, "张三")
    newer = store.save_upload(new_upload(), b"upload B", "b.csv", "李四")  # no conflict: A is removed
    store.restore_upload(existing, "张三")
    shown = store.read_figures()
    assert not shown.duplicated(store_module.KEY_COLUMNS).any()
    filed = shown.query("metric_id == 'cases_filed' and region_code == '110000'")
    assert filed[["value", "upload_id"]].values.tolist() == [[1500.0, newer]]


def one_figure(value: float) -> Report:
    return report_of(figure(value=value))


def slot_shown(store: Store) -> list[list]:
    return store.read_figures()[["value", "upload_id"]].values.tolist()


def test_removing_an_upload_that_hid_two_others_shows_one_the_newest(store):
    """The open rule (docs/status.md): A shown; B saved keeping A (B hidden by A); A removed (B shown);
    C saved choosing the new value (B hidden by C); A restored (hidden by C, the shown one stays).
    C now hides two figures of one slot. Removing C shows ONE: B, of the later-saved upload (the
    value shown just before C replaced it); A stays hidden, by B, and comes back if B is removed."""
    a = store.save_upload(one_figure(1.0), b"A", "a.csv", "li")
    b = store.save_upload(one_figure(2.0), b"B", "b.csv", "li")  # default: keep the existing (A)
    assert slot_shown(store) == [[1.0, a]]
    store.remove_upload(a, "li")
    assert slot_shown(store) == [[2.0, b]]
    c = store.save_upload(one_figure(3.0), b"C", "c.csv", "li", replace={"*": "new"})
    store.restore_upload(a, "li")
    assert slot_shown(store) == [[3.0, c]]
    store.remove_upload(c, "li")
    assert slot_shown(store) == [[2.0, b]]  # one value in the slot, never two
    removed = store.read_events(c).iloc[-1]
    assert json.loads(removed.detail) == {"conflicts_shown_again": 2, "conflicts_hidden_again": 1}
    store.remove_upload(b, "li")
    assert slot_shown(store) == [[1.0, a]]
    store.restore_upload(c, "li")  # the shown one stays: C comes back hidden by A
    assert slot_shown(store) == [[1.0, a]]


def test_restoring_an_upload_applies_its_own_choice_again(store):
    """B replaced A's value; B removed (A shown), C saved keeping A; B restored: B's choice holds
    again (B shown, A hidden by it) and C stays hidden, by A. Removing B again shows A."""
    a = store.save_upload(one_figure(1.0), b"A", "a.csv", "li")
    b = store.save_upload(one_figure(2.0), b"B", "b.csv", "li", replace={"*": "new"})
    store.remove_upload(b, "li")
    assert slot_shown(store) == [[1.0, a]]
    store.save_upload(one_figure(3.0), b"C", "c.csv", "li")  # keeps A: C hidden by A
    store.restore_upload(b, "li")
    assert slot_shown(store) == [[2.0, b]]
    store.remove_upload(b, "li")
    assert slot_shown(store) == [[1.0, a]]


def test_a_bad_choice_is_refused_before_anything_is_stored(stored_pair):
    store, _ = stored_pair
    before = counts(store.url)
    with pytest.raises(ValueError, match="choice"):
        store.save_upload(new_upload(), b"upload B", "b.csv", "li", replace={"*": "both"})
    assert counts(store.url) == before


# ----- remove / restore ----------------------------------------------------------------------


def test_remove_hides_and_restore_shows_with_an_audit_trail(stored_pair):
    store, upload_id = stored_pair
    version = store.version()
    assert store.remove_upload(upload_id, "管理员") is True
    assert store.read_figures().empty
    assert store.list_uploads(include_removed=False).empty
    removed = store.list_uploads().iloc[0]
    assert (removed.status, removed.removed_by) == ("removed", "管理员")
    assert store.version() > version
    assert store.original_bytes(upload_id) == b"upload A"  # kept while removed

    assert store.remove_upload(upload_id, "管理员") is False
    assert store.restore_upload(upload_id, "张三") is True
    assert store.restore_upload(upload_id, "张三") is False
    assert sorted(store.read_figures()["value"]) == [612.0, 1427.0]
    events = store.read_events(upload_id)
    assert events[["event", "who"]].values.tolist() == [["saved", "张三"], ["removed", "管理员"], ["restored", "张三"]]


@pytest.mark.parametrize("action", ["remove_upload", "restore_upload", "original_bytes"])
def test_unknown_upload_ids_raise_a_clear_error(store, action):
    args = ("u000000000000", "li") if action != "original_bytes" else ("u000000000000",)
    with pytest.raises(UnknownUploadError, match="u000000000000"):
        getattr(store, action)(*args)


# ----- the database file ---------------------------------------------------------------------


def test_sqlite_connections_use_wal_full_sync_foreign_keys_and_a_busy_timeout(sqlite_store):
    with sqlite_store.engine.connect() as conn:
        pragma = {
            p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": store_module.BUSY_TIMEOUT_MS,
    }


def test_the_schema_and_bulk_insert_compile_for_postgresql():
    """No PostgreSQL server here: at least the DDL and the bulk insert must compile for it."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = postgresql.psycopg2.dialect()
    ddl = [str(CreateTable(t).compile(dialect=dialect)) for t in store_module.metadata.sorted_tables]
    ddl += [
        str(CreateIndex(i).compile(dialect=dialect)) for t in store_module.metadata.sorted_tables for i in t.indexes
    ]
    assert any("UNIQUE INDEX ux_uploads_active_sha256 ON uploads (sha256) WHERE status = 'active'" in d for d in ddl)
    assert any("content BYTEA NOT NULL" in d for d in ddl)
    assert any("data BYTEA NOT NULL" in d for d in ddl)
    insert = store_module.bulk_insert_statement(store_module.upload_parts, ["upload_id", "part"], dialect)
    assert str(insert) == "INSERT INTO upload_parts (upload_id, part) VALUES (%(upload_id)s, %(part)s)"


def test_the_url_is_read_from_the_environment_at_call_time(monkeypatch, tmp_path):
    monkeypatch.delenv("ANTIFRAUD_DB_URL", raising=False)
    assert store_module.database_url() == f"sqlite:///{REPO / 'data' / 'antifraud.db'}"
    monkeypatch.setenv("ANTIFRAUD_DB_URL", url_for(tmp_path / "elsewhere.db"))
    assert store_module.database_url() == url_for(tmp_path / "elsewhere.db")


def test_no_database_yet_means_no_uploaded_figures(tmp_path, monkeypatch):
    path = tmp_path / "not" / "yet" / "there.db"
    monkeypatch.setenv("ANTIFRAUD_DB_URL", url_for(path))
    frame = uploaded_figures()
    assert frame.empty and list(frame.columns) == READ_COLUMNS
    assert path.exists()  # created on first use
    all_figures = build_all_figures()
    assert (all_figures.upload_id == "").all()


def test_build_all_figures_includes_stored_figures(db_env):
    upload_id = Store().save_upload(report_of(figure(value=35210.5)), b"x", "x.csv", "li")
    all_figures = build_all_figures()
    mine = all_figures[all_figures.upload_id == upload_id]
    assert mine[["region_code", "region_zh", "metric_id", "metric_zh", "value"]].values.tolist() == [
        ["110000", "北京市", "cases_filed", "立案数", 35210.5]
    ]


def test_stored_figures_survive_a_restart(db_env):
    """A new process (python -m loaders figures) reads what this one stored."""
    store = Store()
    upload_id = store.save_upload(
        report_of(
            figure(value=35210.5), figure(figure_id="up-002", fact_id="up-002", region_code="120000", value=0.1 + 0.2)
        ),
        b"restart",
        "r.csv",
        "li",
    )
    out = subprocess.run(
        [sys.executable, "-m", "loaders", "figures", "--format", "json"],
        cwd=REPO,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    records = [r for r in json.loads(out.stdout) if r["upload_id"] == upload_id]
    assert sorted((r["region_code"], r["value"]) for r in records) == [("110000", 35210.5), ("120000", 0.1 + 0.2)]
    csv = subprocess.run(
        [sys.executable, "-m", "loaders", "figures"],
        cwd=REPO,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
    )
    frame = pd.read_csv(StringIO(csv.stdout), dtype=str, keep_default_na=False)
    assert sorted(frame[frame.upload_id == upload_id].value) == ["0.30000000000000004", "35210.5"]


def test_a_new_reader_does_not_wait_for_a_writer(store):
    """While another connection holds the store's write lock, a fresh process still reads at once."""
    store.save_upload(report_of(figure()), b"before", "a.csv", "li")
    with store_module._write_transaction(store.engine) as writer:  # what a save holds while it runs
        writer.execute(store_module.uploads.update().values(uploader="mid-transaction"))
        started = time.monotonic()
        read = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from loaders.store import Store; print(len(Store(sys.argv[1]).read_figures()))",
                store.url,
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        elapsed = time.monotonic() - started
        writer.rollback()
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "1"
    assert elapsed < 30  # far below the busy timeout a blocked reader would wait


# ----- other processes: crashes and concurrency ----------------------------------------------


def start_worker(url: str, count: int, seed: int, go: Path | None = None) -> subprocess.Popen:
    args = [sys.executable, str(WORKER), url, str(count), str(seed)]
    if go is not None:
        args += ["--go", str(go)]
    return subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_all_or_none(url: str) -> dict[str, int]:
    """SQLite's integrity checks pass; every upload row has exactly its figures and one "saved" event;
    returns figures per sha256. Read on a connection of its own (PostgreSQL keeps its constraints)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            uploaded = conn.exec_driver_sql("SELECT upload_id, sha256, figure_count FROM uploads").all()
            blobs = store_module.read_blobs(conn, [u for u, _, _ in uploaded])
            per_upload = [
                (sha, count, store_module.from_blob(blobs[u]).num_rows if u in blobs else 0) for u, sha, count in uploaded
            ]
            orphans = conn.exec_driver_sql(
                "SELECT count(*) FROM upload_parts WHERE upload_id NOT IN (SELECT upload_id FROM uploads)"
            ).scalar()
            unsaved = conn.exec_driver_sql(
                "SELECT count(*) FROM uploads u WHERE (SELECT count(*) FROM upload_events e "
                "WHERE e.upload_id = u.upload_id AND e.event = 'saved') != 1"
            ).scalar()
    finally:
        engine.dispose()
    assert orphans == 0 and unsaved == 0
    for sha, expected, found in per_upload:
        assert found == expected, f"upload {sha[:8]} holds {found} of {expected} figures"
    return {sha: found for sha, _, found in per_upload}


# Figures per killed save. PostgreSQL's executemany is ~3x slower than SQLite's here (its bulk path
# waits for the upload-checker rebuild, issue 17): a third of the figures keeps its saves as long.
CRASH_FIGURES = {"sqlite": 60_000, "postgresql": 20_000}
# Kills per backend: PostgreSQL's run adds to the suite's time, and its rollback of a dropped
# connection is the server's own (one path, whatever the moment of the kill).
CRASH_KILLS = {"sqlite": 20, "postgresql": 8}


def read_until(stream, prefix: str, seen: list[str]) -> str:
    """Lines of `stream` into `seen` until one starts with `prefix`; that line."""
    for line in stream:
        seen.append(line.strip())
        if line.startswith(prefix):
            return line.strip()
    raise AssertionError(f"worker ended before “{prefix}”: {seen}")


@pytest.mark.slow
def test_crash_safety_sigkill_at_random_points_of_a_large_save(db_url, backend):
    """CRASH TEST (~15 s idle, ~45 s on a busy 2-core machine): SIGKILL a 60k-figure save, 20 times
    (8 on PostgreSQL).

    A serving worker imports once and forks one saving child per round. Each kill waits for the
    child to open its transaction, then sleeps a random delay (fixed seed) spread over the time a
    save takes here, so most kills land mid-transaction and some after the commit. After each
    kill the database passes integrity_check and holds all of that upload or none of it.
    """
    url = db_url
    server = subprocess.Popen(
        [sys.executable, str(WORKER), url, str(CRASH_FIGURES[backend]), "--serve"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    rng = random.Random(20240601)
    outcomes = []
    try:
        assert server.stdout.readline().strip() == "ready"
        # A full save first: the baseline, and how long a save takes on this machine now.
        server.stdin.write("save 1000\n")
        server.stdin.flush()
        seen: list[str] = []
        begin = float(read_until(server.stdout, "begin", seen).split()[1])
        end = float(read_until(server.stdout, "committed", seen).split()[2])
        server.stdin.write("reap\n")
        server.stdin.flush()
        assert read_until(server.stdout, "exit", seen) == "exit 0"
        save_seconds = end - begin

        for kill in range(CRASH_KILLS[backend]):
            seed = 2000 + kill
            server.stdin.write(f"save {seed}\n")
            server.stdin.flush()
            seen = []
            child = int(read_until(server.stdout, "child", seen).split()[1])
            read_until(server.stdout, "begin", seen)
            time.sleep(rng.uniform(0, 1.2 * save_seconds))
            os.kill(child, signal.SIGKILL)  # not reaped yet: the pid is still this child's
            server.stdin.write("reap\n")
            server.stdin.flush()
            code = int(read_until(server.stdout, "exit", seen).split()[1])
            committed = any(line.startswith("committed") for line in seen)
            # Killed, or (when the delay outlasted the save) finished and said so.
            assert code == -signal.SIGKILL or (code == 0 and committed), seen

            stored = assert_all_or_none(url)
            found = stored.get(hashlib.sha256(data_for(seed)).hexdigest(), 0)
            assert found in (0, CRASH_FIGURES[backend])
            if committed:
                assert found == CRASH_FIGURES[backend]
            outcomes.append("all" if found else "none")
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    print(f"crash test: save {save_seconds:.2f}s, outcomes {outcomes}")
    # Every kill came after BEGIN, so each "none" is a kill that landed inside the transaction.
    assert outcomes.count("none") >= CRASH_KILLS[backend] // 4, outcomes
    # The store still works after the crashes.
    assert len(Store(url).list_uploads()) == 1 + outcomes.count("all")


@pytest.mark.slow
def test_two_processes_saving_at_once_lose_nothing(db_factory, tmp_path):
    """Two processes save at once: nothing lost, the writes serialised, no reader sees half an upload.

    Each attempt must really overlap (both sent "go" before the first committed); on a loaded
    machine one process can be descheduled past the other's whole save, and such an attempt proves
    nothing about concurrency, so it is repeated (at most 4 times) rather than failed or passed.
    Each attempt starts from an empty database, which both processes open at once.
    """
    count = 20_000
    overlapped = []
    for attempt in range(4):
        url = db_factory(empty=True)
        go = tmp_path / f"go{attempt}"
        workers = {seed: start_worker(url, count, seed, go=go) for seed in (1, 2)}
        try:
            for worker in workers.values():  # both imported and built their figures
                expect_ready(worker)
            outputs, reader_counts = save_at_once(workers, go, url)
        finally:
            for worker in workers.values():
                if worker.poll() is None:
                    worker.kill()
                    worker.communicate()
        for seed, (_out, err) in outputs.items():
            assert workers[seed].returncode == 0, err

        stored = assert_all_or_none(url)
        assert stored == {hashlib.sha256(data_for(s)).hexdigest(): count for s in (1, 2)}
        # The writers were serialised by the write lock: the second began after the first's last write.
        times = {}
        for seed, (out, _) in outputs.items():
            steps = [line.split() for line in out.splitlines()]
            stamp = {step[0]: float(step[-1]) for step in steps}  # the last chunk wins
            times[seed] = (stamp["go"], stamp["begin"], stamp["chunk"], stamp["committed"])
        first, second = sorted(times.values(), key=lambda t: t[1])
        assert second[1] > first[2], (first, second)  # (go, begin, last chunk, committed) of each
        # A reader never saw part of an upload.
        assert set(reader_counts) <= {0, count, 2 * count}, sorted(set(reader_counts))
        overlapped.append(abs(first[0] - second[0]) < first[3] - first[1])  # both went before the first finished
        if overlapped[-1]:
            break
    assert any(overlapped), f"the two saves never overlapped in {len(overlapped)} attempts"
    assert len(Store(url).read_figures()) == 2 * count


def expect_ready(worker: subprocess.Popen) -> None:
    """The worker's first line is "ready"; otherwise fail with what it wrote to stderr."""
    line = worker.stdout.readline().strip()
    if line != "ready":
        worker.kill()
        _out, err = worker.communicate()
        pytest.fail(f"worker said {line!r}, exit {worker.returncode}: {err[-3000:]}")


def save_at_once(workers: dict, go: Path, url: str) -> tuple[dict, list[int]]:
    """Let both workers go, read the store meanwhile; their outputs and what the reader saw."""
    reader_counts: list[int] = []

    def read_while_saving() -> None:
        reader = Store(url)
        while any(w.poll() is None for w in workers.values()):
            reader_counts.append(len(reader.read_figures()))
            time.sleep(0.05)

    reader = threading.Thread(target=read_while_saving)
    go.touch()
    reader.start()
    outputs = {seed: w.communicate(timeout=120) for seed, w in workers.items()}
    reader.join()
    return outputs, reader_counts


# ----- figure snapshots (a cache of read_figures: beside a SQLite file, or in ANTIFRAUD_SNAPSHOT_DIR) ----


def snapshots(store: Store) -> list[Path]:
    base = store_module._snapshot_database(store.url)
    return sorted(base.parent.glob(f"{base.name}.figures-*.arrow")) if base is not None else []


def fresh_read(store: Store) -> pd.DataFrame:
    """read_figures straight from the database, whatever snapshots exist."""
    for file in snapshots(store):
        file.unlink()
    return store.read_figures()


def test_a_snapshot_gives_the_same_frame_as_the_database(stored_pair):
    store, _ = stored_pair
    first = store.read_figures()  # from the database; writes the snapshot
    assert len(snapshots(store)) == 1
    cached = store.read_figures()  # from the snapshot
    pd.testing.assert_frame_equal(cached, first, check_exact=True)
    pd.testing.assert_frame_equal(cached, fresh_read(store), check_exact=True)


def test_every_change_of_the_store_reads_anew_and_replaces_the_snapshot(stored_pair):
    store, first_upload = stored_pair
    store.read_figures()
    before = snapshots(store)
    second = store.save_upload(new_upload(), b"upload B", "b.csv", "李四", replace={})
    after_save = store.read_figures()
    pd.testing.assert_frame_equal(after_save, fresh_read(store), check_exact=True)
    assert set(after_save["upload_id"]) == {first_upload, second}
    store.read_figures()
    assert len(snapshots(store)) == 1 and snapshots(store) != before  # the old one is gone
    store.remove_upload(second, "李四")
    after_remove = store.read_figures()
    assert set(after_remove["upload_id"]) == {first_upload}
    pd.testing.assert_frame_equal(after_remove, fresh_read(store), check_exact=True)


def test_a_restored_backup_with_other_uploads_never_reads_a_stale_snapshot(sqlite_store, db_path, tmp_path):
    """Events are counted from the same number in a backup; the key also holds the last upload and time."""
    store = sqlite_store
    store.save_upload(report_of(figure()), b"first", "a.csv", "li")
    backup = tmp_path / "backup.db"
    source, target = sqlite3.connect(db_path), sqlite3.connect(backup)
    source.backup(target)  # what an administrator's backup holds: the database as of now
    source.close()
    target.close()
    store.save_upload(report_of(figure(region_code="120000", value=5.0)), b"second", "b.csv", "li")
    assert set(store.read_figures()["region_code"]) == {"110000", "120000"}  # snapshot of event 2 written
    store.engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, db_path)  # the backup, then another upload: again two events
    restored = Store(url_for(db_path))
    restored.save_upload(report_of(figure(region_code="310000", value=7.0)), b"third", "c.csv", "li")
    assert set(restored.read_figures()["region_code"]) == {"110000", "310000"}


def test_a_broken_snapshot_is_read_from_the_database_instead(stored_pair):
    store, _ = stored_pair
    expected = store.read_figures()
    (file,) = snapshots(store)
    file.write_bytes(b"not an arrow file")
    pd.testing.assert_frame_equal(store.read_figures(), expected, check_exact=True)
    file.write_bytes(file.read_bytes()[:10])
    pd.testing.assert_frame_equal(store.read_figures(), expected, check_exact=True)


def test_a_store_without_uploads_writes_no_snapshot(store):
    assert store.read_figures().empty
    assert snapshots(store) == []


def test_opening_a_new_store_while_another_process_writes_to_it_waits_instead_of_failing(tmp_path):
    """SQLite refuses the switch to WAL at once (no busy handler) while another connection holds the
    write lock; the store asks again until it is released."""
    db_path = tmp_path / "new.db"
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO other VALUES (1)")
    outcome: dict = {}

    def open_store() -> None:
        started = time.monotonic()
        try:
            outcome["uploads"] = len(Store(url_for(db_path)).list_uploads())
        except Exception as error:  # noqa: BLE001 - the test reports it
            outcome["error"] = error
        outcome["seconds"] = time.monotonic() - started

    opener = threading.Thread(target=open_store)
    opener.start()
    time.sleep(0.3)
    holder.execute("COMMIT")
    holder.close()
    opener.join(30)
    assert "error" not in outcome, outcome
    assert outcome["uploads"] == 0 and outcome["seconds"] >= 0.25
