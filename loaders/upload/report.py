"""The report of one check: status, messages (errors first, at most MAX_MESSAGES) and figures."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from loaders.messages import Message
from loaders.model import FIGURE_COLUMNS
from loaders.upload import limits

STATUSES = ("accepted", "accepted_with_warnings", "rejected")
REPORT_COLUMNS = [*FIGURE_COLUMNS, "metric_zh", "metric_en", "source_row", "derived", "formula"]
_RANK = {"error": 0, "warning": 1, "info": 2}


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


def status_of(messages: list[Message]) -> str:
    if any(m.level == "error" for m in messages):
        return "rejected"
    if any(m.level == "warning" for m in messages):
        return "accepted_with_warnings"
    return "accepted"


def sorted_messages(messages: list[Message]) -> list[Message]:
    """Errors, then warnings, then notes (each in the order found); past MAX_MESSAGES one line says how many more."""
    messages = sorted(messages, key=lambda m: _RANK[m.level])
    if len(messages) > limits.MAX_MESSAGES:
        hidden = len(messages) - limits.MAX_MESSAGES
        levels = {m.level for m in messages[limits.MAX_MESSAGES:]}
        level = "error" if "error" in levels else ("warning" if "warning" in levels else "info")
        messages = messages[:limits.MAX_MESSAGES] + [
            Message(level, "more_messages", f"另有{hidden}条问题未列出", f"{hidden} more problems not listed")
        ]
    return messages
