"""The look every chart shares: CJK font, calm colours, title with subtitle, safe text."""

from __future__ import annotations

import html

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


def apply_layout(figure: go.Figure, title: str, subtitle: str, *, height: int = 420) -> go.Figure:
    """Title (what) and subtitle (where, when), the CJK font and a quiet white background."""
    figure.update_layout(
        title={
            "text": plot_text(title),
            "subtitle": {"text": plot_text(subtitle), "font": {"size": 13, "color": NEUTRAL_COLOR}},
            "x": 0.0,
            "xanchor": "left",
            "font": {"size": 17},
        },
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT_COLOR},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
        margin={"l": 20, "r": 30, "t": 90, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0, "xanchor": "left"},
        separators=".,",
    )
    figure.update_xaxes(gridcolor=GRID_COLOR, zerolinecolor="#b9c2c8", automargin=True)
    figure.update_yaxes(gridcolor=GRID_COLOR, zerolinecolor="#b9c2c8", automargin=True)
    return figure
