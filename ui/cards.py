"""Metric cards of the overview, drawn with every text escaped (region names may come from uploads)."""

from __future__ import annotations

import streamlit as st

from charts.cards import Card
from ui.markdown import escape_markdown

COLUMNS = 3
SHOWN_KEY = "_cards_shown_this_run"  # the overview deck's headline slide (ui.export) shows the cards the page showed


def render_cards(cards: list[Card], key: str) -> None:
    """Cards grouped under a heading per region and period, three to a row."""
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
                    label=escape_markdown(card.label),
                    value=escape_markdown(card.value),
                    delta=escape_markdown(card.delta) if card.delta else None,
                    delta_color=card.delta_color,
                    delta_arrow=card.delta_arrow,
                    help=escape_markdown(card.help),
                    border=True,
                )
