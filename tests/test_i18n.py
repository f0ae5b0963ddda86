"""The message catalogue and number formatting: both languages everywhere, no digit ever lost."""

from __future__ import annotations

import csv
import math
import re
import string
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from i18n import (
    MESSAGES,
    format_change,
    format_number,
    format_period,
    normalise_lang,
    round_significant,
    signed_change,
    t,
)

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
# Keys whose two languages word the same sentence from different facts (documented in the catalogue).
DIFFERENT_PLACEHOLDERS = {"overview.source_line"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_chinese_and_english(key):
    entry = MESSAGES[key]
    assert set(entry) == {"zh", "en"}
    assert entry["zh"].strip() and entry["en"].strip()
    if key not in DIFFERENT_PLACEHOLDERS:
        assert placeholders(entry["zh"]) == placeholders(entry["en"]), key


def test_chinese_texts_are_chinese_and_english_texts_english():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    words = re.compile(r"[A-Za-z]{4,}")
    for key, entry in MESSAGES.items():
        zh = re.sub(r"\{\w+\}", "", entry["zh"])
        assert cjk.search(zh) or not words.search(zh), key
    # English may quote a Chinese term only where the term is the name people use (断卡) or a label.
    assert [k for k, e in MESSAGES.items() if cjk.search(e["en"])] == ["app.language", "crackdown.title"]


def test_t_fills_placeholders_and_defaults_to_chinese():
    assert t("source.line", citations="甲") == "数据来源：甲"
    assert t("source.line", "en", citations="A") == "Source: A"
    assert t("page.overview", "fr") == "概览"


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "lang", "expected"),
    [
        (1427, "persons", "exact", "zh", "1427人"),
        (1427, None, "exact", "zh", "1427"),
        (1427, "persons", "exact", "en", "1,427 persons"),
        (120000000, None, "at_least", "zh", "≥1.2亿"),
        (120000000, "calls", "at_least", "zh", "≥1.2亿次"),
        (120000000, "calls", "at_least", "en", "≥120 million calls"),
        (150000, None, "at_least", "zh", "≥15万"),
        (150000, "numbers", "at_least", "en", "≥150,000 numbers"),
        (544000000, "yuan", "exact", "zh", "5.44亿元"),
        (544000000, "yuan", "exact", "en", "544 million yuan"),
        (22300000, "yuan", "at_least", "zh", "≥2230万元"),
        (22300000, "yuan", "at_least", "en", "≥22.3 million yuan"),
        (13020000, "messages", "exact", "zh", "1302万条"),
        (104100, None, "exact", "zh", "10.41万"),
        (51300, None, "exact", "zh", "5.13万"),
        (90000, "persons", "about", "zh", "≈9万人"),
        (90000, "persons", "about", "en", "≈90,000 persons"),
        (10, "cards_per_day", "less_than", "zh", "<10张/天"),
        (10, "cards_per_day", "less_than", "en", "<10 cards per day"),
        (100, "cards_per_day", "at_least", "zh", "≥100张/天"),
        (44.5, "percent", "exact", "zh", "44.5%"),
        (73.18, "percent", "exact", "en", "73.18%"),
        (31.2, "percent", "exact", "zh", "31.2%"),
        (25019831, None, "exact", "zh", "2501.9831万"),
        (1.2e9, None, "exact", "en", "1.2 billion"),
        (1.2e9, None, "exact", "zh", "12亿"),
        (9999, None, "exact", "zh", "9999"),
        (0.199, None, "at_least", "en", "≥0.199"),
        (float("nan"), "persons", "exact", "zh", "—"),
        (None, "persons", "exact", "en", "—"),
        (5, "no_such_unit", "exact", "en", "5 no_such_unit"),
    ],
)
def test_format_number(value, unit, qualifier, lang, expected):
    assert format_number(value, unit, qualifier, lang) == expected


def parse_zh(text: str) -> Decimal:
    number = re.match(r"[≥≈<]?([\d.]+)(亿|万)?", text)
    assert number, text
    scale = {"亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, None: Decimal(1)}[number.group(2)]
    return Decimal(number.group(1)) * scale


def curated_values() -> list[tuple[str, str, str]]:
    rows = []
    for name in ("gansu_2020_duanka", "baise_2024_fraud"):
        with open(DATASETS / f"{name}.csv", encoding="utf-8", newline="") as handle:
            rows += [(r["figure_id"], r["value"], r["unit"]) for r in csv.DictReader(handle)]
    return rows


@pytest.mark.parametrize(("figure_id", "value", "unit"), curated_values())
def test_chinese_formatting_keeps_every_digit_of_every_curated_value(figure_id, value, unit):
    shown = format_number(float(value), unit, "exact", "zh")
    assert parse_zh(shown) == Decimal(value), (figure_id, shown)


@pytest.mark.parametrize(
    ("value", "direction", "basis", "lang", "expected"),
    [
        (44.5, "decrease", "yoy", "zh", "同比下降44.5%"),
        (6.6, "decrease", "mom", "zh", "环比下降6.6%"),
        (8.6, "increase", "yoy", "en", "up 8.6% year on year"),
        (15.9, "decrease", "mom", "en", "down 15.9% on the period before"),
        (113, "increase", "", "zh", "上升113%"),
    ],
)
def test_format_change(value, direction, basis, lang, expected):
    assert format_change(value, direction, basis, lang) == expected


@pytest.mark.parametrize(
    ("start", "end", "text", "lang", "expected"),
    [
        ("2020-10-10", "2020-11-27", "行动以来", "zh", "2020-10-10至2020-11-27（行动以来）"),
        ("2020-10-10", "2020-11-27", "行动以来", "en", "2020-10-10 to 2020-11-27"),
        ("", "2020-11-27", "未说明", "zh", "截至2020-11-27（未说明）"),
        ("", "2020-11-27", "", "en", "up to 2020-11-27"),
        ("", "", "", "zh", "期间未说明"),
    ],
)
def test_format_period(start, end, text, lang, expected):
    assert format_period(start, end, text, lang) == expected


@pytest.mark.parametrize(
    ("value", "qualifier", "expected"),
    [
        (5.7035, "exact", 5.7),
        (0.19984, "at_least", 0.199),
        (0.19984, "less_than", 0.2),
        (0.19984, "exact", 0.2),
        (82.88, "at_least", 82.8),
        (73469387.8, "exact", 73469388.0),
        (0.0, "exact", 0.0),
    ],
)
def test_round_significant_keeps_bounds_true(value, qualifier, expected):
    assert round_significant(value, 3, qualifier) == expected


def test_signed_change_and_language_names():
    assert signed_change(44.5, "decrease") == -44.5 and signed_change(8.6, "increase") == 8.6
    assert [normalise_lang(v) for v in ("en", "EN-us", "zh", "", None, "fr")] == ["en", "en", "zh", "zh", "zh", "zh"]


EXTREME_FLOATS = [
    math.inf, -math.inf, math.nan, sys.float_info.max, -sys.float_info.max, 1.797e308, 1e28, 9.99e27, 1e38,
    sys.float_info.min, 5e-324, -5e-324, 1e-28, 0.0, -0.0,
]


@pytest.mark.parametrize("value", EXTREME_FLOATS)
def test_round_significant_is_total(value):
    """Any float rounds without raising (decimal.InvalidOperation from 1e28 up crashed /compare per_30_days)."""
    rounded = round_significant(value, 3, "exact")
    if math.isnan(value):
        assert math.isnan(rounded)
    else:
        assert rounded == value or math.isclose(rounded, value, rel_tol=1e-2)
    for qualifier in ("at_least", "less_than", "about"):
        round_significant(value, 3, qualifier)


def test_round_significant_of_large_values_keeps_bounds_true():
    assert round_significant(1.23456e30, 3, "exact") == 1.23456e30  # integral already: unchanged
    assert round_significant(3.3333333333333335e28 + 0.5, 3, "at_least") <= 3.3333333333333335e28 + 0.5


@pytest.mark.parametrize("value", EXTREME_FLOATS)
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("unit", [None, "cases", "yuan", "percent"])
def test_format_number_is_total_and_short(value, lang, unit):
    text = format_number(value, unit, "at_least", lang)
    assert isinstance(text, str) and 0 < len(text) <= 40, text
    assert "Infinity" not in text and "NaN" not in text and "E+" not in text


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (math.inf, "zh", "∞"),
        (-math.inf, "en", "-∞"),
        (1.797e308, "zh", "1.797×10³⁰⁸"),
        (1e38, "en", "1×10³⁸"),
        (-2.5e20, "zh", "-2.5×10²⁰"),
        (5e-324, "en", "5×10⁻³²⁴"),
        (1.25e-7, "zh", "1.25×10⁻⁷"),
        (999999999999999, "zh", "9999999.99999999亿"),  # below 10^15: the usual 万/亿, every digit
        (0.000001, "zh", "0.000001"),
    ],
)
def test_format_number_writes_extreme_values_with_a_power_of_ten(value, lang, expected):
    assert format_number(value, None, "exact", lang) == expected


@pytest.mark.parametrize("value", [pd.NA, "abc", Decimal("NaN"), object()])
def test_format_number_shows_a_dash_for_what_is_not_a_number(value):
    assert format_number(value, "cases", "exact", "zh") == "—"
