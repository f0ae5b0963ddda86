"""User strings made inert for Streamlit's Markdown (labels, captions, help texts).

A region named ":red[x]" or "<script>" from an upload must show as those characters. Pure Python:
this module never imports streamlit.
"""

from __future__ import annotations

import re

# Characters that start Markdown, HTML, Streamlit directives (:red[...], :material/x:) or LaTeX ($).
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#!|~:$&])")
# Only at the start of a line do these begin a list, a rule or a heading underline: "- x", "---", "1. x".
LIST_MARKER = re.compile(r"^(\s*)([-+=])(?=\s|$|[-+=])", re.MULTILINE)
ORDERED_LIST = re.compile(r"^(\s*\d+)([.)])(?=\s|$)", re.MULTILINE)
# GitHub's autolink literals (remark-gfm) turn bare "http://x.y", "www.x.y" and "a@x.y" into links.
# remark finds them in the text *after* escapes are resolved ("http\://" still links), so escaping
# cannot stop them: a WORD JOINER (U+2060, invisible, no line break) inside each trigger does.
# These are remark-gfm's own patterns' triggers: "https?://", "www" before ".", "@" before a domain.
WORD_JOINER = "\u2060"
AUTOLINK_TRIGGERS = re.compile(r"(https?)(?=:)|(www)(?=\.)|(@)(?=[-\w])", re.IGNORECASE | re.ASCII)


def escape_markdown(text: object) -> str:
    """Backslash-escape every Markdown-significant character; newlines become hard breaks; no bare URL links."""
    escaped = AUTOLINK_TRIGGERS.sub(lambda m: m.group(0) + WORD_JOINER, str(text))
    escaped = MARKDOWN_SPECIALS.sub(r"\\\1", escaped)
    escaped = LIST_MARKER.sub(r"\1\\\2", escaped)
    escaped = ORDERED_LIST.sub(r"\1\\\2", escaped)
    return escaped.replace("\n", "  \n")
