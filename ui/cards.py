"""Metric cards of the overview, drawn with every text escaped (region names may come from uploads)."""

from __future__ import annotations

import streamlit as st

from charts.cards import Card
from ui.markdown import escape_markdown

COLUMNS = 3
SHOWN_KEY = "_cards_shown_this_run"  # the overview deck's headline slide (ui.export) shows the cards the page showed
# Streamlit cuts a metric's label to one line with an ellipsis: long English labels lost their unit
# at 1400 px ("Two-card crime suspects (pers…"). Labels wrap instead (issue 11.9);
# tests/e2e/test_overview_cards_e2e.py measures that every label's text fits its card.
LABEL_CSS = """<style>
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere; }
[data-testid="stMetricLabel"] { height: auto; min-height: 1.5rem; }
</style>"""


def card_label(card: Card) -> str:
    """The label as Markdown: the escaped text, and an uploaded figure's mark as a badge."""
    label = escape_markdown(card.label)
    return f":orange-badge[{escape_markdown(card.mark)}] {label}" if card.mark else label


def render_cards(cards: list[Card], key: str) -> None:
    """Cards grouped under a heading per region and period, three to a row."""
    st.html(LABEL_CSS)
    st.session_state[SHOWN_KEY] = list(cards)
    groups: dict[str, list[Card]] = {}
    for card in cards:
        groups.setdefault(card.group, []).append(card)
    for group, members in groups.items():
        st.markdown(f"##### {escape_markdown(group)}")
        for start in range(0, len(members), COLUMNS):
            columns = st.columns(COLUMNS)
            for column, card in zip(columns, members[start : start + COLUMNS], strict=False):
                column.metric(
                    label=card_label(card),
                    value=escape_markdown(card.value),
                    delta=escape_markdown(card.delta) if card.delta else None,
                    delta_color=card.delta_color,
                    delta_arrow=card.delta_arrow,
                    help=escape_markdown(card.help),
                    border=True,
                )
