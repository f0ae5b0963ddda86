"""docs/deploy.md followed once from a clean state: deploy/try_deploy.sh against the test cluster.

Creates a database, `db upgrade`, imports a file, pg_dump, drops the database, restores it,
`db upgrade` again, and compares every figure before and after (the script exits 1 otherwise)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus_fixtures import build
from tests.pg import USER

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "deploy" / "try_deploy.sh"

pytestmark = pytest.mark.postgres


def run_script(cluster, tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PATH": f"{cluster.bin_dir}:{os.environ['PATH']}",
        "PGHOST": "127.0.0.1",
        "PGPORT": str(cluster.port),
        "PGUSER": USER,
        "PGPASSWORD": cluster.password,
        "PYTHON": sys.executable,
    }
    env.pop("ANTIFRAUD_DB_URL", None)
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600
    )


def test_the_deploy_document_followed_once_from_a_clean_state(pg_cluster, tmp_path):
    upload = tmp_path / "gbk_excel_export.csv"
    upload.write_bytes(build("gbk_excel_export.csv"))
    done = run_script(pg_cluster, tmp_path, str(upload), "try_deploy_once")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK:" in done.stdout and "identical after backup, drop and restore" in done.stdout
    with pg_cluster.admin() as conn:  # the script cleans up after itself
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = 'try_deploy_once'").fetchone() is None


def test_the_script_fails_when_there_is_nothing_to_restore(pg_cluster, tmp_path):
    """A file that stores no figure: the script stops (it cannot prove anything survived)."""
    empty = tmp_path / "empty.csv"
    empty.write_text("地区,指标\n", encoding="utf-8")
    done = run_script(pg_cluster, tmp_path, str(empty), "try_deploy_empty")
    assert done.returncode != 0
    assert "==> import" in done.stdout and "==> pg_dump" not in done.stdout, done.stdout + done.stderr
