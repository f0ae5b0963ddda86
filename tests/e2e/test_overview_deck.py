"""The overview's "导出本页" deck opens with the headline figures the page showed (its cards)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import launch_chromium, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect
LOAD_MS = 60_000


def test_overview_deck_from_the_dashboard_has_the_headline_slides(dashboard_url):
    from pptx import Presentation

    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            tab = chromium.new_context(viewport={"width": 1400, "height": 2200}, accept_downloads=True).new_page()
            tab.set_default_timeout(LOAD_MS)
            tab.goto(f"{dashboard_url}/?lang=zh")
            expect(tab.get_by_test_id("stMetric").first).to_be_visible(timeout=LOAD_MS)
            labels = [text.strip() for text in tab.get_by_test_id("stMetricLabel").all_inner_texts()]
            expect(tab.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_MS)
            tab.get_by_role("button", name="导出本页").click()
            button = tab.get_by_role("button", name="下载 PPTX 演示文稿")
            expect(button).to_be_visible(timeout=120_000)
            with tab.expect_download(timeout=30_000) as info:
                button.click()
            deck = Presentation(info.value.path())
            slides = list(deck.slides)
            assert slides[1].shapes.title.text == "主要数字"
            cells = [cell.text for slide in slides for shape in slide.shapes if shape.has_table for row in shape.table.rows for cell in row.cells]
            assert labels and all(label in cells for label in labels), (labels, cells)
            expect(tab.get_by_text(f"演示文稿 {len(slides)} 页")).to_be_visible()  # the message counts the headline slides
            expect(tab.get_by_test_id("stException")).to_have_count(0)
        finally:
            chromium.close()
