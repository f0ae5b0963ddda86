"""One cell of an uploaded grid: its text, blankness, whether it is a number, header folding.

The checker's passes look at cells only through these functions, so a cell means the same in
every pass.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from loaders.numbers import NumberParseError, parse_number

INVISIBLE_CHARS = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
INVISIBLE = dict.fromkeys(map(ord, "".join(INVISIBLE_CHARS)), None)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")
BRACKET = re.compile(r"[（(\[【]([^（）()\[\]【】]{0,16})[）)\]】]")
FORMULA = re.compile(r"^=\s*[A-Za-z_(]")


def header_key(text: object) -> str:
    """A header or label folded for comparison: full-width forms, spaces, quotes, case."""
    folded = unicodedata.normalize("NFKC", str(text)).translate(INVISIBLE).translate(QUOTES)
    return "".join(folded.split()).lower()


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def own_copy(text: str) -> str:
    """An equal string that is a new object (never the grid's cell itself)."""
    return (text + "\0")[:-1]


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    # Fast path: a visible first character after the spaces means text (the same answer as the slow path).
    stripped = value.strip()
    if not stripped:
        return True
    if stripped[0] not in INVISIBLE_CHARS:
        return False
    return not value.translate(INVISIBLE).strip()


def may_be_header_key(value: object, key: str, memo: dict[str, bool]) -> bool:
    """header_key(value) == key, answered without folding where the answer cannot be yes.

    An ASCII cell folds to ASCII, so it never equals a key with other characters; other text cells
    repeat (regions, periods, metrics) and are folded once each (up to a bound).
    """
    if isinstance(value, str):
        if value.isascii() and not key.isascii():
            return False
        found = memo.get(value)
        if found is None:
            found = header_key(value) == key
            if len(memo) < 100_000:
                memo[value] = found
        return found
    if isinstance(value, (int, float)) and not key.isascii():
        return False
    return header_key(value) == key


def is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, str):
        try:
            parse_number(value)
        except NumberParseError:
            return False
        return True
    return False


def code_of(value: object) -> str:
    """A region code cell as text (451000.0 read from XLSX is 451000)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text(value).strip()


def plain(number: Decimal) -> str:
    return f"{number.normalize():f}"
