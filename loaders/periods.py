"""Reporting periods as tables write them -> (start date, end date, the table's own wording).

`parse_period("2024年1-10月")` gives `Period(date(2024, 1, 1), date(2024, 10, 31), "2024年1-10月")`.
Accepted: years (2024, 2024年, 2024年度), months (2024年10月, 2024-10, 2024/10, 2024.10, 202410),
month ranges (2024年1-10月, 2024.1-10, 2024年1月至10月), quarters (2024年第三季度, 2024Q3), halves
(2024年上半年), days (2024-10-31, 2024年10月31日) and real dates from Excel. Anything else raises
`PeriodError` with a code and a message in both languages.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

MIN_YEAR = 1990
MAX_YEAR = 2100

_DASH = "-–—~〜至到"
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    text: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.start.isoformat(), self.end.isoformat())


class PeriodError(ValueError):
    def __init__(self, code: str, message_zh: str, message_en: str):
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(message_en)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _check_year(year: int, shown: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            "implausible_date",
            f"“{shown}”的年份{year}不合理",
            f"the year {year} in “{shown}” is implausible",
        )


def _check_month(month: int, shown: str) -> None:
    if not 1 <= month <= 12:
        raise PeriodError("bad_date", f"“{shown}”的月份为{month}，应为1-12", f"“{shown}” has month {month}; months are 1-12")


def year_period(year: int, text: str | None = None) -> Period:
    _check_year(year, text or str(year))
    return Period(date(year, 1, 1), date(year, 12, 31), text or f"{year}年")


def month_period(year: int, first: int, last: int | None = None, text: str | None = None) -> Period:
    last = first if last is None else last
    shown = text or (f"{year}年{first}月" if first == last else f"{year}年{first}-{last}月")
    _check_year(year, shown)
    _check_month(first, shown)
    _check_month(last, shown)
    if last < first:
        raise PeriodError("bad_date", f"“{shown}”的起止月份颠倒", f"“{shown}” ends before it starts")
    return Period(date(year, first, 1), _month_end(year, last), shown)


def _day(year: int, month: int, day: int, shown: str) -> date:
    _check_year(year, shown)
    _check_month(month, shown)
    try:
        return date(year, month, day)
    except ValueError:
        raise PeriodError("bad_date", f"“{shown}”不是有效日期", f"“{shown}” is not a valid date") from None


_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(\d{4})年?(?:度|全年)?"), "year"),
    (re.compile(rf"(\d{{4}})年(\d{{1,2}})月?[{_DASH}](\d{{1,2}})月(?:份)?"), "months"),
    (re.compile(rf"(\d{{4}})[./](\d{{1,2}})[{_DASH}](\d{{1,2}})"), "months"),
    (re.compile(rf"(\d{{4}})-(\d{{1,2}})[{_DASH[1:]}](\d{{1,2}})月?"), "months"),
    (re.compile(r"(\d{4})年(\d{1,2})月(?:份)?"), "month"),
    (re.compile(r"(\d{4})[-./](\d{1,2})"), "month"),
    (re.compile(r"(\d{4})(\d{2})"), "month"),
    (re.compile(r"(\d{4})年?(?:第)?([一二三四1-4])季度"), "quarter"),
    (re.compile(r"(\d{4})[Qq]([1-4])"), "quarter"),
    (re.compile(r"(\d{4})年?([上下])半年"), "half"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), "day"),
    (re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})"), "day"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?[-–—~至到](\d{1,2})月(\d{1,2})日"), "days"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?[-–—~至到](\d{4})年(\d{1,2})月(\d{1,2})日"), "days_years"),
]

_NO_YEAR = re.compile(rf"(\d{{1,2}})月(?:份)?(?:[{_DASH}]\d{{1,2}}月)?|第?[一二三四]季度|[上下]半年")


def _from_text(raw: str) -> Period:
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(text.split())
    if not text:
        raise PeriodError("missing_period", "期间为空", "the period is empty")
    for pattern, kind in _PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        g = [int(x) if x.isdigit() else x for x in m.groups()]
        if kind == "year":
            return year_period(g[0], None if text.isdigit() else raw.strip())
        if kind == "months":
            return month_period(g[0], g[1], g[2], raw.strip())
        if kind == "month":
            return month_period(g[0], g[1], text=None if text.isdigit() else raw.strip())
        if kind == "quarter":
            q = _QUARTERS[str(g[1])]
            return month_period(g[0], 3 * q - 2, 3 * q, raw.strip())
        if kind == "half":
            first = 1 if g[1] == "上" else 7
            return month_period(g[0], first, first + 5, raw.strip())
        if kind == "day":
            day = _day(g[0], g[1], g[2], raw.strip())
            return Period(day, day, raw.strip())
        if kind == "days":
            start, end = _day(g[0], g[1], g[2], raw.strip()), _day(g[0], g[3], g[4], raw.strip())
            return _ordered(start, end, raw.strip())
        if kind == "days_years":
            start, end = _day(g[0], g[1], g[2], raw.strip()), _day(g[3], g[4], g[5], raw.strip())
            return _ordered(start, end, raw.strip())
    if _NO_YEAR.fullmatch(text):
        raise PeriodError("bad_date", f"“{raw.strip()}”缺少年份", f"“{raw.strip()}” has no year")
    raise PeriodError(
        "bad_date",
        f"无法识别期间“{raw.strip()[:40]}”（可写作 2024、2024年1-10月、2024年10月）",
        f"cannot read the period “{raw.strip()[:40]}” (write e.g. 2024, 2024年1-10月, 2024年10月)",
    )


def _ordered(start: date, end: date, shown: str) -> Period:
    if end < start:
        raise PeriodError("bad_date", f"“{shown}”的结束早于开始", f"“{shown}” ends before it starts")
    return Period(start, end, shown)


def parse_period(value: object, *, month_column: bool = False) -> Period:
    """The period a cell (or a column header) names; raises PeriodError when it cannot tell.

    Numbers: a year (2024), or YYYYMM (202410). A five-digit number such as 45292 may be an Excel
    date serial, which is refused rather than guessed. Excel dates: the month when the day is the
    1st or `month_column` is set (a 统计月份 column), otherwise the day.
    """
    if isinstance(value, bool) or value is None:
        raise PeriodError("missing_period", "期间为空", "the period is empty")
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        shown = value.isoformat()
        _check_year(value.year, shown)
        if month_column or value.day == 1:
            return month_period(value.year, value.month, text=f"{value.year}年{value.month}月")
        return Period(value, value, shown)
    if isinstance(value, float):
        if value != value or not value.is_integer():
            raise PeriodError("bad_date", f"“{value}”不是期间", f"“{value}” is not a period")
        value = int(value)
    if isinstance(value, int):
        if 1000 <= value <= 9999:
            return year_period(value)
        if 100000 <= value <= 999999:
            return month_period(value // 100, value % 100, text=f"{value // 100}年{value % 100}月")
        if 20000 <= value <= 99999:
            raise PeriodError(
                "ambiguous_date",
                f"期间为数字{value}（Excel日期序号？），请写成 2024年1月 这样的文字或设为日期格式",
                f"the period is the number {value} (an Excel date serial?); write it as text such as 2024年1月"
                " or format the cell as a date",
            )
        raise PeriodError("bad_date", f"“{value}”不是期间", f"“{value}” is not a period")
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) in (5, 6):
        return parse_period(int(text), month_column=month_column)
    return _from_text(str(value))


_IN_TEXT = [
    re.compile(rf"(\d{{4}})年(\d{{1,2}})月?[{_DASH}](\d{{1,2}})月(?:份)?"),
    re.compile(rf"(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日?[{_DASH}](\d{{1,2}})月(\d{{1,2}})日"),
    re.compile(r"(\d{4})年(?:第)?[一二三四1-4]季度"),
    re.compile(r"(\d{4})年[上下]半年"),
    re.compile(r"(\d{4})年(\d{1,2})月(?!\d{1,2}日)"),
    re.compile(r"(\d{4})年(?:度)?"),
]


def find_period_in_text(text: str) -> Period | None:
    """The first period a title names (2024年各地区… -> 2024), or None."""
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    for pattern in _IN_TEXT:
        m = pattern.search(folded)
        if m:
            try:
                return parse_period(m.group(0))
            except PeriodError:
                return None
    return None
