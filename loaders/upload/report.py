"""The report of one check: status, messages (errors first, at most MAX_MESSAGES) and figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.messages import Message
from loaders.model import FIGURE_COLUMNS
from loaders.upload import limits

STATUSES = ("accepted", "accepted_with_warnings", "rejected")
REPORT_COLUMNS = [*FIGURE_COLUMNS, "metric_zh", "metric_en", "source_row", "derived", "formula"]
_RANK = {"error": 0, "warning": 1, "info": 2}
# Text columns with a value of their own on (almost) every row: Arrow-backed str columns. Every other
# text column repeats a few values over the rows (region, period, metric, unit …) and is a pandas
# categorical: codes + the distinct texts, so a million figures never hold a million Python strings
# per column. Values, comparisons, `.str`, `itertuples` and `tolist` read the same str either way.
UNIQUE_TEXT_COLUMNS = ("figure_id", "fact_id", "evidence")
CATEGORY_COLUMNS = tuple(c for c in REPORT_COLUMNS if c not in (*UNIQUE_TEXT_COLUMNS, "value", "source_row", "derived"))


def categorical(values: Sequence[str], codes: np.ndarray) -> pd.Categorical:
    """`values[codes]` (code -1: missing) as a categorical of the used values, sorted: the same
    categories and codes whichever list of values (with repeats or unused ones) it is made from."""
    values = list(values)
    codes = np.asarray(codes)
    if len(values) == 1 and len(codes) and codes.min() >= 0:  # one value on every row: no counting
        distinct, new_codes = values, np.zeros(len(codes), dtype=np.int8)
    else:
        used = np.bincount(codes + 1, minlength=len(values) + 1)[1:] > 0
        distinct = sorted({values[k] for k in np.flatnonzero(used).tolist()})
        position = {v: i for i, v in enumerate(distinct)}
        remap = np.array([position.get(v, -1) for v in values] + [-1], dtype=np.int32)  # [-1]: code -1 stays -1
        small = np.int8 if len(distinct) < 127 else np.int16 if len(distinct) < 32_767 else np.int32
        new_codes = remap.astype(small)[codes]
    # The codes are made here from `values`' own positions: pandas need not check them again.
    return pd.Categorical.from_codes(new_codes, dtype=pd.CategoricalDtype(pd.Index(distinct, dtype="str")), validate=False)


def encode_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each CATEGORY_COLUMNS column a categorical (see `categorical`), the rest as they are."""
    for name in CATEGORY_COLUMNS:
        if name in frame.columns and not isinstance(frame[name].dtype, pd.CategoricalDtype):
            codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
            frame[name] = pd.Series(categorical([str(v) for v in uniques], codes), index=frame.index, name=name)
    return frame


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
