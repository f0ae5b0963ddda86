"""The look every chart shares: CJK font, calm colours, title with subtitle, safe text."""

from __future__ import annotations

import copy
import html
import math
import numbers
import re

import plotly.graph_objects as go

FONT_FAMILY = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
TEXT_COLOR = "#22303a"
GRID_COLOR = "#e3e7ea"
GOOD_COLOR = "#2e7d5b"
BAD_COLOR = "#b8433c"
NEUTRAL_COLOR = "#6b7a86"
DERIVED_COLOR = "#a7b4bd"
PALETTE = ("#2f6f8f", "#d08a3c", "#5b8c5a", "#8a6fb0", "#c0605b", "#4f9bb0", "#9a8c6d", "#6b7a86")
CATEGORY_COLORS = {
    "enforcement": "#2f6f8f",
    "prevention": "#5b8c5a",
    "financial_control": "#d08a3c",
    "telecom_control": "#8a6fb0",
    "publicity": "#4f9bb0",
    "outcome": "#6b7a86",
    "fraud_type": "#c0605b",
}
AGENCY_COLORS = {
    "public_security": "#2f6f8f",
    "pboc": "#d08a3c",
    "communications": "#8a6fb0",
    "education": "#5b8c5a",
}
LOWER_BOUND_PATTERN = "/"
DERIVED_PATTERN = "."


def plot_text(text: object) -> str:
    """Text safe for plotly's pseudo-HTML labels: a region named "<b>x</b>" shows as typed."""
    return html.escape(str(text), quote=False)


def color_for(key: str, mapping: dict[str, str], index: int = 0) -> str:
    return mapping.get(key, PALETTE[index % len(PALETTE)])


def text_width(text: str) -> int:
    """Display width in half-width units: a CJK character counts 2, ASCII 1."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def wrap_text(text: str, width: int) -> list[str]:
    """Greedy line breaks at spaces (English) or between characters (Chinese), by display width."""
    tokens = re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", text)
    lines, line = [], ""
    for token in tokens:
        if line and text_width(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


TITLE_WIDTH = 50  # half-width units that fit a half-page chart at the title's size
SUBTITLE_WIDTH = 64


def apply_layout(
    figure: go.Figure, title: str, subtitle: str, *, height: int = 420, legend: bool | str = False, legend_rows: int = 1
) -> go.Figure:
    """Title (what) and subtitle (where, when) wrapped to the chart, the CJK font, a quiet background.

    `legend` is False (none), True (above the plot) or "bottom" (below it, for small multiples).
    """
    title_lines = wrap_text(title, TITLE_WIDTH)
    subtitle_lines = wrap_text(subtitle, SUBTITLE_WIDTH) if subtitle else []
    text = "<br>".join(plot_text(line) for line in title_lines)
    if subtitle_lines:
        text += "<br>" + "<br>".join(
            f"<span style=\"font-size:13px;color:{NEUTRAL_COLOR}\">{plot_text(line)}</span>" for line in subtitle_lines
        )
    figure.update_layout(
        title={
            "text": text,
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "y": 1.0,
            "yref": "paper",
            "yanchor": "bottom",
            "automargin": True,
            "pad": {"l": 4, "b": 18 + 22 * legend_rows if legend is True else 14},
            "font": {"size": 17},
        },
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT_COLOR},
        hoverlabel={"font": {"family": FONT_FAMILY}, "align": "left"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height + 23 * (len(title_lines) - 1) + 19 * max(len(subtitle_lines) - 1, 0),
        margin={"l": 20, "r": 30, "t": 20, "b": 50},
        showlegend=bool(legend),
        legend=(
            {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0.0, "xanchor": "left"}
            if legend == "bottom"
            else {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.0, "xanchor": "left"}
        ),
        separators=".,",
    )
    # Tick numbers written out in full ("120,000,000", "0.0005"): plotly's default SI suffixes
    # ("120M", "500µ") are English abbreviations a Chinese reader should not have to decode, and µ
    # misleads anyone. Log axes set their own tick texts (万/亿, charts.results).
    ticks = {"exponentformat": "none", "separatethousands": True}
    figure.update_xaxes(gridcolor=GRID_COLOR, zerolinecolor="#b9c2c8", automargin=True, **ticks)
    figure.update_yaxes(gridcolor=GRID_COLOR, zerolinecolor="#b9c2c8", automargin=True, **ticks)
    return figure


LABEL_WIDTH = 34
NARROW_PLOT_PX = 170  # the plot area of a half-width chart beside long category labels
TEXT_UNIT_PX = 7.3  # a half-width unit of 13 px text, estimated a little generously (a CJK character 14.6 px)


def drawn_units(text: str) -> int:
    """Display width (half-width units) of what plotly draws for a text: tags dropped, entities read."""
    return text_width(html.unescape(re.sub(r"<[^>]*>", "", text)))


def outside_text_margin(texts: list[str], positions: list[float], plot_width: float = NARROW_PLOT_PX) -> int:
    """The right margin (px) that holds the values written after horizontal bars (textposition outside).

    `positions` are the bar ends as a share of the plot's width (0 at its left edge, 1 at its right);
    a value text reaches past the plot's right edge by what its width exceeds the room after its bar.
    plotly's automargin measures tick labels and axis titles, not bar texts, so without this a long
    text such as "≈417 cases (derived)" is cut off at the chart's edge in a half-width chart.
    """
    reach = 0.0
    for text, position in zip(texts, positions, strict=True):
        width = max(drawn_units(line) for line in str(text).split("<br>")) * TEXT_UNIT_PX + 6
        reach = max(reach, width - (1 - position) * plot_width)
    return max(30, round(reach + 10))


def break_label(text: str, width: int = LABEL_WIDTH) -> str:
    """An axis category label, escaped and wrapped onto lines of at most `width` half-width units."""
    return "<br>".join(plot_text(line) for line in wrap_text(text, width))


def rows_height(labels: list[str], width: int = LABEL_WIDTH, per_line: int = 17, gap: int = 16) -> int:
    """Pixels that horizontal bars need so that their wrapped labels never overlap."""
    return sum(len(wrap_text(label, width)) * per_line + gap for label in labels)


# --- the screen: one figure for a desktop and a phone ------------------------------------------------
# A figure cannot know the width it is drawn at, and a phone (390 px) draws a chart 358 px wide. The
# screen's copy of a chart is therefore laid out so that it also reads at that width; exports lay
# their figures out afresh for their own sizes (charts.export).
PHONE_CHART_PX = 358
SCREEN_TITLE_WIDTH = 34  # half-width units of the 17 px title on a phone's chart
SCREEN_SUBTITLE_WIDTH = 46  # ... of the 13 px subtitle
SCREEN_LABEL_WIDTH = 24  # left category labels: at most ~175 px (English ~150), the plot keeps the rest
SCREEN_X_LABEL_WIDTH = 12  # bottom category labels of a chart with few categories (before / after)
SCREEN_POINT_TEXT_WIDTH = 12  # texts written beside a marker (before/after values)
PHONE_PLOT_PX = 110  # the plot area of a horizontal bar chart on a phone, beside its wrapped labels
MAX_TICKS = 4  # labelled ticks on a linear value axis (plotly's nticks is a maximum)
SCREEN_AXIS_TITLE_WIDTH = 22  # value axis titles wrap to the plot of a phone's chart
MAX_LOG_TICKS = 4  # labelled decades on a log axis (万/亿 texts are wider than digits)


def _plain(text: str) -> str:
    """A plotly label as the text it shows: line breaks as spaces, entities read."""
    return html.unescape(re.sub(r"<[^>]*>", "", str(text).replace("<br>", " ")))


CLOSING = "）》」』】〕”’，。、；：！？),.;:!?%"
OPENING = "（《「『【〔“‘("


def _wrap(text: str, width: int) -> list[str]:
    """wrap_text, without a line that starts with closing punctuation or ends with opening punctuation
    (not "账户（户" / "）"): the character before moves down with it."""
    lines = wrap_text(text, width)
    for index in range(1, len(lines)):
        before = lines[index - 1]
        while len(before) > 1 and (lines[index][:1] in tuple(CLOSING) or before[-1] in OPENING):
            before, lines[index] = before[:-1], before[-1] + lines[index]
        lines[index - 1] = before
    return [line for line in lines if line]


def _title_text(title: str, subtitle: str) -> tuple[str, int, int]:
    title_lines = _wrap(title, SCREEN_TITLE_WIDTH)
    subtitle_lines = _wrap(subtitle, SCREEN_SUBTITLE_WIDTH) if subtitle else []
    text = "<br>".join(plot_text(line) for line in title_lines)
    if subtitle_lines:
        text += "<br>" + "<br>".join(
            f"<span style=\"font-size:13px;color:{NEUTRAL_COLOR}\">{plot_text(line)}</span>" for line in subtitle_lines
        )
    return text, len(title_lines), len(subtitle_lines)


# The screen's copy is laid out on the figure's plain dict (`to_dict()`), not on plotly objects: every
# attribute set on a plotly figure walks its property tree and dispatches relayout callbacks, which
# made this copy ~100 ms of each compare rerun (bench interaction). The dict is wrapped in a Figure
# unvalidated at the end: every value in it came from a validated figure or from the numbers below.


def _get(mapping: dict | None, *path: str):
    """mapping[path[0]][path[1]]…, or None where a step is missing (plotly's unset property)."""
    for key in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


def _axis_names(layout: dict) -> list[str]:
    """The layout's axes as plotly lists them: xaxis and yaxis always, numbered ones when set."""
    numbered = [name for name in layout if re.fullmatch(r"[xy]axis\d+", name)]
    return ["xaxis", "yaxis", *numbered]


def _thin_log_ticks(axis: dict) -> None:
    """At most MAX_LOG_TICKS labelled decades on a log axis with its own tick texts (every other one, ...)."""
    values, texts = list(axis.get("tickvals") or []), list(axis.get("ticktext") or [])
    if len(values) <= MAX_LOG_TICKS or len(values) != len(texts):
        return
    step = math.ceil(len(values) / MAX_LOG_TICKS)
    keep = range(len(values) - 1, -1, -step)  # keep the largest decade
    axis.update(tickvals=[values[i] for i in sorted(keep)], ticktext=[texts[i] for i in sorted(keep)])


def _is_horizontal_bar(trace: dict) -> bool:
    return trace.get("type") == "bar" and trace.get("orientation") == "h"


def _wrap_left_labels(spec: dict) -> tuple[int, int]:
    """Re-wrap the left axis's category labels of horizontal bars to SCREEN_LABEL_WIDTH (their tick
    texts only: the categories stay as built); the pixels of height the extra lines need, and the
    plot height the rows need."""
    bars = [trace for trace in spec["data"] if _is_horizontal_bar(trace) and trace.get("y") is not None]
    axis = spec["layout"].setdefault("yaxis", {})
    if not bars or axis.get("ticktext") is not None:
        return 0, 0
    labels = list(dict.fromkeys(str(y) for trace in bars for y in trace["y"]))
    wrapped = [_wrap(_plain(label), SCREEN_LABEL_WIDTH) for label in labels]
    axis.update(tickmode="array", tickvals=labels, ticktext=["<br>".join(plot_text(line) for line in lines) for lines in wrapped])
    # Bars share the plot's height evenly: every row needs room for the tallest label. The builder
    # sized the plot by rows_height (each label's own lines).
    needed = len(labels) * (17 * max(len(lines) for lines in wrapped) + 10)
    built = sum(17 * len(label.split("<br>")) + 16 for label in labels)
    return max(0, needed - built), needed


def _wrap_bottom_labels(spec: dict) -> int:
    """Re-wrap a single x axis's few category labels (tick texts only) to SCREEN_X_LABEL_WIDTH; the
    pixels of height the extra lines need."""
    layout = spec["layout"]
    axis = layout.setdefault("xaxis", {})
    categories = list(axis.get("categoryarray") or [])
    if not categories or axis.get("ticktext") is not None or len(categories) > 4 or "xaxis2" in layout:
        return 0
    wrapped = [[wrapped for line in str(c).split("<br>") for wrapped in _wrap(_plain(line), SCREEN_X_LABEL_WIDTH)] for c in categories]
    axis.update(tickmode="array", tickvals=categories, ticktext=["<br>".join(plot_text(line) for line in lines) for lines in wrapped])
    return 17 * max(0, max(len(lines) for lines in wrapped) - max(len(str(c).split("<br>")) for c in categories))


def _outside_texts(spec: dict) -> list[tuple[object, object]]:
    """(value, text) of every value written outside a horizontal bar."""
    return [
        (value, text)
        for trace in spec["data"]
        if _is_horizontal_bar(trace) and trace.get("textposition") == "outside" and trace.get("text") is not None
        for value, text in zip(trace.get("x") if trace.get("x") is not None else (), trace["text"], strict=False)
    ]


def _outside_text_reach(spec: dict) -> int:
    """The right margin that holds values written after horizontal bars on a phone's narrow plot."""
    axis = spec["layout"].get("xaxis", {})
    if axis.get("range") is None or axis.get("type") != "log":
        return 0  # linear axes: _fit_linear_outside_texts widened the range instead
    start, end = axis["range"]
    texts, positions = [], []
    for value, text in _outside_texts(spec):
        if value is None or value <= 0:
            continue
        position = (math.log10(value) - start) / (end - start)
        texts.append(str(text))
        positions.append(min(max(position, 0.0), 1.0))
    return outside_text_margin(texts, positions, PHONE_PLOT_PX) if texts else 0


def _is_value_axis(spec: dict, name: str) -> bool:
    """Whether every trace on this axis plots numbers along it (a category axis keeps every label)."""
    letter, ref = name[0], name[0] + name[len("xaxis"):]
    values = [v for trace in spec["data"] if (trace.get(f"{letter}axis") or letter) == ref for v in (_values(trace.get(letter)))]
    return bool(values) and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values if v is not None)


def _values(array) -> list:
    """A data array as a list: plain lists, tuples and NumPy arrays alike (None: no values)."""
    if array is None:
        return []
    return array.tolist() if hasattr(array, "tolist") else list(array)


def _fit_linear_outside_texts(spec: dict) -> None:
    """Widen a linear x range so that the values written outside horizontal bars, before negative
    bars too, stay inside a phone's narrow plot (PHONE_PLOT_PX) instead of over the labels."""
    axis = spec["layout"].get("xaxis", {})
    if axis.get("range") is None or axis.get("type") == "log":
        return
    texts = [
        (float(value), (drawn_units(str(text)) * TEXT_UNIT_PX + 8) / PHONE_PLOT_PX)
        for value, text in _outside_texts(spec)
        if isinstance(value, numbers.Real)
    ]
    if not texts:
        return
    start, end = axis["range"]
    for _ in range(8):  # each end moves with the span; a few rounds settle it
        span = end - start
        start = min([start, *(v - min(k, 0.45) * span for v, k in texts if v < 0)])
        end = max([end, *(v + min(k, 0.45) * span for v, k in texts if v >= 0)])
    axis["range"] = [start, end]


def build_screen_figure(figure: go.Figure, title: str, subtitle: str) -> go.Figure:
    """A copy of `figure` as the page draws it, readable on a desktop and on a phone alike.

    The title and subtitle wrap to a phone's chart, left category labels to SCREEN_LABEL_WIDTH (the
    chart grows by the lines this adds), value axes show at most MAX_TICKS labelled ticks, values
    after bars and beside markers keep room on a narrow plot, and the chart neither zooms nor pans
    (a finger scrolling the page would zoom it; every chart has its own exports below it).
    """
    spec = figure.to_dict()  # a deep copy: exports lay out the original
    spec.setdefault("data", [])
    layout = spec.setdefault("layout", {})
    height = layout.get("height") or 420
    title_lines = subtitle_lines = 0
    if _get(layout, "title", "text"):
        old_title = len(wrap_text(title, TITLE_WIDTH))
        old_subtitle = len(wrap_text(subtitle, SUBTITLE_WIDTH)) if subtitle else 0
        text, title_lines, subtitle_lines = _title_text(title, subtitle)
        layout["title"]["text"] = text
        height += 23 * (title_lines - old_title) + 19 * (max(subtitle_lines, 1) - max(old_subtitle, 1))
    stacked = _is_small_multiples(spec)
    if stacked:
        plot_height, pad = _stack_panels(spec, PHONE_CHART_PX)
        layout.setdefault("title", {}).setdefault("pad", {})["b"] = pad
        height = 20 + 23 * title_lines + 19 * subtitle_lines + pad + plot_height + layout["margin"]["b"]
        rows_px = 0
    else:
        extra, rows_px = _wrap_left_labels(spec)
        height += extra + _wrap_bottom_labels(spec)
    for name in _axis_names(layout):
        axis = layout.setdefault(name, {})
        axis["fixedrange"] = True
        if axis.get("type") == "log" and axis.get("tickvals") is not None:
            _thin_log_ticks(axis)
        elif (
            axis.get("tickmode") != "array"
            and axis.get("type") in (None, "-", "linear")
            and not (stacked and axis.get("nticks"))
            and _is_value_axis(spec, name)
        ):
            axis["nticks"] = MAX_TICKS
        axis_title = _get(axis, "title", "text")
        if axis_title and "<br>" not in str(axis_title):
            axis["title"]["text"] = "<br>".join(plot_text(line) for line in _wrap(_plain(axis_title), SCREEN_AXIS_TITLE_WIDTH))
    if not stacked:  # a stacked figure's panels made room for their values themselves
        _fit_linear_outside_texts(spec)
    reach = _outside_text_reach(spec)
    if reach > (_get(layout, "margin", "r") or 0):
        layout.setdefault("margin", {})["r"] = reach
    for trace in spec["data"]:
        if trace.get("type") == "scatter" and trace.get("textposition") == "middle right" and trace.get("text") is not None:
            trace["text"] = ["<br>".join(plot_text(line) for line in _wrap(_plain(text), SCREEN_POINT_TEXT_WIDTH)) for text in trace["text"]]
    if rows_px:  # everything around the plot, estimated; on a phone a legend shows one entry a row
        shown = layout.get("showlegend")
        entries = sum(1 for trace in spec["data"] if trace.get("showlegend") is not False and trace.get("name")) if shown else 0
        if entries and _get(layout, "legend", "yanchor") == "bottom":  # above the plot: on a phone one entry a row
            layout["legend"]["y"] = 1.0
            layout.setdefault("title", {}).setdefault("pad", {})["b"] = 26 + 22 * entries
        axis_title = str(_get(layout, "xaxis", "title", "text") or "")
        around = 20 + 23 * title_lines + 19 * subtitle_lines + 14 + 44 * entries + 50 + 20 + 17 * (axis_title.count("<br>") + 1)
        height = max(height, around + rows_px)
    layout["height"] = height
    layout["dragmode"] = False
    return go.Figure(spec, _validate=False)


# --- small multiples (the compare chart): one panel a row, horizontal bars ---------------------------------
# Side by side, three panels of a 358 px chart are ~80 px wide each: their x labels and titles run into
# one another. The screen draws each panel across the chart's whole width instead, one below the other,
# its bars horizontal with their labels on the left (one row each, however many regions an upload
# adds), the values after the bars. The same layout reads at 1400 px: a list of bars per metric.
PANEL_LABEL_WIDTH = 18  # half-width units of a bar's label on the left (~130 px of a phone's 358)
PANEL_TITLE_UNITS = 44  # a panel title's lines over the chart's width
PANEL_ROW_LINE_PX, PANEL_ROW_GAP_PX = 17, 12  # a bar's row: each label line, and the space between rows
PANEL_TITLE_LINE_PX = 18
PANEL_BELOW_PX = 26  # under a panel: its value ticks (the axis title adds a line each)


def _is_small_multiples(spec: dict) -> bool:
    """Vertical bars, one trace per panel, each panel titled by an annotation (charts.compare)."""
    traces, annotations = spec["data"], spec["layout"].get("annotations") or []
    return (
        bool(traces)
        and len(annotations) == len(traces)
        and all(trace.get("type") == "bar" and trace.get("orientation") != "h" for trace in traces)
        and len({trace.get("xaxis") or "x" for trace in traces}) == len(traces)
    )


def _tick_label_units(value_range) -> int:
    """Half-width units of the widest tick label of a linear value axis (written out in full)."""
    top = max(abs(v) for v in (value_range or [0, 1]))
    return len(f"{top:,.0f}") if top >= 10 else len(f"{top:.2g}") + 1


def _axis_name(ref: str | None, letter: str) -> str:
    """"x3" -> "xaxis3", None/"x" -> "xaxis"."""
    return f"{letter}axis{(ref or letter)[1:]}"


def _stack_panels(spec: dict, plot_px: float) -> tuple[int, int]:
    """Lay the panels of a small-multiples figure (a plain dict, in place) one a row as horizontal
    bars across a chart `plot_px` wide; returns the plot area's height and the top margin's pad (the
    first panel's title) in pixels."""
    layout = spec["layout"]
    margin = layout.setdefault("margin", {})
    panels = []
    for trace, annotation in zip(spec["data"], layout["annotations"], strict=True):
        x_name, y_name = _axis_name(trace.get("xaxis"), "x"), _axis_name(trace.get("yaxis"), "y")
        categories = list(dict.fromkeys(str(c) for c in _values(trace.get("x"))))
        labels = [_wrap(_plain(c), PANEL_LABEL_WIDTH) for c in categories]  # the builder's lines joined, wrapped afresh
        title = _wrap(_plain(annotation.get("text", "")), PANEL_TITLE_UNITS)
        value_axis = layout.setdefault(y_name, {})
        axis_title = str(_get(value_axis, "title", "text") or "")
        axis_title_lines = _wrap(_plain(axis_title), SCREEN_AXIS_TITLE_WIDTH) if axis_title else []
        rows = len(categories) * (PANEL_ROW_LINE_PX * max(len(lines) for lines in labels) + PANEL_ROW_GAP_PX)
        panels.append((trace, annotation, x_name, y_name, categories, labels, title, value_axis.get("range"), axis_title_lines, rows))
    widest = max(text_width(line) for panel in panels for lines in panel[5] for line in lines) * TEXT_UNIT_PX  # plain text: as drawn
    margin["l"] = math.ceil(widest + 16)
    # The value ticks of the widest range ("5,000,000,000" is ~95 px): the last one is centred on its
    # tick near the plot's right edge, and fewer of them fit a phone's plot.
    tick_px = max(_tick_label_units(panel[7]) for panel in panels) * TEXT_UNIT_PX
    margin["r"] = math.ceil(max(30, tick_px / 2 + 6))
    margin["b"] = PANEL_BELOW_PX + 17 * len(panels[-1][8]) + 10
    plot = plot_px - margin["l"] - margin["r"]  # the plot's width
    # The pixels from the plot area's top: each panel's title (the first one's sits in the title's pad),
    # its rows, then its ticks and axis title (the last one's in the bottom margin).
    spans, y = [], 0
    for index, (*_, title, _, axis_title_lines, rows) in enumerate(panels):
        if index:
            y += PANEL_TITLE_LINE_PX * len(title) + 8
        spans.append((y, y + rows))
        y += rows
        if index < len(panels) - 1:
            y += PANEL_BELOW_PX + 17 * len(axis_title_lines) + 18
    height = y
    for (trace, annotation, x_name, y_name, categories, labels, title, value_range, axis_title_lines, _), (top, bottom) in zip(panels, spans, strict=True):
        values, texts = _values(trace.get("y")), _values(trace.get("text"))
        trace.update(x=values, y=_values(trace.get("x")), orientation="h")
        start, end = value_range if value_range is not None else (0.0, max([v for v in values if v is not None] or [1.0]) * 1.25)
        if trace.get("textposition") == "outside":  # room after each bar for its value, on a narrow plot
            reach = [(float(v), (drawn_units(str(s)) * TEXT_UNIT_PX + 10) / plot) for v, s in zip(values, texts, strict=False) if v is not None]
            for _ in range(8):
                end = max([end, *(v + min(k, 0.6) * (end - start) for v, k in reach)])
        domain = [1 - bottom / height, 1 - top / height]
        layout[x_name] = {
            **copy.deepcopy(layout[y_name]),
            "domain": [0.0, 1.0],
            "anchor": trace.get("yaxis") or "y",
            "range": [start, end],
            "title": {"text": "<br>".join(plot_text(line) for line in axis_title_lines), "standoff": 6},
            "tickangle": 0,
            "nticks": max(2, min(MAX_TICKS, int(plot // (tick_px + 24)))),
            "automargin": False,
        }
        layout[y_name] = {
            **{k: v for k, v in layout[x_name].items() if k in ("gridcolor", "zerolinecolor", "fixedrange")},
            "domain": domain,
            "anchor": trace.get("xaxis") or "x",
            "type": "category",
            "tickmode": "array",
            "tickvals": categories,
            "ticktext": ["<br>".join(plot_text(line) for line in lines) for lines in labels],
            "autorange": "reversed",
            "showgrid": False,
            "automargin": False,
        }
        annotation.update(
            text="<br>".join(plot_text(line) for line in title), x=0.0, xanchor="left", xref="paper",
            xshift=4 - margin["l"], y=domain[1], yanchor="bottom", yref="paper", yshift=4, align="left",
        )
    return height, PANEL_TITLE_LINE_PX * len(panels[0][6]) + 14
