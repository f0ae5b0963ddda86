"""A header (or a tidy row's 指标 + 单位) → `Spec`: metric, measure, unit and scale, or a message why not."""

from __future__ import annotations

import re
import unicodedata

from loaders.regions import echo
from loaders.upload.cells import BRACKET, header_key, is_blank
from loaders.upload.labels import Column, MetricIndex, Spec, Unit, custom_metric_id, parse_label, parse_unit
from loaders.upload.messages import Collector


def spec_for(
    text: str, unit_text: str | None, where_row: int | None, where_col: str | None,
    default_unit: Unit | None = None, *, metrics: MetricIndex, title_text: str, out: Collector,
) -> Spec | None:
    """Metric, measure and unit for a header or a tidy 指标 cell (+ its 单位 cell)."""
    label = parse_label(text)
    unit = label.unit or default_unit
    if unit_text and not is_blank(unit_text):
        cell_unit = parse_unit(unit_text)
        if cell_unit is None:
            out.say("error", "unknown_unit", row=where_row, column=where_col, str_unit_text=echo(str(unit_text)))
            return None
        unit = cell_unit
    metric_id = metrics.find(label.base)
    if metric_id is None and label.measure == "share":
        metric_id = metrics.find(label.base + "占比")
    if metric_id is None and label.measure == "level" and header_key(text) != label.base:
        metric_id = metrics.find(header_key(BRACKET.sub("", text)))
    if metric_id:
        metric_unit, label_zh, label_en, category = metrics.metric_rows[metric_id]
        kind = metrics.kind_of_unit(metric_unit)
        measure = label.measure
        if measure == "level" and kind == "percent" and ("占比" in label_zh or "比例" in label_zh):
            measure = "share"
        spec = Spec(metric_id, label_zh, label_en, category, measure, metric_unit, kind)
    else:
        base = label.base or header_key(BRACKET.sub("", text))
        if not base:
            return None
        metric_id = custom_metric_id(base)
        unit_id = unit.unit_id if unit else ""
        kind = unit.kind if unit else ""
        label_zh = BRACKET.sub("", text).strip() if label.measure == "level" else base
        spec = Spec(metric_id, label_zh, f"New metric: {label_zh}", "outcome", label.measure, unit_id, kind, new_metric=True)
        if metric_id not in metrics.new_metrics:
            metrics.new_metrics[metric_id] = {
                "metric_id": metric_id,
                "label_zh": label_zh,
                "label_en": f"New metric: {label_zh}",
                "unit": unit_id,
                "category": "outcome",
                "decrease_is_good": "",
                "synonyms": "",
            }
            out.say("warning", "new_metric", row=where_row, column=where_col, label_zh=echo(label_zh), metric_id=metric_id)
    if label.measure == "change":
        spec.measure, spec.direction, spec.basis = "change", label.direction, label.basis
        spec.unit, spec.kind = "percent", "percent"
        if unit and unit.kind not in ("percent", ""):
            unit_conflict(text, where_row, where_col, out)
            return None
        return spec
    if spec.measure == "share":
        spec.unit, spec.kind = "percent", "percent"
    if unit is not None:
        spec.scale = unit.scale
        spec.scale_stated = True
        if unit.kind and spec.kind and unit.kind != spec.kind and not (spec.new_metric and not spec.kind):
            unit_conflict(text, where_row, where_col, out)
            return None
        if spec.new_metric and unit.kind:
            spec.unit, spec.kind = unit.unit_id, unit.kind
    elif spec.kind == "money":
        money_unit = title_money_unit(title_text)
        if money_unit is not None:
            spec.scale, spec.scale_stated = money_unit, True
        # else each cell must carry its unit (2230余万元); bare numbers are refused in _scaled
    return spec


def unit_conflict(text: str, row: int | None, column: str | None, out: Collector) -> None:
    out.say("error", "unit_mismatch", row=row, column=column, text=echo(text))


def title_money_unit(title_text: str) -> int | None:
    """The money scale a title states (单位：万元), when it states one."""
    m = re.search(r"单位[:：]([^\s，。；;]*)", unicodedata.normalize("NFKC", title_text))
    if not m:
        return None
    units = [parse_unit(w) for w in re.split(r"[、,，/]", m.group(1))]
    money = {u.scale for u in units if u is not None and u.kind == "money"}
    return money.pop() if len(money) == 1 else None


def tidy_spec(text: str, unit_text: str | None, row_no: int, column: str, *, metrics: MetricIndex, title_text: str,
              out: Collector, specs_memo: dict) -> Spec | None:
    """`_spec_for` of a tidy row's 指标 (+ 单位), worked out once per distinct pair of texts.

    A table repeats a dozen pairs over all its rows. The memoised Spec is shared by the rows
    (nothing changes a Spec once `_spec_for` has returned it); the messages the first row got
    are given again to every later row with the same texts, with that row's number, exactly as
    a fresh call would (the one-off new_metric warning excepted, as a fresh call skips it too).
    """
    key = (text, unit_text)
    memo = specs_memo.get(key)
    if memo is None:
        start = len(out.messages)
        spec = spec_for(text, unit_text, row_no, column, metrics=metrics, title_text=title_text, out=out)
        replay = tuple(m for m in out.messages[start:] if m.code != "new_metric")
        specs_memo[key] = (spec, replay)
        return spec
    spec, replay = memo
    for m in replay:
        out.add(m.level, m.code, m.message_zh, m.message_en, row=row_no, column=m.column)
    return spec


def tidy_change_spec(spec: Spec, c: Column, memo: dict) -> Spec:
    """The change Spec of a tidy table's bare 同比 column for a row's metric (one per Spec and column)."""
    key = (id(spec), c.index)
    change = memo.get(key)
    if change is None:
        change = Spec(spec.metric_id, spec.metric_zh, spec.metric_en, spec.category, "change", "percent",
                      "percent", direction=c.label.direction, basis=c.label.basis, new_metric=spec.new_metric)
        memo[key] = change
    return change

