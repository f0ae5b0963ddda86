"""The store's fast paths: the same results as the plain way, with bounded SQL and a lean import."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from loaders import store as store_module
from loaders.store import Store
from tests.conftest import REPO
from tests.store_crash_worker import Report, build_figures


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'store.db'}")


def test_importing_the_store_does_not_load_the_postgresql_dialect():
    code = "import sys, loaders.store; print('sqlalchemy.dialects.postgresql' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_partial_index_compiles_for_postgresql_and_sqlite_alike():
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex

    index = next(i for i in store_module.uploads.indexes if i.name == "ux_uploads_active_sha256")
    for dialect in (postgresql.psycopg.dialect(), sqlite.dialect()):
        ddl = str(CreateIndex(index).compile(dialect=dialect))
        assert ddl.endswith("ON uploads (sha256) WHERE status = 'active'"), ddl
    # Other tables' indexes are not touched by the PostgreSQL hook.
    other = sa.Table("other", sa.MetaData(), sa.Column("x", sa.Integer))
    plain = sa.Index("ux_uploads_active_sha256", other.c.x)
    assert "WHERE" not in str(CreateIndex(plain).compile(dialect=postgresql.psycopg.dialect()))


@pytest.mark.parametrize("seed", range(40))
def test_renumbered_facts_are_what_a_dict_of_every_figure_gives(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 30)
    ids = [f"f{rng.randint(0, n)}" for _ in range(n)]  # repeated ids on purpose
    facts = [rng.choice([*ids, "", "elsewhere"]) if rng.random() < 0.5 else ids[i] for i in range(n)]
    frame = pd.DataFrame({"figure_id": ids, "fact_id": facts}).astype(str)
    new_ids = [f"u-{i:03d}" for i in range(1, n + 1)]
    every = dict(zip(ids, new_ids, strict=True))
    expected = [every.get(fact, own) for fact, own in zip(facts, new_ids, strict=True)]
    assert store_module._renumbered_facts(frame, new_ids) == expected


def test_conflicts_are_found_with_a_few_statements_not_one_per_figure(store, monkeypatch):
    monkeypatch.setattr(store_module, "CHUNK_SIZE", 100)
    figures = build_figures(450, seed=3)
    store.save_upload(Report(figures), b"first", "a.csv", "li")
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", count)
    try:
        again = figures.copy()
        again["value"] = again["value"] + 1
        conflicts = store.find_conflicts(again)
        assert len(conflicts) == 450
        found_with = len(statements)
        statements.clear()
        store.save_upload(Report(again), b"second", "b.csv", "wang", replace={"*": "new"})
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", count)
    assert found_with <= 5  # BEGIN, active uploads, choices, blobs, their uploads' details
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    choices = [s for s in statements if "figure_choices" in s and not s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 5 and len(choices) == 2  # one executemany each: delete earlier choices, insert 450
    shown = store.read_figures()
    assert len(shown) == 450 and (shown["value"].to_numpy() == again["value"].to_numpy()).all()


def test_a_save_leaves_every_connection_at_the_default_page_cache(store, tmp_path):
    """A save (a success and a failure) leaves no page-cache setting behind on a pooled connection."""
    sizes = []

    def look(done, total):
        with store.engine.connect() as other:  # the pool's other connection: still the default
            sizes.append(("other", other.exec_driver_sql("PRAGMA cache_size").scalar()))

    store.save_upload(Report(build_figures(10, seed=1)), b"a", "a.csv", "li", progress=look)
    with store.engine.connect() as conn:
        sizes.append(("after", conn.exec_driver_sql("PRAGMA cache_size").scalar()))

    def fail(done, total):
        if done:
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        store.save_upload(Report(build_figures(10, seed=2)), b"b", "b.csv", "li", progress=fail)
    with store.engine.connect() as conn:
        sizes.append(("after a failed save", conn.exec_driver_sql("PRAGMA cache_size").scalar()))
    default = store_module.DEFAULT_CACHE_SIZE
    assert sizes[-2:] == [("after", default), ("after a failed save", default)]
    assert [size for name, size in sizes if name == "other"] == [default] * 2  # (0, 10) and (10, 10)
    with sqlite3.connect(tmp_path / "store.db") as plain:
        assert plain.execute("PRAGMA cache_size").fetchone()[0] == default  # SQLite's own default


def test_saved_columns_are_the_plain_values_of_the_frame(store, tmp_path):
    """Arrow-backed text, float values, ints with gaps: stored exactly as `Series.tolist()` gives them."""
    figures = build_figures(250, seed=9)
    figures["source_row"] = [None if i % 7 == 0 else i + 2 for i in range(len(figures))]
    figures["derived"] = [i % 5 == 0 for i in range(len(figures))]
    store.save_upload(Report(figures), b"v", "v.csv", "li")
    with store.engine.connect() as conn:
        (blob,) = store_module.read_blobs(conn, store.list_uploads()["upload_id"]).values()
    table = store_module.from_blob(blob, ["region_code", "value", "source_row", "derived"])
    rows = list(zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True))
    expected = list(
        zip(
            figures["region_code"].tolist(),
            figures["value"].astype(float).tolist(),
            [None if pd.isna(v) else int(v) for v in figures["source_row"]],
            [bool(v) for v in figures["derived"]],
            strict=True,
        )
    )
    assert rows == expected


def test_read_figures_builds_the_frame_pandas_would_from_the_rows(store, tmp_path):
    """The column-wise Arrow frame equals `from_records` + `astype(str)` of the stored values (what
    read_figures did before, from rows)."""
    figures = build_figures(300, seed=4)
    figures["derived"] = [i % 3 == 0 for i in range(len(figures))]
    store.save_upload(Report(figures), b"r", "r.csv", "li")
    frame = store.read_figures()
    with store.engine.connect() as conn:
        ((upload_id, blob),) = store_module.read_blobs(conn, store.list_uploads()["upload_id"]).items()
    table = store_module.from_blob(blob)
    stored = {c: table.column(c).to_pylist() for c in table.column_names}
    stored["upload_id"] = [upload_id] * table.num_rows
    rows = list(zip(*(stored[c] for c in store_module.READ_COLUMNS), strict=True))
    expected = pd.DataFrame.from_records(rows, columns=store_module.READ_COLUMNS)
    expected["value"] = expected["value"].astype(float)
    expected["derived"] = expected["derived"].astype(bool)
    text = [c for c in store_module.READ_COLUMNS if c not in ("value", "derived")]
    expected[text] = expected[text].astype(str)
    pd.testing.assert_frame_equal(frame, expected)
    assert frame["derived"].sum() == 100 and (frame.dtypes[text] == "str").all()


@pytest.mark.parametrize(
    "values",
    [["a", "b"], ["a", "b\x00c"], ["x\u202e", "y"], ["甲", "乙\t"], [], ["", ""], ["\x7f"], ["ok", "\u2028"]],
)
def test_the_joined_control_search_agrees_with_the_search_per_value(values):
    from loaders.labels import CONTROL_PATTERN
    from loaders.storage.normalise import _holds_control

    column = pd.Series(values, dtype="str")
    assert _holds_control(column) == bool(column.str.contains(CONTROL_PATTERN, regex=True).any())
