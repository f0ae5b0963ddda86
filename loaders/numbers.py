"""The Chinese number parser: one cell of a statistics table -> a number, its qualifier and its unit.

`parse_number("2230余万元")` gives `ParsedNumber(value=22300000, qualifier="at_least", unit="元",
is_percent=False, scale_text="万")`. Anything it cannot read raises `NumberParseError` with a code
and a message in Chinese and English; blank-like markers (`-`, `—`, `/`, `无`, `NA`, NaN) raise the
code `missing_value` so that callers can treat them as empty cells.

The grammar, all parts but the number optional (the number may be left out when a qualifier and a
scale stand for it, as in 过亿, 近万, 万余):

    [qualifier word] [¥] [+|-] number [余|多] [scale: 万 亿 千 …] [余|多] [unit | %] [qualifier word]

Multiplying by the scale is done in `Decimal`, so 5.44亿 is exactly 544000000; an integral result
is returned as `int`. Everything is table-driven: the words below are the whole vocabulary.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from loaders.vocabulary import (  # noqa: F401  (QUALIFIERS: named here for older callers)
    INNER_QUALIFIERS,
    NUMBER_UNITS,
    PREFIX_QUALIFIERS,
    QUALIFIERS,
    SCALES,
    SUFFIX_QUALIFIERS,
)

# The words live in loaders.vocabulary (one list for numbers, uploads, curated tables and formatting).
UNITS = NUMBER_UNITS

# Whole-cell markers that mean "no figure here" (compared after NFKC and casefolding).
MISSING_MARKERS = frozenset(
    {
        "-", "--", "---", "—", "——", "–", "−", "/", "\\", "…", "……", "...", "x",
        "无", "空", "暂无", "不详", "未知", "缺", "缺失",
        "na", "n/a", "n.a.", "nan", "null", "none", "nil",
    }
)

EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!",
        "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!",
    }
)

MAX_TEXT_LENGTH = 100

_RANGE_SEPARATORS = "-~〜—–至到"
_CHINESE_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_VAGUE_WORDS = ("数", "几", "若干", "好几")


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# 百 is not a scale in 百分点 / 百分之.
_SCALE_PATTERN = "|".join(
    re.escape(w) + ("(?!分)" if w.endswith("百") else "") for w in sorted(SCALES, key=len, reverse=True)
)
_HEAD_RE = re.compile(
    rf"(?P<prefix>{_alternation(PREFIX_QUALIFIERS)})?"
    r"(?P<currency>¥)?"
    r"(?P<sign>[+-])?"
    r"(?P<number>\d+(?:[, ]\d+)*(?:\.\d+)?|\.\d+)?"
    rf"(?P<q1>{_alternation(INNER_QUALIFIERS)})?"
    rf"(?P<scale>{_SCALE_PATTERN})?"
    rf"(?P<q2>{_alternation(INNER_QUALIFIERS)})?"
)
_UNIT_RE = re.compile(rf"(?:{_alternation(UNITS)})")
_SUFFIX_RE = re.compile(rf"(?:{_alternation(SUFFIX_QUALIFIERS)})$")
_PLAIN_INT_RE = re.compile(r"-?\d{1,30}")
# At most 15 significant digits, so float() is exact enough for is_integer() to be right.
_PLAIN_DECIMAL_RE = re.compile(r"-?\d{1,9}\.\d{1,6}")
_SCIENTIFIC_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)e[+-]?\d+", re.IGNORECASE)
_SPACES_RE = re.compile(r" {2,}")
_SPACE_NOT_BETWEEN_DIGITS_RE = re.compile(r"(?<!\d) | (?!\d)")
_GROUPED_RE = {sep: re.compile(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+(?:\.\d+)?") for sep in ", "}
_CHINESE_NUMERAL_RE = re.compile(rf"(?:百分之)?[{_CHINESE_DIGITS}余多]*[{_CHINESE_DIGITS}][{_CHINESE_DIGITS}余多]*")
_TRAILING_UNIT_RE = re.compile(rf"(?:{_alternation(UNITS)})$")
_DIGIT_RE = re.compile(r"\d")
# Minus signs and spaces that NFKC leaves alone.
_EXTRA_TRANSLATION = str.maketrans({"−": "-", "﹣": "-", "‐": "-", "〜": "~", "\u200b": None, "\ufeff": None})


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A number read from a cell: `value` already multiplied by the scale word (万, 亿 …)."""

    value: int | float
    qualifier: str = "exact"
    unit: str | None = None
    is_percent: bool = False
    scale_text: str | None = None


class NumberParseError(ValueError):
    """A cell that is not a single readable number; `code` says why (see `ERROR_CODES`)."""

    def __init__(self, code: str, message_zh: str, message_en: str):
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(message_en)


# code -> (Chinese template, English template); {text} is the cell as written, {detail} a fragment.
_MESSAGES = {
    "empty": ("单元格为空", "the cell is empty"),
    "missing_value": ("“{text}”表示缺失值，不是数字", "“{text}” marks a missing value, not a number"),
    "excel_error": (
        "“{text}”是Excel错误值，请在Excel中修正公式后重新保存",
        "“{text}” is an Excel error value; fix the formula in Excel and save again",
    ),
    "scientific_notation": (
        "“{text}”是科学计数法，可能已丢失精度，请将单元格设为数值或文本格式后重新输入完整数字",
        "“{text}” is in scientific notation and may have lost digits; format the cell as a number"
        " or text and enter the full number",
    ),
    "range": ("“{text}”是一个范围，请填写单个数值", "“{text}” is a range; enter a single number"),
    "multiple_numbers": (
        "“{text}”包含不止一个数字，请每个单元格只填一个数值",
        "“{text}” contains more than one number; enter one number per cell",
    ),
    "unknown_unit": (
        "“{text}”中的“{detail}”不是可识别的单位",
        "“{detail}” in “{text}” is not a known unit",
    ),
    "bad_separator": (
        "“{text}”的千位分隔符位置不对（应每三位一个，如 1,427），或是两个数字",
        "“{text}” has misplaced thousands separators (one every three digits, as in 1,427),"
        " or holds two numbers",
    ),
    "conflicting_qualifiers": (
        "“{text}”同时含有含义不同的修饰词（如“约”和“余”）",
        "“{text}” combines qualifiers that contradict each other (such as 约 and 余)",
    ),
    "chinese_numerals": (
        "“{text}”是中文数字，请改用阿拉伯数字（如 30、1.3万）",
        "“{text}” is written in Chinese numerals; use Arabic digits (such as 30 or 1.3万)",
    ),
    "vague": (
        "“{text}”不是确切的数（如“数万”“几千”），请填写具体数值",
        "“{text}” is not a definite amount (such as 数万 'tens of thousands'); enter a number",
    ),
    "not_a_number": ("“{text}”不是数字", "“{text}” is not a number"),
    "unexpected_text": (
        "“{text}”在数字前有多余的文字“{detail}”",
        "“{text}” has unexpected text “{detail}” before the number",
    ),
    "not_finite": ("“{text}”不是有限的数值", "“{text}” is not a finite number"),
    "too_long": (
        "单元格内容过长（{detail}个字符），不是一个数字",
        "the cell is too long ({detail} characters) to be a number",
    ),
    "wrong_type": ("“{text}”（{detail}）不是数字", "“{text}” ({detail}) is not a number"),
    "footnote_mark": (
        "“{text}”中的“{detail}”是上标、下标或带圈数字（脚注标记？），不能算作数字的一部分；请删除该标记"
        "（说明可写在备注列）后重新上传",
        "“{detail}” in “{text}” is a superscript, subscript or circled digit (a footnote mark?) and cannot"
        " be part of a number; remove the mark (put the note in the 备注 column) and upload again",
    ),
    "other_digits": (
        "“{text}”中的“{detail}”不是0-9的数字（如阿拉伯-印度数字、天城文数字），请改用0-9",
        "“{detail}” in “{text}” is not one of the digits 0-9 (such as Arabic-Indic or Devanagari digits); use 0-9",
    ),
    "too_many_digits": (
        "“{text}”的有效数字太多，无法准确保存（最多15位），请核对",
        "“{text}” has more significant digits than can be stored exactly (at most 15); please check",
    ),
}
ERROR_CODES = tuple(_MESSAGES)


def _fail(code: str, text: object, detail: str = "") -> NumberParseError:
    shown = str(text)
    if len(shown) > 30:
        shown = shown[:30] + "…"
    zh, en = _MESSAGES[code]
    return NumberParseError(code, zh.format(text=shown, detail=detail), en.format(text=shown, detail=detail))


def parse_number(text: object) -> ParsedNumber:
    """Read one cell as a number with its qualifier, unit and percent flag.

    `int` and `float` pass through as exact values (NaN counts as a missing value); strings are
    parsed by the grammar in the module docstring. Raises `NumberParseError` otherwise.
    """
    if isinstance(text, str):
        # Fast path: plain ASCII digits, the bulk of any table.
        if text.isascii():
            if text.isdigit() and len(text) <= 30:
                return ParsedNumber(int(text))
            # A decimal point rules the integer pattern out (and its absence the decimal one).
            if "." in text:
                if _PLAIN_DECIMAL_RE.fullmatch(text):
                    number = float(text)
                    return ParsedNumber(int(number) if number.is_integer() else number)
            elif _PLAIN_INT_RE.fullmatch(text):
                return ParsedNumber(int(text))
        return _parse_text(text)
    if text is None:
        raise _fail("empty", "")
    if isinstance(text, bool):
        raise _fail("wrong_type", text, "bool")
    if isinstance(text, int):
        return ParsedNumber(int(text))
    if isinstance(text, float):
        if math.isnan(text):
            raise _fail("missing_value", "NaN")
        if math.isinf(text):
            raise _fail("not_finite", text)
        return ParsedNumber(text)
    if isinstance(text, Decimal):
        if text.is_nan():
            raise _fail("missing_value", "NaN")
        if not text.is_finite():
            raise _fail("not_finite", text)
        return ParsedNumber(_to_plain(text, text))
    if hasattr(text, "__index__"):  # numpy integers
        return ParsedNumber(int(text.__index__()))
    if type(text).__module__ == "numpy" and hasattr(text, "__float__"):  # numpy floats
        return parse_number(float(text))
    raise _fail("wrong_type", text, type(text).__name__)


def _refuse_lookalike_digits(text: str) -> None:
    """Only 0-9 and their full-width forms (０-９, common in Chinese tables) are digits of a number.

    NFKC would fold a superscript footnote mark into the number (12³ -> 123) and Python reads every
    script's decimal digits (١٢٣, १२३) as 0-9: neither is a Chinese office habit, and guessing could
    change a figure, so the cell is refused naming the character.
    """
    for char in text:
        if char.isdigit() and not ("0" <= char <= "9" or "０" <= char <= "９"):
            code = "other_digits" if unicodedata.decimal(char, None) is not None else "footnote_mark"
            raise _fail(code, text, char)


def _to_plain(number: Decimal, text: object = "") -> int | float:
    if number == number.to_integral_value():
        return int(number)
    plain = float(number)
    if Decimal(repr(plain)) != number:  # a float cannot hold these digits: never return other ones
        raise _fail("too_many_digits", text or number)
    return plain


def _parse_text(raw: str) -> ParsedNumber:
    stripped = raw.strip()
    if not stripped:
        raise _fail("empty", raw)
    if len(stripped) != len(raw):
        return parse_number(stripped)  # back through the fast path
    if len(stripped) > MAX_TEXT_LENGTH:
        raise _fail("too_long", stripped, str(len(stripped)))
    if stripped.upper() in EXCEL_ERRORS:
        raise _fail("excel_error", stripped)
    text = stripped
    if not text.isascii():
        _refuse_lookalike_digits(stripped)
        text = unicodedata.normalize("NFKC", text).translate(_EXTRA_TRANSLATION).strip()
    if text.casefold() in MISSING_MARKERS or stripped in MISSING_MARKERS:
        raise _fail("missing_value", stripped)
    if " " in text:
        text = _SPACE_NOT_BETWEEN_DIGITS_RE.sub("", _SPACES_RE.sub(" ", text))
    if _SCIENTIFIC_RE.fullmatch(text):
        raise _fail("scientific_notation", stripped)

    head = _HEAD_RE.match(text)
    number, scale = head["number"], head["scale"]
    if number is None and scale is None:
        raise _explain_no_number(stripped, text)

    qualifiers = []
    if head["prefix"]:
        qualifiers.append(PREFIX_QUALIFIERS[head["prefix"]])
    for inner in (head["q1"], head["q2"]):
        if inner:
            qualifiers.append(INNER_QUALIFIERS[inner])

    tail = text[head.end():]
    unit = "元" if head["currency"] else None
    if tail:
        unit_match = _UNIT_RE.match(tail)
        if unit_match:
            if unit is not None and unit_match.group() != unit:
                raise _fail("unknown_unit", stripped, unit_match.group())
            unit = unit_match.group()
            tail = tail[unit_match.end():]
        if tail:
            suffix = _SUFFIX_RE.match(tail)
            if suffix is None:
                raise _explain_leftover(stripped, tail)
            qualifiers.append(SUFFIX_QUALIFIERS[suffix.group()])

    distinct = set(qualifiers)
    if len(distinct) > 1:
        raise _fail("conflicting_qualifiers", stripped)
    qualifier = distinct.pop() if distinct else "exact"

    if number is None:
        # 过亿, 近万, 万余: the scale word stands for the number, but only with a qualifier.
        if qualifier == "exact" or head["sign"]:
            raise _fail("not_a_number", stripped)
        magnitude = Decimal(1)
    else:
        magnitude = _read_digits(number, stripped)
    if scale:
        magnitude *= SCALES[scale]
    if head["sign"] == "-":
        magnitude = -magnitude
    return ParsedNumber(_to_plain(magnitude, stripped), qualifier, unit, unit == "%", scale)


def _read_digits(number: str, original: str) -> Decimal:
    for separator in ", ":
        if separator in number:
            if _GROUPED_RE[separator].fullmatch(number) is None:
                raise _fail("bad_separator" if separator == "," else "multiple_numbers", original)
            number = number.replace(separator, "")
    try:
        return Decimal(number)
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        raise _fail("not_a_number", original) from None


def _explain_no_number(original: str, text: str) -> NumberParseError:
    words = text
    prefix = _HEAD_RE.match(text)["prefix"]
    if prefix:
        words = text[len(prefix):]
    if words.startswith(_VAGUE_WORDS):
        return _fail("vague", original)
    core = _SUFFIX_RE.sub("", _TRAILING_UNIT_RE.sub("", _SUFFIX_RE.sub("", words)))
    if core and _CHINESE_NUMERAL_RE.fullmatch(core):
        return _fail("chinese_numerals", original)
    digit = _DIGIT_RE.search(text)
    if digit is None:
        return _fail("not_a_number", original)
    return _fail("unexpected_text", original, text[: digit.start()].strip() or text[:1])


def _explain_leftover(original: str, leftover: str) -> NumberParseError:
    if _DIGIT_RE.search(leftover):
        if leftover[0] in _RANGE_SEPARATORS:
            return _fail("range", original)
        if leftover[0] in ".,":
            return _fail("not_a_number", original)
        return _fail("multiple_numbers", original)
    if leftover.strip(_RANGE_SEPARATORS) == "":
        return _fail("not_a_number", original)
    return _fail("unknown_unit", original, leftover)
