"""Reference tables: metrics, units, agencies, regions, sources, breakdowns.

The data folder is `datasets/` beside this package, overridable by the environment variable
`ANTIFRAUD_DATASETS` (read at call time, which is how tests point at fixtures).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from loaders.model import (  # noqa: F401  (re-exported: the allowed values and settings live in the model)
    BASES,
    CATEGORIES,
    DIRECTIONS,
    MEASURES,
    PACKAGE_ROOT,
    PHASES,
    QUALIFIERS,
    datasets_dir,
)

REFERENCE_TABLES = ("metrics", "units", "agencies", "regions", "sources", "breakdowns", "policies")


def read_csv_table(path: Path) -> pd.DataFrame:
    """Read a curated CSV with every column as text; empty cells become empty strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def read_metadata(name: str, folder: Path | None = None) -> dict:
    folder = folder or datasets_dir()
    return json.loads((folder / f"{name}.meta.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Catalog:
    metrics: pd.DataFrame
    units: pd.DataFrame
    agencies: pd.DataFrame
    regions: pd.DataFrame
    sources: pd.DataFrame
    breakdowns: pd.DataFrame
    policies: pd.DataFrame
    divisions: pd.DataFrame

    def metric(self, metric_id: str) -> pd.Series:
        return self.metrics.loc[metric_id]

    def label(self, table: str, key: str, lang: str = "zh") -> str:
        """The zh or en label of a key in a reference table, or the key itself when unknown."""
        frame: pd.DataFrame = getattr(self, table)
        column = "label_zh" if lang == "zh" else "label_en"
        if table in ("regions", "divisions"):
            column = "name_zh" if lang == "zh" else "name_en"
        if key in frame.index and column in frame.columns:
            return str(frame.at[key, column])
        return key


def _indexed(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    indexed = frame.set_index(key, drop=False)
    if not indexed.index.is_unique:
        duplicates = sorted(set(indexed.index[indexed.index.duplicated()]))
        raise ValueError(f"duplicate {key} in reference table: {duplicates}")
    return indexed


@lru_cache(maxsize=4)
def _load_catalog(folder: str) -> Catalog:
    path = Path(folder)
    tables = {name: read_csv_table(path / f"{name}.csv") for name in REFERENCE_TABLES}
    divisions_path = path / "divisions.csv"
    divisions = (
        read_csv_table(divisions_path)
        if divisions_path.exists()
        else tables["regions"][["region_code", "name_zh", "name_en", "level", "parent_code"]]
    )
    return Catalog(
        metrics=_indexed(tables["metrics"], "metric_id"),
        units=_indexed(tables["units"], "unit_id"),
        agencies=_indexed(tables["agencies"], "agency_id"),
        regions=_indexed(tables["regions"], "region_code"),
        sources=_indexed(tables["sources"], "source_id"),
        breakdowns=_indexed(tables["breakdowns"], "breakdown_id"),
        policies=_indexed(tables["policies"], "policy_id"),
        divisions=_indexed(divisions, "region_code"),
    )


def load_catalog() -> Catalog:
    """All reference tables of the current datasets folder (cached per folder)."""
    return _load_catalog(str(datasets_dir()))


def figure_table_names(folder: Path | None = None) -> list[str]:
    """Curated figure tables: every source in sources.csv has `<source_id>.csv`."""
    folder = folder or datasets_dir()
    sources = read_csv_table(folder / "sources.csv")
    return list(sources["source_id"])
