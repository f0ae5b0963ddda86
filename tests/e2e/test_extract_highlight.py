"""The press-release review's highlighted text in a real browser: marks and row badges drawn, nothing from the
text becomes a link or a tag, the box has a fixed height and scrolls, no sideways overflow on a phone."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import launch_chromium, require_chromium, running_app
from tests.test_extract_page import MARKED

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect
LOAD_MS = 60_000
LONG = "\n".join([MARKED] * 12)  # taller than the box


@pytest.mark.parametrize("width", [1400, 390])
def test_highlighted_text_is_inert_marked_and_scrolls(tmp_path, width):
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            with running_app("dashboard.py", tmp_path / "store.db") as url:
                page = browser.new_page(viewport={"width": width, "height": 1600}, locale="zh-CN")
                page.set_default_timeout(LOAD_MS)
                page.goto(f"{url}/upload?lang=zh")
                expect(page.locator("h1").first).to_contain_text("上传", timeout=LOAD_MS)
                area = page.get_by_label("或粘贴文字")
                area.fill(LONG)
                area.press("Control+Enter")
                text = page.locator(".af-evtext")
                expect(text).to_be_visible(timeout=LOAD_MS)
                expect(text.locator("a")).to_have_count(0)
                expect(text.locator("script")).to_have_count(0)
                expect(text).to_contain_text("<script>alert(1)</script> **bold** [x](http://evil.example)")
                assert text.locator("mark.af-doubt").count() == 12
                assert text.locator("sup").first.inner_text() == "1"
                assert text.locator("sup.af-doubt").first.inner_text().endswith("?")
                box = page.locator(".st-key-extract_highlight")
                size = box.evaluate("b => [b.clientHeight, b.scrollHeight, b.scrollWidth, b.clientWidth]")
                assert size[0] <= 380 and size[1] > size[0], size  # fixed height, scrolls
                assert size[2] <= size[3], size  # no sideways overflow
                expect(page.get_by_test_id("stException")).to_have_count(0)
                box.scroll_into_view_if_needed()
                page.screenshot(path=str(tmp_path / f"extract_highlight_{width}.png"))
                page.close()
        finally:
            browser.close()
