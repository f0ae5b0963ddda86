"""What a header says: the role of a column, its metric, measure (level / change / share) and unit.

Header words are recognised here, once (`ROLE_HEADERS`); the qualifier, scale and unit words come
from `loaders.vocabulary`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from loaders.catalog import Catalog
from loaders.periods import Period, PeriodError, parse_period
from loaders.upload.cells import BRACKET, cell_text, header_key, is_blank
from loaders.vocabulary import PERCENT_WORDS, SCALES, UNIT_WORDS

SCALE_WORDS = SCALES
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
for _role_name, _words in ROLE_HEADERS.items():
    for _word in _words:
        ROLE_OF_HEADER.setdefault(_word.lower(), _role_name)

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
LEVEL_RANK = {"province": 0, None: 1, "prefecture": 2, "county": 3}
TOTAL_LABELS = {"total": ("合计", "total"), "subtotal": ("小计", "subtotal"), "of_which": ("其中", "of-which")}

IDENTIFIER_WORDS = ("编号", "号码", "身份证", "证件", "账号", "卡号", "单号")
AGENCY_WORDS = (("公安", "public_security"), ("人民银行", "pboc"), ("人行", "pboc"), ("通信管理", "communications"),
                ("通管", "communications"), ("教育", "education"))

# The 备注 of the upload template's example rows (loaders/template.py): a row still carrying it is refused,
# so the template's illustrative numbers can never be stored as a region's figures.
TEMPLATE_EXAMPLE_NOTE = "示例行，请删除"
TOTAL_WORDS = frozenset(
    {"合计", "总计", "总数", "共计", "汇总", "全市", "全省", "全区", "全州", "全盟", "全县", "全国", "全自治区",
     "全地区", "全市合计", "全省合计", "总体", "累计"}
)
NOTE_PREFIXES = (
    "注", "备注", "说明：", "说明:", "数据来源", "资料来源", "来源：", "来源:", "填表人", "填报人", "制表人",
    "审核人", "负责人", "联系人", "联系电话", "填报日期", "制表日期", "报送日期", "统计口径", "附注", "制表：", "制表:",
)
CHANGE_BASIS = (("同比", "yoy"), ("较上年", "yoy"), ("比上年", "yoy"), ("较去年", "yoy"), ("比去年", "yoy"),
                ("较同期", "yoy"), ("环比", "mom"), ("较上月", "mom"), ("比上月", "mom"))
CHANGE_DIRECTION = (("下降率", "decrease"), ("下降", "decrease"), ("减少", "decrease"), ("降幅", "decrease"),
                    ("降低", "decrease"), ("增长率", "increase"), ("增长", "increase"), ("上升", "increase"),
                    ("增加", "increase"), ("增幅", "increase"), ("提高", "increase"))
# No bare 率 here: 破案率同比 is the change of the clearance rate, not of 破案 (cases solved).
CHANGE_WORDS = ("增减幅度", "增减率", "增减", "变化率", "变化", "变动", "幅度")
# A change stated in percentage points (破案率同比上升3.2个百分点) is not a percent change: not stored.
PERCENTAGE_POINT_WORDS = frozenset({"百分点", "个百分点"})
SHARE_WORDS = ("所占比例", "占比", "比重", "比例")
METRIC_PREFIXES = ("电信网络诈骗", "电诈", "涉诈", "诈骗", "累计", "全年", "本期", "共", "总")


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
    if t in PERCENT_WORDS:
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
    for m in BRACKET.finditer(raw):
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
        # Metrics this upload names that the catalogue does not: metric_id -> the metrics.csv row it would add.
        self.new_metrics: dict[str, dict] = {}

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


def custom_metric_id(base: str) -> str:
    return "custom_" + hashlib.sha1(base.encode("utf-8")).hexdigest()[:8]


def role_of(text: object, metrics: MetricIndex) -> str:
    """The role of a column named `text`: region, period, metric_name, value …, figure, or text."""
    if is_blank(text):
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
    if metrics.find(label.base) or (label.measure != "level" and (not label.base or metrics.find(label.base))):
        return "figure"
    return "text"



def total_kind_of(text: str) -> str:
    """"total" (合计, 全市 …), "subtotal" (小计), "of_which" (其中) or "" for a row label."""
    key = header_key(text)
    if not key:
        return ""
    if key.startswith("其中"):
        return "of_which"
    if "小计" in key:
        return "subtotal"
    bare = BRACKET.sub("", key)
    if bare in TOTAL_WORDS or bare.startswith(("合计", "总计")):
        return "total"
    if bare.endswith(("合计", "总计")):
        # 百色市合计, 南宁市总计: the total of the rows above it, up to the first row that is not data
        # (the whole table when it ends one city's table, that city's rows when several follow).
        return "subtotal"
    return ""


def agency_of(value: object) -> str:
    text = cell_text(value)
    for word, agency_id in AGENCY_WORDS:
        if word in text:
            return agency_id
    return ""
