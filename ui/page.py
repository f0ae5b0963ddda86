"""What every page starts with: its language, the cached data, or a clear message when it cannot load."""

from __future__ import annotations

import gc

import pandas as pd
import streamlit as st

from i18n import t
from loaders.catalog import Catalog
from ui.data import load_figures_status, load_reference
from ui.language import current_lang
from ui.markdown import escape_markdown


def ensure_router() -> None:
    """Make dashboard.py the router even on a fresh server's first run.

    With a `pages/` folder beside it, Streamlit runs the very first script run of a new server in
    its legacy multipage mode (a page script alone, without dashboard.py's frame) until some run
    calls st.navigation. This switches the legacy mode off and reruns, so the first visitor gets
    the same frame, language switch and page titles as everyone after.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


_settled = False


def settle_memory() -> None:
    """After the first complete run in this server process, exempt what it built from the cyclic GC.

    The modules, the curated figures and the caches live as long as the process, yet Python's
    oldest-generation collection walks all of them: with Streamlit's forced collection after every
    run switched off (.streamlit/config.toml), one happened on the first click instead and held the
    compare page's rerun for ~90 ms (bench/RESULTS.md, interaction). `gc.freeze()` moves every object
    tracked so far to the permanent generation, once per process; what later runs create is
    collected as usual. The cyclic garbage of that first run (a few plotly figures) stays, once.
    """
    global _settled
    if not _settled:
        _settled = True
        gc.freeze()


def load_page_data(lang: str) -> tuple[pd.DataFrame, Catalog]:
    """Every figure and the reference tables; a failure is shown as a message, then the page stops.

    Without the upload database the page goes on with the curated figures, under a notice."""
    try:
        figures, with_uploads = load_figures_status()
        if not with_uploads:
            st.warning(t("app.uploads_unavailable", lang), icon=":material/cloud_off:")
        return figures, load_reference()
    except Exception as error:  # noqa: BLE001 - a broken table must read as a message, not a traceback
        st.error(escape_markdown(t("app.load_error", lang, error=error)))
        st.stop()
        raise


def start_page(title_key: str, intro_key: str | None = None) -> tuple[str, pd.DataFrame, Catalog]:
    """Language, title and introduction, then the data."""
    ensure_router()
    from ui.charts import start_chart_collection

    start_chart_collection()
    lang = current_lang()
    st.title(t(title_key, lang))
    if intro_key:
        st.caption(t(intro_key, lang))
    figures, catalog = load_page_data(lang)
    return lang, figures, catalog
