"""In a real browser: a chart's PNG download and the page export deliver the files."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from tests.conftest import REPO

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "tests/e2e/export_app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("streamlit did not start: " + server.stderr.read().decode()[-2000:])
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture
def page(app_url):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
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
