"""Run every benchmark against its baseline, measured in the same run; print one JSON object.

    python bench/run.py [--quick] [--json] [--only NAME[,NAME]] [--runs N] [--markdown FILE] [--postgres]

With --postgres, ingest_csv and big_store also run on a throw-away PostgreSQL cluster (initdb and
pg_ctl as tests/pg.py finds them; durable settings) and report PostgreSQL against SQLite.
big_store also times the first page run after another process stores a one-figure upload.

Each benchmark gives {"ours", "baseline", "ratio": ours/baseline, "goal", "met", "unit", "runs", ...}:
medians of `runs` runs (1 with --quick, which also shrinks every input). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload  # noqa: E402

BENCHMARKS = ["cold_start", "interaction", "ingest_csv", "ingest_xlsx", "big_store", "export", "pages_big"]
# The longest last, so that a run cut short (see --save) has the others.
RUN_ORDER = ["cold_start", "interaction", "ingest_xlsx", "export", "pages_big", "big_store", "ingest_csv"]
GOALS = {
    "cold_start": "ratio <= 1.3",
    "interaction": "ratio <= 1.5 and ours < 0.5 s",
    "ingest_csv": "ratio <= 8, peak memory growth <= 4x file size, faster than read_csv + to_sql",
    "ingest_xlsx": "ratio <= 1.5",
    "big_store": "every page's rerun ratio <= 2, the first page after an upload <= 2x, no chart over 10,000 points, no exception",
    "export": "ratio <= 0.2",
    "pages_big": "map and trends: first draw and a change of metric each <= 1.5x the bare app's",
}
MAX_CHART_POINTS = 10_000

# The dashboard page and widget the interaction benchmark changes, and the chart it waits for.
DASHBOARD_INTERACTION = {"path": "compare", "widget": "compare_mode", "kind": "radio", "chart": "compare_metrics_figure"}
BARE_INTERACTION = {"path": "", "widget": "bare_region", "kind": "selectbox", "chart": "bare_chart"}


@dataclass
class Settings:
    quick: bool
    runs: int  # runs of each timed measurement
    csv_rows: int
    xlsx_rows: int
    store_figures: int
    changes: int  # selection changes timed per server
    page_timeout: float  # seconds one page may take in the big store before it is stopped
    work: Path
    postgres: object | None = None  # a running bench cluster (`start_postgres`): also measure on PostgreSQL

    @classmethod
    def make(cls, quick: bool, runs: int | None, work: Path) -> Settings:
        if quick:
            return cls(True, runs or 1, 20_000, 2_000, 2_000, 2, 60.0, work)
        return cls(False, runs or 5, 1_000_000, 100_000, 1_000_000, 3, 180.0, work)


def log(text: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {text}\n")
    sys.stderr.flush()


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def record(ours: float, baseline: float, goal: str, met: bool, unit: str, runs: int, **extra) -> dict:
    ratio = ours / baseline if baseline else float("inf")
    return {"ours": ours, "baseline": baseline, "ratio": ratio, "goal": goal, "met": bool(met), "unit": unit,
            "runs": runs, **extra}  # fmt: skip


# ------------------------------------------------------------------ workers


def worker(*args: str, timeout: float = 3600) -> dict:
    """Run `python -m bench.worker ARGS` and return the JSON object on its last output line."""
    command = [sys.executable, "-m", "bench.worker", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"worker {' '.join(args)} failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(lines[-1])


def sqlite_url(settings: Settings, name: str) -> str:
    return f"sqlite:///{settings.work / name}"


def start_postgres():
    """A throw-away PostgreSQL cluster like tests/pg.py's, but durable as an office's would be (fsync,
    synchronous_commit and full_page_writes at their defaults): the comparison with SQLite's
    synchronous=FULL is fair. Stopped by `Cluster.stop` (and by the tests' watchdog if this dies)."""
    from tests import pg

    cluster = pg.start_cluster()  # initdb, then started with the tests' fsync=off options
    done = cluster.run("pg_ctl", "stop", "-D", str(cluster.folder / "data"), "-m", "fast", "-w")
    if done.returncode != 0:
        cluster.stop()
        raise RuntimeError(f"pg_ctl stop failed: {done.stderr}")
    options = (
        f"-c port={cluster.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=50"
    )
    done = cluster.run("pg_ctl", "start", "-D", str(cluster.folder / "data"), "-l", str(cluster.folder / "server.log"),
                       "-w", "-t", "60", "-o", options)  # fmt: skip
    if done.returncode != 0:
        cluster.stop()
        raise RuntimeError(f"pg_ctl start failed: {done.stderr or done.stdout}")
    return cluster


def postgres_url(settings: Settings, name: str) -> str:
    """A new, empty database of the bench cluster; its URL."""
    with settings.postgres.admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE antifraud_empty")
    return settings.postgres.url(name)


def profile_stack(pid: int, depth: int = 25) -> list[str]:
    """The running page's Python stack (py-spy dump), innermost frame first; [] without py-spy."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not os.path.exists(spy):
        return []
    try:
        out = subprocess.run([spy, "dump", "--pid", str(pid)], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    threads = out.split("\nThread ")
    # The script thread runs the page; py-spy lists its frames innermost first.
    chosen = next((t for t in threads if "code_to_exec" in t), threads[-1])
    return [line.strip() for line in chosen.splitlines()[1:] if line.startswith("    ")][:depth]


def page_tour(settings: Settings, url: str, reruns: int) -> dict:
    """Every page's timings; a page run slower than the timeout is stopped and the tour goes on without it."""
    from bench.worker import PAGE_SCRIPTS

    remaining = [name for name in PAGE_SCRIPTS if (ROOT / "pages" / f"{name}.py").exists()]
    out: dict = {"pages": {}}
    while remaining:
        part = _page_tour_once(settings, url, reruns, remaining)
        out.setdefault("app", part.get("app", {}))
        if "after_upload" in part:
            out["after_upload"] = part["after_upload"]
        out["pages"].update(part["pages"])
        done = set(part["pages"])
        if not done:  # the first run itself did not finish: no page can be reached
            for name in remaining:
                out["pages"][name] = {"timed_out": True, "rerun_seconds": None, "not_reached": True,
                                      "stack": part.get("stack", []), "exceptions": [], "max_points": 0, "charts": 0}  # fmt: skip
            break
        remaining = [name for name in remaining if name not in done]
    return out


def _page_tour_once(settings: Settings, url: str, reruns: int, names: list[str]) -> dict:
    """Run the `pages` worker over `names`, reading a line per run, until one run overruns the timeout."""
    command = [sys.executable, "-m", "bench.worker", "pages", "--db", url, "--runs", str(reruns), "--pages", ",".join(names)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    out: dict = {"pages": {}}
    current, since = None, time.monotonic()
    first_timeout = settings.page_timeout * 3  # the first run also builds every figure
    while True:
        limit = (settings.page_timeout if current else first_timeout) - (time.monotonic() - since)
        try:
            line = lines.get(timeout=max(limit, 0.1))
        except queue.Empty:
            stack = profile_stack(process.pid)
            process.kill()
            process.wait()
            if current is None:
                out["stack"] = stack
                log(f"  first run still going after {first_timeout:g} s: stopped")
            else:
                out["pages"][current] = {"timed_out": True, "rerun_seconds": settings.page_timeout, "stack": stack,
                                         "exceptions": [], "max_points": 0, "charts": 0}  # fmt: skip
                log(f"  a run of page {current} still going after {settings.page_timeout:g} s: stopped")
            break
        if line is None:
            break
        if not line.startswith("{"):
            continue
        item = json.loads(line)
        if "app" in item:
            out["app"] = item["app"]
        elif "after_upload" in item:
            out["after_upload"] = item["after_upload"]
            log(f"  first page after an upload: {item['after_upload']['seconds']:.2f} s")
        elif "start" in item:
            current = item["start"]
        elif "page" in item:
            out["pages"][item["page"]] = item["result"]
            log(f"  page {item['page']}: rerun {item['result']['rerun_seconds']:.2f} s")
            current = None
        since = time.monotonic()
    process.wait()
    return out


# ------------------------------------------------------------------ benchmarks


def bench_browser(settings: Settings, wanted: set[str]) -> dict:
    """cold_start and interaction: each run starts both servers cold, then changes a selection."""
    from playwright.sync_api import sync_playwright

    from bench import browser
    from bench.servers import StreamlitServer

    apps = {"ours": ("dashboard.py", DASHBOARD_INTERACTION), "baseline": ("bench/bare_app.py", BARE_INTERACTION)}
    cold = {side: [] for side in apps}
    ready = {side: [] for side in apps}
    changes = {side: [] for side in apps}
    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        try:
            for run in range(settings.runs):
                for side, (script, target) in apps.items():
                    env = {"ANTIFRAUD_DB_URL": sqlite_url(settings, f"browser_{side}_{run}.db")}
                    server = StreamlitServer(script, env=env)
                    try:
                        start = browser.time_cold_start(chromium, server)
                        cold[side].append(start.seconds)
                        ready[side].append(start.ready_seconds)
                        if "interaction" in wanted:
                            changes[side] += _time_changes(browser, chromium, server.url, target, settings.changes)
                    finally:
                        server.stop()
                    log(f"  {side}: cold start {cold[side][-1]:.2f} s" + (
                        f", changes {[round(c, 3) for c in changes[side][-settings.changes:]]}" if changes[side] else ""))
        finally:
            chromium.close()
    out = {}
    if "cold_start" in wanted:
        ours, base = median(cold["ours"]), median(cold["baseline"])
        out["cold_start"] = record(ours, base, GOALS["cold_start"], ours / base <= 1.3, "s", settings.runs,
                                   ours_runs=cold["ours"], baseline_runs=cold["baseline"],
                                   ours_server_ready=median(ready["ours"]),
                                   baseline_server_ready=median(ready["baseline"]))  # fmt: skip
    if "interaction" in wanted:
        ours, base = median(changes["ours"]), median(changes["baseline"])
        out["interaction"] = record(ours, base, GOALS["interaction"], ours / base <= 1.5 and ours < 0.5, "s",
                                    len(changes["ours"]), ours_runs=changes["ours"], baseline_runs=changes["baseline"],
                                    ours_widget=f"{DASHBOARD_INTERACTION['path']}: {DASHBOARD_INTERACTION['widget']}",
                                    baseline_widget=BARE_INTERACTION["widget"])  # fmt: skip
    return out


def _time_changes(browser, chromium, url: str, target: dict, count: int) -> list[float]:
    page = browser.open_page(chromium, f"{url}/{target['path']}", target["chart"])
    try:
        if target["kind"] == "radio":
            options, change = browser.radio_options(page, target["widget"]), browser.time_radio_change
        else:
            options, change = browser.selectbox_options(page, target["widget"]), browser.time_selectbox_change
        if len(options) < 2:
            raise RuntimeError(f"{target['widget']} offers {len(options)} option(s); nothing to change to")
        # Options after the first (the default), round again: every change differs from the one before.
        order = [options[(i + 1) % len(options)] for i in range(count)]
        return [change(page, target["widget"], target["chart"], option) for option in order]
    finally:
        page.context.close()


def bench_ingest(settings: Settings, kind: str) -> dict:
    """ingest_csv / ingest_xlsx: check + store in a fresh process vs pandas reading the same file."""
    if kind == "csv":
        path = workload.write_csv(settings.work / "regional_figures.csv", workload.build_tidy_rows(settings.csv_rows))
        rows, baseline_cmd, shape = settings.csv_rows, "read_csv", "tidy"
    else:
        path = workload.write_xlsx(settings.work / "regional_figures.xlsx", workload.build_wide_rows(settings.xlsx_rows))
        rows, baseline_cmd, shape = settings.xlsx_rows, "read_excel", "wide"
    size = path.stat().st_size
    runs = settings.runs if settings.quick or kind == "xlsx" else min(settings.runs, 3)
    ours, base, scripted, on_pg = [], [], [], []
    for run in range(runs):
        ours.append(worker("ingest", str(path), "--db", sqlite_url(settings, f"ingest_{kind}_{run}.db")))
        if settings.postgres is not None and kind == "csv":
            on_pg.append(worker("ingest", str(path), "--db", postgres_url(settings, f"ingest_{kind}_{run}")))
            log(f"  {kind} on PostgreSQL: {on_pg[-1]['seconds']:.2f} s (store {on_pg[-1]['store_seconds']:.2f} s)")
        base.append(worker(baseline_cmd, str(path)))
        if kind == "csv":  # the second baseline: what a script does (read_csv + to_sql into SQLite)
            scripted.append(worker("to_sql", str(path), "--db", sqlite_url(settings, f"to_sql_{run}.db")))
        log(f"  {kind}: ours {ours[-1]['seconds']:.2f} s ({ours[-1]['status']}), {baseline_cmd} {base[-1]['seconds']:.3f} s"
            + (f", read_csv + to_sql {scripted[-1]['seconds']:.2f} s" if scripted else ""))
    times, base_times = [r["seconds"] for r in ours], [r["seconds"] for r in base]
    growth = max(r["peak_rss"] - r["rss_before"] for r in ours)
    base_growth = max(r["peak_rss"] - r["rss_before"] for r in base)
    ratio = median(times) / median(base_times)
    extra = {
        "shape": shape,
        "rows": rows,
        "file_bytes": size,
        "figures": ours[0]["figures"],
        "status": ours[0]["status"],
        "check_seconds": median([r["check_seconds"] for r in ours]),
        "store_seconds": median([r["store_seconds"] for r in ours]),
        "ours_runs": times,
        "baseline_runs": base_times,
        "peak_rss_bytes": max(r["peak_rss"] for r in ours),
        "peak_rss_growth_bytes": growth,
        "baseline_peak_rss_growth_bytes": base_growth,
        "memory_ratio": growth / size,
    }
    accepted = all(r["stored"] for r in ours)
    if kind == "csv":
        to_sql = median([r["seconds"] for r in scripted])
        extra.update(to_sql_seconds=to_sql, to_sql_runs=[r["seconds"] for r in scripted],
                     to_sql_ratio=median(times) / to_sql)
        met = ratio <= 8 and growth <= 4 * size and accepted and median(times) < to_sql
        if on_pg:
            pg_times = [r["seconds"] for r in on_pg]
            extra.update(postgres_seconds=median(pg_times), postgres_runs=pg_times,
                         postgres_store_seconds=median([r["store_seconds"] for r in on_pg]),
                         postgres_ratio_to_sqlite=median(pg_times) / median(times),
                         postgres_store_ratio_to_sqlite=median([r["store_seconds"] for r in on_pg]) / extra["store_seconds"])  # fmt: skip
    if kind == "xlsx":
        met = ratio <= 1.5 and accepted
    return record(median(times), median(base_times), GOALS[f"ingest_{kind}"], met, "s", runs, **extra)


def bench_big_store(settings: Settings) -> dict:
    """Every page's rerun with many uploaded figures in the store vs the same page with curated data only."""
    big, curated = sqlite_url(settings, "big_store.db"), sqlite_url(settings, "curated_only.db")
    filled = worker("fill", "--db", big, "--figures", str(settings.store_figures))
    log(f"  stored {filled['figures']} figures in {filled['seconds']:.1f} s")
    reruns = settings.runs if settings.quick else 3
    base = page_tour(settings, curated, reruns)
    ours = page_tour(settings, big, reruns)
    pages, total_ours, total_base, met = {}, 0.0, 0.0, True
    for name, b in base["pages"].items():
        o = ours["pages"].get(name, {"timed_out": True, "rerun_seconds": None, "not_reached": True,
                                     "exceptions": [], "max_points": 0, "charts": 0})  # fmt: skip
        seconds = o["rerun_seconds"]
        ratio = seconds / b["rerun_seconds"] if seconds is not None and b["rerun_seconds"] else None
        page_met = (ratio is not None and ratio <= 2 and not o.get("timed_out") and not o["exceptions"]
                    and o["max_points"] <= MAX_CHART_POINTS and b["max_points"] <= MAX_CHART_POINTS)  # fmt: skip
        met = met and page_met and not b["exceptions"]
        pages[name] = {"ours": seconds, "baseline": b["rerun_seconds"], "ratio": ratio, "met": page_met,
                       **{f"ours_{k}": v for k, v in o.items() if k != "rerun_seconds"},
                       "baseline_exceptions": b["exceptions"], "baseline_max_points": b["max_points"]}  # fmt: skip
        if seconds is not None:  # a page stopped at the timeout counts the timeout (a lower bound)
            total_ours += seconds
            total_base += b["rerun_seconds"]
    max_points = max([p.get("ours_max_points", 0) for p in pages.values()] + [0])
    # The first page after another process stores a one-figure upload, with a million figures stored,
    # against the same with curated figures only (issue 17: ratio <= 2).
    after, after_base = ours.get("after_upload", {}), base.get("after_upload", {})
    after_ratio = (after["seconds"] / after_base["seconds"]) if after.get("seconds") and after_base.get("seconds") else None
    after_met = after_ratio is not None and after_ratio <= 2 and not after.get("exceptions")
    met = met and after_met
    postgres = {}
    if settings.postgres is not None:
        pg_url = postgres_url(settings, "big_store")
        pg_filled = worker("fill", "--db", pg_url, "--figures", str(settings.store_figures))
        log(f"  PostgreSQL: stored {pg_filled['figures']} figures in {pg_filled['seconds']:.1f} s")
        on_pg = page_tour(settings, pg_url, reruns)
        pg_total = sum(p["rerun_seconds"] or settings.page_timeout for p in on_pg["pages"].values())
        pg_after = on_pg.get("after_upload", {}).get("seconds")
        postgres = {
            "postgres_fill_seconds": pg_filled["seconds"],
            "postgres_fill_ratio_to_sqlite": pg_filled["seconds"] / filled["seconds"],
            "postgres_rerun_seconds": pg_total,
            "postgres_rerun_ratio_to_sqlite": pg_total / total_ours if total_ours else None,
            "postgres_first_run_seconds": on_pg.get("app", {}).get("first_run_seconds"),
            "postgres_after_upload_seconds": pg_after,
            "postgres_after_upload_ratio": pg_after / after_base["seconds"] if pg_after and after_base.get("seconds") else None,
            "postgres_pages": {name: p["rerun_seconds"] for name, p in on_pg["pages"].items()},
        }
    return record(total_ours, total_base, GOALS["big_store"], met, "s", reruns, figures=settings.store_figures, **postgres,
                  measure="sum over the pages reached of the median rerun (a stopped page counts its timeout)", max_chart_points=max_points,
                  ours_first_run_seconds=ours.get("app", {}).get("first_run_seconds"),
                  baseline_first_run_seconds=base.get("app", {}).get("first_run_seconds"),
                  fill_seconds=filled["seconds"], pages=pages,
                  after_upload_seconds=after.get("seconds"), baseline_after_upload_seconds=after_base.get("seconds"),
                  after_upload_ratio=after_ratio, after_upload_met=after_met)  # fmt: skip


def bench_pages_big(settings: Settings) -> dict:
    """The map and trends pages in a browser with many uploaded figures stored (bench/pages_speed.py):
    first draw and a change of metric against the bare app's; `ours`/`baseline` are the worst ratio's."""
    from bench import pages_speed

    work = settings.work / "pages_big"
    work.mkdir(exist_ok=True)
    changes = 1 if settings.quick else 3
    result = pages_speed.measure(settings.runs if settings.quick else min(settings.runs, 3), settings.store_figures, changes, work, cold=not settings.quick)
    ours, base, worst = pages_speed.summary(result)
    met = all(result[name]["met"] for name in pages_speed.PAGES)
    pages = {name: {k: v for k, v in result[name].items()} for name in pages_speed.PAGES}
    return record(ours, base, GOALS["pages_big"], met, "s", result["runs"], worst=worst, figures=result["figures"],
                  bare=result["bare"], pages=pages, fill_seconds=result["fill"]["seconds"])  # fmt: skip


def bench_export(settings: Settings) -> dict:
    result = worker("export", "--runs", str(settings.runs))
    ours, base = median(result["ours_runs"]), median(result["baseline_runs"])
    return record(ours, base, GOALS["export"], ours / base <= 0.2, "s", settings.runs, **result)


# ------------------------------------------------------------------ output


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = next(int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))  # fmt: skip
    versions = {}
    for name in ("streamlit", "pandas", "plotly", "kaleido", "openpyxl", "sqlalchemy", "playwright"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001
            versions[name] = "?"
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.strip()
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "nproc": os.cpu_count(), "memory_bytes": memory,
            "cpu": cpu, "python": platform.python_version(), "chromium": chromium, **versions}  # fmt: skip


def _figure(value: float, unit: str) -> str:
    if unit == "bytes":
        return f"{value / 2**20:.1f} MiB"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def to_markdown(results: dict, meta: dict, quick: bool) -> str:
    lines = [
        f"Run: {meta['date']}{' (--quick)' if quick else ''}; {meta['nproc']} cores, "
        f"{meta['memory_bytes'] / 2**30:.1f} GiB, {meta['cpu']}; Python {meta['python']}, streamlit "
        f"{meta['streamlit']}, pandas {meta['pandas']}, plotly {meta['plotly']}, kaleido {meta['kaleido']}, "
        f"openpyxl {meta['openpyxl']}, SQLAlchemy {meta['sqlalchemy']}; {meta['chromium']}.",
        "",
        "| benchmark | ours | baseline | ratio | goal | met | runs |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {_figure(r['ours'], r['unit'])} | {_figure(r['baseline'], r['unit'])} | "
                     f"{r['ratio']:.2f}× | {r['goal']} | {'yes' if r['met'] else '**no**'} | {r['runs']} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def to_text(results: dict) -> str:
    rows = [f"{'benchmark':<12} {'ours':>10} {'baseline':>10} {'ratio':>8}  met  goal"]
    for name, r in results.items():
        rows.append(f"{name:<12} {_figure(r['ours'], r['unit']):>10} {_figure(r['baseline'], r['unit']):>10} "
                    f"{r['ratio']:>7.2f}×  {'yes' if r['met'] else 'NO ':<4} {r['goal']}")  # fmt: skip
    return "\n".join(rows)


def run(names: list[str], settings: Settings, save: Path | None = None) -> dict:
    results: dict[str, dict] = {}
    browser_wanted = {n for n in names if n in ("cold_start", "interaction")}
    for name in [n for n in RUN_ORDER if n in names]:
        if name in results:
            continue
        log(f"{name} ({'quick' if settings.quick else 'full'})")
        started = time.monotonic()
        if name in browser_wanted:
            results.update(bench_browser(settings, browser_wanted))
        elif name == "ingest_csv":
            results[name] = bench_ingest(settings, "csv")
        elif name == "ingest_xlsx":
            results[name] = bench_ingest(settings, "xlsx")
        elif name == "big_store":
            results[name] = bench_big_store(settings)
        elif name == "export":
            results[name] = bench_export(settings)
        elif name == "pages_big":
            results[name] = bench_pages_big(settings)
        log(f"{name} done in {time.monotonic() - started:.0f} s")
        if save:
            save.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return {name: results[name] for name in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, one run each (the test suite's run)")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    parser.add_argument("--only", action="append", help="benchmark name(s), comma-separated; repeatable")
    parser.add_argument("--runs", type=int, help="runs per measurement (default 5, or 1 with --quick)")
    parser.add_argument("--markdown", type=Path, help="also write the results table with the machine to FILE")
    parser.add_argument("--store-figures", type=int, help="uploaded figures in the big store (default 1,000,000)")
    parser.add_argument("--save", type=Path, help="write the results so far to FILE after each benchmark")
    parser.add_argument("--postgres", action="store_true",
                        help="also run ingest_csv and big_store on a throw-away PostgreSQL cluster (initdb/pg_ctl)")
    args = parser.parse_args(argv)
    names = [n for chunk in (args.only or [",".join(BENCHMARKS)]) for n in chunk.split(",") if n]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = [n for n in BENCHMARKS if n in names]
    with tempfile.TemporaryDirectory(prefix="antifraud-bench-") as work:
        settings = Settings.make(args.quick, args.runs, Path(work))
        if args.store_figures:
            settings.store_figures = args.store_figures
        if args.postgres:
            settings.postgres = start_postgres()
        try:
            results = run(names, settings, args.save)
        finally:
            if settings.postgres is not None:
                settings.postgres.stop()
    if args.markdown:
        args.markdown.write_text(to_markdown(results, machine(), args.quick), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=None if args.json else 1) if args.json else to_text(results))
    if not args.json:
        print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
