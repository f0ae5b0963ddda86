"""The plausible size of a figure, per kind of unit: one definition for uploads and curated tables.

A value is refused when its magnitude reaches its kind's ceiling (a unit typo, a key held down, a
hostile file), or when it has more significant digits than the store keeps exactly (values are
stored as 64-bit floats: a 38-digit number would come back with other digits).

The ceilings are generous, about a hundred times the largest figure any Chinese anti-fraud
statement gives, and all below 2^53, so that every whole number under them is stored exactly:

- count (cases, persons, calls, messages, cards …): 10^12. The largest published counts are the
  national interception figures, billions of calls or messages a year (10^9–10^10); cases filed
  nationally are a few hundred thousand a year.
- money (yuan, after 万/亿 are applied): 10^14, 100万亿元, about China's GDP for a year. The largest
  published amounts (funds intercepted nationally) are a few 千亿元 (10^11–10^12).
- percent: 10^6. Shares and rates are also held to 0–100 and decreases to 100 by their own checks;
  what this bounds is an increase from a small base (+113% is real; a million percent is not).
- duration (days, minutes): 10^8.
- rate (cards per day …) and a new metric whose unit is not known: 10^12 and 10^14.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CEILINGS = {
    "count": 10**12,
    "money": 10**14,
    "percent": 10**6,
    "duration": 10**8,
    "rate": 10**12,
}
UNKNOWN_KIND_CEILING = 10**14
MAX_SIGNIFICANT_DIGITS = 15  # what a 64-bit float holds for any decimal written with at most this many

KIND_NAMES = {
    "count": ("数量", "a count"),
    "money": ("金额（元）", "an amount in yuan"),
    "percent": ("百分数", "a percentage"),
    "duration": ("时长", "a duration"),
    "rate": ("比率", "a rate"),
}
CEILING_TEXT = {
    10**6: ("100万", "1 million"),
    10**8: ("1亿", "100 million"),
    10**12: ("1万亿", "1 trillion"),
    10**14: ("100万亿", "100 trillion"),
}


@dataclass(frozen=True)
class BoundProblem:
    """Why a value cannot be a figure: `code` is out_of_bounds or too_many_digits."""

    code: str
    message_zh: str
    message_en: str


def ceiling(kind: str | None) -> int:
    """The magnitude a value of this kind of unit must stay below."""
    return CEILINGS.get(kind or "", UNKNOWN_KIND_CEILING)


def bound_problem(value: Decimal | float | int | str, kind: str | None) -> BoundProblem | None:
    """None when `value` is a plausible figure of `kind` that the store keeps digit for digit."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else str(value))
    except (InvalidOperation, ValueError):
        return BoundProblem("not_a_number", "不是数字", "not a number")
    if not number.is_finite():
        return BoundProblem("not_finite", "不是有限的数值", "not a finite number")
    limit = ceiling(kind)
    if abs(number) >= limit:
        name_zh, name_en = KIND_NAMES.get(kind or "", ("数值", "a value"))
        limit_zh, limit_en = CEILING_TEXT[limit]
        shown = _shown(number)
        return BoundProblem(
            "out_of_bounds",
            f"数值{shown}不合理：{name_zh}应小于{limit_zh}，请核对是否多输入了数字或单位有误",
            f"the value {shown} is implausible: {name_en} must be below {limit_en}; check for extra digits or a wrong unit",
        )
    if not _stored_exactly(number):
        digits = len(number.normalize().as_tuple().digits)
        return BoundProblem(
            "too_many_digits",
            f"数值有{digits}位有效数字，超过能准确保存的{MAX_SIGNIFICANT_DIGITS}位，请核对",
            f"the value has {digits} significant digits, more than the {MAX_SIGNIFICANT_DIGITS} that can be stored"
            " exactly; please check",
        )
    return None


def _stored_exactly(number: Decimal) -> bool:
    """Whether the 64-bit float the store keeps reads back as the same number."""
    return Decimal(repr(float(number))) == number


def _shown(number: Decimal) -> str:
    text = f"{number.normalize():f}" if abs(number.adjusted()) < 40 else f"{number:.6e}"
    return text if len(text) <= 30 else text[:30] + "…"
