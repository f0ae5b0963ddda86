"""趋势 and 地图 in a real headless Chromium over a store holding a 31-province, three-year upload
(and 广东's prefectures for two years): the lines draw, the map draws every province (and the
南海诸岛 inset, and a province's prefectures), its hover gives the region's trend in brief, no
exception, in both languages at desktop and phone widths, and no request leaves the app's host
(every other request is blocked and counted; zero allowed).

Screenshots go to artifacts/screenshots/<view>_<lang>_<width>.png (kept by CI, not by git). With
ANTIFRAUD_README_SCREENSHOTS=1 the desktop Chinese views also refresh README's docs/screenshots/
trends.png and map.png (the chart alone, reduced to a 64-colour palette to keep them small).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import require_chromium, running_app

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
LOAD_MS = 45_000
REGIONS = ["110000", "120000", "140000", "620000"]
README_SCREENSHOTS = REPO / "docs" / "screenshots"


def save_readme_screenshot(locator, name: str) -> None:
    """The chart as README shows it: a small palette PNG in docs/screenshots/ (only when asked)."""
    if os.environ.get("ANTIFRAUD_README_SCREENSHOTS") != "1":
        return
    from PIL import Image

    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(locator.screenshot())).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(README_SCREENSHOTS / f"{name}.png", optimize=True)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    from loaders.store import Store
    from loaders.tables import check_bytes
    from tests.test_maps import prefecture_csv
    from tests.test_trends import upload_csv

    store = tmp_path_factory.mktemp("trends_e2e") / "store.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{store}")
        for name, data in (("provinces.csv", upload_csv()), ("guangdong.csv", prefecture_csv())):
            Store().save_upload(check_bytes(data, name), data, name, "test")
    with running_app("dashboard.py", store) as url:
        yield url


def offline_context(browser, app_url: str, width: int):
    """A context whose requests off the app's host are aborted and listed."""
    host = urlparse(app_url).netloc
    context = browser.new_context(viewport={"width": width, "height": 2400}, locale="zh-CN")
    blocked: list[str] = []

    def route(request_route, request):
        if urlparse(request.url).netloc == host or request.url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(request.url)
            request_route.abort()

    context.route("**/*", route)
    return context, blocked


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_lines_draw_offline(browser, app_url, lang, width):
    context, blocked = offline_context(browser, app_url, width)
    page = context.new_page()
    page.set_default_timeout(LOAD_MS)
    try:
        query = "".join(f"&regions={r}" for r in REGIONS)
        page.goto(f"{app_url}/trends?lang={lang}&metric=cases_filed{query}")
        expect(page.get_by_test_id("stMainBlockContainer").locator("h1").first).to_contain_text("趋势" if lang == "zh" else "Trends")
        chart = page.locator(".stPlotlyChart").first
        expect(chart.locator(".main-svg .scatterlayer .trace").first).to_be_attached(timeout=LOAD_MS)
        # one line of three years per region (甘肃 has a second trace: its two overlapping 2025 periods)
        expect(chart.locator(".scatterlayer .trace")).to_have_count(len(REGIONS) + 1, timeout=LOAD_MS)
        expect(chart.locator(".scatterlayer .trace .js-line").first).to_be_attached()
        assert chart.locator(".scatterlayer .point").count() >= len(REGIONS) * 3
        expect(chart.locator(".legendtext").first).to_be_visible()
        expect(page.get_by_test_id("stDataFrame").last).to_be_visible()  # the trend table (the first is in the chart's closed expander)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_text("Traceback (most recent call last)")).to_have_count(0)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"trends_{lang}_{width}.png"), full_page=True)
        if (lang, width) == ("zh", 1400):
            save_readme_screenshot(chart, "trends")
        leaks = list(blocked)
        assert leaks == [], f"requests left the app's host: {leaks}"
    finally:
        context.close()


def test_the_favicon_is_served_locally(browser, app_url):
    context, blocked = offline_context(browser, app_url, 1400)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/trends?lang=zh")
        expect(page.locator(".stPlotlyChart").first).to_be_visible(timeout=LOAD_MS)
        page.wait_for_load_state("networkidle")
        assert blocked == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_map_draws_every_province_offline(browser, app_url, lang, width):
    context, blocked = offline_context(browser, app_url, width)
    page = context.new_page()
    page.set_default_timeout(LOAD_MS)
    try:
        page.goto(f"{app_url}/map?lang={lang}&metric=cases_filed&period=2024-01-01|2024-12-31")
        expect(page.get_by_test_id("stMainBlockContainer").locator("h1").first).to_contain_text("地图" if lang == "zh" else "Map")
        chart = page.locator(".stPlotlyChart").first
        # 31 provinces with data + 3 without (台湾, 香港, 澳门): every one drawn as a filled path, and
        # the 南海诸岛 inset's 7 (广东, 广西, 海南, 福建, 台湾, 香港, 澳门) again
        provinces = chart.locator(".choroplethlayer path.choroplethlocation")
        expect(provinces).to_have_count(41, timeout=LOAD_MS)
        expect(chart.locator("svg text", has_text="南海诸岛" if lang == "zh" else "South China Sea")).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"map_{lang}_{width}.png"), full_page=True)
        if (lang, width) == ("zh", 1400):
            save_readme_screenshot(chart, "map")
        # the hover of a province with data: its value and its trend in brief
        boxes = sorted((b for b in (provinces.nth(i).bounding_box() for i in range(34)) if b), key=lambda b: -b["width"] * b["height"])
        hover = chart.locator(".hoverlayer .hovertext")
        for box in boxes[:6]:  # the largest provinces' middles (内蒙古's lies in Mongolia: no hover there, try the next)
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
            try:
                expect(hover).to_have_count(1, timeout=1_500)
                break
            except AssertionError:
                continue
        expect(hover).to_contain_text("趋势：2022年" if lang == "zh" else "Trend: 2022", timeout=10_000)
        if width == 1400:  # a province's prefectures: 广东's 21, 5 with data
            page.goto(f"{app_url}/map?lang={lang}&area=440000&metric=cases_filed&period=2024-01-01|2024-12-31")
            chart = page.locator(".stPlotlyChart").first
            expect(chart.locator(".choroplethlayer path.choroplethlocation")).to_have_count(21, timeout=LOAD_MS)
            expect(page.get_by_test_id("stException")).to_have_count(0)
        leaks = list(blocked)
        assert leaks == [], f"requests left the app's host: {leaks}"
    finally:
        context.close()
