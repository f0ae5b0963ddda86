"""Labels from outside (uploader names, file names, metric and region text, notes): safe to store and print.

`clean_label` is the one function every label passes at the boundary: before it is stored
(loaders.store) and before the command line prints it (loaders.__main__, loaders.importer). It drops
what a terminal or a text renderer would obey instead of showing: C0 and C1 control characters
(ESC starts terminal escape sequences such as `ESC ] 0 ; title BEL`), NUL, DEL, and the Unicode
bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE makes `exe.txt` read as `txt.exe`).
A run of line breaks and tabs becomes one space, so "a<TAB>b" stays two words; with
`keep_newlines=True` (multi-line text the CLI prints, such as a validation report) `\\n` is kept.
"""

from __future__ import annotations

import re

import pandas as pd

# Bidi controls: LRM, RLM, ALM, the embeddings/overrides U+202A-U+202E and the isolates U+2066-U+2069.
_BIDI = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
# Whitespace controls (and Unicode's line/paragraph separators) read as a space.
_SPACE_LIKE = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029]+")
_CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_CONTROLS_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}]")
# Any character clean_label changes, as a pattern both Python's re and pyarrow's RE2 read (pandas
# `Series.str.contains(CONTROL_PATTERN)` on an Arrow-backed column runs in C).
CONTROL_PATTERN = r"[\x00-\x1f\x7f-\x9f" + f"{_BIDI}\u2028\u2029]"
_ANY = re.compile(CONTROL_PATTERN)


def clean_label(text: object, *, keep_newlines: bool = False) -> str:
    """`text` as str without control or bidi-override characters (tabs and line breaks → spaces)."""
    text = "" if text is None else str(text)
    if not _ANY.search(text):
        return text
    if keep_newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = re.sub("[\t\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+", " ", text)
        return _CONTROLS_BUT_NEWLINE.sub("", text)
    return _CONTROLS.sub("", _SPACE_LIKE.sub(" ", text))


def has_controls(text: str) -> bool:
    """True when `clean_label(text)` would change it."""
    return bool(_ANY.search(text))


def clean_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with `clean_label` applied to every text cell that needs it (a new frame)."""
    out = frame.copy()
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if not (isinstance(series.dtype, pd.StringDtype) or series.dtype == object):
            continue
        dirty = series.map(lambda v: isinstance(v, str) and has_controls(v)) if series.dtype == object else (
            series.str.contains(CONTROL_PATTERN, regex=True, na=False)
        )
        if dirty.any():
            series = series.copy()
            series[dirty] = series[dirty].map(clean_label)
            out.isetitem(position, series)
    return out
