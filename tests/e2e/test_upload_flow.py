"""The analyst's whole flow in a real browser: a GBK CSV uploaded, confirmed, and still on the
comparison page after the server restarts."""

from __future__ import annotations

import pytest

from tests.corpus_fixtures import build
from tests.e2e.conftest import launch_chromium, require_chromium, running_app

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect

GBK_NAME = "gbk_excel_export.csv"  # built in code (tests/corpus_fixtures.py): GBK, CRLF, no BOM
LOAD_MS = 60_000


def test_gbk_upload_survives_a_restart_and_shows_on_the_comparison_page(tmp_path):
    gbk_csv = tmp_path / GBK_NAME
    gbk_csv.write_bytes(build(GBK_NAME))
    assert gbk_csv.read_bytes().decode("gb18030").startswith("地区")  # really GBK, not UTF-8
    store = tmp_path / "store.db"
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            with running_app("dashboard.py", store) as url:
                page = browser.new_page(viewport={"width": 1400, "height": 2000}, locale="zh-CN")
                page.set_default_timeout(LOAD_MS)
                page.goto(f"{url}/compare?lang=zh")
                expect(page.locator("h1").first).to_contain_text("对比", timeout=LOAD_MS)
                chart = page.locator(".js-plotly-plot").first
                expect(chart.locator(".main-svg").first).to_be_attached(timeout=LOAD_MS)
                expect(chart).not_to_contain_text("北京市")

                page.goto(f"{url}/upload?lang=zh")
                expect(page.locator("h1").first).to_contain_text("上传", timeout=LOAD_MS)
                page.locator("input[type=file]").first.set_input_files(str(gbk_csv))
                expect(page.get_by_text("校验通过", exact=False).first).to_be_visible(timeout=LOAD_MS)
                expect(page.get_by_text("gb18030", exact=False).first).to_be_visible()
                page.get_by_label("上传人（姓名或单位）").fill("北京市反诈中心")
                page.get_by_role("button", name="确认保存").click()
                expect(page.get_by_text(f"已保存 {GBK_NAME}", exact=False).first).to_be_visible(timeout=LOAD_MS)
                expect(page.get_by_test_id("stException")).to_have_count(0)
                page.close()

            with running_app("dashboard.py", store) as url:  # a restarted server, the same store
                page = browser.new_page(viewport={"width": 1400, "height": 2000}, locale="zh-CN")
                page.set_default_timeout(LOAD_MS)
                page.goto(f"{url}/compare?lang=zh")
                expect(page.locator("h1").first).to_contain_text("对比", timeout=LOAD_MS)
                chart = page.locator(".js-plotly-plot").first
                expect(chart.locator(".main-svg").first).to_be_attached(timeout=LOAD_MS)
                expect(chart).to_contain_text("北京市", timeout=LOAD_MS)
                expect(page.get_by_test_id("stException")).to_have_count(0)
                page.goto(f"{url}/upload?lang=zh")
                expect(page.get_by_text(GBK_NAME, exact=False).first).to_be_attached(timeout=LOAD_MS)
                page.close()
        finally:
            browser.close()
