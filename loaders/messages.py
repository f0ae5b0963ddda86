"""Validation messages in the user's language, and the errors that carry them."""

from __future__ import annotations

from dataclasses import asdict, dataclass

LEVELS = ("error", "warning", "info")


@dataclass(frozen=True)
class Message:
    """One problem found in a table, located as the person sees it in their spreadsheet.

    `row` is the 1-based row number as Excel shows it (None for the whole file);
    `column` is the header the person wrote, or an Excel column letter (None for a whole row).
    """

    level: str
    code: str
    message_zh: str
    message_en: str
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown message level {self.level!r}")

    def to_dict(self) -> dict:
        d = asdict(self)
        return {k: d[k] for k in ("level", "row", "column", "code", "message_zh", "message_en")}

    def text(self, lang: str = "zh") -> str:
        """A one-line rendering: location first, then the message."""
        msg = self.message_zh if lang == "zh" else self.message_en
        where = []
        if lang == "zh":
            if self.row is not None:
                where.append(f"第{self.row}行")
            if self.column is not None:
                where.append(f"“{self.column}”列")
            return ("，".join(where) + "：" + msg) if where else msg
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column “{self.column}”")
        return (", ".join(where) + ": " + msg) if where else msg


def error(code: str, zh: str, en: str, row: int | None = None, column: str | None = None) -> Message:
    return Message("error", code, zh, en, row, column)


def warning(code: str, zh: str, en: str, row: int | None = None, column: str | None = None) -> Message:
    return Message("warning", code, zh, en, row, column)


def info(code: str, zh: str, en: str, row: int | None = None, column: str | None = None) -> Message:
    return Message("info", code, zh, en, row, column)


class ReadError(Exception):
    """A file that cannot be read at all; carries the messages that say why."""

    def __init__(self, messages: list[Message] | Message):
        self.messages = [messages] if isinstance(messages, Message) else list(messages)
        super().__init__("; ".join(m.message_en for m in self.messages))


def excel_column(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class BilingualError(Exception):
    """An error whose message a person reads, in Chinese and English (base of StoreError, ExportError)."""

    def __init__(self, message_zh: str, message_en: str):
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(message_en)

    def text(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en
