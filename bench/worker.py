"""Measurements that run in a process of their own, so that memory and caches start clean.

    python -m bench.worker ingest FILE --db URL   check + store, time and peak memory
    python -m bench.worker read_csv FILE | read_excel FILE         the pandas baselines
    python -m bench.worker to_sql FILE --db URL                    read_csv + DataFrame.to_sql (a script's ingest)
    python -m bench.worker pages --db URL --runs N                 every page's rerun in AppTest (JSON lines)
    python -m bench.worker export --runs N                         warm exporter vs a fresh plotly export
    python -m bench.worker fill --db URL --figures N               build a store of N uploaded figures

Each prints one JSON object on its last line of standard output (`pages`: one line per page).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGE_SCRIPTS = ["overview", "crackdown", "fraud_types", "compare", "sources", "upload"]
# Figures per upload when filling the store: the checker refuses tables of more data rows.
UPLOAD_FIGURES = 100_000  # ten uploads make the million-figure store (one upload may hold up to 1,000,000)


def memory() -> dict[str, int]:
    """Current and peak resident memory of this process, in bytes (from /proc/self/status)."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024
    return {"rss": values.get("VmRSS", 0), "peak_rss": values.get("VmHWM", 0)}


def ingest(path: Path, url: str) -> dict:
    import loaders.reading  # noqa: F401 - imports are not what is measured
    from loaders.store import Store
    from loaders.tables import check_bytes

    store = Store(url)
    before = memory()["rss"]
    started = time.perf_counter()
    data = path.read_bytes()
    report = check_bytes(data, path.name)
    checked = time.perf_counter()
    stored = report.status != "rejected"
    if stored:
        store.save_upload(report, data, path.name, "bench")
    finished = time.perf_counter()
    codes = sorted({m.code for m in report.messages if m.level == "error"})
    return {
        "seconds": finished - started,
        "check_seconds": checked - started,
        "store_seconds": finished - checked,
        "status": report.status,
        "error_codes": codes,
        "figures": len(report.figures),
        "stored": stored,
        "rss_before": before,
        **memory(),
    }


def read_with_pandas(kind: str, path: Path) -> dict:
    import pandas as pd

    if kind == "read_excel":
        import openpyxl  # noqa: F401
    before = memory()["rss"]
    started = time.perf_counter()
    frame = pd.read_csv(path) if kind == "read_csv" else pd.read_excel(path, engine="openpyxl")
    finished = time.perf_counter()
    return {"seconds": finished - started, "rows": len(frame), "rss_before": before, **memory()}


def read_and_to_sql(path: Path, url: str) -> dict:
    """What a hand-written script (or Superset's CSV upload) does: read_csv, then to_sql into the database."""
    import pandas as pd
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    before = memory()["rss"]
    started = time.perf_counter()
    frame = pd.read_csv(path)
    frame.to_sql("figures", engine, if_exists="replace", index=False, chunksize=50_000)
    finished = time.perf_counter()
    engine.dispose()
    return {"seconds": finished - started, "rows": len(frame), "rss_before": before, **memory()}


def fill(url: str, figures: int) -> dict:
    """Store `figures` uploaded figures through the store's own save path, in uploads of UPLOAD_FIGURES."""
    from types import SimpleNamespace

    from bench.workload import build_store_figures
    from loaders.store import Store

    store = Store(url)
    started = time.perf_counter()
    uploads = 0
    for upload_no, start in enumerate(range(0, figures, UPLOAD_FIGURES)):
        frame = build_store_figures(min(UPLOAD_FIGURES, figures - start), upload_no)
        report = SimpleNamespace(status="accepted", encoding="utf-8", sheet=None, rows=len(frame), messages=[],
                                 figures=frame, new_metrics=[])  # fmt: skip
        store.save_upload(report, f"bench upload {upload_no}".encode(), f"bench_{upload_no}.csv", "bench")
        uploads += 1
    return {"seconds": time.perf_counter() - started, "figures": figures, "uploads": uploads}


def pages(url: str, runs: int, names: list[str] | None = None) -> None:
    """Every page in AppTest: the first run (cold caches), then `runs` reruns; points of every chart.

    Prints a JSON line after every run and one per page as soon as it is measured, so the caller can
    stop a run that hangs.
    """
    os.environ["ANTIFRAUD_DB_URL"] = url
    from streamlit.testing.v1 import AppTest

    from bench.points import count_points

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=24 * 3600)
    started = time.perf_counter()
    app.run()
    _emit({"app": {"first_run_seconds": time.perf_counter() - started}})
    for name in names or PAGE_SCRIPTS:
        if not (ROOT / "pages" / f"{name}.py").exists():
            continue
        _emit({"start": name})
        app.switch_page(f"pages/{name}.py")
        started = time.perf_counter()
        app.run()
        switch = time.perf_counter() - started
        _emit({"ran": name})
        reruns = []
        for _ in range(runs):
            started = time.perf_counter()
            app.run()
            reruns.append(time.perf_counter() - started)
            _emit({"ran": name})
        charts = app.get("plotly_chart")
        points = {}
        for index, chart in enumerate(charts):
            key = chart.proto.id.rsplit("-", 1)[-1] if chart.proto.id else str(index)
            points[f"{index}:{key}"] = count_points(chart.proto.spec)
        _emit({"page": name, "result": {
            "switch_seconds": switch,
            "rerun_seconds": statistics.median(reruns),
            "reruns": reruns,
            "exceptions": [str(e.value)[:300] for e in app.exception],
            "charts": len(charts),
            "points": points,
            "max_points": max(points.values(), default=0),
            "table_rows": max((len(d.value) for d in app.dataframe), default=0),
        }})  # fmt: skip
    _emit({"after_upload": after_upload(app, url)})


def after_upload(app, url: str, first: str = "overview", times: int = 3) -> dict:
    """The first page run after another process stores a one-figure upload (issue 17): the page's
    frame has to take the new store version. `times` uploads, each followed by one timed run of the
    page (after a warm run); the median is reported."""
    import subprocess
    import tempfile

    from bench.workload import build_store_figures

    code = (
        "import sys, pandas as pd; from types import SimpleNamespace; from loaders.store import Store; "
        "f = pd.read_pickle(sys.argv[2]); r = SimpleNamespace(status='accepted', encoding='utf-8', sheet=None, "
        "rows=1, messages=[], figures=f, new_metrics=[]); Store(sys.argv[1]).save_upload(r, sys.argv[3].encode(), "
        "'after.csv', 'bench')"
    )
    app.switch_page(f"pages/{first}.py")
    app.run()
    runs, exceptions = [], []
    for n in range(times):
        frame = build_store_figures(1, upload_no=9_000_000 + n)  # a slot no filled upload holds
        with tempfile.NamedTemporaryFile(suffix=".pkl") as pickled:
            frame.to_pickle(pickled.name)
            subprocess.run([sys.executable, "-c", code, url, pickled.name, f"after {n}"], cwd=ROOT, check=True,
                           timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
        started = time.perf_counter()
        app.run()
        runs.append(time.perf_counter() - started)
        exceptions += [str(e.value)[:300] for e in app.exception]
    return {"page": first, "seconds": statistics.median(runs), "runs": runs, "exceptions": exceptions}


def _emit(record: dict) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def export(runs: int) -> dict:
    """The app's exporter after its first call (browser kept) vs plotly's own to_image (browser per call)."""
    os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")
    from charts.export import ASPECTS, DEFAULT_SCALE, SERVER, build_export_figure, to_image
    from charts.pages import build_page_charts

    chart = build_page_charts("overview", _figures(), "zh")[0]
    started = time.perf_counter()
    first = to_image(chart, "png")
    first_seconds = time.perf_counter() - started
    ours = []
    for _ in range(runs):
        started = time.perf_counter()
        png = to_image(chart, "png")
        ours.append(time.perf_counter() - started)
    SERVER.stop(wait=5)

    figure = build_export_figure(chart)
    width, height = ASPECTS["16:9"]
    baseline = []
    for _ in range(runs):
        started = time.perf_counter()
        fresh = figure.to_image(format="png", width=width, height=height, scale=DEFAULT_SCALE)
        baseline.append(time.perf_counter() - started)
    return {
        "chart_id": chart.chart_id,
        "first_seconds": first_seconds,
        "ours_runs": ours,
        "baseline_runs": baseline,
        "png_bytes": len(png),
        "first_png_bytes": len(first),
        "baseline_png_bytes": len(fresh),
    }


def _figures():
    from loaders.frame import build_all_figures

    return build_all_figures(include_uploaded=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest")
    p.add_argument("file", type=Path)
    p.add_argument("--db", required=True)
    for kind in ("read_csv", "read_excel"):
        sub.add_parser(kind).add_argument("file", type=Path)
    p = sub.add_parser("to_sql")
    p.add_argument("file", type=Path)
    p.add_argument("--db", required=True)
    p = sub.add_parser("fill")
    p.add_argument("--db", required=True)
    p.add_argument("--figures", type=int, required=True)
    p = sub.add_parser("pages")
    p.add_argument("--db", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--pages", help="comma-separated page names (default: every page)")
    sub.add_parser("export").add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    if args.command == "ingest":
        result = ingest(args.file, args.db)
    elif args.command in ("read_csv", "read_excel"):
        result = read_with_pandas(args.command, args.file)
    elif args.command == "to_sql":
        result = read_and_to_sql(args.file, args.db)
    elif args.command == "fill":
        result = fill(args.db, args.figures)
    elif args.command == "pages":
        pages(args.db, args.runs, args.pages.split(",") if args.pages else None)
        return 0
    else:
        result = export(args.runs)
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
