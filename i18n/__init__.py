"""Everything a person reads on screen, in Chinese (default) and English.

    t(key, lang, **kwargs)                          a message from the catalogue
    format_number(value, unit_id, qualifier, lang)  1.2亿 / 120 million, with ≥ ≈ < and the unit
    format_change(value, direction, basis, lang)    同比下降44.5% / down 44.5% year on year
    format_period(start, end, period_text, lang)    2020-10-10至2020-11-27（行动以来）
"""

from __future__ import annotations

from i18n.messages import LANGUAGES, MESSAGES, t
from i18n.numbers import (
    QUALIFIER_SYMBOLS,
    format_number,
    round_significant,
    scale_en,
    scale_zh,
    signed_change,
    unit_label,
)

__all__ = [
    "LANGUAGES",
    "MESSAGES",
    "QUALIFIER_SYMBOLS",
    "format_change",
    "format_number",
    "format_period",
    "normalise_lang",
    "round_significant",
    "scale_en",
    "scale_zh",
    "signed_change",
    "t",
    "unit_label",
]


def normalise_lang(lang: object) -> str:
    """"en" for English, "zh" for anything else (the default)."""
    return "en" if str(lang).lower().startswith("en") else "zh"


def format_change(value: float, direction: str, basis: str, lang: str) -> str:
    """A stated change with its basis: 同比下降44.5%, 环比下降6.6%, up 8.6% year on year."""
    number = format_number(abs(value), "percent", "exact", lang)
    verb = t(f"direction.{direction or 'increase'}", lang)
    basis_text = t(f"basis.{basis}", lang) if basis else ""
    if lang == "zh":
        return f"{basis_text}{verb}{number}"
    return f"{verb} {number} {basis_text}".strip()


def format_period(start: str, end: str, period_text: str, lang: str) -> str:
    """The period as dates, with the source's own wording in Chinese."""
    if start and end and start != end:
        dates = t("period.range", lang, start=start, end=end)
    elif end:
        dates = t("period.until", lang, end=end)
    else:
        dates = t("period.unknown", lang)
    if lang == "zh" and period_text:
        return f"{dates}（{period_text}）"
    return dates
