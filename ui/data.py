"""Cached data for the pages: one load of every figure and the reference tables per process.

The pure loaders do the work; these wrappers only cache. A rerun does no repeated I/O beyond one
tiny query for the store's version, so an upload saved by any process (the page, or
`python -m loaders import` while the server runs) is seen at the next rerun.

The figures frame is an `st.cache_resource`: every session and rerun gets the same object (with a
million uploaded figures, `st.cache_data` unpickled a fresh copy on every rerun of every page).
It is shared and read-only by convention: pages and charts filter it (`figures[mask]`,
`.assign(...)` give new frames) and never set a column or value on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from loaders.catalog import Catalog, load_catalog
from loaders.frame import build_all_figures
from loaders.model import configured_database_url, store_may_hold_figures


def store_key() -> tuple[str, int]:
    """(database URL, store version): what the cached figures are keyed on.

    A SQLite store file that does not exist yet holds no upload: version 0, without importing the
    store (SQLAlchemy) or creating the file. The upload page creates it with the first save.
    """
    url = configured_database_url()
    if not store_may_hold_figures(url):
        return url, 0
    from loaders.store import store_version

    return url, store_version()


@st.cache_resource(show_spinner=False, max_entries=2)
def _load_figures(db_url: str, version: int) -> pd.DataFrame:
    """Cached per store and store version (the arguments are the cache key); shared, never mutated."""
    del db_url, version
    return build_all_figures()


def load_figures() -> pd.DataFrame:
    """Every figure: curated, derived and uploaded (loaders.frame.build_all_figures). Read-only."""
    return _load_figures(*store_key())


T = TypeVar("T")


@st.cache_resource(show_spinner=False, max_entries=64)
def _per_store(db_url: str, version: int, name: str, args: tuple, _build: Callable[..., T]) -> T:
    """`_build(figures, *args)` once per store version, name and args (`_build` is not part of the key)."""
    return _build(_load_figures(db_url, version), *args)


def per_store(name: str, build: Callable[..., T], *args: object) -> T:
    """What a page reads off every figure (its choices, its slice), computed once per store version.

    `name` names `build` in the cache key: one name, one function. The result is shared by every
    session and rerun like the figures themselves: read-only by convention.
    """
    return _per_store(*store_key(), name, args, build)


@st.cache_resource(show_spinner=False)
def load_reference() -> Catalog:
    """The reference tables (metrics, units, regions, sources, …); shared, never mutated."""
    return load_catalog()


def clear_data_cache() -> None:
    _load_figures.clear()
    _per_store.clear()
    load_reference.clear()
