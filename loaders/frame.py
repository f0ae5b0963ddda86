"""The one tidy frame of every figure: curated, derived and uploaded, with labels in both languages.

`build_all_figures()` is what pages, charts, exports and the command line read. It sits above both
curated validation (`loaders.figures`) and the store (`loaders.store`), which share only the figure
model (`loaders.model`).
"""

from __future__ import annotations

import pandas as pd

from loaders.catalog import Catalog, load_catalog
from loaders.derive import derive_figures
from loaders.figures import load_curated_figures
from loaders.model import FIGURE_COLUMNS, store_may_hold_figures

# The tidy shape every consumer reads; the first columns are the documented contract.
OUTPUT_COLUMNS = [
    "figure_id",
    "source_id",
    "region_code",
    "region_zh",
    "region_en",
    "metric_id",
    "metric_zh",
    "metric_en",
    "breakdown",
    "breakdown_zh",
    "breakdown_en",
    "measure",
    "value",
    "unit",
    "unit_zh",
    "unit_en",
    "qualifier",
    "direction",
    "basis",
    "period_start",
    "period_end",
    "period_text",
    "phase",
    "agency_id",
    "agency_zh",
    "agency_en",
    "category",
    "derived",
    "formula",
    "formula_zh",
    "evidence",
    "fact_id",
    "note",
    "note_zh",
    "upload_id",
]



def _lookup(keys: pd.Series, table: pd.DataFrame, column: str) -> pd.Series:
    """`str(table.at[key, column])` for every key found in `table`, NaN for the others.

    Looked up once per distinct key and mapped (a million uploaded figures hold a few hundred keys).
    """
    codes, distinct = pd.factorize(keys)  # a missing key is -1: no label
    labels = pd.array([str(table.at[k, column]) if k in table.index else None for k in distinct], dtype="str")
    return pd.Series(labels.take(codes, allow_fill=True), index=keys.index)


def _with_labels(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Labels in both languages beside every key; a key without a label stands for itself."""
    out = frame.copy()
    divisions = catalog.divisions
    regions = catalog.regions
    for lang_column, name_column in (("region_zh", "name_zh"), ("region_en", "name_en")):
        # The regions table first, then the divisions (GB/T 2260), else the code itself.
        names = _lookup(out["region_code"], regions, name_column)
        names = names.fillna(_lookup(out["region_code"], divisions, name_column))
        out[lang_column] = names.fillna(out["region_code"])
    if "metric_zh" not in out.columns:
        out["metric_zh"] = ""
        out["metric_en"] = ""
    metric_labels = {}
    for lang_column, label_column in (("metric_zh", "label_zh"), ("metric_en", "label_en")):
        labels = _lookup(out["metric_id"], catalog.metrics, label_column).astype(object)
        unknown = labels.isna().to_numpy()
        if unknown.any():
            # A metric not in the reference table keeps the label its upload gave, else its id.
            fallback = zip(out["metric_id"].to_numpy()[unknown], out[lang_column].to_numpy()[unknown], strict=True)
            labels[unknown] = [given or metric_id for metric_id, given in fallback]
        metric_labels[lang_column] = labels
    for lang_column, labels in metric_labels.items():
        out[lang_column] = labels
    for table, column, prefix in (
        ("breakdowns", "breakdown", "breakdown"),
        ("units", "unit", "unit"),
        ("agencies", "agency_id", "agency"),
    ):
        frame_ = getattr(catalog, table)
        out[f"{prefix}_zh"] = _lookup(out[column], frame_, "label_zh").fillna(out[column])
        out[f"{prefix}_en"] = _lookup(out[column], frame_, "label_en").fillna(out[column])
    return out


def uploaded_figures() -> pd.DataFrame:
    """Figures stored by uploads (empty when the store has none; a missing SQLite file is created)."""
    try:
        from loaders import store  # imported only when uploads are read (SQLAlchemy is slow to import)
    except ImportError:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    return store.read_figures()


def build_all_figures(include_uploaded: bool = True) -> pd.DataFrame:
    """Every figure the project knows: curated, derived, and uploaded, in one tidy shape."""
    catalog = load_catalog()
    parts = [build_curated_part(catalog)]
    if include_uploaded and store_may_hold_figures():
        uploaded = uploaded_figures()
        if len(uploaded):
            parts.append(build_uploaded_part(uploaded, catalog))
    return assemble_figures(parts)


def build_curated_part(catalog: Catalog) -> pd.DataFrame:
    """The curated and derived figures, labelled (`OUTPUT_COLUMNS`): the first part of every frame."""
    curated = load_curated_figures(catalog)
    prefixes = dict(zip(catalog.sources.source_id, catalog.sources.prefix, strict=True))
    derived = derive_figures(curated, prefixes)
    curated = curated.assign(derived=False, formula="", formula_zh="")
    return _finished([p for p in (curated, derived) if len(p)], catalog)


def build_uploaded_part(uploaded: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Uploaded figures (`loaders.store` frames: one upload's, or all of them) labelled (`OUTPUT_COLUMNS`).

    Every row is labelled on its own, so the frame of several uploads is the concatenation of their
    parts: a reader can label a new upload's figures and append them (`ui.data`)."""
    return _finished([uploaded], catalog)


def assemble_figures(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts (`build_curated_part`, then `build_uploaded_part`s) as one frame, each column contiguous."""
    frames = [p for p in parts if len(p)] or parts[:1]
    return _contiguous(pd.concat(frames, ignore_index=True))


def _finished(frames: list[pd.DataFrame], catalog: Catalog) -> pd.DataFrame:
    figures = pd.concat(frames, ignore_index=True)
    figures["derived"] = figures["derived"].astype(bool)
    figures["value"] = figures["value"].astype(float)
    for column in OUTPUT_COLUMNS:
        if column not in figures.columns:
            figures[column] = ""
    figures = _with_labels(figures, catalog)
    text_columns = [c for c in OUTPUT_COLUMNS if c not in ("value", "derived")]
    figures[text_columns] = figures[text_columns].fillna("").astype(str)
    return figures[OUTPUT_COLUMNS].reset_index(drop=True)


# Chunks an Arrow-backed column may keep before `_contiguous` joins them into one.
MAX_CHUNKS = 64


def _contiguous(frame: pd.DataFrame) -> pd.DataFrame:
    """Each Arrow-backed column of more than MAX_CHUNKS chunks as one chunk (concat chains them).

    Pages filter this frame on every rerun. With pandas 3.1 / pyarrow 26 a mask, `isin`, `==` or a
    take of 3,000 of a million rows costs the same on 1, 2 or 12 chunks (2.5 / 1.8 / 2.3 ms for the
    mask, 2026-12-07); with an older pyarrow a chunked take cost ~10x more. Joining every column
    copies the whole frame (5.5 s for a million figures on the loaded bench machine), which is what
    made the first page after an upload rebuild-slow; a column is joined only past MAX_CHUNKS (a
    part per upload, a few chunks each).
    """
    for column in frame.columns:
        array = frame[column].array
        if hasattr(array, "__arrow_array__"):
            chunked = array.__arrow_array__()
            if getattr(chunked, "num_chunks", 1) > MAX_CHUNKS:
                frame[column] = pd.array(chunked.combine_chunks(), dtype=frame[column].dtype)
    return frame
