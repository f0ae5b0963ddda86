"""The statistics a text states: each number read in prose becomes a proposed figure row with its measure
(level, change, share), direction, basis (yoy / mom), metric, period and evidence; numbers listed together
share one lead and a 分别 phrase gives each its own subject; changes stated in words (持平, 翻番) and a
change stated for both bases (同环比均下降) are added.

Amounts in a single victim's story (王女士被骗5万元) are proposed, marked doubtful: the analyst may want
them as an example; they are never silently dropped.
"""

from __future__ import annotations

import re
from datetime import date

from loaders.extract.guesses import guess_metric, metric_unit_of, period_for
from loaders.extract.prose import Hit, alternation, clause_start, last_word, number_runs, sentence_end, sentence_start
from loaders.extract.result import Figure
from loaders.extract.words import (
    BASIS_WORDS,
    COMPARED_WORDS,
    DECREASE_WORDS,
    DOUBLE_WORDS,
    DUAL_BASIS_RE,
    FLAT_WORDS,
    INCREASE_WORDS,
    KEEP_TEXT_UNITS,
    LEVEL_AFTER_DIRECTION,
    SHARE_WORDS,
    STORY_WORDS,
    UNIT_WORDS,
)


def _subjects(lead: str, n: int) -> list[str] | None:
    """The n subjects of a 分别 phrase (立案数和损失数分别…), or None when they cannot be counted."""
    i = lead.rfind("分别")
    if i < 0:
        return None
    head = lead[:i]
    for w in ("同比", "环比", "较去年同期", "较行动前", "其中"):
        head = head.replace(w, "")
    head = re.sub(r"等\S{0,4}$", "", head.strip())
    parts = [p.strip() for p in re.split(r"[、和及与]", head) if p.strip()]
    return parts if len(parts) == n else None


def stated_figures(
    text: str, norm: str, hits: list[Hit], region_code: str, region_zh: str, doc_date: date | None
) -> list[Figure]:
    """One proposed row per number read (`hits`, in text order), the rows of a listed run sharing one lead."""
    figures: list[Figure] = []
    for run in number_runs(norm, hits):
        first = run[0]
        clause = clause_start(norm, first.start)
        sentence = sentence_start(norm, first.start)
        lead = norm[clause : first.start]
        # measure and direction from the words right before the first number of the run
        dpos, dword = last_word(lead, DECREASE_WORDS + INCREASE_WORDS)
        spos, sword = last_word(lead, SHARE_WORDS)
        measure, direction = "level", ""
        if dpos >= 0 and dpos > spos:
            tail = lead[dpos + len(dword) :]
            if not tail.lstrip("了 ").startswith(LEVEL_AFTER_DIRECTION) and len(tail) <= 6:
                measure = "change"
                direction = "decrease" if dword in DECREASE_WORDS else "increase"
        if measure == "level" and spos >= 0 and first.is_percent:
            measure = "share"
        if measure == "level" and first.is_percent and "率" in lead:
            measure = "level"  # a rate (破案率为85%) is a level in percent
        basis = ""
        if measure == "change":
            bpos, bword = last_word(norm[sentence : first.start], [w for w, _ in BASIS_WORDS])
            basis = dict(BASIS_WORDS)[bword] if bpos >= 0 else ""
        subjects = _subjects(lead, len(run)) if len(run) > 1 else None
        for k, h in enumerate(run):
            own_clause = clause_start(norm, h.start) if k == 0 else clause
            ev_start = own_clause
            # a listed number's evidence runs from the phrase start through this number
            ev_end = h.end
            if ev_end - ev_start > 40:
                ev_start = ev_end - 40
            if k == 0 and len(run) == 1:
                # a list item: its own words after the last 、 (手机卡4451张)
                j = max(norm.rfind("、", ev_start, h.start), -1)
                if j >= 0 and measure == "level":
                    ev_start = j + 1
            subject = subjects[k] if subjects else norm[own_clause : h.start]
            if measure == "level" and len(run) == 1:
                j = norm.rfind("、", own_clause, h.start)
                if j >= 0:
                    subject = norm[j + 1 : h.start]
            unit_id = UNIT_WORDS.get(h.unit_text, "")
            tail = re.split(r"[，,；;。、和及与\n（(]", norm[h.end : h.end + 12], maxsplit=1)[0]
            metric_id, metric_zh, new = guess_metric(subject, unit_id, measure, tail)
            if not new and measure == "level" and unit_id not in ("percent",):
                metric_unit = metric_unit_of(metric_id)
                if metric_unit and (
                    unit_id in ("", "numbers")
                    or (unit_id not in KEEP_TEXT_UNITS and metric_unit not in KEEP_TEXT_UNITS)
                ):
                    unit_id = metric_unit
            pstart, pend, ptext = period_for(norm, h.start, doc_date, measure == "change")
            doubt = h.doubt
            sent = norm[sentence : sentence_end(norm, h.end)]
            if unit_id == "yuan" and any(w in sent for w in STORY_WORDS):
                doubt = doubt or "individual_case"
            if new and not doubt:
                doubt = "new_metric"
            figures.append(
                Figure(
                    measure=measure,
                    value=h.value,
                    unit=unit_id,
                    unit_text=h.unit_text,
                    qualifier=h.qualifier,
                    direction=direction,
                    basis=basis,
                    metric_id=metric_id,
                    metric_zh=metric_zh,
                    metric_new=new,
                    region_code=region_code,
                    region_zh=region_zh,
                    period_start=pstart,
                    period_end=pend,
                    period_text=ptext,
                    evidence=text[ev_start:ev_end],
                    start=ev_start,
                    end=ev_end,
                    number_start=h.num_start,
                    number_end=h.num_end,
                    doubtful=doubt in ("individual_case", "range"),
                    doubt=doubt,
                    _subject=subject,
                    _decimals=h.decimals,
                )
            )
    return figures


def borrow_metrics(norm: str, figures: list[Figure]) -> None:
    """A figure whose own words name no metric (上升30%, 上月25起) takes the one stated before it in its sentence."""
    empty = re.compile(
        "|".join(
            map(
                re.escape,
                (*COMPARED_WORDS, *DECREASE_WORDS, *INCREASE_WORDS, *(w for w, _ in BASIS_WORDS), "本月", "了", "为"),
            )
        )
    )
    for i, f in enumerate(figures):
        if not f.metric_new or empty.sub("", f.metric_zh).strip(" ，,、"):
            continue
        sentence = sentence_start(norm, f.number_start)
        for g in reversed(figures[:i]):
            if g.number_start < sentence:
                break
            if g.measure == "level" and (not g.metric_new or empty.sub("", g.metric_zh).strip()):
                f.metric_id, f.metric_zh, f.metric_new = g.metric_id, g.metric_zh, g.metric_new
                f.doubt = "" if f.doubt == "new_metric" and not g.metric_new else f.doubt
                break


def dual_basis(norm: str, figures: list[Figure]) -> list[Figure]:
    """A change stated for both bases (同比、环比均持平; 环比和同比的降幅均在50%以上): the period-over-period
    row is kept and a year-over-year twin is added."""
    out = []
    basis_words = [w for w, _ in BASIS_WORDS]
    for f in figures:
        if f.measure != "change":
            continue
        lead = norm[sentence_start(norm, f.number_start) : f.number_start]
        dual = list(re.finditer(DUAL_BASIS_RE, lead))
        if not dual:
            continue
        bpos, bword = last_word(lead, basis_words)
        if dual[-1].end() < bpos + len(bword):
            continue  # a single basis word stands nearer to the number
        f.basis = "mom"
        twin = Figure(**{k: getattr(f, k) for k in Figure.__dataclass_fields__})
        twin.basis = "yoy"
        out.append(twin)
    return out


def word_changes(text: str, norm: str, region_code: str, region_zh: str, doc_date: date | None) -> list[Figure]:
    """持平 (no change) and 翻番 (doubled): changes stated in words."""
    out = []
    for words, value in [(FLAT_WORDS, 0), *[((w,), v) for w, v in DOUBLE_WORDS.items()]]:
        for m in re.finditer(alternation(words), norm):
            if value and any(m.start() >= f.start and m.end() <= f.end for f in out):
                continue
            clause = clause_start(norm, m.start())
            sentence = sentence_start(norm, m.start())
            bpos, bword = last_word(norm[sentence : m.start()], [w for w, _ in BASIS_WORDS])
            subject = norm[clause : m.start()]
            metric_id, metric_zh, new = guess_metric(subject, "percent", "change")
            pstart, pend, ptext = period_for(norm, m.start(), doc_date)
            out.append(
                Figure(
                    measure="change",
                    value=value,
                    unit="percent",
                    unit_text=m.group(0),
                    qualifier="exact",
                    direction="increase" if value else "",
                    basis=dict(BASIS_WORDS)[bword] if bpos >= 0 else "",
                    metric_id=metric_id,
                    metric_zh=metric_zh,
                    metric_new=new,
                    region_code=region_code,
                    region_zh=region_zh,
                    period_start=pstart,
                    period_end=pend,
                    period_text=ptext,
                    evidence=text[clause : m.end()],
                    start=clause,
                    end=m.end(),
                    number_start=m.start(),
                    number_end=m.end(),
                    doubtful=True,
                    doubt="change_in_words",
                    note="持平 = no change (0%)" if not value else f"{m.group(0)} = +{value}%",
                )
            )
    # a 翻一番 inside a 翻番 search would be found twice; keep the longest per position
    seen: dict[int, Figure] = {}
    for f in out:
        if f.number_start not in seen or len(f.unit_text) > len(seen[f.number_start].unit_text):
            seen[f.number_start] = f
    return [
        f
        for f in seen.values()
        if not any(g is not f and g.number_start <= f.number_start < g.number_end for g in seen.values())
    ]
