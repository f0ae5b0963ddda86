"""Press-release intake: the statistics an announcement states, proposed as figure rows for review.

`extract_text(text)` reads prose (a transcript, a police bulletin) and proposes one row per stated
figure, with the columns of the curated figure tables that apply (value normalised, unit, qualifier,
measure, direction, basis, metric/region/period guesses) and the shortest verbatim evidence phrase
with its character offsets in `text`. Published claims are rechecked (a change against its two
compared values, shares against their counts and a stated total) and reported as messages.

Nothing here stores anything: a person reviews every proposed row (ui/extract.py) before it is saved
through the ordinary upload path.

Decisions (see docs/status.md "Press-release extraction"):
- Only numbers written with Arabic digits (half- or full-width), or a qualifier + scale standing for
  one (过亿, 近万), are read; Chinese-numeral words (一是, 五年内, 第一) are ordinals or legal terms
  in these texts and are left out.
- Not statistics, left out: dates and times, numbers without a unit word (phone numbers, case
  numbers, operation names such as 净网2020, list markers 1.), numbers after 第, durations of years
  or months and anything followed by 内 (legal terms: 5年内, 1-3个月), rule quantities (仅允许办理1张).
- Amounts in a single victim's story (王女士被骗5万元) are proposed, marked doubtful, because the
  analyst may want them as an example; they are never silently dropped.
- Traditional characters and full-width forms are read through a one-to-one character map, so every
  offset in the normalised text is an offset in the original text.
"""

from __future__ import annotations

import csv
import html
import html.parser
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from loaders.catalog import datasets_dir
from loaders.vocabulary import UNIT_WORDS as _TABLE_UNIT_WORDS

# ---------------------------------------------------------------- vocabulary
# TO MOVE into the shared vocabulary module (loaders/vocabulary.py) once it lands: every word list the
# extractor uses is here and only here.

# Traditional -> simplified for the characters these words use (one character each, offsets kept).
TRADITIONAL = str.maketrans(
    "萬億餘約較環額長減佔計達過與擊獲簽產團夥竊騙詐網絡電話號碼張條個據導屬劃歲萬驗證據凍結資範報處數發億增類場戶",
    "万亿余约较环额长减占计达过与击获签产团伙窃骗诈网络电话号码张条个据导属划岁万验证据冻结资范报处数发亿增类场户",
)
PREFIX_QUALIFIERS = {  # word right before the number
    "约": "about",
    "大约": "about",
    "近": "about",
    "将近": "about",
    "接近": "about",
    "超": "at_least",
    "超过": "at_least",
    "逾": "at_least",
    "过": "at_least",
    "突破": "at_least",
    "至少": "at_least",
    "不少于": "at_least",
    "达": "exact",
    "高达": "exact",
    "共": "exact",
    "不足": "less_than",
    "不到": "less_than",
    "少于": "less_than",
    "低于": "less_than",
    "不超过": "less_than",
}
INNER_QUALIFIERS = {"余": "at_least", "多": "at_least"}  # 1.3万余, 100余张, 4万多户
SUFFIX_QUALIFIERS = {"以上": "at_least", "左右": "about", "以下": "less_than"}
SCALES = {"万亿": 10**12, "千万": 10**7, "百万": 10**6, "十万": 10**5, "亿": 10**8, "万": 10**4, "千": 10**3}
# Unit words after a number, longest first when matched. id "" = the metric's own unit.
UNIT_WORDS = {
    **{word: unit_id for word, (unit_id, _kind) in _TABLE_UNIT_WORDS.items()},
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
    "成": "percent",  # tenths (近三成): matched by _TENTHS_RE only, value ×10
}
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

# ---------------------------------------------------------------- messages

MESSAGES = {
    "empty_text": ("文本为空：没有可提取的数字", "the text is empty: nothing to extract"),
    "undecodable": (
        "文件既不是 UTF-8 也不是 GB18030 编码的文本（第{offset}个字节处无法解码）",
        "the file is neither UTF-8 nor GB18030 text (cannot decode at byte {offset})",
    ),
    "binary_file": ("文件不是文本（含有二进制数据）", "the file is not text (it holds binary data)"),
    "unsupported_type": (
        "不支持的文件类型“{suffix}”：请提供 .txt 或 .html",
        "unsupported file type “{suffix}”: give a .txt or .html file",
    ),
    "no_figures": ("文本中没有找到统计数字", "no statistics were found in the text"),
    "change_mismatch": (
        "第{offset}字处：{current}与{previous}相比实际变化{computed}%，但文中写的是{direction_zh}{published}%",
        "at character {offset}: {current} against {previous} is a change of {computed}%, but the text says "
        "{direction_en} {published}%",
    ),
    "change_direction": (
        "第{offset}字处：{current}与{previous}相比是{actual_zh}，但文中写的是{direction_zh}",
        "at character {offset}: {current} against {previous} is {actual_en}, but the text says {direction_en}",
    ),
    "share_mismatch": (
        "第{offset}字处：{count}占总数{total}的{computed}%，但文中写的是{published}%",
        "at character {offset}: {count} of the total {total} is {computed}%, but the text says {published}%",
    ),
    "shares_inconsistent": (
        "第{offset}字处起：各项占比与其数量推算出的总数互相矛盾（{detail}）",
        "from character {offset}: the shares and their counts imply totals that contradict each other ({detail})",
    ),
    "shares_over_100": (
        "第{offset}字处起：各项占比合计{total}%，超过100%",
        "from character {offset}: the shares add up to {total}%, more than 100%",
    ),
    "parts_exceed_whole": (
        "第{offset}字处起：其中各项合计{parts}，超过总数{whole}",
        "from character {offset}: the parts add up to {parts}, more than the stated whole {whole}",
    ),
}


@dataclass(frozen=True)
class ExtractMessage:
    """A message about the text, located by a character offset (0-based) into it; None = the whole text."""

    level: str
    code: str
    message_zh: str
    message_en: str
    offset: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def text(self, lang: str = "zh") -> str:
        word = LEVEL_WORDS[self.level][0 if lang == "zh" else 1]
        return f"{word}：{self.message_zh}" if lang == "zh" else f"{word}: {self.message_en}"


def _message(level: str, code: str, offset: int | None = None, **values) -> ExtractMessage:
    zh, en = MESSAGES[code]
    return ExtractMessage(level, code, zh.format(offset=offset, **values), en.format(offset=offset, **values), offset)


class ExtractError(Exception):
    """The input cannot be read as text; carries one message in both languages."""

    def __init__(self, message: ExtractMessage) -> None:
        super().__init__(message.message_en)
        self.message = message


# ---------------------------------------------------------------- reading files


class _TextOfHtml(html.parser.HTMLParser):
    _SKIP = {"script", "style", "head", "noscript", "template"}
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._title: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skipping += 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP and self._skipping:
            self._skipping -= 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self._title.append(data)
        elif not self._skipping:
            self.parts.append(data)

    def text(self) -> str:
        title = "".join(self._title).strip()
        body = re.sub(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+", "\n\n", "".join(self.parts)).strip()
        return (title + "\n\n" + body) if title else body


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page (title first), paragraphs on their own lines."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return html.unescape(parser.text())


def decode_text(data: bytes) -> str:
    """BOM first, then strict UTF-8, then GB18030; anything else is an ExtractError naming the byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ExtractError(_message("error", "undecodable", exc.start)) from None
    if b"\x00" in data[:4096]:
        raise ExtractError(_message("error", "binary_file"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ExtractError(_message("error", "undecodable", utf8_error.start)) from None


def read_document(data: bytes, filename: str = "text.txt") -> str:
    """The text of an uploaded .txt or .html file."""
    suffix = Path(filename).suffix.lower()
    if suffix not in ("", ".txt", ".text", ".html", ".htm"):
        raise ExtractError(_message("error", "unsupported_type", suffix=suffix))
    text = decode_text(data)
    if suffix in (".html", ".htm") or (suffix == "" and re.match(r"\s*<(?:!doctype|html)", text, re.I)):
        text = html_to_text(text)
    return text


# ---------------------------------------------------------------- normalising


def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


@lru_cache(maxsize=4096)
def _fold_cached(ch: str) -> str:
    return _fold_char(ch).translate(TRADITIONAL)


def normalise(text: str) -> str:
    """Full-width -> ASCII, traditional -> simplified, one character for one (offsets are kept)."""
    if text.isascii():
        return text
    out = "".join(_fold_cached(ch) for ch in text)
    assert len(out) == len(text)
    return out


# ---------------------------------------------------------------- the number grammar


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNIT_ALT = _alternation([w for w in UNIT_WORDS if w not in ("万元", "亿元", "成")])
_SCALE_ALT = _alternation(SCALES)
_NUMBER_RE = re.compile(
    rf"(?<![\d.])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"(?:\s*[-~—–至到]\s*(?P<num2>\d+(?:\.\d+)?))?"
    rf"(?P<inner>[余多])?(?P<scale>{_SCALE_ALT})?(?P<inner2>[余多])?\s?"
    rf"(?P<unit>{_UNIT_ALT})?(?P<suffix>{_alternation(SUFFIX_QUALIFIERS)})?"
)
# 近三成, 超3成, 五成以上 (tenths) and 连续两个月 (a streak in Chinese numerals).
_TENTHS_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九])成(?P<suffix>以上|左右|多)?")
_STREAK_RE = re.compile(r"连续(?P<num>[一二两三四五六七八九十]{1,2})(?P<unit>个月|天|周|年)")
# 过亿条, 近万人, 破亿: a qualifier and a scale standing for the number.
_WORDLESS_RE = re.compile(rf"(?P<qual>过|超|近|逾|突破|破)(?P<scale>亿|万|千万|百万)(?P<unit>{_UNIT_ALT})")
_PREFIX_RE = re.compile(rf"(?:{_alternation(PREFIX_QUALIFIERS)})\s?$")
_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?：:\n（）()【】]|(?<!\d)\.(?!\d)")
_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]|(?<!\d)\.(?!\d)")
_DATE_RE = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月](?:\d{1,2}[日号]?)?|\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}月\d{1,2}[日号]")


@dataclass
class Figure:
    """One proposed figure row (the columns of the curated figure tables that apply, plus review hints)."""

    measure: str
    value: int | float
    unit: str
    unit_text: str
    qualifier: str
    direction: str = ""
    basis: str = ""
    metric_id: str = ""
    metric_zh: str = ""
    metric_new: bool = False
    region_code: str = ""
    region_zh: str = ""
    period_start: str = ""
    period_end: str = ""
    period_text: str = ""
    evidence: str = ""
    start: int = 0  # evidence start (character offset into the text)
    end: int = 0  # evidence end (exclusive)
    number_start: int = 0
    number_end: int = 0
    doubtful: bool = False
    doubt: str = ""
    note: str = ""
    figure_id: str = ""
    _subject: str = field(default="", repr=False)
    _decimals: int = field(default=0, repr=False)

    def to_dict(self) -> dict:
        d = asdict(self)
        return {k: d[k] for k in COLUMNS}


COLUMNS = ["figure_id"] + [k for k in Figure.__dataclass_fields__ if not k.startswith("_") and k != "figure_id"]
LEVEL_WORDS = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "note")}


@dataclass
class Extraction:
    figures: list[Figure]
    messages: list[ExtractMessage]

    def to_dict(self) -> dict:
        return {"figures": [f.to_dict() for f in self.figures], "messages": [m.to_dict() for m in self.messages]}


def _decimal_value(number: str, scale: int) -> tuple[int | float, int]:
    d = Decimal(number.replace(",", "")) * scale
    decimals = max(0, -Decimal(number.replace(",", "")).as_tuple().exponent) if scale == 1 else 0
    return (int(d) if d == d.to_integral_value() else float(d)), decimals


def _clause_start(norm: str, pos: int, floor: int = 0) -> int:
    """Offset after the last clause break before pos (never before floor)."""
    lo = max(floor, pos - 60)
    last = lo if lo > floor else floor
    for m in _CLAUSE_BREAK.finditer(norm, lo, pos):
        last = m.end()
    return last


def _sentence_start(norm: str, pos: int) -> int:
    lo = max(0, pos - 300)
    last = lo
    for m in _SENTENCE_BREAK.finditer(norm, lo, pos):
        last = m.end()
    return last


def _sentence_end(norm: str, pos: int) -> int:
    m = _SENTENCE_BREAK.search(norm, pos)
    return m.start() if m else len(norm)


def _last_word(text: str, words) -> tuple[int, str]:
    """(position, word) of the word of `words` occurring last in text; (-1, "") if none."""
    best = (-1, "")
    for w in words:
        i = text.rfind(w)
        if i > best[0] or (i == best[0] and i >= 0 and len(w) > len(best[1])):
            best = (i, w)
    return best


# ---------------------------------------------------------------- catalog guesses


@dataclass(frozen=True)
class _MetricIndex:
    words: tuple[tuple[str, str, str], ...]  # (word, metric_id, unit), longest first
    labels: dict[str, str]


@lru_cache(maxsize=2)
def _metric_index(folder: str) -> _MetricIndex:
    words: list[tuple[str, str, str]] = []
    labels: dict[str, str] = {}
    with open(Path(folder) / "metrics.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            labels[row["metric_id"]] = row["label_zh"]
            for w in [row["label_zh"], *(row.get("synonyms") or "").split("|")]:
                w = normalise(w.strip()).replace("“", "").replace("”", "")
                if len(w) >= 2:
                    words.append((w, row["metric_id"], row["unit"]))
    words.sort(key=lambda x: -len(x[0]))
    return _MetricIndex(tuple(words), labels)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def guess_metric(subject: str, unit: str, measure: str, tail: str = "") -> tuple[str, str, bool]:
    """(metric_id, label_zh, is_new) for the words before a number (and the noun right after it: 1134个涉案账户)."""
    index = _metric_index(str(datasets_dir()))
    plain = (subject + "|" + tail).replace("“", "").replace("”", "").replace('"', "")
    best: tuple[float, str, str] | None = None
    grams = _bigrams(plain)
    for word, metric_id, metric_unit in index.words:
        if measure == "share" and metric_unit != "percent":
            continue
        if measure == "level" and (metric_unit == "percent") != (unit == "percent"):
            continue
        if word not in plain and len(word) >= 4:
            wg = _bigrams(word)
            overlap = len(wg & grams) / len(wg)
            if overlap >= 0.6:  # 黑灰产业团伙 ~ 黑灰产团伙
                score = overlap * len(word) + (2 if unit and unit == metric_unit else 0)
                if best is None or score > best[0]:
                    best = (score, metric_id, index.labels[metric_id])
            continue
        if word in plain:
            if measure == "share" and metric_unit != "percent":
                continue
            if measure == "level" and (metric_unit == "percent") != (unit == "percent"):
                continue
            score = len(word) * 2 + (2 if unit and unit == metric_unit else 0) + plain.rfind(word) / 100
            if best is None or score > best[0]:
                best = (score, metric_id, index.labels[metric_id])
    if best:
        return best[1], best[2], False
    own = subject.replace("“", "").replace("”", "")
    for w in METRIC_NOISE:
        own = own.replace(w, "")
    own = re.sub(r"^(?:[一二三四五六七八九十]是|其中|如|对|向)", "", own.strip(" 、的了是有和及与"))
    if len(own) < 4 and tail:
        own = (own + tail).strip(" 、的")
    return "", own[-20:], True


@lru_cache(maxsize=2)
def _division_names(folder: str) -> tuple[tuple[str, str, str, str], ...]:
    out = []
    with open(Path(folder) / "divisions.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for name in {row["name_zh"], row["short_zh"], *filter(None, (row.get("aliases") or "").split("|"))}:
                if len(name) >= 2:
                    out.append((name, row["region_code"], row["name_zh"], row["level"]))
    return tuple(out)


def guess_region(norm: str) -> tuple[str, str]:
    """(region_code, name) of the division the text names most often (the more specific on a tie)."""
    counts: dict[str, list] = {}
    for name, code, full, level in _division_names(str(datasets_dir())):
        n = norm.count(name)
        if n:
            entry = counts.setdefault(code, [0, full, level])
            entry[0] = max(entry[0], n)
    if not counts:
        return "", ""
    code, (_, full, _) = max(counts.items(), key=lambda kv: (kv[1][0], kv[1][2] == "prefecture"))
    return code, full


def guess_date(norm: str) -> date | None:
    """The first full date of the text (its publication or meeting date)."""
    for m in re.finditer(r"(20\d{2}|19\d{2})\s?[-/.年]\s?(\d{1,2})\s?[-/.月]\s?(\d{1,2})", norm[:3000]):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def _period_for(norm: str, pos: int, doc_date: date | None, change: bool = False) -> tuple[str, str, str]:
    """(start, end, text) of the period the text gives nearest before pos, in its paragraph."""
    para = norm.rfind("\n", 0, pos) + 1
    lead = norm[para:pos]
    found: tuple[int, str] = (-1, "")
    for phrase in PERIOD_PHRASES:
        i = lead.rfind(phrase)
        while change and i > 0 and lead[max(0, i - 2) : i].endswith(("比", "较")):  # 环比上月 names the compared period
            i = lead.rfind(phrase, 0, i)
        if i > found[0]:
            found = (i, phrase)
    matches = list(
        re.finditer(r"(?:截至|截止)(?:(\d{4})年)?(\d{1,2})月(?:底|末)?|(\d{1,2})\s?[-至到]\s?(\d{1,2})月", lead)
    )
    m = matches[-1] if matches else None
    if m and m.start() >= found[0]:
        year = int(m.group(1)) if m.group(1) else (doc_date.year if doc_date else None)
        if year is None:
            return "", "", m.group(0)
        first, last = (1, int(m.group(2))) if m.group(2) else (int(m.group(3)), int(m.group(4)))
        if not (1 <= first <= last <= 12):
            return "", "", m.group(0)
        from loaders.periods import month_period

        p = month_period(year, first, last)
        return p.start.isoformat(), p.end.isoformat(), m.group(0)
    text = found[1]
    if not doc_date:
        return "", "", text
    end = doc_date.isoformat()
    if text in ("本月", "上月"):
        from loaders.periods import month_period

        year, month = doc_date.year, doc_date.month
        if text == "上月":
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        p = month_period(year, month)
        return p.start.isoformat(), min(p.end, doc_date).isoformat(), text
    if text in ("今年以来", "今年", "年初以来"):
        return f"{doc_date.year}-01-01", end, text
    if text == "去年":
        return f"{doc_date.year - 1}-01-01", f"{doc_date.year - 1}-12-31", text
    return "", end if text else "", text


# ---------------------------------------------------------------- extraction


@dataclass
class _Hit:
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


def _read_hits(norm: str) -> list[_Hit]:
    hits: list[_Hit] = []
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
        value, decimals = _decimal_value(number, scale)
        qualifier = "exact"
        if m.group("inner") or m.group("inner2"):
            qualifier = "at_least"
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
        hits.append(_Hit(start, end, a, b, value, decimals, unit, qualifier, is_percent, "", doubt))
    for m in _WORDLESS_RE.finditer(norm):
        q = m.group("qual")
        qualifier = "about" if q == "近" else "at_least"
        hits.append(
            _Hit(
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
        value, decimals = _decimal_value(digits, 10)
        qualifier = "exact"
        if m.group("suffix"):
            qualifier = {"以上": "at_least", "多": "at_least", "左右": "about"}[m.group("suffix")]
        start = a
        pm = _PREFIX_RE.search(norm, max(0, a - 4), a)
        if pm:
            if PREFIX_QUALIFIERS[pm.group(0).strip()] != "exact" and qualifier == "exact":
                qualifier = PREFIX_QUALIFIERS[pm.group(0).strip()]
            start = pm.start()
        hits.append(_Hit(start, m.end(), a, b, value, 0, "成", qualifier, True))
    for m in _STREAK_RE.finditer(norm):
        words = m.group("num")
        if len(words) == 2 and not words.startswith("十"):
            continue  # 二十 … : left to the analyst
        value = CHINESE_DIGITS[words[0]] if len(words) == 1 else 10 + CHINESE_DIGITS.get(words[1], 0)
        a, b = m.span("num")
        hits.append(_Hit(a, m.end(), a, b, value, 0, m.group("unit"), "exact", False))
    hits.sort(key=lambda h: h.num_start)
    return hits


def _runs(norm: str, hits: list[_Hit]) -> list[list[_Hit]]:
    """Numbers listed together (15.9%、20.5%、26.9% / 44.5%和47.2%): one run shares one lead."""
    runs: list[list[_Hit]] = []
    for h in hits:
        if runs:
            prev = runs[-1][-1]
            gap = norm[prev.end : h.start].strip()
            if prev.is_percent == h.is_percent and (gap in tuple(ENUM_SEPARATORS) + ("以及",)) and h.is_percent:
                runs[-1].append(h)
                continue
        runs.append([h])
    return runs


def _subjects(lead: str, n: int) -> list[str] | None:
    """The n subjects of a 分别 phrase (立案数和损失数分别…), or None when they cannot be counted."""
    i = lead.rfind("分别")
    if i < 0:
        return None
    head = lead[:i]
    for w in ("同比", "环比", "较去年同期", "较行动前", "其中"):
        head = head.replace(w, "")
    head = re.sub(r"等\S{0,4}$", "", head.strip())
    parts = [p.strip() for p in re.split(r"[、和及与]", head) if p.strip()]
    return parts if len(parts) == n else None


def extract_text(text: str) -> Extraction:
    """Every statistic the text states, proposed as figure rows, and the recheck messages."""
    if not text or not text.strip():
        return Extraction([], [_message("error", "empty_text")])
    norm = normalise(text)
    region_code, region_zh = guess_region(norm)
    doc_date = guess_date(norm)
    hits = _read_hits(norm)
    figures: list[Figure] = []
    for run in _runs(norm, hits):
        first = run[0]
        clause = _clause_start(norm, first.start)
        sentence = _sentence_start(norm, first.start)
        lead = norm[clause : first.start]
        # measure and direction from the words right before the first number of the run
        dpos, dword = _last_word(lead, DECREASE_WORDS + INCREASE_WORDS)
        spos, sword = _last_word(lead, SHARE_WORDS)
        measure, direction = "level", ""
        if dpos >= 0 and dpos > spos:
            tail = lead[dpos + len(dword) :]
            if not tail.lstrip("了 ").startswith(LEVEL_AFTER_DIRECTION) and len(tail) <= 6:
                measure = "change"
                direction = "decrease" if dword in DECREASE_WORDS else "increase"
        if measure == "level" and spos >= 0 and first.is_percent:
            measure = "share"
        if measure == "level" and first.is_percent and "率" in lead:
            measure = "level"  # a rate (破案率为85%) is a level in percent
        basis = ""
        if measure == "change":
            bpos, bword = _last_word(norm[sentence : first.start], [w for w, _ in BASIS_WORDS])
            basis = dict(BASIS_WORDS)[bword] if bpos >= 0 else ""
        subjects = _subjects(lead, len(run)) if len(run) > 1 else None
        for k, h in enumerate(run):
            own_clause = _clause_start(norm, h.start) if k == 0 else clause
            ev_start = own_clause
            # a listed number's evidence runs from the phrase start through this number
            ev_end = h.end
            if ev_end - ev_start > 40:
                ev_start = ev_end - 40
            if k == 0 and len(run) == 1:
                # a list item: its own words after the last 、 (手机卡4451张)
                j = max(norm.rfind("、", ev_start, h.start), -1)
                if j >= 0 and measure == "level":
                    ev_start = j + 1
            subject = subjects[k] if subjects else norm[own_clause : h.start]
            if measure == "level" and len(run) == 1:
                j = norm.rfind("、", own_clause, h.start)
                if j >= 0:
                    subject = norm[j + 1 : h.start]
            unit_id = UNIT_WORDS.get(h.unit_text, "")
            tail = re.split(r"[，,；;。、和及与\n（(]", norm[h.end : h.end + 12], maxsplit=1)[0]
            metric_id, metric_zh, new = guess_metric(subject, unit_id, measure, tail)
            if not new and measure == "level" and unit_id not in ("percent",):
                metric_unit = _metric_unit(metric_id)
                if metric_unit and (
                    unit_id in ("", "numbers")
                    or (unit_id not in KEEP_TEXT_UNITS and metric_unit not in KEEP_TEXT_UNITS)
                ):
                    unit_id = metric_unit
            pstart, pend, ptext = _period_for(norm, h.start, doc_date, measure == "change")
            doubt = h.doubt
            sent = norm[sentence : _sentence_end(norm, h.end)]
            if unit_id == "yuan" and any(w in sent for w in STORY_WORDS):
                doubt = doubt or "individual_case"
            if new and not doubt:
                doubt = "new_metric"
            figures.append(
                Figure(
                    measure=measure,
                    value=h.value,
                    unit=unit_id,
                    unit_text=h.unit_text,
                    qualifier=h.qualifier,
                    direction=direction,
                    basis=basis,
                    metric_id=metric_id,
                    metric_zh=metric_zh,
                    metric_new=new,
                    region_code=region_code,
                    region_zh=region_zh,
                    period_start=pstart,
                    period_end=pend,
                    period_text=ptext,
                    evidence=text[ev_start:ev_end],
                    start=ev_start,
                    end=ev_end,
                    number_start=h.num_start,
                    number_end=h.num_end,
                    doubtful=doubt in ("individual_case", "range"),
                    doubt=doubt,
                    _subject=subject,
                    _decimals=h.decimals,
                )
            )
    _borrow_metrics(norm, figures)
    figures.extend(_word_changes(text, norm, region_code, region_zh, doc_date))
    figures.extend(_dual_basis(norm, figures))
    figures.sort(key=lambda f: f.number_start)
    for i, f in enumerate(figures, 1):
        f.figure_id = f"ex-{i:03d}"
    messages = recheck(norm, figures)
    if not figures:
        messages.append(_message("info", "no_figures"))
    return Extraction(figures, messages)


def _borrow_metrics(norm: str, figures: list[Figure]) -> None:
    """A figure whose own words name no metric (上升30%, 上月25起) takes the one stated before it in its sentence."""
    empty = re.compile(
        "|".join(
            map(
                re.escape,
                (*COMPARED_WORDS, *DECREASE_WORDS, *INCREASE_WORDS, *(w for w, _ in BASIS_WORDS), "本月", "了", "为"),
            )
        )
    )
    for i, f in enumerate(figures):
        if not f.metric_new or empty.sub("", f.metric_zh).strip(" ，,、"):
            continue
        sentence = _sentence_start(norm, f.number_start)
        for g in reversed(figures[:i]):
            if g.number_start < sentence:
                break
            if g.measure == "level" and (not g.metric_new or empty.sub("", g.metric_zh).strip()):
                f.metric_id, f.metric_zh, f.metric_new = g.metric_id, g.metric_zh, g.metric_new
                f.doubt = "" if f.doubt == "new_metric" and not g.metric_new else f.doubt
                break


def _dual_basis(norm: str, figures: list[Figure]) -> list[Figure]:
    """A change stated for both bases (同比、环比均持平; 环比和同比的降幅均在50%以上): the period-over-period
    row is kept and a year-over-year twin is added."""
    out = []
    basis_words = [w for w, _ in BASIS_WORDS]
    for f in figures:
        if f.measure != "change":
            continue
        lead = norm[_sentence_start(norm, f.number_start) : f.number_start]
        dual = list(re.finditer(DUAL_BASIS_RE, lead))
        if not dual:
            continue
        bpos, bword = _last_word(lead, basis_words)
        if dual[-1].end() < bpos + len(bword):
            continue  # a single basis word stands nearer to the number
        f.basis = "mom"
        twin = Figure(**{k: getattr(f, k) for k in Figure.__dataclass_fields__})
        twin.basis = "yoy"
        out.append(twin)
    return out


def _metric_unit(metric_id: str) -> str:
    for _word, mid, unit in _metric_index(str(datasets_dir())).words:
        if mid == metric_id:
            return unit
    return ""


def _word_changes(text: str, norm: str, region_code: str, region_zh: str, doc_date: date | None) -> list[Figure]:
    """持平 (no change) and 翻番 (doubled): changes stated in words."""
    out = []
    for words, value in [(FLAT_WORDS, 0), *[((w,), v) for w, v in DOUBLE_WORDS.items()]]:
        for m in re.finditer(_alternation(words), norm):
            if value and any(m.start() >= f.start and m.end() <= f.end for f in out):
                continue
            clause = _clause_start(norm, m.start())
            sentence = _sentence_start(norm, m.start())
            bpos, bword = _last_word(norm[sentence : m.start()], [w for w, _ in BASIS_WORDS])
            subject = norm[clause : m.start()]
            metric_id, metric_zh, new = guess_metric(subject, "percent", "change")
            pstart, pend, ptext = _period_for(norm, m.start(), doc_date)
            out.append(
                Figure(
                    measure="change",
                    value=value,
                    unit="percent",
                    unit_text=m.group(0),
                    qualifier="exact",
                    direction="increase" if value else "",
                    basis=dict(BASIS_WORDS)[bword] if bpos >= 0 else "",
                    metric_id=metric_id,
                    metric_zh=metric_zh,
                    metric_new=new,
                    region_code=region_code,
                    region_zh=region_zh,
                    period_start=pstart,
                    period_end=pend,
                    period_text=ptext,
                    evidence=text[clause : m.end()],
                    start=clause,
                    end=m.end(),
                    number_start=m.start(),
                    number_end=m.end(),
                    doubtful=True,
                    doubt="change_in_words",
                    note="持平 = no change (0%)" if not value else f"{m.group(0)} = +{value}%",
                )
            )
    # a 翻一番 inside a 翻番 search would be found twice; keep the longest per position
    seen: dict[int, Figure] = {}
    for f in out:
        if f.number_start not in seen or len(f.unit_text) > len(seen[f.number_start].unit_text):
            seen[f.number_start] = f
    return [
        f
        for f in seen.values()
        if not any(g is not f and g.number_start <= f.number_start < g.number_end for g in seen.values())
    ]


# ---------------------------------------------------------------- published claims rechecked


def _fmt(v: float | int) -> str:
    return f"{v:,}".replace(",", "") if isinstance(v, int) else f"{v:g}"


def _recomputes(computed: float, published: float, decimals: int) -> bool:
    """Whether `published` is `computed` at the published rounding (half a unit of the last digit)."""
    return abs(computed - published) <= 0.5 * 10 ** (-decimals) + 1e-9


def recheck(norm: str, figures: list[Figure]) -> list[ExtractMessage]:
    """Changes against their compared values, shares against counts and a stated total."""
    messages: list[ExtractMessage] = []
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        by_sentence.setdefault(_sentence_start(norm, f.number_start), []).append(f)
    for sent_start, group in by_sentence.items():
        levels = [f for f in group if f.measure == "level" and f.unit != "percent" and f.qualifier == "exact"]
        changes = [f for f in group if f.measure == "change" and f.unit == "percent" and f.unit_text == "%"]
        # a change with both compared values in its sentence: 本月31起，环比上月25起，上升24%
        if len(levels) == 2 and len(changes) == 1 and levels[0].unit_text == levels[1].unit_text:
            a, b = levels
            a_lead = norm[_clause_start(norm, a.start, sent_start) : a.number_start]
            b_lead = norm[_clause_start(norm, b.start, sent_start) : b.number_start]
            if any(w in a_lead for w in COMPARED_WORDS) and not any(w in b_lead for w in COMPARED_WORDS):
                a, b = b, a
            c = changes[0]
            if b.value:
                computed = (a.value - b.value) / b.value * 100
                actual = "increase" if computed > 0 else "decrease" if computed < 0 else ""
                names = {"increase": ("上升", "an increase"), "decrease": ("下降", "a decrease"), "": ("持平", "flat")}
                cur, prev = f"{_fmt(a.value)}{a.unit_text}", f"{_fmt(b.value)}{b.unit_text}"
                if actual and c.direction and actual != c.direction:
                    messages.append(
                        _message(
                            "warning",
                            "change_direction",
                            c.number_start,
                            current=cur,
                            previous=prev,
                            actual_zh=names[actual][0],
                            actual_en=names[actual][1],
                            direction_zh=names[c.direction][0],
                            direction_en=names[c.direction][1],
                        )
                    )
                elif not _recomputes(abs(computed), float(c.value), c._decimals):
                    shown = round(abs(computed), max(c._decimals, 1) + 1)
                    messages.append(
                        _message(
                            "warning",
                            "change_mismatch",
                            c.number_start,
                            current=cur,
                            previous=prev,
                            computed=f"{shown:g}",
                            published=_fmt(c.value),
                            direction_zh=names[c.direction][0],
                            direction_en=names[c.direction][1].replace("an ", "").replace("a ", ""),
                        )
                    )
    messages.extend(_recheck_shares(norm, figures))
    return messages


def _recheck_shares(norm: str, figures: list[Figure]) -> list[ExtractMessage]:
    messages: list[ExtractMessage] = []
    pairs: list[tuple[Figure, Figure]] = []  # (count, share) stated together: 发案303起，占比19.7%
    for prev, f in zip(figures, figures[1:], strict=False):
        if f.measure == "share" and prev.measure == "level" and prev.unit != "percent" and prev.qualifier == "exact":
            if f.number_start - prev.number_end <= 12 and _sentence_start(norm, f.number_start) == _sentence_start(
                norm, prev.number_start
            ):
                pairs.append((prev, f))
    # a stated total before the pairs (全市共发案1541起): each share against count / total
    for count, share in pairs:
        total = None
        for f in figures:
            if f.number_start >= count.number_start - 800 and f.number_start < count.number_start:
                lead = norm[_clause_start(norm, f.start) : f.number_start]
                if (
                    f.measure == "level"
                    and f.unit_text == count.unit_text
                    and f.qualifier == "exact"
                    and f.value > count.value
                    and any(w in lead for w in TOTAL_WORDS)
                ):
                    total = f
        if total is not None and share.qualifier == "exact":
            computed = count.value / total.value * 100
            if not _recomputes(computed, float(share.value), share._decimals):
                messages.append(
                    _message(
                        "warning",
                        "share_mismatch",
                        share.number_start,
                        count=f"{_fmt(count.value)}{count.unit_text}",
                        total=f"{_fmt(total.value)}{total.unit_text}",
                        computed=f"{computed:.2f}",
                        published=_fmt(share.value),
                    )
                )
    # without a stated total: the totals the pairs imply must overlap
    clusters: list[list[tuple[Figure, Figure]]] = []
    for p in pairs:
        if (
            clusters
            and p[0].number_start - clusters[-1][-1][1].number_end < 600
            and p[0].unit_text == clusters[-1][-1][0].unit_text
        ):
            clusters[-1].append(p)
        else:
            clusters.append([p])
    for cluster in clusters:
        if len(cluster) < 2:
            continue
        lo, hi = 0.0, float("inf")
        details = []
        for count, share in cluster:
            half = 0.5 * 10 ** (-share._decimals)
            s_hi, s_lo = (share.value + half) / 100, (share.value - half) / 100
            t_lo = count.value / s_hi
            t_hi = count.value / s_lo if s_lo > 0 else float("inf")
            lo, hi = max(lo, t_lo), min(hi, t_hi)
            details.append(f"{_fmt(count.value)}/{_fmt(share.value)}% ≈ {count.value / share.value * 100:.0f}")
        if lo > hi + 1e-9:
            messages.append(
                _message("warning", "shares_inconsistent", cluster[0][0].number_start, detail="; ".join(details))
            )
    # shares listed together (占比分别为…) cannot exceed 100%
    run: list[Figure] = []
    for f in figures + [None]:
        if f is not None and f.measure == "share" and run and f.number_start - run[-1].number_end <= 3:
            run.append(f)
            continue
        if len(run) > 1 and sum(float(x.value) for x in run) > 100 + 1e-9:
            total = sum(Decimal(str(x.value)) for x in run)
            messages.append(_message("warning", "shares_over_100", run[0].number_start, total=f"{total}"))
        run = [f] if f is not None and f.measure == "share" else []
    # parts against a stated whole: 共破获120起，其中电诈80起、盗窃50起
    for i, whole in enumerate(figures):
        if whole.measure != "level" or whole.qualifier != "exact" or whole.unit == "percent":
            continue
        sent_end = _sentence_end(norm, whole.number_end)
        k = norm.find("其中", whole.number_end, sent_end)
        if k < 0:
            continue
        parts = [
            f
            for f in figures[i + 1 :]
            if k < f.number_start < sent_end
            and f.measure == "level"
            and f.unit_text == whole.unit_text
            and f.qualifier in ("exact", "at_least")
        ]
        if len(parts) >= 1:
            total = sum(Decimal(str(p.value)) for p in parts)
            if total > Decimal(str(whole.value)):
                messages.append(
                    _message(
                        "warning",
                        "parts_exceed_whole",
                        whole.number_start,
                        parts=f"{total}{whole.unit_text}",
                        whole=f"{_fmt(whole.value)}{whole.unit_text}",
                    )
                )
    return messages


# ---------------------------------------------------------------- files


def extract_file(path: Path) -> Extraction:
    """Read and extract one file; an unreadable file gives an Extraction with one error message."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        msg = ExtractMessage(
            "error", "unreadable_file", f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}"
        )
        return Extraction([], [msg])
    try:
        text = read_document(data, Path(path).name)
    except ExtractError as exc:
        return Extraction([], [exc.message])
    return extract_text(text)
