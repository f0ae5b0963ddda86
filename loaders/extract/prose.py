"""Numbers in prose: the number grammar (qualifier, number, scale, unit), each number read as a `Hit`
with the reason it is not a statistic left out, numbers listed together, and clause/sentence positions.

Only numbers written with Arabic digits (half- or full-width), a qualifier + scale standing for one
(过亿, 近万), tenths (近三成) and streaks (连续两个月) are read; Chinese-numeral words (一是, 五年内,
第一) are ordinals or legal terms in these texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from loaders.extract.words import (
    CHINESE_DIGITS,
    DATE_AFTER,
    DURATION_WORDS,
    ENUM_SEPARATORS,
    INNER_QUALIFIERS,
    PHONE_WORDS,
    PREFIX_QUALIFIERS,
    RULE_WORDS,
    SCALES,
    STREAK_WORDS,
    SUFFIX_QUALIFIERS,
    TENTHS_LEAD,
    TENTHS_NOT_BEFORE,
    TENTHS_SUFFIX_QUALIFIERS,
    THRESHOLD_OK_AFTER,
    TIMES_SIGNS,
    UNIT_WORDS,
)


def alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNIT_ALT = alternation([w for w in UNIT_WORDS if w not in ("万元", "亿元", "成")])
_SCALE_ALT = alternation(SCALES)
_INNER = "[" + "".join(INNER_QUALIFIERS) + "]"
_NUMBER_RE = re.compile(
    rf"(?<![\d.])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"(?:\s*[-~—–至到]\s*(?P<num2>\d+(?:\.\d+)?))?"
    rf"(?P<inner>{_INNER})?(?P<scale>{_SCALE_ALT})?(?P<inner2>{_INNER})?\s?"
    rf"(?P<unit>{_UNIT_ALT})?(?P<suffix>{alternation(SUFFIX_QUALIFIERS)})?"
)
# 近三成, 超3成, 五成以上 (tenths) and 连续两个月 (a streak in Chinese numerals).
_TENTHS_RE = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九])成(?P<suffix>{alternation(TENTHS_SUFFIX_QUALIFIERS)})?"
)
_STREAK_RE = re.compile(r"连续(?P<num>[一二两三四五六七八九十]{1,2})(?P<unit>个月|天|周|年)")
# 过亿条, 近万人, 破亿: a qualifier and a scale standing for the number.
_WORDLESS_RE = re.compile(rf"(?P<qual>过|超|近|逾|突破|破)(?P<scale>亿|万|千万|百万)(?P<unit>{_UNIT_ALT})")
_PREFIX_RE = re.compile(rf"(?:{alternation(PREFIX_QUALIFIERS)})\s?$")
_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?：:\n（）()【】]|(?<!\d)\.(?!\d)")
_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]|(?<!\d)\.(?!\d)")
_DATE_RE = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月](?:\d{1,2}[日号]?)?|\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}月\d{1,2}[日号]")


@dataclass
class Hit:
    start: int  # number start (or qualifier start for 过亿)
    end: int  # end of number + unit + suffix
    num_start: int
    num_end: int
    value: int | float
    decimals: int
    unit_text: str
    qualifier: str
    is_percent: bool
    skip: str = ""  # why it is not a statistic ("" = it is)
    doubt: str = ""


def decimal_value(number: str, scale: int) -> tuple[int | float, int]:
    d = Decimal(number.replace(",", "")) * scale
    decimals = max(0, -Decimal(number.replace(",", "")).as_tuple().exponent) if scale == 1 else 0
    return (int(d) if d == d.to_integral_value() else float(d)), decimals


def clause_start(norm: str, pos: int, floor: int = 0) -> int:
    """Offset after the last clause break before pos (never before floor)."""
    lo = max(floor, pos - 60)
    last = lo if lo > floor else floor
    for m in _CLAUSE_BREAK.finditer(norm, lo, pos):
        last = m.end()
    return last


def sentence_start(norm: str, pos: int) -> int:
    lo = max(0, pos - 300)
    last = lo
    for m in _SENTENCE_BREAK.finditer(norm, lo, pos):
        last = m.end()
    return last


def sentence_end(norm: str, pos: int) -> int:
    m = _SENTENCE_BREAK.search(norm, pos)
    return m.start() if m else len(norm)


def last_word(text: str, words) -> tuple[int, str]:
    """(position, word) of the word of `words` occurring last in text; (-1, "") if none."""
    best = (-1, "")
    for w in words:
        i = text.rfind(w)
        if i > best[0] or (i == best[0] and i >= 0 and len(w) > len(best[1])):
            best = (i, w)
    return best


def read_hits(norm: str) -> list[Hit]:
    hits: list[Hit] = []
    dates = [(m.start(), m.end()) for m in _DATE_RE.finditer(norm)]

    def in_date(a: int, b: int) -> bool:
        return any(s <= a and b <= e for s, e in dates)

    for m in _NUMBER_RE.finditer(norm):
        a, b = m.span("num")
        unit = m.group("unit") or ""
        scale_word = m.group("scale") or ""
        after = norm[m.end() : m.end() + 3]
        before = norm[max(0, a - 8) : a]
        if m.group("num2") and not unit and not scale_word:
            continue
        if in_date(a, b) or (not unit and not scale_word and after[:1] in DATE_AFTER):
            continue
        streak = norm[max(0, a - 2) : a] in STREAK_WORDS and unit in ("个月", "天", "周", "年", "日")
        if streak:
            pass
        elif unit in ("年",) or (unit in DATE_AFTER and not scale_word and unit not in ("人",)):
            if unit in ("年", "日", "时", "点") or (unit == "月" and not scale_word):
                continue
        if unit in DURATION_WORDS and not streak:
            continue
        if (a and norm[a - 1] in TIMES_SIGNS) or (m.end() < len(norm) and norm[m.end()] in TIMES_SIGNS):
            continue  # 7×24小时
        if not unit and scale_word and not m.group("inner") and not m.group("inner2"):
            unit = ""  # 5.44亿 without a unit word: still a figure
        elif not unit:
            continue
        skip = ""
        if before.endswith("第"):
            skip = "ordinal"
        elif (
            after.startswith(("内", "以内", "之内"))
            or norm[m.end() - 1 : m.end() + 1].endswith("内")
            or any(w in before[-6:] for w in RULE_WORDS)
        ):
            skip = "legal_term"
        elif any(w in norm[max(0, a - 6) : a] for w in PHONE_WORDS) and not unit:
            skip = "phone"
        if skip:
            continue
        number = m.group("num")
        scale = SCALES.get(scale_word, 1)
        value, decimals = decimal_value(number, scale)
        qualifier = "exact"
        if m.group("inner") or m.group("inner2"):
            qualifier = INNER_QUALIFIERS[m.group("inner") or m.group("inner2")]
        if m.group("suffix"):
            qualifier = SUFFIX_QUALIFIERS[m.group("suffix")]
            nxt = norm[m.end() : m.end() + 1]
            if m.group("suffix") in ("以上", "以下") and nxt and nxt not in THRESHOLD_OK_AFTER:
                continue  # 30万元以上案件: a class boundary
        start = a
        pm = _PREFIX_RE.search(norm, max(0, a - 4), a)
        if pm:
            word = pm.group(0).strip()
            if PREFIX_QUALIFIERS[word] != "exact" and qualifier == "exact":
                qualifier = PREFIX_QUALIFIERS[word]
            start = pm.start()
        is_percent = unit in ("%", "‰")
        end = m.end()
        if m.group("suffix") is None and unit == "" and norm[end - 1 : end] == " ":
            end -= 1
        while end > b and norm[end - 1] == " ":
            end -= 1
        doubt = ""
        if m.group("num2"):
            doubt = "range"
            qualifier = "at_least"
        hits.append(Hit(start, end, a, b, value, decimals, unit, qualifier, is_percent, "", doubt))
    for m in _WORDLESS_RE.finditer(norm):
        q = m.group("qual")
        qualifier = "about" if q == "近" else "at_least"
        hits.append(
            Hit(
                m.start(),
                m.end(),
                m.start(),
                m.end("scale"),
                SCALES[m.group("scale")],
                0,
                m.group("unit"),
                qualifier,
                False,
            )
        )
    taken = [(h.num_start, h.end) for h in hits]
    for m in _TENTHS_RE.finditer(norm):
        a, b = m.span("num")
        if any(s <= a < e for s, e in taken):
            continue
        if m.group("suffix") is None and m.end() < len(norm) and norm[m.end()] in TENTHS_NOT_BEFORE:
            continue
        lead = norm[max(0, a - 4) : a]
        if not lead.endswith(TENTHS_LEAD) or (a > 0 and norm[a - 1].isdigit()):
            continue
        number = m.group("num")
        digits = str(CHINESE_DIGITS[number]) if number in CHINESE_DIGITS else number
        value, decimals = decimal_value(digits, 10)
        qualifier = "exact"
        if m.group("suffix"):
            qualifier = TENTHS_SUFFIX_QUALIFIERS[m.group("suffix")]
        start = a
        pm = _PREFIX_RE.search(norm, max(0, a - 4), a)
        if pm:
            if PREFIX_QUALIFIERS[pm.group(0).strip()] != "exact" and qualifier == "exact":
                qualifier = PREFIX_QUALIFIERS[pm.group(0).strip()]
            start = pm.start()
        hits.append(Hit(start, m.end(), a, b, value, 0, "成", qualifier, True))
    for m in _STREAK_RE.finditer(norm):
        words = m.group("num")
        if len(words) == 2 and not words.startswith("十"):
            continue  # 二十 … : left to the analyst
        value = CHINESE_DIGITS[words[0]] if len(words) == 1 else 10 + CHINESE_DIGITS.get(words[1], 0)
        a, b = m.span("num")
        hits.append(Hit(a, m.end(), a, b, value, 0, m.group("unit"), "exact", False))
    hits.sort(key=lambda h: h.num_start)
    return hits


def number_runs(norm: str, hits: list[Hit]) -> list[list[Hit]]:
    """Numbers listed together (15.9%、20.5%、26.9% / 44.5%和47.2%): one run shares one lead."""
    runs: list[list[Hit]] = []
    for h in hits:
        if runs:
            prev = runs[-1][-1]
            gap = norm[prev.end : h.start].strip()
            if prev.is_percent == h.is_percent and (gap in tuple(ENUM_SEPARATORS) + ("以及",)) and h.is_percent:
                runs[-1].append(h)
                continue
        runs.append([h])
    return runs
