"""The language switch in the sidebar, kept in the URL as ?lang=zh|en (中文 by default)."""

from __future__ import annotations

import streamlit as st

from i18n import LANGUAGES, normalise_lang, t

LANG_KEY = "dashboard_lang"
LANG_PARAM = "lang"


def current_lang() -> str:
    """The chosen language: the widget's state, else the URL, else Chinese."""
    if LANG_KEY in st.session_state:
        return normalise_lang(st.session_state[LANG_KEY])
    return normalise_lang(st.query_params.get(LANG_PARAM, "zh"))


def render_language_switch() -> str:
    """The 中文 / English radio in the sidebar; returns "zh" or "en" and writes ?lang=."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalise_lang(st.query_params.get(LANG_PARAM, "zh"))
    lang = st.session_state[LANG_KEY]
    st.sidebar.radio(
        t("app.language", lang),
        options=list(LANGUAGES),
        format_func=LANGUAGES.get,
        key=LANG_KEY,
        horizontal=True,
    )
    lang = normalise_lang(st.session_state[LANG_KEY])
    st.query_params[LANG_PARAM] = lang
    return lang
