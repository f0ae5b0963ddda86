"""The messages one check collects, and the formula warnings it holds back until a cell claims them."""

from __future__ import annotations

from loaders.messages import Message
from loaders.upload.catalogue import TEXTS


class Collector:
    """Messages in the order found; rows with an error; the reader's formula warnings held back.

    A formula without a saved value is reported by the reader per cell; the checker takes it out
    (`formula_cells.pop`) where it reports that cell itself, and the rest is reported at the end.
    """

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.error_rows: set[int] = set()
        self.formula_cells: dict[tuple[int, str | None], Message] = {}

    def add(self, level: str, code: str, zh: str, en: str, row: int | None = None, column: str | None = None) -> None:
        self.messages.append(Message(level, code, zh, en, row, column))
        if level == "error" and row is not None:
            self.error_rows.add(row)

    def say(self, level: str, key: str, row: int | None = None, column: str | None = None, **fields) -> None:
        """Add the catalogue's message `key` (`loaders.upload.catalogue`), its fields filled."""
        zh, en = TEXTS[key]
        self.add(level, key.partition(":")[0], zh.format(**fields), en.format(**fields), row, column)
