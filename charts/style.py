"""The look every chart shares: CJK font, calm colours, title with subtitle, safe text."""

from __future__ import annotations

import html
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
