"""Cached data for the pages: one load of every figure and the reference tables per process.

The pure loaders do the work; these wrappers only cache. A rerun does no repeated I/O. After an
upload changes the store, call `clear_data_cache()` so every page sees the new figures.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.catalog import Catalog, load_catalog
from loaders.figures import build_all_figures


@st.cache_data(show_spinner=False)
def load_figures() -> pd.DataFrame:
    """Every figure: curated, derived and uploaded (loaders.figures.build_all_figures)."""
    return build_all_figures()


@st.cache_resource(show_spinner=False)
def load_reference() -> Catalog:
    """The reference tables (metrics, units, regions, sources, …); shared, never mutated."""
    return load_catalog()


def clear_data_cache() -> None:
    load_figures.clear()
    load_reference.clear()
