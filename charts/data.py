"""The numbers behind a chart: one row per plotted value, traceable to its figure_id."""

from __future__ import annotations

import pandas as pd

from charts.provenance import in_language, text_column
from charts.style import plot_text
from i18n import format_number, format_period, t

DATA_COLUMNS = [
    "figure_id",
    "label",
    "region",
    "period",
    "value",
    "unit",
    "qualifier",
    "shown",
    "plotted",
    "derived",
    "formula",
    "evidence",
]


def row_label(row: pd.Series, lang: str, with_breakdown: bool = True) -> str:
    label = str(row[text_column("metric", lang)])
    breakdown = str(row[text_column("breakdown", lang)]) if with_breakdown else ""
    return breakdown or label


def build_chart_data(rows: pd.DataFrame, lang: str, labels: list[str], plotted: list[float], shown: list[str] | None = None) -> pd.DataFrame:
    """The chart's data table: curated value and qualifier beside the value actually plotted."""
    if shown is None:
        shown = [format_number(r.value, r.unit, r.qualifier, lang) for r in rows.itertuples(index=False)]
    frame = pd.DataFrame(
        {
            "figure_id": list(rows["figure_id"]),
            "label": labels,
            "region": list(rows[text_column("region", lang)]),
            "period": [format_period(r.period_start, r.period_end, r.period_text, lang) for r in rows.itertuples(index=False)],
            "value": list(rows["value"].astype(float)),
            "unit": list(rows[text_column("unit", lang)]),
            "qualifier": [t(f"qualifier.{q}", lang) if q else "" for q in rows["qualifier"]],
            "shown": shown,
            "plotted": [float(p) for p in plotted],
            "derived": list(rows["derived"].astype(bool)),
            "formula": [in_language(f, z, lang) for f, z in zip(rows["formula"], _column(rows, "formula_zh"), strict=True)],
            "evidence": list(rows["evidence"]),
        }
    )
    return frame[DATA_COLUMNS]


def _column(rows: pd.DataFrame, name: str) -> list:
    """A column's values, or empty texts where the frame has no such column (tests' hand-made frames)."""
    return list(rows[name]) if name in rows.columns else [""] * len(rows)


def localise_columns(data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The chart data with column headers in the language (for tables and workbooks)."""
    names = {c: t(f"chart.column.{c}", lang) for c in DATA_COLUMNS}
    out = data.rename(columns=names)
    derived = names["derived"]
    if derived in out.columns:
        out[derived] = [t("derived.yes" if d else "derived.no", lang) for d in data["derived"]]
    return out


def build_hover(row: pd.Series, lang: str, shown: str, label: str | None = None) -> str:
    """Tooltip text in the language, every user string escaped for plotly."""
    lines = [f"<b>{plot_text(label or row_label(row, lang))}</b>", plot_text(shown)]
    lines.append(plot_text(t("chart.hover.period", lang, period=format_period(row.period_start, row.period_end, row.period_text, lang))))
    agency = row.get(text_column("agency", lang), "")
    if agency:
        lines.append(plot_text(t("chart.hover.agency", lang, agency=agency)))
    if row.get("upload_id", ""):  # an upload's evidence names its file and row, not a source text
        lines.append(plot_text(t("chart.hover.uploaded", lang, evidence=row.get("evidence", ""))))
    elif row.get("evidence", ""):
        lines.append(plot_text(t("chart.hover.evidence", lang, evidence=row.evidence)))
    if bool(row.get("derived", False)):
        formula = in_language(row.formula, row.get("formula_zh", ""), lang)
        lines.append(plot_text(t("chart.hover.derived", lang, formula=_wrap(formula))).replace("\n", "<br>"))
    lines.append(plot_text(t("chart.hover.figure", lang, figure_id=row.figure_id)))
    return "<br>".join(lines)


def _wrap(text: str, width: int = 60) -> str:
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
