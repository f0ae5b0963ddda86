"""Where the figures on screen come from: the store's active uploads, and the sidebar's sentence saying so."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import t
from ui.data import UNAVAILABLE, load_reference, store_key
from ui.markdown import escape_markdown

UPLOAD_COLUMNS = ["upload_id", "file_name", "uploader", "uploaded_at"]
FILES_NAMED = 3  # the sidebar names a few files, then says how many uploads there are


@st.cache_resource(show_spinner=False, max_entries=2)
def _active_uploads(db_url: str, version: int) -> pd.DataFrame:
    """Active uploads, newest first, once per store version (shared, read-only)."""
    if version in (0, UNAVAILABLE):  # no store file yet (no SQLAlchemy import: cold start), or no database now
        return pd.DataFrame(columns=UPLOAD_COLUMNS)
    from loaders.store import Store

    return Store(db_url).list_uploads(include_removed=False)[UPLOAD_COLUMNS]


def load_uploads() -> pd.DataFrame:
    """The uploads whose figures the pages show: upload_id, file_name, uploader, uploaded_at (UTC)."""
    url, version = store_key()
    if version in (0, UNAVAILABLE):
        return _active_uploads(url, version)
    from loaders.store import StoreUnavailableError

    try:
        return _active_uploads(url, version)
    except StoreUnavailableError:  # gone since its version was read: nothing cached, the next run asks again
        return pd.DataFrame(columns=UPLOAD_COLUMNS)


def about_text(lang: str) -> str:
    """The sidebar's sentence: which press conferences the official figures come from, and whether
    (and which) uploaded figures are included. Uploaded names are escaped (they are user text)."""
    sources = load_reference().sources
    citations = t("list.separator", lang).join(sources["citation_zh" if lang == "zh" else "citation_en"])
    text = t("app.about_official", lang, sources=citations)
    space = "" if lang == "zh" else " "
    if store_key()[1] == UNAVAILABLE:
        return text + space + t("app.uploads_unavailable", lang)
    uploads = load_uploads()
    if uploads.empty:
        return text + space + t("app.about_no_uploads", lang)
    files = t("list.separator", lang).join(dict.fromkeys(uploads["file_name"].astype(str).head(FILES_NAMED)))
    if uploads["file_name"].nunique() > FILES_NAMED:
        files += "…"
    return text + space + t("app.about_uploads", lang, uploads=len(uploads), files=files)


def render_about(lang: str) -> None:
    st.sidebar.caption(escape_markdown(about_text(lang)))
