"""Headless Chromium timings of a Streamlit app: server start to first chart, selectbox to redraw.

Every wait is Playwright's own (`wait_for_selector`, `wait_for_function`); nothing sleeps. A redraw is
timed inside the page: from the pointer press on the new option to the first animation frame where
the chart's drawn text (title, ticks, labels) differs from before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.servers import StreamlitServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
CHART = ".js-plotly-plot .main-svg"
TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1400, "height": 1000}

# The drawn text of a chart and its number of shapes: changes when the chart shows other data.
_SIGNATURE = """(selector) => {
    const plot = document.querySelector(selector);
    if (!plot) return null;
    const svgs = Array.from(plot.querySelectorAll('.main-svg'));
    if (!svgs.length) return null;
    return svgs.map(s => s.textContent).join('|') + '#' + plot.querySelectorAll('path').length;
}"""
_ARM = """() => {
    window.__benchPressed = null;
    document.addEventListener('pointerdown', () => { window.__benchPressed = performance.now(); },
                              {capture: true, once: true});
}"""
_REDRAWN = """([selector, before]) => {
    const plot = document.querySelector(selector);
    if (!plot || window.__benchPressed === null) return false;
    const svgs = Array.from(plot.querySelectorAll('.main-svg'));
    if (!svgs.length) return false;
    const now = svgs.map(s => s.textContent).join('|') + '#' + plot.querySelectorAll('path').length;
    return now !== before ? performance.now() - window.__benchPressed : false;
}"""


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class ColdStart:
    seconds: float  # server spawn -> first chart visible
    ready_seconds: float  # server spawn -> health check answers


def time_cold_start(browser, server: StreamlitServer, path: str = "") -> ColdStart:
    """Start `server` (not yet started), open `path` in a fresh context, wait for the first chart."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        started = time.perf_counter()
        server.start()
        server.wait_ready()
        ready = time.perf_counter()
        page = context.new_page()
        page.goto(f"{server.url}/{path}")
        page.wait_for_selector(CHART, state="visible", timeout=TIMEOUT_MS)
        drawn = time.perf_counter()
    finally:
        context.close()
    return ColdStart(seconds=drawn - started, ready_seconds=ready - started)


def open_page(browser, url: str, chart_key: str):
    """A fresh context on `url`, returned once the chart with `chart_key` is drawn."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(f".st-key-{chart_key} {CHART}", state="visible", timeout=TIMEOUT_MS)
    return page


def selectbox_options(page, select_key: str) -> list[str]:
    """The option texts of a selectbox (opens and closes its list)."""
    page.click(f".st-key-{select_key} [role='combobox']")
    options = page.locator("[role='listbox'] [role='option']")
    options.first.wait_for(state="visible", timeout=TIMEOUT_MS)
    texts = [t.strip() for t in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return texts


def time_selectbox_change(page, select_key: str, chart_key: str, option: str) -> float:
    """Choose `option` in the selectbox; seconds from the press on it to the chart's redraw."""
    page.click(f".st-key-{select_key} [role='combobox']")
    choice = page.locator("[role='listbox'] [role='option']", has_text=option).first
    choice.wait_for(state="visible", timeout=TIMEOUT_MS)
    return time_redraw(page, chart_key, choice)


def time_radio_change(page, radio_key: str, chart_key: str, option: str) -> float:
    """Choose `option` of a radio group; seconds from the press on it to the chart's redraw."""
    choice = page.locator(f".st-key-{radio_key} [role='radiogroup'] label", has_text=option).first
    return time_redraw(page, chart_key, choice)


def radio_options(page, radio_key: str) -> list[str]:
    return [t.strip() for t in page.locator(f".st-key-{radio_key} [role='radiogroup'] label").all_inner_texts() if t.strip()]


def time_redraw(page, chart_key: str, target) -> float:
    """Click `target` (a Playwright locator); seconds from the press to the chart's redraw."""
    plot = f".st-key-{chart_key} .js-plotly-plot"
    before = page.evaluate(_SIGNATURE, plot)
    if before is None:
        raise RuntimeError(f"no chart drawn at {plot}")
    page.evaluate(_ARM)
    target.click()
    elapsed_ms = page.wait_for_function(_REDRAWN, arg=[plot, before], timeout=TIMEOUT_MS, polling="raf").json_value()
    return float(elapsed_ms) / 1000
