"""What every page starts with: its language, the cached data, or a clear message when it cannot load."""

from __future__ import annotations

import gc
import logging
import uuid

import pandas as pd
import streamlit as st

from i18n import t
from loaders.catalog import Catalog
from loaders.messages import BilingualError
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


log = logging.getLogger("antifraud.page")


def report_error(error: BaseException, lang: str, key: str = "app.page_failed") -> str:
    """Tell the viewer in their language, without internals (paths, SQL, tracebacks: a viewer may be
    anyone); log the details on the server under a reference the message gives. The reference."""
    reference = uuid.uuid4().hex[:8]
    log.error("%s (reference %s)", key, reference, exc_info=error)
    st.error(t(key, lang, reference=reference), icon=":material/error:")
    return reference


def load_page_data(lang: str) -> tuple[pd.DataFrame, Catalog]:
    """Every figure and the reference tables; a failure is shown as a message, then the page stops.

    A BilingualError was written for people and is shown; anything else (a database, file or
    programming error) shows a message with a log reference instead of its text. Without the upload
    database the page goes on with the curated figures, under a notice."""
    try:
        figures, with_uploads = load_figures_status()
        if not with_uploads:
            st.warning(t("app.uploads_unavailable", lang), icon=":material/cloud_off:")
        return figures, load_reference()
    except BilingualError as error:
        log.warning("data could not be loaded: %s", error)
        st.error(escape_markdown(t("app.load_error", lang, error=error.text(lang))))
        st.stop()
        raise
    except Exception as error:  # noqa: BLE001 - a broken store must read as a message, not a traceback
        report_error(error, lang, "app.load_failed")
        st.stop()
        raise


def run_page(page, lang: str) -> None:
    """`page.run()` (dashboard.py); an error the page did not handle shows as a message, not a traceback.

    st.stop and st.rerun are not Exceptions and pass through. Errors outside the page run (a
    fragment's rerun, a widget callback) reach Streamlit's own handler, which shows no details
    (`client.showErrorDetails = "none"` in .streamlit/config.toml) and logs them."""
    try:
        page.run()
    except Exception as error:  # noqa: BLE001 - see the docstring
        report_error(error, lang)


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
