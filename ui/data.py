"""Cached data for the pages: one load of every figure and the reference tables per process.

The pure loaders do the work; these wrappers only cache. A rerun does no repeated I/O beyond one
tiny query for the store's version, so an upload saved by any process (the page, or
`python -m loaders import` while the server runs) is seen at the next rerun.

The figures frame is one object shared by every session and rerun (with a million uploaded figures,
`st.cache_data` unpickled a fresh copy on every rerun of every page). It is held here, in this
process, keyed on (database URL, store version), and NOT in `st.cache_resource`: any anonymous
client can clear Streamlit's caches (the menu's "Clear cache", or a forged `clear_cache` message
over the websocket), which would make the next visitor of every page wait for a full rebuild
(3-10 s with a million figures). Nothing a client sends clears `_FIGURES` or `_PER_STORE`; a new
store version (an upload, removal or restore, seen at the next rerun) replaces them.
It is shared and read-only by convention: pages and charts filter it (`figures[mask]`,
`.assign(...)` give new frames) and never set a column or value on it.

When the store's database cannot be reached (a stopped server, a lost network), the pages still
get the curated and derived figures, cached under the version `UNAVAILABLE`, and
`load_figures_status()` says so; the next rerun asks the database again.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import pandas as pd
import streamlit as st

from loaders import frame as frame_module
from loaders.catalog import Catalog, load_catalog
from loaders.frame import assemble_figures, build_curated_part, build_uploaded_part
from loaders.model import configured_database_url, store_may_hold_figures

log = logging.getLogger("antifraud.data")

# The store version of a database that cannot be reached now: curated and derived figures only.
UNAVAILABLE = -1


def store_key() -> tuple[str, int]:
    """(database URL, store version): what the cached figures are keyed on.

    A SQLite store file that does not exist yet holds no upload: version 0, without importing the
    store (SQLAlchemy) or creating the file. The upload page creates it with the first save.
    A database that cannot be reached: `UNAVAILABLE`.
    """
    url = configured_database_url()
    if not store_may_hold_figures(url):
        return url, 0
    from loaders.store import StoreUnavailableError, store_version

    try:
        return url, store_version()
    except StoreUnavailableError as error:  # the pages go on with the curated figures, under a notice
        log.warning("upload store unavailable: %s", error, exc_info=error)
        return url, UNAVAILABLE


T = TypeVar("T")


class SharedByKey(Generic[T]):
    """Values built once per key for the whole process (the newest `max_entries` kept), out of reach
    of Streamlit's cache clearing. Two sessions asking for the same missing key build it once."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = build()  # an error is raised to the page and nothing is kept
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
                self._building.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_FIGURES: SharedByKey[pd.DataFrame] = SharedByKey(max_entries=2)
_PER_STORE: SharedByKey[object] = SharedByKey(max_entries=64)


class UploadedParts:
    """The labelled figures of each active upload of one store, kept between store versions, so a
    new version costs only what changed: a new upload's blob is decoded and labelled, a removed
    upload's part dropped, the hides of conflict choices applied again; then the parts are put
    together behind the curated part (`loaders.frame.assemble_figures`).

    What changed is read from the database (`Store.read_state`: active uploads, hidden figures and
    the new uploads' figures, of one committed state), never inferred from this process's own
    writes, so an upload, removal or restore made by another replica is applied the same way.
    The frame equals `build_all_figures()` of that state (tests/test_data.py)."""

    def __init__(self, db_url: str):
        self.db_url = db_url
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None
        self._curated: pd.DataFrame | None = None
        self._parts: dict[str, tuple[pd.DataFrame, object]] = {}  # upload id -> (labelled, figure_index)

    def build(self) -> pd.DataFrame:
        import numpy as np

        with self._lock:
            if self._curated is None:
                self._catalog = load_catalog()
                self._curated = build_curated_part(self._catalog)
            if not store_may_hold_figures(self.db_url):
                return assemble_figures([self._curated])
            from loaders.store import Store

            state = Store(self.db_url).read_state(known=self._parts)
            for upload_id, frame in state.new.items():
                index = frame["figure_index"].to_numpy()
                self._parts[upload_id] = (build_uploaded_part(frame.drop(columns="figure_index"), self._catalog), index)
            active = set(state.order)
            for upload_id in [u for u in self._parts if u not in active]:
                del self._parts[upload_id]
            parts = [self._curated]
            for upload_id in state.order:
                if upload_id not in self._parts:
                    continue
                part, index = self._parts[upload_id]
                hidden = state.hidden.get(upload_id)
                if hidden:
                    part = part[~np.isin(index, hidden)]
                parts.append(part)
            return assemble_figures(parts)


_UPLOADED: dict[str, UploadedParts] = {}
_UPLOADED_LOCK = threading.Lock()


def _uploaded_parts(db_url: str) -> UploadedParts:
    with _UPLOADED_LOCK:
        return _UPLOADED.setdefault(db_url, UploadedParts(db_url))


def build_all_figures() -> pd.DataFrame:
    """`loaders.frame.build_all_figures()` of the configured store, made by applying the store's
    change to the uploads' parts already labelled (`UploadedParts`) instead of reading and labelling
    every figure again. (Tests replace this function to give the pages other figures.)"""
    return _uploaded_parts(configured_database_url()).build()


def _load_figures(db_url: str, version: int) -> pd.DataFrame:
    """Built once per store and store version; shared, never mutated. Under `UNAVAILABLE`: the
    curated and derived figures only."""
    if version == UNAVAILABLE:
        return _FIGURES.get((db_url, version), lambda: frame_module.build_all_figures(include_uploaded=False))
    return _FIGURES.get((db_url, version), build_all_figures)


def _figures_key() -> tuple[str, int]:
    """`store_key()`, or (url, UNAVAILABLE) when the figures of that version cannot be read now (the
    database went away after the version was read): nothing is cached under a version it lacks."""
    url, version = store_key()
    if version != UNAVAILABLE:
        from loaders.store import StoreUnavailableError

        try:
            _load_figures(url, version)
        except StoreUnavailableError as error:
            log.warning("upload store unavailable: %s", error, exc_info=error)
            return url, UNAVAILABLE
    return url, version


def load_figures_status() -> tuple[pd.DataFrame, bool]:
    """Every figure (read-only) and whether the uploaded ones are in it (False: database unreachable)."""
    url, version = _figures_key()
    return _load_figures(url, version), version != UNAVAILABLE


def load_figures() -> pd.DataFrame:
    """Every figure: curated, derived and uploaded (loaders.frame.build_all_figures). Read-only."""
    return load_figures_status()[0]


def _per_store(db_url: str, version: int, name: str, args: tuple, _build: Callable[..., T]) -> T:
    """`_build(figures, *args)` once per store version, name and args (`_build` is not part of the key)."""
    return _PER_STORE.get((db_url, version, name, args), lambda: _build(_load_figures(db_url, version), *args))


def per_store(name: str, build: Callable[..., T], *args: object) -> T:
    """What a page reads off every figure (its choices, its slice), computed once per store version.

    `name` names `build` in the cache key: one name, one function. The result is shared by every
    session and rerun like the figures themselves: read-only by convention.
    """
    return _per_store(*_figures_key(), name, args, build)


@st.cache_resource(show_spinner=False)
def load_reference() -> Catalog:
    """The reference tables (metrics, units, regions, sources, …); shared, never mutated."""
    return load_catalog()


def clear_data_cache() -> None:
    """Forget the figures and what pages derived from them (the server's own code, never a client)."""
    _FIGURES.clear()
    _PER_STORE.clear()
    with _UPLOADED_LOCK:
        _UPLOADED.clear()
    load_reference.clear()
