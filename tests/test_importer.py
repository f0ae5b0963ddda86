"""`python -m loaders import`: real processes, a fresh SQLite file or PostgreSQL database per test
(the `backend` parameter, tests/pg.py).

The input files are the project's own corpus fixtures (tests/corpus_fixtures.py) written to disk.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from loaders.importer import import_file
from loaders.store import Store
from tests import corpus_fixtures
from tests.conftest import REPO

tables = pytest.importorskip("loaders.tables", reason="loaders/tables.py (the checker) has not landed yet")
FILES = {
    "ACCEPTED": "baseline_utf8.csv",
    "SAME_WITH_BOM": "utf8_bom.csv",  # ACCEPTED's figures, other bytes
    "ONE_VALUE_DIFFERS": "gbk_excel_export.csv",  # ACCEPTED's figures but 天津市 立案数 1846 (846)
    "REJECTED": "negative_counts.csv",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """FILES written to disk: key -> path."""
    folder = tmp_path_factory.mktemp("import_files")
    paths = {}
    for key, name in FILES.items():
        paths[key] = folder / name
        paths[key].write_bytes(corpus_fixtures.build(name))
    return paths


def resolve(args: tuple[str, ...], files: dict[str, Path]) -> list[str]:
    """Arguments with FILES keys (ACCEPTED, REJECTED …) replaced by the files' paths."""
    return [str(files[a]) if a in files else a for a in args]


@pytest.fixture
def db_path(db_env) -> str:
    """ANTIFRAUD_DB_URL set to this test's database (tests/pg.py's db_env); its URL."""
    return db_env


def run_import(*args: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", "import", *args],
        cwd=REPO,
        env={**os.environ},
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def stored_counts(url: str) -> tuple[int, int]:
    """(uploads, figures) in the database; (0, 0) when the SQLite file or the tables were never created."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database).exists():
        return 0, 0
    engine = sa.create_engine(parsed)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("uploads"):
                return 0, 0
            return (
                conn.exec_driver_sql("SELECT count(*) FROM uploads").scalar(),
                conn.exec_driver_sql("SELECT coalesce(sum(figure_count), 0) FROM uploads").scalar(),
            )
    finally:
        engine.dispose()


def test_an_accepted_file_is_stored_with_its_values(db_path, files):
    done = run_import(str(files["ACCEPTED"]), "--yes", "--uploader", "张三")
    assert done.returncode == 0, done.stdout + done.stderr
    report = tables.check_file(files["ACCEPTED"])
    uploads = Store().list_uploads()
    assert len(uploads) == 1
    upload = uploads.iloc[0]
    assert f"上传编号 {upload.upload_id}" in done.stdout
    assert (upload.file_name, upload.uploader, upload.row_count) == (files["ACCEPTED"].name, "张三", report.rows)
    assert Store().original_bytes(upload.upload_id) == files["ACCEPTED"].read_bytes()
    stored = Store().read_figures()
    key = ["region_code", "metric_id", "period_end", "measure"]
    expected = report.figures.sort_values(key)[key + ["value", "unit", "qualifier"]].values.tolist()
    assert stored.sort_values(key)[key + ["value", "unit", "qualifier"]].values.tolist() == expected


def test_a_rejected_file_is_refused_naming_row_and_column(db_path, files):
    done = run_import(str(files["REJECTED"]), "--yes")
    assert done.returncode == 1
    assert "第4行" in done.stdout and "“立案数”列" in done.stdout
    assert "未保存" in done.stdout
    assert "Traceback" not in done.stderr
    assert stored_counts(db_path) == (0, 0)


@pytest.mark.parametrize(
    ("args", "needle", "stored"),
    [
        (("ACCEPTED",), "--yes", 0),  # stdin is not a terminal: refuse, say how to proceed
        (("/no/such/file.csv", "--yes"), "No such file", 0),
        (("ACCEPTED", "REJECTED", "--yes", "--lang", "en"), "1 of 2 file(s) stored", 1),
    ],
    ids=["no-terminal", "missing-file", "one-of-two"],
)
def test_exit_status_is_1_unless_every_file_is_stored(db_path, files, args, needle, stored):
    done = run_import(*resolve(args, files))
    assert done.returncode == 1, done.stdout
    assert needle in done.stdout
    assert "Traceback" not in done.stderr
    assert stored_counts(db_path)[0] == stored


def test_the_same_file_twice_is_refused_naming_the_first_upload(db_path, files):
    first = run_import(str(files["ACCEPTED"]), "--yes", "--uploader", "李四")
    assert first.returncode == 0
    before = stored_counts(db_path)
    again = run_import(str(files["ACCEPTED"]), "--yes", "--lang", "en")
    assert again.returncode == 1
    upload_id = Store().list_uploads().upload_id[0]
    assert upload_id in again.stdout and "李四" in again.stdout and "Not stored" in again.stdout
    assert stored_counts(db_path) == before


@pytest.mark.parametrize(("answer", "status", "uploads"), [("y\n", 0, 1), ("n\n", 1, 0), ("", 1, 0)])
def test_a_terminal_confirms_before_anything_is_stored(db_path, files, answer, status, uploads):
    leader, follower = pty.openpty()
    try:
        os.write(leader, answer.encode() if answer else b"\x04")  # Ctrl-D: end of input
        done = run_import(str(files["ACCEPTED"]), stdin=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == status, done.stdout
    assert "[y/N]" in done.stdout
    assert stored_counts(db_path)[0] == uploads


@pytest.mark.parametrize(("replace", "tianjin"), [(False, 846.0), (True, 1846.0)], ids=["keep", "replace"])
def test_conflicting_figures_are_listed_and_the_choice_applied(db_path, files, replace, tianjin):
    assert import_file(files["ACCEPTED"], yes=True, uploader="a", out=StringIO()) is not None
    out = StringIO()
    upload_id = import_file(files["ONE_VALUE_DIFFERS"], yes=True, uploader="b", replace=replace, out=out)
    assert upload_id is not None
    text = out.getvalue()
    assert "天津市 · 立案数" in text and "现有 846 起" in text and "新 1846 起（第3行）" in text
    assert "其中 47 个与库中数字完全相同" in text
    shown = Store().read_figures().query("region_code == '120000' and metric_id == 'cases_filed'")
    assert shown["value"].tolist() == [tianjin]


def test_identical_figures_from_other_bytes_are_stored_but_not_shown_twice(db_path, files):
    assert import_file(files["ACCEPTED"], yes=True, uploader="a", out=StringIO()) is not None
    assert import_file(files["SAME_WITH_BOM"], yes=True, uploader="b", out=StringIO()) is not None
    shown = Store().read_figures()
    assert len(Store().list_uploads()) == 2
    assert not shown.duplicated(["region_code", "metric_id", "period_end", "measure"]).any()
