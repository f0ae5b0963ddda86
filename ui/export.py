"""Export buttons: per chart (PNG 16:9 or 4:3, SVG, PDF, CSV) and per page (PPTX deck, XLSX workbook).

Chart files are generated only when a button is clicked (Streamlit's deferred `download_button`
data), and their bytes are cached by chart content, so a rerun never renders an image. The page
export builds its deck and workbook when "导出本页 / Export this page" is clicked, with a progress
bar, then offers both files. plotly's own modebar download is left as it is (the quick path).
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import date

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from charts.data import localise_columns
from charts.export import ExportError, find_browser, to_image
from charts.spec import Chart

# charts.deck (python-pptx) and charts.workbook (openpyxl) are imported when a file is asked for:
# importing them with the first chart added about 0.3 s to the dashboard's cold start.

MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ASPECTS = ("16:9", "4:3")

WORDS = {
    "zh": {
        "export": "导出",
        "aspect": "图片比例",
        "png": "PNG 图片",
        "svg": "SVG",
        "pdf": "PDF",
        "csv": "CSV 数据",
        "hint": "图片为 1920×1080（4:3 为 1440×1080），含标题、注释和数据来源，点击即生成。",
        "failed": "上次导出没有成功：{message}",
        "page_export": "导出本页",
        "page_help": "生成 PPTX 演示文稿（每张图一页）和 XLSX 工作簿（每张图一个工作表）。",
        "building": "正在生成第 {done}/{total} 张幻灯片…",
        "building_workbook": "正在生成工作簿…",
        "built": "已生成：演示文稿 {slides} 页（{charts} 张图表），工作簿 {sheets} 个工作表。",
        "built_no_deck": "已生成工作簿 {sheets} 个工作表；演示文稿未能生成。",
        "download_pptx": "下载 PPTX 演示文稿",
        "download_xlsx": "下载 XLSX 工作簿",
        "no_charts": "本页没有可导出的图表。",
    },
    "en": {
        "export": "Export",
        "aspect": "Image shape",
        "png": "PNG image",
        "svg": "SVG",
        "pdf": "PDF",
        "csv": "CSV data",
        "hint": "Images are 1920×1080 (1440×1080 for 4:3) with title, notes and source; made when you click.",
        "failed": "The last export did not succeed: {message}",
        "page_export": "Export this page",
        "page_help": "Makes a PPTX deck (one slide per chart) and an XLSX workbook (one sheet per chart).",
        "building": "Making slide {done} of {total}…",
        "building_workbook": "Making the workbook…",
        "built": "Ready: a deck of {slides} slides ({charts} charts) and a workbook of {sheets} sheets.",
        "built_no_deck": "Ready: a workbook of {sheets} sheets; the deck could not be made.",
        "download_pptx": "Download PPTX deck",
        "download_xlsx": "Download XLSX workbook",
        "no_charts": "This page has no charts to export.",
    },
}

# Failures of deferred downloads (they run outside the script), shown on the session's next run.
_FAILURES: dict[tuple[str, str], str] = {}
_FAILURES_LOCK = threading.Lock()


def _words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "zh"]


# The digests of the charts shown lately, by object: a chart's own downloads and the page export both
# need it in the same run (each digest serialises the whole figure). The chart is held beside its
# digest, so an id is never reused for another chart while its entry lives.
_DIGESTS: dict[int, tuple[Chart, str]] = {}
_DIGESTS_KEPT = 64


def chart_fingerprint(chart: Chart) -> str:
    """A digest of everything an export of the chart shows: same digest, same files.

    A Chart is not changed once built (charts.spec), so its digest is worked out once."""
    held = _DIGESTS.get(id(chart))
    if held is not None and held[0] is chart:
        return held[1]
    digest = _digest(chart)
    if len(_DIGESTS) >= _DIGESTS_KEPT:
        _DIGESTS.clear()
    _DIGESTS[id(chart)] = (chart, digest)
    return digest


def _digest(chart: Chart) -> str:
    parts = [
        chart.chart_id,
        chart.lang,
        chart.title,
        chart.subtitle,
        chart.source_line,
        json.dumps(chart.footnotes, ensure_ascii=False),
        chart.figure.to_json(),
        chart.data.to_csv(index=False),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@st.cache_data(max_entries=128, show_spinner=False)
def cached_image(fingerprint: str, fmt: str, aspect: str, _chart: Chart, with_title: bool = True) -> bytes:
    """The chart's image, cached by its fingerprint (the Chart itself is not hashed); a deck's slide
    image leaves the title out (the slide's own title carries it)."""
    return to_image(_chart, fmt, aspect=aspect, with_title=with_title)


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else ""


def _deferred_image(chart: Chart, fingerprint: str, fmt: str, aspect: str, key: str):
    session = _session_id()

    def make() -> bytes:
        try:
            return cached_image(fingerprint, fmt, aspect, chart)
        except ExportError as exc:
            with _FAILURES_LOCK:
                _FAILURES[(session, key)] = exc.text(chart.lang)
            raise

    return make


def _deferred_csv(chart: Chart):
    def make() -> bytes:
        from charts.workbook import to_csv_bytes

        return to_csv_bytes(localise_columns(chart.data, chart.lang))

    return make


def _browser_problem(lang: str) -> str | None:
    try:
        find_browser()
    except ExportError as exc:
        return exc.text(lang)
    return None


def render_chart_downloads(chart: Chart, key: str) -> None:
    """An "导出" popover under a chart: PNG (16:9 or 4:3), SVG, PDF and CSV downloads."""
    words = _words(chart.lang)
    with _FAILURES_LOCK:
        failure = _FAILURES.pop((_session_id(), key), None)
    with st.popover(words["export"], icon=":material/download:", key=f"{key}_export"):
        if failure:
            st.warning(words["failed"].format(message=failure))
        problem = _browser_problem(chart.lang)
        if problem:
            st.warning(problem)
        aspect = st.radio(words["aspect"], ASPECTS, horizontal=True, key=f"{key}_export_aspect")
        fingerprint = chart_fingerprint(chart)
        stem = chart.chart_id
        columns = st.columns(4)
        for column, fmt in zip(columns, ("png", "svg", "pdf"), strict=False):
            suffix = "_4x3" if aspect == "4:3" else ""
            column.download_button(
                words[fmt],
                data=_deferred_image(chart, fingerprint, fmt, aspect, key),
                file_name=f"{stem}{suffix}.{fmt}",
                mime=MIME[fmt],
                key=f"{key}_export_{fmt}",
                on_click="ignore",
                disabled=problem is not None,
            )
        columns[3].download_button(
            words["csv"],
            data=_deferred_csv(chart),
            file_name=f"{stem}.csv",
            mime=MIME["csv"],
            key=f"{key}_export_csv",
            on_click="ignore",
        )
        st.caption(words["hint"])


def _page_title(page_id: str, lang: str) -> str:
    try:
        from charts.pages import PAGES
    except ImportError:
        return page_id
    return next((p.title(lang) for p in PAGES if p.page_id == page_id), page_id)


def render_page_export(page_id: str, charts: list[Chart], lang: str) -> None:
    """"导出本页": build the page's PPTX deck and XLSX workbook with a progress bar, then offer both."""
    words = _words(lang)
    if not charts:
        st.caption(words["no_charts"])
        return
    fingerprint = hashlib.sha256("".join(chart_fingerprint(c) for c in charts).encode()).hexdigest()
    state_key = f"{page_id}_export_files"
    if st.button(words["page_export"], key=f"{page_id}_export_page", help=words["page_help"], icon=":material/slideshow:"):
        st.session_state[state_key] = _build_page_files(page_id, charts, lang, fingerprint)
    files = st.session_state.get(state_key)
    if not files or files["fingerprint"] != fingerprint:
        return
    if files["error"]:
        st.error(files["error"])
    sheets = len(charts) + 2
    if files["pptx"] is not None:
        st.success(words["built"].format(slides=files.get("slides", len(charts) + 2), charts=len(charts), sheets=sheets))
    else:
        st.info(words["built_no_deck"].format(sheets=sheets))
    stem = f"{page_id}_{lang}_{date.today().isoformat()}"
    left, right = st.columns(2)
    if files["pptx"] is not None:
        left.download_button(
            words["download_pptx"],
            data=files["pptx"],
            file_name=f"{stem}.pptx",
            mime=MIME["pptx"],
            key=f"{page_id}_export_pptx",
            on_click="ignore",
            icon=":material/download:",
        )
    right.download_button(
        words["download_xlsx"],
        data=files["xlsx"],
        file_name=f"{stem}.xlsx",
        mime=MIME["xlsx"],
        key=f"{page_id}_export_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )


def _build_page_files(page_id: str, charts: list[Chart], lang: str, fingerprint: str) -> dict:
    from charts.deck import build_deck, count_slides
    from charts.workbook import build_workbook
    from ui.cards import SHOWN_KEY as CARDS_KEY

    words = _words(lang)
    bar = st.progress(0.0, text=words["building_workbook"])
    xlsx = build_workbook(charts, lang)
    pptx, error = None, None
    headlines = st.session_state.get(CARDS_KEY) if page_id == "overview" else None

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=words["building"].format(done=min(done + 1, total), total=total))

    def image(chart: Chart) -> bytes:
        return cached_image(chart_fingerprint(chart), "png", "16:9", chart, with_title=False)

    try:
        bar.progress(0.0, text=words["building"].format(done=1, total=len(charts)))
        pptx = build_deck(charts, _page_title(page_id, lang), lang, progress=progress, render_image=image, headlines=headlines)
    except ExportError as exc:
        error = exc.text(lang)
    bar.empty()
    return {"fingerprint": fingerprint, "pptx": pptx, "xlsx": xlsx, "error": error, "slides": count_slides(charts, headlines)}
