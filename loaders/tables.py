"""An uploaded table -> figures, or the reasons it cannot be read.

`check_bytes(data, filename)` reads the file (`loaders.reading.read_grid`), finds the header below
any title rows (two-row merged headers are combined), recognises the table's shape, and turns
every number into a figure of the curated figure model (`loaders.figures.FIGURE_COLUMNS`):

- **wide**: one row per region, one column per metric (地区 | 年份 | 立案数 | 涉案金额(万元) …);
- **wide by period**: one row per region and metric, one column per period (地区 | 指标 | 2023年 | 2024年);
- **tidy**: one row per figure (地区 | 期间 | 指标 | 数值 | 单位 | 限定 | 来源 | 同比).

Rows of 合计/小计/全市 are excluded and checked against the rows they total; notes, blank rows and
section labels are skipped; each problem becomes a `Message` naming the spreadsheet row and the
column as the person wrote it. Nothing here raises for any input bytes.
"""

from __future__ import annotations

import gc
import hashlib
import re
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.core.arrays.string_arrow import ArrowStringArray

from loaders import messages as msg
from loaders.bounds import bound_problem
from loaders.catalog import Catalog, load_catalog
from loaders.figures import FIGURE_COLUMNS, MAX_EVIDENCE
from loaders.messages import Message, ReadError, excel_column
from loaders.numbers import NumberParseError, ParsedNumber, parse_number
from loaders.periods import Period, PeriodError, find_period_in_text, parse_period
from loaders.regions import (
    RegionMatch,
    RegionMatchError,
    common_parent,
    echo,
    is_within,
    match_region,
    normalize_region_text,
)

REPORT_COLUMNS = [*FIGURE_COLUMNS, "metric_zh", "metric_en", "source_row", "derived", "formula"]
STATUSES = ("accepted", "accepted_with_warnings", "rejected")

MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_DATA_ROWS = 1_000_000  # a 1,000,000-row tidy table checks in ~25 s CPU, peak memory ~0.8 GB
MAX_MESSAGES = 300
FIGURE_CHUNK = 65_536  # candidates turned into frame columns at a time
HEADER_SCAN_ROWS = 30
MONEY_OUTLIER_YUAN = 10**11  # a region's amount above 1000亿元 is a unit typo, not a statistic

# Header words -> the role of the column. Source headers are recognised once, here.
ROLE_HEADERS = {
    "region": (
        "地区", "地市", "市州", "州市", "城市", "省份", "省市", "省区市", "区域", "县区", "县市区",
        "省", "市", "州", "区县", "县", "县(市、区)", "县(市,区)", "县(区)", "县(市)", "市(州)", "县(市区)",
        "地区名称", "单位", "单位名称", "辖区", "行政区划", "行政区划名称", "行政区", "地方", "地名",
    ),
    "region_code": ("行政区划代码", "区划代码", "地区代码", "行政代码", "地区编码", "区划编码"),
    "period": (
        "年份", "年度", "年", "期间", "统计期间", "时间", "统计时间", "月份", "统计月份", "日期",
        "报告期", "统计周期", "时期", "时段", "统计年度", "统计年份",
    ),
    "metric_name": ("指标", "指标名称", "项目", "统计项目", "统计指标", "指标项"),
    "value": ("数值", "数量", "数据", "值", "数", "数字", "统计值"),
    "unit": ("计量单位", "单位名", "度量单位"),
    "qualifier": ("限定", "限定词", "修饰", "修饰词", "精度", "说明"),
    "source": ("来源", "数据来源", "出处", "信息来源"),
    "agency": ("填报单位", "报送单位", "部门", "责任单位", "机关", "报送部门"),
    "note": ("备注", "附注", "注", "说明"),
    "ignore": ("序号", "排名", "名次", "编号", "排序", "no", "no."),
}
ROLE_OF_HEADER = {}
for _role, _words in ROLE_HEADERS.items():
    for _word in _words:
        ROLE_OF_HEADER.setdefault(_word.lower(), _role)

# Region headers that say which level of division their column holds (a table may have several:
# 省份 | 地市). Others (地区, 单位 …) may hold any level.
REGION_HEADER_LEVELS = {
    "省份": "province", "省市": "province", "省区市": "province",
    "地市": "prefecture", "市州": "prefecture", "州市": "prefecture", "城市": "prefecture",
    "县区": "county", "县市区": "county",
    "省": "province", "市": "prefecture", "州": "prefecture", "市(州)": "prefecture",
    "区县": "county", "县": "county", "县(市、区)": "county", "县(市,区)": "county", "县(区)": "county",
    "县(市)": "county", "县(市区)": "county",
}
_LEVEL_RANK = {"province": 0, None: 1, "prefecture": 2, "county": 3}
TOTAL_LABELS = {"total": ("合计", "total"), "subtotal": ("小计", "subtotal"), "of_which": ("其中", "of-which")}

IDENTIFIER_WORDS = ("编号", "号码", "身份证", "证件", "账号", "卡号", "单号")
AGENCY_WORDS = (("公安", "public_security"), ("人民银行", "pboc"), ("人行", "pboc"), ("通信管理", "communications"),
                ("通管", "communications"), ("教育", "education"))

TOTAL_WORDS = frozenset(
    {"合计", "总计", "总数", "共计", "汇总", "全市", "全省", "全区", "全州", "全盟", "全县", "全国", "全自治区",
     "全地区", "全市合计", "全省合计", "总体", "累计"}
)
NOTE_PREFIXES = (
    "注", "备注", "说明：", "说明:", "数据来源", "资料来源", "来源：", "来源:", "填表人", "填报人", "制表人",
    "审核人", "负责人", "联系人", "联系电话", "填报日期", "制表日期", "报送日期", "统计口径", "附注", "制表：", "制表:",
)
QUALIFIER_WORDS = {
    "约": "about", "大约": "about", "左右": "about", "近": "about", "约为": "about", "≈": "about",
    "余": "at_least", "多": "at_least", "以上": "at_least", "超过": "at_least", "逾": "at_least",
    "至少": "at_least", "突破": "at_least", "过": "at_least", "≥": "at_least", ">": "at_least",
    "不足": "less_than", "不到": "less_than", "少于": "less_than", "以下": "less_than", "<": "less_than",
    "精确": "exact", "准确": "exact", "确数": "exact", "exact": "exact", "about": "about",
    "at_least": "at_least", "less_than": "less_than",
}
SCALE_WORDS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "十万": 10**5, "百万": 10**6, "千万": 10**7, "亿": 10**8}
# Unit words -> (unit id for a new metric, kind). "" = use the metric's own unit.
UNIT_WORDS = {
    "元": ("yuan", "money"), "%": ("percent", "percent"), "百分比": ("percent", "percent"),
    "百分点": ("percent", "percent"), "个百分点": ("percent", "percent"),
    "人": ("persons", "count"), "名": ("persons", "count"), "人次": ("persons", "count"),
    "起": ("cases", "count"), "件": ("cases", "count"), "宗": ("cases", "count"),
    "张": ("cards", "count"), "次": ("times", "count"), "条": ("messages", "count"),
    "户": ("households", "count"), "场": ("events", "count"), "场次": ("events", "count"),
    "份": ("copies", "count"), "部": ("videos", "count"), "家": ("institutions", "count"),
    "处": ("dens", "count"), "个": ("numbers", "count"), "天": ("days", "duration"), "日": ("days", "duration"),
    "分钟": ("minutes", "duration"),
}
CHANGE_BASIS = (("同比", "yoy"), ("较上年", "yoy"), ("比上年", "yoy"), ("较去年", "yoy"), ("比去年", "yoy"),
                ("较同期", "yoy"), ("环比", "mom"), ("较上月", "mom"), ("比上月", "mom"))
CHANGE_DIRECTION = (("下降率", "decrease"), ("下降", "decrease"), ("减少", "decrease"), ("降幅", "decrease"),
                    ("降低", "decrease"), ("增长率", "increase"), ("增长", "increase"), ("上升", "increase"),
                    ("增加", "increase"), ("增幅", "increase"), ("提高", "increase"))
CHANGE_WORDS = ("增减幅度", "增减率", "增减", "变化率", "变化", "变动", "幅度", "率")
SHARE_WORDS = ("所占比例", "占比", "比重", "比例")
METRIC_PREFIXES = ("电信网络诈骗", "电诈", "涉诈", "诈骗", "累计", "全年", "本期", "共", "总")

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")
_BRACKET = re.compile(r"[（(\[【]([^（）()\[\]【】]{0,16})[）)\]】]")
_FORMULA = re.compile(r"^=\s*[A-Za-z_(]")
ESCALATED_READ_WARNINGS = frozenset({"control_characters"})
FATAL_HEADER_CODES = frozenset(
    {"duplicate_header", "no_region_column", "no_metric_columns", "no_metric_column", "unit_mismatch", "unknown_unit"}
)


# ---------------------------------------------------------------- report


@dataclass
class CheckReport:
    """What checking one file found: status, messages and the figures it would add."""

    file: str
    status: str
    encoding: str | None = None
    sheet: str | None = None
    rows: int = 0
    messages: list[Message] = field(default_factory=list)
    figures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))
    new_metrics: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "status": self.status,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "rows": self.rows,
            "messages": [m.to_dict() for m in self.messages],
        }

    def to_text(self, lang: str = "zh") -> str:
        zh = lang == "zh"
        status = {
            "accepted": ("已接受", "accepted"),
            "accepted_with_warnings": ("已接受（有警告）", "accepted with warnings"),
            "rejected": ("已拒绝", "rejected"),
        }[self.status][0 if zh else 1]
        levels = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}
        lines = [f"{self.file}: {status}"]
        details = []
        if self.encoding:
            details.append(("编码 " if zh else "encoding ") + self.encoding)
        if self.sheet:
            details.append(("工作表 " if zh else "sheet ") + self.sheet)
        details.append(f"数据行 {self.rows}" if zh else f"{self.rows} data rows")
        details.append(f"数字 {len(self.figures)} 个" if zh else f"{len(self.figures)} figures")
        lines.append("  " + ("，" if zh else ", ").join(details))
        for m in self.messages:
            lines.append(f"  [{levels[m.level][0 if zh else 1]}] {m.text(lang)}")
        return "\n".join(lines)


def _status(messages: list[Message]) -> str:
    if any(m.level == "error" for m in messages):
        return "rejected"
    if any(m.level == "warning" for m in messages):
        return "accepted_with_warnings"
    return "accepted"


def check_file(path: Path) -> CheckReport:
    """Check one file on disk; `file` in the report is the path as given."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        problem = msg.error(
            "unreadable_file",
            f"无法打开文件：{exc.strerror or type(exc).__name__}",
            f"cannot open the file: {exc.strerror or type(exc).__name__}",
        )
        return CheckReport(file=name, status="rejected", messages=[problem])
    report = check_bytes(data, Path(path).name)
    report.file = name
    return report


def check_bytes(data: bytes, filename: str) -> CheckReport:
    """Check an uploaded file's bytes; never raises."""
    try:
        from loaders.reading import read_grid

        try:
            grid = read_grid(data, filename)
        except ReadError as exc:
            return CheckReport(file=filename, status="rejected", messages=list(exc.messages))
        # The grid is handed over, not kept here: the checker lets go of its cells before the
        # figures frame is built, which lowers the peak memory of a large table.
        handed = [grid]
        del grid
        return _check_handed_grid(handed, filename, hashlib.sha256(data).hexdigest())
    except Exception as exc:  # the promise: a message, never a traceback
        problem = msg.error(
            "internal_error",
            f"处理文件时出现内部错误（{type(exc).__name__}），请把文件发给维护人员",
            f"internal error while checking the file ({type(exc).__name__}); please send the file to the maintainers",
        )
        return CheckReport(file=filename, status="rejected", messages=[problem])


# ---------------------------------------------------------------- headers


def header_key(text: object) -> str:
    """A header or label folded for comparison: full-width forms, spaces, quotes, case."""
    folded = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE).translate(_QUOTES)
    return "".join(folded.split()).lower()


@dataclass
class Unit:
    scale: int = 1
    unit_id: str = ""
    kind: str = ""  # money, percent, count, duration, ""
    word: str = ""


def parse_unit(text: str) -> Unit | None:
    """A unit as written in a header or a 单位 cell: 万元, (亿元), 人, %, 万次 …; None if not a unit."""
    t = header_key(text).removeprefix("单位:").removeprefix("单位").strip(":")
    if not t:
        return None
    if t in ("%", "％", "百分比", "百分点", "个百分点", "‰"):
        return Unit(1, "percent", "percent", t)
    scale = 1
    for word in sorted(SCALE_WORDS, key=len, reverse=True):
        if t.startswith(word) and t != word:
            scale, t = SCALE_WORDS[word], t[len(word) :]
            break
    if t in UNIT_WORDS:
        unit_id, kind = UNIT_WORDS[t]
        return Unit(scale, unit_id, kind, text)
    if t in SCALE_WORDS:  # (万) alone: a scale without a unit word
        return Unit(SCALE_WORDS[t], "", "", text)
    return None


@dataclass
class Label:
    """A header (or a tidy table's 指标 cell) read as metric words + unit + change/share words."""

    text: str
    base: str  # metric words left after removing units and change/share words
    unit: Unit | None = None
    measure: str = "level"
    direction: str = ""
    basis: str = ""


def parse_label(text: str) -> Label:
    raw = str(text)
    unit = None
    rest = raw
    for m in _BRACKET.finditer(raw):
        found = parse_unit(m.group(1))
        if found is not None and unit is None:
            unit = found
        rest = rest.replace(m.group(0), "")
    key = header_key(rest)
    if unit is None:
        for word in ("万元", "亿元", "千元", "元"):
            if key.endswith(word) and len(key) > len(word) + 1 and key[: -len(word)].endswith(("金额", "损失", "资金", "额")):
                unit, key = parse_unit(word), key[: -len(word)]
                break
    label = Label(raw, key, unit)
    base = key
    for word, basis in CHANGE_BASIS:
        if word in base:
            label.measure, label.basis = "change", basis
            base = base.replace(word, "")
    for word, direction in CHANGE_DIRECTION:
        if word in base and (label.measure == "change" or base.endswith(word) or word.endswith("率")):
            label.measure, label.direction = "change", direction
            base = base.replace(word, "")
            break
    if label.measure == "change":
        for word in CHANGE_WORDS:
            if base.endswith(word):
                base = base[: -len(word)]
        label.basis = label.basis or "yoy"
    else:
        for word in SHARE_WORDS:
            if base.endswith(word) and len(base) > len(word):
                label.measure = "share"
                base = base[: -len(word)]
                break
    label.base = base
    return label


class MetricIndex:
    """Catalogue labels and synonyms -> metric id, with a few spelling variants."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.by_key: dict[str, str] = {}
        # Plain dicts built once: a per-row DataFrame .loc/.at costs more than the rest of the check.
        self.metric_rows: dict[str, tuple[str, str, str, str]] = {}  # metric_id -> (unit, label_zh, label_en, category)
        for row in catalog.metrics.itertuples():
            for name in [row.label_zh, *str(row.synonyms).split("|")]:
                if name:
                    self.by_key.setdefault(header_key(name), row.metric_id)
            self.metric_rows.setdefault(row.metric_id, (str(row.unit), str(row.label_zh), str(row.label_en), str(row.category)))
        units = catalog.units
        self.unit_kinds: dict[str, str] = dict(zip(units.index, map(str, units["kind"]), strict=True))
        self._found: dict[str, str | None] = {}

    def find(self, key: str) -> str | None:
        if key in self._found:
            return self._found[key]
        found = self._find(key)
        self._found[key] = found
        return found

    def _find(self, key: str) -> str | None:
        if not key:
            return None
        variants = [key]
        for prefix in METRIC_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix) + 1:
                variants.append(key[len(prefix) :])
        more = []
        for v in variants:
            more += [v + "数", v.removesuffix("数"), v.removesuffix("数量"), v.removesuffix("数量") + "数",
                     v.removesuffix("金额"), v + "金额", v.removesuffix("情况")]
        for v in variants + more:
            if v in self.by_key:
                return self.by_key[v]
        return None

    def unit_of(self, metric_id: str) -> str:
        row = self.metric_rows.get(metric_id)
        return row[0] if row is not None else ""

    def kind_of_unit(self, unit_id: str) -> str:
        return self.unit_kinds.get(unit_id, "")


@dataclass(slots=True)
class Spec:
    """How a column (or a tidy row's 指标) becomes figures."""

    metric_id: str
    metric_zh: str
    metric_en: str
    category: str
    measure: str
    unit: str  # unit id of the figure
    kind: str  # money, percent, count, duration, rate, ""
    scale: int = 1  # header scale applied to bare numbers
    scale_stated: bool = False
    direction: str = ""
    basis: str = ""
    new_metric: bool = False


@dataclass
class Column:
    index: int
    header: str
    role: str  # region, region_code, period, metric_name, value, unit, qualifier, source, agency, note,
    #            ignore, identifier, figure, period_value, change_value, blank, text
    spec: Spec | None = None
    label: Label | None = None
    period: Period | None = None
    period_error: PeriodError | None = None
    group: str = ""  # two-row headers: the label above (打击情况) and below (抓获人数)
    sub: str = ""


def _custom_metric_id(base: str) -> str:
    return "custom_" + hashlib.sha1(base.encode("utf-8")).hexdigest()[:8]


# ---------------------------------------------------------------- the grid


@dataclass
class _Cell:
    row: int  # 1-based
    column: Column
    value: object


class _PeriodKeys:
    """Period.key worked out once per Period object (rows share their memoised Periods)."""

    def __init__(self) -> None:
        self._keys: dict[int, tuple[Period, tuple[str, str]]] = {}  # id -> (the Period kept alive, its key)

    def __getitem__(self, period: Period) -> tuple[str, str]:
        found = self._keys.get(id(period))
        if found is None:
            found = self._keys[id(period)] = (period, period.key)
        return found[1]


@dataclass(slots=True)
class _Candidate:
    row: int
    col: int
    header: str
    region_code: str
    region_zh: str
    period: Period
    spec: Spec
    value: Decimal
    qualifier: str
    direction: str = ""
    agency_id: str = ""
    note: str = ""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_INVISIBLE_CHARS = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _own_copy(text: str) -> str:
    """An equal string that is a new object (never the grid's cell itself)."""
    return (text + "\0")[:-1]


def _blank(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    # Fast path: a visible first character after the spaces means text (the same answer as the slow path).
    stripped = value.strip()
    if not stripped:
        return True
    if stripped[0] not in _INVISIBLE_CHARS:
        return False
    return not value.translate(_INVISIBLE).strip()


def _may_be_header_key(value: object, key: str, memo: dict[str, bool]) -> bool:
    """header_key(value) == key, answered without folding where the answer cannot be yes.

    An ASCII cell folds to ASCII, so it never equals a key with other characters; other text cells
    repeat (regions, periods, metrics) and are folded once each (up to a bound).
    """
    if isinstance(value, str):
        if value.isascii() and not key.isascii():
            return False
        found = memo.get(value)
        if found is None:
            found = header_key(value) == key
            if len(memo) < 100_000:
                memo[value] = found
        return found
    if isinstance(value, (int, float)) and not key.isascii():
        return False
    return header_key(value) == key


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, str):
        try:
            parse_number(value)
        except NumberParseError:
            return False
        return True
    return False


class _Checker:
    def __init__(self, grid, filename: str, sha: str, catalog: Catalog):
        self.grid = grid
        # The outer list only (trailing blank rows are popped from it); rows are read, never changed.
        self.rows: list[list[object]] = list(getattr(grid, "rows", None) or [])
        self.merged = list(getattr(grid, "merged", None) or [])
        self.kind = getattr(grid, "file_kind", "") or ""
        self.filename = filename
        self.display_name = Path(filename).name or filename
        self.sha8 = sha[:8]
        self.catalog = catalog
        self.metrics = MetricIndex(catalog)
        self.messages: list[Message] = []
        self.new_metrics: dict[str, dict] = {}
        self.candidates: list[_Candidate] = []
        self.columns: list[Column] = []
        self.header_rows: list[int] = []
        self.title_text = ""
        self.width = 0
        self.error_rows: set[int] = set()
        self.formula_cells: dict[tuple[int, str | None], Message] = {}
        self.title_region: RegionMatch | None = None
        self.table_period: Period | None = None
        self.percent_cells: set[tuple[int, int]] = set(getattr(grid, "percent_cells", None) or ())
        self._spec_memo: dict[tuple[str, str | None], tuple[Spec | None, tuple[Message, ...]]] = {}
        self._change_memo: dict[tuple[int, int], Spec] = {}
        self._tidy_layout: tuple | None = None
        self._period_memo: dict[tuple, Period | PeriodError] = {}
        self._shared: dict[str, str] = {}
        self._letters: dict[int, str] = {}  # column index -> Excel letters
        self._total_labels: dict[int, str] = {}  # row -> the 合计/小计 text that made it a total row

    # -- messages
    def add(self, level: str, code: str, zh: str, en: str, row: int | None = None, column: str | None = None) -> None:
        self.messages.append(Message(level, code, zh, en, row, column))
        if level == "error" and row is not None:
            self.error_rows.add(row)

    def col_name(self, index: int) -> str:
        for c in self.columns:
            if c.index == index and c.header:
                return c.header
        return excel_column(index)

    # -- main
    def run(self) -> None:
        for warning in getattr(self.grid, "warnings", None) or []:
            if warning.code in ESCALATED_READ_WARNINGS:
                # The reader cleaned the cell and kept going; a table with such cells is refused.
                self.add("error", warning.code, warning.message_zh, warning.message_en, warning.row, warning.column)
            elif warning.code == "formula_without_value" and warning.row is not None:
                self.formula_cells[(warning.row, warning.column)] = warning
            elif warning.code != "cell_longer_than_excel":  # reported below as an error per cell
                self.messages.append(warning)
        self._trim()
        if not self.rows:
            self.add("error", "empty_file", "文件没有表头和数据", "the file has no header and no data")
            return
        if self.width > MAX_COLUMNS:
            self.add(
                "error",
                "too_many_columns",
                f"列数({self.width})超过上限{MAX_COLUMNS}，请只保留需要的列",
                f"{self.width} columns exceed the limit of {MAX_COLUMNS}; keep only the columns needed",
                row=1,
            )
            return
        header = self._find_header()
        if not self._check_cells(header):
            return
        if header is None:
            self.add(
                "error",
                "no_header",
                "找不到表头：应有一行列名，如“地区、年份、立案数”",
                "no header row found: one row should name the columns, e.g. 地区, 年份, 立案数",
            )
            return
        self._read_header(header)
        if any(m.level == "error" and m.code in FATAL_HEADER_CODES for m in self.messages):
            return
        self._read_rows()

    def _trim(self) -> None:
        rows = self.rows
        while rows and all(_blank(v) for v in rows[-1]):
            rows.pop()
        self.width = max((len(r) for r in rows), default=0)
        # Trailing columns that are empty everywhere (styled but blank) do not count.
        while self.width and all(len(r) < self.width or _blank(r[self.width - 1]) for r in rows):
            self.width -= 1

    def _check_cells(self, header: int | None) -> bool:
        ok = True
        names = {}
        if header is not None:
            names = {j: v.strip() for j, v in enumerate(self.rows[header]) if isinstance(v, str) and 0 < len(v.strip()) <= 40}
        for i, row in enumerate(self.rows):
            for j, value in enumerate(row):
                if not isinstance(value, str):
                    continue
                if len(value) > MAX_CELL_CHARS:
                    self.add(
                        "error",
                        "too_long",
                        f"{excel_column(j)}{i + 1} 有{len(value)}个字符，超过单元格上限{MAX_CELL_CHARS}",
                        f"{excel_column(j)}{i + 1} holds {len(value)} characters, over the cell limit of {MAX_CELL_CHARS}",
                        row=i + 1,
                        column=names.get(j, excel_column(j)),
                    )
                    ok = False
                elif _CONTROL.search(value):
                    self.add(
                        "error",
                        "control_char",
                        f"{excel_column(j)}{i + 1} 含控制字符（如NUL），请删除后重新上传",
                        f"{excel_column(j)}{i + 1} contains control characters (such as NUL); remove them and upload again",
                        row=i + 1,
                        column=names.get(j, excel_column(j)),
                    )
        return ok

    # -- header
    def _role(self, text: object) -> str:
        if _blank(text):
            return "blank"
        key = header_key(text)
        if key in ROLE_OF_HEADER:
            return ROLE_OF_HEADER[key]
        label = parse_label(str(text))
        if label.base in ROLE_OF_HEADER and ROLE_OF_HEADER[label.base] in ("region", "period"):
            return ROLE_OF_HEADER[label.base]
        if any(w in key for w in IDENTIFIER_WORDS):
            return "identifier"
        if key.endswith(("代码", "编码")) and any(w in key for w in ("区划", "地区", "行政")):
            return "region_code"
        if re.fullmatch(r"\d{4}年?(度)?|\d{4}年.{1,12}", key) and not isinstance(text, (int, float)):
            try:
                parse_period(str(text))
                return "period_value"
            except PeriodError:
                pass
        if isinstance(text, int) and 1990 <= text <= 2100:
            return "period_value"
        if self.metrics.find(label.base) or (label.measure != "level" and (not label.base or self.metrics.find(label.base))):
            return "figure"
        return "text"

    def _find_header(self) -> int | None:
        limit = min(len(self.rows), HEADER_SCAN_ROWS)
        fallback = None
        for i in range(limit):
            cells = [v for v in self.rows[i] if not _blank(v)]
            if len(cells) < 2:
                continue
            roles = [self._role(v) for v in cells]
            if "region" in roles or "region_code" in roles:
                return i
            known = sum(r not in ("text", "blank") for r in roles)
            if known >= 2 and not any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells[:1]):
                return i
            if fallback is None and sum(isinstance(v, str) and not _is_number(v) for v in cells) >= 2:
                fallback = i
        return fallback

    def _merged_top(self) -> dict[tuple[int, int], object]:
        """Value of every cell inside a merged range, from the range's top-left cell."""
        filled = {}
        for r1, c1, r2, c2 in self.merged:
            if r2 - r1 > 10_000 or c2 - c1 > MAX_COLUMNS:
                continue
            if r1 >= len(self.rows) or c1 >= len(self.rows[r1]):
                continue
            top = self.rows[r1][c1]
            for r in range(r1, min(r2, len(self.rows) - 1) + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        filled[(r, c)] = top
        return filled

    def _cell(self, r: int, c: int) -> object:
        row = self.rows[r] if r < len(self.rows) else []
        return row[c] if c < len(row) else None

    def _is_subheader(self, h: int) -> bool:
        if h + 1 >= len(self.rows):
            return False
        below = self.rows[h + 1]
        cells = [v for v in below if not _blank(v)]
        if not cells or any(_is_number(v) for v in cells):
            return False
        if any(r1 == h and r2 >= h + 1 for r1, _, r2, _ in self.merged):
            return True
        top = self.rows[h]
        region_cols = [j for j, v in enumerate(top) if self._role(v) in ("region", "region_code")]
        if region_cols and not all(_blank(self._cell(h + 1, j)) for j in region_cols):
            return False
        # Sub-labels sit under blank top cells (a group label spanning them) or under group labels.
        return any(_blank(self._cell(h, j)) and not _blank(v) for j, v in enumerate(below))

    def _read_header(self, h: int) -> None:
        two_rows = self._is_subheader(h)
        self.header_rows = [h, h + 1] if two_rows else [h]
        if self.kind == "csv":
            # CSV rows keep their own length: values beyond the header's are extra cells.
            self.width = max(len(self.rows[r]) for r in self.header_rows)
        merged = self._merged_top()
        title_cells = []
        for r in range(h):
            for v in self.rows[r]:
                if isinstance(v, str) and not _blank(v) and not any(w in v for w in ("填报日期", "制表日期", "报送日期", "日期：", "日期:")):
                    title_cells.append(v.strip())
        self.title_text = " ".join(title_cells)

        headers: list[tuple[str, str]] = []  # (group, sub)
        group = ""
        for j in range(self.width):
            top = self._cell(h, j)
            if _blank(top):
                top = merged.get((h, j))
            if two_rows:
                sub = self._cell(h + 1, j)
                if _blank(sub):
                    sub = merged.get((h + 1, j))
                if sub is not None and top is not None and _text(sub) == _text(top):
                    sub = None  # a label merged down over both rows
                if _blank(top) and not _blank(sub) and group:
                    top = group  # forward-fill a group label over the columns it spans
                group = _text(top) if not _blank(sub) and not _blank(top) else ""
                headers.append((_text(top).strip(), "" if _blank(sub) else _text(sub).strip()))
            else:
                headers.append(("", "" if _blank(top) else _text(top).strip()) if not isinstance(top, (int, float)) or isinstance(top, bool) else ("", _text(top)))
        self._assign_roles(headers, h)

    def _assign_roles(self, headers: list[tuple[str, str]], h: int) -> None:
        header_row = self.header_rows[-1] + 1
        columns: list[Column] = []
        for j, (group, sub) in enumerate(headers):
            display = f"{group}/{sub}" if group and sub else (sub or group)
            raw_top = self._cell(h, j)
            role = self._role(raw_top if not group and not isinstance(raw_top, str) else display) if display else "blank"
            if group and sub:
                role_sub = self._role(sub)
                role = role_sub if role_sub != "text" else self._role(group + sub)
                if role == "text" and self._role(group) in ("figure",):
                    role = "figure"
            columns.append(Column(j, display, role, group=group if sub else "", sub=sub if group else ""))
        self.columns = columns
        roles = [c.role for c in columns]

        # 单位 names the region in a wide table but the unit in a tidy one.
        if "metric_name" in roles:
            for c in columns:
                if header_key(c.header) == "单位" and "region" in roles[: c.index] + roles[c.index + 1 :]:
                    c.role = "unit"
            if "region" not in [c.role for c in columns]:
                for c in columns:
                    if header_key(c.header) == "单位":
                        c.role = "region"
                        break
        # 说明 is a qualifier only in a tidy table.
        if "value" not in roles:
            for c in columns:
                if c.role == "qualifier" and header_key(c.header) == "说明":
                    c.role = "note"

        self._check_duplicate_headers(header_row)
        self._resolve_figure_columns(header_row)

    def _check_duplicate_headers(self, header_row: int) -> None:
        seen: dict[str, Column] = {}
        for c in self.columns:
            if c.role == "blank":
                continue
            key = header_key(c.header)
            if key in seen:
                first = seen[key]
                self.add(
                    "error",
                    "duplicate_header",
                    f"表头“{echo(c.header)}”重复出现（第{excel_column(first.index)}列和第{excel_column(c.index)}列），请删除或改名",
                    f"the header “{echo(c.header)}” appears twice (columns {excel_column(first.index)} and"
                    f" {excel_column(c.index)}); delete or rename one",
                    row=header_row,
                    column=c.header,
                )
            else:
                seen[key] = c

    def _spec_for(
        self, text: str, unit_text: str | None, where_row: int | None, where_col: str | None,
        default_unit: Unit | None = None,
    ) -> Spec | None:
        """Metric, measure and unit for a header or a tidy 指标 cell (+ its 单位 cell)."""
        label = parse_label(text)
        unit = label.unit or default_unit
        if unit_text and not _blank(unit_text):
            cell_unit = parse_unit(unit_text)
            if cell_unit is None:
                self.add(
                    "error",
                    "unknown_unit",
                    f"无法识别单位“{echo(str(unit_text))}”（可写 元、万元、亿元、人、起、%）",
                    f"unknown unit “{echo(str(unit_text))}” (use 元, 万元, 亿元, 人, 起, %)",
                    row=where_row,
                    column=where_col,
                )
                return None
            unit = cell_unit
        metric_id = self.metrics.find(label.base)
        if metric_id is None and label.measure == "share":
            metric_id = self.metrics.find(label.base + "占比")
        if metric_id is None and label.measure == "level" and header_key(text) != label.base:
            metric_id = self.metrics.find(header_key(_BRACKET.sub("", text)))
        if metric_id:
            metric_unit, label_zh, label_en, category = self.metrics.metric_rows[metric_id]
            kind = self.metrics.kind_of_unit(metric_unit)
            measure = label.measure
            if measure == "level" and kind == "percent" and ("占比" in label_zh or "比例" in label_zh):
                measure = "share"
            spec = Spec(metric_id, label_zh, label_en, category, measure, metric_unit, kind)
        else:
            base = label.base or header_key(_BRACKET.sub("", text))
            if not base:
                return None
            metric_id = _custom_metric_id(base)
            unit_id = unit.unit_id if unit else ""
            kind = unit.kind if unit else ""
            label_zh = _BRACKET.sub("", text).strip() if label.measure == "level" else base
            spec = Spec(metric_id, label_zh, f"New metric: {label_zh}", "outcome", label.measure, unit_id, kind, new_metric=True)
            if metric_id not in self.new_metrics:
                self.new_metrics[metric_id] = {
                    "metric_id": metric_id,
                    "label_zh": label_zh,
                    "label_en": f"New metric: {label_zh}",
                    "unit": unit_id,
                    "category": "outcome",
                    "decrease_is_good": "",
                    "synonyms": "",
                }
                self.add(
                    "warning",
                    "new_metric",
                    f"“{echo(label_zh)}”不在指标目录中，已作为新指标（{metric_id}）导入，请核对",
                    f"“{echo(label_zh)}” is not in the metric catalogue; imported as a new metric ({metric_id}), please review",
                    row=where_row,
                    column=where_col,
                )
        if label.measure == "change":
            spec.measure, spec.direction, spec.basis = "change", label.direction, label.basis
            spec.unit, spec.kind = "percent", "percent"
            if unit and unit.kind not in ("percent", ""):
                self._unit_conflict(text, where_row, where_col)
                return None
            return spec
        if spec.measure == "share":
            spec.unit, spec.kind = "percent", "percent"
        if unit is not None:
            spec.scale = unit.scale
            spec.scale_stated = True
            if unit.kind and spec.kind and unit.kind != spec.kind and not (spec.new_metric and not spec.kind):
                self._unit_conflict(text, where_row, where_col)
                return None
            if spec.new_metric and unit.kind:
                spec.unit, spec.kind = unit.unit_id, unit.kind
        elif spec.kind == "money":
            money_unit = self._title_money_unit()
            if money_unit is not None:
                spec.scale, spec.scale_stated = money_unit, True
            # else each cell must carry its unit (2230余万元); bare numbers are refused in _scaled
        return spec

    def _unit_conflict(self, text: str, row: int | None, column: str | None) -> None:
        self.add(
            "error",
            "unit_mismatch",
            f"“{echo(text)}”的单位与指标不符（如金额写成了“人”）",
            f"the unit of “{echo(text)}” does not fit the metric (e.g. an amount given in persons)",
            row=row,
            column=column,
        )

    def _title_money_unit(self) -> int | None:
        m = re.search(r"单位[:：]([^\s，。；;]*)", unicodedata.normalize("NFKC", self.title_text))
        if not m:
            return None
        units = [parse_unit(w) for w in re.split(r"[、,，/]", m.group(1))]
        money = {u.scale for u in units if u is not None and u.kind == "money"}
        return money.pop() if len(money) == 1 else None

    def _two_row_text(self, c: Column) -> tuple[str, Unit | None]:
        """The words that name a two-row header's metric, and the group's unit (金额（万元）/涉案金额)."""
        group, sub = parse_label(c.group), parse_label(c.sub)
        if sub.measure == "change" and not sub.base and self.metrics.find(group.base):
            return c.group + c.sub, None  # 立案数 / 同比
        if self.metrics.find(sub.base) or not self.metrics.find(group.base + sub.base):
            return c.sub, group.unit
        return c.group + c.sub, None

    def _resolve_figure_columns(self, header_row: int) -> None:
        previous: Column | None = None
        roles = [c.role for c in self.columns]
        if "region" not in roles and "region_code" not in roles:
            title_region = self._title_region()
            if title_region is None:
                unknown = [c.header for c in self.columns if c.role == "text" and c.header]
                listed_zh = f"；无法识别的列：{'、'.join(echo(u) for u in unknown[:5])}" if unknown else ""
                listed_en = f"; unrecognised columns: {', '.join(echo(u) for u in unknown[:5])}" if unknown else ""
                self.add(
                    "error",
                    "no_region_column",
                    f"找不到“地区”列（列名应为地区、地市、单位或行政区划代码）{listed_zh}",
                    f"no region column found (name it 地区, 地市, 单位 or 行政区划代码){listed_en}",
                    row=header_row,
                )
                return
            self.title_region = title_region
            self.add(
                "info",
                "region_from_title",
                f"表中没有“地区”列，地区取自标题：{title_region.name_zh}",
                f"no region column; the region is taken from the title: {title_region.name_en}",
            )
        else:
            self.title_region = None
        for c in self.columns:
            if c.role == "period_value":
                try:
                    c.period = parse_period(c.header)
                except PeriodError as exc:
                    c.period_error = exc
            if c.role == "text" and c.header:
                # Unknown header: a new metric if its cells are numbers, else text kept aside.
                values = [self._cell(r, c.index) for r in range(header_row, min(len(self.rows), header_row + 200))]
                values = [v for v in values if not _blank(v)]
                numeric = sum(_is_number(v) for v in values)
                if values and numeric * 2 > len(values):
                    c.role = "figure"
            default_unit = None
            spec_text = c.header
            if c.role == "figure" and c.group:
                spec_text, default_unit = self._two_row_text(c)
            if c.role == "figure":
                label = parse_label(spec_text)
                c.label = label
                if label.measure == "change" and not label.base and "metric_name" in roles:
                    pass  # a tidy table's 同比 column: the change of each row's own metric
                elif label.measure == "change" and not label.base:
                    # 同比 right after a count or amount is that metric's change (立案数 | 同比).
                    if (
                        previous is not None
                        and previous.spec is not None
                        and previous.spec.measure == "level"
                        and previous.spec.kind in ("count", "money")
                    ):
                        base = previous.spec
                        c.spec = Spec(base.metric_id, base.metric_zh, base.metric_en, base.category, "change",
                                      "percent", "percent", direction=label.direction, basis=label.basis,
                                      new_metric=base.new_metric)
                        self.add(
                            "warning",
                            "change_attributed",
                            f"“{echo(c.header)}”未写明指标，按左侧列视为“{base.metric_zh}”的{'同比' if label.basis == 'yoy' else '环比'}变化；如不对请改写表头",
                            f"“{echo(c.header)}” names no metric; read as the change of “{base.metric_zh}” (the column to its"
                            " left); rename the header if that is wrong",
                            row=header_row,
                            column=c.header,
                        )
                    else:
                        self.add(
                            "warning",
                            "change_without_metric",
                            f"“{echo(c.header)}”未写明是哪个指标的变化，该列未导入",
                            f"“{echo(c.header)}” does not say which metric changed; the column was not imported",
                            row=header_row,
                            column=c.header,
                        )
                        c.role = "text"
                else:
                    c.spec = self._spec_for(spec_text, None, header_row, c.header, default_unit)
                    if c.spec is None:
                        c.role = "text"
            if c.role in ("figure",):
                previous = c
            elif c.role not in ("blank",):
                previous = None if c.role not in ("note", "text") else previous

        roles = [c.role for c in self.columns]
        has_figures = "figure" in roles or "value" in roles or "period_value" in roles
        if not has_figures:
            self.add(
                "error",
                "no_metric_columns",
                "找不到数字列：表头应有指标名称，如“立案数”“涉案金额(万元)”，或“指标”和“数值”两列",
                "no figure columns found: headers should name metrics such as 立案数 or 涉案金额(万元), or have 指标 and 数值 columns",
                row=header_row,
            )
            return
        if "value" in roles and "metric_name" not in roles:
            self.add("error", "no_metric_column", "有“数值”列但没有“指标”列", "a 数值 column needs a 指标 column", row=header_row)
            return
        if "period_value" in roles and "metric_name" not in roles and "figure" not in roles:
            self.add(
                "error",
                "no_metric_column",
                "各列是年份/期间，但没有“指标”列说明是什么数字",
                "the columns are periods but no 指标 column says what the numbers are",
                row=header_row,
            )
            return
        for c in self.columns:
            if c.role == "period_value" and c.period_error is not None:
                self.add("error", c.period_error.code, c.period_error.message_zh, c.period_error.message_en,
                         row=header_row, column=c.header)
        if "period" not in roles and "period_value" not in roles:
            self.table_period = find_period_in_text(self.title_text) if self.title_text else None
            if self.table_period is None:
                self.add(
                    "error",
                    "period_required",
                    "缺少统计期间：请增加“年份”列（或“统计期间”列，如 2024、2024年1-10月），或在标题中写明年份",
                    "the period is required: add a 年份 column (or 统计期间, e.g. 2024, 2024年1-10月) or state the year in the title",
                    row=header_row,
                    column="年份",
                )
            else:
                self.add(
                    "info",
                    "period_from_title",
                    f"表中没有期间列，期间取自标题：{self.table_period.text}",
                    f"no period column; the period is taken from the title: {self.table_period.text}",
                )
        else:
            self.table_period = None

    def _title_region(self):
        if not self.title_text:
            return None
        from loaders.regions import _index

        text = normalize_region_text(self.title_text)
        found = {}
        for key, entries in _index().by_name.items():
            for division, how in entries:
                if how == "name" and len(key) >= 3 and key in text:
                    found[division.region_code] = division
        # Keep the most specific: drop a province whose prefecture is also named.
        codes = set(found)
        for code in list(codes):
            if any(found[c].parent_code == code for c in codes if c != code):
                codes.discard(code)
        if len(codes) != 1:
            return None
        return match_region(found[codes.pop()].region_code)

    # -- rows
    def _read_rows(self) -> None:
        start = self.header_rows[-1] + 1
        merged = self._merged_top()
        by_role: dict[str, list[Column]] = {}
        for c in self.columns:
            by_role.setdefault(c.role, []).append(c)
        fill_roles = {"region", "region_code", "period", "metric_name", "unit", "qualifier", "agency", "source"}
        header_keys = [header_key(c.header) for c in self.columns]
        tidy = "metric_name" in by_role
        data_rows: list[tuple[int, list[object]]] = []
        totals: list[tuple[int, list[object], str]] = []
        blank_rows = []
        n_data = 0
        region_cols = by_role.get("region", [])
        first_col = region_cols[0].index if region_cols else 0
        width = self.width
        header_memos: list[dict[str, bool]] = [{} for _ in range(width)]
        total_kinds: dict[str, str] = {}  # label text -> _total_kind, worked out once per distinct label
        for i in range(start, len(self.rows)):
            raw = self.rows[i]
            row_no = i + 1
            if len(raw) == width and not merged and type(raw) is list:
                values = raw  # never changed below: shared with the grid instead of copied
            else:
                values = list(raw[:width])
                if len(values) < width:
                    values += [None] * (width - len(values))
            if merged:
                for j in range(width):
                    if _blank(values[j]) and (i, j) in merged and self.columns[j].role in fill_roles:
                        values[j] = merged[(i, j)]
            filled = [j for j, v in enumerate(values) if not _blank(v)]
            extra = [j for j in range(width, len(raw)) if not _blank(raw[j])] if len(raw) > width else []
            if not filled and not extra:
                blank_rows.append(row_no)
                continue
            first_text = _text(values[filled[0]]).strip() if filled else ""
            if filled and isinstance(values[filled[0]], str) and first_text.startswith(NOTE_PREFIXES):
                continue
            if filled and sum(_may_be_header_key(values[j], header_keys[j], header_memos[j]) for j in filled) >= max(
                2, len(filled) // 2 + 1
            ):
                self.add(
                    "error",
                    "repeated_header",
                    "此行是重复的表头（可能是两个文件拼接），请删除后重试",
                    "this row repeats the header (two files joined together?); delete it and try again",
                    row=row_no,
                    column=self.col_name(first_col),
                )
                continue
            if extra:
                self.add(
                    "error",
                    "extra_cell",
                    f"此行有{len(raw)}个值，表头只有{self.width}列（多出的值在{excel_column(extra[0])}列）",
                    f"this row has {len(raw)} values but the header has {self.width} columns (extra value in column"
                    f" {excel_column(extra[0])})",
                    row=row_no,
                )
                continue
            if self.kind == "csv" and len(raw) < self.width and filled:
                missing = [self.columns[j].header for j in range(len(raw), self.width) if self.columns[j].header]
                if missing:
                    self.add(
                        "error",
                        "missing_cell",
                        f"此行只有{len(raw)}个值，缺少" + "".join(f"“{m}”" for m in missing[:5]),
                        f"this row has only {len(raw)} values; missing " + ", ".join(missing[:5]),
                        row=row_no,
                        column=missing[0],
                    )
                    continue
            unbound = [j for j in filled if self.columns[j].role == "blank"]
            if unbound:
                self.add(
                    "error",
                    "cell_without_header",
                    f"{excel_column(unbound[0])}{row_no} 有值，但该列没有表头",
                    f"{excel_column(unbound[0])}{row_no} has a value but its column has no header",
                    row=row_no,
                    column=excel_column(unbound[0]),
                )
                continue
            label_text = ""
            if region_cols and not _blank(values[region_cols[0].index]):
                label_text = _text(values[region_cols[0].index])
            elif filled and isinstance(values[filled[0]], str):
                label_text = first_text
            total_kind = total_kinds.get(label_text)
            if total_kind is None:
                total_kind = _total_kind(label_text)
                if len(total_kinds) < 100_000:
                    total_kinds[_own_copy(label_text)] = total_kind
            if not total_kind and len(region_cols) > 1:
                # 甘肃省 | 小计: a total word in a narrower region column totals the rows of the region named.
                for c in region_cols[1:]:
                    if not _blank(values[c.index]) and (kind := _total_kind(_text(values[c.index]))):
                        label_text = _text(values[c.index])
                        total_kind = kind if kind == "of_which" or _blank(values[first_col]) else "subtotal"
                        break
            if total_kind:
                self._total_labels[row_no] = label_text.strip()
                totals.append((row_no, values, total_kind))
                continue
            if len(filled) == 1 and filled[0] == first_col and self.width > 1:
                match = match_region(first_text) if region_cols else None
                if isinstance(match, RegionMatch):
                    self.add("warning", "no_values", "此行只有地区，没有数值", "this row names a region but has no values",
                             row=row_no, column=self.col_name(first_col))
                else:
                    self.add(
                        "warning",
                        "section_row",
                        f"“{echo(first_text)}”不是地区数据行（分组标题），已跳过",
                        f"“{echo(first_text)}” is not a data row (a section label); skipped",
                        row=row_no,
                        column=self.col_name(first_col),
                    )
                continue
            n_data += 1
            if n_data > MAX_DATA_ROWS:
                self.add("error", "too_many_rows", f"数据行超过{MAX_DATA_ROWS}行上限", f"more than {MAX_DATA_ROWS} data rows",
                         row=row_no)
                return
            data_rows.append((row_no, values))
        last_data = max((r for r, _ in data_rows), default=0)
        for b in blank_rows:
            if b < last_data and b > start:
                self.add("info", "blank_row", "空行，已忽略", "blank row, ignored", row=b)
        if not data_rows:
            self.add("error", "no_rows", "只有表头，没有数据行", "there is a header but no data rows")
            return
        self._rows_to_candidates(data_rows, tidy)
        if totals:
            # ("data"|"total"|"subtotal"|"of_which", row) in file order: rows are numbered in file order.
            order = sorted([("data", r) for r, _ in data_rows] + [(kind, r) for r, _, kind in totals], key=lambda e: e[1])
            self._check_totals(totals, order)
        self._check_duplicates()
        self._check_cross_fields()

    # -- regions, periods, values
    def _resolve_regions(self, data_rows: list[tuple[int, list[object]]], tidy: bool) -> list[RegionMatch | None]:
        """The region of every data row (in data_rows' order; None where the row's region is refused)."""
        region_col = next((c for c in self.columns if c.role == "region"), None)
        code_col = next((c for c in self.columns if c.role == "region_code"), None)
        region_cols = [c for c in self.columns if c.role == "region"]
        if len(region_cols) > 1:
            return self._resolve_nested_regions(data_rows, region_cols, code_col, tidy)
        found: list[RegionMatch | None] = [None] * len(data_rows)
        pending: list[str | None] = [None] * len(data_rows)  # region text still to match, per data row
        previous_text = None
        memo: dict[tuple[str, str | None, str | None], RegionMatch | RegionMatchError] = {}

        def match(text: str, parent: str | None = None, level: str | None = None) -> RegionMatch | RegionMatchError:
            # match_region is a function of its arguments: each distinct text is matched once.
            key = (text, parent, level)
            result = memo.get(key)
            if result is None:
                result = memo[key] = match_region(text, parent, level=level)
            return result

        for k, (row_no, values) in enumerate(data_rows):
            if code_col is not None and not _blank(values[code_col.index]):
                code_text = _code_text(values[code_col.index])
                match_ = match(code_text)
                if isinstance(match_, RegionMatch) and match_.matched_by == "code":
                    found[k] = match_
                    if region_col is not None and not _blank(values[region_col.index]):
                        by_name = match(_text(values[region_col.index]))
                        if not isinstance(by_name, RegionMatch) or by_name.region_code != match_.region_code:
                            self.add(
                                "warning",
                                "region_mismatch",
                                f"地区“{echo(_text(values[region_col.index]))}”与区划代码{code_text}（{match_.name_zh}）不一致，按代码读取",
                                f"region “{echo(_text(values[region_col.index]))}” does not fit code {code_text} ({match_.name_en}); the code is used",
                                row=row_no,
                                column=region_col.header,
                            )
                    continue
                self.add(
                    "error",
                    "bad_code",
                    f"区划代码“{echo(code_text)}”无效（应为6位GB/T 2260代码，如 451000）",
                    f"region code “{echo(code_text)}” is not a valid 6-digit GB/T 2260 code (e.g. 451000)",
                    row=row_no,
                    column=code_col.header,
                )
                continue
            if region_col is None:
                if code_col is None and self.title_region is not None:
                    found[k] = self.title_region
                else:
                    self.add("error", "missing_region", "地区为空", "the region is empty", row=row_no,
                             column=code_col.header if code_col else None)
                continue
            text = values[region_col.index]
            if _blank(text):
                if tidy and previous_text is not None:
                    text = previous_text
                    self.add("info", "region_filled", f"地区为空，沿用上一行“{echo(previous_text)}”",
                             f"the region is empty; “{echo(previous_text)}” from the row above is used",
                             row=row_no, column=region_col.header)
                else:
                    self.add("error", "missing_region", "地区为空", "the region is empty", row=row_no,
                             column=region_col.header)
                    continue
            previous_text = _text(text)
            pending[k] = previous_text
        # Two passes: names shared by two divisions (吉林, 海南) are settled by the rest of the table.
        # Same-name counties (朝阳区) are settled by the other rows' common ancestor, else by the title.
        texts = {text for text in pending if text is not None}
        sure = [m for m in {match(text) for text in texts} if isinstance(m, RegionMatch)]
        levels = {m.level for m in sure}
        level = levels.pop() if len(levels) == 1 else None
        parent = common_parent({m.region_code for m in sure}) if level != "province" and sure else None
        if parent is None and self._title_hint() is not None:
            parent = self._title_hint()
        for k, text in enumerate(pending):
            if text is None:
                continue
            match_ = match(text)
            if not isinstance(match_, RegionMatch) and match_.code == "ambiguous_region" and (level or parent):
                match_ = match(text, parent, level)
            if isinstance(match_, RegionMatch):
                self._note_renamed(match_, data_rows[k][0], region_col.header)
                found[k] = match_
            else:
                self.add("error", match_.code, match_.message_zh, match_.message_en, row=data_rows[k][0],
                         column=region_col.header)
        return found

    def _resolve_nested_regions(self, data_rows, region_cols: list[Column], code_col: Column | None,
                                tidy: bool) -> list[RegionMatch | None]:
        """Regions of a table with several region columns (省份 | 地市): each row's region is the most
        specific division its columns name; the broader columns must contain it (else an error naming
        both). A blank broader cell (a merged cell saved as CSV) only lends the text above as a hint."""
        found: list[RegionMatch | None] = [None] * len(data_rows)
        levels = {c.index: REGION_HEADER_LEVELS.get(header_key(c.header)) for c in region_cols}
        ordered_cols = sorted(region_cols, key=lambda c: _LEVEL_RANK[levels[c.index]])
        memo: dict[tuple[str, str | None, str | None], RegionMatch | RegionMatchError] = {}

        def match(text: str, parent: str | None = None, level: str | None = None) -> RegionMatch | RegionMatchError:
            key = (text, parent, level)
            result = memo.get(key)
            if result is None:
                result = memo[key] = match_region(text, parent, level=level)
            return result

        above: dict[int, str] = {}  # column -> the last text it held (hint for a blank cell below)
        previous: RegionMatch | None = None
        for k, (row_no, values) in enumerate(data_rows):
            named = [(c, _text(values[c.index]).strip()) for c in ordered_cols if not _blank(values[c.index])]
            if code_col is not None and not _blank(values[code_col.index]):
                code_text = _code_text(values[code_col.index])
                by_code = match(code_text)
                if not (isinstance(by_code, RegionMatch) and by_code.matched_by == "code"):
                    self.add("error", "bad_code",
                             f"区划代码“{echo(code_text)}”无效（应为6位GB/T 2260代码，如 451000）",
                             f"region code “{echo(code_text)}” is not a valid 6-digit GB/T 2260 code (e.g. 451000)",
                             row=row_no, column=code_col.header)
                    continue
                found[k] = previous = by_code
                for c, text in named:
                    by_name = match(text, by_code.parent_code or None, levels[c.index])
                    if not isinstance(by_name, RegionMatch) or not (
                        by_name.region_code == by_code.region_code or is_within(by_code.region_code, by_name.region_code)
                    ):
                        self.add("warning", "region_mismatch",
                                 f"地区“{echo(text)}”与区划代码{code_text}（{by_code.name_zh}）不一致，按代码读取",
                                 f"region “{echo(text)}” does not fit code {code_text} ({by_code.name_en}); the code is used",
                                 row=row_no, column=c.header)
                continue
            if not named:
                if tidy and previous is not None:
                    found[k] = previous
                    self.add("info", "region_filled", f"地区为空，沿用上一行“{previous.name_zh}”",
                             f"the region is empty; “{previous.name_en}” from the row above is used",
                             row=row_no, column=ordered_cols[0].header)
                else:
                    self.add("error", "missing_region", "地区为空", "the region is empty", row=row_no,
                             column=region_cols[0].header)
                continue
            # Broader columns first: each match settles a shared name (吉林) in the narrower ones.
            parent: str | None = None
            for c in ordered_cols:
                if not _blank(values[c.index]) or c.index not in above:
                    continue
                hint = match(above[c.index], None, levels[c.index])
                parent = hint.region_code if isinstance(hint, RegionMatch) else parent
                break
            matches: list[tuple[Column, str, RegionMatch]] = []
            for c, text in named:
                above[c.index] = text
                result = match(text, parent, levels[c.index])
                if isinstance(result, RegionMatchError):
                    self.add("error", result.code, result.message_zh, result.message_en, row=row_no, column=c.header)
                    matches = []
                    break
                matches.append((c, text, result))
                parent = result.region_code
            if not matches:
                continue
            specific = max(matches, key=lambda m: _LEVEL_RANK[m[2].level])
            wrong = next(
                (m for m in matches
                 if m[2].region_code != specific[2].region_code and not is_within(specific[2].region_code, m[2].region_code)),
                None,
            )
            if wrong is not None:
                outer_col, outer_text, outer = wrong
                inner_col, inner_text, inner = specific
                self.add(
                    "error",
                    "region_outside_parent",
                    f"“{echo(inner_col.header)}”列的“{echo(inner_text)}”（{inner.name_zh}）不属于“{echo(outer_col.header)}”列的"
                    f"“{echo(outer_text)}”（{outer.name_zh}），请核对",
                    f"“{echo(inner_text)}” in column “{echo(inner_col.header)}” ({inner.name_en}) is not in"
                    f" “{echo(outer_text)}” in column “{echo(outer_col.header)}” ({outer.name_en}); please check",
                    row=row_no,
                    column=outer_col.header,
                )
                continue
            self._note_renamed(specific[2], row_no, specific[0].header)
            found[k] = previous = specific[2]
        return found

    def _note_renamed(self, match: RegionMatch, row_no: int, column: str) -> None:
        if match.matched_by == "renamed":
            self.add("warning", "region_renamed", match.renamed_zh, match.renamed_en, row=row_no, column=column)

    def _title_hint(self) -> str | None:
        """The one division the title names (a prefecture or province), as a hint for same-name counties."""
        if not hasattr(self, "_title_hint_code"):
            found = self._title_region()
            self._title_hint_code = found.region_code if isinstance(found, RegionMatch) else None
        return self._title_hint_code

    def _row_period(self, row_no: int, values: list[object], period_col: Column | None) -> Period | None:
        if period_col is None:
            return self.table_period
        value = values[period_col.index]
        if _blank(value):
            self.add("error", "missing_period", "期间为空", "the period is empty", row=row_no, column=period_col.header)
            return None
        # parse_period is a function of the cell (and the column): each distinct cell is read once.
        key = (type(value), value, period_col.index)
        try:
            result = self._period_memo.get(key)
        except TypeError:  # an unhashable cell: read it without the memo
            key, result = None, None
        if result is None:
            try:
                result = parse_period(value, month_column="月" in period_col.header)
            except PeriodError as exc:
                result = PeriodError(exc.code, exc.message_zh, exc.message_en)  # without the traceback's frames
            if key is not None:
                # Kept for the whole check: hold copies, not the cell itself, so that the grid's memory
                # can be given back once it is let go (one cell kept alive pins its whole arena).
                if isinstance(value, str):
                    key = (str, _own_copy(value), period_col.index)
                if isinstance(result, Period) and isinstance(value, str):
                    result = Period(result.start, result.end, _own_copy(result.text))
                self._period_memo[key] = result
        if isinstance(result, PeriodError):
            code = result.code if result.code != "missing_period" else "bad_date"
            shown = f"{excel_column(period_col.index)}{row_no} "
            self.add("error", code, shown + result.message_zh, shown + result.message_en, row=row_no,
                     column=period_col.header)
            return None
        return result

    def _rows_to_candidates(self, data_rows: list[tuple[int, list[object]]], tidy: bool) -> None:
        regions = self._resolve_regions(data_rows, tidy)
        roles = {c.role: c for c in reversed(self.columns)}
        period_col = roles.get("period")
        agency_col = roles.get("agency")
        self._check_identifiers(data_rows)
        percent_rules = self._percent_rules(data_rows)
        note_cols = [c for c in self.columns if c.role == "note"]
        for (row_no, values), region in zip(data_rows, regions, strict=True):
            period = self._row_period(row_no, values, period_col)
            agency = _agency(values[agency_col.index]) if agency_col is not None else ""
            remark = self._remark(values, note_cols) if note_cols else ""
            if tidy:
                self._tidy_row(row_no, values, region, period, agency, percent_rules, remark)
                continue
            for c in self.columns:
                if c.role != "figure" or c.spec is None:
                    continue
                self._figure(row_no, c, c.header, values[c.index], c.spec, region, period, agency, percent_rules,
                             note=remark)

    def _remark(self, values: list[object], note_cols: list[Column]) -> str:
        """A row's 备注 (附注, 注 …) cells as one text, "备注：…", kept in the note of each of its figures."""
        texts = [_text(values[c.index]).strip() for c in note_cols if not _blank(values[c.index])]
        if not texts:
            return ""
        remark = "备注：" + "; ".join(texts)
        return self._shared.get(remark) or self._shared.setdefault(remark, _own_copy(remark))

    def _tidy_spec(self, text: str, unit_text: str | None, row_no: int, column: str) -> Spec | None:
        """`_spec_for` of a tidy row's 指标 (+ 单位), worked out once per distinct pair of texts.

        A table repeats a dozen pairs over all its rows. The memoised Spec is shared by the rows
        (nothing changes a Spec once `_spec_for` has returned it); the messages the first row got
        are given again to every later row with the same texts, with that row's number, exactly as
        a fresh call would (the one-off new_metric warning excepted, as a fresh call skips it too).
        """
        key = (text, unit_text)
        memo = self._spec_memo.get(key)
        if memo is None:
            start = len(self.messages)
            spec = self._spec_for(text, unit_text, row_no, column)
            replay = tuple(m for m in self.messages[start:] if m.code != "new_metric")
            self._spec_memo[key] = (spec, replay)
            return spec
        spec, replay = memo
        for m in replay:
            self.add(m.level, m.code, m.message_zh, m.message_en, row=row_no, column=m.column)
        return spec

    def _tidy_change_spec(self, spec: Spec, c: Column) -> Spec:
        """The change Spec of a tidy table's bare 同比 column for a row's metric (one per Spec and column)."""
        key = (id(spec), c.index)
        change = self._change_memo.get(key)
        if change is None:
            change = Spec(spec.metric_id, spec.metric_zh, spec.metric_en, spec.category, "change", "percent",
                          "percent", direction=c.label.direction, basis=c.label.basis, new_metric=spec.new_metric)
            self._change_memo[key] = change
        return change

    def _tidy_row(self, row_no, values, region, period, agency, percent_rules, remark: str = "") -> None:
        layout = self._tidy_layout
        if layout is None:
            roles = {c.role: c for c in reversed(self.columns)}
            layout = self._tidy_layout = (
                roles["metric_name"], roles.get("unit"), roles.get("qualifier"), roles.get("source"),
                [c for c in self.columns if c.role in ("value", "period_value")],
            )
        metric_col, unit_col, qual_col, source_col, value_cols = layout
        name = values[metric_col.index]
        if _blank(name):
            self.add("error", "missing_metric", "指标为空", "the metric is empty", row=row_no, column=metric_col.header)
            return
        unit_text = _text(values[unit_col.index]) if unit_col is not None else None
        spec = self._tidy_spec(_text(name), unit_text, row_no, metric_col.header)
        if spec is None:
            return
        qualifier = ""
        note = ""
        if qual_col is not None and not _blank(values[qual_col.index]):
            word = header_key(values[qual_col.index])
            if word in QUALIFIER_WORDS:
                qualifier = QUALIFIER_WORDS[word]
            else:
                note = _text(values[qual_col.index]).strip()
        if source_col is not None and not _blank(values[source_col.index]):
            note = (note + "; " if note else "") + "来源：" + _text(values[source_col.index]).strip()
        if remark:
            note = (note + "; " if note else "") + remark
        # One string object per distinct text: candidates keep it, not each row's own cell.
        header = _text(name).strip()
        header = self._shared.get(header) or self._shared.setdefault(header, _own_copy(header))
        note = self._shared.get(note) or self._shared.setdefault(note, _own_copy(note))
        for c in value_cols:
            col_period = c.period if c.role == "period_value" else period
            self._figure(row_no, c, header, values[c.index], spec, region, col_period, agency, percent_rules,
                         qualifier=qualifier, note=note)
        for c in self.columns:
            if c.role == "figure" and c.label is not None and c.label.measure == "change" and not c.label.base:
                change = self._tidy_change_spec(spec, c)
                self._figure(row_no, c, f"{header}{c.header}", values[c.index], change, region, period, agency,
                             percent_rules, note=note)
            elif c.role == "figure" and c.spec is not None:
                self._figure(row_no, c, c.header, values[c.index], c.spec, region, period, agency, percent_rules,
                             note=note)

    def _check_identifiers(self, data_rows) -> None:
        for c in self.columns:
            if c.role != "identifier":
                continue
            for row_no, values in data_rows:
                v = values[c.index]
                if isinstance(v, float) and abs(v) >= 1e15 or isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**15:
                    self.add(
                        "error",
                        "precision_lost",
                        f"{excel_column(c.index)}{row_no} 以数字保存（{v:.6g}），超过15位有效数字已丢失精度；请把该列设为文本后重新输入",
                        f"{excel_column(c.index)}{row_no} is stored as a number ({v:.6g}); digits beyond 15 are lost."
                        " Format the column as text and enter it again",
                        row=row_no,
                        column=c.header,
                    )

    def _percent_rules(self, data_rows) -> dict[int, str]:
        """Percent columns holding cells in Excel's percent format (0.429 shown as 42.9%)."""
        rules = {}
        header_row = self.header_rows[-1] + 1
        for c in self.columns:
            if c.role != "figure" or c.spec is None or c.spec.kind != "percent":
                continue
            if any((row_no - 1, c.index) in self.percent_cells for row_no, _ in data_rows):
                rules[c.index] = "fraction"
                self.add(
                    "info",
                    "percent_format",
                    "该列为Excel百分比格式，按显示的百分数读取（0.429 即 42.9%）",
                    "the column is in Excel's percent format; read as the percentages shown (0.429 is 42.9%)",
                    row=header_row,
                    column=c.header,
                )
        return rules

    def _figure(self, row_no, column: Column, header, value, spec: Spec, region, period, agency, percent_rules,
                qualifier: str = "", note: str = "") -> None:
        letter = self._letters.get(column.index)
        if letter is None:
            letter = self._letters[column.index] = excel_column(column.index)
        cell = f"{letter}{row_no}"
        where = column.header
        if _blank(value):
            if self.formula_cells.pop((row_no, excel_column(column.index)), None) is not None:
                value = "="  # a formula whose result was never saved
            else:
                return
        if value == "=":
            self.add(
                "error",
                "formula_no_value",
                f"{cell} 是公式但没有计算结果（文件可能由程序生成），请在Excel中打开并保存后重新上传",
                f"{cell} is a formula without a computed value (the file was probably written by a program);"
                " open and save it in Excel, then upload again",
                row=row_no,
                column=where,
            )
            return
        if isinstance(value, str) and _FORMULA.match(value.strip()):
            self.add(
                "error",
                "formula_no_value",
                f"{cell} 是公式“{echo(value.strip())}”但没有计算结果，请在Excel中打开并保存后重新上传",
                f"{cell} is a formula “{echo(value.strip())}” without a computed value; open and save the file in Excel, then upload again",
                row=row_no,
                column=where,
            )
            return
        if isinstance(value, (datetime, date, time)):
            self.add("error", "not_a_number", f"{cell} 是日期，不是数字", f"{cell} is a date, not a number", row=row_no,
                     column=where)
            return
        try:
            parsed = parse_number(value)
        except NumberParseError as exc:
            if exc.code == "missing_value":
                self.add("info", "missing_value", f"{cell} “{echo(_text(value).strip())}”表示缺失，未生成数字（不按0计）",
                         f"{cell} “{echo(_text(value).strip())}” marks a missing value; no figure (not zero)",
                         row=row_no, column=where)
            else:
                self.add("error", exc.code, f"{cell} {exc.message_zh}", f"{cell} {exc.message_en}", row=row_no, column=where)
            return
        scaled = self._scaled(parsed, value, spec, column, cell, row_no, where, percent_rules)
        if scaled is None:
            return
        number, direction = scaled
        if qualifier and parsed.qualifier != "exact" and qualifier != parsed.qualifier:
            self.add("error", "conflicting_qualifiers", f"{cell} 的修饰词与“限定”列不一致",
                     f"{cell}'s qualifier contradicts the qualifier column", row=row_no, column=where)
            return
        final_qualifier = parsed.qualifier if parsed.qualifier != "exact" else (qualifier or "exact")
        if region is None or period is None:
            return
        self.candidates.append(
            _Candidate(row_no, column.index, header, region.region_code, region.name_zh, period, spec, number,
                       final_qualifier, direction, agency, note)
        )

    def _scaled(self, parsed: ParsedNumber, raw, spec: Spec, column: Column, cell: str, row_no: int, where: str,
                percent_rules) -> tuple[Decimal, str] | None:
        try:
            number = Decimal(str(parsed.value))
        except InvalidOperation:
            return None
        cell_unit = parse_unit(parsed.unit) if parsed.unit else None
        if parsed.unit and cell_unit is None and parsed.unit not in ("倍",):
            cell_unit = Unit(1, "", "count", parsed.unit)
        if parsed.is_percent:
            cell_unit = Unit(1, "percent", "percent", "%")
        if cell_unit is not None and cell_unit.kind and spec.kind and cell_unit.kind != spec.kind:
            self.add(
                "error",
                "unit_mismatch",
                f"{cell} “{echo(_text(raw).strip())}”的单位“{parsed.unit}”与该列不符",
                f"{cell} “{echo(_text(raw).strip())}”: the unit “{parsed.unit}” does not fit this column",
                row=row_no,
                column=where,
            )
            return None
        own_scale = bool(parsed.scale_text) or (cell_unit is not None and cell_unit.kind == "money")
        if spec.kind == "money" and not spec.scale_stated and not (cell_unit is not None and cell_unit.kind == "money"):
            self.add(
                "error",
                "money_unit_missing",
                f"{cell} 金额没有注明单位：请在表头写明（如“涉案金额(万元)”）或在单元格中写“2230万元”",
                f"{cell}: the amount has no unit; state it in the header (e.g. 涉案金额(万元)) or in the cell (2230万元)",
                row=row_no,
                column=where,
            )
            return None
        if not own_scale:
            number *= spec.scale
            if spec.kind == "money" and spec.scale > 1 and number >= MONEY_OUTLIER_YUAN:
                self.add(
                    "error",
                    "unit_outlier",
                    f"{cell} “{echo(_text(raw).strip())}”按表头单位折合{number / 10**8:,.0f}亿元，疑似以“元”为单位填写；请核对后重新上传",
                    f"{cell} “{echo(_text(raw).strip())}” in the header's unit is {number / 10**8:,.0f} hundred million yuan;"
                    " probably entered in yuan. Check and upload again",
                    row=row_no,
                    column=where,
                )
                return None
        if spec.kind == "percent" and not parsed.is_percent:
            if (row_no - 1, column.index) in self.percent_cells and isinstance(raw, (int, float)):
                number = (number * 100).normalize()
            elif spec.measure != "change" and 0 < abs(number) < 1 and isinstance(raw, (str, int, float)):
                others = [c for c in self.candidates if c.col == column.index and c.value >= 1]
                if others or self._column_has_large(column):
                    self.add(
                        "error",
                        "ambiguous_percent",
                        f"{cell} 为{_text(raw).strip()}，是{_text(raw).strip()}%还是{_plain(Decimal(str(parsed.value)) * 100)}%？请写成带“%”的形式",
                        f"{cell} is {_text(raw).strip()}: {_text(raw).strip()}% or {_plain(Decimal(str(parsed.value)) * 100)}%? Write it with a % sign",
                        row=row_no,
                        column=where,
                    )
                    return None
        if spec.measure == "change":
            if spec.direction:
                if number < 0:
                    number = -number
                    direction = "increase" if spec.direction == "decrease" else "decrease"
                else:
                    direction = spec.direction
            else:
                direction = "decrease" if number < 0 else "increase"
                number = abs(number)
            if direction == "decrease" and number > 100:
                self.add(
                    "error",
                    "out_of_range",
                    f"{cell} 下降{number:g}%，不可能超过100%",
                    f"{cell} is a decrease of {number:g}%, which cannot exceed 100%",
                    row=row_no,
                    column=where,
                )
                return None
            if not self._plausible(number, spec, cell, row_no, where):
                return None
            return number, direction
        if number < 0:
            self.add(
                "error",
                "negative",
                f"{cell} 为负数({_text(raw).strip()})，数量不能为负",
                f"{cell} is negative ({_text(raw).strip()}); amounts cannot be negative",
                row=row_no,
                column=where,
            )
            return None
        if spec.kind == "percent" and number > 100:
            self.add(
                "error",
                "out_of_range",
                f"{cell} 为{number:g}，比率/占比应在0-100之间",
                f"{cell} is {number:g}; a rate or share must be between 0 and 100",
                row=row_no,
                column=where,
            )
            return None
        if spec.kind == "count" and number != number.to_integral_value():
            self.add(
                "error",
                "not_integer",
                f"{cell} “{echo(_text(raw).strip())}”不是整数，件数/人数应为整数",
                f"{cell} “{echo(_text(raw).strip())}” is not a whole number; counts must be whole",
                row=row_no,
                column=where,
            )
            return None
        if not self._plausible(number, spec, cell, row_no, where):
            return None
        return number, ""

    def _plausible(self, number: Decimal, spec: Spec, cell: str, row_no: int, where: str) -> bool:
        """The value lies within its unit's bounds and is stored digit for digit (loaders.bounds)."""
        problem = bound_problem(number, spec.kind)
        if problem is None:
            return True
        self.add("error", problem.code, f"{cell} {problem.message_zh}", f"{cell}: {problem.message_en}",
                 row=row_no, column=where)
        return False

    def _column_has_large(self, column: Column) -> bool:
        start = self.header_rows[-1] + 1
        for r in range(start, len(self.rows)):
            v = self._cell(r, column.index)
            if isinstance(v, bool) or _blank(v):
                continue
            try:
                p = parse_number(v)
            except NumberParseError:
                continue
            if abs(p.value) >= 1:
                return True
        return False

    # -- cross-row checks
    def _check_totals(self, totals, order) -> None:
        if not totals:
            return
        region_col = next((c for c in self.columns if c.role == "region"), None)
        column_name = region_col.header if region_col else None
        by_row: dict[int, list[_Candidate]] = {}
        for cand in self.candidates:
            by_row.setdefault(cand.row, []).append(cand)
        positions = [r for _, r in order]
        for row_no, values, kind in totals:
            # The words as written (小计), never the code's English name inside a Chinese message.
            label = self._total_labels.get(row_no, "")
            label_zh, label_en = (label, label) if label else TOTAL_LABELS[kind]
            if kind == "of_which":
                self.add("info", "subtotal_row", f"“{echo(label_zh)}”为分项小计（其中），已排除，未核对",
                         f"“{echo(label_en)}” is an of-which subtotal; excluded, not checked", row=row_no,
                         column=column_name)
                continue
            code = "total_row" if kind == "total" else "subtotal_row"
            self.add("info", code, f"“{echo(label_zh)}”行不是地区数据，已排除",
                     f"the “{echo(label_en)}” row is not regional data; excluded", row=row_no, column=column_name)
            idx = positions.index(row_no)
            if kind == "subtotal":
                above = []
                for k, r in reversed(order[:idx]):
                    if k != "data":
                        break
                    above.append(r)
                rows = above
            else:
                rows = [r for k, r in order[:idx] if k == "data"]
                if not rows:
                    rows = []
                    for k, r in order[idx + 1 :]:
                        if k != "data":
                            break
                        rows.append(r)
            self._compare_total(row_no, values, rows, by_row)

    def _compare_total(self, row_no, values, rows, by_row) -> None:
        for c in self.columns:
            if c.role != "figure" or c.spec is None or c.spec.measure != "level" or c.spec.kind not in ("count", "money"):
                continue
            cell = values[c.index]
            where = c.header
            if _blank(cell) and self.formula_cells.pop((row_no, excel_column(c.index)), None) is not None:
                cell = "=SUM()"
            if _blank(cell):
                continue
            if isinstance(cell, str) and _FORMULA.match(cell.strip()):
                self.add("warning", "formula_no_value",
                         f"{excel_column(c.index)}{row_no} 是公式但没有计算结果，无法核对合计（请在Excel中打开并保存）",
                         f"{excel_column(c.index)}{row_no} is a formula without a computed value; the total cannot be checked"
                         " (open and save the file in Excel)", row=row_no, column=where)
                continue
            try:
                parsed = parse_number(cell)
            except NumberParseError:
                continue
            parts = [cand for r in rows for cand in by_row.get(r, []) if cand.col == c.index]
            if not parts or len(parts) < len(rows) or any(p.qualifier != "exact" for p in parts) or parsed.qualifier != "exact":
                continue
            total = Decimal(str(parsed.value))
            if not parsed.scale_text and parsed.unit != "元":
                total *= c.spec.scale
            stated = Decimal(str(parsed.value))
            exponent = stated.as_tuple().exponent if isinstance(stated.as_tuple().exponent, int) else 0
            tolerance = Decimal(5) * Decimal(10) ** (min(exponent, 0) - 1) * (c.spec.scale if not parsed.scale_text else 1)
            summed = sum((p.value for p in parts), Decimal(0))
            if abs(summed - total) > tolerance:
                shown_sum = summed / c.spec.scale if c.spec.scale > 1 else summed
                self.add(
                    "warning",
                    "total_mismatch",
                    f"合计行的“{echo(c.header)}”为{_text(cell).strip()}，但第{min(rows)}-{max(rows)}行之和为{shown_sum.normalize():f}",
                    f"the total of “{echo(c.header)}” is {_text(cell).strip()} but rows {min(rows)}-{max(rows)} add up to"
                    f" {shown_sum.normalize():f}",
                    row=row_no,
                    column=where,
                )

    def _check_duplicates(self) -> None:
        # (period key, metric, measure, basis) -> region code -> first candidate: one small key per
        # group rather than one five-part key per figure.
        first: dict[tuple, dict[str, _Candidate]] = {}
        pairs: dict[tuple[int, int], bool] = {}  # (later row, earlier row) -> values differ
        period_keys = _PeriodKeys()
        for cand in self.candidates:
            spec = cand.spec
            group_key = (period_keys[cand.period], spec.metric_id, spec.measure, spec.basis)
            group = first.get(group_key)
            if group is None:
                group = first[group_key] = {}
            earlier = group.get(cand.region_code)
            if earlier is None:
                group[cand.region_code] = cand
            elif earlier.row != cand.row:
                pair = (cand.row, earlier.row)
                differs = earlier.value != cand.value or earlier.qualifier != cand.qualifier
                pairs[pair] = pairs.get(pair, False) or differs
        if not pairs:
            return
        region_col = next((c for c in self.columns if c.role in ("region", "region_code")), None)
        first_of_row: dict[int, _Candidate] = {}
        for cand in self.candidates:
            first_of_row.setdefault(cand.row, cand)
        for (later, earlier), differs in sorted(pairs.items()):
            sample = first_of_row[later]
            what = f"{sample.region_zh} {sample.period.text}"
            if differs:
                self.add("error", "conflicting_duplicate", f"与第{earlier}行同为“{what}”，但数值不同，请删除其中一行",
                         f"rows {earlier} and {later} are both “{what}” with different values; delete one",
                         row=later, column=region_col.header if region_col else None)
            else:
                self.add("error", "duplicate_row", f"与第{earlier}行完全重复（同为“{what}”），请删除其中一行",
                         f"row {later} repeats row {earlier} (“{what}”); delete one",
                         row=later, column=region_col.header if region_col else None)

    def _check_cross_fields(self) -> None:
        candidates = self.candidates
        period_keys = _PeriodKeys()
        if all(a.row <= b.row for a, b in pairwise(candidates)):
            # Candidates come row by row (the usual case): one row's groups are held at a time, and
            # checked in the order the whole-table dict below would give them.
            rows: dict[tuple[int, tuple], dict[str, _Candidate]] = {}
            current = None
            for cand in candidates:
                if cand.row != current:
                    for (row_no, _), found in rows.items():
                        self._cross_field_row(row_no, found)
                    rows.clear()
                    current = cand.row
                if cand.spec.measure == "level" and cand.qualifier == "exact":
                    rows.setdefault((cand.row, period_keys[cand.period]), {})[cand.spec.metric_id] = cand
            for (row_no, _), found in rows.items():
                self._cross_field_row(row_no, found)
            return
        rows = {}
        for cand in candidates:
            if cand.spec.measure == "level" and cand.qualifier == "exact":
                rows.setdefault((cand.row, period_keys[cand.period]), {})[cand.spec.metric_id] = cand
        for (row_no, _), found in rows.items():
            self._cross_field_row(row_no, found)

    def _cross_field_row(self, row_no: int, found: dict[str, _Candidate]) -> None:
        filed, solved = found.get("cases_filed"), found.get("cases_solved")
        if filed and solved and solved.value > filed.value:
            self.add("warning", "cross_field", f"破案数({solved.value:f})大于立案数({filed.value:f})，请核对",
                     f"cases solved ({solved.value:f}) exceed cases filed ({filed.value:f}); please check",
                     row=row_no, column=solved.header)
        losses, recovered = found.get("fraud_losses"), found.get("losses_recovered")
        if losses and recovered and recovered.value > losses.value:
            self.add("warning", "cross_field", "挽损金额大于涉案金额，请核对",
                     "losses recovered exceed the amount lost; please check", row=row_no, column=recovered.header)
        rate = found.get("clearance_rate")
        if rate and filed and solved and filed.value > 0:
            computed = solved.value * 100 / filed.value
            if abs(computed - rate.value) > Decimal("0.15"):
                self.add(
                    "warning",
                    "cross_field",
                    f"破案率{rate.value:f}与破案数/立案数={computed:.1f}不符，请核对",
                    f"clearance rate {rate.value:f} does not match solved/filed = {computed:.1f}; please check",
                    row=row_no,
                    column=rate.header,
                )

    # -- output
    def figures(self) -> pd.DataFrame:
        """The figures as a frame of REPORT_COLUMNS, in row then column order.

        Built column-wise, FIGURE_CHUNK candidates at a time: each chunk's values go straight into
        Arrow/NumPy arrays and its candidates are let go, so a large table never holds one dict per
        figure, nor every candidate and the whole frame at once. Same columns, dtypes and values as
        a frame made from one record per figure.
        """
        if not self.candidates:
            return pd.DataFrame([], columns=REPORT_COLUMNS)
        ordered = self.candidates
        ordered.sort(key=lambda c: (c.row, c.col))  # stable, as sorted() was; nothing reads them after this
        n = len(ordered)
        sha8 = self.sha8
        source_id = f"upload:{sha8}"
        periods: dict[int, tuple[Period, str, str]] = {}
        for c in ordered:
            if id(c.period) not in periods:
                periods[id(c.period)] = (c.period, c.period.start.isoformat(), c.period.end.isoformat())

        def text_columns(part: list[_Candidate], first: int) -> dict[str, list[str]]:
            specs = [c.spec for c in part]
            empty = [""] * len(part)
            changes = [spec.measure == "change" for spec in specs]
            figure_ids = [f"up-{sha8}-{k:03d}" for k in range(first, first + len(part))]
            return {
                "figure_id": figure_ids,
                "fact_id": figure_ids,
                "source_id": [source_id] * len(part),
                "region_code": [c.region_code for c in part],
                "period_start": [periods[id(c.period)][1] for c in part],
                "period_end": [periods[id(c.period)][2] for c in part],
                "period_text": [c.period.text for c in part],
                "phase": empty,
                "agency_id": [c.agency_id for c in part],
                "category": [spec.category for spec in specs],
                "metric_id": [spec.metric_id for spec in specs],
                "breakdown": empty,
                "measure": [spec.measure for spec in specs],
                "unit": [spec.unit for spec in specs],
                "qualifier": [c.qualifier for c in part],
                "direction": [c.direction if change else "" for c, change in zip(part, changes, strict=True)],
                "basis": [(spec.basis or "yoy") if change else "" for spec, change in zip(specs, changes, strict=True)],
                "evidence": [_evidence(self.display_name, c.row, c.header) for c in part],
                "note": [c.note for c in part],
                "metric_zh": [spec.metric_zh for spec in specs],
                "metric_en": [spec.metric_en for spec in specs],
                "formula": empty,
            }

        text_chunks: dict[str, list[pa.Array]] = {}
        values, source_rows = np.empty(n, dtype=np.float64), np.empty(n, dtype=np.int64)
        for first in range(0, n, FIGURE_CHUNK):
            part = ordered[first : first + FIGURE_CHUNK]
            for name, texts in text_columns(part, first + 1).items():
                text_chunks.setdefault(name, []).append(pa.array(texts, type=pa.large_string()))
            values[first : first + len(part)] = [float(c.value) for c in part]
            source_rows[first : first + len(part)] = [c.row for c in part]
            ordered[first : first + len(part)] = [None] * len(part)
            del part
        del ordered[:]
        string = pd.StringDtype("pyarrow", na_value=np.nan)  # what pandas infers for a column of str
        columns: dict[str, pd.Series] = {}
        for name in REPORT_COLUMNS:
            if name == "value":
                columns[name] = pd.Series(values, name=name, copy=False)
            elif name == "source_row":
                columns[name] = pd.Series(source_rows, name=name, copy=False)
            elif name == "derived":
                columns[name] = pd.Series(np.zeros(n, dtype=bool), name=name, copy=False)
            else:
                combined = pa.chunked_array(text_chunks.pop(name), type=pa.large_string()).combine_chunks()
                columns[name] = pd.Series(ArrowStringArray(pa.chunked_array([combined]), dtype=string), name=name)
        frame = pd.DataFrame(columns, columns=REPORT_COLUMNS, copy=False)  # the Series are ours: no second copy
        pa.default_memory_pool().release_unused()  # the chunks just combined: give their memory back now
        return frame


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _evidence(filename: str, row: int, header: str) -> str:
    suffix = f" 第{row}行 {header}"
    if len(suffix) > MAX_EVIDENCE - 4:
        suffix = suffix[: MAX_EVIDENCE - 5] + "…"
    budget = MAX_EVIDENCE - len(suffix)
    name = filename if len(filename) <= budget else filename[: budget - 1] + "…"
    return name + suffix


def _total_kind(text: str) -> str:
    key = header_key(text)
    if not key:
        return ""
    if key.startswith("其中"):
        return "of_which"
    if "小计" in key:
        return "subtotal"
    bare = _BRACKET.sub("", key)
    if bare in TOTAL_WORDS or bare.startswith(("合计", "总计")):
        return "total"
    return ""


def _code_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value).strip()


def _agency(value: object) -> str:
    text = _text(value)
    for word, agency_id in AGENCY_WORDS:
        if word in text:
            return agency_id
    return ""


def check_grid(grid, filename: str, sha256_hex: str, catalog: Catalog | None = None) -> CheckReport:
    """Check a grid already read from a file (see `loaders.reading.Grid`)."""
    return _check_handed_grid([grid], filename, sha256_hex, catalog)


_GC_LOCK = threading.Lock()
_GC_PAUSES = [0, False]  # checks running, whether the collector was on when the first one started


@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector while a table is checked.

    A large table allocates millions of lists and tuples; each allocation burst makes the collector
    walk every live object (the grid's cells included), which made checking grow faster than the
    table. Nothing the checker keeps forms reference cycles. The collector is switched back on when
    the last running check ends (checks may run in several threads at once).
    """
    with _GC_LOCK:
        if _GC_PAUSES[0] == 0:
            _GC_PAUSES[1] = gc.isenabled()
            gc.disable()
        _GC_PAUSES[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES[0] -= 1
            if _GC_PAUSES[0] == 0 and _GC_PAUSES[1]:
                gc.enable()


def _check_handed_grid(handed: list, filename: str, sha256_hex: str, catalog: Catalog | None = None) -> CheckReport:
    """check_grid of `handed`'s one grid, taken out of the list so that the checker holds the only reference."""
    with _cyclic_gc_paused():
        return _check_handed_grid_now(handed, filename, sha256_hex, catalog)


def _check_handed_grid_now(handed: list, filename: str, sha256_hex: str, catalog: Catalog | None) -> CheckReport:
    grid = handed.pop()
    encoding, sheet = getattr(grid, "encoding", None), getattr(grid, "sheet", None)
    checker = _Checker(grid, filename, sha256_hex, catalog or load_catalog())
    del grid
    checker.run()
    checker.grid, checker.rows = None, []  # the cells are no longer needed: only the candidates are
    rank = {"error": 0, "warning": 1, "info": 2}
    messages = sorted(checker.messages + list(checker.formula_cells.values()), key=lambda m: rank[m.level])
    if len(messages) > MAX_MESSAGES:
        hidden = len(messages) - MAX_MESSAGES
        levels = {m.level for m in messages[MAX_MESSAGES:]}
        level = "error" if "error" in levels else ("warning" if "warning" in levels else "info")
        messages = messages[:MAX_MESSAGES] + [
            Message(level, "more_messages", f"另有{hidden}条问题未列出", f"{hidden} more problems not listed")
        ]
    status = _status(messages)
    figures = checker.figures() if status != "rejected" else pd.DataFrame(columns=REPORT_COLUMNS)
    rows = int(figures["source_row"].nunique()) if len(figures) else 0
    used = set(figures["metric_id"].unique()) if len(figures) else set()
    return CheckReport(
        file=filename,
        status=status,
        encoding=encoding,
        sheet=sheet,
        rows=rows,
        messages=messages,
        figures=figures,
        new_metrics=[m for k, m in checker.new_metrics.items() if k in used],
    )
