"""Guesses from the catalog and the text: the metric a figure's words name, the region the text is
about, its date, and the period a figure covers. Each is a proposal for the reviewer, never a decision.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from loaders.catalog import datasets_dir
from loaders.extract.reading import normalise
from loaders.extract.words import METRIC_NOISE, PERIOD_PHRASES


@dataclass(frozen=True)
class _MetricIndex:
    words: tuple[tuple[str, str, str], ...]  # (word, metric_id, unit), longest first
    labels: dict[str, str]


@lru_cache(maxsize=2)
def _metric_index(folder: str) -> _MetricIndex:
    words: list[tuple[str, str, str]] = []
    labels: dict[str, str] = {}
    with open(Path(folder) / "metrics.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            labels[row["metric_id"]] = row["label_zh"]
            for w in [row["label_zh"], *(row.get("synonyms") or "").split("|")]:
                w = normalise(w.strip()).replace("“", "").replace("”", "")
                if len(w) >= 2:
                    words.append((w, row["metric_id"], row["unit"]))
    words.sort(key=lambda x: -len(x[0]))
    return _MetricIndex(tuple(words), labels)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


_word_bigrams = lru_cache(maxsize=4096)(_bigrams)  # a metric word's bigrams, once per process, not per figure


def guess_metric(subject: str, unit: str, measure: str, tail: str = "") -> tuple[str, str, bool]:
    """(metric_id, label_zh, is_new) for the words before a number (and the noun right after it: 1134个涉案账户)."""
    index = _metric_index(str(datasets_dir()))
    plain = (subject + "|" + tail).replace("“", "").replace("”", "").replace('"', "")
    best: tuple[float, str, str] | None = None
    grams = _bigrams(plain)
    for word, metric_id, metric_unit in index.words:
        if measure == "share" and metric_unit != "percent":
            continue
        if measure == "level" and (metric_unit == "percent") != (unit == "percent"):
            continue
        if word not in plain and len(word) >= 4:
            wg = _word_bigrams(word)
            overlap = len(wg & grams) / len(wg)
            if overlap >= 0.6:  # 黑灰产业团伙 ~ 黑灰产团伙
                score = overlap * len(word) + (2 if unit and unit == metric_unit else 0)
                if best is None or score > best[0]:
                    best = (score, metric_id, index.labels[metric_id])
            continue
        if word in plain:
            if measure == "share" and metric_unit != "percent":
                continue
            if measure == "level" and (metric_unit == "percent") != (unit == "percent"):
                continue
            score = len(word) * 2 + (2 if unit and unit == metric_unit else 0) + plain.rfind(word) / 100
            if best is None or score > best[0]:
                best = (score, metric_id, index.labels[metric_id])
    if best:
        return best[1], best[2], False
    own = subject.replace("“", "").replace("”", "")
    for w in METRIC_NOISE:
        own = own.replace(w, "")
    own = re.sub(r"^(?:[一二三四五六七八九十]是|其中|如|对|向)", "", own.strip(" 、的了是有和及与"))
    if len(own) < 4 and tail:
        own = (own + tail).strip(" 、的")
    return "", own[-20:], True


@lru_cache(maxsize=2)
def _division_names(folder: str) -> tuple[tuple[str, str, str, str], ...]:
    out = []
    with open(Path(folder) / "divisions.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for name in {row["name_zh"], row["short_zh"], *filter(None, (row.get("aliases") or "").split("|"))}:
                if len(name) >= 2:
                    out.append((name, row["region_code"], row["name_zh"], row["level"]))
    return tuple(out)


def guess_region(norm: str) -> tuple[str, str]:
    """(region_code, name) of the division the text names most often (the more specific on a tie)."""
    counts: dict[str, list] = {}
    for name, code, full, level in _division_names(str(datasets_dir())):
        n = norm.count(name)
        if n:
            entry = counts.setdefault(code, [0, full, level])
            entry[0] = max(entry[0], n)
    if not counts:
        return "", ""
    code, (_, full, _) = max(counts.items(), key=lambda kv: (kv[1][0], kv[1][2] == "prefecture"))
    return code, full


def guess_date(norm: str) -> date | None:
    """The first full date of the text (its publication or meeting date)."""
    for m in re.finditer(r"(20\d{2}|19\d{2})\s?[-/.年]\s?(\d{1,2})\s?[-/.月]\s?(\d{1,2})", norm[:3000]):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


PERIOD_LOOKBACK = 3000


def period_for(norm: str, pos: int, doc_date: date | None, change: bool = False) -> tuple[str, str, str]:
    """(start, end, text) of the period the text gives nearest before pos, in its paragraph."""
    # The paragraph before pos, at most PERIOD_LOOKBACK characters: a text without line breaks would
    # otherwise be searched from its start for every figure (quadratic in its length).
    para = max(norm.rfind("\n", 0, pos) + 1, pos - PERIOD_LOOKBACK)
    lead = norm[para:pos]
    found: tuple[int, str] = (-1, "")
    for phrase in PERIOD_PHRASES:
        i = lead.rfind(phrase)
        while change and i > 0 and lead[max(0, i - 2) : i].endswith(("比", "较")):  # 环比上月 names the compared period
            i = lead.rfind(phrase, 0, i)
        if i > found[0]:
            found = (i, phrase)
    matches = list(
        re.finditer(r"(?:截至|截止)(?:(\d{4})年)?(\d{1,2})月(?:底|末)?|(\d{1,2})\s?[-至到]\s?(\d{1,2})月", lead)
    )
    m = matches[-1] if matches else None
    if m and m.start() >= found[0]:
        year = int(m.group(1)) if m.group(1) else (doc_date.year if doc_date else None)
        if year is None:
            return "", "", m.group(0)
        first, last = (1, int(m.group(2))) if m.group(2) else (int(m.group(3)), int(m.group(4)))
        if not (1 <= first <= last <= 12):
            return "", "", m.group(0)
        from loaders.periods import month_period

        p = month_period(year, first, last)
        return p.start.isoformat(), p.end.isoformat(), m.group(0)
    text = found[1]
    if not doc_date:
        return "", "", text
    end = doc_date.isoformat()
    if text in ("本月", "上月"):
        from loaders.periods import month_period

        year, month = doc_date.year, doc_date.month
        if text == "上月":
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        p = month_period(year, month)
        return p.start.isoformat(), min(p.end, doc_date).isoformat(), text
    if text in ("今年以来", "今年", "年初以来"):
        return f"{doc_date.year}-01-01", end, text
    if text == "去年":
        return f"{doc_date.year - 1}-01-01", f"{doc_date.year - 1}-12-31", text
    return "", end if text else "", text


def metric_unit_of(metric_id: str) -> str:
    for _word, mid, unit in _metric_index(str(datasets_dir())).words:
        if mid == metric_id:
            return unit
    return ""
