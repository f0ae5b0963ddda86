"""The curated datasets as they stood with two sources (Gansu 2020, Baise 2024), for tests pinned to them.

The compare and chart tests assert exact views (golden JSON, first views, shared metrics) built from the
first two press conferences; later sources are checked by their own tests (tests/test_curated_sources.py).
ANTIFRAUD_DATASETS points the loaders at a copy of datasets/ whose sources.csv lists only those two.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIRST_SOURCES = ("gansu_2020_duanka", "baise_2024_fraud")
ENV_VAR = "ANTIFRAUD_DATASETS"


def two_source_datasets(folder: Path) -> Path:
    """A copy of datasets/ in `folder` whose sources are the first two; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (REPO / "datasets").glob("*.csv"):
        shutil.copyfile(path, folder / path.name)
    with open(REPO / "datasets" / "sources.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if row["source_id"] in FIRST_SOURCES]
        header = reader.fieldnames
    with open(folder / "sources.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert [r["source_id"] for r in rows] == list(FIRST_SOURCES)
    return folder
