"""The map and trends pages against the bare one-chart app, with many uploaded figures in the store.

    python bench/pages_speed.py [--quick] [--runs N] [--figures N] [--json]

Also `python bench/run.py --only pages_big` (the `pages_big` benchmark, `summary` below). The method is the
`interaction` benchmark's (bench/browser.py): one headless Chromium; a redraw is timed inside the
page from the press on the new option to the first frame where the chart's drawn text and shapes
differ from before. Both servers are started once; the store is filled with `--figures` uploaded
figures (bench/worker.py fill: prefectures × months × 12 metrics, 1,000,000 by default) plus one
upload of 31 provinces × 3 years × 2 metrics, so the national map has something to draw.

Measured, each the median of `runs`, ours against the bare app (bench/bare_app.py) in the same run:
- first draw: a fresh browser context opening the page → its chart visible (the first visit, with
  the server's per-store caches cold, is reported apart as `*_cold_first_draw`); the same context
  then times the changes;
- a change of metric: the page's metric selectbox (`map_metric`, `trends_metric`) → the chart
  redrawn; the baseline is the bare app's selectbox → its chart redrawn.
Goal (issue 15): ratio ≤ 1.5 for each.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL = 1.5
PAGES = {
    "map": {"path": "map", "widget": "map_metric", "chart": "map_chart_figure"},
    "trends": {"path": "trends", "widget": "trends_metric", "chart": "trends_chart_figure"},
}
BARE = {"path": "", "widget": "bare_region", "chart": "bare_chart"}
YEARS = (2022, 2023, 2024)
PROVINCE_METRICS = (("立案数", "起", 1000), ("破获案件", "起", 400))


def log(text: str) -> None:
    sys.stderr.write(f"[pages_speed {time.strftime('%H:%M:%S')}] {text}\n")


def province_csv() -> bytes:
    """31 provinces × 2022–2024 × 立案数 and 破获案件 (invented, deterministic)."""
    from loaders.catalog import load_catalog

    divisions = load_catalog().divisions
    rows = divisions[(divisions["level"] == "province") & ~divisions["region_code"].isin(["710000", "810000", "820000"])]
    lines = ["地区,期间,指标,数值,计量单位,限定词,来源"]
    for index, name in enumerate(rows["name_zh"]):
        for year in YEARS:
            for metric, unit, base in PROVINCE_METRICS:
                lines.append(f"{name},{year}年,{metric},{base + index * 37 + (year - 2022) * 11},{unit},精确,{name}公安厅")
    return ("\n".join(lines) + "\n").encode("utf-8")


def fill_store(url: str, figures: int) -> dict:
    from loaders.store import Store
    from loaders.tables import check_bytes

    started = time.perf_counter()
    if figures <= 20_000:  # in this process: a subprocess's imports were most of a --quick fill
        from bench.worker import fill

        filled = fill(url, figures)
    else:
        result = subprocess.run([sys.executable, "-m", "bench.worker", "fill", "--db", url, "--figures", str(figures)],
                                cwd=ROOT, capture_output=True, text=True, check=True)  # fmt: skip
        filled = json.loads(result.stdout.strip().splitlines()[-1])
    data = province_csv()
    report = check_bytes(data, "provinces.csv")
    if report.status == "rejected":
        raise RuntimeError([m.message_en for m in report.messages])
    Store(url).save_upload(report, data, "provinces.csv", "bench")
    return {**filled, "province_figures": len(report.figures), "seconds": time.perf_counter() - started}


def first_draw(chromium, url: str, chart: str) -> float:
    from bench.browser import CHART, TIMEOUT_MS, VIEWPORT

    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(f".st-key-{chart} {CHART}", state="visible", timeout=TIMEOUT_MS)
        return time.perf_counter() - started
    finally:
        context.close()


def metric_changes(chromium, url: str, target: dict, count: int) -> tuple[float, list[float]]:
    """(first draw, `count` changes of the target's selectbox): the page opened in a fresh context
    (as `first_draw`), then its metric changed."""
    from bench import browser

    started = time.perf_counter()
    page = browser.open_page(chromium, url, target["chart"])
    drawn = time.perf_counter() - started
    try:
        options = browser.selectbox_options(page, target["widget"])
        if len(options) < 2:
            raise RuntimeError(f"{target['widget']} offers {len(options)} option(s); nothing to change to")
        order = [options[(i + 1) % len(options)] for i in range(count)]
        return drawn, [browser.time_selectbox_change(page, target["widget"], target["chart"], option) for option in order]
    finally:
        page.context.close()


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure(runs: int, figures: int, changes: int, work: Path, cold: bool = True) -> dict:
    """`cold`: time the first visit of each page (the per-store caches cold) apart; bench/run.py's
    --quick skips it (its first draws are then the first visits)."""
    from playwright.sync_api import sync_playwright

    from bench import browser
    from bench.servers import StreamlitServer

    big = f"sqlite:///{work / 'big_store.db'}"
    log(f"filling the store with {figures:,} figures")
    filled = fill_store(big, figures)
    log(f"  filled in {filled['seconds']:.1f} s")
    ours = StreamlitServer("dashboard.py", env={"ANTIFRAUD_DB_URL": big})
    bare = StreamlitServer("bench/bare_app.py", env={"ANTIFRAUD_DB_URL": f"sqlite:///{work / 'empty.db'}"})
    draws: dict[str, list[float]] = {"bare": [], **{name: [] for name in PAGES}}
    redraws: dict[str, list[float]] = {"bare": [], **{name: [] for name in PAGES}}
    cold_draws: dict[str, float] = {}
    with sync_playwright() as playwright:
        chromium = None
        try:
            for server in (ours, bare):  # both boot while the browser starts
                server.start()
            chromium = browser.launch(playwright)
            for server in (ours, bare):
                server.wait_ready()
            for name, target in PAGES.items() if cold else ():  # the first visit: per-store caches cold
                cold_draws[name] = first_draw(chromium, f"{ours.url}/{target['path']}", target["chart"])
                log(f"  {name}: first visit {cold_draws[name]:.2f} s")
            if cold:
                cold_draws["bare"] = first_draw(chromium, bare.url, BARE["chart"])
            for run in range(runs):
                for name, url, target in (("bare", bare.url, BARE), *((n, f"{ours.url}/{t['path']}", t) for n, t in PAGES.items())):
                    drawn, changed = metric_changes(chromium, url, target, changes)
                    draws[name].append(drawn)
                    redraws[name] += changed
                log(f"  run {run + 1}: draws {({k: round(v[-1], 3) for k, v in draws.items()})}, "
                    f"changes {({k: [round(x, 3) for x in v[-changes:]] for k, v in redraws.items()})}")  # fmt: skip
        finally:
            if chromium is not None:
                chromium.close()
            ours.stop()
            bare.stop()
    out = {"figures": figures, "fill": filled, "runs": runs, "goal": f"ratio <= {GOAL}"}
    base_draw, base_change = median(draws["bare"]), median(redraws["bare"])
    out["bare"] = {"first_draw": base_draw, "change": base_change, "cold_first_draw": cold_draws.get("bare"),
                   "first_draw_runs": draws["bare"], "change_runs": redraws["bare"]}  # fmt: skip
    for name in PAGES:
        draw, change = median(draws[name]), median(redraws[name])
        out[name] = {
            "first_draw": draw, "first_draw_ratio": draw / base_draw, "cold_first_draw": cold_draws.get(name),
            "change": change, "change_ratio": change / base_change,
            "met": draw / base_draw <= GOAL and change / base_change <= GOAL,
            "first_draw_runs": draws[name], "change_runs": redraws[name],
        }  # fmt: skip
    return out


def summary(result: dict) -> tuple[float, float, str]:
    """(ours, baseline, what) of the worst ratio among the pages' first draws and metric changes:
    bench/run.py's `pages_big` record (every one of them is in the result's `pages`)."""
    worst = max(((result[name][measure], result["bare"][measure], f"{name} {measure}") for name in PAGES for measure in ("first_draw", "change")),
                key=lambda item: item[0] / item[1])  # fmt: skip
    return worst


def to_text(result: dict) -> str:
    rows = [f"{result['figures']:,} uploaded figures; medians of {result['runs']} runs; bare app: first draw "
            f"{result['bare']['first_draw']:.3f} s, selectbox change {result['bare']['change']:.3f} s"]  # fmt: skip
    for name in PAGES:
        r = result[name]
        visit = f"; first visit {r['cold_first_draw']:.2f} s" if r["cold_first_draw"] is not None else ""
        rows.append(f"{name:<7} first draw {r['first_draw']:.3f} s ({r['first_draw_ratio']:.2f}×{visit}), "
                    f"metric change {r['change']:.3f} s ({r['change_ratio']:.2f}×)  {'met' if r['met'] else 'NOT met'} (≤ {GOAL}×)")  # fmt: skip
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/pages_speed.py")
    parser.add_argument("--quick", action="store_true", help="20,000 figures, one run, two changes")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--figures", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    figures = args.figures or (20_000 if args.quick else 1_000_000)
    work = Path(tempfile.mkdtemp(prefix="pages_speed_"))
    try:
        result = measure(runs, figures, 2 if args.quick else 3, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2) if args.json else to_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
