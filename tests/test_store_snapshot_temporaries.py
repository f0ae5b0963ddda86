"""Snapshot temporaries left by a reader killed mid-write are removed when a process opens the store
(issue 12.11); a temporary another live process is writing is left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.store import Store
from tests.conftest import REPO
from tests.test_store import figure, report_of

WORKER = REPO / "tests" / "snapshot_writer_worker.py"


@pytest.fixture
def stored(tmp_path) -> tuple[str, Path]:
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    Store(url).save_upload(report_of(figure(), figure(figure_id="up-002", region_code="120000")), b"x", "a.csv", "li")
    return url, path


def temporaries(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.figures-*.arrow.*.tmp"))


def start_writer(url: str) -> tuple[subprocess.Popen, Path]:
    """A reader held in the middle of writing the snapshot (its temporary exists and is locked)."""
    process = subprocess.Popen(
        [sys.executable, str(WORKER), url], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = process.stdout.readline()
    if line.strip() != "writing":
        process.kill()
        raise AssertionError(f"worker did not start writing: {line!r} {process.stderr.read()}")
    db = Path(url.removeprefix("sqlite:///"))
    (temporary,) = temporaries(db)
    return process, temporary


def open_in_a_new_process(url: str) -> None:
    """What a restarted server or a CLI run does first: open the store."""
    subprocess.run(
        [sys.executable, "-c", f"from loaders.store import Store; Store({url!r})"], cwd=REPO, check=True, timeout=120
    )


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    process.stderr.close()


def test_a_killed_writers_temporary_is_removed_on_open(stored):
    url, path = stored
    writer, temporary = start_writer(url)
    assert temporaries(path) == [temporary]
    kill(writer)
    assert temporaries(path) == [temporary], "the kill leaves the temporary behind"
    open_in_a_new_process(url)
    assert temporaries(path) == []
    assert len(Store(url).read_figures()) == 2  # the store reads (and snapshots) as before


def test_a_live_writers_temporary_is_kept(stored):
    url, path = stored
    writer, temporary = start_writer(url)
    try:
        open_in_a_new_process(url)
        assert temporaries(path) == [temporary], "another process is writing it right now"
    finally:
        kill(writer)
    open_in_a_new_process(url)
    assert temporaries(path) == []


def test_only_snapshot_temporaries_of_this_database_are_touched(stored):
    url, path = stored
    others = [path.parent / ".other.db.figures-abc.arrow.1.tmp", path.parent / "notes.tmp"]
    for other in others:
        other.write_bytes(b"keep")
    open_in_a_new_process(url)
    assert all(other.read_bytes() == b"keep" for other in others)
