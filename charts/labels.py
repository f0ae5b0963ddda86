"""Category labels that name one figure each, so that no two figures ever share a bar's place.

plotly draws every bar of one category at one place: two figures with one label are stacked (the
bar reaches their sum, labelled with one of them) or drawn over each other (one hidden). Every chart
builder therefore passes its category labels through `distinct_labels`: an uploaded figure carries a
visible mark, and figures whose labels are still the same are told apart by what differs between
them (their period, then the reporting agency, then the words they were stated in).
"""

from __future__ import annotations

import pandas as pd

from charts.provenance import text_column
from i18n import format_period, t


def is_uploaded(row: pd.Series | dict) -> bool:
    """A figure an analyst uploaded (not from a curated source document)."""
    value = row.get("upload_id", "") if hasattr(row, "get") else ""
    return bool(value) and not pd.isna(value)


def mark_uploaded(label: str, lang: str) -> str:
    """"标签（上传）" / "label (uploaded)"."""
    return t("chart.uploaded_label", lang, label=label)


def _period(row: pd.Series | dict, lang: str) -> str:
    # The dates only: two wordings of one period (今年以来, 今年（累计）) are one period.
    return format_period(row.get("period_start", ""), row.get("period_end", ""), "", lang)


def _agency(row: pd.Series | dict, lang: str) -> str:
    return str(row.get(text_column("agency", lang), "") or "")


def _evidence(row: pd.Series | dict, lang: str) -> str:
    evidence = str(row.get("evidence", "") or "")
    return t("chart.label_quote", lang, evidence=evidence) if evidence else ""


DISTINGUISHERS = (_period, _agency, _evidence)


def distinct_labels(rows: pd.DataFrame | list[dict], labels: list[str], lang: str) -> list[str]:
    """`labels` (one per row of `rows`) with uploaded figures marked and every label unique.

    Where several rows share a label, each gets " · " and the first of period, agency and evidence
    that differs among them; a label still shared after that gets its place among them (#1, #2).
    """
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    out = [mark_uploaded(label, lang) if is_uploaded(r) else label for label, r in zip(labels, records, strict=True)]
    for describe in DISTINGUISHERS:
        groups = _shared(out)
        if not groups:
            return out
        for positions in groups:
            words = [describe(records[i], lang) for i in positions]
            if len(set(words)) > 1:
                for i, word in zip(positions, words, strict=True):
                    out[i] = f"{out[i]} · {word}" if word else out[i]
    while groups := _shared(out):
        for positions in groups:
            for n, i in enumerate(positions, start=1):
                out[i] = f"{out[i]} #{n}"
    return out


def _shared(labels: list[str]) -> list[list[int]]:
    """Positions of each label that occurs more than once, grouped by label."""
    positions: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        positions.setdefault(label, []).append(i)
    return [p for p in positions.values() if len(p) > 1]
