"""Region pickers grouped by level and searchable by name, level or code; the populations a page uses.

Streamlit's multiselect searches the labels it shows, so a region's label carries its level and its
GB/T 2260 code ("百色市 · 地市级 · 451000"), and the options are listed by level (全国, 省级, 地市级,
县级, then anything without a known level) and by code within a level.

Usage (any page): `codes = order_by_level(codes, catalog)`, then
`st.multiselect(label, codes, format_func=region_labels(names, catalog, lang).get, key=..., help=t("regions.help", lang))`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

import pandas as pd

from i18n import t
from loaders.catalog import Catalog

LEVEL_ORDER = ("country", "province", "prefecture", "county")

_populations_lock = threading.Lock()
_populations: dict[tuple, pd.DataFrame] = {}


_levels_lock = threading.Lock()
_levels: dict[int, tuple[Catalog, dict[str, str]]] = {}


def _level_map(catalog: Catalog) -> dict[str, str]:
    """code -> level of the catalog's divisions and regions (regions win), made once per catalog."""
    with _levels_lock:
        held = _levels.get(id(catalog))
        if held is None or held[0] is not catalog:
            levels: dict[str, str] = {}
            for table in (catalog.divisions, catalog.regions):
                if "level" in table.columns:
                    levels.update({str(k): str(v) for k, v in table["level"].items()})
            _levels.clear()
            held = _levels[id(catalog)] = (catalog, levels)
    return held[1]


def region_level(catalog: Catalog, code: str) -> str:
    """The level of a region code (country, province, prefecture, county), or "" when unknown."""
    return _level_map(catalog).get(code, "")


def order_by_level(codes: Iterable[str], catalog: Catalog) -> list[str]:
    """The codes by level (country first, unknown levels last), then by code."""
    rank = {level: i for i, level in enumerate(LEVEL_ORDER)}
    return sorted(codes, key=lambda code: (rank.get(region_level(catalog, code), len(LEVEL_ORDER)), code))


def region_labels(names: Mapping[str, str], catalog: Catalog, lang: str) -> dict[str, str]:
    """code -> "name · level · code", the label a picker shows and searches."""
    labels = {}
    for code, name in names.items():
        level = region_level(catalog, code)
        if level in LEVEL_ORDER:
            labels[code] = t("regions.label", lang, name=name, level=t(f"compare.level.{level}", lang), code=code)
        else:
            labels[code] = f"{name} · {code}"
    return labels


def load_populations() -> pd.DataFrame:
    """The census and uploaded populations, read again only when an upload added rows.

    Held in the process (like the figures): shared and read-only. When the store cannot be read the
    census alone is used, and the compare caveats still name every population's year and source.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from loaders.populations import (
        combine_populations,
        curated_populations,
        read_uploaded_populations,
        uploaded_populations_key,
    )
    from loaders.store import StoreError, database_url

    url = database_url()
    try:
        key = (url, *uploaded_populations_key(url))
    except (StoreError, SQLAlchemyError):
        return curated_populations()
    with _populations_lock:
        table = _populations.get(key)
        if table is None:
            _populations.clear()
            table = _populations[key] = combine_populations(read_uploaded_populations(url))
    return table
