"""The extractor's words: which shared words it reads in prose, and the words only prose needs.

The meaning of a qualifier word (约 ≈, 余 ≥, 不足 <), of a scale (万, 亿) and the unit id of a unit word
come from `loaders.vocabulary`, the one vocabulary the checker and the number readers use too. This
module only chooses which of those words running text is searched for, and keeps what the checker never
needs: traditional characters, direction and basis words, share words, the markers of a number that is
not a statistic (rules, phone numbers, a victim's story, dates), period phrases and the like.

Why a choice and not the whole shared lists: in a table cell a word stands next to its number alone, in
prose it stands next to other words. The shared words the extractor does not search for would read
prose wrongly (上 in 较上月, 以内 in 5年内 which is a legal term, 百 in 3百分点, 约为 / 最多 / 大于 …
are not yet measured on the development set); adding one is a rule change, to be measured with
bench/extract.py and bench/extract_devset.py.
"""

from __future__ import annotations

from loaders import vocabulary

# Traditional -> simplified for the characters these words use (one character each, offsets kept).
TRADITIONAL = str.maketrans(
    "萬億餘約較環額長減佔計達過與擊獲簽產團夥竊騙詐網絡電話號碼張條個據導屬劃歲萬驗證據凍結資範報處數發億增類場戶",
    "万亿余约较环额长减占计达过与击获签产团伙窃骗诈网络电话号码张条个据导属划岁万验证据冻结资范报处数发亿增类场户",
)

# ---------------------------------------------------------------- shared words, as read in prose

# Qualifier words right before a number (meanings: vocabulary.PREFIX_QUALIFIERS).
PROSE_PREFIX_WORDS = (
    "约", "大约", "近", "将近", "接近",
    "超", "超过", "逾", "过", "突破", "至少", "不少于",
    "不足", "不到", "少于", "低于", "不超过",
)  # fmt: skip
# Words before a number that belong in its evidence but leave it exact (达1541起, 高达, 共): not qualifiers.
EVIDENCE_LEAD_WORDS = ("达", "高达", "共")
PREFIX_QUALIFIERS = {
    **{w: vocabulary.PREFIX_QUALIFIERS[w] for w in PROSE_PREFIX_WORDS},
    **{w: "exact" for w in EVIDENCE_LEAD_WORDS},
}
INNER_QUALIFIERS = vocabulary.INNER_QUALIFIERS  # 1.3万余, 100余张, 4万多户
# Words right after the number and its unit (meanings: vocabulary.SUFFIX_QUALIFIERS).
PROSE_SUFFIX_WORDS = ("以上", "左右", "以下")
SUFFIX_QUALIFIERS = {w: vocabulary.SUFFIX_QUALIFIERS[w] for w in PROSE_SUFFIX_WORDS}
# after a number of tenths (五成以上, 近三成左右, 三成多)
TENTHS_SUFFIX_QUALIFIERS = {w: vocabulary.SUFFIX_QUALIFIERS[w] for w in ("以上", "左右", "多")}
# Scales after a number (factors: vocabulary.SCALES); 十 and 百 are left out (3百分点, 十余).
PROSE_SCALE_WORDS = ("万亿", "千万", "百万", "十万", "亿", "万", "千")
SCALES = {w: vocabulary.SCALES[w] for w in PROSE_SCALE_WORDS}

# Unit words after a number, longest first when matched. id "" = the metric's own unit. The checker's
# header words (vocabulary.UNIT_WORDS) first, then the words only prose uses and the two ids prose reads
# differently: 百分点 / 个百分点 after a change are percentage points, not the percent a table header means.
UNIT_WORDS = {
    **{word: unit_id for word, (unit_id, _kind) in vocabulary.UNIT_WORDS.items()},
    "元": "yuan",
    "万元": "yuan",
    "亿元": "yuan",
    "本": "licenses",
    "场次": "events",
    "批次": "batches",
    "批": "batches",
    "户次": "households",
    "人次": "persons",
    "笔": "transactions",
    "辆": "vehicles",
    "台": "devices",
    "所": "schools",
    "篇": "posts",
    "期": "events",
    "单": "cases",
    "宗": "cases",
    "小时": "hours",
    "周": "weeks",
    "年": "years",
    "个月": "months",
    "个百分点": "percentage_points",
    "百分点": "percentage_points",
    "倍": "fold",
    "%": "percent",
    "‰": "permille",
    "成": "percent",  # tenths (近三成): matched by the tenths pattern only, value ×10
}

# ---------------------------------------------------------------- words only prose needs

DURATION_WORDS = ("年", "个月", "周")  # a count of these is a rule or a date, not a statistic
DATE_AFTER = ("年", "月", "日", "号", "时", "点")  # 10月10日, 2020年, 11时
DECREASE_WORDS = ("下降", "减少", "降低", "下滑", "回落", "减", "降")
INCREASE_WORDS = ("上升", "增长", "增加", "提高", "提升", "上涨", "增", "涨")
LEVEL_AFTER_DIRECTION = ("至", "到", "为")  # 下降至10张 is a level, not a change
BASIS_WORDS = (  # nearest before the number wins
    ("同比", "yoy"),
    ("较去年同期", "yoy"),
    ("较上年同期", "yoy"),
    ("比去年同期", "yoy"),
    ("较去年", "yoy"),
    ("比去年", "yoy"),
    ("较上年", "yoy"),
    ("比上年", "yoy"),
    ("环比", "mom"),
    ("较上月", "mom"),
    ("比上月", "mom"),
    ("较上季度", "mom"),
    ("较上周", "mom"),
    ("比上周", "mom"),
    ("较上一周", "mom"),
    ("比上一周", "mom"),
    ("较前一周", "mom"),
    ("比前一周", "mom"),
    ("与前一周", "mom"),
    ("与上周", "mom"),
    ("上一周", "mom"),
    ("前一周", "mom"),
    ("较行动前", "mom"),
    ("行动前", "mom"),
    ("去年同期", "yoy"),
    ("上年同期", "yoy"),
    ("上月", "mom"),
)
SHARE_WORDS = ("占比", "比重", "占全", "所占比例", "占", "比例")
RULE_WORDS = ("仅允许", "只允许", "仅可", "只可", "只保留", "仅保留", "最多办理", "不得", "每人", "每家")
PHONE_WORDS = ("拨打", "致电", "电话", "热线", "专线")
STORY_WORDS = ("女士", "先生", "某", "事主", "受害人", "被害人", "受害者", "大爷", "阿姨", "老人", "一名", "一位")
COMPARED_WORDS = ("上月", "去年同期", "上年同期", "去年", "上年", "同期", "行动前", "上周", "上季度")
TOTAL_WORDS = ("共", "总", "全市", "全省", "全区", "全县", "累计", "合计")
ENUM_SEPARATORS = "、和及与,，"
PERIOD_PHRASES = (
    "今年以来",
    "行动以来",
    "专项行动以来",
    "年初以来",
    "去年以来",
    "本月以来",
    "近年来",
    "上半年",
    "下半年",
    "前三季度",
    "今年",
    "去年",
    "本月",
    "上月",
    "目前",
)
FLAT_WORDS = ("持平", "基本持平")
# both bases for one number (同比、环比均持平 / 环比和同比的降幅均在50%以上 / 同环比均下降): one row per basis
DUAL_BASIS_RE = r"(?:同比|同)[、和及与/]?(?:环比)|(?:环比|环)[、和及与/]?(?:同比)|同环比|环同比"
STREAK_WORDS = ("连续",)  # 连续13个月下降, 连续45天未发案: a streak is a statistic, not a legal term
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# 近三成 / 超3成 / 五成以上: tenths, read as percent; only after a qualifier, a direction or a share word
TENTHS_LEAD = (
    "由",
    "至",
    "到",
    "为",
    "近",
    "将近",
    "接近",
    "超",
    "超过",
    "逾",
    "约",
    "达",
    "过",
    "占",
    "均",
    "下降",
    "上升",
    "减少",
    "增长",
    "增加",
    "降低",
    "提高",
)
TENTHS_NOT_BEFORE = "员功立为效果本交年案都熟绩型品长色全人"  # 成员, 成功, 成立 … are words, not tenths
# a number with 以上/以下 qualifying a noun (30万元以上案件, 60岁以上老人) is a class boundary, not a statistic
THRESHOLD_OK_AFTER = "了，,。；;、：:！!？?）)\n \u3000"
KEEP_TEXT_UNITS = (
    "yuan",
    "percent",
    "percentage_points",
    "permille",
    "days",
    "hours",
    "weeks",
    "months",
    "years",
    "fold",
)
TIMES_SIGNS = "×xX*＊"  # 7×24小时: a schedule, not a statistic
DOUBLE_WORDS = {"翻两番": 300, "翻了两番": 300, "翻一番": 100, "翻了一番": 100, "翻番": 100}
METRIC_NOISE = (  # words stripped from the lead to leave the text's own metric words
    "全市",
    "全省",
    "全区",
    "全县",
    "今年以来",
    "行动以来",
    "公安机关",
    "累计",
    "共",
    "分别",
    "同比",
    "环比",
    "其中",
    "我们",
    "精准打击",
    "精密防范",
    "今年",
    "全年",
    "达到",
    "达",
    "约",
    "高达",
    "为",
)
