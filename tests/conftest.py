"""Shared fixtures: paths to the shared source documents and test corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import shared_material

# The PostgreSQL test cluster and the `db_url` fixture of both backends.
pytest_plugins = ["tests.pg"]

REPO = Path(__file__).resolve().parents[1]
SHARED = shared_material.shared_dir()  # ../shared, or ANTIFRAUD_SHARED_DIR
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"


@pytest.fixture
def seeds_dir() -> Path:
    seeds = shared_material.seeds_dir()
    if not seeds.is_dir():
        pytest.skip(f"source documents not found at {seeds} (kept outside the repository): evidence cannot be checked here")
    return seeds


@pytest.fixture
def corpus_dir() -> Path:
    corpus = shared_material.corpus_dir()
    if not corpus.is_dir():
        pytest.skip(f"test corpus not found at {corpus} (kept outside the repository)")
    return corpus


@pytest.fixture(autouse=True)
def isolated_store(tmp_path_factory, monkeypatch):
    """Every test gets its own empty store unless it sets ANTIFRAUD_DB_URL itself.

    The developer's real `data/antifraud.db` must never leak into (or be written by) a test.
    """
    import os

    if "ANTIFRAUD_DB_URL" not in os.environ:
        path = tmp_path_factory.mktemp("store") / "antifraud.db"
        monkeypatch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{path}")
    if "ANTIFRAUD_SNAPSHOT_DIR" not in os.environ:  # a database server's figure snapshots (loaders.store)
        monkeypatch.setenv("ANTIFRAUD_SNAPSHOT_DIR", str(tmp_path_factory.mktemp("snapshots")))
