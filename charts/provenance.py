"""Where a chart's numbers come from: the source line, the footnotes, the region and period words."""

from __future__ import annotations

import pandas as pd

from i18n import QUALIFIER_SYMBOLS, format_period, t


def text_column(name: str, lang: str) -> str:
    """The column holding a label in the language: metric -> metric_zh / metric_en."""
    return f"{name}_{'zh' if lang == 'zh' else 'en'}"


def build_source_line(figures: pd.DataFrame, sources: pd.DataFrame, lang: str) -> str:
    """"数据来源：…" naming every source of the plotted figures, curated or uploaded."""
    citations: list[str] = []
    column = "citation_zh" if lang == "zh" else "citation_en"
    for source_id, upload_id in figures[["source_id", "upload_id"]].drop_duplicates().itertuples(index=False):
        if source_id in sources.index and not upload_id:
            citation = str(sources.at[source_id, column])
        else:
            citation = t("source.upload", lang, source=source_id or "?", upload=upload_id or "?")
        if citation not in citations:
            citations.append(citation)
    return t("source.line", lang, citations=t("source.separator", lang).join(citations))


def in_language(text: object, text_zh: object, lang: str) -> str:
    """A note or formula in the language: its Chinese text in the Chinese view where there is one, else
    the text as written (an upload's note is the uploader's own words)."""
    return str(text_zh) if lang == "zh" and text_zh else str(text)


def build_footnotes(figures: pd.DataFrame, lang: str) -> list[str]:
    """Explain every qualifier symbol shown and every derived figure with its formula."""
    notes: list[str] = []
    for qualifier in ("at_least", "about", "less_than"):
        if (figures["qualifier"] == qualifier).any():
            notes.append(t(f"footnote.{qualifier}", lang, symbol=QUALIFIER_SYMBOLS[qualifier]))
    if "upload_id" in figures.columns and (figures["upload_id"].fillna("") != "").any():
        notes.append(t("footnote.uploaded", lang))
    derived = figures[figures["derived"].astype(bool)]
    for row in derived.itertuples(index=False):
        label = getattr(row, text_column("metric", lang))
        breakdown = getattr(row, text_column("breakdown", lang))
        if breakdown:
            label = f"{label} · {breakdown}"
        formula = in_language(row.formula, getattr(row, "formula_zh", ""), lang)
        notes.append(t("footnote.derived", lang, figure_id=row.figure_id, label=label, formula=formula))
    return notes


def describe_regions(figures: pd.DataFrame, lang: str) -> str:
    names = list(dict.fromkeys(figures[text_column("region", lang)]))
    return t("list.separator", lang).join(names)


def describe_periods(figures: pd.DataFrame, lang: str) -> str:
    """Distinct periods of the figures, in the language ("2020-10-10至2020-11-27（行动以来）")."""
    periods = figures[["period_start", "period_end", "period_text"]].drop_duplicates(["period_start", "period_end"])
    texts = [format_period(r.period_start, r.period_end, r.period_text, lang) for r in periods.itertuples(index=False)]
    return t("list.separator", lang).join(dict.fromkeys(texts))


def build_subtitle(figures: pd.DataFrame, lang: str) -> str:
    """Region(s) and period(s) of the plotted figures: the chart's subtitle."""
    return f"{describe_regions(figures, lang)} · {describe_periods(figures, lang)}"


def title_with_region(figures: pd.DataFrame, title: str, lang: str) -> str:
    """Prefix a chart title with its region when the chart shows exactly one region."""
    regions = list(dict.fromkeys(figures[text_column("region", lang)])) if len(figures) else []
    if len(regions) != 1:
        return title
    return f"{regions[0]}{title}" if lang == "zh" else f"{regions[0]}: {title}"
