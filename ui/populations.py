"""The upload page's population section: a table of region, year, 常住人口 and source in, checked,
previewed, stored on confirmation, and every uploaded population listed as uploaded."""

from __future__ import annotations

import streamlit as st

from i18n import t
from loaders.populations import read_population_table, read_uploaded_populations, save_populations
from ui.markdown import escape_markdown

ACCEPTED_TYPES = ["csv", "txt", "xlsx"]
FLASH_KEY = "populations_flash"
GENERATION_KEY = "populations_generation"  # bumped after a save: the file box comes back empty


def render_population_upload(allowed: bool, lang: str) -> None:
    """An expander of its own under the figure upload."""
    flash = st.session_state.pop(FLASH_KEY, None)
    with st.expander(t("populations.heading", lang), expanded=bool(flash), icon=":material/groups:"):
        if flash:
            st.success(escape_markdown(flash), icon=":material/check_circle:")
        st.caption(t("populations.intro", lang))
        generation = st.session_state.setdefault(GENERATION_KEY, 0)
        uploaded = st.file_uploader(
            t("populations.file", lang), type=ACCEPTED_TYPES, key=f"populations_file_{generation}", disabled=not allowed
        )
        if uploaded is not None:
            _render_check(uploaded.getvalue(), uploaded.name, allowed, lang)
        _render_stored(lang)


def _render_check(data: bytes, file_name: str, allowed: bool, lang: str) -> None:
    report = read_population_table(data, file_name)
    errors = [line for m, line in zip(report.messages, report.lines(lang), strict=True) if m.level == "error"]
    notes = [line for m, line in zip(report.messages, report.lines(lang), strict=True) if m.level != "error"]
    if errors:
        st.error("\n".join([f"**{t('populations.has_errors', lang)}**", ""] + [f"- {escape_markdown(line)}" for line in errors]))
    if notes:
        st.warning("\n".join([f"**{t('populations.notes', lang)}**", ""] + [f"- {escape_markdown(line)}" for line in notes]))
    if not report.ok:
        return
    frame = report.frame
    st.markdown(f"**{t('populations.preview', lang, count=len(frame))}**")
    st.dataframe(
        {
            t("populations.column.row", lang): frame["row"],
            t("populations.column.region", lang): frame["name_zh"],
            t("populations.column.code", lang): frame["region_code"],
            t("populations.column.year", lang): frame["year"],
            t("populations.column.population", lang): frame["population"],
            t("populations.column.source", lang): frame["source"],
        },
        hide_index=True,
        key="populations_preview",
    )
    uploader = st.text_input(t("upload.uploader", lang), key="populations_uploader", max_chars=80)
    if not allowed:
        st.caption(t("populations.locked", lang))
    if not st.button(t("populations.save", lang), key="populations_save", disabled=not allowed, icon=":material/save:"):
        return
    if not uploader.strip():
        st.error(t("upload.uploader_required", lang))
        return
    try:
        count = save_populations(report, uploader.strip())
    except Exception as error:  # noqa: BLE001 - the store's errors and the driver's, shown, never a traceback
        text = error.text(lang) if hasattr(error, "text") else type(error).__name__
        st.error(escape_markdown(t("populations.store_error", lang, error=text)))
        return
    st.session_state[FLASH_KEY] = t("populations.saved", lang, count=count)
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    st.rerun()


def _render_stored(lang: str) -> None:
    try:
        stored = read_uploaded_populations()
    except Exception:  # noqa: BLE001 - an unreadable store: the section says nothing rather than failing the page
        return
    if stored.empty:
        return
    st.markdown(f"**{t('populations.stored', lang)}**")
    shown = stored.iloc[::-1]  # newest first
    st.dataframe(
        {
            t("populations.column.code", lang): shown["region_code"],
            t("populations.column.year", lang): shown["year"],
            t("populations.column.population", lang): shown["population"].astype("int64"),
            t("populations.column.source", lang): shown["source"],
            t("populations.column.file", lang): shown["file_name"],
            t("upload.uploader", lang): shown["uploader"],
            t("populations.column.uploaded_at", lang): [v.strftime("%Y-%m-%d %H:%M UTC") for v in shown["uploaded_at"]],
        },
        hide_index=True,
        key="populations_stored",
    )
