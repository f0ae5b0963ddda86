"""Published claims rechecked: a change against its two compared values, shares against their counts and
a stated total (or against each other), shares listed together against 100%, parts against their whole."""

from __future__ import annotations

from decimal import Decimal

from loaders.extract.prose import clause_start, sentence_end, sentence_start
from loaders.extract.result import ExtractMessage, Figure, new_message
from loaders.extract.words import COMPARED_WORDS, TOTAL_WORDS


def _fmt(v: float | int) -> str:
    return f"{v:,}".replace(",", "") if isinstance(v, int) else f"{v:g}"


def _recomputes(computed: float, published: float, decimals: int) -> bool:
    """Whether `published` is `computed` at the published rounding (half a unit of the last digit)."""
    return abs(computed - published) <= 0.5 * 10 ** (-decimals) + 1e-9


def recheck(norm: str, figures: list[Figure]) -> list[ExtractMessage]:
    """Changes against their compared values, shares against counts and a stated total."""
    messages: list[ExtractMessage] = []
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        by_sentence.setdefault(sentence_start(norm, f.number_start), []).append(f)
    for sent_start, group in by_sentence.items():
        levels = [f for f in group if f.measure == "level" and f.unit != "percent" and f.qualifier == "exact"]
        changes = [f for f in group if f.measure == "change" and f.unit == "percent" and f.unit_text == "%"]
        # a change with both compared values in its sentence: 本月31起，环比上月25起，上升24%
        if len(levels) == 2 and len(changes) == 1 and levels[0].unit_text == levels[1].unit_text:
            a, b = levels
            a_lead = norm[clause_start(norm, a.start, sent_start) : a.number_start]
            b_lead = norm[clause_start(norm, b.start, sent_start) : b.number_start]
            if any(w in a_lead for w in COMPARED_WORDS) and not any(w in b_lead for w in COMPARED_WORDS):
                a, b = b, a
            c = changes[0]
            if b.value:
                computed = (a.value - b.value) / b.value * 100
                actual = "increase" if computed > 0 else "decrease" if computed < 0 else ""
                names = {"increase": ("上升", "an increase"), "decrease": ("下降", "a decrease"), "": ("持平", "flat")}
                cur, prev = f"{_fmt(a.value)}{a.unit_text}", f"{_fmt(b.value)}{b.unit_text}"
                if actual and c.direction and actual != c.direction:
                    messages.append(
                        new_message(
                            "warning",
                            "change_direction",
                            c.number_start,
                            current=cur,
                            previous=prev,
                            actual_zh=names[actual][0],
                            actual_en=names[actual][1],
                            direction_zh=names[c.direction][0],
                            direction_en=names[c.direction][1],
                        )
                    )
                elif not _recomputes(abs(computed), float(c.value), c._decimals):
                    shown = round(abs(computed), max(c._decimals, 1) + 1)
                    messages.append(
                        new_message(
                            "warning",
                            "change_mismatch",
                            c.number_start,
                            current=cur,
                            previous=prev,
                            computed=f"{shown:g}",
                            published=_fmt(c.value),
                            direction_zh=names[c.direction][0],
                            direction_en=names[c.direction][1].replace("an ", "").replace("a ", ""),
                        )
                    )
    messages.extend(_recheck_shares(norm, figures))
    return messages


def _recheck_shares(norm: str, figures: list[Figure]) -> list[ExtractMessage]:
    messages: list[ExtractMessage] = []
    pairs: list[tuple[Figure, Figure]] = []  # (count, share) stated together: 发案303起，占比19.7%
    for prev, f in zip(figures, figures[1:], strict=False):
        if f.measure == "share" and prev.measure == "level" and prev.unit != "percent" and prev.qualifier == "exact":
            if f.number_start - prev.number_end <= 12 and sentence_start(norm, f.number_start) == sentence_start(
                norm, prev.number_start
            ):
                pairs.append((prev, f))
    # a stated total before the pairs (全市共发案1541起): each share against count / total
    for count, share in pairs:
        total = None
        for f in figures:
            if f.number_start >= count.number_start - 800 and f.number_start < count.number_start:
                lead = norm[clause_start(norm, f.start) : f.number_start]
                if (
                    f.measure == "level"
                    and f.unit_text == count.unit_text
                    and f.qualifier == "exact"
                    and f.value > count.value
                    and any(w in lead for w in TOTAL_WORDS)
                ):
                    total = f
        if total is not None and share.qualifier == "exact":
            computed = count.value / total.value * 100
            if not _recomputes(computed, float(share.value), share._decimals):
                messages.append(
                    new_message(
                        "warning",
                        "share_mismatch",
                        share.number_start,
                        count=f"{_fmt(count.value)}{count.unit_text}",
                        total=f"{_fmt(total.value)}{total.unit_text}",
                        computed=f"{computed:.2f}",
                        published=_fmt(share.value),
                    )
                )
    # without a stated total: the totals the pairs imply must overlap
    clusters: list[list[tuple[Figure, Figure]]] = []
    for p in pairs:
        if (
            clusters
            and p[0].number_start - clusters[-1][-1][1].number_end < 600
            and p[0].unit_text == clusters[-1][-1][0].unit_text
        ):
            clusters[-1].append(p)
        else:
            clusters.append([p])
    for cluster in clusters:
        if len(cluster) < 2:
            continue
        lo, hi = 0.0, float("inf")
        details = []
        for count, share in cluster:
            half = 0.5 * 10 ** (-share._decimals)
            s_hi, s_lo = (share.value + half) / 100, (share.value - half) / 100
            t_lo = count.value / s_hi
            t_hi = count.value / s_lo if s_lo > 0 else float("inf")
            lo, hi = max(lo, t_lo), min(hi, t_hi)
            details.append(f"{_fmt(count.value)}/{_fmt(share.value)}% ≈ {count.value / share.value * 100:.0f}")
        if lo > hi + 1e-9:
            messages.append(
                new_message("warning", "shares_inconsistent", cluster[0][0].number_start, detail="; ".join(details))
            )
    # shares listed together (占比分别为…) cannot exceed 100%
    run: list[Figure] = []
    for f in figures + [None]:
        if f is not None and f.measure == "share" and run and f.number_start - run[-1].number_end <= 3:
            run.append(f)
            continue
        if len(run) > 1 and sum(float(x.value) for x in run) > 100 + 1e-9:
            total = sum(Decimal(str(x.value)) for x in run)
            messages.append(new_message("warning", "shares_over_100", run[0].number_start, total=f"{total}"))
        run = [f] if f is not None and f.measure == "share" else []
    # parts against a stated whole: 共破获120起，其中电诈80起、盗窃50起
    for i, whole in enumerate(figures):
        if whole.measure != "level" or whole.qualifier != "exact" or whole.unit == "percent":
            continue
        sent_end = sentence_end(norm, whole.number_end)
        k = norm.find("其中", whole.number_end, sent_end)
        if k < 0:
            continue
        parts = [
            f
            for f in figures[i + 1 :]
            if k < f.number_start < sent_end
            and f.measure == "level"
            and f.unit_text == whole.unit_text
            and f.qualifier in ("exact", "at_least")
        ]
        if len(parts) >= 1:
            total = sum(Decimal(str(p.value)) for p in parts)
            if total > Decimal(str(whole.value)):
                messages.append(
                    new_message(
                        "warning",
                        "parts_exceed_whole",
                        whole.number_start,
                        parts=f"{total}{whole.unit_text}",
                        whole=f"{_fmt(whole.value)}{whole.unit_text}",
                    )
                )
    return messages
