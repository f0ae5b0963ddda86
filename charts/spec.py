"""The one shape every chart travels in: figure, words around it, and the numbers behind it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go


@dataclass
class Chart:
    """A chart ready to show or export.

    `title` names what is shown, `subtitle` the region(s) and period(s), `source_line` starts with
    "数据来源：" / "Source: ", `footnotes` explain qualifiers (≥ ≈ <) and derived figures, and
    `data` holds exactly the numbers plotted (one row per plotted value, with figure_id).
    All text is already in the chart's language `lang` ("zh" or "en").
    """

    chart_id: str
    figure: go.Figure
    title: str
    subtitle: str
    source_line: str
    data: pd.DataFrame
    lang: str = "zh"
    footnotes: list[str] = field(default_factory=list)
    page: str = ""
