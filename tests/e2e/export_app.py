"""A one-chart Streamlit page with the export buttons, for the browser test of exports."""

from __future__ import annotations

import streamlit as st

from loaders.frame import build_all_figures
from tests.test_export import build_gansu_chart
from ui.export import render_chart_downloads, render_page_export

chart = build_gansu_chart(build_all_figures(include_uploaded=False))
st.plotly_chart(chart.figure, key="demo_figure")
render_chart_downloads(chart, "demo")
render_page_export("crackdown", [chart], "zh")
