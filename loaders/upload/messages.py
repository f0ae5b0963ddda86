"""The messages one check collects, and the formula warnings it holds back until a cell claims them."""

from __future__ import annotations

from loaders.messages import Message, error, warning
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


def catalogued(level: str, key: str, row: int | None = None, column: str | None = None, code: str | None = None,
               **fields) -> Message:
    """The catalogue's message `key` as a `Message` (the readers', which raise or keep them, not collect them).

    `code` overrides the key's code where one message serves several (“and N more of the same”).
    """
    zh, en = TEXTS[key]
    make = error if level == "error" else warning
    return make(code or key.partition(":")[0], zh.format(**fields), en.format(**fields), row=row, column=column)
