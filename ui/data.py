"""Cached data for the pages: one load of every figure and the reference tables per process.

The pure loaders do the work; these wrappers only cache. A rerun does no repeated I/O beyond one
tiny query for the store's version, so an upload saved by any process (the page, or
`python -m loaders import` while the server runs) is seen at the next rerun.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.catalog import Catalog, load_catalog
from loaders.figures import build_all_figures
from loaders.store import database_url, store_version


@st.cache_data(show_spinner=False, max_entries=4)
def _load_figures(db_url: str, version: int) -> pd.DataFrame:
    """Cached per store and store version (the arguments are the cache key)."""
    del db_url, version
    return build_all_figures()


def load_figures() -> pd.DataFrame:
    """Every figure: curated, derived and uploaded (loaders.figures.build_all_figures)."""
    return _load_figures(database_url(), store_version())


@st.cache_resource(show_spinner=False)
def load_reference() -> Catalog:
    """The reference tables (metrics, units, regions, sources, …); shared, never mutated."""
    return load_catalog()


def clear_data_cache() -> None:
    _load_figures.clear()
    load_reference.clear()
