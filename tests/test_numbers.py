"""The Chinese number parser: a table of cells and what each must read as, or why it is refused."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from loaders.numbers import ERROR_CODES, QUALIFIERS, NumberParseError, ParsedNumber, parse_number

# cell text -> (value, qualifier, unit, is_percent)
READABLE = [
    ("1427", 1427, "exact", None, False),
    ("0", 0, "exact", None, False),
    ("1,427", 1427, "exact", None, False),
    ("1，427", 1427, "exact", None, False),
    ("１４２７", 1427, "exact", None, False),
    (" 1427 ", 1427, "exact", None, False),
    ("1\u00a0427", 1427, "exact", None, False),
    ("1,427,000", 1427000, "exact", None, False),
    ("1,427.5", 1427.5, "exact", None, False),
    ("1427.6", 1427.6, "exact", None, False),
    ("1427.0", 1427, "exact", None, False),
    ("0.312", 0.312, "exact", None, False),
    (".5", 0.5, "exact", None, False),
    ("1.3万", 13000, "exact", None, False),
    ("0.2亿", 20000000, "exact", None, False),
    ("5.44亿元", 544000000, "exact", "元", False),
    ("1.3万亿", 1300000000000, "exact", None, False),
    ("35210.5万元", 352105000, "exact", "元", False),
    ("2230余万元", 22300000, "at_least", "元", False),
    ("1.3万余", 13000, "at_least", None, False),
    ("4万多", 40000, "at_least", None, False),
    ("100多万", 1000000, "at_least", None, False),
    ("100余张", 100, "at_least", "张", False),
    ("1400+", 1400, "at_least", None, False),
    ("过亿", 100000000, "at_least", None, False),
    ("突破1亿", 100000000, "at_least", None, False),
    ("超过5000人", 5000, "at_least", "人", False),
    ("万余", 10000, "at_least", None, False),
    ("100张以上", 100, "at_least", "张", False),
    ("约9万", 90000, "about", None, False),
    ("近30%", 30, "about", "%", True),
    ("9万元左右", 90000, "about", "元", False),
    ("约9万左右", 90000, "about", None, False),
    ("不足10", 10, "less_than", None, False),
    ("不到1万户", 10000, "less_than", "户", False),
    ("少于3次", 3, "less_than", "次", False),
    ("31.2%", 31.2, "exact", "%", True),
    ("31.2 %", 31.2, "exact", "%", True),
    ("１２％", 12, "exact", "%", True),
    ("３１．２％", 31.2, "exact", "%", True),
    ("+250%", 250, "exact", "%", True),
    ("-3.2", -3.2, "exact", None, False),
    ("-5", -5, "exact", None, False),
    ("－5", -5, "exact", None, False),
    ("−12", -12, "exact", None, False),
    ("1427起", 1427, "exact", "起", False),
    ("20311人次", 20311, "exact", "人次", False),
    ("3.2个百分点", 3.2, "exact", "个百分点", False),
    ("¥1,427", 1427, "exact", "元", False),
]


@pytest.mark.parametrize(("text", "value", "qualifier", "unit", "is_percent"), READABLE)
def test_readable_cells(text, value, qualifier, unit, is_percent):
    parsed = parse_number(text)
    assert parsed.value == value
    assert type(parsed.value) is type(value)
    assert (parsed.qualifier, parsed.unit, parsed.is_percent) == (qualifier, unit, is_percent)


# cell -> the error code it must raise
REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    (None, "empty"),
    ("-", "missing_value"),
    ("—", "missing_value"),
    ("——", "missing_value"),
    ("/", "missing_value"),
    ("无", "missing_value"),
    ("NA", "missing_value"),
    ("n/a", "missing_value"),
    ("ＮＡ", "missing_value"),
    (float("nan"), "missing_value"),
    ("#DIV/0!", "excel_error"),
    ("#N/A", "excel_error"),
    ("#REF!", "excel_error"),
    ("1.2e3", "scientific_notation"),
    ("1.5E3", "scientific_notation"),
    ("4.40106E+17", "scientific_notation"),
    ("1-3", "range"),
    ("1~3", "range"),
    ("10-20万", "range"),
    ("5%-10%", "range"),
    ("1至3", "range"),
    ("1427 1428", "multiple_numbers"),
    ("1427（其中12）", "multiple_numbers"),
    ("1,42,7", "bad_separator"),
    ("1,7", "bad_separator"),
    ("1.427,5", "not_a_number"),
    ("1.2.3", "not_a_number"),
    ("1427kg", "unknown_unit"),
    ("12斤", "unknown_unit"),
    ("约100余", "conflicting_qualifiers"),
    ("不足100余", "conflicting_qualifiers"),
    ("百分之三十", "chinese_numerals"),
    ("三十万元", "chinese_numerals"),
    ("数万", "vague"),
    ("几千人", "vague"),
    ("abc", "not_a_number"),
    ("约", "not_a_number"),
    ("万元", "not_a_number"),
    ("北京1427", "unexpected_text"),
    ("1" * 101, "too_long"),
    (float("inf"), "not_finite"),
    (True, "wrong_type"),
    (object(), "wrong_type"),
]


@pytest.mark.parametrize(("cell", "code"), REFUSED)
def test_refused_cells(cell, code):
    with pytest.raises(NumberParseError) as caught:
        parse_number(cell)
    assert caught.value.code == code
    assert caught.value.code in ERROR_CODES
    assert caught.value.message_zh and caught.value.message_en


@pytest.mark.parametrize(("cell", "expected"), [(1427, 1427), (2.5, 2.5), (Decimal("1.50"), 1.5), (Decimal("3"), 3)])
def test_numbers_pass_through_as_exact(cell, expected):
    parsed = parse_number(cell)
    assert parsed == ParsedNumber(expected)
    assert type(parsed.value) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5.44亿", 544000000), ("1.3万", 13000), ("0.07万", 700), ("2.675亿", 267500000), ("1.1万亿", 1100000000000)],
)
def test_scaling_is_exact_decimal_arithmetic(text, expected):
    # In binary floating point 5.44 * 1e8 is 544000000.00000006; Decimal gives the integer.
    assert parse_number(text).value == expected


def test_scale_text_records_the_word_used():
    assert parse_number("2230余万元").scale_text == "万"
    assert parse_number("1427").scale_text is None


def test_non_integral_results_are_floats():
    value = parse_number("1.23456万").value
    assert isinstance(value, float) and math.isclose(value, 12345.6)


def test_messages_quote_the_cell_in_both_languages():
    with pytest.raises(NumberParseError) as caught:
        parse_number("10-20万")
    assert "10-20万" in caught.value.message_zh
    assert "10-20万" in caught.value.message_en
    assert str(caught.value) == caught.value.message_en


def test_parsed_number_is_immutable():
    parsed = parse_number("1427")
    with pytest.raises(AttributeError):
        parsed.value = 1  # type: ignore[misc]


def test_every_qualifier_is_reachable():
    seen = {parse_number(t).qualifier for t in ("1", "1余", "约1", "不足1")}
    assert seen == set(QUALIFIERS)


def test_plain_digits_are_fast():
    import time

    cells = [str(i) for i in range(100_000)]
    start = time.perf_counter()
    for cell in cells:
        parse_number(cell)
    # About 2 microseconds a cell here; a generous bound keeps slow CI machines green.
    assert time.perf_counter() - start < 2.0


# Look-alike digits: NFKC folds ³ into 3, and Python's \d and Decimal read ١٢٣ and १२३ as 123.
LOOKALIKE_DIGITS = [
    ("12³", "footnote_mark", "³"),
    ("1²", "footnote_mark", "²"),
    ("²12", "footnote_mark", "²"),
    ("1,427¹", "footnote_mark", "¹"),
    ("35210.5万元²", "footnote_mark", "²"),
    ("12₃", "footnote_mark", "₃"),
    ("12①", "footnote_mark", "①"),
    ("١٢٣", "other_digits", "١"),  # Arabic-Indic
    ("۱۲۳", "other_digits", "۱"),  # Extended Arabic-Indic (Persian)
    ("१२३", "other_digits", "१"),  # Devanagari
    ("12३", "other_digits", "३"),
    ("𝟏𝟐𝟑", "other_digits", "𝟏"),  # mathematical bold digits, folded by NFKC
]


@pytest.mark.parametrize(("cell", "code", "mark"), LOOKALIKE_DIGITS)
def test_a_lookalike_digit_never_becomes_part_of_a_number(cell, code, mark):
    with pytest.raises(NumberParseError) as caught:
        parse_number(cell)
    assert caught.value.code == code and code in ERROR_CODES
    assert mark in caught.value.message_zh and mark in caught.value.message_en


@pytest.mark.parametrize(("cell", "value"), [("１２３", 123), ("１，４２７", 1427), ("１２.５万", 125000), ("12", 12)])
def test_full_width_digits_are_read_as_digits(cell, value):
    assert parse_number(cell).value == value
