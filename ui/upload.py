"""The upload page's parts: access, templates, check and preview, conflicts, save, past uploads.

Everything read from a file is shown through dataframes or escaped text, never as Markdown/HTML.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from charts.tables import shown_value
from i18n import format_number, t
from i18n.upload import format_beijing_time
from loaders import access
from loaders.catalog import Catalog
from loaders.messages import Message
from loaders.store import DuplicateUploadError, Store, StoreError, StoreUnavailableError, database_url
from loaders.tables import CheckReport, check_bytes
from loaders.template import build_template_csv, build_template_xlsx
from ui.access import verify_guess
from ui.data import clear_data_cache
from ui.markdown import escape_markdown

FLASH_KEY = "upload_flash"
# Bumped after a save: the file uploader gets a new key and comes back empty, so the file just stored
# is not checked again and reported as "already uploaded" (issue 11.6).
UPLOADER_GENERATION = "upload_file_generation"
MANAGE_CHOICE = "upload_manage_chosen"
# What the uploader offers is what the checker reads: CSV/TXT text tables and XLSX workbooks. Old
# binary .xls workbooks are refused by loaders.reading, so they are not offered (issue 11.5).
ACCEPTED_TYPES = ["csv", "xlsx", "txt"]
# The uploader's own texts ("Upload", "100MB per file • CSV, XLSX") are fixed English in Streamlit
# 1.67 and cannot be passed in: the dropzone's instruction line is hidden (the widget's label says
# types and size in the user's language) and the button's text is replaced, both by CSS on the
# dropzone's test ids. tests/e2e/test_upload_page_e2e.py checks what the browser shows.
DROPZONE_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p {{
  font-size: 0; }}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p::after {{
  content: "{browse}"; font-size: 1rem; }}
</style>"""


@st.cache_resource(show_spinner=False)
def get_store(url: str) -> Store:
    """One store (and connection pool) per database URL for the whole server."""
    return Store(url)


def current_store() -> Store:
    return get_store(database_url())


@st.cache_data(show_spinner=False, max_entries=8)
def check_upload(data: bytes, filename: str) -> CheckReport:
    """The validation report of an uploaded file (cached by content, so reruns don't re-check)."""
    return check_bytes(data, filename)


@st.cache_data(show_spinner=False)
def template_bytes() -> tuple[bytes, bytes]:
    return build_template_xlsx(), build_template_csv()


def max_upload_mb() -> int:
    return int(st.get_option("server.maxUploadSize"))


def render_dropzone_texts(lang: str) -> None:
    """The file uploader's built-in English replaced by the catalogue's words (see DROPZONE_CSS)."""
    browse = t("upload.browse", lang).replace("\\", "").replace('"', "")
    st.html(DROPZONE_CSS.format(browse=browse))


def render_access(lang: str) -> bool:
    """The passphrase box when one is configured; True when uploading/removing is allowed."""
    try:
        secrets = st.secrets
        configured = access.configured_hash(secrets)
    except Exception:  # noqa: BLE001 - no secrets.toml at all
        configured = access.configured_hash(None)
    if not configured:
        st.info(t("upload.open", lang), icon=":material/lock_open:")
        return True
    passphrase = st.text_input(
        t("upload.passphrase", lang), type="password", key="upload_passphrase", help=t("upload.passphrase_help", lang)
    )
    try:
        verdict = verify_guess(passphrase, configured)  # counted and throttled (ui.access)
    except access.PassphraseConfigError:
        st.error(t("upload.bad_config", lang))
        return False
    ok = verdict.ok
    if verdict.retry_after:
        st.error(t("upload.locked_out", lang, seconds=verdict.retry_after), icon=":material/lock:")
    elif ok:
        st.success(t("upload.unlocked", lang), icon=":material/lock_open:")
    elif passphrase:
        st.error(t("upload.wrong_passphrase", lang))
    else:
        st.warning(t("upload.locked", lang), icon=":material/lock:")
    return ok


def render_templates(lang: str) -> None:
    st.subheader(t("upload.templates", lang))
    st.caption(t("upload.templates_help", lang))
    xlsx, csv = template_bytes()
    left, right = st.columns(2)
    left.download_button(
        t("upload.template_xlsx", lang),
        data=xlsx,
        file_name="反诈数据上传模板.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="upload_template_xlsx",
        icon=":material/table_view:",
    )
    right.download_button(
        t("upload.template_csv", lang),
        data=csv,
        file_name="反诈数据上传模板.csv",
        mime="text/csv",
        key="upload_template_csv",
        icon=":material/description:",
    )


def messages_frame(messages: list[Message], lang: str) -> pd.DataFrame:
    """The validation report as a table the analyst reads beside their spreadsheet."""
    return pd.DataFrame(
        {
            t("upload.col.level", lang): [t(f"upload.level.{m.level}", lang) for m in messages],
            t("upload.col.row", lang): [m.row if m.row is not None else "" for m in messages],
            t("upload.col.column", lang): [m.column or "" for m in messages],
            t("upload.col.message", lang): [m.message_zh if lang == "zh" else m.message_en for m in messages],
            t("upload.col.code", lang): [m.code for m in messages],
        }
    ).astype(str)


# The preview shows the first rows only: a million-figure upload would otherwise send every row to
# the browser (and work out each row's text here first). The count says how many there are.
PREVIEW_ROWS = 1_000


def preview_frame(report: CheckReport, catalog: Catalog, lang: str, limit: int | None = PREVIEW_ROWS) -> pd.DataFrame:
    """The figures to be stored as the pages will show them: the first `limit` (None: every one)."""
    figures = report.figures if limit is None else report.figures.head(limit)
    name_col = "name_zh" if lang == "zh" else "name_en"

    def region(code: str) -> str:
        if code in catalog.divisions.index:
            return str(catalog.divisions.at[code, name_col])
        return code

    def metric(row) -> str:
        if row.metric_id in catalog.metrics.index:
            return str(catalog.metrics.at[row.metric_id, "label_zh" if lang == "zh" else "label_en"])
        return str(row.metric_zh if lang == "zh" else (row.metric_en or row.metric_zh))

    # The value as the pages show it (charts.tables.shown_value, the sources table's 显示为): a change
    # keeps its direction and basis (同比下降32.1%), a level its qualifier symbol and unit.
    shown_columns = ["measure", "value", "unit", "qualifier", "direction", "basis"]
    return pd.DataFrame(
        {
            t("upload.col.source_row", lang): figures.get("source_row", pd.Series([""] * len(figures))).astype(str),
            t("upload.col.region", lang): [region(c) for c in figures.region_code],
            t("upload.col.metric", lang): [metric(r) for r in figures.itertuples()],
            t("upload.col.value", lang): [
                shown_value(dict(zip(shown_columns, row, strict=True)), lang)
                for row in figures[shown_columns].itertuples(index=False, name=None)
            ],
            t("upload.col.qualifier", lang): [t(f"qualifier.{q or 'exact'}", lang) for q in figures.qualifier],
            t("upload.col.period", lang): [f"{s} – {e}" for s, e in zip(figures.period_start, figures.period_end, strict=True)],
        }
    )


def render_report(report: CheckReport, filename: str, lang: str) -> None:
    errors = sum(m.level == "error" for m in report.messages)
    warnings = sum(m.level == "warning" for m in report.messages)
    text = t(
        f"upload.status.{report.status}",
        lang,
        file=filename,
        rows=report.rows,
        figures=len(report.figures),
        errors=errors,
        warnings=warnings,
    )
    show = {"accepted": st.success, "accepted_with_warnings": st.warning, "rejected": st.error}[report.status]
    show(escape_markdown(text))
    if report.encoding or report.sheet:
        st.caption(escape_markdown(t("upload.details", lang, encoding=report.encoding or "—", sheet=report.sheet or "—")))
    if report.messages:
        st.markdown(f"**{t('upload.report', lang)}**")
        st.dataframe(messages_frame(report.messages, lang), hide_index=True, width="stretch", key="upload_report_table")


def render_conflicts(conflicts: pd.DataFrame, catalog: Catalog, lang: str) -> dict[str, str]:
    """Both values side by side with a per-row choice; returns {conflict_key: "new"|"existing"}."""
    st.warning(t("upload.conflicts", lang, n=len(conflicts)))
    keep_existing, keep_new = t("upload.choice.existing", lang), t("upload.choice.new", lang)
    name_col = "name_zh" if lang == "zh" else "name_en"
    table = pd.DataFrame(
        {
            t("upload.col.region", lang): [
                str(catalog.divisions.at[c, name_col]) if c in catalog.divisions.index else c for c in conflicts.region_code
            ],
            t("upload.col.metric", lang): conflicts.metric_zh.astype(str),
            t("upload.col.period", lang): [
                f"{s} – {e}" for s, e in zip(conflicts.period_start, conflicts.period_end, strict=True)
            ],
            t("upload.col.existing", lang): [
                format_number(float(v), u, q, lang)
                for v, u, q in zip(conflicts.existing_value, conflicts.existing_unit, conflicts.existing_qualifier, strict=True)
            ],
            t("upload.col.new", lang): [
                format_number(float(v), u, q, lang)
                for v, u, q in zip(conflicts.new_value, conflicts.new_unit, conflicts.new_qualifier, strict=True)
            ],
            t("upload.col.existing_from", lang): conflicts.existing_upload_id.astype(str),
            t("upload.col.choice", lang): keep_existing,
        }
    )
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        key="upload_conflicts",
        disabled=[c for c in table.columns if c != t("upload.col.choice", lang)],
        column_config={
            t("upload.col.choice", lang): st.column_config.SelectboxColumn(
                options=[keep_existing, keep_new], required=True
            )
        },
    )
    choices = edited[t("upload.col.choice", lang)].tolist()
    return {
        key: ("new" if choice == keep_new else "existing")
        for key, choice in zip(conflicts.conflict_key, choices, strict=True)
    }


def render_save(report: CheckReport, data: bytes, filename: str, replace: dict[str, str], allowed: bool, lang: str) -> None:
    uploader = st.text_input(t("upload.uploader", lang), key="upload_uploader", max_chars=80)
    clicked = st.button(
        t("upload.confirm", lang), type="primary", key="upload_confirm", disabled=not allowed, icon=":material/save:"
    )
    if not clicked:
        return
    if not uploader.strip():
        st.error(t("upload.uploader_required", lang))
        return
    bar = st.progress(0.0, text=t("upload.saving", lang, done=0, total=len(report.figures)))

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=t("upload.saving", lang, done=done, total=total))

    try:
        upload_id = current_store().save_upload(
            report, data, filename, uploader.strip(), replace=replace or None, progress=progress
        )
    except StoreError as error:
        bar.empty()
        st.error(escape_markdown(t("upload.save_failed", lang, error=error.text(lang))))
        return
    bar.empty()
    clear_data_cache()
    st.session_state[FLASH_KEY] = t("upload.saved", lang, file=filename, figures=len(report.figures), upload_id=upload_id)
    st.session_state[UPLOADER_GENERATION] = st.session_state.get(UPLOADER_GENERATION, 0) + 1
    st.rerun()


def render_flash() -> None:
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(escape_markdown(flash), icon=":material/check_circle:")


def render_upload(catalog: Catalog, allowed: bool, lang: str) -> None:
    render_dropzone_texts(lang)
    generation = st.session_state.setdefault(UPLOADER_GENERATION, 0)
    uploaded = st.file_uploader(
        t("upload.file", lang, limit=max_upload_mb()),
        type=ACCEPTED_TYPES,
        key=f"upload_file_{generation}" if generation else "upload_file",
        disabled=not allowed,
    )
    if uploaded is None:
        return
    data = uploaded.getvalue()
    filename = uploaded.name
    with st.status(escape_markdown(t("upload.checking", lang, file=filename)), expanded=False) as status:
        report = check_upload(data, filename)
        status.update(label=escape_markdown(t("upload.checked", lang, file=filename)), state="complete")
    render_report(report, filename, lang)
    if report.status == "rejected" or report.figures.empty:
        return
    st.markdown(f"**{t('upload.preview', lang)}**")
    if len(report.figures) > PREVIEW_ROWS:
        st.caption(t("upload.preview_first", lang, shown=f"{PREVIEW_ROWS:,}", total=f"{len(report.figures):,}"))
    st.dataframe(preview_frame(report, catalog, lang), hide_index=True, width="stretch", key="upload_preview")
    try:
        store = current_store()
        duplicate: DuplicateUploadError | None = store.find_duplicate(data)
        conflicts = store.find_conflicts(report.figures) if duplicate is None else None
    except StoreUnavailableError as error:
        st.error(escape_markdown(t("upload.store_unavailable", lang, error=error.text(lang))))
        return
    if duplicate is not None:
        st.warning(
            escape_markdown(
                t(
                    "upload.duplicate",
                    lang,
                    when=format_beijing_time(duplicate.uploaded_at),
                    who=duplicate.uploader,
                    upload_id=duplicate.upload_id,
                    file=duplicate.file_name,
                )
            )
        )
        return
    differing = conflicts[~conflicts.same_value.astype(bool)] if len(conflicts) else conflicts
    replace = render_conflicts(differing, catalog, lang) if len(differing) else {}
    render_save(report, data, filename, replace, allowed, lang)


def render_history(allowed: bool, lang: str) -> None:
    st.subheader(t("upload.history", lang))
    try:
        store = current_store()
        uploads = store.list_uploads(include_removed=True)
    except StoreUnavailableError as error:
        st.error(escape_markdown(t("upload.history_unavailable", lang, error=error.text(lang))))
        return
    if uploads.empty:
        st.caption(t("upload.history_empty", lang))
        return
    table = pd.DataFrame(
        {
            t("upload.col.upload_id", lang): uploads.upload_id,
            t("upload.col.file", lang): uploads.file_name,
            t("upload.col.uploader", lang): uploads.uploader,
            t("upload.col.when", lang): [format_beijing_time(moment) for moment in uploads.uploaded_at],
            t("upload.col.rows", lang): uploads.row_count,
            t("upload.col.figures", lang): uploads.figure_count,
            t("upload.col.status", lang): [t(f"upload.status_{s}", lang) for s in uploads.status],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="upload_history_table")
    labels = {
        row.upload_id: f"{row.upload_id} · {row.file_name} · {t(f'upload.status_{row.status}', lang)}"
        for row in uploads.itertuples()
    }
    # The labels carry each upload's status; a selectbox keyed only by name kept showing the old
    # labels after a removal or restore. Its key follows the labels, and the choice is kept aside.
    signature = hashlib.sha256("\n".join(labels.values()).encode()).hexdigest()[:12]
    previous = st.session_state.get(MANAGE_CHOICE)
    index = list(labels).index(previous) if previous in labels else 0
    chosen = st.selectbox(
        t("upload.manage", lang),
        options=list(labels),
        index=index,
        format_func=labels.get,
        key=f"upload_manage_id_{signature}",
    )
    st.session_state[MANAGE_CHOICE] = chosen
    status = uploads.set_index("upload_id").at[chosen, "status"]
    left, middle, right = st.columns(3)
    who = st.session_state.get("upload_uploader", "") or "dashboard"
    try:
        if status == "active" and left.button(
            t("upload.remove", lang), key="upload_remove", disabled=not allowed, icon=":material/delete:"
        ):
            store.remove_upload(chosen, who)
            clear_data_cache()
            st.session_state[FLASH_KEY] = t("upload.removed", lang, upload_id=chosen)
            st.rerun()
        if status != "active" and left.button(
            t("upload.restore", lang), key="upload_restore", disabled=not allowed, icon=":material/restore:"
        ):
            store.restore_upload(chosen, who)
            clear_data_cache()
            st.session_state[FLASH_KEY] = t("upload.restored", lang, upload_id=chosen)
            st.rerun()
    except StoreError as error:
        st.error(escape_markdown(t("upload.action_failed", lang, error=error.text(lang))))
    middle.download_button(
        t("upload.download_original", lang),
        data=lambda: store.original_bytes(chosen),
        file_name=str(uploads.set_index("upload_id").at[chosen, "file_name"]),
        key="upload_download_original",
        disabled=not allowed,
        icon=":material/download:",
    )
    del right
