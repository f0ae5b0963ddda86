"""The numbers behind a page's charts as one XLSX workbook: a sources sheet, then one sheet per chart.

CSV bytes and formula neutralising are NOT re-implemented here: every CSV or XLSX the project hands
out goes through `charts.downloads` (one function per format). This module re-exports them under the
names exports use, `to_csv_bytes(frame)` (UTF-8 with BOM) and `neutralise(value)` (OWASP: a text cell
beginning with = + - @, tab or carriage return gets a leading apostrophe; numbers stay numbers).
"""

from __future__ import annotations

import pandas as pd

from charts.data import localise_columns
from charts.downloads import MAX_SHEET_TITLE, to_csv_bytes, to_xlsx_workbook_bytes
from charts.downloads import neutralise_cell as neutralise
from charts.spec import Chart
from loaders.catalog import load_catalog

__all__ = ["build_workbook", "build_sources_frame", "neutralise", "sheet_names", "to_csv_bytes"]

FORBIDDEN = set('[]:*?/\\')
RESERVED = {"history"}  # Excel keeps this name for its own change-tracking sheet
SOURCES_SHEET = {"zh": "数据来源", "en": "Sources"}
DOCUMENTS_SHEET = {"zh": "来源文件", "en": "Source documents"}
SOURCES_COLUMNS = {
    "sheet": ("工作表", "Sheet"),
    "chart": ("图表", "Chart"),
    "subtitle": ("地区与期间", "Region and period"),
    "source_line": ("数据来源", "Source"),
    "footnotes": ("注释", "Notes"),
    "chart_id": ("图表编号", "Chart id"),
}
DOCUMENT_COLUMNS = {
    "source_id": ("来源编号", "Source id"),
    "title": ("标题", "Title"),
    "producer": ("发布机关", "Producer"),
    "date_published": ("发布日期", "Published"),
    "publisher": ("刊载媒体", "Publisher"),
    "url_main": ("网址", "URL"),
    "citation": ("引用", "Citation"),
    "license": ("使用说明", "License"),
}


def sheet_name(text: str) -> str:
    """A legal Excel sheet name from any text: no []:*?/\\, no apostrophe at either end, ≤31 characters."""
    cleaned = "".join("_" if c in FORBIDDEN or ord(c) < 32 else c for c in str(text)).strip().strip("'").strip()
    cleaned = cleaned[:MAX_SHEET_TITLE].strip().strip("'")
    if not cleaned or cleaned.lower() in RESERVED:
        cleaned = f"{cleaned or 'sheet'}_"
    return cleaned


def sheet_names(texts: list[str]) -> list[str]:
    """Legal sheet names, unique the way Excel compares them (ignoring case), in the given order."""
    names: list[str] = []
    used: set[str] = set()
    for text in texts:
        base = sheet_name(text)
        name, n = base, 2
        while name.lower() in used:
            suffix = f" ({n})"
            name = base[: MAX_SHEET_TITLE - len(suffix)].rstrip().rstrip("'") + suffix
            n += 1
        used.add(name.lower())
        names.append(name)
    return names


def _column_names(columns: dict[str, tuple[str, str]], lang: str) -> dict[str, str]:
    return {key: labels[0 if lang == "zh" else 1] for key, labels in columns.items()}


def build_sources_frame(charts: list[Chart], names: list[str], lang: str) -> pd.DataFrame:
    """One row per chart sheet: its title, region and period, source line and footnotes."""
    rows = [
        {
            "sheet": name,
            "chart": chart.title,
            "subtitle": chart.subtitle,
            "source_line": chart.source_line,
            "footnotes": "\n".join(chart.footnotes),
            "chart_id": chart.chart_id,
        }
        for chart, name in zip(charts, names, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=list(SOURCES_COLUMNS))
    return frame.rename(columns=_column_names(SOURCES_COLUMNS, lang))


def build_documents_frame(charts: list[Chart], lang: str) -> pd.DataFrame:
    """The source documents behind the charts' figures (found by figure_id prefix), as the catalogue holds them."""
    sources = load_catalog().sources
    by_prefix = {str(prefix): source_id for source_id, prefix in zip(sources.index, sources["prefix"], strict=True)}
    used: list[str] = []
    for chart in charts:
        if "figure_id" not in chart.data.columns:
            continue
        for figure_id in chart.data["figure_id"]:
            source_id = by_prefix.get(str(figure_id).split("-", 1)[0])
            if source_id and source_id not in used:
                used.append(source_id)
    citation = "citation_zh" if lang == "zh" else "citation_en"
    rows = [
        {**{key: str(sources.at[s, key]) for key in DOCUMENT_COLUMNS if key in sources.columns}, "source_id": s, "citation": str(sources.at[s, citation])}
        for s in used
    ]
    frame = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    return frame.rename(columns=_column_names(DOCUMENT_COLUMNS, lang))


def build_workbook(charts: list[Chart], lang: str) -> bytes:
    """XLSX: the sources sheet, one sheet per chart with the numbers it plots, and the source documents.

    Every cell goes through charts.downloads: text is written as text (neutralised), numbers as
    numbers, so no cell can hold a formula whatever the data says.
    """
    titles = [SOURCES_SHEET[lang if lang in SOURCES_SHEET else "zh"]] + [c.title or c.chart_id for c in charts]
    titles.append(DOCUMENTS_SHEET[lang if lang in DOCUMENTS_SHEET else "zh"])
    names = sheet_names(titles)
    sources_name, chart_names, documents_name = names[0], names[1:-1], names[-1]
    sheets = {sources_name: build_sources_frame(charts, chart_names, lang)}
    for chart, name in zip(charts, chart_names, strict=True):
        sheets[name] = localise_columns(chart.data, lang)
    sheets[documents_name] = build_documents_frame(charts, lang)
    return to_xlsx_workbook_bytes(sheets)
