"""Selections kept in the URL (st.query_params), so a link reproduces the view.

Each page widget has a key `<page>_<thing>` and a short URL parameter. `init_*` seeds the widget's
state from the URL (keeping only allowed values) before the widget is drawn; `sync_param` writes the
chosen value back after it.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


def init_choice(key: str, param: str, options: Sequence[str], default: str) -> None:
    if key in st.session_state and st.session_state[key] in options:
        return
    value = st.query_params.get(param)
    st.session_state[key] = value if value in options else default


def init_choices(key: str, param: str, options: Sequence[str], default: Sequence[str]) -> None:
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
        return
    values = [v for v in st.query_params.get_all(param) if v in options]
    st.session_state[key] = values or [v for v in default if v in options]


def init_flag(key: str, param: str, default: bool) -> None:
    if key in st.session_state:
        return
    value = st.query_params.get(param)
    st.session_state[key] = default if value is None else value == "1"


def init_text(key: str, param: str, default: str = "") -> None:
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(param, default)


def sync_param(key: str, param: str, default: object) -> None:
    """Write the widget's value to the URL; a default value leaves the URL clean."""
    value = st.session_state.get(key)
    if isinstance(value, bool):
        value = "1" if value else "0"
        default = "1" if default else "0"
    if value == default or value in (None, "", []) or (isinstance(value, list) and list(value) == list(default)):
        if param in st.query_params:
            del st.query_params[param]
        return
    st.query_params[param] = value
