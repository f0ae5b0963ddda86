"""What every page starts with: its language, the cached data, or a clear message when it cannot load."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import t
from loaders.catalog import Catalog
from ui.data import load_figures, load_reference
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


def load_page_data(lang: str) -> tuple[pd.DataFrame, Catalog]:
    """Every figure and the reference tables; a failure is shown as a message, then the page stops."""
    try:
        return load_figures(), load_reference()
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
