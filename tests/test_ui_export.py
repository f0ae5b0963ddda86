"""The export buttons in a Streamlit run: chart downloads render lazily, the page export builds both files."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from charts.export import ExportError, find_browser


def export_app() -> None:
    import streamlit as st

    from loaders.frame import build_all_figures
    from tests.test_export import build_gansu_chart
    from ui.export import render_chart_downloads, render_page_export

    chart = build_gansu_chart(build_all_figures(include_uploaded=False))
    st.plotly_chart(chart.figure, key="demo_figure")
    render_chart_downloads(chart, "demo")
    render_page_export("crackdown", [chart], "zh")


def downloads(at: AppTest) -> dict[str, object]:
    return {element.proto.label: element.proto for element in at.get("download_button")}


def test_chart_downloads_render_without_making_an_image(monkeypatch):
    import charts.export

    calls = []
    monkeypatch.setattr(charts.export.BrowserServer, "render", lambda *a, **k: calls.append(a) or b"")
    at = AppTest.from_function(export_app, default_timeout=60).run()
    assert not at.exception
    assert {"PNG 图片", "SVG", "PDF", "CSV 数据"} <= set(downloads(at))
    assert at.button(key="crackdown_export_page").label == "导出本页"
    assert calls == []  # nothing is rendered until a button is clicked


def test_page_export_builds_deck_and_workbook():
    try:
        find_browser()
    except ExportError as exc:
        pytest.skip(exc.message_en)
    at = AppTest.from_function(export_app, default_timeout=120).run()
    at.button(key="crackdown_export_page").click().run()
    assert not at.exception
    assert not at.error
    assert "演示文稿 3 页" in at.success[0].value
    assert {"下载 PPTX 演示文稿", "下载 XLSX 工作簿"} <= set(downloads(at))


def test_chart_csv_download_is_built_on_click_with_the_chart_numbers():
    from loaders.frame import build_all_figures
    from tests.test_export import build_gansu_chart
    from ui.export import _deferred_csv

    chart = build_gansu_chart(build_all_figures(include_uploaded=False))
    data = _deferred_csv(chart)()
    assert data.startswith("\ufeff".encode())  # Excel opens the UTF-8 CSV as UTF-8
    text = data.decode("utf-8-sig")
    assert "1427" in text  # gs20-001: 1427 two-card suspects arrested, a row of the chart's data


def test_drawing_a_chart_does_not_import_the_deck_or_workbook_writers():
    """python-pptx and openpyxl load only when a file is asked for: they cost the cold start ~0.3 s."""
    import subprocess
    import sys

    from tests.conftest import REPO

    code = "import sys, ui.charts, ui.export; print(sorted(m for m in ('pptx', 'openpyxl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
