"""Press-release intake: the statistics an announcement states, proposed as figure rows for review.

`extract_text(text)` reads prose (a transcript, a police bulletin) and proposes one row per stated
figure, with the columns of the curated figure tables that apply (value normalised, unit, qualifier,
measure, direction, basis, metric/region/period guesses) and the shortest verbatim evidence phrase
with its character offsets in `text`. Published claims are rechecked (a change against its two
compared values, shares against their counts and a stated total) and reported as messages.

Nothing here stores anything: a person reviews every proposed row (ui/extract.py) before it is saved
through the ordinary upload path.

The package, one module per noun (each imports only the ones listed before it):
- `words`: the extractor's words; qualifiers, scales and unit ids come from `loaders.vocabulary`.
- `result`: `Figure`, `Extraction`, `ExtractMessage`, `ExtractError`, the messages in both languages.
- `reading`: bytes and HTML to text (`read_document`, `decode_text`, `html_to_text`), `normalise`.
- `prose`: numbers in prose (the number grammar, what is not a statistic, lists, clause positions).
- `guesses`: metric, region, date and period guesses.
- `statistics`: measure, direction, basis, 分别 lists, changes in words: the proposed rows.
- `recheck`: published changes, shares and totals recomputed.

Decisions (see docs/status.md "Press-release extraction"):
- Only numbers written with Arabic digits (half- or full-width), or a qualifier + scale standing for
  one (过亿, 近万), are read; Chinese-numeral words (一是, 五年内, 第一) are ordinals or legal terms
  in these texts and are left out.
- Not statistics, left out: dates and times, numbers without a unit word (phone numbers, case
  numbers, operation names such as 净网2020, list markers 1.), numbers after 第, durations of years
  or months and anything followed by 内 (legal terms: 5年内, 1-3个月), rule quantities (仅允许办理1张).
- Amounts in a single victim's story (王女士被骗5万元) are proposed, marked doubtful, because the
  analyst may want them as an example; they are never silently dropped.
- Traditional characters and full-width forms are read through a one-to-one character map, so every
  offset in the normalised text is an offset in the original text.
"""

from __future__ import annotations

from pathlib import Path

from loaders.extract.guesses import guess_date, guess_metric, guess_region
from loaders.extract.prose import read_hits
from loaders.extract.reading import decode_text, html_to_text, normalise, read_document
from loaders.extract.recheck import recheck
from loaders.extract.result import (
    COLUMNS,
    MESSAGES,
    ExtractError,
    Extraction,
    ExtractMessage,
    Figure,
    new_message,
)
from loaders.extract.statistics import borrow_metrics, dual_basis, stated_figures, word_changes

__all__ = [
    "COLUMNS",
    "MESSAGES",
    "ExtractError",
    "ExtractMessage",
    "Extraction",
    "Figure",
    "decode_text",
    "extract_file",
    "extract_text",
    "guess_date",
    "guess_metric",
    "guess_region",
    "html_to_text",
    "normalise",
    "read_document",
    "recheck",
]


def extract_text(text: str) -> Extraction:
    """Every statistic the text states, proposed as figure rows, and the recheck messages."""
    if not text or not text.strip():
        return Extraction([], [new_message("error", "empty_text")])
    norm = normalise(text)
    region_code, region_zh = guess_region(norm)
    doc_date = guess_date(norm)
    figures = stated_figures(text, norm, read_hits(norm), region_code, region_zh, doc_date)
    borrow_metrics(norm, figures)
    figures.extend(word_changes(text, norm, region_code, region_zh, doc_date))
    figures.extend(dual_basis(norm, figures))
    figures.sort(key=lambda f: f.number_start)
    for i, f in enumerate(figures, 1):
        f.figure_id = f"ex-{i:03d}"
    messages = recheck(norm, figures)
    if not figures:
        messages.append(new_message("info", "no_figures"))
    return Extraction(figures, messages)


def extract_file(path: Path) -> Extraction:
    """Read and extract one file; an unreadable file gives an Extraction with one error message."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        msg = ExtractMessage(
            "error", "unreadable_file", f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}"
        )
        return Extraction([], [msg])
    try:
        text = read_document(data, Path(path).name)
    except ExtractError as exc:
        return Extraction([], [exc.message])
    return extract_text(text)
