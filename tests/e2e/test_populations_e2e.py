"""A population table in a real browser: uploaded in the upload page's population section, stored,
listed as uploaded, and named with its year and source in compare's per-100k caveats."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import launch_chromium, require_chromium, running_app

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect

LOAD_MS = 60_000
TABLE = "地区,年份,常住人口（万人）,来源\n百色市,2024,357.1,百色市2024年统计公报\n"


def test_an_uploaded_population_reaches_the_per_100k_caveats(tmp_path):
    table = tmp_path / "人口.csv"
    table.write_text(TABLE, encoding="utf-8")
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            with running_app("dashboard.py", tmp_path / "store.db") as url:
                page = browser.new_page(viewport={"width": 1400, "height": 2200}, locale="zh-CN")
                page.set_default_timeout(LOAD_MS)
                page.goto(f"{url}/upload?lang=zh")
                expect(page.locator("h1").first).to_contain_text("上传", timeout=LOAD_MS)
                section = page.get_by_test_id("stExpander").filter(has_text="上传人口数据")
                section.get_by_text("上传人口数据").first.click()
                section.locator("input[type=file]").set_input_files(str(table))
                expect(section.get_by_text("将保存的人口（1行）")).to_be_visible(timeout=LOAD_MS)
                section.get_by_label("上传人（姓名或单位）").fill("百色市公安局")
                section.get_by_role("button", name="保存人口数据").click()
                expect(page.get_by_text("已保存1行人口数据（上传）")).to_be_visible(timeout=LOAD_MS)
                expect(page.get_by_text("已上传的人口（上传数据）")).to_be_visible()
                expect(page.get_by_test_id("stException")).to_have_count(0)

                page.goto(f"{url}/compare?lang=zh&mode=per_100k")
                expect(page.locator("h1").first).to_contain_text("对比", timeout=LOAD_MS)
                caveats = page.get_by_test_id("stAlert").filter(has_text="人口：")
                expect(caveats).to_contain_text("百色市 357.1万人（2024年，百色市2024年统计公报，上传数据）", timeout=LOAD_MS)
                expect(page.get_by_test_id("stException")).to_have_count(0)
                page.close()
        finally:
            browser.close()
