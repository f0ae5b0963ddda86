"""The upload page's press-release review: text in -> proposed figures -> the analyst edits -> an ordinary upload.

Nothing is stored unreviewed: the reviewed rows become a tidy table (the template's columns), which
goes through `check_bytes` and `Store.save_upload` exactly like an uploaded file, so history,
remove/restore and the passphrase apply, and the source line the analyst fills in is stored with it.
"""

from __future__ import annotations

import html
from datetime import date
from itertools import pairwise

import pandas as pd
import streamlit as st

from charts.downloads import to_csv_bytes
from i18n import t
from loaders.extract import ExtractError, Extraction, extract_text, read_document
from loaders.store import StoreError
from loaders.tables import check_bytes
from ui.data import clear_data_cache
from ui.markdown import escape_markdown
from ui.upload import FLASH_KEY, current_store

QUALIFIER_ZH = {"exact": "精确", "at_least": "余", "about": "约", "less_than": "不足"}
DIRECTION_ZH = {"increase": "上升", "decrease": "下降"}
BASIS_ZH = {"yoy": "同比", "mom": "环比", "before_after": "较行动前"}
UNIT_TEXT = {"percent": "%", "yuan": "元"}
KEY = "extract_"
# The highlighted text shows at most this many characters (marks past it are in the table only), in a
# fixed-height box that scrolls.
SHOWN_CHARS = 30_000
TEXT_HEIGHT = 360
# Scoped styles; explicit text colours so the marks stay legible on the dark theme. A doubtful mark differs in
# colour, in its dashed outline and in its badge ("3?"), so it is not told by colour alone.
HIGHLIGHT_CSS = """<style>
.af-evtext{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.9;font-size:0.95rem}
.af-evtext mark{background:#ffe98a;color:#1a1a1a;padding:0 1px;border-radius:2px}
.af-evtext mark.af-doubt{background:#ffd0d0;color:#1a1a1a;outline:1px dashed #c0392b}
.af-evtext mark b{font-weight:700}
.af-evtext sup{font-size:0.7rem;font-weight:700;background:#3b5bdb;color:#fff;border-radius:6px;padding:0 4px;
margin:0 2px}
.af-evtext sup.af-doubt{background:#c0392b}
</style>"""


def period_text(start: str, end: str, fallback: str) -> str:
    """A period cell the checker reads (2024年1月1日-11月12日), or the text's own words."""
    try:
        a, b = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        return fallback
    if a.year == b.year:
        return f"{a.year}年{a.month}月{a.day}日-{b.month}月{b.day}日"
    return f"{a.year}年{a.month}月{a.day}日-{b.year}年{b.month}月{b.day}日"


def metric_cell(metric_zh: str, measure: str, direction: str, basis: str) -> str:
    """The 指标 cell: metric words, and for a change its basis and direction (立案数同比下降)."""
    if measure == "change":
        return f"{metric_zh}{BASIS_ZH.get(basis, '')}{DIRECTION_ZH.get(direction, '变化')}"
    if measure == "share" and "占比" not in metric_zh:
        return f"{metric_zh}占比"
    return metric_zh


def review_frame(extraction: Extraction) -> pd.DataFrame:
    """The proposed figures as the editable review table (one row per figure, "#" as in the highlighted text)."""
    rows = []
    for row, f in enumerate(extraction.figures, start=1):
        rows.append(
            {
                "#": row,
                "keep": not f.doubtful,
                "doubtful": f.doubt if f.doubtful else "",
                "地区": f.region_zh,
                "期间": period_text(f.period_start, f.period_end, f.period_text),
                "指标": metric_cell(f.metric_zh, f.measure, f.direction, f.basis),
                "数值": f.value,
                "计量单位": UNIT_TEXT.get(f.unit, f.unit_text if f.unit_text not in ("万元", "亿元") else "元"),
                "限定词": QUALIFIER_ZH[f.qualifier],
                "evidence": f.evidence,
                "offset": f.number_start,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["#", "keep", "doubtful", "地区", "期间", "指标", "数值", "计量单位", "限定词", "evidence", "offset"],
    )


def highlight_html(text: str, figures: list, limit: int = SHOWN_CHARS) -> str:
    """The text as inert HTML with each figure's evidence marked and numbered with its table row (1-based).

    Every piece of the text goes through html.escape, so it shows as characters: no tag, no link (HTML has no
    autolinking). Evidence phrases may nest (分别下降15.9%、20.5% ...): the text is cut at every evidence and
    number boundary (a sweep counts the evidences open over each piece), each piece is marked if any evidence
    covers it (doubtful colour only if all covering figures are doubtful), the numbers are bold, and a row badge follows the end of each evidence.
    """
    shown = text[:limit]
    n = len(shown)
    spans = []  # (row, start, end, number_start, number_end, doubtful)
    for row, f in enumerate(figures, start=1):
        start, end = max(0, f.start), min(f.end, n)
        if start < end:
            spans.append((row, start, end, max(f.number_start, start), min(f.number_end, end), f.doubtful))
    cuts = sorted({0, n, *(c for s in spans for c in s[1:5])})
    # a sweep over the cuts: how many sure / doubtful evidences and numbers are open at each piece
    delta: dict[int, list[int]] = {c: [0, 0, 0] for c in cuts}  # sure, doubtful, number
    ends: dict[int, list[tuple[int, bool]]] = {}
    for row, start, end, number_start, number_end, doubtful in spans:
        delta[start][doubtful] += 1
        delta[end][doubtful] -= 1
        delta[number_start][2] += 1
        delta[number_end][2] -= 1
        ends.setdefault(end, []).append((row, doubtful))
    out: list[str] = []
    run: list[str] = []  # escaped pieces of the current stretch, all of one kind
    kind = "plain"  # "plain", "mark" or "doubt"
    wrap = {"plain": ("", ""), "mark": ("<mark>", "</mark>"), "doubt": ('<mark class="af-doubt">', "</mark>")}

    def close() -> None:
        if run:
            out.append(wrap[kind][0] + "".join(run) + wrap[kind][1])
            run.clear()

    sure = doubt = number = 0
    for a, b in pairwise(cuts):
        sure, doubt, number = sure + delta[a][0], doubt + delta[a][1], number + delta[a][2]
        piece = html.escape(shown[a:b])
        piece_kind = "mark" if sure else "doubt" if doubt else "plain"
        if number:
            piece = f"<b>{piece}</b>"
        if piece_kind != kind:
            close()
            kind = piece_kind
        run.append(piece)
        badges = sorted(ends.get(b, []))
        if badges:
            close()
            for row, doubtful in badges:
                out.append(f'<sup class="af-doubt">{row}?</sup>' if doubtful else f"<sup>{row}</sup>")
    close()
    return f'{HIGHLIGHT_CSS}<div class="af-evtext">{"".join(out)}</div>'


def render_highlighted(text: str, figures: list, lang: str) -> None:
    """The text with the evidence marked, in a fixed-height box that scrolls; says so when the text is cut."""
    st.caption(t("extract.highlight", lang))
    if len(text) > SHOWN_CHARS:
        st.caption(t("extract.highlight_cut", lang, shown=f"{SHOWN_CHARS:,}", total=f"{len(text):,}"))
    with st.container(height=TEXT_HEIGHT, border=True, key=f"{KEY}highlight"):
        st.html(highlight_html(text, figures, SHOWN_CHARS))


def table_bytes(reviewed: pd.DataFrame, source: str) -> bytes:
    """The kept rows as the tidy upload table (UTF-8 CSV, formula-safe), evidence in 备注."""
    kept = reviewed[reviewed["keep"].fillna(False).astype(bool)]
    table = pd.DataFrame(
        {
            "地区": kept["地区"],
            "期间": kept["期间"],
            "指标": kept["指标"],
            "数值": kept["数值"],
            "计量单位": kept["计量单位"],
            "限定词": kept["限定词"],
            "来源": source,
            "备注": kept["evidence"],
        }
    )
    return to_csv_bytes(table)


def render_extract(allowed: bool, lang: str) -> None:
    """Paste text or drop a .txt/.html -> proposals to review -> check -> save as an upload."""
    st.subheader(t("extract.title", lang))
    st.caption(t("extract.intro", lang))
    dropped = st.file_uploader(t("extract.file", lang), type=["txt", "html", "htm"], key=f"{KEY}file")
    pasted = st.text_area(t("extract.paste", lang), key=f"{KEY}text", height=150)
    text, name = pasted, "pasted.txt"
    if dropped is not None:
        try:
            text, name = read_document(dropped.getvalue(), dropped.name), dropped.name
        except ExtractError as error:
            st.error(escape_markdown(error.message.text(lang)))
            return
    if not text.strip():
        return
    extraction = extract_text(text)
    for m in extraction.messages:  # recheck warnings on top
        shown = escape_markdown(m.text(lang))
        (st.error if m.level == "error" else st.warning if m.level == "warning" else st.info)(shown)
    if not extraction.figures:
        return
    render_highlighted(text, extraction.figures, lang)
    st.caption(t("extract.review", lang, figures=len(extraction.figures)))
    reviewed = st.data_editor(
        review_frame(extraction),
        key=f"{KEY}editor",
        num_rows="dynamic",
        hide_index=True,
        disabled=["#", "doubtful", "evidence", "offset"],
        column_config={
            "#": st.column_config.NumberColumn("#", help=t("extract.row_help", lang), width="small"),
            "keep": st.column_config.CheckboxColumn(t("extract.keep", lang)),
            "doubtful": st.column_config.TextColumn(t("extract.doubtful", lang)),
            "evidence": st.column_config.TextColumn(t("extract.evidence", lang)),
            "offset": st.column_config.NumberColumn(t("extract.offset", lang)),
        },
    )
    c1, c2, c3 = st.columns(3)
    source_name = c1.text_input(t("extract.source_name", lang), key=f"{KEY}source_name", max_chars=120)
    source_date = c2.text_input(t("extract.source_date", lang), key=f"{KEY}source_date", max_chars=20)
    source_url = c3.text_input(t("extract.source_url", lang), key=f"{KEY}source_url", max_chars=300)
    uploader = st.text_input(t("upload.uploader", lang), key=f"{KEY}uploader", max_chars=80)
    if not st.button(t("extract.check", lang), key=f"{KEY}check", disabled=not allowed):
        return
    if not source_name.strip() or not uploader.strip():
        st.error(t("extract.source_required", lang))
        return
    source = "，".join(s.strip() for s in (source_name, source_date, source_url) if s.strip())
    data = table_bytes(reviewed, source)
    filename = f"extract-{name.rsplit('.', 1)[0]}.csv"
    report = check_bytes(data, filename)
    if report.status == "rejected" or report.figures.empty:
        for m in report.messages:
            st.error(escape_markdown(m.text(lang)))
        return
    try:
        upload_id = current_store().save_upload(report, data, filename, uploader.strip())
    except StoreError as error:
        st.error(escape_markdown(t("upload.save_failed", lang, error=error.text(lang))))
        return
    clear_data_cache()
    st.session_state[FLASH_KEY] = t(
        "upload.saved", lang, file=filename, figures=len(report.figures), upload_id=upload_id
    )
    st.rerun()
