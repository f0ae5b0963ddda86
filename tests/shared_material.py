"""Where the material that stays outside the repository lives: ../shared next to the project.

It holds the source documents (seeds/) and the test corpus (corpus/: generated tables and
third-party files). Tests that need it skip with the reason when it is absent; everything else
the corpus exercises is built in code (tests/corpus_fixtures.py). ANTIFRAUD_SHARED_DIR, read at
each call, moves it: pointed at an empty folder, the suite runs as on a clone without ../shared.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENV_VAR = "ANTIFRAUD_SHARED_DIR"


def shared_dir() -> Path:
    return Path(os.environ.get(ENV_VAR) or REPO.parent / "shared")


def corpus_dir() -> Path:
    return shared_dir() / "corpus"


def seeds_dir() -> Path:
    return shared_dir() / "seeds"


def corpus_file(relative: str) -> Path:
    """A file of the shared corpus (`generated/…`, `public/…`); skips the test when it is absent."""
    path = corpus_dir() / relative
    if not path.is_file():
        pytest.skip(f"needs {relative} of the shared test corpus, not found at {path} (kept outside the repository)")
    return path
