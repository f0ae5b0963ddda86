"""Derived figures: computed in code from reported ones, never typed in.

Each derived figure carries `derived=True` and its `formula`. The checks here refuse to derive a
total when the reported counts and shares disagree beyond their rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

OTHER_FRAUD_TYPE = "fraud_type:other"


class DerivationError(ValueError):
    """Reported figures that cannot all be true at once (e.g. counts and shares disagree)."""


@dataclass(frozen=True)
class ImpliedTotal:
    low: int
    high: int
    value: int
    parts: list[tuple[str, float, float, float, float]]  # breakdown, count, share, lo, hi


def share_half_step(share: float | str) -> Decimal:
    """Half of the last stated digit: 31.2% -> 0.05, 12% -> 0.5, 73.18% -> 0.005."""
    text = format(Decimal(str(share)).normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return Decimal(5) / Decimal(10) ** (decimals + 1)


def implied_total(pairs: list[tuple[str, float, float]]) -> ImpliedTotal:
    """Total N such that every count/N rounds to its stated share.

    `pairs` are (breakdown, count, share in percent). Each pair bounds N to
    [count / (share + h), count / (share - h)] where h is half the share's last digit; the
    implied total is the intersection. An empty intersection raises DerivationError.
    """
    if not pairs:
        raise DerivationError("no count/share pairs")
    low, high = 0.0, math.inf
    parts = []
    for breakdown, count, share in pairs:
        h = share_half_step(share)
        s = Decimal(str(share))
        lo = float(Decimal(str(count)) * 100 / (s + h))
        hi = float(Decimal(str(count)) * 100 / (s - h)) if s - h > 0 else math.inf
        parts.append((breakdown, count, share, lo, hi))
        low, high = max(low, lo), min(high, hi)
    n_low, n_high = math.ceil(low), math.floor(high)
    if n_low > n_high:
        detail = "; ".join(f"{b}: {c:g}/{s:g}% -> [{lo:.1f}, {hi:.1f}]" for b, c, s, lo, hi in parts)
        raise DerivationError(f"counts and shares disagree: {detail}")
    value = round((low + high) / 2) if math.isfinite(high) else n_low
    value = min(max(value, n_low), n_high)
    return ImpliedTotal(n_low, n_high, value, parts)


def _derived_row(template: pd.Series, **fields) -> dict:
    row = {col: "" for col in template.index}
    for col in ("source_id", "region_code", "period_start", "period_end", "period_text", "agency_id"):
        row[col] = template[col]
    row.update(
        phase="",
        direction="",
        basis="",
        qualifier="exact",
        evidence="",
        derived=True,
    )
    row.update(fields)
    row["fact_id"] = row["figure_id"]
    return row


def _fraud_type_figures(figures: pd.DataFrame, prefix: str) -> list[dict]:
    """Implied total of fraud cases, the share and count left to other types."""
    rows: list[dict] = []
    counts = figures[
        (figures.metric_id == "fraud_cases")
        & (figures.measure == "level")
        & figures.breakdown.str.startswith("fraud_type:")
    ]
    shares = figures[(figures.metric_id == "fraud_case_share") & (figures.measure == "share")]
    keys = ["source_id", "region_code", "period_start", "period_end"]
    merged = counts.merge(shares, on=[*keys, "breakdown"], suffixes=("", "_share"))
    for _, group in merged.groupby(keys, sort=True):
        pairs = [(r.breakdown, float(r.value), float(r.value_share)) for r in group.itertuples()]
        total = implied_total(pairs)
        first = group.iloc[0]
        steps = "; ".join(
            f"{c:g} ÷ {s:g}% = {c * 100 / s:.1f} (rounding allows {lo:.1f}–{hi:.1f})"
            for _, c, s, lo, hi in total.parts
        )
        steps_zh = "；".join(
            f"{c:g} ÷ {s:g}% = {c * 100 / s:.1f}（按四舍五入可为 {lo:.1f}–{hi:.1f}）"
            for _, c, s, lo, hi in total.parts
        )
        rows.append(
            _derived_row(
                first[counts.columns],
                figure_id=f"{prefix}-d01",
                category="fraud_type",
                metric_id="fraud_cases",
                breakdown="",
                measure="level",
                value=float(total.value),
                unit="cases",
                qualifier="about",
                formula=(
                    f"Implied total = count ÷ share for each fraud type: {steps}. "
                    f"Totals consistent with all {len(pairs)} types: {total.low}–{total.high}; "
                    f"shown: {total.value}."
                ),
                formula_zh=(
                    f"推算总数 = 各诈骗类型的案件数 ÷ 占比：{steps_zh}。"
                    f"与全部{len(pairs)}类相符的总数：{total.low}–{total.high}；显示：{total.value}。"
                ),
                note=f"Derived; the text states no total. Consistent range {total.low}–{total.high}.",
                note_zh=f"推算值；原文未给出总数。相符范围 {total.low}–{total.high}。",
            )
        )
        share_sum = sum(Decimal(str(s)) for _, _, s in pairs)
        other_share = Decimal(100) - share_sum
        rows.append(
            _derived_row(
                first[counts.columns],
                figure_id=f"{prefix}-d02",
                category="fraud_type",
                metric_id="fraud_case_share",
                breakdown=OTHER_FRAUD_TYPE,
                measure="share",
                value=float(other_share),
                unit="percent",
                qualifier="about",
                formula="100% − (" + " + ".join(f"{s:g}%" for _, _, s in pairs) + f") = {other_share:g}% (each stated share is rounded, so about)",
                formula_zh="100% − (" + " + ".join(f"{s:g}%" for _, _, s in pairs) + f") = {other_share:g}%（各占比均为四舍五入值，故为约数）",
                note="Derived: the share left to fraud types the text does not name.",
                note_zh="推算值：原文未列出的其他诈骗类型所占比例。",
            )
        )
        count_sum = sum(int(c) for _, c, _ in pairs)
        rows.append(
            _derived_row(
                first[counts.columns],
                figure_id=f"{prefix}-d03",
                category="fraud_type",
                metric_id="fraud_cases",
                breakdown=OTHER_FRAUD_TYPE,
                measure="level",
                value=float(total.value - count_sum),
                unit="cases",
                qualifier="about",
                formula=(
                    f"Implied total {total.value} − (" + " + ".join(f"{c:g}" for _, c, _ in pairs)
                    + f") = {total.value - count_sum} (range {total.low - count_sum}–{total.high - count_sum})"
                ),
                formula_zh=(
                    f"推算总数 {total.value} − (" + " + ".join(f"{c:g}" for _, c, _ in pairs)
                    + f") = {total.value - count_sum}（范围 {total.low - count_sum}–{total.high - count_sum}）"
                ),
                note="Derived: cases of fraud types the text does not name.",
                note_zh="推算值：原文未列出的其他诈骗类型的案件数。",
            )
        )
    return rows


def period_days(start: str, end: str) -> int:
    """Length of a reporting period in days, both ends included."""
    return (date.fromisoformat(end) - date.fromisoformat(start)).days + 1


def _period_figures(figures: pd.DataFrame, prefix: str) -> list[dict]:
    rows = []
    periods = (
        figures[figures.period_start != ""]
        .drop_duplicates(["period_start", "period_end"])
        .sort_values(["period_start", "period_end"])
    )
    for n, (_, first) in enumerate(periods.iterrows(), start=1):
        days = period_days(first.period_start, first.period_end)
        rows.append(
            _derived_row(
                first,
                figure_id=f"{prefix}-p{n:02d}",
                category="outcome",
                metric_id="period_days",
                breakdown="",
                measure="level",
                value=float(days),
                unit="days",
                formula=f"{first.period_end} − {first.period_start} + 1 day = {days} days",
                formula_zh=f"{first.period_end} − {first.period_start} + 1天 = {days}天",
                note=f"Derived: length of the reporting period “{first.period_text}”.",
                note_zh=f"推算值：报告期“{first.period_text}”的天数。",
            )
        )
    return rows


def derive_figures(figures: pd.DataFrame, prefixes: dict[str, str]) -> pd.DataFrame:
    """All derived figures of the curated figures, one source at a time.

    `prefixes` maps source_id to its figure-id prefix (from sources.csv).
    """
    rows: list[dict] = []
    for source_id, group in figures.groupby("source_id", sort=True):
        prefix = prefixes[source_id]
        rows += _fraud_type_figures(group, prefix)
        rows += _period_figures(group, prefix)
    columns = [*figures.columns, "derived", "formula", "formula_zh"]
    return pd.DataFrame(rows, columns=columns)
