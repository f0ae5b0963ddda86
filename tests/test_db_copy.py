"""`python -m loaders db copy --to URL`: a SQLite store's uploads into another, empty store (both backends as target)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from loaders.copy_store import CopyRefusedError, copy_store
from loaders.store import Store
from tests.conftest import REPO
from tests.test_store import figure, report_of


def filled_sqlite_store(path) -> Store:
    """Three uploads: one shown, one whose conflicting figure is hidden by it, one removed and restored, one removed."""
    source = Store(f"sqlite:///{path}")
    source.save_upload(
        report_of(figure(), figure(figure_id="up-002", fact_id="up-002", region_code="120000")), b"a", "a.csv", "甲"
    )
    source.save_upload(report_of(figure(value=99.0)), b"b", "b.csv", "乙")  # conflict: keeps a's value, hidden
    third = source.save_upload(report_of(figure(region_code="130000")), b"c", "c.csv", "丙")
    fourth = source.save_upload(report_of(figure(region_code="140000")), b"d", "d.csv", "丁")
    source.remove_upload(third, "甲")
    source.restore_upload(third, "甲")
    source.remove_upload(fourth, "乙")
    return source


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)


def test_every_upload_event_and_original_is_copied_and_the_target_goes_on(db_factory, tmp_path):
    source = filled_sqlite_store(tmp_path / "source.db")
    target_url = db_factory(empty=True)
    done = copy_store(source.url, target_url)
    assert done.rows["uploads"] == 4 and done.rows["upload_figures"] == 5
    target = Store(target_url)
    pd.testing.assert_frame_equal(comparable(target.read_figures()), comparable(source.read_figures()))
    pd.testing.assert_frame_equal(comparable(target.list_uploads()), comparable(source.list_uploads()))
    pd.testing.assert_frame_equal(comparable(target.read_events()), comparable(source.read_events()))
    assert target.version() == source.version()
    for upload_id in source.list_uploads()["upload_id"]:
        assert target.original_bytes(upload_id) == source.original_bytes(upload_id)
    # The target's own ids go on after the copied ones (PostgreSQL sequences set past them).
    new = target.save_upload(report_of(figure(region_code="150000")), b"e", "e.csv", "戊")
    assert target.version() > source.version()
    assert new in set(target.list_uploads()["upload_id"])


def test_a_target_holding_uploads_or_the_same_database_is_refused(db_url, tmp_path):
    source = filled_sqlite_store(tmp_path / "source.db")
    Store(db_url).save_upload(report_of(figure()), b"x", "x.csv", "己")
    with pytest.raises(CopyRefusedError, match="already holds uploads"):
        copy_store(source.url, db_url)
    assert len(Store(db_url).list_uploads()) == 1
    with pytest.raises(CopyRefusedError, match="same database"):
        copy_store(source.url, source.url)


def test_the_command_line_copies_and_says_what(db_factory, tmp_path):
    source = filled_sqlite_store(tmp_path / "source.db")
    target_url = db_factory(empty=True)
    env = {"ANTIFRAUD_DB_URL": source.url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "loaders", "db", "copy", "--to", target_url, "--lang", "en"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Copied 4 uploads, 5 figures")
    password = sa.make_url(target_url).password
    assert not password or password not in done.stdout, "the password is never printed"
    again = subprocess.run(
        [sys.executable, "-m", "loaders", "db", "copy", "--to", target_url],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert again.returncode == 1 and "目标数据库已有上传记录" in again.stderr and "Traceback" not in again.stderr
