"""In a real browser: a chart's PNG download and the page export deliver the files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from tests.e2e.conftest import launch_chromium, require_chromium, running_app

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")
require_chromium()


@pytest.fixture(scope="module")
def app_url():
    with running_app("tests/e2e/export_app.py") as url:
        yield url


@pytest.fixture
def page(app_url):
    with playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(accept_downloads=True, locale="zh-CN")
        tab = context.new_page()
        tab.goto(app_url)
        yield tab
        browser.close()


def test_chart_png_download_delivers_a_slide_sized_image(page):
    expect = playwright.expect
    page.get_by_role("button", name="导出", exact=True).click()
    button = page.get_by_role("button", name="PNG 图片")
    expect(button).to_be_visible(timeout=30_000)
    with page.expect_download(timeout=90_000) as info:
        button.click()
    data = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == "gansu_persons.png"
    assert Image.open(io.BytesIO(data)).size == (1920, 1080)
    expect(page.get_by_text("Traceback")).to_have_count(0)


def test_page_export_delivers_deck_and_workbook(page):
    expect = playwright.expect
    page.get_by_role("button", name="导出本页").click()
    pptx_button = page.get_by_role("button", name="下载 PPTX 演示文稿")
    expect(pptx_button).to_be_visible(timeout=90_000)
    expect(page.get_by_text("演示文稿 3 页")).to_be_visible()
    with page.expect_download(timeout=30_000) as info:
        pptx_button.click()
    deck = Presentation(info.value.path())
    assert len(deck.slides) == 3
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="下载 XLSX 工作簿").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    expect(page.get_by_text("Traceback")).to_have_count(0)
