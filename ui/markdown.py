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


def escape_markdown(text: object) -> str:
    """Backslash-escape every Markdown-significant character; newlines become hard breaks."""
    escaped = MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
    escaped = LIST_MARKER.sub(r"\1\\\2", escaped)
    escaped = ORDERED_LIST.sub(r"\1\\\2", escaped)
    return escaped.replace("\n", "  \n")
