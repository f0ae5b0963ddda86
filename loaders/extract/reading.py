"""Reading the text: bytes decoded (BOM, UTF-8, GB18030), HTML to its visible text, and normalised.

`normalise` maps one character to one (full-width -> ASCII, traditional -> simplified), so every offset
into the normalised text is an offset into the text as given.
"""

from __future__ import annotations

import html
import html.parser
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from loaders.extract.result import ExtractError, new_message
from loaders.extract.words import TRADITIONAL


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
            raise ExtractError(new_message("error", "undecodable", exc.start)) from None
    if b"\x00" in data[:4096]:
        raise ExtractError(new_message("error", "binary_file"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ExtractError(new_message("error", "undecodable", utf8_error.start)) from None


def read_document(data: bytes, filename: str = "text.txt") -> str:
    """The text of an uploaded .txt or .html file."""
    suffix = Path(filename).suffix.lower()
    if suffix not in ("", ".txt", ".text", ".html", ".htm"):
        raise ExtractError(new_message("error", "unsupported_type", suffix=suffix))
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
