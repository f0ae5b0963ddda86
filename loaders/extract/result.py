"""The extraction's result: proposed figure rows (`Figure`), messages in both languages, `Extraction`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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


def new_message(level: str, code: str, offset: int | None = None, **values) -> ExtractMessage:
    zh, en = MESSAGES[code]
    return ExtractMessage(level, code, zh.format(offset=offset, **values), en.format(offset=offset, **values), offset)


class ExtractError(Exception):
    """The input cannot be read as text; carries one message in both languages."""

    def __init__(self, message: ExtractMessage) -> None:
        super().__init__(message.message_en)
        self.message = message

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
