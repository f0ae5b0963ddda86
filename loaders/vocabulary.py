"""The words of Chinese statistics: qualifiers (余 ≥, 约 ≈, 不足 <), scales (万, 亿) and units.

One home for every reader and writer of numbers: `loaders.numbers` (a cell such as 2230余万元), the
upload checker (a 限定 column, a header's (万元)), curated validation (the qualifier ids) and
`i18n.numbers` (1.2亿, ≥ ≈ <). The press-release extractor is meant to read from here too.
"""

from __future__ import annotations

# The qualifier ids of the figure model, with the symbol each is shown with.
QUALIFIERS = ("exact", "at_least", "about", "less_than")
QUALIFIER_SYMBOLS = {"exact": "", "at_least": "≥", "about": "≈", "less_than": "<"}

# Words before the number. Longer words win over their prefixes (不超过 before 超过 before 超).
PREFIX_QUALIFIERS = {
    "约": "about", "约为": "about", "大约": "about", "大概": "about", "近": "about", "将近": "about",
    "接近": "about", "~": "about", "≈": "about",
    "过": "at_least", "超": "at_least", "超过": "at_least", "逾": "at_least", "突破": "at_least",
    "上": "at_least", "多于": "at_least", "高于": "at_least", "大于": "at_least", "不少于": "at_least",
    "不低于": "at_least", "至少": "at_least", ">": "at_least", ">=": "at_least", "≥": "at_least",
    "不足": "less_than", "不到": "less_than", "少于": "less_than", "低于": "less_than", "小于": "less_than",
    "未满": "less_than", "不满": "less_than", "不超过": "less_than", "最多": "less_than", "<": "less_than",
    "<=": "less_than", "≤": "less_than",
}
# Words right after the number or the scale (2230余万, 1.3万余, 4万多, 100余张).
INNER_QUALIFIERS = {"余": "at_least", "多": "at_least"}
# Words at the very end, after the unit (100张以上, 9万元左右, 1400+).
SUFFIX_QUALIFIERS = {
    "余": "at_least", "多": "at_least", "有余": "at_least", "以上": "at_least", "+": "at_least",
    "左右": "about", "上下": "about",
    "以下": "less_than", "以内": "less_than",
}
# Words that say "this number is exact" in a qualifier column.
EXACT_WORDS = {"精确": "exact", "准确": "exact", "确数": "exact"}
# A qualifier column's cell (限定, 修饰): any of the words above alone, or an id itself.
QUALIFIER_WORDS = {
    **PREFIX_QUALIFIERS,
    **INNER_QUALIFIERS,
    **SUFFIX_QUALIFIERS,
    **EXACT_WORDS,
    **{q: q for q in QUALIFIERS},
}

# Scale words and their factors. 百 is not a scale in 百分点 / 百分之 (the readers see to that).
SCALES = {
    "十": 10, "百": 100, "千": 1000, "万": 10**4, "十万": 10**5, "百万": 10**6, "千万": 10**7,
    "亿": 10**8, "十亿": 10**9, "百亿": 10**10, "千亿": 10**11, "万亿": 10**12,
}
WAN = SCALES["万"]
YI = SCALES["亿"]

# Unit words a number in a cell may carry. Longer words win (人次 before 人, 个百分点 before 个).
NUMBER_UNITS = frozenset(
    {
        "元", "美元", "港元", "欧元",
        "起", "件", "宗", "个", "人", "人次", "名", "户", "户次", "次", "张", "条", "家", "台", "部",
        "笔", "批", "场", "期", "篇", "份", "所", "处", "套", "项", "类", "种", "单",
        "个百分点", "百分点", "倍",
        "天", "日", "小时", "分钟", "秒", "年", "个月", "周",
        "%", "‰",
    }
)
# Words that make a header or a 单位 cell a percentage.
PERCENT_WORDS = frozenset({"%", "％", "百分比", "百分点", "个百分点", "‰"})
# A header's or 单位 cell's unit word -> (unit id for a new metric, kind). "" = the metric's own unit.
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
